/* casroot-run: runs one action sandboxed in a root. main() is parse + run. */
#include "spec.h"
#include "supervise.h"

#include <casroot/log.h>

#include <errno.h>
#include <fcntl.h>
#include <linux/close_range.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

/* Nothing the caller left open beyond 0-2 may reach the sandbox, and 0-2
 * must be open so that files opened later never land on them. */
static int sanitize_descriptors(void)
{
	if (syscall(SYS_close_range, 3, ~0U, 0) < 0)
		return -errno;
	for (int fd = 0; fd < 3; fd++) {
		if (fcntl(fd, F_GETFD) < 0) {
			int null = open("/dev/null", O_RDWR);
			if (null != fd)
				return -EBADF;
		}
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct spec spec;
	struct run_result result;
	int r;

	log_init("casroot-run");
	if (sanitize_descriptors() < 0) {
		log_error("close inherited descriptors: %s", strerror(errno));
		return RUN_EXIT_FAILURE;
	}
	r = spec_parse(argc, argv, &spec);
	if (r != 0)
		return r < 0 ? 0 : r;
	if (geteuid() != 0) {
		log_error("must run as root (it creates namespaces, mounts /proc and drops to --user)");
		return RUN_EXIT_FAILURE;
	}
	if (supervise(&spec, &result) < 0)
		return RUN_EXIT_FAILURE;
	if (spec.stats_path && (r = run_result_write_json(&result, spec.stats_path)) < 0)
		log_error("--stats %s: %s", spec.stats_path, strerror(-r));
	if (result.timed_out)
		log_error("timed out after %g s; every process of the action was killed", spec.timeout);
	return result.exit_code;
}
