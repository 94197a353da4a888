/* The entries casrootfs adds to an input root that lacks them: /usr/bin/env,
 * /dev (devices, fd symlinks, shm, pts), and the mount points /proc, /sys and
 * /tmp. A static table shaped like the tree; each entry belongs to a group
 * that a switch can turn off. An entry the input root has always wins. */
#ifndef CASROOT_FUSE_SYNTH_H
#define CASROOT_FUSE_SYNTH_H

#include "inode.h"

enum synth_group {
	SYNTH_ENV = 1 << 0,
	SYNTH_DEV = 1 << 1,
	SYNTH_MOUNTPOINTS = 1 << 2,
	SYNTH_ALL = SYNTH_ENV | SYNTH_DEV | SYNTH_MOUNTPOINTS,
};

struct synth_entry {
	const char *name;
	enum node_kind kind;
	mode_t mode;
	unsigned group;
	unsigned major, minor;	     /* NODE_DEVICE */
	const char *target;	     /* NODE_SYMLINK */
	const struct synth_dir *dir; /* NODE_DIR: its own entries, or NULL */
	bool is_env;		     /* NODE_FILE: the env binary */
};

struct synth_dir {
	const struct synth_entry *entries;
	size_t n;
};

/* The entries of the root directory. */
const struct synth_dir *synth_root(void);

#endif
