/* Output capture for `casroot exec`. An output directory becomes a Tree:
 * ingest hands over every Directory's encoding children-first, each is kept
 * once, and the last one is the root. */
#include "capture.h"

#include <casroot/directory.h>
#include <casroot/ingest.h>
#include <casroot/util.h>

#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>

/* The Directories of one output directory, in the order ingest gave them. */
struct tree_parts {
	Reapi__Directory **dirs;
	struct digest *digests;
	size_t n, cap;
};

static void tree_parts_free(struct tree_parts *t)
{
	for (size_t i = 0; i < t->n; i++)
		directory_free(t->dirs[i]);
	free(t->dirs);
	free(t->digests);
}

static int collect_directory(void *ctx, const uint8_t *buf, size_t len, const struct digest *d)
{
	struct tree_parts *t = ctx;
	struct reason why;

	for (size_t i = 0; i < t->n; i++)
		if (digest_equal(&t->digests[i], d))
			return 0;
	if (t->n == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 16;
		Reapi__Directory **dirs = reallocarray(t->dirs, cap, sizeof(*dirs));
		if (dirs)
			t->dirs = dirs;
		struct digest *digests = reallocarray(t->digests, cap, sizeof(*digests));
		if (!dirs || !digests)
			return -ENOMEM;
		t->digests = digests;
		t->cap = cap;
	}
	if (directory_decode(buf, len, d->fn, &t->dirs[t->n], &why) < 0)
		return -EINVAL;
	t->digests[t->n++] = *d;
	return 0;
}

/* Stores Tree { root: the last Directory, children: the others }. */
static int store_tree(struct store *s, enum digest_fn fn, struct tree_parts *t, struct digest *ret)
{
	Reapi__Tree tree = REAPI__TREE__INIT;
	_cleanup_free_ uint8_t *buf = NULL;
	size_t len;
	int r;

	tree.root = t->dirs[t->n - 1];
	tree.children = t->dirs;
	tree.n_children = t->n - 1;
	r = message_encode(&tree.base, &buf, &len);
	return r < 0 ? r : store_put_buffer(s, fn, buf, len, ret);
}

static int capture_dir(struct store *s, enum digest_fn fn, int base_fd, const char *path, struct output_dir *out,
		       struct reason *why)
{
	_cleanup_(tree_parts_free) struct tree_parts parts = { 0 };
	struct ingest_options o = {
		.fn = fn, .trust_digest_xattr = true, .ctx = &parts, .on_directory = collect_directory
	};
	struct ingest_stats stats = { 0 };
	int r = ingest_tree(s, base_fd, path, &o, &stats, &out->root, why);

	if (r < 0)
		return r;
	r = store_tree(s, fn, &parts, &out->tree);
	if (r < 0)
		reason_set(why, "%s: store Tree: %s", path, strerror(-r));
	return r;
}

static int capture_link(int base_fd, const char *path, struct output_link *out, struct reason *why)
{
	char target[PATH_MAX];
	ssize_t n = readlinkat(base_fd, path, target, sizeof(target) - 1);

	if (n < 0) {
		reason_set(why, "%s: readlink: %s", path, strerror(errno));
		return -errno;
	}
	target[n] = '\0';
	out->target = strdup(target);
	return out->target ? 0 : -ENOMEM;
}

static int add_file(struct store *s, enum digest_fn fn, int base_fd, const char *path, struct captured *c,
		    struct reason *why)
{
	struct ingest_options o = { .fn = fn, .trust_digest_xattr = true };
	struct output_file f = { 0 };
	struct output_file *more = reallocarray(c->files, c->n_files + 1, sizeof(*more));
	int r;

	if (!more)
		return -ENOMEM;
	c->files = more;
	r = ingest_file(s, base_fd, path, &o, &f.digest, &f.executable, why);
	if (r < 0)
		return r;
	if (!(f.path = strdup(path)))
		return -ENOMEM;
	c->files[c->n_files++] = f;
	return 0;
}

static int add_dir(struct store *s, enum digest_fn fn, int base_fd, const char *path, struct captured *c,
		   struct reason *why)
{
	struct output_dir d = { 0 };
	struct output_dir *more = reallocarray(c->dirs, c->n_dirs + 1, sizeof(*more));
	int r;

	if (!more)
		return -ENOMEM;
	c->dirs = more;
	r = capture_dir(s, fn, base_fd, path, &d, why);
	if (r < 0)
		return r;
	if (!(d.path = strdup(path)))
		return -ENOMEM;
	c->dirs[c->n_dirs++] = d;
	return 0;
}

static int add_link(int base_fd, const char *path, struct captured *c, struct reason *why)
{
	struct output_link l = { 0 };
	struct output_link *more = reallocarray(c->links, c->n_links + 1, sizeof(*more));
	int r;

	if (!more)
		return -ENOMEM;
	c->links = more;
	r = capture_link(base_fd, path, &l, why);
	if (r < 0)
		return r;
	if (!(l.path = strdup(path))) {
		free(l.target);
		return -ENOMEM;
	}
	c->links[c->n_links++] = l;
	return 0;
}

static int capture_one(struct store *s, enum digest_fn fn, int base_fd, const char *path, struct captured *c,
		       struct reason *why)
{
	struct stat st;

	if (fstatat(base_fd, path, &st, AT_SYMLINK_NOFOLLOW) < 0) {
		if (errno == ENOENT)
			return 0; /* an output the action did not produce */
		reason_set(why, "%s: %s", path, strerror(errno));
		return -errno;
	}
	if (S_ISREG(st.st_mode))
		return add_file(s, fn, base_fd, path, c, why);
	if (S_ISDIR(st.st_mode))
		return add_dir(s, fn, base_fd, path, c, why);
	if (S_ISLNK(st.st_mode))
		return add_link(base_fd, path, c, why);
	reason_set(why, "%s: not a file, directory or symlink", path);
	return -EINVAL;
}

int capture_outputs(struct store *s, enum digest_fn fn, int base_fd, char *const *paths, struct captured *ret,
		    struct reason *why)
{
	*ret = (struct captured){ 0 };
	for (char *const *p = paths; *p; p++) {
		int r = capture_one(s, fn, base_fd, *p, ret, why);
		if (r < 0) {
			captured_free(ret);
			return r;
		}
	}
	return 0;
}

void captured_free(struct captured *c)
{
	for (size_t i = 0; i < c->n_files; i++)
		free(c->files[i].path);
	for (size_t i = 0; i < c->n_dirs; i++)
		free(c->dirs[i].path);
	for (size_t i = 0; i < c->n_links; i++) {
		free(c->links[i].path);
		free(c->links[i].target);
	}
	free(c->files);
	free(c->dirs);
	free(c->links);
	*c = (struct captured){ 0 };
}
