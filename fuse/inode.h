/* The in-memory inode table of casrootfs.
 *
 * Id spaces: the kernel knows a node by its inode number, which is the node's
 * address (FUSE_ROOT_ID for the root), valid from the entry reply that
 * announces it until the kernel forgets it. A node backed by the CAS also
 * knows its digest; a directory's entries are created from its Directory
 * blob on first use ("expansion"). A node written by the action has its data
 * in the file pool under its pool id, never under a path.
 *
 * Names: a directory holds a sorted array of entries (name → node). A file
 * may have several entries (hard links); node->parent and node->name are its
 * first one, used for log lines and for marking ancestors changed. A
 * directory has exactly one entry.
 *
 * Lookup counts: every entry reply (lookup, readdirplus, create, mkdir,
 * mknod, symlink, link) adds one to the node's count; forget subtracts what
 * the kernel says, never below zero. A node no entry names any more is
 * freed when its count and its open handles reach zero. An unchanged
 * directory nobody holds (count zero, no entry pinned: known to the kernel
 * or expanded) folds back to just its digest, so a walk over a million
 * entries does not keep them all.
 *
 * Changes: a change inside a directory clears has_digest on it and every
 * ancestor (their Directory digests no longer describe them); a change to a
 * file's content clears the file's own has_digest as well.
 *
 * Locking: one mutex (struct inode_table.lock) guards the tree: node fields,
 * entries and counts. File data moves outside it, and so does the copy of a
 * blob into the pool (node->copying marks it; others wait for it). */
#ifndef CASROOT_FUSE_INODE_H
#define CASROOT_FUSE_INODE_H

#include <casroot/digest.h>

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/types.h>

struct synth_dir;
struct node;

enum node_kind { NODE_DIR, NODE_FILE, NODE_SYMLINK, NODE_DEVICE, NODE_FIFO, NODE_SOCKET };

struct dentry {
	char *name;
	struct node *node;
};

struct node {
	struct node *parent; /* first entry's directory; NULL for the root and when unlinked */
	char *name;	     /* first entry's name */
	enum node_kind kind;
	mode_t mode; /* permission bits only */
	uid_t uid;
	gid_t gid;
	struct timespec atime, mtime, ctime;
	uint64_t nlookup;
	uint32_t nlink; /* entries naming it (directories: 1 while linked) */
	uint32_t n_open;

	bool has_digest;      /* backed by the CAS and unchanged */
	struct digest digest; /* file blob or Directory */

	/* NODE_DIR */
	bool expanded;
	bool broken;		/* its Directory could not be loaded: EIO, logged once */
	struct dentry *entries; /* sorted by name (strcmp) */
	size_t n_entries, cap_entries;
	size_t n_subdirs;
	size_t n_pinned;	       /* entries whose node has nlookup > 0 or is expanded */
	const struct synth_dir *synth; /* synthesized entries to merge in, or NULL */
	bool augmented;		       /* synthesized entries were added: more than its digest */

	/* NODE_FILE */
	bool verified;	    /* --verify-files checked it already */
	const void *memory; /* served from memory (the embedded env) */
	uint64_t size;
	uint64_t pool_id; /* data in the file pool; 0: in the CAS or memory */
	bool copying;	  /* its blob is being copied into the pool, without the lock */
	int pool_fd;	  /* open while n_open > 0 and pool_id != 0 */

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
	/* Called when a node is freed, to drop its pool file. */
	void (*on_free)(void *ctx, struct node *n);
	void *ctx;
};

/* A new node not yet named by any entry; NULL on allocation failure. */
struct node *node_new(const char *name, enum node_kind kind, mode_t mode, uid_t uid, gid_t gid);
/* Drops every entry of dir; nodes only it named are freed with their subtrees. */
void node_clear_entries(struct inode_table *t, struct node *dir);
/* Frees a whole subtree, regardless of counts (unmount). */
void node_free_tree(struct inode_table *t, struct node *n);

/* Binary search among an expanded directory's entries. */
struct node *node_child(const struct node *dir, const char *name);
/* Adds an entry name → child (name must be absent); 0 or -ENOMEM. */
int node_link(struct node *dir, const char *name, struct node *child);
/* Removes the entry name from dir (it must exist); frees the node if
 * nothing holds it any more. */
void node_unlink(struct inode_table *t, struct node *dir, const char *name);
/* Moves the entry src/name to dst/newname (newname must be free). */
int node_move(struct node *src, const char *name, struct node *dst, const char *newname);
/* Swaps the nodes of the entries src/name and dst/newname. */
int node_exchange(struct node *src, const char *name, struct node *dst, const char *newname);
/* Clears has_digest on dir and its ancestors. */
void node_mark_changed(struct node *dir);

/* The node an inode number names. */
struct node *node_of(struct inode_table *t, uint64_t ino);
uint64_t node_ino(const struct inode_table *t, const struct node *n);

/* Lookup counting (see the file comment). */
void node_ref(struct node *n);
void node_forget(struct inode_table *t, struct node *n, uint64_t count);
/* Called when the last open handle goes; frees an unlinked node. */
void node_closed(struct inode_table *t, struct node *n);

/* Writes the node's path ("/" for the root) into buf. */
void node_path(const struct node *n, char *buf, size_t len);

/* Fills st from the node. */
void node_stat(const struct inode_table *t, const struct node *n, struct stat *st);

#endif
