/* The FUSE low-level operations of casrootfs. */
#ifndef CASROOT_FUSE_OPS_H
#define CASROOT_FUSE_OPS_H

#include <fuse_lowlevel.h>

extern const struct fuse_lowlevel_ops fs_ops;

#endif
