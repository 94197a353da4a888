/* Unit tests for lib/directory.c: the reapi-facts.md test vectors (bytes and
 * digests) and every strict-validation rule. */
#include "unit.h"

#include <casroot/directory.h>

static Reapi__Digest hello_digest = { PROTOBUF_C_MESSAGE_INIT(&reapi__digest__descriptor), HELLO_SHA256, 6 };
static Reapi__Digest empty_dir_digest = { PROTOBUF_C_MESSAGE_INIT(&reapi__digest__descriptor), EMPTY_SHA256, 0 };

/* A Directory with the given child names: files and directories point at
 * hello and the empty Directory, symlinks at "target". */
struct spec {
	const char *files[4];
	const char *dirs[4];
	const char *links[4];
};

static size_t count(const char *const names[4])
{
	size_t n = 0;
	while (n < 4 && names[n])
		n++;
	return n;
}

static void encode(const struct spec *sp, uint8_t **buf, size_t *len)
{
	Reapi__FileNode files[4], *fp[4];
	Reapi__DirectoryNode dirs[4], *dp[4];
	Reapi__SymlinkNode links[4], *lp[4];
	Reapi__Directory d = REAPI__DIRECTORY__INIT;

	d.n_files = count(sp->files);
	d.n_directories = count(sp->dirs);
	d.n_symlinks = count(sp->links);
	for (size_t i = 0; i < d.n_files; i++) {
		reapi__file_node__init(&files[i]);
		files[i].name = (char *)sp->files[i];
		files[i].digest = &hello_digest;
		fp[i] = &files[i];
	}
	for (size_t i = 0; i < d.n_directories; i++) {
		reapi__directory_node__init(&dirs[i]);
		dirs[i].name = (char *)sp->dirs[i];
		dirs[i].digest = &empty_dir_digest;
		dp[i] = &dirs[i];
	}
	for (size_t i = 0; i < d.n_symlinks; i++) {
		reapi__symlink_node__init(&links[i]);
		links[i].name = (char *)sp->links[i];
		links[i].target = "target";
		lp[i] = &links[i];
	}
	d.files = fp;
	d.directories = dp;
	d.symlinks = lp;
	assert_int_equal(message_encode(&d.base, buf, len), 0);
}

static int decode_spec(const struct spec *sp, struct reason *why)
{
	uint8_t *buf;
	size_t len;
	Reapi__Directory *d = NULL;
	int r;

	encode(sp, &buf, &len);
	r = directory_decode(buf, len, DIGEST_FN_SHA256, &d, why);
	directory_free(d);
	free(buf);
	return r;
}

static void assert_digest_of(const struct spec *sp, const char *expected)
{
	uint8_t *buf;
	size_t len;
	struct digest d;
	char text[DIGEST_STR_MAX];

	encode(sp, &buf, &len);
	assert_int_equal(digest_buffer(DIGEST_FN_SHA256, buf, len, &d), 0);
	assert_string_equal(digest_format(&d, text), expected);
	free(buf);
}

static void vector_bytes(void **state)
{
	static const uint8_t head[] = { 0x0a, 0x51, 0x0a, 0x09, 'h',  'e',  'l',  'l', 'o',
					'.',  't',  'x',  't',	0x12, 0x44, 0x0a, 0x40 };
	struct spec sp = { .files = { "hello.txt" } };
	uint8_t *buf;
	size_t len;

	(void)state;
	encode(&sp, &buf, &len);
	assert_int_equal(len, 83);
	assert_memory_equal(buf, head, sizeof(head));
	assert_memory_equal(buf + sizeof(head), HELLO_SHA256, 64);
	assert_int_equal(buf[81], 0x10);
	assert_int_equal(buf[82], 0x06);
	free(buf);
}

static void vector_digests(void **state)
{
	(void)state;
	assert_digest_of(&(struct spec){ .files = { "hello.txt" } },
			 "106b6bf6e953adcfda77f9ac275b7780added4fbe2f56b7558141a6af42c5f82/83");
	assert_digest_of(&(struct spec){ .dirs = { "empty" } },
			 "1febd720bb5e438578194b08ace1e6da072a9741068923798fd5b41856190710/77");
	assert_digest_of(&(struct spec){ 0 }, EMPTY_SHA256 "/0");
}

static void vector_executable_and_properties(void **state)
{
	Reapi__Timestamp mtime = REAPI__TIMESTAMP__INIT;
	Reapi__UInt32Value mode = REAPI__UINT32_VALUE__INIT;
	Reapi__NodeProperties props = REAPI__NODE_PROPERTIES__INIT;
	Reapi__FileNode f = REAPI__FILE_NODE__INIT, *fp = &f;
	Reapi__Directory d = REAPI__DIRECTORY__INIT;
	struct digest dg;
	char text[DIGEST_STR_MAX];
	uint8_t *buf;
	size_t len;

	(void)state;
	f.name = "run.sh";
	f.digest = &hello_digest;
	f.is_executable = 1;
	d.n_files = 1;
	d.files = &fp;
	assert_int_equal(message_encode(&d.base, &buf, &len), 0);
	assert_int_equal(digest_buffer(DIGEST_FN_SHA256, buf, len, &dg), 0);
	assert_string_equal(digest_format(&dg, text),
			    "49820654d8a71678a02cdab26de6fc2f6837248fe771cd32d45523523060a6ec/82");
	free(buf);

	f.name = "hello.txt";
	f.is_executable = 0;
	mtime.seconds = 1700000000;
	mode.value = 0644;
	props.mtime = &mtime;
	props.unix_mode = &mode;
	f.node_properties = &props;
	assert_int_equal(message_encode(&d.base, &buf, &len), 0);
	assert_int_equal(digest_buffer(DIGEST_FN_SHA256, buf, len, &dg), 0);
	assert_string_equal(digest_format(&dg, text),
			    "3b87894e2dd996251bf1092943401986f411fc06fd1f7658d9848cc54838a56e/98");
	free(buf);
}

static void accepts_canonical(void **state)
{
	struct reason why;

	(void)state;
	assert_int_equal(decode_spec(&(struct spec){ .files = { "A", "a", "b c", "\xc3\xa9" },
						     .dirs = { ".hidden", "_d" },
						     .links = { "link" } },
				     &why),
			 0);
}

static void rejects_with(const struct spec *sp, const char *reason_part)
{
	struct reason why = { "" };

	assert_int_equal(decode_spec(sp, &why), -EINVAL);
	if (!strstr(why.text, reason_part))
		fail_msg("reason \"%s\" lacks \"%s\"", why.text, reason_part);
}

static void rejects_bad_names(void **state)
{
	(void)state;
	rejects_with(&(struct spec){ .files = { "" } }, "empty name");
	rejects_with(&(struct spec){ .files = { "." } }, "\".\"");
	rejects_with(&(struct spec){ .dirs = { ".." } }, "\"..\"");
	rejects_with(&(struct spec){ .links = { "a/b" } }, "contains '/'");
}

static void rejects_unsorted_and_duplicates(void **state)
{
	(void)state;
	rejects_with(&(struct spec){ .files = { "b", "a" } }, "files are not sorted");
	rejects_with(&(struct spec){ .files = { "a", "B" } }, "files are not sorted"); /* bytewise, not locale */
	rejects_with(&(struct spec){ .dirs = { "x", "x" } }, "repeats");
	rejects_with(&(struct spec){ .files = { "x" }, .dirs = { "x" } }, "more than one list");
	rejects_with(&(struct spec){ .dirs = { "x" }, .links = { "x" } }, "more than one list");
	rejects_with(&(struct spec){ .files = { "x" }, .links = { "x" } }, "more than one list");
}

static int decode_bytes(const uint8_t *buf, size_t len, struct reason *why)
{
	Reapi__Directory *d = NULL;
	int r = directory_decode(buf, len, DIGEST_FN_SHA256, &d, why);
	directory_free(d);
	return r;
}

static void rejects_bad_digests(void **state)
{
	Reapi__Digest bad = hello_digest;
	Reapi__FileNode f = REAPI__FILE_NODE__INIT, *fp = &f;
	Reapi__Directory d = REAPI__DIRECTORY__INIT;
	struct reason why;
	uint8_t *buf;
	size_t len;

	(void)state;
	f.name = "f";
	f.digest = &bad;
	d.n_files = 1;
	d.files = &fp;
	const char *hashes[] = { "5891", "5891B5B522D5DF086D0FF0B110FBD9D21BB4FC7163AF34D08286A2E846F6BE03" };
	for (size_t i = 0; i < 2; i++) {
		bad.hash = (char *)hashes[i];
		assert_int_equal(message_encode(&d.base, &buf, &len), 0);
		assert_int_equal(decode_bytes(buf, len, &why), -EINVAL);
		assert_non_null(strstr(why.text, "file \"f\""));
		free(buf);
	}
	bad.hash = HELLO_SHA256;
	bad.size_bytes = -1;
	assert_int_equal(message_encode(&d.base, &buf, &len), 0);
	assert_int_equal(decode_bytes(buf, len, &why), -EINVAL);
	assert_non_null(strstr(why.text, "negative"));
	free(buf);
	f.digest = NULL;
	assert_int_equal(message_encode(&d.base, &buf, &len), 0);
	assert_int_equal(decode_bytes(buf, len, &why), -EINVAL);
	assert_non_null(strstr(why.text, "missing"));
	free(buf);
}

static void rejects_non_canonical_encodings(void **state)
{
	/* symlink "a" -> "b" with a NUL inside the name: 1a 07 0a 03 'a' 00 'x' 12 01 'b' */
	static const uint8_t nul_name[] = { 0x1a, 0x08, 0x0a, 0x03, 'a', 0, 'x', 0x12, 0x01, 'b' };
	/* fields of the SymlinkNode out of order: target before name */
	static const uint8_t out_of_order[] = { 0x1a, 0x06, 0x12, 0x01, 'b', 0x0a, 0x01, 'a' };
	/* unknown field 15 (varint) in the Directory */
	static const uint8_t unknown[] = { 0x78, 0x01 };
	/* a length prefix running past the end of the buffer */
	static const uint8_t garbage[] = { 0x0a, 0xff, 0x01 };
	struct reason why;

	(void)state;
	assert_int_equal(decode_bytes(nul_name, sizeof(nul_name), &why), -EINVAL);
	assert_non_null(strstr(why.text, "canonical"));
	assert_int_equal(decode_bytes(out_of_order, sizeof(out_of_order), &why), -EINVAL);
	assert_non_null(strstr(why.text, "canonical"));
	assert_int_equal(decode_bytes(unknown, sizeof(unknown), &why), -EINVAL);
	assert_non_null(strstr(why.text, "unknown"));
	assert_int_equal(decode_bytes(garbage, sizeof(garbage), &why), -EINVAL);
	assert_non_null(strstr(why.text, "not a decodable"));
}

static void rejects_empty_symlink_target_and_unsorted_properties(void **state)
{
	Reapi__SymlinkNode l = REAPI__SYMLINK_NODE__INIT, *lp = &l;
	Reapi__NodeProperty p1 = REAPI__NODE_PROPERTY__INIT, p2 = REAPI__NODE_PROPERTY__INIT;
	Reapi__NodeProperty *pp[] = { &p1, &p2 };
	Reapi__NodeProperties props = REAPI__NODE_PROPERTIES__INIT;
	Reapi__Directory d = REAPI__DIRECTORY__INIT;
	struct reason why;
	uint8_t *buf;
	size_t len;

	(void)state;
	l.name = "l";
	d.n_symlinks = 1;
	d.symlinks = &lp;
	assert_int_equal(message_encode(&d.base, &buf, &len), 0);
	assert_int_equal(decode_bytes(buf, len, &why), -EINVAL);
	assert_non_null(strstr(why.text, "empty target"));
	free(buf);
	l.target = "t";
	p1.name = "z";
	p2.name = "a";
	props.n_properties = 2;
	props.properties = pp;
	l.node_properties = &props;
	assert_int_equal(message_encode(&d.base, &buf, &len), 0);
	assert_int_equal(decode_bytes(buf, len, &why), -EINVAL);
	assert_non_null(strstr(why.text, "not sorted"));
	free(buf);
}

static void loads_from_store(void **state)
{
	char *dir = make_temp_dir();
	struct spec sp = { .files = { "hello.txt" } };
	struct store *s;
	struct digest d, missing = { DIGEST_FN_SHA256, 6, HELLO_SHA256 };
	Reapi__Directory *m = NULL;
	struct reason why;
	uint8_t *buf;
	size_t len;

	(void)state;
	encode(&sp, &buf, &len);
	assert_int_equal(store_open(dir, STORE_LAYOUT_CASD, true, &s), 0);
	assert_int_equal(store_put_buffer(s, DIGEST_FN_SHA256, buf, len, &d), 0);
	assert_int_equal(directory_load(s, &d, &m, &why), 0);
	assert_int_equal(m->n_files, 1);
	assert_string_equal(m->files[0]->name, "hello.txt");
	directory_free(m);
	assert_int_equal(directory_load(s, &missing, &m, &why), -ENOENT);
	assert_non_null(strstr(why.text, "missing"));
	/* "hello\n" is stored under its own digest but is no Directory. */
	assert_int_equal(store_put_buffer(s, DIGEST_FN_SHA256, "hello\n", 6, &d), 0);
	assert_int_equal(directory_load(s, &d, &m, &why), -EINVAL);
	store_close(s);
	free(buf);
	remove_temp_dir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(vector_bytes),
		cmocka_unit_test(vector_digests),
		cmocka_unit_test(vector_executable_and_properties),
		cmocka_unit_test(accepts_canonical),
		cmocka_unit_test(rejects_bad_names),
		cmocka_unit_test(rejects_unsorted_and_duplicates),
		cmocka_unit_test(rejects_bad_digests),
		cmocka_unit_test(rejects_non_canonical_encodings),
		cmocka_unit_test(rejects_empty_symlink_target_and_unsorted_properties),
		cmocka_unit_test(loads_from_store),
	};
	return cmocka_run_group_tests_name("directory", tests, NULL, NULL);
}
