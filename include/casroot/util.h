/* Small helpers every part of casroot shares: scope-bound cleanup of memory,
 * descriptors and directory streams, and explicit hand-over of ownership. */
#ifndef CASROOT_UTIL_H
#define CASROOT_UTIL_H

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <sys/types.h>
#include <unistd.h>

#define _cleanup_(f)	   __attribute__((cleanup(f)))
#define _cleanup_free_	   _cleanup_(free_ptr)
#define _cleanup_close_	   _cleanup_(close_ptr)
#define _cleanup_closedir_ _cleanup_(closedir_ptr)

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static inline void free_ptr(void *p)
{
	free(*(void **)p);
}

static inline void close_ptr(int *fd)
{
	if (*fd >= 0) {
		int saved = errno;
		close(*fd);
		errno = saved;
	}
}

static inline void closedir_ptr(DIR **d)
{
	if (*d)
		closedir(*d);
}

/* Returns *fd and leaves -1 behind, so a cleanup no longer closes it. */
static inline int take_fd(int *fd)
{
	int r = *fd;
	*fd = -1;
	return r;
}

/* Returns *p and leaves NULL behind. */
static inline void *take_ptr(void *p)
{
	void **pp = p;
	void *r = *pp;
	*pp = NULL;
	return r;
}

/* Parses "UID:GID" (decimal); 0 or -EINVAL. */
int parse_ids(const char *text, uid_t *ret_uid, gid_t *ret_gid);

/* Writes all of buf to fd, retrying short writes; 0 or -errno. */
int write_all(int fd, const void *buf, size_t len);

/* Reads up to len bytes, retrying short reads until EOF; bytes read or -errno. */
ssize_t read_full(int fd, void *buf, size_t len);

#endif
