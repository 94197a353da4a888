/* Option handling of casroot's own POSIX `env`, the one casrootfs serves as
 * /usr/bin/env: -i (and "-"), -u NAME, --, NAME=VALUE…, then UTILITY ARGS…. */
#ifndef CASROOT_ENV_ARGS_H
#define CASROOT_ENV_ARGS_H

#include <stdbool.h>
#include <stddef.h>

/* Exit statuses, as POSIX and GNU env give them. */
enum { ENV_EXIT_USAGE = 125, ENV_EXIT_CANNOT_RUN = 126, ENV_EXIT_NOT_FOUND = 127 };

struct env_plan {
	bool clear;   /* -i: start from an empty environment */
	char **unset; /* -u names, in order */
	size_t n_unset;
	char **assign; /* NAME=VALUE words, in order */
	size_t n_assign;
	char **utility; /* NULL: print the environment */
};

/* Fills plan from argv (pointers into argv; plan->unset and plan->assign are
 * allocated with argc slots). 0, or -1 with *ret_error set. */
int env_parse(int argc, char **argv, struct env_plan *plan, const char **ret_error);
void env_plan_free(struct env_plan *plan);

/* The exit status for a failed execvp: 127 when nothing by that name was
 * found, 126 when it was found but could not be run. */
int env_exec_status(int err);

#endif
