/* libFuzzer target: any bytes given to the strict Directory decoder either
 * fail with a reason or decode to a Directory that is canonical, i.e. one
 * whose encoding is exactly the input and which passes validation again. */
#include <casroot/directory.h>

#include <assert.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	Reapi__Directory *d = NULL;
	struct reason why;
	uint8_t *again;
	size_t len;

	if (directory_decode(data, size, DIGEST_FN_SHA256, &d, &why) < 0) {
		assert(why.text[0] != '\0');
		return 0;
	}
	assert(message_encode(&d->base, &again, &len) == 0);
	assert(len == size && memcmp(again, data, size) == 0);
	assert(directory_validate(d, DIGEST_FN_SHA256, &why) == 0);
	free(again);
	directory_free(d);
	return 0;
}
