/* Digest text form and hashing. A digest's hash is always lowercase hex of the
 * exact length its function gives; sizes are non-negative int64. Hashing goes
 * through libcrypto's EVP interface and streams files in 1 MiB reads. */
#include <casroot/digest.h>
#include <casroot/util.h>

#include <inttypes.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <string.h>

#define HASH_READ_SIZE (1 << 20)

struct fn_info {
	enum digest_fn fn;
	const char *name;
	size_t hex_len;
};

static const struct fn_info functions[] = {
	{ DIGEST_FN_SHA256, "sha256", 64 },
	{ DIGEST_FN_SHA1, "sha1", 40 },
	{ DIGEST_FN_SHA384, "sha384", 96 },
	{ DIGEST_FN_SHA512, "sha512", 128 },
};

static const struct fn_info *fn_info(enum digest_fn fn)
{
	for (size_t i = 0; i < ARRAY_SIZE(functions); i++)
		if (functions[i].fn == fn)
			return &functions[i];
	return NULL;
}

int digest_fn_from_name(const char *name, enum digest_fn *ret)
{
	for (size_t i = 0; i < ARRAY_SIZE(functions); i++) {
		if (strcasecmp(functions[i].name, name) == 0) {
			*ret = functions[i].fn;
			return 0;
		}
	}
	return -EINVAL;
}

const char *digest_fn_name(enum digest_fn fn)
{
	const struct fn_info *info = fn_info(fn);
	return info ? info->name : "unknown";
}

size_t digest_fn_hex_len(enum digest_fn fn)
{
	const struct fn_info *info = fn_info(fn);
	return info ? info->hex_len : 0;
}

enum digest_fn digest_fn_for_hex_len(size_t len)
{
	for (size_t i = 0; i < ARRAY_SIZE(functions); i++)
		if (functions[i].hex_len == len)
			return functions[i].fn;
	return DIGEST_FN_UNKNOWN;
}

static const EVP_MD *fn_md(enum digest_fn fn)
{
	switch (fn) {
	case DIGEST_FN_SHA256: return EVP_sha256();
	case DIGEST_FN_SHA1: return EVP_sha1();
	case DIGEST_FN_SHA384: return EVP_sha384();
	case DIGEST_FN_SHA512: return EVP_sha512();
	default: return NULL;
	}
}

int digest_check_hash(const char *hash, enum digest_fn fn, struct reason *why)
{
	size_t len = strlen(hash);

	if (len != digest_fn_hex_len(fn)) {
		reason_set(why, "hash has %zu characters, %s needs %zu", len, digest_fn_name(fn),
			   digest_fn_hex_len(fn));
		return -EINVAL;
	}
	for (size_t i = 0; i < len; i++) {
		char c = hash[i];
		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
			reason_set(why, "hash has '%c' at position %zu; only lowercase hex is allowed", c, i);
			return -EINVAL;
		}
	}
	return 0;
}

static int parse_size(const char *text, size_t len, int64_t *ret, struct reason *why)
{
	int64_t size = 0;

	if (len == 0) {
		reason_set(why, "size is missing after the hash");
		return -EINVAL;
	}
	if (text[0] == '-') {
		reason_set(why, "size is negative");
		return -EINVAL;
	}
	for (size_t i = 0; i < len; i++) {
		if (text[i] < '0' || text[i] > '9') {
			reason_set(why, "size is not a decimal number");
			return -EINVAL;
		}
		if (size > (INT64_MAX - (text[i] - '0')) / 10) {
			reason_set(why, "size does not fit in 64 bits");
			return -EINVAL;
		}
		size = size * 10 + (text[i] - '0');
	}
	*ret = size;
	return 0;
}

int digest_parse_prefix(const char *text, enum digest_fn fn, struct digest *ret, const char **ret_rest,
			struct reason *why)
{
	size_t hash_len = strcspn(text, "/-");
	const char *size_text, *rest;
	struct digest d = { .fn = fn };
	int r;

	if (text[hash_len] == '\0') {
		reason_set(why, "expected HASH/SIZE");
		return -EINVAL;
	}
	if (d.fn == DIGEST_FN_UNKNOWN)
		d.fn = digest_fn_for_hex_len(hash_len);
	if (d.fn == DIGEST_FN_UNKNOWN) {
		reason_set(why, "hash has %zu characters, which no supported digest function gives", hash_len);
		return -EINVAL;
	}
	if (hash_len > DIGEST_HEX_MAX) {
		reason_set(why, "hash is too long");
		return -EINVAL;
	}
	memcpy(d.hash, text, hash_len);
	d.hash[hash_len] = '\0';
	r = digest_check_hash(d.hash, d.fn, why);
	if (r < 0)
		return r;
	size_text = text + hash_len + 1;
	rest = size_text + strcspn(size_text, "/");
	r = parse_size(size_text, rest - size_text, &d.size, why);
	if (r < 0)
		return r;
	*ret = d;
	*ret_rest = rest;
	return 0;
}

int digest_parse(const char *text, enum digest_fn fn, struct digest *ret, struct reason *why)
{
	const char *rest;
	struct digest d;
	int r = digest_parse_prefix(text, fn, &d, &rest, why);

	if (r < 0)
		return r;
	if (*rest != '\0') {
		reason_set(why, "unexpected text after the size");
		return -EINVAL;
	}
	*ret = d;
	return 0;
}

char *digest_format(const struct digest *d, char *buf)
{
	snprintf(buf, DIGEST_STR_MAX, "%s/%" PRId64, d->hash, d->size);
	return buf;
}

void digest_empty(enum digest_fn fn, struct digest *ret)
{
	(void)digest_buffer(fn, "", 0, ret);
}

int digest_equal(const struct digest *a, const struct digest *b)
{
	return a->fn == b->fn && a->size == b->size && strcmp(a->hash, b->hash) == 0;
}

struct hasher {
	EVP_MD_CTX *ctx;
	enum digest_fn fn;
	int64_t size;
};

int hasher_new(enum digest_fn fn, struct hasher **ret)
{
	const EVP_MD *md = fn_md(fn);
	struct hasher *h;

	if (!md)
		return -EINVAL;
	h = calloc(1, sizeof(*h));
	if (!h)
		return -ENOMEM;
	h->ctx = EVP_MD_CTX_new();
	if (!h->ctx || EVP_DigestInit_ex(h->ctx, md, NULL) != 1) {
		hasher_free(h);
		return -ENOMEM;
	}
	h->fn = fn;
	*ret = h;
	return 0;
}

int hasher_update(struct hasher *h, const void *data, size_t len)
{
	if (EVP_DigestUpdate(h->ctx, data, len) != 1)
		return -EIO;
	h->size += len;
	return 0;
}

int hasher_final(struct hasher *h, struct digest *ret)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char raw[EVP_MAX_MD_SIZE];
	unsigned int raw_len;

	if (EVP_DigestFinal_ex(h->ctx, raw, &raw_len) != 1)
		return -EIO;
	for (unsigned int i = 0; i < raw_len; i++) {
		ret->hash[2 * i] = hex[raw[i] >> 4];
		ret->hash[2 * i + 1] = hex[raw[i] & 15];
	}
	ret->hash[2 * raw_len] = '\0';
	ret->fn = h->fn;
	ret->size = h->size;
	return 0;
}

void hasher_free(struct hasher *h)
{
	if (!h)
		return;
	EVP_MD_CTX_free(h->ctx);
	free(h);
}

void hasher_freep(struct hasher **h)
{
	hasher_free(*h);
}

int digest_buffer(enum digest_fn fn, const void *data, size_t len, struct digest *ret)
{
	_cleanup_(hasher_freep) struct hasher *h = NULL;
	int r = hasher_new(fn, &h);

	if (r < 0)
		return r;
	r = hasher_update(h, data, len);
	if (r < 0)
		return r;
	return hasher_final(h, ret);
}

int digest_fd(enum digest_fn fn, int fd, struct digest *ret)
{
	_cleanup_(hasher_freep) struct hasher *h = NULL;
	_cleanup_free_ char *buf = malloc(HASH_READ_SIZE);
	int r = hasher_new(fn, &h);

	if (r < 0)
		return r;
	if (!buf)
		return -ENOMEM;
	for (;;) {
		ssize_t n = read(fd, buf, HASH_READ_SIZE);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			break;
		r = hasher_update(h, buf, n);
		if (r < 0)
			return r;
	}
	return hasher_final(h, ret);
}
