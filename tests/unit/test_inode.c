/* Unit tests for fuse/inode.c: entries, hard links, moves, exchanges, lookup
 * counting, freeing of unlinked nodes and folding of unchanged directories. */
#include "unit.h"

#include "inode.h"

#include <casroot/util.h>

static int freed;

static void count_free(void *ctx, struct node *n)
{
	(void)ctx;
	(void)n;
	freed++;
}

static struct inode_table table = { .on_free = count_free };

static struct node *mk(const char *name, enum node_kind kind)
{
	struct node *n = node_new(name, kind, 0755, 0, 0);
	assert_non_null(n);
	return n;
}

static struct node *mkroot(void)
{
	struct node *root = mk("", NODE_DIR);
	root->expanded = true;
	root->nlink = 1;
	table.root = root;
	freed = 0;
	return root;
}

static void entries_stay_sorted(void **state)
{
	struct node *root = mkroot();
	const char *names[] = { "b", "a", "c", "B", "aa" };

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		assert_int_equal(node_link(root, names[i], mk(names[i], NODE_FILE)), 0);
	assert_int_equal(root->n_entries, 5);
	for (size_t i = 1; i < root->n_entries; i++)
		assert_true(strcmp(root->entries[i - 1].name, root->entries[i].name) < 0);
	assert_non_null(node_child(root, "aa"));
	assert_null(node_child(root, "zz"));
	struct node *dup = mk("a", NODE_FILE);
	assert_int_equal(node_link(root, "a", dup), -EEXIST);
	node_free_tree(&table, dup);
	node_free_tree(&table, root);
}

static void hard_links_count_and_free_last(void **state)
{
	struct node *root = mkroot(), *dir = mk("d", NODE_DIR), *f = mk("f", NODE_FILE);
	char path[64];

	(void)state;
	dir->expanded = true;
	assert_int_equal(node_link(root, "d", dir), 0);
	assert_int_equal(node_link(dir, "f", f), 0);
	assert_int_equal(node_link(root, "g", f), 0);
	assert_int_equal(f->nlink, 2);
	node_path(f, path, sizeof(path));
	assert_string_equal(path, "/d/f");
	node_unlink(&table, dir, "f");
	assert_int_equal(f->nlink, 1);
	assert_int_equal(freed, 0);
	node_ref(f); /* the kernel still knows it */
	node_unlink(&table, root, "g");
	assert_int_equal(freed, 0);
	node_forget(&table, f, 1);
	assert_int_equal(freed, 1);
	node_free_tree(&table, root);
}

static void open_files_outlive_unlink(void **state)
{
	struct node *root = mkroot(), *f = mk("f", NODE_FILE);

	(void)state;
	assert_int_equal(node_link(root, "f", f), 0);
	f->n_open = 1;
	node_unlink(&table, root, "f");
	assert_int_equal(freed, 0);
	f->n_open = 0;
	node_closed(&table, f);
	assert_int_equal(freed, 1);
	node_free_tree(&table, root);
}

static void move_and_exchange(void **state)
{
	struct node *root = mkroot(), *a = mk("a", NODE_DIR), *b = mk("b", NODE_FILE), *sub = mk("sub", NODE_DIR);
	char path[64];

	(void)state;
	a->expanded = sub->expanded = true;
	assert_int_equal(node_link(root, "a", a), 0);
	assert_int_equal(node_link(root, "b", b), 0);
	assert_int_equal(node_link(a, "sub", sub), 0);
	assert_int_equal(root->n_subdirs, 1);
	assert_int_equal(node_move(a, "sub", root, "moved"), 0);
	assert_int_equal(root->n_subdirs, 2);
	assert_int_equal(a->n_subdirs, 0);
	node_path(sub, path, sizeof(path));
	assert_string_equal(path, "/moved");
	assert_int_equal(node_exchange(root, "a", root, "b"), 0);
	assert_ptr_equal(node_child(root, "a"), b);
	assert_ptr_equal(node_child(root, "b"), a);
	node_path(a, path, sizeof(path));
	assert_string_equal(path, "/b");
	assert_int_equal(node_exchange(root, "a", root, "nothing"), -ENOENT);
	node_free_tree(&table, root);
	assert_int_equal(freed, 4);
}

static void unchanged_directories_fold(void **state)
{
	struct node *root = mkroot(), *d = mk("d", NODE_DIR), *f = mk("f", NODE_FILE);

	(void)state;
	d->has_digest = true;
	assert_int_equal(node_link(root, "d", d), 0);
	d->expanded = true; /* as fs_expand leaves it, pinned in its parent */
	root->n_pinned++;
	assert_int_equal(node_link(d, "f", f), 0);
	node_ref(d);
	node_ref(f);
	assert_int_equal(d->n_pinned, 1);
	node_forget(&table, f, 1);
	assert_true(d->expanded);  /* the kernel still holds d */
	node_forget(&table, d, 5); /* more than it holds: never below zero */
	assert_int_equal(d->nlookup, 0);
	assert_false(d->expanded);
	assert_int_equal(d->n_entries, 0);
	assert_int_equal(root->n_pinned, 0);
	assert_int_equal(freed, 1);
	node_free_tree(&table, root);
}

static void changed_directories_never_fold(void **state)
{
	struct node *root = mkroot(), *d = mk("d", NODE_DIR), *f = mk("f", NODE_FILE);

	(void)state;
	root->has_digest = d->has_digest = true;
	assert_int_equal(node_link(root, "d", d), 0);
	d->expanded = true;
	root->n_pinned++;
	assert_int_equal(node_link(d, "f", f), 0);
	node_mark_changed(d);
	assert_false(d->has_digest);
	assert_false(root->has_digest);
	node_ref(d);
	node_forget(&table, d, 1);
	assert_true(d->expanded);
	assert_int_equal(d->n_entries, 1);
	node_free_tree(&table, root);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(entries_stay_sorted),	      cmocka_unit_test(hard_links_count_and_free_last),
		cmocka_unit_test(open_files_outlive_unlink),  cmocka_unit_test(move_and_exchange),
		cmocka_unit_test(unchanged_directories_fold), cmocka_unit_test(changed_directories_never_fold),
	};
	return cmocka_run_group_tests_name("inode", tests, NULL, NULL);
}
