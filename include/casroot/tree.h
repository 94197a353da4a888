/* Following a path through a stored tree of Directory blobs, without a mount:
 * what `casroot ls DIGEST/PATH` and output lookups need. Symlinks inside the
 * path are not followed; a path through one is -ENOTDIR. */
#ifndef CASROOT_TREE_H
#define CASROOT_TREE_H

#include <casroot/directory.h>

enum tree_kind { TREE_DIRECTORY, TREE_FILE, TREE_SYMLINK };

struct tree_node {
	enum tree_kind kind;
	struct digest digest; /* files and directories */
	bool executable;
	char *target;			    /* symlinks; malloc'ed */
	const Reapi__NodeProperties *props; /* NULL; only set by tree_child */
};

void tree_node_clear(struct tree_node *n);

/* Finds name among d's children; -ENOENT if absent. props (and target) point into d. */
int tree_child(const Reapi__Directory *d, const char *name, enum digest_fn fn, struct tree_node *ret);

/* Resolves path ("" or "a/b") below root. On failure why names the
 * component and the reason. */
int tree_resolve(struct store *s, const struct digest *root, const char *path, struct tree_node *ret,
		 struct reason *why);

#endif
