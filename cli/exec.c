/* `casroot exec`: one action end to end. In a private mount namespace (so
 * no mount can outlive casroot exec's processes) it mounts the input root
 * with casrootfs, creates the outputs' parent directories, runs the command
 * with casroot-run, captures the outputs, stores an ActionResult, and
 * removes everything temporary. A guardian process cleans up if casroot exec
 * itself is killed; its children die with it. */
#include "action.h"
#include "capture.h"
#include "commands.h"
#include "options.h"
#include "plan.h"
#include "result.h"
#include "spawn.h"

#include <casroot/directory.h>
#include <casroot/log.h>
#include <casroot/util.h>

#include <fcntl.h>
#include <json-c/json.h>
#include <limits.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

/* Exit statuses of casroot exec besides the action's own. */
enum {
	EXIT_EXEC_INPUT = 120,	 /* bad or missing Action, Command or input root */
	EXIT_EXEC_MOUNT = 121,	 /* the root could not be mounted, or casrootfs died */
	EXIT_EXEC_CAPTURE = 122, /* outputs could not be captured or stored */
	EXIT_EXEC_RUNNER = 125,	 /* casroot-run failed (its own status) */
};

static const char exec_usage[] =
	"Usage: casroot exec [OPTIONS] --action DIGEST\n"
	"       casroot exec [OPTIONS] --root DIGEST [--cwd DIR] [--output PATH]... [--env NAME=VALUE]... -- ARGV...\n"
	"Runs one action from the CAS in its own root and stores its ActionResult. With --root,\n"
	"the Command and Action are stored first (as `casroot action` does).\n\n" STORE_OPTIONS_HELP
	"  --action DIGEST        an Action blob (its Command and input root come with it)\n" ACTION_OPTIONS_HELP
	"  --json FILE            write a summary: exit code, digests of the result and outputs, stats\n"
	"  --keep-upper DIR       keep the files the action wrote in DIR (the mount's file pool)\n"
	"  --user UID:GID, --net none|host, --proc MODE, --sys MODE, --kill-delay S, --via-env\n"
	"                         passed to casroot-run\n"
	"  --help, --version\n\n"
	"Exit status: the action's (124 timed out, 126/127 not runnable/not found, 128+N signal N);\n"
	"120 bad or missing Action, Command or root; 121 mount failed or casrootfs died; 122 output\n"
	"capture failed; 125 casroot-run failed; 2 usage error.\n";

enum {
	OPT_ACTION = OPT_ACTION_LAST,
	OPT_JSON,
	OPT_KEEP_UPPER,
	OPT_USER,
	OPT_NET,
	OPT_PROC,
	OPT_SYS,
	OPT_KILL_DELAY,
	OPT_VIA_ENV,
};

struct exec_options {
	struct store_options so;
	struct action_args args; /* with --root */
	const char *action, *json, *keep_upper;
	char **runner_args;
	size_t n_runner_args;
	uid_t uid;
	gid_t gid;
	char **argv;
};

struct exec_run {
	struct exec_options *o;
	struct store *store;
	enum digest_fn fn;
	struct exec_plan plan;
	char workdir[PATH_MAX - 64];
	char mnt[PATH_MAX], pool[PATH_MAX], out_path[PATH_MAX], err_path[PATH_MAX], stats_path[PATH_MAX];
	struct guard guard;
	pid_t daemon;
	int sigfd;
	struct exec_result result;
};

static int pass_to_runner(struct exec_options *o, const char *flag, const char *arg)
{
	if (strv_push(&o->runner_args, &o->n_runner_args, flag) < 0 ||
	    (arg && strv_push(&o->runner_args, &o->n_runner_args, arg) < 0))
		return -ENOMEM;
	return 0;
}

static int handle_option(struct exec_options *o, int opt, const char *arg)
{
	switch (opt) {
	case OPT_ACTION: o->action = arg; return 0;
	case OPT_JSON: o->json = arg; return 0;
	case OPT_KEEP_UPPER: o->keep_upper = arg; return 0;
	case OPT_USER:
		if (parse_ids(arg, &o->uid, &o->gid) < 0)
			return usage_error("--user %s: expected UID:GID", arg), -EINVAL;
		return pass_to_runner(o, "--user", arg);
	case OPT_NET: return pass_to_runner(o, "--net", arg);
	case OPT_PROC: return pass_to_runner(o, "--proc", arg);
	case OPT_SYS: return pass_to_runner(o, "--sys", arg);
	case OPT_KILL_DELAY: return pass_to_runner(o, "--kill-delay", arg);
	case OPT_VIA_ENV: return pass_to_runner(o, "--via-env", NULL);
	default: return -EINVAL;
	}
}

/* 0 to go on, or the exit status (-1: exit 0 after --help). */
static int parse_exec_args(int argc, char **argv, struct exec_options *o)
{
	static const struct option longopts[] = {
		STORE_LONG_OPTIONS,
		ACTION_LONG_OPTIONS,
		{ "action", required_argument, NULL, OPT_ACTION },
		{ "json", required_argument, NULL, OPT_JSON },
		{ "keep-upper", required_argument, NULL, OPT_KEEP_UPPER },
		{ "user", required_argument, NULL, OPT_USER },
		{ "net", required_argument, NULL, OPT_NET },
		{ "proc", required_argument, NULL, OPT_PROC },
		{ "sys", required_argument, NULL, OPT_SYS },
		{ "kill-delay", required_argument, NULL, OPT_KILL_DELAY },
		{ "via-env", no_argument, NULL, OPT_VIA_ENV },
		{ 0 },
	};
	int opt, r;

	store_options_init(&o->so);
	o->uid = o->gid = 65534;
	while ((opt = getopt_long(argc, argv, "+", longopts, NULL)) != -1) {
		r = store_options_handle(&o->so, opt, optarg, exec_usage);
		if (r == 2)
			return -1;
		if (r == 0)
			r = action_args_handle(&o->args, opt, optarg);
		if (r < 0)
			return EXIT_USAGE;
		if (r == 0 && (opt == '?' || opt == ':'))
			return option_error("exec", argv);
		if (r == 0 && handle_option(o, opt, optarg) < 0)
			return EXIT_USAGE;
	}
	if (!o->action == !o->args.root)
		return usage_error("exec: give either --action DIGEST or --root DIGEST -- ARGV");
	if (o->action && (optind < argc || o->args.cwd || o->args.outputs || o->args.env || o->args.timeout))
		return usage_error(
			"exec: --action takes its command, --cwd, --output, --env and --timeout from the Action");
	o->argv = &argv[optind];
	return 0;
}

/* With --root: the Action the command line describes, stored first. */
static int action_from_args(struct exec_run *x, struct digest *ret, struct reason *why)
{
	struct action_spec spec;

	if (action_args_spec(&x->o->args, x->o->so.fn, x->o->argv, &spec, why) < 0)
		return -EINVAL;
	return action_store(x->store, &spec, ret, why);
}

/* Loads the plan and checks the input root before anything is mounted. */
static int prepare_plan(struct exec_run *x)
{
	_cleanup_(directory_freep) Reapi__Directory *root = NULL;
	struct reason why = { "" };
	char text[DIGEST_STR_MAX];
	struct digest action;
	int r;

	if (x->o->action && digest_parse(x->o->action, x->o->so.fn, &action, &why) < 0) {
		log_error("--action %s: %s", x->o->action, why.text);
		return EXIT_USAGE;
	}
	if (!x->o->action && action_from_args(x, &action, &why) < 0) {
		log_error("exec: %s", why.text);
		return EXIT_USAGE;
	}
	r = plan_from_action(x->store, &action, &x->plan, &why);
	if (r < 0) {
		log_error("%s", why.text[0] ? why.text : strerror(-r));
		return EXIT_EXEC_INPUT;
	}
	x->fn = x->plan.root.fn;
	if (directory_load(x->store, &x->plan.root, &root, &why) < 0) {
		log_error("input root Directory %s (/): %s", digest_format(&x->plan.root, text), why.text);
		return EXIT_EXEC_INPUT;
	}
	return 0;
}

static struct timespec now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return ts;
}

/* A private mount namespace and a private working directory. */
static int enter_private_space(struct exec_run *x)
{
	const char *tmp = getenv("TMPDIR");

	if (geteuid() != 0) {
		log_error("exec must run as root (it mounts the root and creates namespaces)");
		return EXIT_EXEC_MOUNT;
	}
	if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0) {
		log_error("private mount namespace: %s", strerror(errno));
		return EXIT_EXEC_MOUNT;
	}
	snprintf(x->workdir, sizeof(x->workdir), "%s/casroot-exec-XXXXXX", tmp && tmp[0] ? tmp : "/tmp");
	if (!mkdtemp(x->workdir)) {
		log_error("temporary directory %s: %s", x->workdir, strerror(errno));
		return EXIT_EXEC_MOUNT;
	}
	snprintf(x->mnt, sizeof(x->mnt), "%s/root", x->workdir);
	snprintf(x->pool, sizeof(x->pool), "%s/pool", x->workdir);
	snprintf(x->out_path, sizeof(x->out_path), "%s/stdout", x->workdir);
	snprintf(x->err_path, sizeof(x->err_path), "%s/stderr", x->workdir);
	snprintf(x->stats_path, sizeof(x->stats_path), "%s/runner.json", x->workdir);
	if (mkdir(x->mnt, 0755) < 0 || mkdir(x->pool, 0700) < 0 || guard_start(x->workdir, x->mnt, &x->guard) < 0) {
		log_error("prepare %s: %s", x->mnt, strerror(errno));
		return EXIT_EXEC_MOUNT;
	}
	return 0;
}

static int mount_root(struct exec_run *x)
{
	char prog[PATH_MAX], root[DIGEST_STR_MAX], fd_text[16], ready;
	char *argv[16];
	size_t n = 0;
	int p[2], r;

	sibling_program("casrootfs", prog, sizeof(prog));
	if (pipe2(p, O_CLOEXEC) < 0)
		return log_error("pipe: %s", strerror(errno)), EXIT_EXEC_MOUNT;
	snprintf(fd_text, sizeof(fd_text), "%d", p[1]);
	argv[n++] = prog;
	argv[n++] = "-f";
	argv[n++] = "--cas";
	argv[n++] = (char *)store_path(x->store);
	argv[n++] = "--layout";
	argv[n++] = (char *)store_layout_name(store_layout(x->store));
	argv[n++] = "--root";
	argv[n++] = digest_format(&x->plan.root, root);
	argv[n++] = "--ready-fd";
	argv[n++] = fd_text;
	/* The pool lives in the working directory, so that it goes with it
	 * even when casrootfs is killed. */
	argv[n++] = "--upper";
	argv[n++] = x->o->keep_upper ? (char *)x->o->keep_upper : x->pool;
	argv[n++] = x->mnt;
	argv[n] = NULL;
	/* Should casroot exec die, the daemon is killed outright: its mount
	 * lives only in this private namespace, its pool in the working
	 * directory the guardian removes, and a killed daemon fails pending
	 * requests at once instead of waiting for writeback. */
	if ((r = spawn_program(argv, SIGKILL, p[1], &x->daemon)) < 0)
		return log_error("start %s: %s", prog, strerror(-r)), EXIT_EXEC_MOUNT;
	guard_watch(&x->guard, x->daemon);
	close(p[1]);
	if (read(p[0], &ready, 1) != 1) {
		close(p[0]);
		waitpid(x->daemon, NULL, 0);
		x->daemon = 0;
		log_error("mount input root %s: casrootfs failed (see above)", root);
		return EXIT_EXEC_MOUNT;
	}
	close(p[0]);
	return 0;
}

/* mkdir -p of rel below dir_fd; new directories belong to the action's user. */
static int make_dirs(int dir_fd, const char *rel, uid_t uid, gid_t gid)
{
	char path[PATH_MAX];

	if (strlen(rel) >= sizeof(path))
		return -ENAMETOOLONG;
	strcpy(path, rel);
	for (char *p = path; *p;) {
		char *slash = strchr(p, '/');
		if (slash)
			*slash = '\0';
		if (mkdirat(dir_fd, path, 0755) == 0) {
			if (fchownat(dir_fd, path, uid, gid, 0) < 0)
				return -errno;
		} else if (errno != EEXIST) {
			return -errno;
		}
		if (!slash)
			break;
		*slash = '/';
		p = slash + 1;
	}
	return 0;
}

/* The working directory and every output's parent directory. */
static int create_output_parents(struct exec_run *x)
{
	_cleanup_close_ int root_fd = open(x->mnt, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	char rel[PATH_MAX];
	int r;

	if (root_fd < 0)
		return -errno;
	if ((r = make_dirs(root_fd, x->plan.cwd, x->o->uid, x->o->gid)) < 0)
		return r;
	for (char **o = x->plan.outputs; *o; o++) {
		const char *slash = strrchr(*o, '/');
		if (!slash)
			continue;
		snprintf(rel, sizeof(rel), "%s%s%.*s", x->plan.cwd, x->plan.cwd[0] ? "/" : "", (int)(slash - *o), *o);
		if ((r = make_dirs(root_fd, rel, x->o->uid, x->o->gid)) < 0)
			return r;
	}
	return 0;
}

static char **runner_argv(struct exec_run *x, char *prog, char *timeout)
{
	size_t n = 0, cap = 16 + 2 * (x->o->n_runner_args + 1);
	char **argv;

	for (char **v = x->plan.env; *v; v++)
		cap += 2;
	for (char **v = x->plan.argv; *v; v++)
		cap++;
	if (!(argv = calloc(cap, sizeof(char *))))
		return NULL;
	argv[n++] = prog;
	argv[n++] = "--root";
	argv[n++] = x->mnt;
	argv[n++] = "--cwd";
	argv[n++] = x->plan.cwd;
	argv[n++] = "--stdout";
	argv[n++] = x->out_path;
	argv[n++] = "--stderr";
	argv[n++] = x->err_path;
	argv[n++] = "--stats";
	argv[n++] = x->stats_path;
	if (x->plan.timeout > 0) {
		snprintf(timeout, 32, "%.3f", x->plan.timeout);
		argv[n++] = "--timeout";
		argv[n++] = timeout;
	}
	for (size_t i = 0; i < x->o->n_runner_args; i++)
		argv[n++] = x->o->runner_args[i];
	for (char **v = x->plan.env; *v; v++) {
		argv[n++] = "--env";
		argv[n++] = *v;
	}
	argv[n++] = "--";
	for (char **v = x->plan.argv; *v; v++)
		argv[n++] = *v;
	return argv;
}

static int pidfd_of(pid_t pid)
{
	return (int)syscall(SYS_pidfd_open, pid, 0);
}

/* Waits for the runner while watching the daemon and our own signals.
 * Returns the runner's wait status, or -1 when the daemon died first. */
static int wait_for_runner(struct exec_run *x, pid_t runner, bool *ret_interrupted)
{
	struct pollfd p[3] = { { .fd = pidfd_of(runner), .events = POLLIN },
			       { .fd = pidfd_of(x->daemon), .events = POLLIN },
			       { .fd = x->sigfd, .events = POLLIN } };
	struct signalfd_siginfo si;
	int status = -1;

	if (p[0].fd < 0 || p[1].fd < 0) {
		/* Without pidfds nothing can be watched: just wait for the action. */
		log_warn("pidfd_open: %s; the daemon and signals are not watched during the action", strerror(errno));
		p[0].fd = -1;
	}
	for (; p[0].fd >= 0;) {
		if (poll(p, 3, -1) < 0 && errno != EINTR)
			break;
		if (p[0].revents & POLLIN)
			break;
		if (p[1].revents & POLLIN) {
			log_error("casrootfs serving the root died during the action; ending the action");
			kill(runner, SIGTERM);
			waitpid(runner, NULL, 0);
			goto out;
		}
		if ((p[2].revents & POLLIN) && read(x->sigfd, &si, sizeof(si)) == sizeof(si)) {
			*ret_interrupted = true;
			kill(runner, SIGTERM);
		}
	}
	waitpid(runner, &status, 0);
out:
	for (int i = 0; i < 2; i++)
		if (p[i].fd >= 0)
			close(p[i].fd);
	return status;
}

/* Runs the action; the runner's exit code, or one of ours. */
static int run_action(struct exec_run *x, bool *ret_interrupted)
{
	char prog[PATH_MAX], timeout[32];
	_cleanup_free_ char **argv = NULL;
	pid_t runner;
	int status, r;

	sibling_program("casroot-run", prog, sizeof(prog));
	if (!(argv = runner_argv(x, prog, timeout))) {
		log_error("start %s: %s", prog, strerror(ENOMEM));
		return EXIT_EXEC_RUNNER;
	}
	if ((r = spawn_program(argv, SIGKILL, -1, &runner)) < 0) {
		log_error("start %s: %s", prog, strerror(-r));
		return EXIT_EXEC_RUNNER;
	}
	guard_watch(&x->guard, runner);
	status = wait_for_runner(x, runner, ret_interrupted);
	if (status == -1)
		return EXIT_EXEC_MOUNT;
	return WIFSIGNALED(status) ? 128 + WTERMSIG(status) : WEXITSTATUS(status);
}

static int store_file(struct exec_run *x, const char *path, struct digest *ret)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	return store_put_fd(x->store, x->fn, fd, ret);
}

static void pass_through(const char *path, int to_fd)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
	char buf[65536];
	ssize_t n;

	while (fd >= 0 && (n = read(fd, buf, sizeof(buf))) > 0)
		if (write_all(to_fd, buf, n) < 0)
			return;
}

static bool runner_timed_out(const char *stats_path)
{
	json_object *stats = json_object_from_file(stats_path), *v;
	bool timed_out = stats && json_object_object_get_ex(stats, "timed_out", &v) && json_object_get_boolean(v);

	json_object_put(stats);
	return timed_out;
}

/* Outputs, stdout and stderr into the CAS, then the ActionResult. */
static int record_result(struct exec_run *x)
{
	struct exec_result *r = &x->result;
	_cleanup_close_ int cwd_fd = -1;
	struct reason why = { "" };
	char path[PATH_MAX * 2];
	int ret;

	r->times.upload_start = now();
	snprintf(path, sizeof(path), "%s/%s", x->mnt, x->plan.cwd);
	if ((cwd_fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0 ||
	    (ret = capture_outputs(x->store, x->fn, cwd_fd, x->plan.outputs, &r->outputs, &why)) < 0) {
		log_error("capture outputs: %s", cwd_fd < 0    ? strerror(errno)
						 : why.text[0] ? why.text
							       : strerror(-ret));
		return EXIT_EXEC_CAPTURE;
	}
	if ((ret = store_file(x, x->out_path, &r->stdout_digest)) < 0 ||
	    (ret = store_file(x, x->err_path, &r->stderr_digest)) < 0) {
		log_error("store stdout and stderr: %s", strerror(-ret));
		return EXIT_EXEC_CAPTURE;
	}
	r->times.upload_done = now();
	ret = result_store(x->store, x->fn, r->exit_code == 0 ? &x->plan.action : NULL, r);
	if (ret < 0) {
		log_error("store ActionResult: %s", strerror(-ret));
		return EXIT_EXEC_CAPTURE;
	}
	if (x->o->json && (ret = result_write_json(r, x->o->json)) < 0)
		log_error("--json %s: %s", x->o->json, strerror(-ret));
	return 0;
}

static void stop_daemon(struct exec_run *x)
{
	int fd;
	struct pollfd p;

	if (x->daemon <= 0)
		return;
	fd = pidfd_of(x->daemon);
	p = (struct pollfd){ .fd = fd, .events = POLLIN };
	kill(x->daemon, SIGTERM); /* casrootfs unmounts and exits */
	if (fd >= 0 && poll(&p, 1, 5000) == 0)
		kill(x->daemon, SIGKILL);
	waitpid(x->daemon, NULL, 0);
	if (fd >= 0)
		close(fd);
	x->daemon = 0;
}

static void clean_up(struct exec_run *x)
{
	char *argv[] = { "rm", "-rf", "--one-file-system", "--", x->workdir, NULL };
	pid_t pid;

	stop_daemon(x);
	if (!x->workdir[0])
		return;
	umount2(x->mnt, MNT_DETACH);
	if (spawn_program(argv, SIGKILL, -1, &pid) == 0)
		waitpid(pid, NULL, 0);
	guard_release(&x->guard);
}

static int execute(struct exec_run *x)
{
	bool interrupted = false;
	int r;

	x->result.times.worker_start = x->result.times.fetch_start = now();
	if ((r = enter_private_space(x)) != 0 || (r = mount_root(x)) != 0)
		return r;
	x->result.times.fetch_done = now();
	if ((r = create_output_parents(x)) < 0) {
		log_error("create output directories in the root: %s", strerror(-r));
		return EXIT_EXEC_MOUNT;
	}
	x->result.times.exec_start = now();
	r = run_action(x, &interrupted);
	x->result.times.exec_done = now();
	if (interrupted)
		return 128 + SIGTERM;
	if (r == EXIT_EXEC_MOUNT || r == EXIT_EXEC_RUNNER)
		return r;
	x->result.exit_code = r;
	x->result.timed_out = runner_timed_out(x->stats_path);
	x->result.runner_stats_path = x->stats_path;
	pass_through(x->out_path, STDOUT_FILENO);
	pass_through(x->err_path, STDERR_FILENO);
	return record_result(x) ? EXIT_EXEC_CAPTURE : r;
}

static int block_signals(void)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	if (sigprocmask(SIG_BLOCK, &set, NULL) < 0)
		return -1;
	return signalfd(-1, &set, SFD_CLOEXEC);
}

int cmd_exec(int argc, char **argv)
{
	struct exec_options o = { 0 };
	struct exec_run x = { .o = &o, .sigfd = -1, .guard = { .fd = -1 } };
	int r = parse_exec_args(argc, argv, &o);

	if (r != 0)
		goto out;
	if (store_options_open(&o.so, false, &x.store) < 0) {
		r = EXIT_EXEC_INPUT;
		goto out;
	}
	if ((r = prepare_plan(&x)) != 0)
		goto out;
	if ((x.sigfd = block_signals()) < 0) {
		log_error("signalfd: %s", strerror(errno));
		r = EXIT_EXEC_RUNNER;
		goto out;
	}
	r = execute(&x);
	clean_up(&x);
out:
	captured_free(&x.result.outputs);
	plan_free(&x.plan);
	store_close(x.store);
	action_args_free(&o.args);
	free(o.runner_args);
	return r < 0 ? 0 : r;
}
