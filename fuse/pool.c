/* Pool files are named by a 16-digit hex id, created with O_EXCL (so that an
 * --upper shared by mistake never mixes data), opened O_RDWR|O_CLOEXEC. */
#include "pool.h"

#include <casroot/util.h>

#include <fcntl.h>
#include <inttypes.h>
#include <linux/fs.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/sendfile.h>
#include <sys/stat.h>

#define POOL_NAME_MAX 24

static void pool_name(uint64_t id, char *buf)
{
	snprintf(buf, POOL_NAME_MAX, "%016" PRIx64, id);
}

int pool_open(const char *upper, struct pool *ret)
{
	char tmpl[] = "/tmp/casrootfs-pool-XXXXXX";
	const char *path = upper;
	int fd;

	*ret = (struct pool){ .dir_fd = -1 };
	if (!upper) {
		const char *tmpdir = getenv("TMPDIR");
		char *t = NULL;
		if (tmpdir && tmpdir[0] && asprintf(&t, "%s/casrootfs-pool-XXXXXX", tmpdir) < 0)
			return -ENOMEM;
		path = mkdtemp(t ? t : tmpl);
		if (!path) {
			free(t);
			return -errno;
		}
		ret->path = t ? t : strdup(tmpl);
		ret->temporary = true;
	} else {
		ret->path = strdup(upper);
	}
	if (!ret->path)
		return -ENOMEM;
	fd = open(ret->path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		int err = -errno;
		pool_close(ret);
		return err;
	}
	ret->dir_fd = fd;
	return 0;
}

/* Removes every file of a temporary pool, then the pool itself. */
static void remove_temporary(struct pool *p)
{
	_cleanup_closedir_ DIR *d = NULL;
	int fd = p->dir_fd >= 0 ? dup(p->dir_fd) : -1;
	struct dirent *e;

	if (fd >= 0 && (d = fdopendir(fd))) {
		while ((e = readdir(d)))
			if (e->d_name[0] != '.')
				unlinkat(p->dir_fd, e->d_name, 0);
	} else if (fd >= 0) {
		close(fd);
	}
	rmdir(p->path);
}

void pool_close(struct pool *p)
{
	if (p->temporary && p->path)
		remove_temporary(p);
	if (p->dir_fd >= 0)
		close(p->dir_fd);
	free(p->path);
	*p = (struct pool){ .dir_fd = -1 };
}

int pool_create(struct pool *p, uint64_t *ret_id, int *ret_fd)
{
	char name[POOL_NAME_MAX];

	for (;;) {
		uint64_t id = __atomic_add_fetch(&p->last_id, 1, __ATOMIC_RELAXED);
		pool_name(id, name);
		int fd = openat(p->dir_fd, name, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
		if (fd >= 0) {
			*ret_id = id;
			*ret_fd = fd;
			return 0;
		}
		if (errno != EEXIST)
			return -errno;
	}
}

/* Copies in the kernel: copy_file_range within a filesystem, sendfile
 * across filesystems (where copy_file_range says EXDEV or is unsupported). */
static int copy_range(int src_fd, int dst_fd, uint64_t size)
{
	loff_t in = 0, out = 0;
	bool use_sendfile = false;

	if (ioctl(dst_fd, FICLONE, src_fd) == 0)
		return 0;
	while ((uint64_t)in < size) {
		ssize_t n = use_sendfile ? sendfile(dst_fd, src_fd, &in, size - in)
					 : copy_file_range(src_fd, &in, dst_fd, &out, size - in, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && !use_sendfile && (errno == EXDEV || errno == EOPNOTSUPP || errno == EINVAL)) {
			use_sendfile = true;
			continue;
		}
		if (n < 0)
			return -errno;
		if (n == 0)
			return -EIO; /* the blob is shorter than its digest says */
	}
	return 0;
}

int pool_copy_up(struct pool *p, int src_fd, uint64_t size, uint64_t *ret_id, int *ret_fd)
{
	uint64_t id;
	int fd, r = pool_create(p, &id, &fd);

	if (r < 0)
		return r;
	r = copy_range(src_fd, fd, size);
	if (r < 0) {
		close(fd);
		pool_remove(p, id);
		return r;
	}
	*ret_id = id;
	*ret_fd = fd;
	return 0;
}

int pool_open_file(struct pool *p, uint64_t id, int *ret_fd)
{
	char name[POOL_NAME_MAX];
	int fd;

	pool_name(id, name);
	fd = openat(p->dir_fd, name, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	*ret_fd = fd;
	return 0;
}

void pool_remove(struct pool *p, uint64_t id)
{
	char name[POOL_NAME_MAX];

	pool_name(id, name);
	unlinkat(p->dir_fd, name, 0);
}

int pool_statfs(struct pool *p, struct statvfs *ret)
{
	return fstatvfs(p->dir_fd, ret) < 0 ? -errno : 0;
}
