/* Unit tests for lib/util.c: UID:GID parsing and the I/O loops. */
#include "unit.h"

#include <casroot/util.h>

static void parses_ids(void **state)
{
	uid_t uid = 1;
	gid_t gid = 1;

	(void)state;
	assert_int_equal(parse_ids("65534:65534", &uid, &gid), 0);
	assert_int_equal(uid, 65534);
	assert_int_equal(gid, 65534);
	assert_int_equal(parse_ids("0:0", &uid, &gid), 0);
	assert_int_equal(uid, 0);
}

static void rejects_bad_ids(void **state)
{
	static const char *const bad[] = { "",	    "1",    "1:",   ":1",	    "a:b",
					   "1:2:3", "-1:0", "0:-1", "4294967295:0", "99999999999999999999:0" };
	uid_t uid = 7;
	gid_t gid = 7;

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
		assert_int_equal(parse_ids(bad[i], &uid, &gid), -EINVAL);
	assert_int_equal(uid, 7); /* untouched on failure */
}

static void reads_and_writes_fully(void **state)
{
	int p[2];
	char buf[16] = { 0 };

	(void)state;
	assert_int_equal(pipe(p), 0);
	assert_int_equal(write_all(p[1], "hello", 5), 0);
	close(p[1]);
	assert_int_equal(read_full(p[0], buf, sizeof(buf)), 5);
	assert_string_equal(buf, "hello");
	close(p[0]);
	assert_int_equal(write_all(-1, "x", 1), -EBADF);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parses_ids),
		cmocka_unit_test(rejects_bad_ids),
		cmocka_unit_test(reads_and_writes_fully),
	};
	return cmocka_run_group_tests_name("util", tests, NULL, NULL);
}
