/* Unit tests for fuse/pool.c: pool files by id, copy-up, and the private
 * pool's removal. */
#include "unit.h"

#include "pool.h"

#include <fcntl.h>
#include <sys/stat.h>

static void private_pool_is_removed(void **state)
{
	char *tmp = make_temp_dir();
	struct pool p;
	uint64_t id;
	int fd;
	char *path;

	(void)state;
	setenv("TMPDIR", tmp, 1);
	assert_int_equal(pool_open(NULL, &p), 0);
	assert_true(p.temporary);
	assert_int_equal(strncmp(p.path, tmp, strlen(tmp)), 0);
	path = strdup(p.path);
	assert_int_equal(pool_create(&p, &id, &fd), 0);
	assert_int_equal(write(fd, "data", 4), 4);
	close(fd);
	pool_close(&p);
	assert_int_equal(access(path, F_OK), -1);
	unsetenv("TMPDIR");
	free(path);
	remove_temp_dir(tmp);
}

static void files_by_id_and_copy_up(void **state)
{
	char *dir = make_temp_dir();
	char src_path[256], buf[16] = { 0 };
	struct pool p;
	uint64_t a, b;
	int fa, fb, src;

	(void)state;
	assert_int_equal(pool_open(dir, &p), 0);
	assert_false(p.temporary);
	assert_int_equal(pool_create(&p, &a, &fa), 0);
	snprintf(src_path, sizeof(src_path), "%s/source", dir);
	src = open(src_path, O_RDWR | O_CREAT, 0644);
	assert_int_equal(write(src, "hello world", 11), 11);
	assert_int_equal(pool_copy_up(&p, src, 5, &b, &fb), 0);
	assert_int_not_equal(a, b);
	assert_int_equal(pread(fb, buf, sizeof(buf), 0), 5); /* only the size asked for */
	assert_string_equal(buf, "hello");
	close(fb);
	assert_int_equal(pool_open_file(&p, b, &fb), 0);
	close(fb);
	assert_int_equal(pool_copy_up(&p, src, 100, &b, &fb), -EIO); /* shorter than its digest says */
	pool_remove(&p, a);
	assert_int_equal(pool_open_file(&p, a, &fa), -ENOENT);
	close(src);
	pool_close(&p);
	assert_int_equal(access(dir, F_OK), 0); /* an --upper stays */
	remove_temp_dir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(private_pool_is_removed),
		cmocka_unit_test(files_by_id_and_copy_up),
	};
	return cmocka_run_group_tests_name("pool", tests, NULL, NULL);
}
