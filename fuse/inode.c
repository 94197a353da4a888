/* Nodes, children arrays and lookup counting for casrootfs; see inode.h for
 * the id spaces and the lookup-count rule. Callers hold the table lock. */
#include "inode.h"

#include <casroot/util.h>

#include <fuse_lowlevel.h>
#include <stdio.h>
#include <string.h>

struct node *node_new(const char *name, enum node_kind kind, mode_t mode, const struct inode_table *t)
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
	n->uid = t->uid;
	n->gid = t->gid;
	return n;
}

static void free_children(struct node *n)
{
	for (size_t i = 0; i < n->n_children; i++)
		node_free(n->children[i]);
	free(n->children);
	n->children = NULL;
	n->n_children = n->cap_children = n->n_subdirs = n->n_pinned = 0;
}

void node_free(struct node *n)
{
	if (!n)
		return;
	free_children(n);
	free(n->name);
	free(n->target);
	free(n);
}

static size_t child_slot(const struct node *dir, const char *name, bool *found)
{
	size_t lo = 0, hi = dir->n_children;

	*found = false;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strcmp(dir->children[mid]->name, name);
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
	size_t i = child_slot(dir, name, &found);

	return found ? dir->children[i] : NULL;
}

static bool is_pinned(const struct node *n)
{
	return n->nlookup > 0 || n->expanded;
}

int node_add_child(struct node *dir, struct node *child)
{
	bool found;
	size_t i = child_slot(dir, child->name, &found);

	if (found)
		return -EEXIST;
	if (dir->n_children == dir->cap_children) {
		size_t cap = dir->cap_children ? dir->cap_children * 2 : 8;
		struct node **more = reallocarray(dir->children, cap, sizeof(*more));
		if (!more)
			return -ENOMEM;
		dir->children = more;
		dir->cap_children = cap;
	}
	memmove(&dir->children[i + 1], &dir->children[i], (dir->n_children - i) * sizeof(*dir->children));
	dir->children[i] = child;
	dir->n_children++;
	child->parent = dir;
	if (child->kind == NODE_DIR)
		dir->n_subdirs++;
	if (is_pinned(child))
		dir->n_pinned++;
	return 0;
}

struct node *node_of(struct inode_table *t, uint64_t ino)
{
	return ino == FUSE_ROOT_ID ? t->root : (struct node *)(uintptr_t)ino;
}

uint64_t node_ino(const struct inode_table *t, const struct node *n)
{
	return n == t->root ? FUSE_ROOT_ID : (uint64_t)(uintptr_t)n;
}

/* An unmodified directory nobody holds folds back to its digest. */
static void maybe_fold(struct node *n)
{
	while (n && n->parent && n->kind == NODE_DIR && n->expanded && n->has_digest && !n->synth &&
	       n->nlookup == 0 && n->n_pinned == 0) {
		free_children(n);
		n->expanded = false;
		n->parent->n_pinned--;
		n = n->parent;
	}
}

void node_ref(struct node *n)
{
	if (n->nlookup++ == 0 && !n->expanded && n->parent)
		n->parent->n_pinned++;
}

void node_forget(struct node *n, uint64_t count)
{
	bool was_pinned = is_pinned(n);

	n->nlookup = count >= n->nlookup ? 0 : n->nlookup - count;
	if (was_pinned && !is_pinned(n) && n->parent)
		n->parent->n_pinned--;
	if (n->kind == NODE_DIR)
		maybe_fold(n);
	else if (n->parent)
		maybe_fold(n->parent);
}

void node_path(const struct node *n, char *buf, size_t len)
{
	const struct node *chain[256];
	size_t depth = 0, used = 0;

	for (const struct node *p = n; p && p->parent && depth < ARRAY_SIZE(chain); p = p->parent)
		chain[depth++] = p;
	if (depth == 0)
		snprintf(buf, len, "/");
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
	static const mode_t type[] = { [NODE_DIR] = S_IFDIR, [NODE_FILE] = S_IFREG, [NODE_SYMLINK] = S_IFLNK,
				       [NODE_DEVICE] = S_IFCHR };

	*st = (struct stat){ 0 };
	st->st_ino = node_ino(t, n);
	st->st_mode = type[n->kind] | n->mode;
	st->st_uid = n->uid;
	st->st_gid = n->gid;
	st->st_mtim = st->st_ctim = st->st_atim = n->mtime;
	st->st_blksize = 1 << 16;
	switch (n->kind) {
	case NODE_DIR:
		st->st_nlink = 2 + n->n_subdirs;
		st->st_size = 4096;
		break;
	case NODE_FILE:
		st->st_nlink = 1;
		st->st_size = n->size;
		break;
	case NODE_SYMLINK:
		st->st_nlink = 1;
		st->st_size = strlen(n->target);
		break;
	case NODE_DEVICE:
		st->st_nlink = 1;
		st->st_rdev = n->rdev;
		break;
	}
	st->st_blocks = (st->st_size + 511) / 512;
}
