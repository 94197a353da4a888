/* Options every casroot subcommand shares: where the CAS is, its layout, the
 * digest function; and the exit codes of the casroot tool. */
#ifndef CASROOT_CLI_OPTIONS_H
#define CASROOT_CLI_OPTIONS_H

#include <casroot/digest.h>
#include <casroot/store.h>

#include <getopt.h>
#include <stdbool.h>

/* Exit codes of `casroot` (exec passes the action's own status through). */
enum {
	EXIT_OK = 0,
	EXIT_DATA = 1,	/* missing, corrupt or non-canonical blob; I/O failure */
	EXIT_USAGE = 2, /* bad flag or argument */
};

enum {
	OPT_CAS = 0x100,
	OPT_LAYOUT,
	OPT_DIGEST_FUNCTION,
	OPT_HELP,
	OPT_VERSION,
	OPT_FIRST_PRIVATE, /* subcommands number their own options from here */
};

#define STORE_LONG_OPTIONS                                                                              \
	{ "cas", required_argument, NULL, OPT_CAS }, { "layout", required_argument, NULL, OPT_LAYOUT }, \
		{ "digest-function", required_argument, NULL, OPT_DIGEST_FUNCTION },                    \
		{ "help", no_argument, NULL, OPT_HELP },                                                \
	{                                                                                               \
		"version", no_argument, NULL, OPT_VERSION                                               \
	}

#define STORE_OPTIONS_HELP                                                            \
	"  --cas DIR              the CAS directory (default $CASROOT_CAS, else\n"    \
	"                         ${XDG_CACHE_HOME:-$HOME/.cache}/casroot)\n"         \
	"  --layout L             casd, bazel or flat (default: detect, else casd)\n" \
	"  --digest-function F    sha256 (default), sha1, sha384 or sha512\n"

struct store_options {
	const char *cas;
	enum store_layout layout;
	enum digest_fn fn; /* DIGEST_FN_UNKNOWN: as the digest given implies, else sha256 */
};

void store_options_init(struct store_options *o);

/* Handles a shared option. 1 if handled, 0 if not ours, -1 after printing an
 * error; for --help/--version it prints and returns 2 (caller exits 0). */
int store_options_handle(struct store_options *o, int opt, const char *arg, const char *usage);

/* Opens the store, logging the failure. */
int store_options_open(const struct store_options *o, bool create, struct store **ret);

/* The digest function a new blob is written with. */
enum digest_fn store_options_fn(const struct store_options *o);

/* Parses a digest argument, logging the failure with the argument. */
int parse_digest_arg(const struct store_options *o, const char *text, struct digest *ret);

/* Appends s to the NULL-terminated vector *v of *n strings (not copied). */
int strv_push(char ***v, size_t *n, const char *s);

/* Reports the option getopt_long just refused; returns EXIT_USAGE. */
int option_error(const char *command, char **argv);

/* Says "unexpected argument" or "missing argument" and returns EXIT_USAGE. */
int usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
