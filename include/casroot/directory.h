/* REAPI Directory messages: strict decoding and validation, canonical
 * encoding, and loading from a store. A Directory that passes
 * directory_decode() is canonical: child names are single path segments
 * (non-empty, not "." or "..", no '/' or NUL), each list is sorted bytewise,
 * no name appears twice across the three lists, every digest is well-formed
 * for the tree's digest function, and the bytes are exactly what a conforming
 * encoder produces (fields in order, no defaults, no unknown fields). */
#ifndef CASROOT_DIRECTORY_H
#define CASROOT_DIRECTORY_H

#include <casroot/digest.h>
#include <casroot/store.h>

#include "reapi.pb-c.h"

#include <stdbool.h>
#include <stdint.h>

/* Largest Directory blob casroot accepts. */
#define DIRECTORY_MAX_SIZE (64 << 20)

/* Decodes and validates buf. 0, or -EINVAL with why. */
int directory_decode(const uint8_t *buf, size_t len, enum digest_fn fn, Reapi__Directory **ret, struct reason *why);
void directory_free(Reapi__Directory *d);
void directory_freep(Reapi__Directory **d);

/* The naming, ordering and digest rules, without the encoding check. */
int directory_validate(const Reapi__Directory *d, enum digest_fn fn, struct reason *why);

/* Reads the Directory blob d from the store, checks its hash, decodes it.
 * -ENOENT (missing), -EBADMSG (content does not match the digest),
 * -EINVAL (not a canonical Directory) or -errno, each with why. */
int directory_load(struct store *s, const struct digest *d, Reapi__Directory **ret, struct reason *why);

/* Encodes any message into a malloc'ed buffer. */
int message_encode(const ProtobufCMessage *m, uint8_t **ret_buf, size_t *ret_len);

/* Converts a message Digest, checking it for fn. */
int digest_from_message(const Reapi__Digest *m, enum digest_fn fn, struct digest *ret, struct reason *why);
/* Points m at d's hash; m is valid while d is. */
void digest_to_message(const struct digest *d, Reapi__Digest *m);

/* Checks a single child name. */
int directory_check_name(const char *name, struct reason *why);

#endif
