/* The state of one casrootfs mount, passed to every FUSE operation as the
 * session's userdata: options, the CAS, the inode table, the synthesized
 * entries' contents and the counters. */
#ifndef CASROOT_FUSE_FS_H
#define CASROOT_FUSE_FS_H

#include "inode.h"
#include "pool.h"
#include "stats.h"
#include "synth.h"

#include <casroot/store.h>

struct fs_options {
	const char *cas;
	enum store_layout layout;
	struct digest root;
	const char *mountpoint;
	const char *fuse_opts; /* -o */
	const char *log_path;
	const char *stats_path;
	const char *env_binary;
	const char *upper; /* the file pool; NULL: a private temporary directory */
	bool foreground, debug, verify_files;
	int ready_fd;	       /* -1: none */
	unsigned synth_groups; /* enum synth_group bits still on */
	uid_t uid;
	gid_t gid;
};

struct fs {
	const struct fs_options *opts;
	struct store *store;
	struct inode_table table;
	pthread_cond_t copied; /* a copy-up ended (with the table lock) */
	struct pool pool;
	struct fs_stats stats;
	const void *env_data;
	size_t env_size;
};

/* Readahead of the mount: what one read request can carry (max_pages). */
#define FS_READ_AHEAD_KB 1024

/* Inputs never change: the kernel may cache them for this long (seconds). */
#define FS_CACHE_TIMEOUT 86400.0

/* Makes the root node from the root Directory, which must load cleanly.
 * Logs and returns -errno otherwise. */
int fs_init_root(struct fs *fs);

/* Creates a directory's children from its Directory blob and the
 * synthesized entries for its place. Table lock held. 0, or -EIO after one
 * log line naming the digest, the path and the reason. */
int fs_expand(struct fs *fs, struct node *dir);

/* The current time, for nodes the action changes. */
struct timespec fs_now(void);

/* Logs one line "WHAT DIGEST (PATH): REASON" about node and counts an error. */
void fs_log_failure(struct fs *fs, const struct node *n, const char *what, const char *reason);

#endif
