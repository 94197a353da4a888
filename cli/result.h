/* The result of `casroot exec`: the REAPI ActionResult stored in the CAS
 * (and, for a Bazel disk cache, under ac/), and the --json summary. */
#ifndef CASROOT_CLI_RESULT_H
#define CASROOT_CLI_RESULT_H

#include "capture.h"

#include <time.h>

struct exec_times {
	struct timespec worker_start, fetch_start, fetch_done, exec_start, exec_done, upload_start, upload_done;
};

struct exec_result {
	int exit_code;
	bool timed_out;
	struct captured outputs;
	struct digest stdout_digest, stderr_digest;
	struct exec_times times;
	struct digest action_result;   /* filled by result_store */
	const char *runner_stats_path; /* casroot-run's --stats file, or NULL */
};

/* Stores the ActionResult; with an action digest and the bazel layout also
 * writes it to ac/ where Bazel's disk cache looks. */
int result_store(struct store *s, enum digest_fn fn, const struct digest *action, struct exec_result *r);

/* Writes the --json summary; 0 or -errno. */
int result_write_json(const struct exec_result *r, const char *path);

#endif
