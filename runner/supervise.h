/* casroot-run's own process: starts the sandbox, enforces the timeout,
 * forwards SIGINT/SIGTERM/SIGHUP, and collects the result. */
#ifndef CASROOT_RUNNER_SUPERVISE_H
#define CASROOT_RUNNER_SUPERVISE_H

#include "spec.h"

#include <stdbool.h>
#include <sys/resource.h>

struct run_result {
	bool started;	 /* the sandbox was built and the action's status came back */
	int wait_status; /* the action's, when started */
	int exit_code;	 /* what casroot-run exits with */
	bool timed_out;
	double wall_seconds;
	struct rusage usage; /* the sandbox's: pid 1 and everything it reaped */
};

/* Runs the action; 0 with *ret filled, or -errno after logging why the
 * sandbox could not even be started. */
int supervise(const struct spec *s, struct run_result *ret);

/* Writes ret as JSON to path. */
int run_result_write_json(const struct run_result *r, const char *path);

#endif
