/* Operations that change a file's data or a node's attributes. The first
 * change to a CAS-backed file copies its blob into the file pool
 * ("copy-up"); the blob itself is only ever read. */
#include "ops.h"

#include <casroot/log.h>
#include <casroot/util.h>

#include <fcntl.h>
#include <string.h>

/* The blob is copied without the table lock, so that copying a large input
 * does not stall every other request; the node is marked meanwhile and
 * whoever else needs it writable waits (fs_make_writable). Table lock held
 * on entry and on return. */
static int copy_blob_unlocked(struct fs *fs, struct node *n, int blob_fd, uint64_t *id, int *fd)
{
	uint64_t size = n->size;
	int r;

	n->copying = true;
	fs_unlock(fs);
	r = pool_copy_up(&fs->pool, blob_fd, size, id, fd);
	fs_lock(fs);
	n->copying = false;
	pthread_cond_broadcast(&fs->copied);
	return r;
}

/* Table lock held. */
static int copy_up(struct fs *fs, struct node *n, int blob_fd, bool truncate)
{
	uint64_t id;
	int fd, r;

	if (n->memory) {
		r = pool_create(&fs->pool, &id, &fd);
		if (r == 0 && !truncate && (r = write_all(fd, n->memory, n->size)) < 0) {
			close(fd);
			pool_remove(&fs->pool, id);
		}
	} else if (truncate || n->size == 0) {
		r = pool_create(&fs->pool, &id, &fd);
	} else {
		r = copy_blob_unlocked(fs, n, blob_fd, &id, &fd);
	}
	if (r < 0)
		return r;
	n->pool_fd = fd;
	n->pool_id = id;
	n->memory = NULL;
	return 0;
}

int fs_make_writable(struct fs *fs, struct node *n, int blob_fd, bool truncate)
{
	struct timespec now = fs_now();
	int r;

	if (n->kind != NODE_FILE)
		return -EINVAL;
	while (n->copying)
		pthread_cond_wait(&fs->copied, &fs->table.lock);
	if (!n->pool_id)
		r = copy_up(fs, n, blob_fd, truncate);
	else
		r = n->pool_fd >= 0 ? 0 : pool_open_file(&fs->pool, n->pool_id, &n->pool_fd);
	if (r < 0)
		return r;
	if (n->has_digest) {
		n->has_digest = false;
		node_mark_changed(n->parent);
	}
	if (truncate && n->size > 0) {
		if (ftruncate(n->pool_fd, 0) < 0)
			return -errno;
		n->size = 0;
		n->mtime = n->ctime = now;
	}
	return 0;
}

/* Sets the size of a file, opening its pool file just for that when no
 * handle has it open. Table lock held; blob_fd as for fs_make_writable. */
static int set_size(struct fs *fs, struct node *n, int blob_fd, off_t size)
{
	int r = fs_make_writable(fs, n, blob_fd, size == 0);

	if (r == 0 && ftruncate(n->pool_fd, size) < 0)
		r = -errno;
	if (r == 0)
		n->size = size;
	if (n->n_open == 0 && n->pool_fd >= 0) {
		close(n->pool_fd);
		n->pool_fd = -1;
	}
	return r;
}

static void set_time(struct timespec *t, const struct timespec *given, bool now_flag, struct timespec now)
{
	*t = now_flag ? now : *given;
}

/* Table lock held. */
static int apply_attrs(struct fs *fs, struct node *n, const struct stat *attr, int to_set, int blob_fd)
{
	struct timespec now = fs_now();
	int r;

	if (to_set & FUSE_SET_ATTR_SIZE) {
		if (n->kind != NODE_FILE)
			return n->kind == NODE_DIR ? -EISDIR : -EINVAL;
		if ((r = set_size(fs, n, blob_fd, attr->st_size)) < 0)
			return r;
		n->mtime = now;
	}
	if (to_set & FUSE_SET_ATTR_MODE)
		n->mode = attr->st_mode & 07777;
	if (to_set & FUSE_SET_ATTR_UID)
		n->uid = attr->st_uid;
	if (to_set & FUSE_SET_ATTR_GID)
		n->gid = attr->st_gid;
	if (to_set & (FUSE_SET_ATTR_ATIME | FUSE_SET_ATTR_ATIME_NOW))
		set_time(&n->atime, &attr->st_atim, to_set & FUSE_SET_ATTR_ATIME_NOW, now);
	if (to_set & (FUSE_SET_ATTR_MTIME | FUSE_SET_ATTR_MTIME_NOW))
		set_time(&n->mtime, &attr->st_mtim, to_set & FUSE_SET_ATTR_MTIME_NOW, now);
	n->ctime = now;
	/* The blob's digest still names the content; the Directory no longer
	 * describes the entry (mode, mtime, owner). */
	node_mark_changed(n->kind == NODE_DIR ? n : n->parent);
	return 0;
}

void op_setattr(fuse_req_t req, fuse_ino_t ino, struct stat *attr, int to_set, struct fuse_file_info *fi)
{
	struct fs *fs = fs_of(req);
	struct node *n = node_of(&fs->table, ino);
	_cleanup_close_ int blob_fd = -1;
	struct stat st;
	bool need_blob;
	int r = 0;

	fs_count(req, REQ_SETATTR);
	fs_lock(fs);
	need_blob = (to_set & FUSE_SET_ATTR_SIZE) && attr->st_size > 0 && n->kind == NODE_FILE && !n->pool_id &&
		    !n->memory && n->size > 0;
	fs_unlock(fs);
	if (need_blob && fi && handle_of(fi)->blob_fd >= 0)
		blob_fd = dup(handle_of(fi)->blob_fd);
	else if (need_blob)
		r = fs_open_blob(fs, n, &blob_fd);
	if (r == 0) {
		fs_lock(fs);
		r = apply_attrs(fs, n, attr, to_set, blob_fd);
		node_stat(&fs->table, n, &st);
		fs_unlock(fs);
	}
	if (r < 0)
		return (void)fuse_reply_err(req, -r);
	fuse_reply_attr(req, &st, FS_CACHE_TIMEOUT);
}

void op_write_buf(fuse_req_t req, fuse_ino_t ino, struct fuse_bufvec *bufv, off_t off, struct fuse_file_info *fi)
{
	struct fs *fs = fs_of(req);
	struct node *n = handle_of(fi)->node;
	struct fuse_bufvec dst = FUSE_BUFVEC_INIT(fuse_buf_size(bufv));
	ssize_t written;
	int r = 0;

	(void)ino;
	fs_count(req, REQ_WRITE);
	fs_lock(fs);
	if (n->pool_fd < 0) /* a new file's first data */
		r = fs_make_writable(fs, n, -1, false);
	dst.buf[0].fd = n->pool_fd;
	fs_unlock(fs);
	if (r < 0)
		return (void)fuse_reply_err(req, -r);
	dst.buf[0].flags = FUSE_BUF_IS_FD | FUSE_BUF_FD_SEEK;
	dst.buf[0].pos = off;
	written = fuse_buf_copy(&dst, bufv, FUSE_BUF_SPLICE_NONBLOCK);
	if (written < 0)
		return (void)fuse_reply_err(req, (int)-written);
	fs_lock(fs);
	if ((uint64_t)(off + written) > n->size)
		n->size = off + written;
	n->mtime = n->ctime = fs_now();
	fs_unlock(fs);
	stats_add(&fs->stats.bytes_written, written);
	fuse_reply_write(req, written);
}

void op_fallocate(fuse_req_t req, fuse_ino_t ino, int mode, off_t off, off_t len, struct fuse_file_info *fi)
{
	struct fs *fs = fs_of(req);
	struct node *n = handle_of(fi)->node;
	int r = 0;

	(void)ino;
	fs_count(req, REQ_FALLOCATE);
	fs_lock(fs);
	if (n->pool_fd < 0)
		r = fs_make_writable(fs, n, -1, false);
	if (r == 0 && fallocate(n->pool_fd, mode, off, len) < 0)
		r = -errno;
	if (r == 0 && !(mode & FALLOC_FL_KEEP_SIZE) && (uint64_t)(off + len) > n->size)
		n->size = off + len;
	if (r == 0)
		n->mtime = n->ctime = fs_now();
	fs_unlock(fs);
	fuse_reply_err(req, -r);
}

void op_fsync(fuse_req_t req, fuse_ino_t ino, int datasync, struct fuse_file_info *fi)
{
	struct fs *fs = fs_of(req);
	int fd, r = 0;

	(void)ino;
	fs_count(req, REQ_FSYNC);
	fs_lock(fs);
	fd = handle_of(fi)->node->pool_fd;
	fs_unlock(fs);
	if (fd >= 0 && (datasync ? fdatasync(fd) : fsync(fd)) < 0)
		r = errno;
	fuse_reply_err(req, r);
}

void op_flush(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	(void)ino;
	(void)fi;
	fs_count(req, REQ_FLUSH);
	fuse_reply_err(req, 0);
}

/* Only user.reapi.digest exists, and it is computed: no xattr can be set. */
void op_setxattr(fuse_req_t req, fuse_ino_t ino, const char *name, const char *value, size_t size, int flags)
{
	(void)ino, (void)name, (void)value, (void)size, (void)flags;
	fs_count(req, REQ_SETXATTR);
	fuse_reply_err(req, ENOTSUP);
}

void op_removexattr(fuse_req_t req, fuse_ino_t ino, const char *name)
{
	(void)ino, (void)name;
	fs_count(req, REQ_REMOVEXATTR);
	fuse_reply_err(req, ENOTSUP);
}
