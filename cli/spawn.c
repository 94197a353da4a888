/* Child processes of `casroot exec`. Each child asks the kernel for a signal
 * when its parent dies (PR_SET_PDEATHSIG), so a killed casroot exec never
 * leaves a daemon or an action running; the guardian then removes the
 * files. */
#include "spawn.h"

#include <casroot/util.h>

#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <linux/close_range.h>

void sibling_program(const char *name, char *buf, size_t len)
{
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	char *slash;

	if (n > 0) {
		self[n] = '\0';
		slash = strrchr(self, '/');
		if (slash) {
			*slash = '\0';
			snprintf(buf, len, "%s/%s", self, name);
			if (access(buf, X_OK) == 0)
				return;
		}
	}
	snprintf(buf, len, "%s", name);
}

static _Noreturn void exec_child(char *const argv[], int deathsig, pid_t parent, int keep_fd)
{
	sigset_t none;

	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	if (prctl(PR_SET_PDEATHSIG, deathsig) < 0 || getppid() != parent)
		_exit(127);
	if (keep_fd >= 0 && fcntl(keep_fd, F_SETFD, 0) < 0)
		_exit(127);
	execvp(argv[0], argv);
	fprintf(stderr, "casroot: exec %s: %s\n", argv[0], strerror(errno));
	_exit(127);
}

int spawn_program(char *const argv[], int deathsig, int keep_fd, pid_t *ret_pid)
{
	pid_t parent = getpid();
	pid_t pid = fork();

	if (pid < 0)
		return -errno;
	if (pid == 0)
		exec_child(argv, deathsig, parent, keep_fd);
	*ret_pid = pid;
	return 0;
}

static void stop_process(pid_t pid)
{
	int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	struct pollfd p = { .fd = pidfd, .events = POLLIN };

	if (pidfd < 0)
		return;
	kill(pid, SIGTERM);
	if (poll(&p, 1, 1000) == 0)
		kill(pid, SIGKILL);
	poll(&p, 1, 3000);
	close(pidfd);
}

static void remove_tree(const char *path)
{
	pid_t pid = fork();

	if (pid == 0) {
		execlp("rm", "rm", "-rf", "--one-file-system", "--", path, (char *)NULL);
		_exit(127);
	}
	if (pid > 0)
		waitpid(pid, NULL, 0);
}

static _Noreturn void guardian(int fd, const char *workdir, const char *mountpoint)
{
	pid_t watched[8];
	size_t n = 0;
	pid_t pid;

	setsid();
	signal(SIGINT, SIG_IGN);
	signal(SIGTERM, SIG_IGN);
	signal(SIGHUP, SIG_IGN);
	syscall(SYS_close_range, 0, ~0U, CLOSE_RANGE_CLOEXEC);
	while (read_full(fd, &pid, sizeof(pid)) == sizeof(pid)) {
		if (pid == 0)
			_exit(0); /* released: the caller cleaned up */
		if (n < ARRAY_SIZE(watched))
			watched[n++] = pid;
	}
	while (n > 0)
		stop_process(watched[--n]);
	/* Detach every mount stacked on the mount point, then remove the
	 * directory; retried while a dying mount still holds it. */
	for (int tries = 0; tries < 50 && access(workdir, F_OK) == 0; tries++) {
		while (umount2(mountpoint, MNT_DETACH) == 0)
			;
		remove_tree(workdir);
		if (access(workdir, F_OK) == 0)
			usleep(100 * 1000);
	}
	_exit(0);
}

int guard_start(const char *workdir, const char *mountpoint, struct guard *g)
{
	int p[2];
	pid_t pid;

	if (pipe2(p, O_CLOEXEC) < 0)
		return -errno;
	pid = fork();
	if (pid < 0) {
		close(p[0]);
		close(p[1]);
		return -errno;
	}
	if (pid == 0) {
		close(p[1]);
		guardian(p[0], workdir, mountpoint);
	}
	close(p[0]);
	*g = (struct guard){ .fd = p[1], .pid = pid };
	return 0;
}

void guard_watch(struct guard *g, pid_t pid)
{
	(void)write_all(g->fd, &pid, sizeof(pid));
}

void guard_release(struct guard *g)
{
	pid_t done = 0;

	if (g->fd < 0)
		return;
	(void)write_all(g->fd, &done, sizeof(done));
	close(g->fd);
	waitpid(g->pid, NULL, 0);
	g->fd = -1;
}
