/* The action's process, from fork to execve. Runs as root until
 * sandbox_drop_privileges(); every step before exec is checked and a failure
 * ends the process with casroot-run's failure status after one line on
 * casroot-run's own stderr. */
#include "process.h"
#include "sandbox.h"

#include <casroot/log.h>

#include <errno.h>
#include <fcntl.h>
#include <linux/close_range.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

extern char **environ;

static _Noreturn void die(const char *step, const char *what)
{
	log_error("%s %s: %s", step, what, strerror(errno));
	_exit(RUN_EXIT_FAILURE);
}

static void install_stdio(const struct handoff *h)
{
	for (int i = 0; i < 3; i++)
		if (h->stdio[i] >= 0 && h->stdio[i] != i && dup2(h->stdio[i], i) < 0)
			die("dup2", "action stdio");
	/* Everything else is closed by execve; the report fd stays usable until then. */
	if (syscall(SYS_close_range, 3, ~0U, CLOSE_RANGE_CLOEXEC) < 0)
		die("close_range", "inherited descriptors");
}

static void reset_signals(void)
{
	sigset_t none;

	for (int sig = 1; sig < NSIG; sig++)
		signal(sig, SIG_DFL); /* fails harmlessly for SIGKILL, SIGSTOP and glibc's own */
	sigemptyset(&none);
	if (sigprocmask(SIG_SETMASK, &none, NULL) < 0)
		die("sigprocmask", "action");
}

static _Noreturn void exec_action(const struct spec *s)
{
	size_t n = 0;

	while (s->argv[n])
		n++;
	char *argv[n + 3];
	char **args = s->argv;
	if (s->via_env) {
		argv[0] = "/usr/bin/env";
		argv[1] = "--";
		memcpy(argv + 2, s->argv, (n + 1) * sizeof(char *));
		args = argv;
	}
	environ = s->env; /* execvp searches the action's own PATH */
	execvp(args[0], args);
	if (errno == ENOENT || errno == ENOTDIR) {
		if (s->via_env)
			log_error("/usr/bin/env: not found in the root (--via-env needs it; casrootfs provides one)");
		else
			log_error("%s: command not found in the root", args[0]);
		_exit(RUN_EXIT_NOT_FOUND);
	}
	log_error("%s: cannot execute: %s", args[0], strerror(errno));
	_exit(RUN_EXIT_CANNOT_RUN);
}

void action_main(const struct spec *s, const struct handoff *h)
{
	char cwd[4096];

	log_to_fd(h->report_fd);
	if (setsid() < 0)
		die("setsid", "action");
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0)
		die("prctl", "PR_SET_PDEATHSIG");
	install_stdio(h);
	snprintf(cwd, sizeof(cwd), "/%s", s->cwd);
	if (chdir(cwd) < 0)
		die("chdir", cwd);
	umask(022);
	reset_signals();
	if (sandbox_drop_privileges(s->uid, s->gid) < 0)
		_exit(RUN_EXIT_FAILURE);
	exec_action(s);
}
