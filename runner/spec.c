/* Argument parsing for casroot-run: turns the command line into a struct spec
 * and rejects what cannot be run, naming the flag. */
#include "spec.h"

#include <casroot/log.h>
#include <casroot/util.h>

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] =
	"Usage: casroot-run --root DIR [OPTIONS] -- ARGV...\n"
	"Runs ARGV chrooted (pivot_root) into DIR in new mount, pid, ipc, uts and network\n"
	"namespaces, with a fresh /proc, no capabilities, no_new_privs and an unprivileged uid.\n\n"
	"  --root DIR           the root to run in (a casrootfs mount or any directory)\n"
	"  --cwd REL            working directory below the root (default /)\n"
	"  --env NAME=VALUE     set a variable; nothing else of the caller's environment is passed\n"
	"  --stdin F, --stdout F, --stderr F   files for the action (default stdin /dev/null,\n"
	"                       stdout and stderr inherited)\n"
	"  --timeout S          SIGTERM every process of the action after S seconds\n"
	"  --kill-delay S       then SIGKILL after S more seconds (default 5)\n"
	"  --proc MODE          auto (fresh, else bind), fresh, bind (the host's /proc), none\n"
	"  --sys MODE           none (default) or ro (bind the host's /sys read-only)\n"
	"  --user UID:GID       run as this uid and gid (default 65534:65534)\n"
	"  --net MODE           none (default: only lo) or host\n"
	"  --via-env            start the action as /usr/bin/env -- ARGV (as Buildbarn does)\n"
	"  --stats FILE         write exit status, times and rusage as JSON\n"
	"  --help, --version\n\n"
	"Exit status: the action's; 128+N if it died of signal N; 124 timed out; 125 casroot-run\n"
	"failed (usage or a setup step, named on stderr); 126 not executable; 127 not found.\n";

enum {
	OPT_ROOT = 0x100,
	OPT_CWD,
	OPT_ENV,
	OPT_STDIN,
	OPT_STDOUT,
	OPT_STDERR,
	OPT_TIMEOUT,
	OPT_KILL_DELAY,
	OPT_PROC,
	OPT_SYS,
	OPT_USER,
	OPT_NET,
	OPT_VIA_ENV,
	OPT_STATS,
	OPT_HELP,
	OPT_VERSION,
};

static const struct option longopts[] = {
	{ "root", required_argument, NULL, OPT_ROOT },
	{ "cwd", required_argument, NULL, OPT_CWD },
	{ "env", required_argument, NULL, OPT_ENV },
	{ "stdin", required_argument, NULL, OPT_STDIN },
	{ "stdout", required_argument, NULL, OPT_STDOUT },
	{ "stderr", required_argument, NULL, OPT_STDERR },
	{ "timeout", required_argument, NULL, OPT_TIMEOUT },
	{ "kill-delay", required_argument, NULL, OPT_KILL_DELAY },
	{ "proc", required_argument, NULL, OPT_PROC },
	{ "sys", required_argument, NULL, OPT_SYS },
	{ "user", required_argument, NULL, OPT_USER },
	{ "net", required_argument, NULL, OPT_NET },
	{ "via-env", no_argument, NULL, OPT_VIA_ENV },
	{ "stats", required_argument, NULL, OPT_STATS },
	{ "help", no_argument, NULL, OPT_HELP },
	{ "version", no_argument, NULL, OPT_VERSION },
	{ 0 },
};

static int bad(const char *flag, const char *value, const char *expected)
{
	log_error("%s %s: %s (see --help)", flag, value, expected);
	return RUN_EXIT_FAILURE;
}

static int parse_seconds(const char *flag, const char *text, double *ret)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(text, &end);
	if (errno || end == text || *end || !isfinite(v) || v < 0 || v > 1e9)
		return bad(flag, text, "expected a number of seconds");
	*ret = v;
	return 0;
}

static int parse_proc(const char *text, enum proc_mode *ret)
{
	static const char *const names[] = { "auto", "fresh", "bind", "none" };

	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		if (strcmp(text, names[i]) == 0) {
			*ret = (enum proc_mode)i;
			return 0;
		}
	}
	return bad("--proc", text, "expected auto, fresh, bind or none");
}

static int add_env(struct spec *s, size_t *n, const char *assignment)
{
	char **more;

	if (!strchr(assignment, '=') || assignment[0] == '=')
		return bad("--env", assignment, "expected NAME=VALUE");
	more = reallocarray(s->env, *n + 2, sizeof(char *));
	if (!more)
		return RUN_EXIT_FAILURE;
	s->env = more;
	s->env[(*n)++] = (char *)assignment;
	s->env[*n] = NULL;
	return 0;
}

static int handle(struct spec *s, size_t *n_env, int opt, const char *arg)
{
	switch (opt) {
	case OPT_ROOT: s->root = arg; return 0;
	case OPT_CWD: s->cwd = arg; return 0;
	case OPT_ENV: return add_env(s, n_env, arg);
	case OPT_STDIN: s->stdin_path = arg; return 0;
	case OPT_STDOUT: s->stdout_path = arg; return 0;
	case OPT_STDERR: s->stderr_path = arg; return 0;
	case OPT_TIMEOUT: return parse_seconds("--timeout", arg, &s->timeout);
	case OPT_KILL_DELAY: return parse_seconds("--kill-delay", arg, &s->kill_delay);
	case OPT_PROC: return parse_proc(arg, &s->proc);
	case OPT_SYS:
		if (strcmp(arg, "none") && strcmp(arg, "ro"))
			return bad("--sys", arg, "expected none or ro");
		s->sys_ro = strcmp(arg, "ro") == 0;
		return 0;
	case OPT_USER: return parse_ids(arg, &s->uid, &s->gid) < 0 ? bad("--user", arg, "expected UID:GID") : 0;
	case OPT_NET:
		if (strcmp(arg, "none") && strcmp(arg, "host"))
			return bad("--net", arg, "expected none or host");
		s->net_host = strcmp(arg, "host") == 0;
		return 0;
	case OPT_VIA_ENV: s->via_env = true; return 0;
	case OPT_STATS: s->stats_path = arg; return 0;
	default: log_error("unknown option or missing value (see --help)"); return RUN_EXIT_FAILURE;
	}
}

int spec_parse(int argc, char **argv, struct spec *s)
{
	size_t n_env = 0;
	int opt, r;

	*s = (struct spec){ .cwd = "", .kill_delay = 5, .uid = 65534, .gid = 65534 };
	opterr = 0;
	while ((opt = getopt_long(argc, argv, "+", longopts, NULL)) != -1) {
		if (opt == OPT_HELP || opt == OPT_VERSION) {
			if (opt == OPT_HELP)
				fputs(usage, stdout);
			else
				printf("casroot-run %s\n", CASROOT_VERSION);
			return -1;
		}
		if (opt == '?' || opt == ':') {
			log_error("unknown option or missing value: %s (see --help)", argv[optind - 1]);
			return RUN_EXIT_FAILURE;
		}
		if ((r = handle(s, &n_env, opt, optarg)) != 0)
			return r;
	}
	if (!s->root) {
		log_error("--root DIR is required (see --help)");
		return RUN_EXIT_FAILURE;
	}
	if (optind >= argc) {
		log_error("missing the action: -- ARGV... (see --help)");
		return RUN_EXIT_FAILURE;
	}
	if (!s->env && !(s->env = calloc(1, sizeof(char *))))
		return RUN_EXIT_FAILURE;
	while (s->cwd[0] == '/')
		s->cwd++;
	s->argv = &argv[optind];
	return 0;
}
