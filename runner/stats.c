/* casroot-run --stats: the result of one run as JSON, through json-c. */
#include "supervise.h"

#include <errno.h>
#include <json-c/json.h>
#include <sys/wait.h>

static double seconds(struct timeval tv)
{
	return tv.tv_sec + tv.tv_usec / 1e6;
}

static void add_int(json_object *o, const char *key, int64_t v)
{
	json_object_object_add(o, key, json_object_new_int64(v));
}

int run_result_write_json(const struct run_result *r, const char *path)
{
	json_object *o = json_object_new_object();
	const struct rusage *u = &r->usage;
	bool signaled = r->started && WIFSIGNALED(r->wait_status);
	int ret = 0;

	if (!o)
		return -ENOMEM;
	add_int(o, "exit_code", r->exit_code);
	if (signaled)
		add_int(o, "signal", WTERMSIG(r->wait_status));
	else
		json_object_object_add(o, "signal", NULL);
	json_object_object_add(o, "timed_out", json_object_new_boolean(r->timed_out));
	json_object_object_add(o, "started", json_object_new_boolean(r->started));
	json_object_object_add(o, "wall_seconds", json_object_new_double(r->wall_seconds));
	json_object_object_add(o, "user_seconds", json_object_new_double(seconds(u->ru_utime)));
	json_object_object_add(o, "system_seconds", json_object_new_double(seconds(u->ru_stime)));
	add_int(o, "max_rss_kib", u->ru_maxrss);
	add_int(o, "minor_page_faults", u->ru_minflt);
	add_int(o, "major_page_faults", u->ru_majflt);
	add_int(o, "blocks_in", u->ru_inblock);
	add_int(o, "blocks_out", u->ru_oublock);
	add_int(o, "voluntary_context_switches", u->ru_nvcsw);
	add_int(o, "involuntary_context_switches", u->ru_nivcsw);
	if (json_object_to_file_ext(path, o, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE) < 0)
		ret = errno ? -errno : -EIO;
	json_object_put(o);
	return ret;
}
