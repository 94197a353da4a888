/* libFuzzer target: digest parsing never crashes, and whatever it accepts
 * formats back to text that parses to the same digest. */
#include <casroot/digest.h>

#include <assert.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	char formatted[DIGEST_STR_MAX];
	struct digest d, again;
	struct reason why;

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	if (digest_parse(text, DIGEST_FN_UNKNOWN, &d, &why) == 0) {
		assert(digest_parse(digest_format(&d, formatted), d.fn, &again, &why) == 0);
		assert(digest_equal(&d, &again));
	}
	free(text);
	return 0;
}
