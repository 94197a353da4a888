/* The steps that build the sandbox, in the order they must run. Each returns
 * 0 or -errno after logging one line naming the step, the path and the errno
 * (e.g. "mount proc on ROOT/proc: Operation not permitted"). */
#ifndef CASROOT_RUNNER_SANDBOX_H
#define CASROOT_RUNNER_SANDBOX_H

#include "spec.h"

/* In the new mount, pid, ipc, uts and network namespaces, as the pid 1 of
 * the sandbox: private mounts, the root bound on itself, /proc and /sys,
 * hostname, loopback, then pivot_root into the root so that the host's
 * filesystem is no longer reachable from this mount namespace. */
int sandbox_enter(const struct spec *s);

/* In the action's process, last before execve: no_new_privs, an empty
 * capability bounding set, no ambient capabilities, no supplementary
 * groups, the action's gid and uid, then empty effective, permitted and
 * inheritable sets, whatever the uid. */
int sandbox_drop_privileges(uid_t uid, gid_t gid);

#endif
