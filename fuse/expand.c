/* Lazy expansion: a directory node turns into its children the first time
 * anyone looks inside it. Children come from the node's Directory blob
 * (validated strictly when loaded) and then from the synthesized entries for
 * that place in the tree, where the input has no entry of that name. */
#include "fs.h"

#include <casroot/directory.h>
#include <casroot/log.h>
#include <casroot/util.h>

#include <stdio.h>
#include <string.h>
#include <time.h>
#include <sys/sysmacros.h>

/* Buildbarn's fixed timestamp for entries without an mtime: 2000-01-01T00:00:00Z. */
#define DEFAULT_MTIME 946684800

void fs_log_failure(struct fs *fs, const struct node *n, const char *what, const char *reason)
{
	char path[PATH_MAX], text[DIGEST_STR_MAX];

	node_path(n, path, sizeof(path));
	log_error("%s %s (%s): %s", what, digest_format(&n->digest, text), path, reason);
	stats_add(&fs->stats.errors, 1);
}

struct timespec fs_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return ts;
}

static void set_times(struct node *n, struct timespec t)
{
	n->atime = n->mtime = n->ctime = t;
}

static void apply_properties(struct node *n, const Reapi__NodeProperties *p)
{
	if (!p)
		return;
	if (p->mtime)
		set_times(n, (struct timespec){ .tv_sec = p->mtime->seconds, .tv_nsec = p->mtime->nanos });
	if (p->unix_mode)
		n->mode = p->unix_mode->value & 07777;
}

static struct node *new_child(struct fs *fs, const char *name, enum node_kind kind, mode_t mode)
{
	struct node *n = node_new(name, kind, mode, fs->table.uid, fs->table.gid);

	if (n)
		set_times(n, (struct timespec){ .tv_sec = DEFAULT_MTIME });
	return n;
}

/* Names n in dir, or frees it. */
static int link_new(struct node *dir, struct node *n)
{
	int r = node_link(dir, n->name, n);

	if (r < 0)
		node_free_tree(NULL, n);
	return r;
}

static int add_cas_children(struct fs *fs, struct node *dir, const Reapi__Directory *d)
{
	struct reason why;
	struct node *n;

	for (size_t i = 0; i < d->n_files; i++) {
		const Reapi__FileNode *f = d->files[i];
		if (!(n = new_child(fs, f->name, NODE_FILE, f->is_executable ? 0555 : 0444)))
			return -ENOMEM;
		n->has_digest = digest_from_message(f->digest, dir->digest.fn, &n->digest, &why) == 0;
		n->size = n->digest.size;
		apply_properties(n, f->node_properties);
		if (link_new(dir, n) < 0)
			return -ENOMEM;
	}
	for (size_t i = 0; i < d->n_directories; i++) {
		const Reapi__DirectoryNode *c = d->directories[i];
		if (!(n = new_child(fs, c->name, NODE_DIR, 0777)))
			return -ENOMEM;
		n->has_digest = digest_from_message(c->digest, dir->digest.fn, &n->digest, &why) == 0;
		if (link_new(dir, n) < 0)
			return -ENOMEM;
	}
	for (size_t i = 0; i < d->n_symlinks; i++) {
		const Reapi__SymlinkNode *l = d->symlinks[i];
		if (!(n = new_child(fs, l->name, NODE_SYMLINK, 0777)))
			return -ENOMEM;
		if (!(n->target = strdup(l->target))) {
			node_free_tree(NULL, n);
			return -ENOMEM;
		}
		apply_properties(n, l->node_properties);
		if (link_new(dir, n) < 0)
			return -ENOMEM;
	}
	apply_properties(dir, d->node_properties);
	return 0;
}

static const char *kind_word(enum node_kind k)
{
	static const char *const words[] = { "directory", "file", "symlink", "device" };
	return words[k];
}

static struct node *synth_node(struct fs *fs, const struct synth_entry *e)
{
	struct node *n = new_child(fs, e->name, e->kind, e->mode);

	if (!n)
		return NULL;
	n->rdev = makedev(e->major, e->minor);
	n->synth = e->dir;
	if (e->is_env) {
		n->memory = fs->env_data;
		n->size = fs->env_size;
	}
	if (e->target && !(n->target = strdup(e->target))) {
		node_free_tree(NULL, n);
		return NULL;
	}
	return n;
}

static int merge_synth(struct fs *fs, struct node *dir)
{
	for (size_t i = 0; dir->synth && i < dir->synth->n; i++) {
		const struct synth_entry *e = &dir->synth->entries[i];
		struct node *have = node_child(dir, e->name);
		struct node *n;

		if (!(e->group & fs->opts->synth_groups))
			continue;
		if (have && have->kind == NODE_DIR && e->kind == NODE_DIR) {
			have->synth = e->dir;
			continue;
		}
		if (have) {
			char path[PATH_MAX];
			node_path(have, path, sizeof(path));
			log_warn("%s: the input root's %s is served in place of the synthesized %s", path,
				 kind_word(have->kind), kind_word(e->kind));
			continue;
		}
		if (!(n = synth_node(fs, e)) || link_new(dir, n) < 0)
			return -ENOMEM;
		if (dir->has_digest)
			dir->augmented = true;
	}
	return 0;
}

static int load_cas_children(struct fs *fs, struct node *dir)
{
	_cleanup_(directory_freep) Reapi__Directory *d = NULL;
	struct reason why;

	if (directory_load(fs->store, &dir->digest, &d, &why) < 0) {
		fs_log_failure(fs, dir, "Directory", why.text);
		return -EIO;
	}
	stats_add(&fs->stats.directories_loaded, 1);
	return add_cas_children(fs, dir, d);
}

int fs_expand(struct fs *fs, struct node *dir)
{
	int r;

	if (dir->expanded)
		return 0;
	if (dir->broken)
		return -EIO;
	r = dir->has_digest ? load_cas_children(fs, dir) : 0;
	if (r == 0)
		r = merge_synth(fs, dir);
	if (r < 0) {
		node_clear_entries(&fs->table, dir); /* never serve half a directory */
		dir->broken = r == -EIO;
		return r;
	}
	dir->expanded = true;
	if (dir->parent && dir->nlookup == 0)
		dir->parent->n_pinned++;
	return 0;
}

int fs_init_root(struct fs *fs)
{
	struct node *root = new_child(fs, "", NODE_DIR, 0777);

	if (!root)
		return -ENOMEM;
	root->has_digest = true;
	root->digest = fs->opts->root;
	root->synth = fs->opts->synth_groups ? synth_root() : NULL;
	root->nlookup = 1; /* the kernel's own reference, never forgotten */
	root->nlink = 1;
	fs->table.root = root;
	return fs_expand(fs, root);
}
