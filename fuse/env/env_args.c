/* Parsing for casroot's env, kept apart from main() so it can be unit-tested.
 * Options end at the first word that is not an option; the NAME=VALUE words
 * follow; the first word without '=' starts the utility. */
#include "env_args.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static int take_option(char **argv, int *i, int argc, struct env_plan *plan, const char **ret_error)
{
	const char *a = argv[*i];

	if (strcmp(a, "-i") == 0 || strcmp(a, "-") == 0 || strcmp(a, "--ignore-environment") == 0) {
		plan->clear = true;
		return 0;
	}
	if (strcmp(a, "-u") == 0 || strcmp(a, "--unset") == 0) {
		if (*i + 1 >= argc) {
			*ret_error = "option -u needs a NAME";
			return -1;
		}
		plan->unset[plan->n_unset++] = argv[++*i];
		return 0;
	}
	if (strncmp(a, "-u", 2) == 0) {
		plan->unset[plan->n_unset++] = (char *)a + 2;
		return 0;
	}
	*ret_error = "unknown option";
	return -1;
}

int env_parse(int argc, char **argv, struct env_plan *plan, const char **ret_error)
{
	int i = 1;

	*plan = (struct env_plan){ 0 };
	plan->unset = calloc(argc + 1, sizeof(char *));
	plan->assign = calloc(argc + 1, sizeof(char *));
	if (!plan->unset || !plan->assign) {
		*ret_error = "out of memory";
		return -1;
	}
	for (; i < argc && argv[i][0] == '-'; i++) {
		if (strcmp(argv[i], "--") == 0) {
			i++;
			break;
		}
		if (take_option(argv, &i, argc, plan, ret_error) < 0)
			return -1;
	}
	for (; i < argc && strchr(argv[i], '='); i++) {
		if (argv[i][0] == '=') {
			*ret_error = "assignment without a NAME";
			return -1;
		}
		plan->assign[plan->n_assign++] = argv[i];
	}
	plan->utility = i < argc ? &argv[i] : NULL;
	return 0;
}

void env_plan_free(struct env_plan *plan)
{
	free(plan->unset);
	free(plan->assign);
}

int env_exec_status(int err)
{
	return err == ENOENT || err == ENOTDIR ? ENV_EXIT_NOT_FOUND : ENV_EXIT_CANNOT_RUN;
}
