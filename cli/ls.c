/* `casroot ls`: list a stored tree like ls, straight from the CAS. */
#include "commands.h"
#include "options.h"

#include <casroot/log.h>
#include <casroot/tree.h>
#include <casroot/util.h>

#include <stdio.h>
#include <string.h>

static const char ls_usage[] =
	"Usage: casroot ls [OPTIONS] [-l] [-R] DIGEST[/PATH]\n"
	"Lists the Directory DIGEST (or the entry PATH below it) from the CAS.\n"
	"  -l                     long form: mode, size, digest, name (-> target)\n"
	"  -R                     recurse; entries are printed with their path\n" STORE_OPTIONS_HELP
	"  --help, --version\n";

struct lister {
	struct store *store;
	bool long_form, recursive;
	bool failed;
};

static void mode_string(const struct tree_node *n, char *buf)
{
	unsigned mode;

	switch (n->kind) {
	case TREE_DIRECTORY: strcpy(buf, "drwxrwxrwx"); return;
	case TREE_SYMLINK: strcpy(buf, "lrwxrwxrwx"); return;
	case TREE_FILE: break;
	}
	mode = n->executable ? 0555 : 0444;
	if (n->props && n->props->unix_mode)
		mode = n->props->unix_mode->value;
	buf[0] = '-';
	for (int i = 0; i < 9; i++)
		buf[1 + i] = (mode & (0400 >> i)) ? "rwxrwxrwx"[i] : '-';
	buf[10] = '\0';
}

static void print_entry(const struct lister *l, const char *path, const struct tree_node *n)
{
	char mode[11], digest[DIGEST_STR_MAX], size[24] = "-";

	if (!l->long_form) {
		printf("%s%s\n", path, n->kind == TREE_DIRECTORY ? "/" : "");
		return;
	}
	mode_string(n, mode);
	if (n->kind == TREE_FILE)
		snprintf(size, sizeof(size), "%lld", (long long)n->digest.size);
	printf("%s %12s %s %s%s%s%s\n", mode, size, n->kind == TREE_SYMLINK ? "-" : digest_format(&n->digest, digest),
	       path, n->kind == TREE_DIRECTORY ? "/" : "", n->kind == TREE_SYMLINK ? " -> " : "",
	       n->kind == TREE_SYMLINK ? n->target : "");
}

static const char *name_at(const Reapi__Directory *d, size_t list, size_t i)
{
	if (list == 0)
		return i < d->n_files ? d->files[i]->name : NULL;
	if (list == 1)
		return i < d->n_directories ? d->directories[i]->name : NULL;
	return i < d->n_symlinks ? d->symlinks[i]->name : NULL;
}

/* The next name in bytewise order across the three sorted lists. */
static const char *next_name(const Reapi__Directory *d, size_t pos[3])
{
	int best = -1;

	for (int list = 0; list < 3; list++) {
		const char *name = name_at(d, list, pos[list]);
		if (name && (best < 0 || strcmp(name, name_at(d, best, pos[best])) < 0))
			best = list;
	}
	return best < 0 ? NULL : name_at(d, best, pos[best]++);
}

static void list_directory(struct lister *l, const struct digest *dd, const char *prefix);

static void list_child(struct lister *l, const Reapi__Directory *d, const struct digest *dd, const char *name,
		       const char *prefix)
{
	char path[PATH_MAX];
	struct tree_node n;

	snprintf(path, sizeof(path), "%s%s%s", prefix, prefix[0] ? "/" : "", name);
	if (tree_child(d, name, dd->fn, &n) < 0)
		return;
	print_entry(l, l->recursive ? path : name, &n);
	if (l->recursive && n.kind == TREE_DIRECTORY)
		list_directory(l, &n.digest, path);
	tree_node_clear(&n);
}

static void list_directory(struct lister *l, const struct digest *dd, const char *prefix)
{
	_cleanup_(directory_freep) Reapi__Directory *d = NULL;
	char text[DIGEST_STR_MAX];
	struct reason why;
	size_t pos[3] = { 0 };
	const char *name;

	if (directory_load(l->store, dd, &d, &why) < 0) {
		log_error("Directory %s (%s): %s", digest_format(dd, text), prefix[0] ? prefix : "/", why.text);
		l->failed = true;
		return;
	}
	while ((name = next_name(d, pos)))
		list_child(l, d, dd, name, prefix);
}

int cmd_ls(int argc, char **argv)
{
	static const struct option longopts[] = { STORE_LONG_OPTIONS, { 0 } };
	struct store_options so;
	struct lister l = { 0 };
	_cleanup_(store_closep) struct store *store = NULL;
	struct tree_node node;
	struct digest root;
	struct reason why;
	const char *path;
	int opt, r;

	store_options_init(&so);
	while ((opt = getopt_long(argc, argv, "lR", longopts, NULL)) != -1) {
		if (opt == 'l')
			l.long_form = true;
		else if (opt == 'R')
			l.recursive = true;
		else if ((r = store_options_handle(&so, opt, optarg, ls_usage)) <= 0)
			return r == 0 ? option_error("ls", argv) : EXIT_USAGE;
		else if (r == 2)
			return EXIT_OK;
	}
	if (argc - optind != 1)
		return usage_error("ls: expected exactly one DIGEST[/PATH]");
	if (digest_parse_prefix(argv[optind], so.fn, &root, &path, &why) < 0) {
		log_error("digest \"%s\": %s", argv[optind], why.text);
		return EXIT_USAGE;
	}
	if (store_options_open(&so, false, &store) < 0)
		return EXIT_DATA;
	if (tree_resolve(store, &root, path, &node, &why) < 0) {
		log_error("ls %s: %s", argv[optind], why.text);
		return EXIT_DATA;
	}
	l.store = store;
	if (node.kind == TREE_DIRECTORY)
		list_directory(&l, &node.digest, "");
	else
		print_entry(&l, strrchr(argv[optind], '/') + 1, &node);
	tree_node_clear(&node);
	return l.failed ? EXIT_DATA : EXIT_OK;
}
