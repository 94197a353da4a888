/* The sandbox's pid 1. It holds no descriptor the action could use, never
 * execs, and when the action ends it reports the status and exits, which
 * makes the kernel kill every process still left in the namespace. It dies
 * with casroot-run (PR_SET_PDEATHSIG), taking the namespace with it. */
#include "process.h"
#include "sandbox.h"

#include <casroot/log.h>
#include <casroot/util.h>

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

static void ignore(int sig)
{
	(void)sig;
}

/* pid 1 only receives signals it handles: give the forwarded ones a
 * handler, block them, and read them from a signalfd. */
static int signal_fd(void)
{
	static const int handled[] = { SIGCHLD, SIGTERM, SIGINT, SIGHUP };
	struct sigaction sa = { .sa_handler = ignore };
	sigset_t set;

	sigemptyset(&set);
	for (size_t i = 0; i < ARRAY_SIZE(handled); i++) {
		sigaddset(&set, handled[i]);
		if (handled[i] != SIGCHLD && sigaction(handled[i], &sa, NULL) < 0)
			return -1;
	}
	if (sigprocmask(SIG_BLOCK, &set, NULL) < 0)
		return -1;
	return signalfd(-1, &set, SFD_CLOEXEC);
}

/* Reaps every child; returns when the action has ended. */
static void reap_until_action_ends(int sfd, pid_t action, int status_fd)
{
	struct signalfd_siginfo si;

	for (;;) {
		ssize_t n = read(sfd, &si, sizeof(si));
		if (n < 0 && errno == EINTR)
			continue;
		if (n != sizeof(si))
			_exit(RUN_EXIT_FAILURE);
		if (si.ssi_signo != SIGCHLD) {
			kill(-1, SIGTERM); /* every process of the sandbox but this one */
			continue;
		}
		int status;
		pid_t pid;
		while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
			if (pid == action) {
				(void)write_all(status_fd, &status, sizeof(status));
				return;
			}
		}
	}
}

/* True if casroot-run died before PR_SET_PDEATHSIG was in place (getppid()
 * cannot tell: the parent is outside this pid namespace). */
static bool runner_gone(int lifeline_fd)
{
	struct pollfd p = { .fd = lifeline_fd, .events = POLLIN };

	return poll(&p, 1, 0) != 0;
}

void init_main(const struct spec *s, const struct handoff *h)
{
	int sfd;
	pid_t action;

	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || runner_gone(h->lifeline_fd))
		_exit(RUN_EXIT_FAILURE);
	close(h->lifeline_fd);
	if (prctl(PR_SET_DUMPABLE, 0) < 0 || (sfd = signal_fd()) < 0) {
		log_error("set up the sandbox's init: %s", strerror(errno));
		_exit(RUN_EXIT_FAILURE);
	}
	if (sandbox_enter(s) < 0)
		_exit(RUN_EXIT_FAILURE);
	action = fork();
	if (action < 0) {
		log_error("fork the action: %s", strerror(errno));
		_exit(RUN_EXIT_FAILURE);
	}
	if (action == 0) {
		close(sfd);
		close(h->status_fd);
		action_main(s, h);
	}
	for (int i = 0; i < 3; i++)
		if (h->stdio[i] > 2)
			close(h->stdio[i]);
	reap_until_action_ends(sfd, action, h->status_fd);
	_exit(0);
}
