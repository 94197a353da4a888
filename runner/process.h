/* The two processes casroot-run starts: the sandbox's pid 1 and, from it,
 * the action. Both run only in children and never return. */
#ifndef CASROOT_RUNNER_PROCESS_H
#define CASROOT_RUNNER_PROCESS_H

#include "spec.h"

#include <sys/types.h>

/* Descriptors handed from casroot-run to its children. */
struct handoff {
	int stdio[3];	 /* the action's stdin, stdout, stderr */
	int report_fd;	 /* casroot-run's own stderr, for setup and exec errors */
	int status_fd;	 /* write end: pid 1 sends the action's wait status */
	int lifeline_fd; /* read end of a pipe only casroot-run writes to: hangs up when it dies */
};

/* pid 1 of the new pid namespace: builds the sandbox, starts the action,
 * reaps every zombie, turns SIGTERM into SIGTERM for all, and sends the
 * action's status when it ends (which ends every process left). */
_Noreturn void init_main(const struct spec *s, const struct handoff *h);

/* The action: its own session, its files on 0-2, nothing else open across
 * execve, default signals, umask 022, no privileges, then execvp. */
_Noreturn void action_main(const struct spec *s, const struct handoff *h);

#endif
