/* The synthesized part of every root: what an action run by a chroot runner
 * expects to find but an input root rarely ships. */
#include "synth.h"

#include <casroot/util.h>

#define DIR_OF(entries) (&(const struct synth_dir){ entries, ARRAY_SIZE(entries) })

static const struct synth_entry usr_bin[] = {
	{ .name = "env", .kind = NODE_FILE, .mode = 0555, .group = SYNTH_ENV, .is_env = true },
};

static const struct synth_entry usr[] = {
	{ .name = "bin", .kind = NODE_DIR, .mode = 0755, .group = SYNTH_ENV, .dir = DIR_OF(usr_bin) },
};

static const struct synth_entry dev[] = {
	{ .name = "fd", .kind = NODE_SYMLINK, .mode = 0777, .group = SYNTH_DEV, .target = "/proc/self/fd" },
	{ .name = "full", .kind = NODE_DEVICE, .mode = 0666, .group = SYNTH_DEV, .major = 1, .minor = 7 },
	{ .name = "null", .kind = NODE_DEVICE, .mode = 0666, .group = SYNTH_DEV, .major = 1, .minor = 3 },
	{ .name = "pts", .kind = NODE_DIR, .mode = 0755, .group = SYNTH_DEV },
	{ .name = "random", .kind = NODE_DEVICE, .mode = 0666, .group = SYNTH_DEV, .major = 1, .minor = 8 },
	{ .name = "shm", .kind = NODE_DIR, .mode = 01777, .group = SYNTH_DEV },
	{ .name = "stderr", .kind = NODE_SYMLINK, .mode = 0777, .group = SYNTH_DEV, .target = "/proc/self/fd/2" },
	{ .name = "stdin", .kind = NODE_SYMLINK, .mode = 0777, .group = SYNTH_DEV, .target = "/proc/self/fd/0" },
	{ .name = "stdout", .kind = NODE_SYMLINK, .mode = 0777, .group = SYNTH_DEV, .target = "/proc/self/fd/1" },
	{ .name = "tty", .kind = NODE_DEVICE, .mode = 0666, .group = SYNTH_DEV, .major = 5, .minor = 0 },
	{ .name = "urandom", .kind = NODE_DEVICE, .mode = 0666, .group = SYNTH_DEV, .major = 1, .minor = 9 },
	{ .name = "zero", .kind = NODE_DEVICE, .mode = 0666, .group = SYNTH_DEV, .major = 1, .minor = 5 },
};

static const struct synth_entry root[] = {
	{ .name = "dev", .kind = NODE_DIR, .mode = 0755, .group = SYNTH_DEV, .dir = DIR_OF(dev) },
	{ .name = "proc", .kind = NODE_DIR, .mode = 0555, .group = SYNTH_MOUNTPOINTS },
	{ .name = "sys", .kind = NODE_DIR, .mode = 0555, .group = SYNTH_MOUNTPOINTS },
	{ .name = "tmp", .kind = NODE_DIR, .mode = 01777, .group = SYNTH_MOUNTPOINTS },
	{ .name = "usr", .kind = NODE_DIR, .mode = 0755, .group = SYNTH_ENV, .dir = DIR_OF(usr) },
};

static const struct synth_dir root_dir = { root, ARRAY_SIZE(root) };

const struct synth_dir *synth_root(void)
{
	return &root_dir;
}
