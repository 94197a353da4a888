/* Building, storing and summarising the ActionResult of `casroot exec`. */
#include "result.h"

#include <casroot/directory.h>
#include <casroot/util.h>

#include <json-c/json.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

/* Everything the ActionResult message points into while it is encoded. */
struct result_msg {
	Reapi__ActionResult msg;
	Reapi__OutputFile *files, **file_ptrs;
	Reapi__OutputDirectory *dirs, **dir_ptrs;
	Reapi__OutputSymlink *links, **link_ptrs;
	Reapi__Digest *digests; /* per file 1, per directory 2, then stdout and stderr */
	Reapi__ExecutedActionMetadata meta;
	Reapi__Timestamp stamps[7];
};

static void result_msg_free(struct result_msg *m)
{
	free(m->files);
	free(m->file_ptrs);
	free(m->dirs);
	free(m->dir_ptrs);
	free(m->links);
	free(m->link_ptrs);
	free(m->digests);
}

static Reapi__Timestamp *stamp(Reapi__Timestamp *t, struct timespec ts)
{
	reapi__timestamp__init(t);
	t->seconds = ts.tv_sec;
	t->nanos = ts.tv_nsec;
	return t;
}

static void fill_metadata(struct result_msg *m, const struct exec_times *t)
{
	static char host[256];

	reapi__executed_action_metadata__init(&m->meta);
	if (gethostname(host, sizeof(host) - 1) == 0)
		m->meta.worker = host;
	m->meta.worker_start_timestamp = stamp(&m->stamps[0], t->worker_start);
	m->meta.input_fetch_start_timestamp = stamp(&m->stamps[1], t->fetch_start);
	m->meta.input_fetch_completed_timestamp = stamp(&m->stamps[2], t->fetch_done);
	m->meta.execution_start_timestamp = stamp(&m->stamps[3], t->exec_start);
	m->meta.execution_completed_timestamp = stamp(&m->stamps[4], t->exec_done);
	m->meta.output_upload_start_timestamp = stamp(&m->stamps[5], t->upload_start);
	m->meta.output_upload_completed_timestamp = stamp(&m->stamps[6], t->upload_done);
	m->meta.worker_completed_timestamp = m->meta.output_upload_completed_timestamp;
}

static int alloc_msg(struct result_msg *m, const struct captured *c)
{
	m->files = calloc(c->n_files + 1, sizeof(*m->files));
	m->file_ptrs = calloc(c->n_files + 1, sizeof(*m->file_ptrs));
	m->dirs = calloc(c->n_dirs + 1, sizeof(*m->dirs));
	m->dir_ptrs = calloc(c->n_dirs + 1, sizeof(*m->dir_ptrs));
	m->links = calloc(c->n_links + 1, sizeof(*m->links));
	m->link_ptrs = calloc(c->n_links + 1, sizeof(*m->link_ptrs));
	m->digests = calloc(c->n_files + 2 * c->n_dirs + 2, sizeof(*m->digests));
	return m->files && m->file_ptrs && m->dirs && m->dir_ptrs && m->links && m->link_ptrs && m->digests ? 0
													    : -ENOMEM;
}

static void fill_outputs(struct result_msg *m, const struct captured *c, Reapi__Digest **next)
{
	for (size_t i = 0; i < c->n_files; i++) {
		reapi__output_file__init(&m->files[i]);
		m->files[i].path = c->files[i].path;
		digest_to_message(&c->files[i].digest, *next);
		m->files[i].digest = (*next)++;
		m->files[i].is_executable = c->files[i].executable;
		m->file_ptrs[i] = &m->files[i];
	}
	for (size_t i = 0; i < c->n_dirs; i++) {
		reapi__output_directory__init(&m->dirs[i]);
		m->dirs[i].path = c->dirs[i].path;
		digest_to_message(&c->dirs[i].tree, *next);
		m->dirs[i].tree_digest = (*next)++;
		digest_to_message(&c->dirs[i].root, *next);
		m->dirs[i].root_directory_digest = (*next)++;
		m->dir_ptrs[i] = &m->dirs[i];
	}
	for (size_t i = 0; i < c->n_links; i++) {
		reapi__output_symlink__init(&m->links[i]);
		m->links[i].path = c->links[i].path;
		m->links[i].target = c->links[i].target;
		m->link_ptrs[i] = &m->links[i];
	}
}

static int build_msg(struct result_msg *m, const struct exec_result *r)
{
	const struct captured *c = &r->outputs;
	Reapi__Digest *next;

	if (alloc_msg(m, c) < 0)
		return -ENOMEM;
	reapi__action_result__init(&m->msg);
	next = m->digests;
	fill_outputs(m, c, &next);
	m->msg.output_files = m->file_ptrs;
	m->msg.n_output_files = c->n_files;
	m->msg.output_directories = m->dir_ptrs;
	m->msg.n_output_directories = c->n_dirs;
	m->msg.output_symlinks = m->link_ptrs;
	m->msg.n_output_symlinks = c->n_links;
	m->msg.exit_code = r->exit_code;
	digest_to_message(&r->stdout_digest, next);
	m->msg.stdout_digest = next++;
	digest_to_message(&r->stderr_digest, next);
	m->msg.stderr_digest = next;
	fill_metadata(m, &r->times);
	m->msg.execution_metadata = &m->meta;
	return 0;
}

int result_store(struct store *s, enum digest_fn fn, const struct digest *action, struct exec_result *r)
{
	_cleanup_(result_msg_free) struct result_msg m = { 0 };
	_cleanup_free_ uint8_t *buf = NULL;
	char rel[PATH_MAX];
	size_t len;
	int ret = build_msg(&m, r);

	if (ret == 0)
		ret = message_encode(&m.msg.base, &buf, &len);
	if (ret == 0)
		ret = store_put_buffer(s, fn, buf, len, &r->action_result);
	if (ret == 0 && action && store_layout(s) == STORE_LAYOUT_BAZEL) {
		snprintf(rel, sizeof(rel), "ac/%.2s/%s", action->hash, action->hash);
		ret = store_put_file(s, rel, buf, len);
	}
	return ret;
}

static json_object *digest_json(const struct digest *d)
{
	char text[DIGEST_STR_MAX];
	return json_object_new_string(digest_format(d, text));
}

static json_object *outputs_json(const struct captured *c, const char *kind)
{
	json_object *a = json_object_new_array();

	for (size_t i = 0; strcmp(kind, "files") == 0 && i < c->n_files; i++) {
		json_object *o = json_object_new_object();
		json_object_object_add(o, "path", json_object_new_string(c->files[i].path));
		json_object_object_add(o, "digest", digest_json(&c->files[i].digest));
		json_object_object_add(o, "is_executable", json_object_new_boolean(c->files[i].executable));
		json_object_array_add(a, o);
	}
	for (size_t i = 0; strcmp(kind, "dirs") == 0 && i < c->n_dirs; i++) {
		json_object *o = json_object_new_object();
		json_object_object_add(o, "path", json_object_new_string(c->dirs[i].path));
		json_object_object_add(o, "tree_digest", digest_json(&c->dirs[i].tree));
		json_object_object_add(o, "root_directory_digest", digest_json(&c->dirs[i].root));
		json_object_array_add(a, o);
	}
	for (size_t i = 0; strcmp(kind, "links") == 0 && i < c->n_links; i++) {
		json_object *o = json_object_new_object();
		json_object_object_add(o, "path", json_object_new_string(c->links[i].path));
		json_object_object_add(o, "target", json_object_new_string(c->links[i].target));
		json_object_array_add(a, o);
	}
	return a;
}

static double seconds_between(struct timespec a, struct timespec b)
{
	return (b.tv_sec - a.tv_sec) + (b.tv_nsec - a.tv_nsec) / 1e9;
}

static json_object *timings_json(const struct exec_times *t)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "mount_seconds",
			       json_object_new_double(seconds_between(t->fetch_start, t->fetch_done)));
	json_object_object_add(o, "execution_seconds",
			       json_object_new_double(seconds_between(t->exec_start, t->exec_done)));
	json_object_object_add(o, "capture_seconds",
			       json_object_new_double(seconds_between(t->upload_start, t->upload_done)));
	json_object_object_add(o, "total_seconds",
			       json_object_new_double(seconds_between(t->worker_start, t->upload_done)));
	return o;
}

int result_write_json(const struct exec_result *r, const char *path)
{
	json_object *o = json_object_new_object();
	json_object *runner = r->runner_stats_path ? json_object_from_file(r->runner_stats_path) : NULL;
	int ret = 0;

	if (!o)
		return -ENOMEM;
	json_object_object_add(o, "exit_code", json_object_new_int(r->exit_code));
	json_object_object_add(o, "action_result_digest", digest_json(&r->action_result));
	json_object_object_add(o, "output_files", outputs_json(&r->outputs, "files"));
	json_object_object_add(o, "output_directories", outputs_json(&r->outputs, "dirs"));
	json_object_object_add(o, "output_symlinks", outputs_json(&r->outputs, "links"));
	json_object_object_add(o, "stdout_digest", digest_json(&r->stdout_digest));
	json_object_object_add(o, "stderr_digest", digest_json(&r->stderr_digest));
	json_object_object_add(o, "timed_out", json_object_new_boolean(r->timed_out));
	json_object_object_add(o, "timings", timings_json(&r->times));
	json_object_object_add(o, "runner", runner);
	if (json_object_to_file_ext(path, o, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE) < 0)
		ret = errno ? -errno : -EIO;
	json_object_put(o);
	return ret;
}
