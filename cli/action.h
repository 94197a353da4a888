/* Writing a Command and an Action into the CAS from a command line: what
 * `casroot action` prints and what `casroot exec --root` runs. */
#ifndef CASROOT_CLI_ACTION_H
#define CASROOT_CLI_ACTION_H

#include "options.h"

#include <casroot/store.h>

struct action_spec {
	struct digest root;
	char **argv;	 /* NULL-terminated */
	char **env;	 /* NAME=VALUE, NULL-terminated (may be NULL) */
	const char *cwd; /* may be NULL */
	char **outputs;	 /* NULL-terminated (may be NULL) */
	double timeout;	 /* 0: none */
};

/* The options that describe an action on the command line, shared by
 * `casroot action` and `casroot exec --root`. */
enum {
	OPT_ROOT = OPT_FIRST_PRIVATE,
	OPT_CWD,
	OPT_OUTPUT,
	OPT_ENV,
	OPT_TIMEOUT,
	OPT_ACTION_LAST, /* commands number further options from here */
};

#define ACTION_LONG_OPTIONS                                                                                     \
	{ "root", required_argument, NULL, OPT_ROOT }, { "cwd", required_argument, NULL, OPT_CWD },             \
		{ "output", required_argument, NULL, OPT_OUTPUT }, { "env", required_argument, NULL, OPT_ENV }, \
	{                                                                                                       \
		"timeout", required_argument, NULL, OPT_TIMEOUT                                                 \
	}

#define ACTION_OPTIONS_HELP                                                                        \
	"  --root DIGEST          the input root\n"                                                \
	"  --cwd DIR              working directory below the root\n"                              \
	"  --output PATH          an output path relative to the working directory (repeatable)\n" \
	"  --env NAME=VALUE       an environment variable of the action (repeatable)\n"            \
	"  --timeout S            the action's timeout in seconds\n"

struct action_args {
	const char *root, *cwd, *timeout;
	char **outputs, **env;
	size_t n_outputs, n_env;
};

/* 1 if opt was one of ACTION_LONG_OPTIONS, 0 if not, -1 after an error line. */
int action_args_handle(struct action_args *a, int opt, const char *arg);
void action_args_free(struct action_args *a);

/* Checks the arguments and fills spec (pointing into a and argv). */
int action_args_spec(const struct action_args *a, enum digest_fn fn, char **argv, struct action_spec *spec,
		     struct reason *why);

/* Stores the Command and the Action; *ret is the Action's digest. */
int action_store(struct store *s, const struct action_spec *a, struct digest *ret, struct reason *why);

#endif
