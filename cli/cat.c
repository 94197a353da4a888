/* `casroot cat`: write one blob to stdout, only after its content has been
 * checked against its digest. */
#include "commands.h"
#include "options.h"

#include <casroot/log.h>
#include <casroot/util.h>

#include <stdio.h>
#include <string.h>

static const char cat_usage[] =
	"Usage: casroot cat [OPTIONS] DIGEST\n"
	"Verifies the blob DIGEST and writes it to stdout.\n" STORE_OPTIONS_HELP "  --help, --version\n";

static int copy_to_stdout(int fd)
{
	_cleanup_free_ char *buf = malloc(1 << 20);
	ssize_t n;
	int r;

	if (!buf)
		return -ENOMEM;
	if (lseek(fd, 0, SEEK_SET) < 0)
		return -errno;
	while ((n = read_full(fd, buf, 1 << 20)) > 0) {
		r = write_all(STDOUT_FILENO, buf, n);
		if (r < 0)
			return r;
	}
	return n;
}

int cmd_cat(int argc, char **argv)
{
	static const struct option longopts[] = { STORE_LONG_OPTIONS, { 0 } };
	struct store_options so;
	_cleanup_(store_closep) struct store *store = NULL;
	_cleanup_close_ int fd = -1;
	char text[DIGEST_STR_MAX];
	struct digest d;
	int opt, r;

	store_options_init(&so);
	while ((opt = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		if ((r = store_options_handle(&so, opt, optarg, cat_usage)) <= 0)
			return r == 0 ? option_error("cat", argv) : EXIT_USAGE;
		if (r == 2)
			return EXIT_OK;
	}
	if (argc - optind != 1)
		return usage_error("cat: expected exactly one DIGEST");
	if (parse_digest_arg(&so, argv[optind], &d) < 0)
		return EXIT_USAGE;
	if (store_options_open(&so, false, &store) < 0)
		return EXIT_DATA;
	r = store_open_blob(store, &d, &fd);
	if (r == 0)
		r = store_verify_fd(fd, &d);
	if (r == 0)
		r = copy_to_stdout(fd);
	if (r < 0) {
		log_error("blob %s: %s", digest_format(&d, text), store_error_text(r));
		return EXIT_DATA;
	}
	return EXIT_OK;
}
