/* The FUSE low-level operations of casrootfs and the helpers they share.
 * ops.c: looking and reading; mutate.c: changing the namespace; data.c:
 * changing file data and attributes. Each operation is a worker returning 0
 * or -errno under the table lock, plus a wrapper that replies exactly once. */
#ifndef CASROOT_FUSE_OPS_H
#define CASROOT_FUSE_OPS_H

#include "fs.h"

#include <fuse_lowlevel.h>

extern const struct fuse_lowlevel_ops fs_ops;

/* An open file: reads come from the pool file once the node has one. */
struct handle {
	struct node *node;
	int blob_fd; /* the CAS blob, for reads before any copy-up; -1 otherwise */
};

static inline struct fs *fs_of(fuse_req_t req)
{
	return fuse_req_userdata(req);
}

static inline void fs_count(fuse_req_t req, enum fs_request kind)
{
	stats_add(&fs_of(req)->stats.requests[kind], 1);
}

static inline void fs_lock(struct fs *fs)
{
	pthread_mutex_lock(&fs->table.lock);
}

static inline void fs_unlock(struct fs *fs)
{
	pthread_mutex_unlock(&fs->table.lock);
}

static inline struct handle *handle_of(const struct fuse_file_info *fi)
{
	return (struct handle *)(uintptr_t)fi->fh;
}

/* Fills an entry reply for n and counts the kernel's new reference. */
void fs_reply_entry_of(struct fs *fs, struct node *n, struct fuse_entry_param *e);
/* The expanded directory ino names (table lock held). */
int fs_expanded_dir(struct fs *fs, fuse_ino_t ino, struct node **ret);
/* Opens n's blob from the CAS (takes the table lock briefly; n must be held
 * by the kernel). -EIO after one log line when the blob is missing or bad. */
int fs_open_blob(struct fs *fs, struct node *n, int *ret_fd);
/* Gives n a pool file holding its data (copy-up), truncated to zero when
 * truncate; blob_fd is n's blob when n is in the CAS. Table lock held. */
int fs_make_writable(struct fs *fs, struct node *n, int blob_fd, bool truncate);

/* mutate.c */
void op_create(fuse_req_t req, fuse_ino_t parent, const char *name, mode_t mode, struct fuse_file_info *fi);
void op_mknod(fuse_req_t req, fuse_ino_t parent, const char *name, mode_t mode, dev_t rdev);
void op_mkdir(fuse_req_t req, fuse_ino_t parent, const char *name, mode_t mode);
void op_symlink(fuse_req_t req, const char *target, fuse_ino_t parent, const char *name);
void op_link(fuse_req_t req, fuse_ino_t ino, fuse_ino_t parent, const char *name);
void op_unlink(fuse_req_t req, fuse_ino_t parent, const char *name);
void op_rmdir(fuse_req_t req, fuse_ino_t parent, const char *name);
void op_rename(fuse_req_t req, fuse_ino_t parent, const char *name, fuse_ino_t newparent, const char *newname,
	       unsigned int flags);

/* data.c */
void op_setattr(fuse_req_t req, fuse_ino_t ino, struct stat *attr, int to_set, struct fuse_file_info *fi);
void op_write_buf(fuse_req_t req, fuse_ino_t ino, struct fuse_bufvec *bufv, off_t off, struct fuse_file_info *fi);
void op_fallocate(fuse_req_t req, fuse_ino_t ino, int mode, off_t off, off_t len, struct fuse_file_info *fi);
void op_fsync(fuse_req_t req, fuse_ino_t ino, int datasync, struct fuse_file_info *fi);
void op_flush(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi);
void op_setxattr(fuse_req_t req, fuse_ino_t ino, const char *name, const char *value, size_t size, int flags);
void op_removexattr(fuse_req_t req, fuse_ino_t ino, const char *name);

#endif
