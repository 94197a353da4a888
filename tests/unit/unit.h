/* What every cmocka unit test includes: cmocka's prerequisites in the order
 * it needs them, and small helpers shared by the tests. */
#ifndef CASROOT_TEST_UNIT_H
#define CASROOT_TEST_UNIT_H

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#define HELLO_SHA256 "5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03"
#define EMPTY_SHA256 "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

/* A fresh temporary directory for one test; removed by remove_temp_dir. */
static inline char *make_temp_dir(void)
{
	char *path = strdup("/tmp/casroot-unit-XXXXXX");
	assert_non_null(path);
	assert_non_null(mkdtemp(path));
	return path;
}

static inline void remove_temp_dir(char *path)
{
	char cmd[256];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", path);
	assert_int_equal(system(cmd), 0);
	free(path);
}

#endif
