/* The local CAS on disk. Invariants: a blob file, once renamed into place, is
 * never written again (new blobs are linked in without replacing anything);
 * temporary files live in DIR/tmp so every rename stays within one filesystem;
 * a blob file's size always equals its digest's size, or reading it fails. */
#include <casroot/store.h>
#include <casroot/util.h>

#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>

#define PUT_CHUNK (1 << 20)

struct store {
	int dir_fd;
	int tmp_fd; /* DIR/tmp, opened on first write */
	enum store_layout layout;
	char *path;
	unsigned long tmp_counter;
};

static int make_parents(int dir_fd, const char *rel);

static const char *const layout_names[] = { "casd", "bazel", "flat" };

int store_layout_from_name(const char *name, enum store_layout *ret)
{
	for (size_t i = 0; i < ARRAY_SIZE(layout_names); i++) {
		if (strcmp(layout_names[i], name) == 0) {
			*ret = (enum store_layout)i;
			return 0;
		}
	}
	return -EINVAL;
}

const char *store_layout_name(enum store_layout layout)
{
	return layout >= 0 && (size_t)layout < ARRAY_SIZE(layout_names) ? layout_names[layout] : "detect";
}

static bool is_dir_at(int dir_fd, const char *rel)
{
	struct stat st;
	return fstatat(dir_fd, rel, &st, 0) == 0 && S_ISDIR(st.st_mode);
}

static bool looks_like_blob_name(const char *name)
{
	struct reason why;
	enum digest_fn fn = digest_fn_for_hex_len(strlen(name));
	return fn != DIGEST_FN_UNKNOWN && digest_check_hash(name, fn, &why) == 0;
}

static int detect_layout(int dir_fd, enum store_layout *ret)
{
	_cleanup_closedir_ DIR *d = NULL;
	int fd;
	struct dirent *e;

	if (is_dir_at(dir_fd, "cas/objects")) {
		*ret = STORE_LAYOUT_CASD;
		return 0;
	}
	if (is_dir_at(dir_fd, "cas") || is_dir_at(dir_fd, "ac")) {
		*ret = STORE_LAYOUT_BAZEL;
		return 0;
	}
	fd = openat(dir_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	d = fdopendir(fd);
	if (!d) {
		close(fd);
		return -errno;
	}
	*ret = STORE_LAYOUT_CASD;
	while ((e = readdir(d))) {
		if (looks_like_blob_name(e->d_name)) {
			*ret = STORE_LAYOUT_FLAT;
			break;
		}
	}
	return 0;
}

const char *store_default_path(char *buf, size_t len)
{
	const char *env = getenv("CASROOT_CAS");
	const char *xdg = getenv("XDG_CACHE_HOME");
	const char *home = getenv("HOME");

	if (env && env[0])
		return env;
	if (xdg && xdg[0])
		snprintf(buf, len, "%s/casroot", xdg);
	else
		snprintf(buf, len, "%s/.cache/casroot", home && home[0] ? home : "/root");
	return buf;
}

const char *store_error_text(int err)
{
	switch (err) {
	case -ENOENT: return "missing from the CAS";
	case -EBADMSG: return "content does not match its digest";
	case -EFBIG: return "larger than a message may be";
	default: return strerror(-err);
	}
}

int store_open(const char *path, enum store_layout layout, bool create, struct store **ret)
{
	_cleanup_close_ int fd = -1;
	struct store *s;
	int r;

	if (create) {
		r = make_parents(AT_FDCWD, path);
		if (r < 0)
			return r;
		if (mkdir(path, 0755) < 0 && errno != EEXIST)
			return -errno;
	}
	fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (layout == STORE_LAYOUT_DETECT) {
		r = detect_layout(fd, &layout);
		if (r < 0)
			return r;
	}
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->path = strdup(path);
	if (!s->path) {
		free(s);
		return -ENOMEM;
	}
	s->dir_fd = take_fd(&fd);
	s->tmp_fd = -1;
	s->layout = layout;
	*ret = s;
	return 0;
}

void store_close(struct store *s)
{
	if (!s)
		return;
	close(s->dir_fd);
	if (s->tmp_fd >= 0)
		close(s->tmp_fd);
	free(s->path);
	free(s);
}

void store_closep(struct store **s)
{
	store_close(*s);
}

enum store_layout store_layout(const struct store *s)
{
	return s->layout;
}

const char *store_path(const struct store *s)
{
	return s->path;
}

int store_blob_relpath(const struct store *s, const struct digest *d, char *buf, size_t len)
{
	int n;

	switch (s->layout) {
	case STORE_LAYOUT_CASD: n = snprintf(buf, len, "cas/objects/%.2s/%s", d->hash, d->hash + 2); break;
	case STORE_LAYOUT_BAZEL: n = snprintf(buf, len, "cas/%.2s/%s", d->hash, d->hash); break;
	default: n = snprintf(buf, len, "%s", d->hash); break;
	}
	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

static bool is_empty_blob(const struct digest *d)
{
	struct digest empty;

	if (d->size != 0)
		return false;
	digest_empty(d->fn, &empty);
	return strcmp(empty.hash, d->hash) == 0;
}

/* 1 if the blob's file is there, 0 if not, or -errno. */
static int blob_file_exists(struct store *s, const struct digest *d)
{
	char rel[PATH_MAX];
	struct stat st;
	int r = store_blob_relpath(s, d, rel, sizeof(rel));

	if (r < 0)
		return r;
	if (fstatat(s->dir_fd, rel, &st, 0) == 0)
		return 1;
	return errno == ENOENT ? 0 : -errno;
}

int store_has_blob(struct store *s, const struct digest *d)
{
	int r = blob_file_exists(s, d);

	return r == 0 && is_empty_blob(d) ? 1 : r;
}

static int open_empty_blob(int *ret_fd)
{
	int fd = memfd_create("casroot-empty-blob", MFD_CLOEXEC);

	if (fd < 0)
		return -errno;
	*ret_fd = fd;
	return 0;
}

int store_open_blob(struct store *s, const struct digest *d, int *ret_fd)
{
	char rel[PATH_MAX];
	_cleanup_close_ int fd = -1;
	struct stat st;
	int r = store_blob_relpath(s, d, rel, sizeof(rel));

	if (r < 0)
		return r;
	fd = openat(s->dir_fd, rel, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		if (errno == ENOENT && is_empty_blob(d))
			return open_empty_blob(ret_fd);
		return -errno;
	}
	if (fstat(fd, &st) < 0)
		return -errno;
	if (!S_ISREG(st.st_mode) || st.st_size != d->size)
		return -EBADMSG;
	*ret_fd = take_fd(&fd);
	return 0;
}

int store_verify_fd(int fd, const struct digest *d)
{
	struct digest actual;
	int r;

	if (lseek(fd, 0, SEEK_SET) < 0)
		return -errno;
	r = digest_fd(d->fn, fd, &actual);
	if (r < 0)
		return r;
	return digest_equal(&actual, d) ? 0 : -EBADMSG;
}

int store_read_blob(struct store *s, const struct digest *d, int64_t max_size, bool verify, uint8_t **ret_buf)
{
	_cleanup_close_ int fd = -1;
	_cleanup_free_ uint8_t *buf = NULL;
	struct digest actual;
	ssize_t n;
	int r;

	if (d->size > max_size)
		return -EFBIG;
	r = store_open_blob(s, d, &fd);
	if (r < 0)
		return r;
	buf = malloc(d->size ? d->size : 1);
	if (!buf)
		return -ENOMEM;
	n = read_full(fd, buf, d->size);
	if (n < 0)
		return n;
	if (n != d->size)
		return -EBADMSG;
	if (verify) {
		r = digest_buffer(d->fn, buf, d->size, &actual);
		if (r < 0)
			return r;
		if (!digest_equal(&actual, d))
			return -EBADMSG;
	}
	*ret_buf = take_ptr(&buf);
	return 0;
}

/* Creates every directory on the way to rel's last component. */
static int make_parents(int dir_fd, const char *rel)
{
	char path[PATH_MAX];
	size_t len = strlen(rel);

	if (len >= sizeof(path))
		return -ENAMETOOLONG;
	memcpy(path, rel, len + 1);
	for (char *p = strchr(path, '/'); p; p = strchr(p + 1, '/')) {
		*p = '\0';
		if (path[0] && mkdirat(dir_fd, path, 0755) < 0 && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	return 0;
}

static int open_tmp_dir(struct store *s)
{
	int fd;

	if (s->tmp_fd >= 0)
		return 0;
	if (mkdirat(s->dir_fd, "tmp", 0755) < 0 && errno != EEXIST)
		return -errno;
	fd = openat(s->dir_fd, "tmp", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (!__sync_bool_compare_and_swap(&s->tmp_fd, -1, fd))
		close(fd);
	return 0;
}

/* Creates a new temporary file in DIR/tmp; its name goes to name (64 bytes). */
static int create_tmp(struct store *s, char *name, int *ret_fd)
{
	int r = open_tmp_dir(s);
	int fd;

	if (r < 0)
		return r;
	do {
		unsigned long n = __atomic_add_fetch(&s->tmp_counter, 1, __ATOMIC_RELAXED);
		snprintf(name, 64, "blob-%d-%lu", (int)getpid(), n);
		fd = openat(s->tmp_fd, name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0444);
	} while (fd < 0 && errno == EEXIST);
	if (fd < 0)
		return -errno;
	*ret_fd = fd;
	return 0;
}

/* Links a finished temporary file to rel without replacing anything there:
 * an existing file holds the same blob and wins. */
static int link_into_place(struct store *s, const char *name, const char *rel)
{
	int r;

	if (linkat(s->tmp_fd, name, s->dir_fd, rel, 0) == 0 || errno == EEXIST)
		return 0;
	if (errno != ENOENT)
		return -errno;
	r = make_parents(s->dir_fd, rel);
	if (r < 0)
		return r;
	if (linkat(s->tmp_fd, name, s->dir_fd, rel, 0) == 0 || errno == EEXIST)
		return 0;
	return -errno;
}

static int commit_tmp(struct store *s, const char *name, const char *rel)
{
	int r = link_into_place(s, name, rel);

	if (unlinkat(s->tmp_fd, name, 0) < 0 && r == 0)
		r = -errno;
	return r;
}

static int put_via_tmp(struct store *s, const struct digest *d, const void *data, size_t len)
{
	char rel[PATH_MAX], name[64];
	_cleanup_close_ int fd = -1;
	int r = store_blob_relpath(s, d, rel, sizeof(rel));

	if (r < 0)
		return r;
	r = create_tmp(s, name, &fd);
	if (r < 0)
		return r;
	r = write_all(fd, data, len);
	if (r == 0 && close(take_fd(&fd)) < 0)
		r = -errno;
	if (r < 0) {
		unlinkat(s->tmp_fd, name, 0);
		return r;
	}
	return commit_tmp(s, name, rel);
}

int store_put_buffer(struct store *s, enum digest_fn fn, const void *data, size_t len, struct digest *ret)
{
	struct digest d;
	int r = digest_buffer(fn, data, len, &d);

	if (r < 0)
		return r;
	r = blob_file_exists(s, &d);
	if (r < 0)
		return r;
	if (r == 0) {
		r = put_via_tmp(s, &d, data, len);
		if (r < 0)
			return r;
	}
	*ret = d;
	return 0;
}

/* Streams the rest of fd into a temporary file while hashing it. */
static int put_large(struct store *s, struct hasher *h, int fd, uint8_t *buf, size_t first, struct digest *ret)
{
	char rel[PATH_MAX], name[64];
	_cleanup_close_ int tmp = -1;
	ssize_t n = first;
	struct digest d;
	int r = create_tmp(s, name, &tmp);

	if (r < 0)
		return r;
	while (n > 0) {
		r = hasher_update(h, buf, n);
		if (r == 0)
			r = write_all(tmp, buf, n);
		if (r < 0)
			goto fail;
		n = read_full(fd, buf, PUT_CHUNK);
	}
	r = n;
	if (r == 0)
		r = hasher_final(h, &d);
	if (r == 0 && close(take_fd(&tmp)) < 0)
		r = -errno;
	if (r == 0)
		r = store_blob_relpath(s, &d, rel, sizeof(rel));
	if (r < 0)
		goto fail;
	r = commit_tmp(s, name, rel);
	if (r == 0)
		*ret = d;
	return r;
fail:
	unlinkat(s->tmp_fd, name, 0);
	return r;
}

int store_put_fd(struct store *s, enum digest_fn fn, int fd, struct digest *ret)
{
	_cleanup_(hasher_freep) struct hasher *h = NULL;
	_cleanup_free_ uint8_t *buf = malloc(PUT_CHUNK);
	ssize_t n;
	int r;

	if (!buf)
		return -ENOMEM;
	n = read_full(fd, buf, PUT_CHUNK);
	if (n < 0)
		return n;
	if (n < PUT_CHUNK)
		return store_put_buffer(s, fn, buf, n, ret);
	r = hasher_new(fn, &h);
	if (r < 0)
		return r;
	return put_large(s, h, fd, buf, n, ret);
}

int store_put_file(struct store *s, const char *rel, const void *data, size_t len)
{
	char name[64];
	_cleanup_close_ int fd = -1;
	int r = create_tmp(s, name, &fd);

	if (r < 0)
		return r;
	r = write_all(fd, data, len);
	if (r == 0 && close(take_fd(&fd)) < 0)
		r = -errno;
	if (r == 0)
		r = make_parents(s->dir_fd, rel);
	if (r == 0 && renameat(s->tmp_fd, name, s->dir_fd, rel) < 0)
		r = -errno;
	if (r < 0)
		unlinkat(s->tmp_fd, name, 0);
	return r;
}
