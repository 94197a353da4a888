/* The plain description of one sandboxed run that casroot-run's arguments
 * parse into; every later step reads it and nothing else. */
#ifndef CASROOT_RUNNER_SPEC_H
#define CASROOT_RUNNER_SPEC_H

#include <stdbool.h>
#include <sys/types.h>

/* Exit statuses of casroot-run besides the action's own (128+N: signal N). */
enum {
	RUN_EXIT_TIMEOUT = 124,	   /* the action ran out of time and was killed */
	RUN_EXIT_FAILURE = 125,	   /* casroot-run itself failed (usage, a setup step) */
	RUN_EXIT_CANNOT_RUN = 126, /* the command was found but could not be executed */
	RUN_EXIT_NOT_FOUND = 127,  /* the command was not found in the root */
};

enum proc_mode { PROC_AUTO, PROC_FRESH, PROC_BIND, PROC_NONE };

struct spec {
	const char *root;
	const char *cwd; /* relative to the root; "" for / */
	char **env;	 /* NAME=VALUE, NULL-terminated */
	const char *stdin_path, *stdout_path, *stderr_path;
	double timeout; /* seconds; 0: none */
	double kill_delay;
	enum proc_mode proc;
	bool sys_ro;
	bool net_host;
	bool via_env;
	uid_t uid;
	gid_t gid;
	const char *stats_path;
	char **argv; /* the action, NULL-terminated */
};

/* Parses argv into spec. 0, or the exit status to use (-1: exit 0 after --help). */
int spec_parse(int argc, char **argv, struct spec *spec);

#endif
