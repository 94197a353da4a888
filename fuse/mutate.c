/* Operations that change the namespace: create, mknod, mkdir, symlink, link,
 * unlink, rmdir, rename. They only move entries in memory (a new file also
 * gets an empty pool file); every directory they touch, and its ancestors,
 * stop being their Directory digest. */
#include "ops.h"

#include <casroot/util.h>

#include <limits.h>
#include <stdio.h>
#include <string.h>

/* The expanded directory parent, where name may be created. Table lock held. */
static int creatable(struct fs *fs, fuse_ino_t parent, const char *name, struct node **ret_dir)
{
	int r;

	if (strlen(name) > NAME_MAX)
		return -ENAMETOOLONG;
	r = fs_expanded_dir(fs, parent, ret_dir);
	if (r < 0)
		return r;
	return node_child(*ret_dir, name) ? -EEXIST : 0;
}

static struct node *new_node(fuse_req_t req, const char *name, enum node_kind kind, mode_t mode)
{
	const struct fuse_ctx *ctx = fuse_req_ctx(req);
	struct node *n = node_new(name, kind, mode & 07777, ctx->uid, ctx->gid);

	if (n)
		n->atime = n->mtime = n->ctime = fs_now();
	return n;
}

/* Names n in dir and announces it to the kernel; frees n on failure. */
static int add_new(struct fs *fs, struct node *dir, struct node *n, struct fuse_entry_param *e)
{
	int r = node_link(dir, n->name, n);

	if (r < 0) {
		node_free_tree(&fs->table, n);
		return r;
	}
	node_mark_changed(dir);
	dir->mtime = dir->ctime = n->mtime;
	if (n->kind == NODE_DIR)
		n->expanded = true;
	fs_reply_entry_of(fs, n, e);
	return 0;
}

static void reply_entry_or_error(fuse_req_t req, int r, const struct fuse_entry_param *e)
{
	if (r < 0)
		return (void)fuse_reply_err(req, -r);
	fuse_reply_entry(req, e);
}

/* A new, empty regular file. It gets a pool file only when data is first
 * written (many outputs stay empty; a pool file costs a create on disk). */
static struct node *new_file(fuse_req_t req, const char *name, mode_t mode)
{
	return new_node(req, name, NODE_FILE, mode);
}

void op_create(fuse_req_t req, fuse_ino_t parent, const char *name, mode_t mode, struct fuse_file_info *fi)
{
	struct fs *fs = fs_of(req);
	struct fuse_entry_param e;
	struct handle *h = calloc(1, sizeof(*h));
	struct node *dir, *n = NULL;
	int r = h ? 0 : -ENOMEM;

	fs_count(req, REQ_CREATE);
	fs_lock(fs);
	if (r == 0 && (r = creatable(fs, parent, name, &dir)) == 0) {
		n = new_file(req, name, mode);
		r = n ? 0 : -ENOMEM;
	}
	if (r == 0) {
		n->n_open = 1;
		r = add_new(fs, dir, n, &e);
	}
	fs_unlock(fs);
	if (r < 0) {
		free(h);
		return (void)fuse_reply_err(req, -r);
	}
	*h = (struct handle){ .node = n, .blob_fd = -1 };
	fi->fh = (uintptr_t)h;
	fi->keep_cache = 1;
	fi->noflush = 1;
	fuse_reply_create(req, &e, fi);
}

static int do_mknod(struct fs *fs, fuse_req_t req, fuse_ino_t parent, const char *name, mode_t mode,
		    struct fuse_entry_param *e)
{
	struct node *dir, *n = NULL;
	int r = creatable(fs, parent, name, &dir);

	if (r < 0)
		return r;
	switch (mode & S_IFMT) {
	case S_IFREG: n = new_file(req, name, mode); break;
	case S_IFIFO: n = new_node(req, name, NODE_FIFO, mode); break;
	case S_IFSOCK: n = new_node(req, name, NODE_SOCKET, mode); break;
	default: return -EPERM; /* device nodes come only from the synthesized /dev */
	}
	return n ? add_new(fs, dir, n, e) : -ENOMEM;
}

void op_mknod(fuse_req_t req, fuse_ino_t parent, const char *name, mode_t mode, dev_t rdev)
{
	struct fs *fs = fs_of(req);
	struct fuse_entry_param e;
	int r;

	(void)rdev;
	fs_count(req, REQ_MKNOD);
	fs_lock(fs);
	r = do_mknod(fs, req, parent, name, mode, &e);
	fs_unlock(fs);
	reply_entry_or_error(req, r, &e);
}

void op_mkdir(fuse_req_t req, fuse_ino_t parent, const char *name, mode_t mode)
{
	struct fs *fs = fs_of(req);
	struct fuse_entry_param e;
	struct node *dir, *n;
	int r;

	fs_count(req, REQ_MKDIR);
	fs_lock(fs);
	r = creatable(fs, parent, name, &dir);
	if (r == 0)
		r = (n = new_node(req, name, NODE_DIR, mode)) ? add_new(fs, dir, n, &e) : -ENOMEM;
	fs_unlock(fs);
	reply_entry_or_error(req, r, &e);
}

void op_symlink(fuse_req_t req, const char *target, fuse_ino_t parent, const char *name)
{
	struct fs *fs = fs_of(req);
	struct fuse_entry_param e;
	struct node *dir, *n = NULL;
	int r;

	fs_count(req, REQ_SYMLINK);
	fs_lock(fs);
	r = creatable(fs, parent, name, &dir);
	if (r == 0 && (!(n = new_node(req, name, NODE_SYMLINK, 0777)) || !(n->target = strdup(target)))) {
		node_free_tree(&fs->table, n);
		r = -ENOMEM;
	}
	if (r == 0)
		r = add_new(fs, dir, n, &e);
	fs_unlock(fs);
	reply_entry_or_error(req, r, &e);
}

static int do_link(struct fs *fs, fuse_ino_t ino, fuse_ino_t parent, const char *name, struct fuse_entry_param *e)
{
	struct node *n = node_of(&fs->table, ino), *dir;
	int r = creatable(fs, parent, name, &dir);

	if (r < 0)
		return r;
	if (n->kind == NODE_DIR)
		return -EPERM;
	/* Every directory that holds a hard-linked file stops being its digest,
	 * so a later change through any of its names is never missed. */
	node_mark_changed(n->parent);
	r = node_link(dir, name, n);
	if (r < 0)
		return r;
	node_mark_changed(dir);
	n->ctime = dir->mtime = dir->ctime = fs_now();
	fs_reply_entry_of(fs, n, e);
	return 0;
}

void op_link(fuse_req_t req, fuse_ino_t ino, fuse_ino_t parent, const char *name)
{
	struct fs *fs = fs_of(req);
	struct fuse_entry_param e;
	int r;

	fs_count(req, REQ_LINK);
	fs_lock(fs);
	r = do_link(fs, ino, parent, name, &e);
	fs_unlock(fs);
	reply_entry_or_error(req, r, &e);
}

static void changed(struct node *dir)
{
	node_mark_changed(dir);
	dir->mtime = dir->ctime = fs_now();
}

static int do_remove(struct fs *fs, fuse_ino_t parent, const char *name, bool want_dir)
{
	struct node *dir, *n;
	int r = fs_expanded_dir(fs, parent, &dir);

	if (r < 0)
		return r;
	if (!(n = node_child(dir, name)))
		return -ENOENT;
	if (want_dir && n->kind != NODE_DIR)
		return -ENOTDIR;
	if (!want_dir && n->kind == NODE_DIR)
		return -EISDIR;
	if (want_dir && ((r = fs_expand(fs, n)) < 0 || n->n_entries > 0))
		return r < 0 ? r : -ENOTEMPTY;
	n->ctime = fs_now();
	changed(dir);
	node_unlink(&fs->table, dir, name);
	return 0;
}

void op_unlink(fuse_req_t req, fuse_ino_t parent, const char *name)
{
	struct fs *fs = fs_of(req);
	int r;

	fs_count(req, REQ_UNLINK);
	fs_lock(fs);
	r = do_remove(fs, parent, name, false);
	fs_unlock(fs);
	fuse_reply_err(req, -r);
}

void op_rmdir(fuse_req_t req, fuse_ino_t parent, const char *name)
{
	struct fs *fs = fs_of(req);
	int r;

	fs_count(req, REQ_RMDIR);
	fs_lock(fs);
	r = do_remove(fs, parent, name, true);
	fs_unlock(fs);
	fuse_reply_err(req, -r);
}

/* True if dir is node or lies below it. */
static bool is_within(const struct node *dir, const struct node *node)
{
	for (; dir; dir = dir->parent)
		if (dir == node)
			return true;
	return false;
}

/* May the entry holding victim be replaced by one for n? */
static int check_replace(struct fs *fs, struct node *n, struct node *victim)
{
	int r;

	if (n->kind == NODE_DIR && victim->kind != NODE_DIR)
		return -ENOTDIR;
	if (n->kind != NODE_DIR && victim->kind == NODE_DIR)
		return -EISDIR;
	if (victim->kind == NODE_DIR && ((r = fs_expand(fs, victim)) < 0 || victim->n_entries > 0))
		return r < 0 ? r : -ENOTEMPTY;
	return 0;
}

static int do_rename(struct fs *fs, fuse_ino_t parent, const char *name, fuse_ino_t newparent, const char *newname,
		     unsigned int flags)
{
	struct node *src, *dst, *n, *victim;
	int r;

	if (flags & ~(RENAME_NOREPLACE | RENAME_EXCHANGE))
		return -EINVAL;
	if (strlen(newname) > NAME_MAX)
		return -ENAMETOOLONG;
	if ((r = fs_expanded_dir(fs, parent, &src)) < 0 || (r = fs_expanded_dir(fs, newparent, &dst)) < 0)
		return r;
	if (!(n = node_child(src, name)))
		return -ENOENT;
	victim = node_child(dst, newname);
	if (n->kind == NODE_DIR && is_within(dst, n))
		return -EINVAL;
	if (flags & RENAME_EXCHANGE) {
		if (!victim)
			return -ENOENT;
		if (victim->kind == NODE_DIR && is_within(src, victim))
			return -EINVAL;
		r = node_exchange(src, name, dst, newname);
	} else {
		if (victim == n)
			return 0; /* the same entry, or two links of one file */
		if (victim && (flags & RENAME_NOREPLACE))
			return -EEXIST;
		if (victim && (r = check_replace(fs, n, victim)) < 0)
			return r;
		if (victim)
			node_unlink(&fs->table, dst, newname);
		r = node_move(src, name, dst, newname);
	}
	if (r < 0)
		return r;
	changed(src);
	changed(dst);
	n->ctime = src->mtime;
	return 0;
}

void op_rename(fuse_req_t req, fuse_ino_t parent, const char *name, fuse_ino_t newparent, const char *newname,
	       unsigned int flags)
{
	struct fs *fs = fs_of(req);
	int r;

	fs_count(req, REQ_RENAME);
	fs_lock(fs);
	r = do_rename(fs, parent, name, newparent, newname, flags);
	fs_unlock(fs);
	fuse_reply_err(req, -r);
}
