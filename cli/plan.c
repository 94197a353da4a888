/* Reading an Action and its Command from the CAS into an exec_plan. Both
 * blobs are verified against their digests; the paths a Command names are
 * checked so that none can point outside the root. */
#include "plan.h"

#include <casroot/directory.h>
#include <casroot/util.h>

#include <stdio.h>
#include <string.h>

#define MESSAGE_MAX_SIZE (16 << 20)

void plan_free(struct exec_plan *p)
{
	for (char **v = p->argv; v && *v; v++)
		free(*v);
	for (char **v = p->env; v && *v; v++)
		free(*v);
	for (char **v = p->outputs; v && *v; v++)
		free(*v);
	free(p->argv);
	free(p->env);
	free(p->outputs);
	free(p->cwd);
	*p = (struct exec_plan){ 0 };
}

int plan_check_path(const char *path, bool allow_empty, struct reason *why)
{
	const char *p = path;

	if (!allow_empty && !*path) {
		reason_set(why, "an output path is empty");
		return -EINVAL;
	}
	if (path[0] == '/') {
		reason_set(why, "path \"%s\" is absolute", path);
		return -EINVAL;
	}
	while (*p) {
		size_t len = strcspn(p, "/");
		if (len == 0 || (len == 2 && p[0] == '.' && p[1] == '.')) {
			reason_set(why, "path \"%s\" has an empty or \"..\" component", path);
			return -EINVAL;
		}
		p += len + (p[len] == '/');
	}
	return 0;
}

/* Reads and decodes a verified message blob. */
static int load_message(struct store *s, const struct digest *d, const ProtobufCMessageDescriptor *desc,
			const char *kind, ProtobufCMessage **ret, struct reason *why)
{
	_cleanup_free_ uint8_t *buf = NULL;
	char text[DIGEST_STR_MAX];
	int r = store_read_blob(s, d, MESSAGE_MAX_SIZE, true, &buf);

	if (r < 0) {
		reason_set(why, "%s %s: %s", kind, digest_format(d, text), store_error_text(r));
		return r;
	}
	*ret = protobuf_c_message_unpack(desc, NULL, d->size, buf);
	if (!*ret) {
		reason_set(why, "%s %s: not a decodable %s message", kind, digest_format(d, text), kind);
		return -EINVAL;
	}
	return 0;
}

static char **copy_strings(char *const *v, size_t n)
{
	char **out = calloc(n + 1, sizeof(char *));

	for (size_t i = 0; out && i < n; i++) {
		if (!(out[i] = strdup(v[i]))) {
			for (size_t j = 0; j < i; j++)
				free(out[j]);
			free(out);
			return NULL;
		}
	}
	return out;
}

static int command_env(const Reapi__Command *c, struct exec_plan *p)
{
	p->env = calloc(c->n_environment_variables + 1, sizeof(char *));
	if (!p->env)
		return -ENOMEM;
	for (size_t i = 0; i < c->n_environment_variables; i++) {
		const Reapi__Command__EnvironmentVariable *e = c->environment_variables[i];
		if (asprintf(&p->env[i], "%s=%s", e->name, e->value) < 0)
			return -ENOMEM;
	}
	return 0;
}

/* output_paths, or for older clients output_files and output_directories. */
static int command_outputs(const Reapi__Command *c, struct exec_plan *p)
{
	size_t n = c->n_output_paths ? c->n_output_paths : c->n_output_files + c->n_output_directories;

	p->outputs = calloc(n + 1, sizeof(char *));
	if (!p->outputs)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		const char *path = c->n_output_paths	   ? c->output_paths[i]
				   : i < c->n_output_files ? c->output_files[i]
							   : c->output_directories[i - c->n_output_files];
		if (!(p->outputs[i] = strdup(path)))
			return -ENOMEM;
	}
	return 0;
}

static int check_command(const Reapi__Command *c, const struct exec_plan *p, const char *text, struct reason *why)
{
	struct reason inner;

	if (c->n_arguments == 0 || !c->arguments[0][0]) {
		reason_set(why, "Command %s: no arguments", text);
		return -EINVAL;
	}
	if (plan_check_path(c->working_directory, true, &inner) < 0) {
		reason_set(why, "Command %s: working_directory: %s", text, inner.text);
		return -EINVAL;
	}
	for (char **o = p->outputs; *o; o++) {
		if (plan_check_path(*o, false, &inner) < 0) {
			reason_set(why, "Command %s: output: %s", text, inner.text);
			return -EINVAL;
		}
	}
	return 0;
}

static int plan_from_command(const Reapi__Command *c, const struct digest *d, struct exec_plan *p, struct reason *why)
{
	char text[DIGEST_STR_MAX];

	digest_format(d, text);
	if (!(p->argv = copy_strings(c->arguments, c->n_arguments)) || command_env(c, p) < 0 ||
	    command_outputs(c, p) < 0 || !(p->cwd = strdup(c->working_directory)))
		return -ENOMEM;
	return check_command(c, p, text, why);
}

static int action_digests(const Reapi__Action *a, const struct digest *d, struct digest *command, struct exec_plan *p,
			  struct reason *why)
{
	char text[DIGEST_STR_MAX];
	struct reason inner;

	if (digest_from_message(a->command_digest, d->fn, command, &inner) < 0) {
		reason_set(why, "Action %s: command_digest: %s", digest_format(d, text), inner.text);
		return -EINVAL;
	}
	if (digest_from_message(a->input_root_digest, d->fn, &p->root, &inner) < 0) {
		reason_set(why, "Action %s: input_root_digest: %s", digest_format(d, text), inner.text);
		return -EINVAL;
	}
	if (a->timeout)
		p->timeout = a->timeout->seconds + a->timeout->nanos / 1e9;
	return 0;
}

int plan_from_action(struct store *s, const struct digest *action, struct exec_plan *p, struct reason *why)
{
	ProtobufCMessage *a = NULL, *c = NULL;
	struct digest command;
	int r;

	*p = (struct exec_plan){ .action = *action };
	r = load_message(s, action, &reapi__action__descriptor, "Action", &a, why);
	if (r == 0)
		r = action_digests((Reapi__Action *)a, action, &command, p, why);
	if (r == 0)
		r = load_message(s, &command, &reapi__command__descriptor, "Command", &c, why);
	if (r == 0)
		r = plan_from_command((Reapi__Command *)c, &command, p, why);
	if (a)
		protobuf_c_message_free_unpacked(a, NULL);
	if (c)
		protobuf_c_message_free_unpacked(c, NULL);
	if (r < 0)
		plan_free(p);
	return r;
}
