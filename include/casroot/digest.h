/* REAPI digests: the functions casroot supports (numbered as REAPI's
 * DigestFunction), the HASH/SIZE text form, and hashing of memory and files
 * through OpenSSL libcrypto. */
#ifndef CASROOT_DIGEST_H
#define CASROOT_DIGEST_H

#include <casroot/log.h>

#include <stdint.h>
#include <stddef.h>

enum digest_fn {
	DIGEST_FN_UNKNOWN = 0,
	DIGEST_FN_SHA256 = 1,
	DIGEST_FN_SHA1 = 2,
	DIGEST_FN_SHA384 = 5,
	DIGEST_FN_SHA512 = 6,
};

#define DIGEST_HEX_MAX 128
/* "HASH/SIZE" with the longest hash and an int64 size, plus NUL. */
#define DIGEST_STR_MAX (DIGEST_HEX_MAX + 1 + 20 + 1)

struct digest {
	enum digest_fn fn;
	int64_t size;
	char hash[DIGEST_HEX_MAX + 1];
};

/* "sha256" → DIGEST_FN_SHA256; 0 or -EINVAL. */
int digest_fn_from_name(const char *name, enum digest_fn *ret);
const char *digest_fn_name(enum digest_fn fn);
/* Length of the lowercase hex hash, 0 for an unknown function. */
size_t digest_fn_hex_len(enum digest_fn fn);
/* The function whose hashes have this many hex digits, or DIGEST_FN_UNKNOWN. */
enum digest_fn digest_fn_for_hex_len(size_t len);

/* Checks a hash string for FN: right length, lowercase hex only. */
int digest_check_hash(const char *hash, enum digest_fn fn, struct reason *why);

/* Parses "HASH/SIZE" or "HASH-SIZE". FN may be DIGEST_FN_UNKNOWN: the
 * function is then the one the hash length implies. 0 or -EINVAL with why. */
int digest_parse(const char *text, enum digest_fn fn, struct digest *ret, struct reason *why);

/* Parses a leading digest and returns in *ret_rest what follows it ("" or
 * "/path"), for DIGEST/PATH arguments. */
int digest_parse_prefix(const char *text, enum digest_fn fn, struct digest *ret, const char **ret_rest,
			struct reason *why);

/* Writes "HASH/SIZE" into buf (DIGEST_STR_MAX bytes); returns buf. */
char *digest_format(const struct digest *d, char *buf);

/* The digest of the empty blob for fn. */
void digest_empty(enum digest_fn fn, struct digest *ret);
int digest_equal(const struct digest *a, const struct digest *b);

/* Streaming hasher over libcrypto. */
struct hasher;
int hasher_new(enum digest_fn fn, struct hasher **ret);
int hasher_update(struct hasher *h, const void *data, size_t len);
/* Finishes the hash; size is the number of bytes fed. Frees nothing. */
int hasher_final(struct hasher *h, struct digest *ret);
void hasher_free(struct hasher *h);
void hasher_freep(struct hasher **h);

int digest_buffer(enum digest_fn fn, const void *data, size_t len, struct digest *ret);
/* Hashes an open file from its current offset to EOF with large reads. */
int digest_fd(enum digest_fn fn, int fd, struct digest *ret);

#endif
