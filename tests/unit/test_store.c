/* Unit tests for lib/store.c: the three layouts, detection, atomic puts,
 * the empty blob, verification, and that existing blobs are never rewritten. */
#include "unit.h"

#include <casroot/store.h>

#include <fcntl.h>
#include <sys/stat.h>

static const struct {
	enum store_layout layout;
	const char *hello_path;
} layouts[] = {
	{ STORE_LAYOUT_CASD, "cas/objects/58/91b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03" },
	{ STORE_LAYOUT_BAZEL, "cas/58/" HELLO_SHA256 },
	{ STORE_LAYOUT_FLAT, HELLO_SHA256 },
};

static char *file_at(const char *dir, const char *rel)
{
	char *path;
	assert_true(asprintf(&path, "%s/%s", dir, rel) > 0);
	return path;
}

static void puts_blobs_in_each_layout(void **state)
{
	(void)state;
	for (size_t i = 0; i < 3; i++) {
		char *dir = make_temp_dir();
		struct store *s;
		struct digest d;
		struct stat st;
		uint8_t *buf;
		char *path = file_at(dir, layouts[i].hello_path);

		assert_int_equal(store_open(dir, layouts[i].layout, true, &s), 0);
		assert_int_equal(store_has_blob(s, &(struct digest){ DIGEST_FN_SHA256, 6, HELLO_SHA256 }), 0);
		assert_int_equal(store_put_buffer(s, DIGEST_FN_SHA256, "hello\n", 6, &d), 0);
		assert_string_equal(d.hash, HELLO_SHA256);
		assert_int_equal(stat(path, &st), 0);
		assert_int_equal(st.st_size, 6);
		assert_int_equal(store_has_blob(s, &d), 1);
		assert_int_equal(store_read_blob(s, &d, 100, true, &buf), 0);
		assert_memory_equal(buf, "hello\n", 6);
		free(buf);
		store_close(s);

		/* A reopened store recognises its own layout. */
		assert_int_equal(store_open(dir, STORE_LAYOUT_DETECT, false, &s), 0);
		assert_int_equal(store_layout(s), layouts[i].layout);
		store_close(s);
		free(path);
		remove_temp_dir(dir);
	}
}

static void new_store_defaults_to_casd(void **state)
{
	char *dir = make_temp_dir();
	struct store *s;

	(void)state;
	assert_int_equal(store_open(dir, STORE_LAYOUT_DETECT, true, &s), 0);
	assert_int_equal(store_layout(s), STORE_LAYOUT_CASD);
	store_close(s);
	remove_temp_dir(dir);
}

static void existing_blob_is_never_rewritten(void **state)
{
	char *dir = make_temp_dir();
	char *path = file_at(dir, layouts[0].hello_path);
	struct store *s;
	struct digest d;
	struct stat before, after;

	(void)state;
	assert_int_equal(store_open(dir, STORE_LAYOUT_CASD, true, &s), 0);
	assert_int_equal(store_put_buffer(s, DIGEST_FN_SHA256, "hello\n", 6, &d), 0);
	assert_int_equal(stat(path, &before), 0);
	assert_int_equal(store_put_buffer(s, DIGEST_FN_SHA256, "hello\n", 6, &d), 0);
	assert_int_equal(stat(path, &after), 0);
	assert_int_equal(before.st_ino, after.st_ino);
	assert_int_equal(before.st_mtim.tv_nsec, after.st_mtim.tv_nsec);
	assert_int_equal(after.st_mode & 0777, 0444);
	store_close(s);
	free(path);
	remove_temp_dir(dir);
}

static void puts_large_files_streaming(void **state)
{
	char *dir = make_temp_dir();
	char *src = file_at(dir, "big");
	size_t len = (5 << 20) + 123;
	char *data = malloc(len);
	struct store *s;
	struct digest put, expected;
	int fd;

	(void)state;
	for (size_t i = 0; i < len; i++)
		data[i] = (char)(i % 251);
	fd = open(src, O_RDWR | O_CREAT, 0644);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, len), (ssize_t)len);
	assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
	assert_int_equal(store_open(dir, STORE_LAYOUT_FLAT, true, &s), 0);
	assert_int_equal(store_put_fd(s, DIGEST_FN_SHA256, fd, &put), 0);
	assert_int_equal(digest_buffer(DIGEST_FN_SHA256, data, len, &expected), 0);
	assert_true(digest_equal(&put, &expected));
	close(fd);
	assert_int_equal(store_open_blob(s, &put, &fd), 0);
	assert_int_equal(store_verify_fd(fd, &put), 0);
	close(fd);
	store_close(s);
	free(data);
	free(src);
	remove_temp_dir(dir);
}

static void empty_blob_always_exists(void **state)
{
	char *dir = make_temp_dir();
	struct digest empty = { DIGEST_FN_SHA256, 0, EMPTY_SHA256 };
	struct store *s;
	char buf[4];
	int fd;

	(void)state;
	assert_int_equal(store_open(dir, STORE_LAYOUT_CASD, true, &s), 0);
	assert_int_equal(store_has_blob(s, &empty), 1);
	assert_int_equal(store_open_blob(s, &empty, &fd), 0);
	assert_int_equal(read(fd, buf, sizeof(buf)), 0);
	close(fd);
	store_close(s);
	remove_temp_dir(dir);
}

static void detects_bad_blobs(void **state)
{
	char *dir = make_temp_dir();
	char *path = file_at(dir, HELLO_SHA256);
	struct digest d = { DIGEST_FN_SHA256, 6, HELLO_SHA256 };
	struct store *s;
	uint8_t *buf;
	int fd;

	(void)state;
	assert_int_equal(store_open(dir, STORE_LAYOUT_FLAT, true, &s), 0);
	assert_int_equal(store_open_blob(s, &d, &fd), -ENOENT);
	fd = open(path, O_WRONLY | O_CREAT, 0644);
	assert_int_equal(write(fd, "HELLO\n", 6), 6); /* right size, wrong content */
	close(fd);
	assert_int_equal(store_read_blob(s, &d, 100, true, &buf), -EBADMSG);
	assert_int_equal(store_read_blob(s, &d, 5, true, &buf), -EFBIG);
	assert_int_equal(store_open_blob(s, &d, &fd), 0);
	assert_int_equal(store_verify_fd(fd, &d), -EBADMSG);
	close(fd);
	assert_int_equal(truncate(path, 3), 0); /* wrong size */
	assert_int_equal(store_open_blob(s, &d, &fd), -EBADMSG);
	store_close(s);
	free(path);
	remove_temp_dir(dir);
}

static void leaves_no_temporary_files(void **state)
{
	char *dir = make_temp_dir();
	char cmd[512];
	struct store *s;
	struct digest d;

	(void)state;
	assert_int_equal(store_open(dir, STORE_LAYOUT_BAZEL, true, &s), 0);
	for (int i = 0; i < 3; i++)
		assert_int_equal(store_put_buffer(s, DIGEST_FN_SHA256, "x", 1, &d), 0);
	assert_int_equal(store_put_file(s, "ac/" HELLO_SHA256, "result", 6), 0);
	snprintf(cmd, sizeof(cmd), "test -z \"$(ls -A '%s/tmp')\" && test -s '%s/ac/" HELLO_SHA256 "'", dir, dir);
	assert_int_equal(system(cmd), 0);
	store_close(s);
	remove_temp_dir(dir);
}

static void names_layouts(void **state)
{
	enum store_layout l;

	(void)state;
	assert_int_equal(store_layout_from_name("bazel", &l), 0);
	assert_int_equal(l, STORE_LAYOUT_BAZEL);
	assert_string_equal(store_layout_name(STORE_LAYOUT_FLAT), "flat");
	assert_int_equal(store_layout_from_name("git", &l), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(puts_blobs_in_each_layout),	    cmocka_unit_test(new_store_defaults_to_casd),
		cmocka_unit_test(existing_blob_is_never_rewritten), cmocka_unit_test(puts_large_files_streaming),
		cmocka_unit_test(empty_blob_always_exists),	    cmocka_unit_test(detects_bad_blobs),
		cmocka_unit_test(leaves_no_temporary_files),	    cmocka_unit_test(names_layouts),
	};
	return cmocka_run_group_tests_name("store", tests, NULL, NULL);
}
