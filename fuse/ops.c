/* casrootfs's FUSE operations. Each operation is a worker returning 0 or
 * -errno that works under the table lock, plus a wrapper that replies exactly
 * once. File data never passes through the lock: reads are spliced from the
 * blob's descriptor kept in the open file handle. */
#include "ops.h"
#include "fs.h"

#include <casroot/log.h>
#include <casroot/util.h>

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/statvfs.h>

#define DIGEST_XATTR "user.reapi.digest"
/* The file handle of a file served from memory (the embedded env). */
#define MEMORY_FH UINT64_MAX

static struct fs *fs_of(fuse_req_t req)
{
	return fuse_req_userdata(req);
}

static void count(fuse_req_t req, enum fs_request kind)
{
	stats_add(&fs_of(req)->stats.requests[kind], 1);
}

static void lock(struct fs *fs)
{
	pthread_mutex_lock(&fs->table.lock);
}

static void unlock(struct fs *fs)
{
	pthread_mutex_unlock(&fs->table.lock);
}

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

/* The expanded directory ino names; table lock held. */
static int expanded_dir(struct fs *fs, fuse_ino_t ino, struct node **ret)
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

	lock(fs);
	r = expanded_dir(fs, parent, &dir);
	if (r == 0) {
		child = node_child(dir, name);
		if (child) {
			fill_entry(fs, child, e);
			node_ref(child);
		} else {
			/* A negative entry, cached like any other. */
			memset(e, 0, sizeof(*e));
			e->entry_timeout = FS_CACHE_TIMEOUT;
		}
	}
	unlock(fs);
	return r;
}

static void op_lookup(fuse_req_t req, fuse_ino_t parent, const char *name)
{
	struct fuse_entry_param e;
	int r;

	count(req, REQ_LOOKUP);
	r = do_lookup(fs_of(req), parent, name, &e);
	if (r < 0)
		return (void)fuse_reply_err(req, -r);
	fuse_reply_entry(req, &e);
}

static void forget_one(struct fs *fs, fuse_ino_t ino, uint64_t nlookup)
{
	struct node *n = node_of(&fs->table, ino);

	if (n != fs->table.root)
		node_forget(n, nlookup);
}

static void op_forget(fuse_req_t req, fuse_ino_t ino, uint64_t nlookup)
{
	struct fs *fs = fs_of(req);

	count(req, REQ_FORGET);
	lock(fs);
	forget_one(fs, ino, nlookup);
	unlock(fs);
	fuse_reply_none(req);
}

static void op_forget_multi(fuse_req_t req, size_t n, struct fuse_forget_data *forgets)
{
	struct fs *fs = fs_of(req);

	count(req, REQ_FORGET);
	lock(fs);
	for (size_t i = 0; i < n; i++)
		forget_one(fs, forgets[i].ino, forgets[i].nlookup);
	unlock(fs);
	fuse_reply_none(req);
}

static void op_getattr(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	struct fs *fs = fs_of(req);
	struct node *n;
	struct stat st;
	double timeout;

	(void)fi;
	count(req, REQ_GETATTR);
	lock(fs);
	n = node_of(&fs->table, ino);
	if (n->kind == NODE_DIR)
		(void)fs_expand(fs, n); /* for its link count; a broken one still stats */
	node_stat(&fs->table, n, &st);
	timeout = attr_timeout(n);
	unlock(fs);
	fuse_reply_attr(req, &st, timeout);
}

static void op_readlink(fuse_req_t req, fuse_ino_t ino)
{
	struct fs *fs = fs_of(req);
	_cleanup_free_ char *target = NULL;
	struct node *n;

	count(req, REQ_READLINK);
	lock(fs);
	n = node_of(&fs->table, ino);
	if (n->kind == NODE_SYMLINK)
		target = strdup(n->target);
	unlock(fs);
	if (n->kind != NODE_SYMLINK)
		return (void)fuse_reply_err(req, EINVAL);
	if (!target)
		return (void)fuse_reply_err(req, ENOMEM);
	fuse_reply_readlink(req, target);
}

static const char *blob_error(int r)
{
	switch (r) {
	case -ENOENT:
		return "missing from the CAS";
	case -EBADMSG:
		return "content does not match its digest";
	default:
		return strerror(-r);
	}
}

/* Opens n's blob, checking its content once with --verify-files. */
static int open_blob(struct fs *fs, struct node *n, int *ret_fd)
{
	_cleanup_close_ int fd = -1;
	struct digest d;
	bool verify;
	int r;

	lock(fs);
	d = n->digest;
	verify = fs->opts->verify_files && !n->verified;
	unlock(fs);
	r = store_open_blob(fs->store, &d, &fd);
	if (r == 0 && verify)
		r = store_verify_fd(fd, &d);
	lock(fs);
	if (r < 0)
		fs_log_failure(fs, n, "blob", blob_error(r));
	else
		n->verified = n->verified || verify;
	unlock(fs);
	if (r < 0)
		return -EIO;
	stats_add(&fs->stats.file_blobs_opened, 1);
	*ret_fd = take_fd(&fd);
	return 0;
}

static int do_open(struct fs *fs, fuse_ino_t ino, struct fuse_file_info *fi)
{
	struct node *n = node_of(&fs->table, ino);
	int fd, r;

	if (n->kind == NODE_DIR)
		return -EISDIR;
	if ((fi->flags & O_ACCMODE) != O_RDONLY || (fi->flags & O_TRUNC))
		return -EROFS;
	fi->keep_cache = 1;
	if (n->memory) {
		fi->fh = MEMORY_FH;
		return 0;
	}
	r = open_blob(fs, n, &fd);
	if (r < 0)
		return r;
	fi->fh = fd;
	return 0;
}

static void op_open(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	int r;

	count(req, REQ_OPEN);
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
	struct node *n = node_of(&fs->table, ino);
	struct fuse_bufvec buf = FUSE_BUFVEC_INIT(size);

	count(req, REQ_READ);
	if ((uint64_t)off < n->size)
		stats_add(&fs->stats.bytes_read, size < n->size - off ? size : n->size - off);
	if (fi->fh == MEMORY_FH)
		return reply_memory(req, n, size, off);
	buf.buf[0].flags = FUSE_BUF_IS_FD | FUSE_BUF_FD_SEEK;
	buf.buf[0].fd = (int)fi->fh;
	buf.buf[0].pos = off;
	fuse_reply_data(req, &buf, FUSE_BUF_SPLICE_MOVE);
}

static void op_release(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	(void)ino;
	count(req, REQ_RELEASE);
	if (fi->fh != MEMORY_FH)
		close((int)fi->fh);
	fuse_reply_err(req, 0);
}

static void op_opendir(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	struct fs *fs = fs_of(req);
	struct node *dir;
	int r;

	count(req, REQ_OPENDIR);
	lock(fs);
	r = expanded_dir(fs, ino, &dir);
	unlock(fs);
	if (r < 0)
		return (void)fuse_reply_err(req, -r);
	fi->cache_readdir = 1;
	fi->keep_cache = 1;
	fuse_reply_open(req, fi);
}

/* Adds entry i ("." and ".." first, then the children) to buf; the number
 * of bytes it needs, which is more than room when it did not fit. */
static size_t add_dirent(fuse_req_t req, struct fs *fs, struct node *dir, size_t i, bool plus, char *buf,
			 size_t room)
{
	struct node *n = i == 0 ? dir : i == 1 ? (dir->parent ? dir->parent : dir) : dir->children[i - 2];
	const char *name = i == 0 ? "." : i == 1 ? ".." : n->name;
	struct fuse_entry_param e;
	size_t len;

	if (!plus || i < 2) {
		/* The kernel takes no reference on "." and ".." entries. */
		memset(&e, 0, sizeof(e));
		e.attr.st_ino = node_ino(&fs->table, n);
		e.attr.st_mode = i < 2 ? S_IFDIR : (mode_t)(n->kind == NODE_DIR ? S_IFDIR : 0);
		if (i >= 2)
			node_stat(&fs->table, n, &e.attr);
	} else {
		fill_entry(fs, n, &e);
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
	lock(fs);
	r = expanded_dir(fs, ino, &dir);
	for (size_t i = off; r == 0 && i < dir->n_children + 2; i++) {
		size_t len = add_dirent(req, fs, dir, i, plus, buf + pos, size - pos);
		if (len > size - pos)
			break;
		pos += len;
	}
	unlock(fs);
	if (r < 0)
		return (void)fuse_reply_err(req, -r);
	fuse_reply_buf(req, buf, pos);
}

static void op_readdir(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off, struct fuse_file_info *fi)
{
	(void)fi;
	count(req, REQ_READDIR);
	do_readdir(req, ino, size, off, false);
}

static void op_readdirplus(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off, struct fuse_file_info *fi)
{
	(void)fi;
	count(req, REQ_READDIRPLUS);
	do_readdir(req, ino, size, off, true);
}

static void op_releasedir(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	(void)ino;
	(void)fi;
	count(req, REQ_RELEASEDIR);
	fuse_reply_err(req, 0);
}

static void op_statfs(fuse_req_t req, fuse_ino_t ino)
{
	struct statvfs st;

	(void)ino;
	count(req, REQ_STATFS);
	if (statvfs(store_path(fs_of(req)->store), &st) < 0)
		return (void)fuse_reply_err(req, errno);
	fuse_reply_statfs(req, &st);
}

/* The digest xattr of n, if it still is exactly its digest. */
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

	count(req, REQ_GETXATTR);
	lock(fs);
	have = strcmp(name, DIGEST_XATTR) == 0 && digest_xattr(node_of(&fs->table, ino), value);
	unlock(fs);
	if (!have)
		return (void)fuse_reply_err(req, ENODATA);
	reply_xattr_value(req, value, strlen(value), size);
}

static void op_listxattr(fuse_req_t req, fuse_ino_t ino, size_t size)
{
	struct fs *fs = fs_of(req);
	char value[DIGEST_STR_MAX];
	bool have;

	count(req, REQ_LISTXATTR);
	lock(fs);
	have = digest_xattr(node_of(&fs->table, ino), value);
	unlock(fs);
	reply_xattr_value(req, DIGEST_XATTR, have ? sizeof(DIGEST_XATTR) : 0, size);
}

static void op_init(void *userdata, struct fuse_conn_info *conn)
{
	(void)userdata;
	conn->want |= conn->capable & (FUSE_CAP_SPLICE_WRITE | FUSE_CAP_SPLICE_MOVE | FUSE_CAP_READDIRPLUS |
				       FUSE_CAP_CACHE_SYMLINKS | FUSE_CAP_PARALLEL_DIROPS);
	conn->want &= ~FUSE_CAP_READDIRPLUS_AUTO;
	conn->time_gran = 1;
}

const struct fuse_lowlevel_ops fs_ops = {
	.init = op_init,
	.lookup = op_lookup,
	.forget = op_forget,
	.forget_multi = op_forget_multi,
	.getattr = op_getattr,
	.readlink = op_readlink,
	.open = op_open,
	.read = op_read,
	.release = op_release,
	.opendir = op_opendir,
	.readdir = op_readdir,
	.readdirplus = op_readdirplus,
	.releasedir = op_releasedir,
	.statfs = op_statfs,
	.getxattr = op_getxattr,
	.listxattr = op_listxattr,
};
