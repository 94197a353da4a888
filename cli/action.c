/* `casroot action`: encode a Command and an Action canonically (protobuf-c
 * packs fields in order and omits proto3 defaults) and store both. */
#include "action.h"
#include "commands.h"
#include "options.h"
#include "plan.h"

#include <casroot/directory.h>
#include <casroot/log.h>
#include <casroot/util.h>

#include <math.h>
#include <stdio.h>
#include <string.h>

static size_t count(char **v)
{
	size_t n = 0;

	while (v && v[n])
		n++;
	return n;
}

static int store_command(struct store *s, const struct action_spec *a, struct digest *ret)
{
	Reapi__Command c = REAPI__COMMAND__INIT;
	size_t n_env = count(a->env);
	_cleanup_free_ Reapi__Command__EnvironmentVariable *vars = calloc(n_env + 1, sizeof(*vars));
	_cleanup_free_ Reapi__Command__EnvironmentVariable **var_ptrs = calloc(n_env + 1, sizeof(*var_ptrs));
	_cleanup_free_ char *names = NULL;
	_cleanup_free_ uint8_t *buf = NULL;
	size_t len, used = 0, total = 0;
	int r;

	for (size_t i = 0; i < n_env; i++)
		total += strlen(a->env[i]) + 1;
	if (!vars || !var_ptrs || !(names = malloc(total + 1)))
		return -ENOMEM;
	for (size_t i = 0; i < n_env; i++) {
		/* NAME=VALUE split into the two fields, in a buffer of our own. */
		char *copy = strcpy(names + used, a->env[i]);
		used += strlen(copy) + 1;
		reapi__command__environment_variable__init(&vars[i]);
		vars[i].name = copy;
		vars[i].value = strchr(copy, '=') + 1;
		vars[i].value[-1] = '\0';
		var_ptrs[i] = &vars[i];
	}
	c.arguments = a->argv;
	c.n_arguments = count(a->argv);
	c.environment_variables = var_ptrs;
	c.n_environment_variables = n_env;
	c.working_directory = (char *)(a->cwd ? a->cwd : "");
	c.output_paths = a->outputs;
	c.n_output_paths = count(a->outputs);
	r = message_encode(&c.base, &buf, &len);
	return r < 0 ? r : store_put_buffer(s, a->root.fn, buf, len, ret);
}

int action_store(struct store *s, const struct action_spec *a, struct digest *ret, struct reason *why)
{
	Reapi__Action m = REAPI__ACTION__INIT;
	Reapi__Digest command_msg, root_msg;
	Reapi__Duration timeout = REAPI__DURATION__INIT;
	_cleanup_free_ uint8_t *buf = NULL;
	struct digest command;
	size_t len;
	int r = store_command(s, a, &command);

	if (r < 0) {
		reason_set(why, "store Command: %s", strerror(-r));
		return r;
	}
	digest_to_message(&command, &command_msg);
	digest_to_message(&a->root, &root_msg);
	m.command_digest = &command_msg;
	m.input_root_digest = &root_msg;
	if (a->timeout > 0) {
		timeout.seconds = (int64_t)a->timeout;
		timeout.nanos = (int32_t)lround((a->timeout - timeout.seconds) * 1e9);
		m.timeout = &timeout;
	}
	r = message_encode(&m.base, &buf, &len);
	if (r == 0)
		r = store_put_buffer(s, a->root.fn, buf, len, ret);
	if (r < 0)
		reason_set(why, "store Action: %s", strerror(-r));
	return r;
}

int action_args_handle(struct action_args *a, int opt, const char *arg)
{
	switch (opt) {
	case OPT_ROOT: a->root = arg; return 1;
	case OPT_CWD: a->cwd = arg; return 1;
	case OPT_TIMEOUT: a->timeout = arg; return 1;
	case OPT_OUTPUT: return strv_push(&a->outputs, &a->n_outputs, arg) < 0 ? -1 : 1;
	case OPT_ENV:
		if (!strchr(arg, '=') || arg[0] == '=') {
			usage_error("--env %s: expected NAME=VALUE", arg);
			return -1;
		}
		return strv_push(&a->env, &a->n_env, arg) < 0 ? -1 : 1;
	default: return 0;
	}
}

void action_args_free(struct action_args *a)
{
	free(a->outputs);
	free(a->env);
}

int action_args_spec(const struct action_args *a, enum digest_fn fn, char **argv, struct action_spec *spec,
		     struct reason *why)
{
	struct reason inner;
	char *end;

	*spec = (struct action_spec){ .argv = argv, .env = a->env, .cwd = a->cwd, .outputs = a->outputs };
	if (digest_parse(a->root, fn, &spec->root, &inner) < 0) {
		reason_set(why, "--root %s: %s", a->root, inner.text);
		return -EINVAL;
	}
	if (a->timeout &&
	    ((spec->timeout = strtod(a->timeout, &end)) < 0 || *end || end == a->timeout || !isfinite(spec->timeout))) {
		reason_set(why, "--timeout %s: expected a number of seconds", a->timeout);
		return -EINVAL;
	}
	if (plan_check_path(a->cwd ? a->cwd : "", true, &inner) < 0) {
		reason_set(why, "--cwd: %s", inner.text);
		return -EINVAL;
	}
	for (char **o = a->outputs; o && *o; o++) {
		if (plan_check_path(*o, false, &inner) < 0) {
			reason_set(why, "--output: %s", inner.text);
			return -EINVAL;
		}
	}
	if (!argv[0]) {
		reason_set(why, "missing the command after --");
		return -EINVAL;
	}
	return 0;
}

static const char action_usage[] =
	"Usage: casroot action [OPTIONS] --root DIGEST [--cwd DIR] [--output PATH]... [--env NAME=VALUE]... -- "
	"ARGV...\n"
	"Stores a Command and an Action for ARGV in the CAS and prints the Action's digest.\n\n" STORE_OPTIONS_HELP
		ACTION_OPTIONS_HELP "  --help, --version\n";

int cmd_action(int argc, char **argv)
{
	static const struct option longopts[] = { STORE_LONG_OPTIONS, ACTION_LONG_OPTIONS, { 0 } };
	_cleanup_(store_closep) struct store *store = NULL;
	_cleanup_(action_args_free) struct action_args a = { 0 };
	struct store_options so;
	struct action_spec spec;
	struct digest action;
	struct reason why;
	char text[DIGEST_STR_MAX];
	int opt, r;

	store_options_init(&so);
	while ((opt = getopt_long(argc, argv, "+", longopts, NULL)) != -1) {
		if ((r = store_options_handle(&so, opt, optarg, action_usage)) == 2)
			return EXIT_OK;
		if (r == 0 && (r = action_args_handle(&a, opt, optarg)) == 0)
			return option_error("action", argv);
		if (r < 0)
			return EXIT_USAGE;
	}
	if (!a.root)
		return usage_error("action: --root DIGEST is required");
	if (action_args_spec(&a, so.fn, &argv[optind], &spec, &why) < 0)
		return usage_error("action: %s", why.text);
	if (store_options_open(&so, false, &store) < 0)
		return EXIT_DATA;
	if (action_store(store, &spec, &action, &why) < 0) {
		log_error("action: %s", why.text);
		return EXIT_DATA;
	}
	printf("%s\n", digest_format(&action, text));
	return EXIT_OK;
}
