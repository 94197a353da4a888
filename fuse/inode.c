/* Nodes, directory entries and lookup counting for casrootfs; see inode.h
 * for the id spaces and the rules. Callers hold the table lock. */
#include "inode.h"

#include <casroot/util.h>

#include <fuse_lowlevel.h>
#include <stdio.h>
#include <string.h>

struct node *node_new(const char *name, enum node_kind kind, mode_t mode, uid_t uid, gid_t gid)
{
	struct node *n = calloc(1, sizeof(*n));

	if (!n)
		return NULL;
	n->name = strdup(name);
	if (!n->name) {
		free(n);
		return NULL;
	}
	n->kind = kind;
	n->mode = mode;
	n->uid = uid;
	n->gid = gid;
	n->pool_fd = -1;
	return n;
}

static void node_destroy(struct inode_table *t, struct node *n)
{
	if (t && t->on_free)
		t->on_free(t->ctx, n);
	free(n->name);
	free(n->target);
	free(n->entries);
	free(n);
}

void node_clear_entries(struct inode_table *t, struct node *dir)
{
	for (size_t i = 0; i < dir->n_entries; i++) {
		struct node *c = dir->entries[i].node;
		free(dir->entries[i].name);
		if (c->parent == dir)
			c->parent = NULL;
		if (--c->nlink == 0)
			node_free_tree(t, c);
	}
	free(dir->entries);
	dir->entries = NULL;
	dir->n_entries = dir->cap_entries = dir->n_subdirs = dir->n_pinned = 0;
}

void node_free_tree(struct inode_table *t, struct node *n)
{
	if (!n)
		return;
	node_clear_entries(t, n);
	node_destroy(t, n);
}

static size_t entry_slot(const struct node *dir, const char *name, bool *found)
{
	size_t lo = 0, hi = dir->n_entries;

	*found = false;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strcmp(dir->entries[mid].name, name);
		if (c == 0) {
			*found = true;
			return mid;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

struct node *node_child(const struct node *dir, const char *name)
{
	bool found;
	size_t i = entry_slot(dir, name, &found);

	return found ? dir->entries[i].node : NULL;
}

static bool is_pinned(const struct node *n)
{
	return n->nlookup > 0 || n->expanded;
}

/* Pinned counts only decide folding; a hard-linked file, whose directories
 * never fold, may leave them approximate but never below zero. */
static void pin(struct node *dir, bool pinned)
{
	dir->n_pinned += pinned;
}

static void unpin(struct node *dir, bool pinned)
{
	if (pinned && dir->n_pinned > 0)
		dir->n_pinned--;
}

/* Makes room for one more entry. */
static int reserve_entry(struct node *dir)
{
	size_t cap = dir->cap_entries ? dir->cap_entries * 2 : 8;
	struct dentry *more;

	if (dir->n_entries < dir->cap_entries)
		return 0;
	more = reallocarray(dir->entries, cap, sizeof(*more));
	if (!more)
		return -ENOMEM;
	dir->entries = more;
	dir->cap_entries = cap;
	return 0;
}

/* Adds the entry and keeps dir's counters; not the child's. */
static int insert_entry(struct node *dir, const char *name, struct node *child)
{
	bool found;
	size_t i = entry_slot(dir, name, &found);
	char *copy;

	if (found)
		return -EEXIST;
	if (reserve_entry(dir) < 0 || !(copy = strdup(name)))
		return -ENOMEM;
	memmove(&dir->entries[i + 1], &dir->entries[i], (dir->n_entries - i) * sizeof(*dir->entries));
	dir->entries[i] = (struct dentry){ copy, child };
	dir->n_entries++;
	dir->n_subdirs += child->kind == NODE_DIR;
	pin(dir, is_pinned(child));
	return 0;
}

/* Removes the entry and keeps dir's counters; returns the node it named. */
static struct node *remove_entry(struct node *dir, const char *name)
{
	bool found;
	size_t i = entry_slot(dir, name, &found);
	struct node *c;

	if (!found)
		return NULL;
	c = dir->entries[i].node;
	free(dir->entries[i].name);
	memmove(&dir->entries[i], &dir->entries[i + 1], (dir->n_entries - i - 1) * sizeof(*dir->entries));
	dir->n_entries--;
	dir->n_subdirs -= c->kind == NODE_DIR;
	unpin(dir, is_pinned(c));
	return c;
}

/* Makes dir/name the node's first entry. */
static int set_first_entry(struct node *n, struct node *dir, const char *name)
{
	char *copy = strdup(name);

	if (!copy)
		return -ENOMEM;
	free(n->name);
	n->name = copy;
	n->parent = dir;
	return 0;
}

static bool is_first_entry(const struct node *n, const struct node *dir, const char *name)
{
	return n->parent == dir && strcmp(n->name, name) == 0;
}

int node_link(struct node *dir, const char *name, struct node *child)
{
	int r = insert_entry(dir, name, child);

	if (r < 0)
		return r;
	if (!child->parent)
		(void)set_first_entry(child, dir, name); /* the old name is kept if memory is short */
	child->nlink++;
	return 0;
}

static bool can_free(const struct node *n)
{
	return n->nlink == 0 && n->nlookup == 0 && n->n_open == 0;
}

void node_unlink(struct inode_table *t, struct node *dir, const char *name)
{
	struct node *c = remove_entry(dir, name);

	if (!c)
		return;
	c->nlink--;
	if (is_first_entry(c, dir, name))
		c->parent = NULL;
	if (can_free(c))
		node_free_tree(t, c);
}

int node_move(struct node *src, const char *name, struct node *dst, const char *newname)
{
	struct node *n = node_child(src, name);
	bool first = is_first_entry(n, src, name);
	int r = insert_entry(dst, newname, n);

	if (r < 0)
		return r;
	remove_entry(src, name);
	if (first)
		(void)set_first_entry(n, dst, newname);
	return 0;
}

/* Swaps the nodes of two entries, keeping both directories' counters. */
int node_exchange(struct node *src, const char *name, struct node *dst, const char *newname)
{
	bool found_a, found_b;
	size_t ia = entry_slot(src, name, &found_a), ib = entry_slot(dst, newname, &found_b);
	struct node *a, *b;
	bool a_first, b_first;

	if (!found_a || !found_b)
		return -ENOENT;
	a = src->entries[ia].node;
	b = dst->entries[ib].node;
	a_first = is_first_entry(a, src, name);
	b_first = is_first_entry(b, dst, newname);
	src->entries[ia].node = b;
	dst->entries[ib].node = a;
	src->n_subdirs = src->n_subdirs + (b->kind == NODE_DIR) - (a->kind == NODE_DIR);
	dst->n_subdirs = dst->n_subdirs + (a->kind == NODE_DIR) - (b->kind == NODE_DIR);
	unpin(src, is_pinned(a));
	pin(src, is_pinned(b));
	unpin(dst, is_pinned(b));
	pin(dst, is_pinned(a));
	if (a_first)
		(void)set_first_entry(a, dst, newname);
	if (b_first)
		(void)set_first_entry(b, src, name);
	return 0;
}

void node_mark_changed(struct node *dir)
{
	for (; dir && (dir->has_digest || dir->augmented); dir = dir->parent) {
		dir->has_digest = false;
		dir->augmented = false;
	}
}

struct node *node_of(struct inode_table *t, uint64_t ino)
{
	return ino == FUSE_ROOT_ID ? t->root : (struct node *)(uintptr_t)ino;
}

uint64_t node_ino(const struct inode_table *t, const struct node *n)
{
	return n == t->root ? FUSE_ROOT_ID : (uint64_t)(uintptr_t)n;
}

/* An unchanged directory nobody holds folds back to its digest. */
static void maybe_fold(struct inode_table *t, struct node *n)
{
	while (n && n->parent && n->kind == NODE_DIR && n->expanded && n->has_digest && !n->synth && n->nlookup == 0 &&
	       n->n_pinned == 0) {
		node_clear_entries(t, n);
		n->expanded = false;
		unpin(n->parent, true);
		n = n->parent;
	}
}

void node_ref(struct node *n)
{
	if (n->nlookup++ == 0 && !n->expanded && n->parent)
		pin(n->parent, true);
}

void node_forget(struct inode_table *t, struct node *n, uint64_t count)
{
	bool was_pinned = is_pinned(n);
	struct node *parent = n->parent;

	n->nlookup = count >= n->nlookup ? 0 : n->nlookup - count;
	if (can_free(n)) {
		node_free_tree(t, n);
		return;
	}
	if (parent)
		unpin(parent, was_pinned && !is_pinned(n));
	maybe_fold(t, n->kind == NODE_DIR ? n : parent);
}

void node_closed(struct inode_table *t, struct node *n)
{
	if (can_free(n))
		node_free_tree(t, n);
}

void node_path(const struct node *n, char *buf, size_t len)
{
	const struct node *chain[256];
	size_t depth = 0, used = 0;

	for (const struct node *p = n; p && p->parent && depth < ARRAY_SIZE(chain); p = p->parent)
		chain[depth++] = p;
	buf[0] = '\0';
	while (depth > 0 && used + 1 < len) {
		int w = snprintf(buf + used, len - used, "/%s", chain[--depth]->name);
		if (w < 0)
			break;
		used += (size_t)w;
	}
	if (used == 0)
		snprintf(buf, len, "/");
}

void node_stat(const struct inode_table *t, const struct node *n, struct stat *st)
{
	static const mode_t type[] = { [NODE_DIR] = S_IFDIR,	[NODE_FILE] = S_IFREG, [NODE_SYMLINK] = S_IFLNK,
				       [NODE_DEVICE] = S_IFCHR, [NODE_FIFO] = S_IFIFO, [NODE_SOCKET] = S_IFSOCK };

	*st = (struct stat){ 0 };
	st->st_ino = node_ino(t, n);
	st->st_mode = type[n->kind] | n->mode;
	st->st_uid = n->uid;
	st->st_gid = n->gid;
	st->st_atim = n->atime;
	st->st_mtim = n->mtime;
	st->st_ctim = n->ctime;
	st->st_blksize = 1 << 16;
	st->st_nlink = n->kind == NODE_DIR ? 2 + n->n_subdirs : n->nlink;
	if (n->kind == NODE_FILE)
		st->st_size = n->size;
	else if (n->kind == NODE_SYMLINK)
		st->st_size = strlen(n->target);
	else if (n->kind == NODE_DIR)
		st->st_size = 4096;
	st->st_rdev = n->rdev;
	st->st_blocks = (st->st_size + 511) / 512;
}
