/* Counters casrootfs keeps while mounted and writes as JSON at unmount
 * (--stats FILE): requests by kind, blobs loaded and opened, bytes, errors.
 * Tests read them to prove laziness. All counters are updated atomically. */
#ifndef CASROOT_FUSE_STATS_H
#define CASROOT_FUSE_STATS_H

#include <stdint.h>

enum fs_request {
	REQ_LOOKUP,
	REQ_FORGET,
	REQ_GETATTR,
	REQ_SETATTR,
	REQ_READLINK,
	REQ_MKNOD,
	REQ_MKDIR,
	REQ_UNLINK,
	REQ_RMDIR,
	REQ_SYMLINK,
	REQ_RENAME,
	REQ_LINK,
	REQ_OPEN,
	REQ_READ,
	REQ_WRITE,
	REQ_FLUSH,
	REQ_RELEASE,
	REQ_FSYNC,
	REQ_OPENDIR,
	REQ_READDIR,
	REQ_READDIRPLUS,
	REQ_RELEASEDIR,
	REQ_STATFS,
	REQ_GETXATTR,
	REQ_LISTXATTR,
	REQ_SETXATTR,
	REQ_REMOVEXATTR,
	REQ_CREATE,
	REQ_FALLOCATE,
	REQ_COUNT
};

struct fs_stats {
	uint64_t requests[REQ_COUNT];
	uint64_t directories_loaded;
	uint64_t file_blobs_opened;
	uint64_t bytes_read;
	uint64_t bytes_written;
	uint64_t errors;
};

static inline void stats_add(uint64_t *counter, uint64_t n)
{
	__atomic_add_fetch(counter, n, __ATOMIC_RELAXED);
}

/* Writes the counters as a JSON object to path; 0 or -errno. */
int stats_write(const struct fs_stats *s, const char *path);

#endif
