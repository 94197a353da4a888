/* Walks a directory tree depth-first, stores each regular file once (hashed
 * while read), and builds each directory's canonical Directory message from
 * its children sorted bytewise. Descriptors are opened relative to the
 * parent's, with O_NOFOLLOW, so a symlink is only ever stored as a symlink. */
#include <casroot/directory.h>
#include <casroot/ingest.h>
#include <casroot/util.h>

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/xattr.h>

#define DIGEST_XATTR "user.reapi.digest"

struct walk {
	struct store *store;
	const struct ingest_options *o;
	struct ingest_stats *stats;
	struct reason *why;
	char path[PATH_MAX]; /* of the directory being walked, for messages */
};

struct entry {
	char *name;
	struct stat st;
};

/* Everything one Directory message points into while it is encoded. */
struct dir_build {
	struct entry *entries;
	size_t n;
	Reapi__FileNode *files;
	Reapi__DirectoryNode *dirs;
	Reapi__SymlinkNode *links;
	Reapi__FileNode **file_ptrs;
	Reapi__DirectoryNode **dir_ptrs;
	Reapi__SymlinkNode **link_ptrs;
	struct digest *digests;
	Reapi__Digest *digest_msgs;
	Reapi__NodeProperties *props;
	Reapi__Timestamp *mtimes;
	Reapi__UInt32Value *modes;
	char **targets;
};

static void dir_build_free(struct dir_build *b)
{
	for (size_t i = 0; i < b->n; i++) {
		free(b->entries[i].name);
		if (b->targets)
			free(b->targets[i]);
	}
	free(b->entries);
	free(b->files);
	free(b->dirs);
	free(b->links);
	free(b->file_ptrs);
	free(b->dir_ptrs);
	free(b->link_ptrs);
	free(b->digests);
	free(b->digest_msgs);
	free(b->props);
	free(b->mtimes);
	free(b->modes);
	free(b->targets);
}

static int fail(struct walk *w, const char *name, int err, const char *what)
{
	reason_set(w->why, "%s%s%s: %s: %s", w->path, name ? "/" : "", name ? name : "", what, strerror(-err));
	return err;
}

static int compare_entries(const void *a, const void *b)
{
	return strcmp(((const struct entry *)a)->name, ((const struct entry *)b)->name);
}

static int read_entries(struct walk *w, int fd, struct dir_build *b)
{
	_cleanup_closedir_ DIR *d = NULL;
	size_t cap = 0;
	struct dirent *e;
	int dup_fd = fcntl(fd, F_DUPFD_CLOEXEC, 3);

	if (dup_fd < 0)
		return fail(w, NULL, -errno, "dup");
	d = fdopendir(dup_fd);
	if (!d) {
		close(dup_fd);
		return fail(w, NULL, -errno, "opendir");
	}
	while ((errno = 0, e = readdir(d))) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		if (b->n == cap) {
			struct entry *more = reallocarray(b->entries, cap = cap ? cap * 2 : 16, sizeof(*more));
			if (!more)
				return -ENOMEM;
			b->entries = more;
		}
		b->entries[b->n].name = strdup(e->d_name);
		if (!b->entries[b->n].name)
			return -ENOMEM;
		b->n++;
		if (fstatat(fd, e->d_name, &b->entries[b->n - 1].st, AT_SYMLINK_NOFOLLOW) < 0)
			return fail(w, e->d_name, -errno, "stat");
	}
	if (errno != 0)
		return fail(w, NULL, -errno, "readdir");
	qsort(b->entries, b->n, sizeof(*b->entries), compare_entries);
	return 0;
}

static int dir_build_alloc(struct dir_build *b)
{
	size_t n = b->n + 1; /* +1: the directory's own properties */

	b->files = calloc(n, sizeof(*b->files));
	b->dirs = calloc(n, sizeof(*b->dirs));
	b->links = calloc(n, sizeof(*b->links));
	b->file_ptrs = calloc(n, sizeof(*b->file_ptrs));
	b->dir_ptrs = calloc(n, sizeof(*b->dir_ptrs));
	b->link_ptrs = calloc(n, sizeof(*b->link_ptrs));
	b->digests = calloc(n, sizeof(*b->digests));
	b->digest_msgs = calloc(n, sizeof(*b->digest_msgs));
	b->props = calloc(n, sizeof(*b->props));
	b->mtimes = calloc(n, sizeof(*b->mtimes));
	b->modes = calloc(n, sizeof(*b->modes));
	b->targets = calloc(n, sizeof(*b->targets));
	if (!b->files || !b->dirs || !b->links || !b->file_ptrs || !b->dir_ptrs || !b->link_ptrs || !b->digests ||
	    !b->digest_msgs || !b->props || !b->mtimes || !b->modes || !b->targets)
		return -ENOMEM;
	return 0;
}

/* node_properties for slot i from st, or NULL when nothing is captured. */
static Reapi__NodeProperties *properties(const struct ingest_options *o, struct dir_build *b, size_t i,
					 const struct stat *st, bool with_mode)
{
	Reapi__NodeProperties *p = &b->props[i];

	if (!o->capture_mtime && !(o->capture_unix_mode && with_mode))
		return NULL;
	reapi__node_properties__init(p);
	if (o->capture_mtime) {
		reapi__timestamp__init(&b->mtimes[i]);
		b->mtimes[i].seconds = st->st_mtim.tv_sec;
		b->mtimes[i].nanos = st->st_mtim.tv_nsec;
		p->mtime = &b->mtimes[i];
	}
	if (o->capture_unix_mode && with_mode) {
		reapi__uint32_value__init(&b->modes[i]);
		b->modes[i].value = st->st_mode & 07777;
		p->unix_mode = &b->modes[i];
	}
	return p;
}

/* The digest an xattr vouches for, when trusted, of the right function, and
 * present in the store. */
static bool digest_from_xattr(struct store *s, const struct ingest_options *o, int fd, struct digest *ret)
{
	char text[DIGEST_STR_MAX];
	struct reason why;
	ssize_t n;

	if (!o->trust_digest_xattr || (n = fgetxattr(fd, DIGEST_XATTR, text, sizeof(text) - 1)) <= 0)
		return false;
	text[n] = '\0';
	return digest_parse(text, o->fn, ret, &why) == 0 && store_has_blob(s, ret) == 1;
}

static int store_open_file(struct store *s, int fd, const struct ingest_options *o, struct digest *ret)
{
	if (digest_from_xattr(s, o, fd, ret))
		return 0;
	return store_put_fd(s, o->fn, fd, ret);
}

static int store_file_at(struct store *s, int dir_fd, const char *name, const struct ingest_options *o,
			 struct digest *ret)
{
	_cleanup_close_ int fd = openat(dir_fd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY);

	if (fd < 0)
		return -errno;
	return store_open_file(s, fd, o, ret);
}

static int add_file(struct walk *w, int fd, struct dir_build *b, Reapi__Directory *m, size_t i)
{
	struct entry *e = &b->entries[i];
	Reapi__FileNode *f = &b->files[m->n_files];
	int r = store_file_at(w->store, fd, e->name, w->o, &b->digests[i]);

	if (r < 0)
		return fail(w, e->name, r, "store");
	reapi__file_node__init(f);
	f->name = e->name;
	digest_to_message(&b->digests[i], &b->digest_msgs[i]);
	f->digest = &b->digest_msgs[i];
	f->is_executable = (e->st.st_mode & S_IXUSR) != 0;
	f->node_properties = properties(w->o, b, i, &e->st, true);
	m->files[m->n_files++] = f;
	w->stats->files++;
	w->stats->bytes += e->st.st_size;
	if (w->o->on_progress)
		w->o->on_progress(w->o->ctx, w->stats);
	return 0;
}

static int add_symlink(struct walk *w, int fd, struct dir_build *b, Reapi__Directory *m, size_t i)
{
	struct entry *e = &b->entries[i];
	Reapi__SymlinkNode *l = &b->links[m->n_symlinks];
	size_t cap = e->st.st_size > 0 ? (size_t)e->st.st_size + 1 : PATH_MAX;
	ssize_t n;

	b->targets[i] = malloc(cap);
	if (!b->targets[i])
		return -ENOMEM;
	n = readlinkat(fd, e->name, b->targets[i], cap);
	if (n < 0)
		return fail(w, e->name, -errno, "readlink");
	if ((size_t)n >= cap)
		return fail(w, e->name, -ENAMETOOLONG, "readlink");
	b->targets[i][n] = '\0';
	reapi__symlink_node__init(l);
	l->name = e->name;
	l->target = b->targets[i];
	l->node_properties = properties(w->o, b, i, &e->st, false);
	m->symlinks[m->n_symlinks++] = l;
	w->stats->symlinks++;
	return 0;
}

static int walk_directory(struct walk *w, int fd, const struct stat *st, struct digest *ret);

static int add_directory(struct walk *w, int fd, struct dir_build *b, Reapi__Directory *m, size_t i)
{
	struct entry *e = &b->entries[i];
	Reapi__DirectoryNode *c = &b->dirs[m->n_directories];
	size_t len = strlen(w->path);
	_cleanup_close_ int child = openat(fd, e->name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	int r;

	if (child < 0)
		return fail(w, e->name, -errno, "open");
	if (len + 1 + strlen(e->name) >= sizeof(w->path))
		return fail(w, e->name, -ENAMETOOLONG, "walk");
	snprintf(w->path + len, sizeof(w->path) - len, "/%s", e->name);
	r = walk_directory(w, child, &e->st, &b->digests[i]);
	if (r < 0)
		return r;
	w->path[len] = '\0';
	reapi__directory_node__init(c);
	c->name = e->name;
	digest_to_message(&b->digests[i], &b->digest_msgs[i]);
	c->digest = &b->digest_msgs[i];
	m->directories[m->n_directories++] = c;
	return 0;
}

static int add_entry(struct walk *w, int fd, struct dir_build *b, Reapi__Directory *m, size_t i)
{
	struct entry *e = &b->entries[i];
	char path[PATH_MAX + NAME_MAX + 2];

	switch (e->st.st_mode & S_IFMT) {
	case S_IFREG: return add_file(w, fd, b, m, i);
	case S_IFLNK: return add_symlink(w, fd, b, m, i);
	case S_IFDIR: return add_directory(w, fd, b, m, i);
	default:
		w->stats->skipped++;
		if (w->o->on_skip) {
			snprintf(path, sizeof(path), "%s/%s", w->path, e->name);
			w->o->on_skip(w->o->ctx, path, "not a regular file, directory or symlink; skipped");
		}
		return 0;
	}
}

static int store_directory(struct walk *w, const Reapi__Directory *m, struct digest *ret)
{
	_cleanup_free_ uint8_t *buf = NULL;
	size_t len;
	int r = message_encode(&m->base, &buf, &len);

	if (r < 0)
		return r;
	r = store_put_buffer(w->store, w->o->fn, buf, len, ret);
	if (r < 0)
		return fail(w, NULL, r, "store Directory");
	if (w->o->on_directory) {
		r = w->o->on_directory(w->o->ctx, buf, len, ret);
		if (r < 0)
			return fail(w, NULL, r, "collect Directory");
	}
	w->stats->directories++;
	return 0;
}

/* Hands a stored Directory and all below it to on_directory. */
static int emit_stored_tree(struct walk *w, const struct digest *d)
{
	_cleanup_free_ uint8_t *buf = NULL;
	_cleanup_(directory_freep) Reapi__Directory *m = NULL;
	struct reason why;
	struct digest child;
	int r = store_read_blob(w->store, d, DIRECTORY_MAX_SIZE, true, &buf);

	if (r < 0)
		return fail(w, NULL, r, "read stored Directory");
	if ((r = directory_decode(buf, d->size, d->fn, &m, &why)) < 0) {
		reason_set(w->why, "%s: stored Directory %s", w->path, why.text);
		return r;
	}
	for (size_t i = 0; i < m->n_directories; i++) {
		if ((r = digest_from_message(m->directories[i]->digest, d->fn, &child, &why)) < 0 ||
		    (r = emit_stored_tree(w, &child)) < 0)
			return r;
	}
	return w->o->on_directory(w->o->ctx, buf, d->size, d);
}

/* An unchanged directory: its digest from the xattr, its Directories from the store. */
static bool reuse_directory(struct walk *w, int fd, struct digest *ret, int *ret_err)
{
	if (!digest_from_xattr(w->store, w->o, fd, ret))
		return false;
	*ret_err = w->o->on_directory ? emit_stored_tree(w, ret) : 0;
	w->stats->directories++;
	return true;
}

static int walk_directory(struct walk *w, int fd, const struct stat *st, struct digest *ret)
{
	_cleanup_(dir_build_free) struct dir_build b = { 0 };
	Reapi__Directory m = REAPI__DIRECTORY__INIT;
	int r;

	if (reuse_directory(w, fd, ret, &r))
		return r;
	r = read_entries(w, fd, &b);
	if (r < 0)
		return r;
	r = dir_build_alloc(&b);
	if (r < 0)
		return r;
	m.files = b.file_ptrs;
	m.directories = b.dir_ptrs;
	m.symlinks = b.link_ptrs;
	for (size_t i = 0; i < b.n; i++) {
		r = add_entry(w, fd, &b, &m, i);
		if (r < 0)
			return r;
	}
	m.node_properties = properties(w->o, &b, b.n, st, true);
	return store_directory(w, &m, ret);
}

int ingest_tree(struct store *s, int dir_fd, const char *path, const struct ingest_options *o,
		struct ingest_stats *stats, struct digest *ret, struct reason *why)
{
	struct walk w = { .store = s, .o = o, .stats = stats, .why = why };
	_cleanup_close_ int fd = openat(dir_fd, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	struct stat st;

	if (strlen(path) >= sizeof(w.path)) {
		reason_set(why, "%s: path too long", path);
		return -ENAMETOOLONG;
	}
	strcpy(w.path, path);
	if (fd < 0)
		return fail(&w, NULL, -errno, "open directory");
	if (fstat(fd, &st) < 0)
		return fail(&w, NULL, -errno, "stat");
	return walk_directory(&w, fd, &st, ret);
}

int ingest_file(struct store *s, int dir_fd, const char *path, const struct ingest_options *o, struct digest *ret,
		bool *ret_executable, struct reason *why)
{
	_cleanup_close_ int fd = openat(dir_fd, path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY);
	struct stat st;
	int r;

	if (fd < 0 || fstat(fd, &st) < 0) {
		reason_set(why, "%s: %s", path, strerror(errno));
		return -errno;
	}
	r = store_open_file(s, fd, o, ret);
	if (r < 0) {
		reason_set(why, "%s: store: %s", path, strerror(-r));
		return r;
	}
	*ret_executable = (st.st_mode & S_IXUSR) != 0;
	return 0;
}
