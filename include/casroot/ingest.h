/* Storing a directory tree from the local filesystem into the CAS as REAPI
 * Directory blobs (what `casroot put` does, and how outputs are captured).
 * Regular files, directories and symlinks are stored; symlinks are never
 * followed; other file types are skipped and reported through on_skip. */
#ifndef CASROOT_INGEST_H
#define CASROOT_INGEST_H

#include <casroot/digest.h>
#include <casroot/store.h>

#include <stdbool.h>
#include <stdint.h>

struct ingest_stats {
	uint64_t files, bytes, directories, symlinks, skipped;
};

struct ingest_options {
	enum digest_fn fn;
	bool capture_mtime;	/* node_properties.mtime on files, symlinks, directories */
	bool capture_unix_mode; /* node_properties.unix_mode on files and directories */
	/* Take an entry's digest from its user.reapi.digest xattr (as casrootfs
	 * sets on unchanged inputs, whose blobs are already in this store)
	 * instead of hashing it again. */
	bool trust_digest_xattr;
	void *ctx;
	/* Called for an entry that is not stored (socket, FIFO, device). */
	void (*on_skip)(void *ctx, const char *path, const char *why);
	/* Called after each file, for progress display. */
	void (*on_progress)(void *ctx, const struct ingest_stats *stats);
	/* Called with every Directory's encoding, children before parents. */
	int (*on_directory)(void *ctx, const uint8_t *buf, size_t len, const struct digest *d);
};

/* Stores the tree at path (relative to dir_fd) and returns its root Directory
 * digest. On failure why names the path and the reason. */
int ingest_tree(struct store *s, int dir_fd, const char *path, const struct ingest_options *o,
		struct ingest_stats *stats, struct digest *ret, struct reason *why);

/* Stores one regular file; *ret_executable from its owner execute bit. */
int ingest_file(struct store *s, int dir_fd, const char *path, const struct ingest_options *o, struct digest *ret,
		bool *ret_executable, struct reason *why);

#endif
