/* The in-memory inode table of casrootfs.
 *
 * Id spaces: the kernel knows a node by its inode number, which is the node's
 * address (FUSE_ROOT_ID for the root), valid from the entry reply that
 * announces it until the kernel forgets it. A node backed by the CAS also
 * knows its digest; a directory's children are created from its Directory
 * blob on first use ("expansion"), named and sorted as the blob has them.
 *
 * Lookup counts: every entry reply (lookup, readdirplus, create…) adds one to
 * the node's count, forget subtracts what the kernel says, never below zero.
 * A node with count zero lives on only as its parent's child; an unmodified
 * directory whose count is zero and none of whose children is pinned (known
 * to the kernel or expanded) may fold back to just its digest, so a walk
 * over a million entries does not keep them all.
 *
 * Locking: one mutex (struct inode_table.lock) guards the whole tree: node
 * fields, children arrays and counts. File data is read outside it. */
#ifndef CASROOT_FUSE_INODE_H
#define CASROOT_FUSE_INODE_H

#include <casroot/digest.h>

#include "reapi.pb-c.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/types.h>

struct synth_dir;

enum node_kind { NODE_DIR, NODE_FILE, NODE_SYMLINK, NODE_DEVICE };

struct node {
	struct node *parent; /* NULL for the root */
	char *name;
	enum node_kind kind;
	mode_t mode; /* permission bits only */
	uid_t uid;
	gid_t gid;
	struct timespec mtime;
	uint64_t nlookup;

	bool has_digest;      /* backed by the CAS and unmodified */
	struct digest digest; /* file blob or Directory */

	/* NODE_DIR */
	bool expanded;
	bool broken; /* its Directory could not be loaded: EIO, logged once */
	struct node **children; /* sorted by name (strcmp) */
	size_t n_children, cap_children;
	size_t n_subdirs;
	size_t n_pinned; /* children with nlookup > 0 or expanded */
	const struct synth_dir *synth; /* synthesized entries to merge in, or NULL */
	bool augmented; /* synthesized entries were added: no longer just its digest */

	/* NODE_FILE */
	bool verified;		/* --verify-files checked it already */
	const void *memory;	/* served from memory (the embedded env) */
	uint64_t size;

	/* NODE_SYMLINK */
	char *target;

	/* NODE_DEVICE */
	dev_t rdev;
};

struct inode_table {
	pthread_mutex_t lock;
	struct node *root;
	uid_t uid;
	gid_t gid;
};

/* A new detached node; NULL on allocation failure. */
struct node *node_new(const char *name, enum node_kind kind, mode_t mode, const struct inode_table *t);
/* Frees a node and everything below it. */
void node_free(struct node *n);

/* Binary search among an expanded directory's children. */
struct node *node_child(const struct node *dir, const char *name);
/* Inserts child (its name must be absent); 0 or -ENOMEM. */
int node_add_child(struct node *dir, struct node *child);

/* The node an inode number names. */
struct node *node_of(struct inode_table *t, uint64_t ino);
uint64_t node_ino(const struct inode_table *t, const struct node *n);

/* Lookup counting (see the file comment). */
void node_ref(struct node *n);
void node_forget(struct node *n, uint64_t count);

/* Writes the node's path ("/" for the root) into buf. */
void node_path(const struct node *n, char *buf, size_t len);

/* Fills st from the node. */
void node_stat(const struct inode_table *t, const struct node *n, struct stat *st);

#endif
