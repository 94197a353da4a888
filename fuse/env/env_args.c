/* Parsing for casroot's env, kept apart from main() so it can be unit-tested.
 * Options end at the first word that is not an option; the NAME=VALUE words
 * follow; the first word without '=' starts the utility. */
#include "env_args.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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

static const char *path_of(char **envp)
{
	for (char **e = envp; *e; e++)
		if (strncmp(*e, "PATH=", 5) == 0)
			return *e + 5;
	return "/usr/local/bin:/usr/bin:/bin";
}

int env_exec(char **utility, char **envp)
{
	const char *path = path_of(envp);
	const char *name = utility[0];
	char candidate[PATH_MAX];
	int status = ENV_EXIT_NOT_FOUND, saved = ENOENT;

	if (strchr(name, '/')) {
		execve(name, utility, envp);
		return errno == ENOENT || errno == ENOTDIR ? ENV_EXIT_NOT_FOUND : ENV_EXIT_CANNOT_RUN;
	}
	while (*path) {
		size_t len = strcspn(path, ":");
		const char *dir = len ? path : ".";
		size_t dir_len = len ? len : 1;
		if (dir_len + 1 + strlen(name) < sizeof(candidate)) {
			memcpy(candidate, dir, dir_len);
			candidate[dir_len] = '/';
			strcpy(candidate + dir_len + 1, name);
			execve(candidate, utility, envp);
			if (errno != ENOENT && errno != ENOTDIR) {
				status = ENV_EXIT_CANNOT_RUN;
				saved = errno;
			}
		}
		path += len + (path[len] == ':');
	}
	errno = saved;
	return status;
}
