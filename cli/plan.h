/* What `casroot exec` runs: the root, the command line, environment,
 * working directory, outputs and timeout, from an Action and its Command in
 * the CAS, or from the command line. */
#ifndef CASROOT_CLI_PLAN_H
#define CASROOT_CLI_PLAN_H

#include <casroot/store.h>

#include <stdbool.h>

struct exec_plan {
	struct digest root;
	struct digest action;
	char **argv;	/* NULL-terminated */
	char **env;	/* NAME=VALUE, NULL-terminated */
	char *cwd;	/* relative to the root, "" for / */
	char **outputs; /* relative to cwd, NULL-terminated */
	double timeout; /* seconds, 0: none */
};

/* Loads and checks the Action and its Command. -ENOENT, -EBADMSG or -EINVAL
 * with why naming the blob and the rule. */
int plan_from_action(struct store *s, const struct digest *action, struct exec_plan *ret, struct reason *why);

/* Checks a path given by a Command or on the command line: relative, no
 * "..", no empty component. */
int plan_check_path(const char *path, bool allow_empty, struct reason *why);

void plan_free(struct exec_plan *p);

#endif
