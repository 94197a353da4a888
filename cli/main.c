/* casroot: the front tool. Dispatches to put, ls, cat and exec. */
#include "commands.h"
#include "options.h"

#include <casroot/log.h>

#include <stdio.h>
#include <string.h>

static const char usage[] = "Usage: casroot COMMAND [OPTIONS] ARGS\n"
			    "Gives build actions a complete root from a local REAPI CAS.\n\n"
			    "Commands:\n"
			    "  put PATH               store a directory tree, print its root digest\n"
			    "  ls [-l] [-R] DIGEST[/PATH]  list a stored tree\n"
			    "  cat DIGEST             write a verified blob to stdout\n"
			    "  action --root DIGEST -- ARGV  store a Command and an Action, print the Action digest\n"
			    "  exec --action DIGEST   run an action in its root, store its ActionResult\n\n"
			    "Run 'casroot COMMAND --help' for a command's options.\n"
			    "Exit status: 0 success, 1 bad or missing data or an I/O failure, 2 usage error.\n";

struct command {
	const char *name;
	int (*run)(int argc, char **argv);
};

static const struct command commands[] = {
	{ "put", cmd_put }, { "ls", cmd_ls }, { "cat", cmd_cat }, { "exec", cmd_exec }, { "action", cmd_action },
};

int main(int argc, char **argv)
{
	log_init("casroot");
	if (argc < 2)
		return usage_error("missing COMMAND");
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		fputs(usage, stdout);
		return EXIT_OK;
	}
	if (strcmp(argv[1], "--version") == 0) {
		printf("casroot %s\n", CASROOT_VERSION);
		return EXIT_OK;
	}
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(argv[1], commands[i].name) == 0)
			return commands[i].run(argc - 1, argv + 1);
	return usage_error("unknown command \"%s\"", argv[1]);
}
