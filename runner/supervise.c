/* The supervising side of casroot-run. It stays in the host namespaces, so
 * it opens the action's files with the caller's view of the filesystem, then
 * clones the sandbox's pid 1 into new namespaces and waits on a pidfd, with
 * the timeout and the forwarded signals in the same poll. */
#include "process.h"
#include "supervise.h"

#include <casroot/log.h>
#include <casroot/util.h>

#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int open_stdio(const struct spec *s, int fds[3])
{
	const char *paths[3] = { s->stdin_path ? s->stdin_path : "/dev/null", s->stdout_path, s->stderr_path };
	static const int flags[3] = { O_RDONLY, O_WRONLY | O_CREAT | O_TRUNC, O_WRONLY | O_CREAT | O_TRUNC };
	static const char *const names[3] = { "--stdin", "--stdout", "--stderr" };

	for (int i = 0; i < 3; i++) {
		fds[i] = -1;
		if (!paths[i])
			continue;
		fds[i] = open(paths[i], flags[i] | O_CLOEXEC | O_NOCTTY, 0644);
		if (fds[i] < 0) {
			log_error("%s %s: %s", names[i], paths[i], strerror(errno));
			return -errno;
		}
		/* The action inherits it across fork; execve closes the original. */
	}
	return 0;
}

static int forwarded_signals(sigset_t *set)
{
	sigemptyset(set);
	sigaddset(set, SIGINT);
	sigaddset(set, SIGTERM);
	sigaddset(set, SIGHUP);
	if (sigprocmask(SIG_BLOCK, set, NULL) < 0)
		return -errno;
	return signalfd(-1, set, SFD_CLOEXEC);
}

static pid_t clone_sandbox(const struct spec *s)
{
	unsigned long flags = CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWIPC | CLONE_NEWUTS | SIGCHLD;

	if (!s->net_host)
		flags |= CLONE_NEWNET;
	/* fork-like clone: the child continues here with its own copy of the stack. */
	return (pid_t)syscall(SYS_clone, flags, NULL, NULL, NULL, NULL);
}

struct watch {
	int pidfd, sigfd;
	pid_t pid;
	double deadline;      /* SIGTERM at this time (0: none) */
	double kill_deadline; /* SIGKILL at this time (0: not yet asked to stop) */
};

static void ask_to_stop(struct watch *w, const struct spec *s)
{
	kill(w->pid, SIGTERM);
	if (!w->kill_deadline)
		w->kill_deadline = now() + s->kill_delay;
}

/* Waits until pid 1 ends, enforcing the timeout; true if it timed out. */
static bool watch_sandbox(struct watch *w, const struct spec *s)
{
	struct pollfd p[2] = { { .fd = w->pidfd, .events = POLLIN }, { .fd = w->sigfd, .events = POLLIN } };
	bool timed_out = false;

	for (;;) {
		double next = w->kill_deadline ? w->kill_deadline : w->deadline;
		int wait_ms = next ? (int)((next - now()) * 1000) + 1 : -1;
		if (next && wait_ms < 0)
			wait_ms = 0;
		int n = poll(p, 2, wait_ms);
		if (n < 0 && errno != EINTR)
			break;
		if (n > 0 && (p[0].revents & POLLIN))
			break;
		if (n > 0 && (p[1].revents & POLLIN)) {
			struct signalfd_siginfo si;
			if (read(w->sigfd, &si, sizeof(si)) == sizeof(si))
				ask_to_stop(w, s);
			continue;
		}
		if (w->kill_deadline && now() >= w->kill_deadline) {
			kill(w->pid, SIGKILL); /* pid 1 gone: the kernel kills the whole namespace */
			w->kill_deadline = 0;
			w->deadline = 0;
		} else if (w->deadline && now() >= w->deadline && !w->kill_deadline) {
			timed_out = true;
			w->deadline = 0;
			ask_to_stop(w, s);
		}
	}
	return timed_out;
}

static int exit_code_of(const struct run_result *r, int init_status)
{
	if (r->timed_out)
		return RUN_EXIT_TIMEOUT;
	if (!r->started)
		return WIFEXITED(init_status) && WEXITSTATUS(init_status) ? WEXITSTATUS(init_status) : RUN_EXIT_FAILURE;
	if (WIFSIGNALED(r->wait_status))
		return 128 + WTERMSIG(r->wait_status);
	return WEXITSTATUS(r->wait_status);
}

/* After pid 1 ended: reap it, read the action's status it sent. */
static void collect(struct watch *w, int status_fd, struct run_result *r)
{
	int init_status = 0;

	while (wait4(w->pid, &init_status, 0, &r->usage) < 0 && errno == EINTR)
		;
	r->started = read(status_fd, &r->wait_status, sizeof(r->wait_status)) == sizeof(r->wait_status);
	r->exit_code = exit_code_of(r, init_status);
}

int supervise(const struct spec *s, struct run_result *r)
{
	struct handoff h = { 0 };
	struct watch w = { .pidfd = -1, .sigfd = -1 };
	int status_pipe[2], lifeline[2];
	sigset_t set;
	double start = now();

	*r = (struct run_result){ 0 };
	if (open_stdio(s, h.stdio) < 0)
		return -EINVAL;
	if ((h.report_fd = fcntl(STDERR_FILENO, F_DUPFD_CLOEXEC, 3)) < 0 || pipe2(status_pipe, O_CLOEXEC) < 0 ||
	    pipe2(lifeline, O_CLOEXEC) < 0 || (w.sigfd = forwarded_signals(&set)) < 0) {
		log_error("set up descriptors: %s", strerror(errno));
		return -errno;
	}
	h.status_fd = status_pipe[1];
	h.lifeline_fd = lifeline[0];
	w.pid = clone_sandbox(s);
	if (w.pid < 0) {
		log_error("create namespaces (clone): %s", strerror(errno));
		return -errno;
	}
	if (w.pid == 0) {
		close(status_pipe[0]);
		close(lifeline[1]);
		init_main(s, &h);
	}
	close(status_pipe[1]);
	close(lifeline[0]); /* lifeline[1] stays open until casroot-run exits */
	w.pidfd = (int)syscall(SYS_pidfd_open, w.pid, 0);
	if (w.pidfd < 0) {
		log_error("pidfd_open: %s", strerror(errno));
		kill(w.pid, SIGKILL);
	}
	w.deadline = s->timeout > 0 ? start + s->timeout : 0;
	r->timed_out = w.pidfd >= 0 && watch_sandbox(&w, s);
	collect(&w, status_pipe[0], r);
	r->wall_seconds = now() - start;
	return 0;
}
