/* Shared option handling for the casroot subcommands. */
#include "options.h"

#include <casroot/log.h>
#include <casroot/util.h>

#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void store_options_init(struct store_options *o)
{
	opterr = 0;
	*o = (struct store_options){ .layout = STORE_LAYOUT_DETECT, .fn = DIGEST_FN_UNKNOWN };
}

int usage_error(const char *fmt, ...)
{
	char line[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	log_error("%s (see --help)", line);
	return EXIT_USAGE;
}

int option_error(const char *command, char **argv)
{
	const char *arg = argv[optind - 1];

	if (optopt && optopt < OPT_CAS && arg[0] == '-' && arg[1] != '-')
		return usage_error("%s: unknown option -%c", command, optopt);
	return usage_error("%s: unknown option or missing value: %s", command, arg);
}

int store_options_handle(struct store_options *o, int opt, const char *arg, const char *usage)
{
	switch (opt) {
	case OPT_CAS: o->cas = arg; return 1;
	case OPT_LAYOUT:
		if (store_layout_from_name(arg, &o->layout) < 0) {
			usage_error("--layout %s: expected casd, bazel or flat", arg);
			return -1;
		}
		return 1;
	case OPT_DIGEST_FUNCTION:
		if (digest_fn_from_name(arg, &o->fn) < 0) {
			usage_error("--digest-function %s: expected sha256, sha1, sha384 or sha512", arg);
			return -1;
		}
		return 1;
	case OPT_HELP: fputs(usage, stdout); return 2;
	case OPT_VERSION: printf("%s %s\n", log_program(), CASROOT_VERSION); return 2;
	default: return 0;
	}
}

int store_options_open(const struct store_options *o, bool create, struct store **ret)
{
	char buf[PATH_MAX];
	const char *path = o->cas ? o->cas : store_default_path(buf, sizeof(buf));
	int r = store_open(path, o->layout, create, ret);

	if (r < 0)
		log_error("CAS %s: %s", path, strerror(-r));
	return r;
}

enum digest_fn store_options_fn(const struct store_options *o)
{
	return o->fn == DIGEST_FN_UNKNOWN ? DIGEST_FN_SHA256 : o->fn;
}

int parse_digest_arg(const struct store_options *o, const char *text, struct digest *ret)
{
	struct reason why;
	int r = digest_parse(text, o->fn, ret, &why);

	if (r < 0)
		log_error("digest \"%s\": %s", text, why.text);
	return r;
}

int strv_push(char ***v, size_t *n, const char *s)
{
	char **more = reallocarray(*v, *n + 2, sizeof(char *));

	if (!more)
		return -ENOMEM;
	*v = more;
	more[(*n)++] = (char *)s;
	more[*n] = NULL;
	return 0;
}
