/* Turning what an action left at its output paths into CAS blobs: files,
 * directories (a Tree blob plus every Directory), symlinks. Unchanged
 * inputs are taken by their user.reapi.digest xattr, never hashed again. */
#ifndef CASROOT_CLI_CAPTURE_H
#define CASROOT_CLI_CAPTURE_H

#include <casroot/store.h>

#include <stdbool.h>

struct output_file {
	char *path;
	struct digest digest;
	bool executable;
};

struct output_dir {
	char *path;
	struct digest tree;
	struct digest root;
};

struct output_link {
	char *path;
	char *target;
};

struct captured {
	struct output_file *files;
	size_t n_files;
	struct output_dir *dirs;
	size_t n_dirs;
	struct output_link *links;
	size_t n_links;
};

/* Captures each of paths (relative to base_fd); a missing path is no
 * output. On failure why names the path. */
int capture_outputs(struct store *s, enum digest_fn fn, int base_fd, char *const *paths, struct captured *ret,
		    struct reason *why);
void captured_free(struct captured *c);

#endif
