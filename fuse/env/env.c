/* casroot's env: a small, static POSIX env served by casrootfs as
 * /usr/bin/env, so that runners which start actions as `/usr/bin/env -- ARGV`
 * (Buildbarn's chroot runner) work in any input root. */
#include "env_args.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

extern char **environ;

static int apply_plan(const struct env_plan *plan)
{
	if (plan->clear && clearenv() != 0)
		return -1;
	for (size_t i = 0; i < plan->n_unset; i++)
		if (unsetenv(plan->unset[i]) != 0)
			return -1;
	for (size_t i = 0; i < plan->n_assign; i++)
		if (putenv(plan->assign[i]) != 0)
			return -1;
	return 0;
}

int main(int argc, char **argv)
{
	struct env_plan plan;
	const char *error;
	int status;

	if (env_parse(argc, argv, &plan, &error) < 0) {
		fprintf(stderr, "env: %s\nUsage: env [-i] [-u NAME]... [NAME=VALUE]... [UTILITY [ARG]...]\n", error);
		return ENV_EXIT_USAGE;
	}
	if (apply_plan(&plan) < 0) {
		fprintf(stderr, "env: cannot change the environment: %s\n", strerror(errno));
		return ENV_EXIT_USAGE;
	}
	if (!plan.utility) {
		for (char **e = environ; e && *e; e++)
			puts(*e);
		return fflush(stdout) == 0 ? 0 : ENV_EXIT_USAGE;
	}
	/* execvp searches the PATH of the environment just built. */
	execvp(plan.utility[0], plan.utility);
	status = env_exec_status(errno);
	fprintf(stderr, "env: '%s': %s\n", plan.utility[0], strerror(errno));
	return status;
}
