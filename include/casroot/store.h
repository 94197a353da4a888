/* A local content-addressable store on disk, in one of three layouts:
 *   casd   DIR/cas/objects/ab/cdef…   (buildbox-casd)
 *   bazel  DIR/cas/ab/abcdef…         (Bazel --disk_cache; action results in DIR/ac/)
 *   flat   DIR/abcdef…
 * Blobs are immutable: a blob is written to a temporary file in DIR/tmp and
 * renamed into place without replacing anything, and an existing blob file is
 * never opened for writing. The empty blob exists whether or not a file holds it. */
#ifndef CASROOT_STORE_H
#define CASROOT_STORE_H

#include <casroot/digest.h>

#include <stdbool.h>
#include <stdint.h>

enum store_layout { STORE_LAYOUT_DETECT = -1, STORE_LAYOUT_CASD = 0, STORE_LAYOUT_BAZEL, STORE_LAYOUT_FLAT };

struct store;

/* "casd" → STORE_LAYOUT_CASD …; 0 or -EINVAL. */
int store_layout_from_name(const char *name, enum store_layout *ret);
const char *store_layout_name(enum store_layout layout);

/* The store every casroot program uses without --cas: $CASROOT_CAS, else
 * ${XDG_CACHE_HOME:-$HOME/.cache}/casroot. Returns a string in buf or the
 * environment. */
const char *store_default_path(char *buf, size_t len);

/* What a blob error means, for messages: "missing from the CAS", … */
const char *store_error_text(int err);

/* Opens the store at path. With STORE_LAYOUT_DETECT an existing store's layout
 * is recognised, a new or empty one gets casd. With create the directory is
 * made if missing. 0 or -errno. */
int store_open(const char *path, enum store_layout layout, bool create, struct store **ret);
void store_close(struct store *s);
void store_closep(struct store **s);
enum store_layout store_layout(const struct store *s);
const char *store_path(const struct store *s);

/* The blob's path relative to the store directory. */
int store_blob_relpath(const struct store *s, const struct digest *d, char *buf, size_t len);

/* 1 if the blob is present (the empty blob always is), 0 if not, or -errno. */
int store_has_blob(struct store *s, const struct digest *d);

/* Opens a blob read-only; -ENOENT if missing, -EBADMSG if its file's size is
 * not the digest's size. The empty blob opens even without a file. */
int store_open_blob(struct store *s, const struct digest *d, int *ret_fd);

/* Reads a whole blob of at most max_size bytes into a malloc'ed buffer.
 * With verify, -EBADMSG unless the content hashes to the digest. */
int store_read_blob(struct store *s, const struct digest *d, int64_t max_size, bool verify, uint8_t **ret_buf);

/* Hashes an open blob's content and compares it; 0, -EBADMSG or -errno. */
int store_verify_fd(int fd, const struct digest *d);

/* Stores a blob from memory; *ret gets its digest. */
int store_put_buffer(struct store *s, enum digest_fn fn, const void *data, size_t len, struct digest *ret);

/* Stores the content of an open file from its current offset, reading it once. */
int store_put_fd(struct store *s, enum digest_fn fn, int fd, struct digest *ret);

/* Writes data as DIR/rel (creating parent directories) atomically, for
 * non-CAS entries such as Bazel's ac/ entries; an existing file is replaced. */
int store_put_file(struct store *s, const char *rel, const void *data, size_t len);

#endif
