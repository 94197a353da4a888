/* casrootfs's FUSE operations for looking and reading, the helpers every
 * operation shares, and the operations table. File data never passes
 * through the table lock: reads are spliced from the descriptor of the
 * node's pool file, or of its CAS blob until it has one. */
#include "ops.h"

#include <casroot/log.h>
#include <casroot/util.h>

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/statvfs.h>

#define DIGEST_XATTR "user.reapi.digest"

static double attr_timeout(const struct node *n)
{
	/* An unexpanded directory does not know its link count yet. */
	return n->kind == NODE_DIR && !n->expanded ? 0 : FS_CACHE_TIMEOUT;
}

static void fill_entry(struct fs *fs, const struct node *n, struct fuse_entry_param *e)
{
	memset(e, 0, sizeof(*e));
	e->ino = node_ino(&fs->table, n);
	node_stat(&fs->table, n, &e->attr);
	e->attr_timeout = attr_timeout(n);
	e->entry_timeout = FS_CACHE_TIMEOUT;
}

void fs_reply_entry_of(struct fs *fs, struct node *n, struct fuse_entry_param *e)
{
	fill_entry(fs, n, e);
	node_ref(n);
}

int fs_expanded_dir(struct fs *fs, fuse_ino_t ino, struct node **ret)
{
	struct node *dir = node_of(&fs->table, ino);
	int r;

	if (dir->kind != NODE_DIR)
		return -ENOTDIR;
	r = fs_expand(fs, dir);
	if (r < 0)
		return r;
	*ret = dir;
	return 0;
}

static int do_lookup(struct fs *fs, fuse_ino_t parent, const char *name, struct fuse_entry_param *e)
{
	struct node *dir, *child;
	int r;

	fs_lock(fs);
	r = fs_expanded_dir(fs, parent, &dir);
	if (r == 0) {
		child = node_child(dir, name);
		if (child) {
			fs_reply_entry_of(fs, child, e);
		} else {
			/* A negative entry, cached like any other; creating the
			 * name through this mount replaces it. */
			memset(e, 0, sizeof(*e));
			e->entry_timeout = FS_CACHE_TIMEOUT;
		}
	}
	fs_unlock(fs);
	return r;
}

static void op_lookup(fuse_req_t req, fuse_ino_t parent, const char *name)
{
	struct fuse_entry_param e;
	int r;

	fs_count(req, REQ_LOOKUP);
	r = do_lookup(fs_of(req), parent, name, &e);
	if (r < 0)
		return (void)fuse_reply_err(req, -r);
	fuse_reply_entry(req, &e);
}

static void forget_one(struct fs *fs, fuse_ino_t ino, uint64_t nlookup)
{
	struct node *n = node_of(&fs->table, ino);

	if (n != fs->table.root)
		node_forget(&fs->table, n, nlookup);
}

static void op_forget(fuse_req_t req, fuse_ino_t ino, uint64_t nlookup)
{
	struct fs *fs = fs_of(req);

	fs_count(req, REQ_FORGET);
	fs_lock(fs);
	forget_one(fs, ino, nlookup);
	fs_unlock(fs);
	fuse_reply_none(req);
}

static void op_forget_multi(fuse_req_t req, size_t n, struct fuse_forget_data *forgets)
{
	struct fs *fs = fs_of(req);

	fs_count(req, REQ_FORGET);
	fs_lock(fs);
	for (size_t i = 0; i < n; i++)
		forget_one(fs, forgets[i].ino, forgets[i].nlookup);
	fs_unlock(fs);
	fuse_reply_none(req);
}

static void op_getattr(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	struct fs *fs = fs_of(req);
	struct node *n;
	struct stat st;
	double timeout;

	(void)fi;
	fs_count(req, REQ_GETATTR);
	fs_lock(fs);
	n = node_of(&fs->table, ino);
	if (n->kind == NODE_DIR)
		(void)fs_expand(fs, n); /* for its link count; a broken one still stats */
	node_stat(&fs->table, n, &st);
	timeout = attr_timeout(n);
	fs_unlock(fs);
	fuse_reply_attr(req, &st, timeout);
}

static void op_readlink(fuse_req_t req, fuse_ino_t ino)
{
	struct fs *fs = fs_of(req);
	_cleanup_free_ char *target = NULL;
	struct node *n;

	fs_count(req, REQ_READLINK);
	fs_lock(fs);
	n = node_of(&fs->table, ino);
	if (n->kind == NODE_SYMLINK)
		target = strdup(n->target);
	fs_unlock(fs);
	if (n->kind != NODE_SYMLINK)
		return (void)fuse_reply_err(req, EINVAL);
	if (!target)
		return (void)fuse_reply_err(req, ENOMEM);
	fuse_reply_readlink(req, target);
}

int fs_open_blob(struct fs *fs, struct node *n, int *ret_fd)
{
	_cleanup_close_ int fd = -1;
	struct digest d;
	bool verify;
	int r;

	fs_lock(fs);
	d = n->digest;
	verify = fs->opts->verify_files && !n->verified;
	fs_unlock(fs);
	r = store_open_blob(fs->store, &d, &fd);
	if (r == 0)
		(void)posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL); /* a hint: failure changes nothing */
	if (r == 0 && verify)
		r = store_verify_fd(fd, &d);
	fs_lock(fs);
	if (r < 0)
		fs_log_failure(fs, n, "blob", store_error_text(r));
	else
		n->verified = n->verified || verify;
	fs_unlock(fs);
	if (r < 0)
		return -EIO;
	stats_add(&fs->stats.file_blobs_opened, 1);
	*ret_fd = take_fd(&fd);
	return 0;
}

/* Makes sure a node that has a pool file has it open. Table lock held. */
static int attach_pool_file(struct fs *fs, struct node *n)
{
	if (!n->pool_id || n->pool_fd >= 0)
		return 0;
	return pool_open_file(&fs->pool, n->pool_id, &n->pool_fd);
}

static int do_open(struct fs *fs, fuse_ino_t ino, struct fuse_file_info *fi)
{
	struct node *n = node_of(&fs->table, ino);
	bool writing = (fi->flags & O_ACCMODE) != O_RDONLY || (fi->flags & O_TRUNC);
	_cleanup_close_ int blob_fd = -1;
	struct handle *h;
	bool from_cas;
	int r;

	if (n->kind == NODE_DIR)
		return -EISDIR;
	fs_lock(fs);
	from_cas = !n->pool_id && !n->memory && n->size > 0;
	fs_unlock(fs);
	if (from_cas && !(writing && (fi->flags & O_TRUNC)) && (r = fs_open_blob(fs, n, &blob_fd)) < 0)
		return r;
	if (!(h = calloc(1, sizeof(*h))))
		return -ENOMEM;
	fs_lock(fs);
	r = writing ? fs_make_writable(fs, n, blob_fd, fi->flags & O_TRUNC) : attach_pool_file(fs, n);
	if (r == 0) {
		n->n_open++;
		h->node = n;
		h->blob_fd = n->pool_id ? -1 : take_fd(&blob_fd);
	}
	fs_unlock(fs);
	if (r < 0) {
		free(h);
		return r;
	}
	fi->fh = (uintptr_t)h;
	fi->keep_cache = 1; /* every change to a node goes through the kernel's page cache */
	fi->noflush = 1;    /* flush has nothing to do: writes reach the pool as they come */
	return 0;
}

static void op_open(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	int r;

	fs_count(req, REQ_OPEN);
	r = do_open(fs_of(req), ino, fi);
	if (r < 0)
		return (void)fuse_reply_err(req, -r);
	fuse_reply_open(req, fi);
}

static void reply_memory(fuse_req_t req, const struct node *n, size_t size, off_t off)
{
	if ((uint64_t)off >= n->size)
		return (void)fuse_reply_buf(req, NULL, 0);
	fuse_reply_buf(req, (const char *)n->memory + off, size < n->size - off ? size : n->size - off);
}

static void op_read(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off, struct fuse_file_info *fi)
{
	struct fs *fs = fs_of(req);
	struct handle *h = handle_of(fi);
	struct node *n = h->node;
	struct fuse_bufvec buf = FUSE_BUFVEC_INIT(size);
	int fd;

	(void)ino;
	fs_count(req, REQ_READ);
	fs_lock(fs);
	fd = n->pool_id ? n->pool_fd : h->blob_fd;
	if ((uint64_t)off < n->size)
		stats_add(&fs->stats.bytes_read, size < n->size - off ? size : n->size - off);
	fs_unlock(fs);
	if (fd < 0 && n->memory)
		return reply_memory(req, n, size, off);
	if (fd < 0) /* an empty blob needs no descriptor */
		return (void)fuse_reply_buf(req, NULL, 0);
	buf.buf[0].flags = FUSE_BUF_IS_FD | FUSE_BUF_FD_SEEK;
	buf.buf[0].fd = fd;
	buf.buf[0].pos = off;
	fuse_reply_data(req, &buf, FUSE_BUF_SPLICE_MOVE);
}

static void op_release(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	struct fs *fs = fs_of(req);
	struct handle *h = handle_of(fi);
	struct node *n = h->node;

	(void)ino;
	fs_count(req, REQ_RELEASE);
	fs_lock(fs);
	if (--n->n_open == 0 && n->pool_fd >= 0) {
		close(n->pool_fd);
		n->pool_fd = -1;
	}
	node_closed(&fs->table, n);
	fs_unlock(fs);
	if (h->blob_fd >= 0)
		close(h->blob_fd);
	free(h);
	fuse_reply_err(req, 0);
}

static void op_opendir(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	struct fs *fs = fs_of(req);
	struct node *dir;
	int r;

	fs_count(req, REQ_OPENDIR);
	fs_lock(fs);
	r = fs_expanded_dir(fs, ino, &dir);
	fs_unlock(fs);
	if (r < 0)
		return (void)fuse_reply_err(req, -r);
	fi->cache_readdir = 1; /* the kernel drops it when the directory changes */
	fi->keep_cache = 1;
	fuse_reply_open(req, fi);
}

/* Adds entry i ("." and ".." first, then the entries) to buf; the number
 * of bytes it needs, which is more than room when it did not fit. */
static size_t add_dirent(fuse_req_t req, struct fs *fs, struct node *dir, size_t i, bool plus, char *buf, size_t room)
{
	struct node *n = i == 0 ? dir : i == 1 ? (dir->parent ? dir->parent : dir) : dir->entries[i - 2].node;
	const char *name = i == 0 ? "." : i == 1 ? ".." : dir->entries[i - 2].name;
	struct fuse_entry_param e;
	size_t len;

	if (plus && i >= 2) {
		fill_entry(fs, n, &e);
	} else {
		/* The kernel takes no reference on "." and ".." entries. */
		memset(&e, 0, sizeof(e));
		node_stat(&fs->table, n, &e.attr);
	}
	if (plus)
		len = fuse_add_direntry_plus(req, buf, room, name, &e, i + 1);
	else
		len = fuse_add_direntry(req, buf, room, name, &e.attr, i + 1);
	if (plus && i >= 2 && len <= room)
		node_ref(n);
	return len;
}

static void do_readdir(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off, bool plus)
{
	struct fs *fs = fs_of(req);
	_cleanup_free_ char *buf = malloc(size);
	struct node *dir;
	size_t pos = 0;
	int r;

	if (!buf)
		return (void)fuse_reply_err(req, ENOMEM);
	fs_lock(fs);
	r = fs_expanded_dir(fs, ino, &dir);
	for (size_t i = off; r == 0 && i < dir->n_entries + 2; i++) {
		size_t len = add_dirent(req, fs, dir, i, plus, buf + pos, size - pos);
		if (len > size - pos)
			break;
		pos += len;
	}
	fs_unlock(fs);
	if (r < 0)
		return (void)fuse_reply_err(req, -r);
	fuse_reply_buf(req, buf, pos);
}

static void op_readdir(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off, struct fuse_file_info *fi)
{
	(void)fi;
	fs_count(req, REQ_READDIR);
	do_readdir(req, ino, size, off, false);
}

static void op_readdirplus(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off, struct fuse_file_info *fi)
{
	(void)fi;
	fs_count(req, REQ_READDIRPLUS);
	do_readdir(req, ino, size, off, true);
}

static void op_releasedir(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	(void)ino;
	(void)fi;
	fs_count(req, REQ_RELEASEDIR);
	fuse_reply_err(req, 0);
}

static void op_statfs(fuse_req_t req, fuse_ino_t ino)
{
	struct statvfs st;
	int r;

	(void)ino;
	fs_count(req, REQ_STATFS);
	r = pool_statfs(&fs_of(req)->pool, &st);
	if (r < 0)
		return (void)fuse_reply_err(req, -r);
	st.f_namemax = NAME_MAX;
	fuse_reply_statfs(req, &st);
}

/* The digest xattr of n, if n still is exactly its digest. */
static bool digest_xattr(const struct node *n, char *value)
{
	if (!n->has_digest || n->augmented)
		return false;
	digest_format(&n->digest, value);
	return true;
}

static void reply_xattr_value(fuse_req_t req, const char *value, size_t len, size_t size)
{
	if (size == 0)
		return (void)fuse_reply_xattr(req, len);
	if (size < len)
		return (void)fuse_reply_err(req, ERANGE);
	fuse_reply_buf(req, value, len);
}

static void op_getxattr(fuse_req_t req, fuse_ino_t ino, const char *name, size_t size)
{
	struct fs *fs = fs_of(req);
	char value[DIGEST_STR_MAX];
	bool have;

	fs_count(req, REQ_GETXATTR);
	fs_lock(fs);
	have = strcmp(name, DIGEST_XATTR) == 0 && digest_xattr(node_of(&fs->table, ino), value);
	fs_unlock(fs);
	if (!have)
		return (void)fuse_reply_err(req, ENODATA);
	reply_xattr_value(req, value, strlen(value), size);
}

static void op_listxattr(fuse_req_t req, fuse_ino_t ino, size_t size)
{
	struct fs *fs = fs_of(req);
	char value[DIGEST_STR_MAX];
	bool have;

	fs_count(req, REQ_LISTXATTR);
	fs_lock(fs);
	have = digest_xattr(node_of(&fs->table, ino), value);
	fs_unlock(fs);
	reply_xattr_value(req, DIGEST_XATTR, have ? sizeof(DIGEST_XATTR) : 0, size);
}

static void op_init(void *userdata, struct fuse_conn_info *conn)
{
	(void)userdata;
	conn->want |= conn->capable &
		      (FUSE_CAP_SPLICE_WRITE | FUSE_CAP_SPLICE_MOVE | FUSE_CAP_SPLICE_READ | FUSE_CAP_READDIRPLUS |
		       FUSE_CAP_CACHE_SYMLINKS | FUSE_CAP_PARALLEL_DIROPS | FUSE_CAP_ATOMIC_O_TRUNC);
	conn->want &= ~(FUSE_CAP_READDIRPLUS_AUTO | FUSE_CAP_AUTO_INVAL_DATA);
	conn->time_gran = 1;
	/* The kernel keeps the smaller of this and the mount's readahead,
	 * which main() raised before serving. */
	conn->max_readahead = FS_READ_AHEAD_KB << 10;
	/* Let readahead keep several requests in flight on a cold CAS. */
	conn->max_background = 64;
	conn->congestion_threshold = 48;
}

const struct fuse_lowlevel_ops fs_ops = {
	.init = op_init,
	.lookup = op_lookup,
	.forget = op_forget,
	.forget_multi = op_forget_multi,
	.getattr = op_getattr,
	.setattr = op_setattr,
	.readlink = op_readlink,
	.mknod = op_mknod,
	.mkdir = op_mkdir,
	.unlink = op_unlink,
	.rmdir = op_rmdir,
	.symlink = op_symlink,
	.rename = op_rename,
	.link = op_link,
	.open = op_open,
	.read = op_read,
	.write_buf = op_write_buf,
	.flush = op_flush,
	.release = op_release,
	.fsync = op_fsync,
	.opendir = op_opendir,
	.readdir = op_readdir,
	.readdirplus = op_readdirplus,
	.releasedir = op_releasedir,
	.statfs = op_statfs,
	.setxattr = op_setxattr,
	.getxattr = op_getxattr,
	.listxattr = op_listxattr,
	.removexattr = op_removexattr,
	.create = op_create,
	.fallocate = op_fallocate,
};
