/* The file pool: where casrootfs keeps the data of every file the action
 * created or changed, one pool file per node, named by a pool id and never
 * by the path it has in the tree (renames and links only touch memory). A
 * private temporary directory unless --upper names one. */
#ifndef CASROOT_FUSE_POOL_H
#define CASROOT_FUSE_POOL_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/statvfs.h>

struct pool {
	int dir_fd;
	char *path;
	bool temporary; /* created here: emptied and removed by pool_close */
	uint64_t last_id;
};

/* Opens upper, or makes a private temporary directory when upper is NULL. */
int pool_open(const char *upper, struct pool *ret);
void pool_close(struct pool *p);

/* A new empty pool file, open read-write. */
int pool_create(struct pool *p, uint64_t *ret_id, int *ret_fd);
/* A new pool file holding the first size bytes of src (a reflink where the
 * filesystem can, else copy_file_range); src is only read. */
int pool_copy_up(struct pool *p, int src_fd, uint64_t size, uint64_t *ret_id, int *ret_fd);
int pool_open_file(struct pool *p, uint64_t id, int *ret_fd);
void pool_remove(struct pool *p, uint64_t id);
int pool_statfs(struct pool *p, struct statvfs *ret);

#endif
