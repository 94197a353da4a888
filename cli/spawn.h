/* Starting casroot's own helper programs (casrootfs, casroot-run) as
 * children that die with the caller, and the guardian that removes what a
 * killed `casroot exec` leaves behind. */
#ifndef CASROOT_CLI_SPAWN_H
#define CASROOT_CLI_SPAWN_H

#include <stddef.h>
#include <sys/types.h>

/* The path of a program installed next to this one (else its bare name,
 * for a PATH search). */
void sibling_program(const char *name, char *buf, size_t len);

/* Starts argv[0] with argv; the child gets deathsig when the caller dies.
 * keep_fd (or -1) stays open in the child. 0 or -errno. */
int spawn_program(char *const argv[], int deathsig, int keep_fd, pid_t *ret_pid);

/* The guardian: a process of its own session that outlives the caller. If
 * the caller dies without guard_release(), it stops every watched process
 * (SIGTERM, then SIGKILL), detaches the mount and removes workdir. */
struct guard {
	int fd;
	pid_t pid;
};

int guard_start(const char *workdir, const char *mountpoint, struct guard *ret);
void guard_watch(struct guard *g, pid_t pid);
/* The caller cleaned up itself: the guardian exits without doing anything. */
void guard_release(struct guard *g);

#endif
