/* `casroot put`: store a directory tree in the CAS and print its root digest. */
#include "commands.h"
#include "options.h"

#include <casroot/ingest.h>
#include <casroot/log.h>
#include <casroot/util.h>

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static const char put_usage[] = "Usage: casroot put [OPTIONS] PATH\n"
				"Stores the directory tree at PATH in the CAS and prints the digest (HASH/SIZE)\n"
				"of its root Directory. Symlinks are stored as symlinks; sockets, FIFOs and\n"
				"devices are skipped with a warning.\n\n" STORE_OPTIONS_HELP
				"  --capture-mtime        record each entry's mtime in node_properties\n"
				"  --capture-unix-mode    record each file's and directory's mode in node_properties\n"
				"  --help, --version\n";

enum { OPT_CAPTURE_MTIME = OPT_FIRST_PRIVATE, OPT_CAPTURE_UNIX_MODE };

struct progress {
	bool enabled;
	struct timespec last;
};

static void show_skip(void *ctx, const char *path, const char *why)
{
	(void)ctx;
	log_warn("%s: %s", path, why);
}

static void show_progress(void *ctx, const struct ingest_stats *st)
{
	struct progress *p = ctx;
	struct timespec now;

	if (!p->enabled)
		return;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if ((now.tv_sec - p->last.tv_sec) * 1000 + (now.tv_nsec - p->last.tv_nsec) / 1000000 < 200)
		return;
	p->last = now;
	fprintf(stderr, "\r%llu files, %.1f MiB ", (unsigned long long)st->files, st->bytes / 1048576.0);
}

int cmd_put(int argc, char **argv)
{
	static const struct option longopts[] = {
		STORE_LONG_OPTIONS,
		{ "capture-mtime", no_argument, NULL, OPT_CAPTURE_MTIME },
		{ "capture-unix-mode", no_argument, NULL, OPT_CAPTURE_UNIX_MODE },
		{ 0 },
	};
	struct store_options so;
	struct progress progress = { .enabled = isatty(STDERR_FILENO) };
	struct ingest_options io = { .ctx = &progress, .on_skip = show_skip, .on_progress = show_progress };
	struct ingest_stats stats = { 0 };
	_cleanup_(store_closep) struct store *store = NULL;
	struct digest root;
	struct reason why;
	char text[DIGEST_STR_MAX];
	int opt, r;

	store_options_init(&so);
	while ((opt = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		if (opt == OPT_CAPTURE_MTIME)
			io.capture_mtime = true;
		else if (opt == OPT_CAPTURE_UNIX_MODE)
			io.capture_unix_mode = true;
		else if ((r = store_options_handle(&so, opt, optarg, put_usage)) <= 0)
			return r == 0 ? option_error("put", argv) : EXIT_USAGE;
		else if (r == 2)
			return EXIT_OK;
	}
	if (argc - optind != 1)
		return usage_error("put: expected exactly one PATH");
	io.fn = store_options_fn(&so);
	if (store_options_open(&so, true, &store) < 0)
		return EXIT_DATA;
	r = ingest_tree(store, AT_FDCWD, argv[optind], &io, &stats, &root, &why);
	if (progress.enabled && stats.files > 0)
		fputs("\r\033[K", stderr);
	if (r < 0) {
		log_error("put %s", why.text);
		return EXIT_DATA;
	}
	printf("%s\n", digest_format(&root, text));
	return EXIT_OK;
}
