/* Unit tests for lib/digest.c: parsing, formatting, functions, hashing. */
#include "unit.h"

#include <casroot/digest.h>

static void parses_slash_and_dash_forms(void **state)
{
	struct digest d;
	struct reason why;

	(void)state;
	assert_int_equal(digest_parse(HELLO_SHA256 "/6", DIGEST_FN_UNKNOWN, &d, &why), 0);
	assert_int_equal(d.fn, DIGEST_FN_SHA256);
	assert_int_equal(d.size, 6);
	assert_string_equal(d.hash, HELLO_SHA256);
	assert_int_equal(digest_parse(HELLO_SHA256 "-6", DIGEST_FN_SHA256, &d, &why), 0);
	assert_int_equal(d.size, 6);
}

static void rejects(const char *text, enum digest_fn fn, const char *reason_part)
{
	struct digest d = { .size = 12345 };
	struct reason why = { "" };

	assert_int_equal(digest_parse(text, fn, &d, &why), -EINVAL);
	assert_non_null(strstr(why.text, reason_part));
	assert_int_equal(d.size, 12345); /* out-parameter untouched on failure */
}

static void rejects_bad_digests(void **state)
{
	(void)state;
	rejects("5891b5b5/6", DIGEST_FN_UNKNOWN, "8 characters");
	rejects(HELLO_SHA256 "/6", DIGEST_FN_SHA1, "sha1 needs 40");
	rejects("5891B5B522D5DF086D0FF0B110FBD9D21BB4FC7163AF34D08286A2E846F6BE03/6", DIGEST_FN_UNKNOWN, "lowercase");
	rejects("5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be0g/6", DIGEST_FN_UNKNOWN, "'g'");
	rejects(HELLO_SHA256 "/-6", DIGEST_FN_UNKNOWN, "negative");
	rejects(HELLO_SHA256 "/six", DIGEST_FN_UNKNOWN, "not a decimal");
	rejects(HELLO_SHA256 "/", DIGEST_FN_UNKNOWN, "missing");
	rejects(HELLO_SHA256, DIGEST_FN_UNKNOWN, "HASH/SIZE");
	rejects(HELLO_SHA256 "/99999999999999999999", DIGEST_FN_UNKNOWN, "64 bits");
	rejects(HELLO_SHA256 "/6/x", DIGEST_FN_UNKNOWN, "after the size");
}

static void prefix_leaves_the_path(void **state)
{
	struct digest d;
	struct reason why;
	const char *rest;

	(void)state;
	assert_int_equal(digest_parse_prefix(HELLO_SHA256 "/6/a/b", DIGEST_FN_UNKNOWN, &d, &rest, &why), 0);
	assert_string_equal(rest, "/a/b");
	assert_int_equal(digest_parse_prefix(HELLO_SHA256 "-6", DIGEST_FN_UNKNOWN, &d, &rest, &why), 0);
	assert_string_equal(rest, "");
}

static void formats_round_trip(void **state)
{
	struct digest d;
	struct reason why;
	char text[DIGEST_STR_MAX];

	(void)state;
	assert_int_equal(digest_parse(HELLO_SHA256 "-6", DIGEST_FN_UNKNOWN, &d, &why), 0);
	assert_string_equal(digest_format(&d, text), HELLO_SHA256 "/6");
}

static void hashes_every_function(void **state)
{
	static const struct {
		const char *name;
		const char *hash;
	} cases[] = {
		{ "sha256", HELLO_SHA256 },
		{ "sha1", "f572d396fae9206628714fb2ce00f72e94f2258f" },
		{ "sha384",
		  "1d0f284efe3edea4b9ca3bd514fa134b17eae361ccc7a1eefeff801b9bd6604e01f21f6bf249ef030599f0c218f2ba8c" },
		{ "sha512", "e7c22b994c59d9cf2b48e549b1e24666636045930d3da7c1acb299d1c3b7f931f94aae41edda2c2b207a36e10f"
			    "8bcb8d45223e54878f5b316e7ce3b6bc019629" },
	};
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		enum digest_fn fn;
		struct digest d;
		assert_int_equal(digest_fn_from_name(cases[i].name, &fn), 0);
		assert_int_equal(digest_buffer(fn, "hello\n", 6, &d), 0);
		assert_string_equal(d.hash, cases[i].hash);
		assert_int_equal(d.size, 6);
		assert_int_equal(digest_fn_for_hex_len(strlen(cases[i].hash)), fn);
	}
	enum digest_fn fn;
	assert_int_equal(digest_fn_from_name("md5", &fn), -EINVAL);
}

static void hashes_files_streaming(void **state)
{
	char path[] = "/tmp/casroot-test-XXXXXX";
	int fd = mkstemp(path);
	static char block[3 << 20];
	struct digest from_fd, from_buffer;

	(void)state;
	assert_true(fd >= 0);
	unlink(path);
	for (size_t i = 0; i < sizeof(block); i++)
		block[i] = (char)(i * 7);
	assert_int_equal(write(fd, block, sizeof(block)), (ssize_t)sizeof(block));
	assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
	assert_int_equal(digest_fd(DIGEST_FN_SHA256, fd, &from_fd), 0);
	assert_int_equal(digest_buffer(DIGEST_FN_SHA256, block, sizeof(block), &from_buffer), 0);
	assert_true(digest_equal(&from_fd, &from_buffer));
	assert_int_equal(from_fd.size, sizeof(block));
	close(fd);
}

static void empty_digest(void **state)
{
	struct digest d;

	(void)state;
	digest_empty(DIGEST_FN_SHA256, &d);
	assert_string_equal(d.hash, EMPTY_SHA256);
	assert_int_equal(d.size, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parses_slash_and_dash_forms),
		cmocka_unit_test(rejects_bad_digests),
		cmocka_unit_test(prefix_leaves_the_path),
		cmocka_unit_test(formats_round_trip),
		cmocka_unit_test(hashes_every_function),
		cmocka_unit_test(hashes_files_streaming),
		cmocka_unit_test(empty_digest),
	};
	return cmocka_run_group_tests_name("digest", tests, NULL, NULL);
}
