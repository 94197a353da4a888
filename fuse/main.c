/* casrootfs: mounts an input root from a local CAS. main() parses the
 * options, refuses a bad root before mounting, mounts, detaches once the
 * mount is ready (unless -f), serves until unmounted or signalled, and leaves
 * nothing mounted behind. */
#include "fs.h"
#include "ops.h"

#include <casroot/directory.h>
#include <casroot/log.h>
#include <casroot/util.h>

#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

extern const char casroot_env_start[], casroot_env_end[];

enum { EXIT_USAGE = 2 };
#define MAX_ENV_BINARY (64 << 20)

static const char usage[] =
	"Usage: casrootfs [OPTIONS] --root DIGEST MOUNTPOINT\n"
	"Serves the input root DIGEST from a local CAS at MOUNTPOINT, lazily, with\n"
	"/usr/bin/env, /dev and mount points for /proc, /sys and /tmp synthesized.\n\n"
	"  --root DIGEST        the root Directory (HASH/SIZE or HASH-SIZE)\n"
	"  --cas DIR            the CAS (default $CASROOT_CAS, else ~/.cache/casroot)\n"
	"  --layout L           casd, bazel or flat (default: detect)\n"
	"  --upper DIR          the file pool for new and changed files (default: a private\n"
	"                       temporary directory, removed at exit)\n"
	"  --owner UID:GID      owner of every input entry (default 0:0)\n"
	"  --env-binary PATH    serve this file as /usr/bin/env instead of the built-in one\n"
	"  --no-env, --no-dev, --no-mountpoints   turn a group of synthesized entries off\n"
	"  --verify-files       check a file blob's digest the first time it is opened\n"
	"  --stats FILE         write request and blob counters as JSON at unmount\n"
	"  --log FILE           where a background daemon logs (default: syslog)\n"
	"  -f                   stay in the foreground, log to stderr\n"
	"  --ready-fd FD        with -f: write one byte to FD once the mount is ready, then close it\n"
	"  -d                   log every FUSE request (implies -f)\n"
	"  -o OPTS              extra mount options\n"
	"  --help, --version\n"
	"Exit status: 0 after a clean unmount, 1 on failure, 2 on a usage error.\n";

enum {
	OPT_ROOT = 0x100,
	OPT_CAS,
	OPT_LAYOUT,
	OPT_UPPER,
	OPT_OWNER,
	OPT_ENV_BINARY,
	OPT_NO_ENV,
	OPT_NO_DEV,
	OPT_NO_MOUNTPOINTS,
	OPT_VERIFY_FILES,
	OPT_STATS,
	OPT_LOG,
	OPT_READY_FD,
	OPT_HELP,
	OPT_VERSION,
};

static const struct option longopts[] = {
	{ "root", required_argument, NULL, OPT_ROOT },
	{ "cas", required_argument, NULL, OPT_CAS },
	{ "layout", required_argument, NULL, OPT_LAYOUT },
	{ "upper", required_argument, NULL, OPT_UPPER },
	{ "owner", required_argument, NULL, OPT_OWNER },
	{ "env-binary", required_argument, NULL, OPT_ENV_BINARY },
	{ "no-env", no_argument, NULL, OPT_NO_ENV },
	{ "no-dev", no_argument, NULL, OPT_NO_DEV },
	{ "no-mountpoints", no_argument, NULL, OPT_NO_MOUNTPOINTS },
	{ "verify-files", no_argument, NULL, OPT_VERIFY_FILES },
	{ "stats", required_argument, NULL, OPT_STATS },
	{ "log", required_argument, NULL, OPT_LOG },
	{ "ready-fd", required_argument, NULL, OPT_READY_FD },
	{ "help", no_argument, NULL, OPT_HELP },
	{ "version", no_argument, NULL, OPT_VERSION },
	{ 0 },
};

static int usage_error(const char *what, const char *arg)
{
	log_error("%s%s%s (see --help)", what, arg ? ": " : "", arg ? arg : "");
	return EXIT_USAGE;
}

static int parse_fd(const char *text, int *ret)
{
	char *end;
	long fd = strtol(text, &end, 10);

	if (end == text || *end || fd < 3 || fd > INT32_MAX || fcntl((int)fd, F_GETFD) < 0)
		return -EINVAL;
	*ret = (int)fd;
	return 0;
}

/* Makes a path absolute, since the daemon changes to / when it detaches. */
static const char *absolute(const char *path)
{
	char cwd[PATH_MAX], *abs;

	if (!path || path[0] == '/' || !getcwd(cwd, sizeof(cwd)) || asprintf(&abs, "%s/%s", cwd, path) < 0)
		return path;
	return abs;
}

static int handle_option(int opt, const char *arg, struct fs_options *o)
{
	struct reason why;

	switch (opt) {
	case 'f': o->foreground = true; break;
	case 'd': o->debug = o->foreground = true; break;
	case 'o': o->fuse_opts = arg; break;
	case OPT_ROOT:
		if (digest_parse(arg, DIGEST_FN_UNKNOWN, &o->root, &why) < 0) {
			log_error("--root %s: %s", arg, why.text);
			return EXIT_USAGE;
		}
		break;
	case OPT_CAS: o->cas = arg; break;
	case OPT_LAYOUT:
		if (store_layout_from_name(arg, &o->layout) < 0)
			return usage_error("--layout expects casd, bazel or flat", arg);
		break;
	case OPT_UPPER: o->upper = absolute(arg); break;
	case OPT_OWNER:
		if (parse_ids(arg, &o->uid, &o->gid) < 0)
			return usage_error("--owner expects UID:GID", arg);
		break;
	case OPT_ENV_BINARY: o->env_binary = arg; break;
	case OPT_NO_ENV: o->synth_groups &= ~SYNTH_ENV; break;
	case OPT_NO_DEV: o->synth_groups &= ~SYNTH_DEV; break;
	case OPT_NO_MOUNTPOINTS: o->synth_groups &= ~SYNTH_MOUNTPOINTS; break;
	case OPT_VERIFY_FILES: o->verify_files = true; break;
	case OPT_STATS: o->stats_path = absolute(arg); break;
	case OPT_LOG: o->log_path = absolute(arg); break;
	case OPT_READY_FD:
		if (parse_fd(arg, &o->ready_fd) < 0)
			return usage_error("--ready-fd expects an open descriptor number", arg);
		break;
	default: return usage_error("unknown option or missing value", NULL);
	}
	return 0;
}

/* 0 to go on, or an exit status (-1: exit 0 after --help/--version). */
static int parse_args(int argc, char **argv, struct fs_options *o)
{
	int opt, r;

	*o = (struct fs_options){ .layout = STORE_LAYOUT_DETECT, .synth_groups = SYNTH_ALL, .ready_fd = -1 };
	opterr = 0;
	while ((opt = getopt_long(argc, argv, "fdo:", longopts, NULL)) != -1) {
		if (opt == OPT_HELP || opt == OPT_VERSION) {
			if (opt == OPT_HELP)
				fputs(usage, stdout);
			else
				printf("casrootfs %s\n", CASROOT_VERSION);
			return -1;
		}
		if (opt == '?' || opt == ':')
			return usage_error("unknown option or missing value", argv[optind - 1]);
		if ((r = handle_option(opt, optarg, o)) != 0)
			return r;
	}
	if (o->root.fn == DIGEST_FN_UNKNOWN)
		return usage_error("--root DIGEST is required", NULL);
	if (argc - optind != 1)
		return usage_error("expected exactly one MOUNTPOINT", NULL);
	o->mountpoint = argv[optind];
	return 0;
}

static int load_env_binary(struct fs *fs)
{
	_cleanup_close_ int fd = -1;
	struct stat st;
	char *data;

	if (!fs->opts->env_binary) {
		fs->env_data = casroot_env_start;
		fs->env_size = casroot_env_end - casroot_env_start;
		return 0;
	}
	fd = open(fs->opts->env_binary, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) < 0)
		return -errno;
	if (!S_ISREG(st.st_mode) || st.st_size > MAX_ENV_BINARY)
		return -EINVAL;
	data = malloc(st.st_size ? st.st_size : 1);
	if (!data)
		return -ENOMEM;
	ssize_t n = read_full(fd, data, st.st_size);
	if (n != st.st_size) {
		free(data);
		return n < 0 ? (int)n : -EIO; /* short: the file changed under us */
	}
	fs->env_data = data;
	fs->env_size = st.st_size;
	return 0;
}

/* Everything that can fail before mounting. */
static int prepare(struct fs *fs)
{
	char buf[PATH_MAX];
	const char *cas = fs->opts->cas ? fs->opts->cas : store_default_path(buf, sizeof(buf));
	struct stat st;
	int r;

	if (stat(fs->opts->mountpoint, &st) < 0 || !S_ISDIR(st.st_mode)) {
		log_error("mount point %s: %s", fs->opts->mountpoint, errno ? strerror(errno) : "not a directory");
		return -ENOTDIR;
	}
	r = store_open(cas, fs->opts->layout, false, &fs->store);
	if (r < 0) {
		log_error("CAS %s: %s", cas, strerror(-r));
		return r;
	}
	r = pool_open(fs->opts->upper, &fs->pool);
	if (r < 0) {
		log_error("file pool %s: %s", fs->opts->upper ? fs->opts->upper : "(temporary)", strerror(-r));
		return r;
	}
	r = load_env_binary(fs);
	if (r < 0) {
		log_error("--env-binary %s: %s", fs->opts->env_binary, strerror(-r));
		return r;
	}
	return fs_init_root(fs);
}

static int build_fuse_args(const struct fs_options *o, struct fuse_args *args)
{
	char opts[1024];
	bool root = geteuid() == 0;

	if (!root)
		log_warn("not running as root: mounting without allow_other and dev, so only uid %u can use the "
			 "mount and device nodes will not open",
			 (unsigned)geteuid());
	snprintf(opts, sizeof(opts), "fsname=casroot,subtype=casrootfs,default_permissions,nosuid%s%s%s",
		 root ? ",allow_other,dev" : "", o->fuse_opts ? "," : "", o->fuse_opts ? o->fuse_opts : "");
	if (fuse_opt_add_arg(args, "casrootfs") || fuse_opt_add_arg(args, "-o") || fuse_opt_add_arg(args, opts) ||
	    (o->debug && fuse_opt_add_arg(args, "-d")))
		return -ENOMEM;
	return 0;
}

/* The kernel gives a FUSE mount 128 KiB of readahead, whatever max_pages
 * allows; inputs are read sequentially (compilers mapping their binaries,
 * headers, whole blobs), so raise it to what one request can carry. Best
 * effort: sysfs may be read-only in a container. */
static void raise_readahead(const char *mountpoint)
{
	char real[PATH_MAX], line[4096], where[PATH_MAX], dev[32], path[96], kb[16];
	_cleanup_close_ int fd = -1;
	FILE *f;

	if (!realpath(mountpoint, real) || !(f = fopen("/proc/self/mountinfo", "re")))
		return;
	path[0] = '\0'; /* set only by the line of this mount: dev is overwritten by every line */
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%*s %*s %31s %*s %4095s", dev, where) == 2 && strcmp(where, real) == 0)
			snprintf(path, sizeof(path), "/sys/class/bdi/%s/read_ahead_kb", dev);
	fclose(f);
	snprintf(kb, sizeof(kb), "%d", FS_READ_AHEAD_KB);
	if (!path[0] || (fd = open(path, O_WRONLY | O_CLOEXEC)) < 0 || write_all(fd, kb, strlen(kb)) < 0)
		log_debug("readahead of %s stays at the kernel's default", mountpoint);
}

/* Serves requests on up to 16 threads until unmounted or signalled. */
static int serve(struct fuse_session *se)
{
	struct fuse_loop_config *cfg = fuse_loop_cfg_create();
	int r;

	if (!cfg)
		return -ENOMEM;
	fuse_loop_cfg_set_max_threads(cfg, 16);
	fuse_loop_cfg_set_idle_threads(cfg, 4);
	r = fuse_session_loop_mt(se, cfg);
	fuse_loop_cfg_destroy(cfg);
	return r;
}

static int run(struct fs *fs)
{
	struct fuse_args args = FUSE_ARGS_INIT(0, NULL);
	struct fuse_session *se = NULL;
	int r = build_fuse_args(fs->opts, &args);

	if (r == 0 && !(se = fuse_session_new(&args, &fs_ops, sizeof(fs_ops), fs)))
		r = -EINVAL;
	fuse_opt_free_args(&args);
	if (r < 0)
		return r;
	if (fuse_set_signal_handlers(se) != 0 || fuse_session_mount(se, fs->opts->mountpoint) != 0) {
		log_error("mount %s: failed (see the line above)", fs->opts->mountpoint);
		fuse_remove_signal_handlers(se);
		fuse_session_destroy(se);
		return -EIO;
	}
	raise_readahead(fs->opts->mountpoint);
	if (fs->opts->ready_fd >= 0) {
		(void)write_all(fs->opts->ready_fd, "r", 1);
		close(fs->opts->ready_fd);
	}
	if (!fs->opts->foreground) {
		if (fs->opts->log_path && log_to_file(fs->opts->log_path) < 0)
			log_warn("--log %s: %s; logging to syslog", fs->opts->log_path, strerror(errno));
		if (!fs->opts->log_path)
			log_to_syslog();
		fuse_daemonize(0);
	}
	r = serve(se);
	fuse_session_unmount(se);
	fuse_remove_signal_handlers(se);
	fuse_session_destroy(se);
	return r;
}

/* A node's pool file goes with the node. */
static void drop_pool_file(void *ctx, struct node *n)
{
	struct fs *fs = ctx;

	if (n->pool_fd >= 0)
		close(n->pool_fd);
	if (n->pool_id)
		pool_remove(&fs->pool, n->pool_id);
}

int main(int argc, char **argv)
{
	struct fs_options opts;
	struct fs fs = { .opts = &opts, .copied = PTHREAD_COND_INITIALIZER, .pool = { .dir_fd = -1 } };
	int r;

	log_init("casrootfs");
	r = parse_args(argc, argv, &opts);
	if (r != 0)
		return r < 0 ? 0 : r;
	fs.table = (struct inode_table){ .lock = PTHREAD_MUTEX_INITIALIZER,
					 .uid = opts.uid,
					 .gid = opts.gid,
					 .on_free = drop_pool_file,
					 .ctx = &fs };
	r = prepare(&fs);
	if (r == 0)
		r = run(&fs);
	if (r == 0 && opts.stats_path && stats_write(&fs.stats, opts.stats_path) < 0)
		log_error("--stats %s: %s", opts.stats_path, strerror(errno));
	/* With --upper the pool files of live nodes stay for the caller. */
	fs.table.on_free = opts.upper ? NULL : drop_pool_file;
	node_free_tree(&fs.table, fs.table.root);
	pool_close(&fs.pool);
	store_close(fs.store);
	if (opts.env_binary)
		free((void *)fs.env_data);
	return r < 0 ? 1 : 0;
}
