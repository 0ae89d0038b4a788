/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The string escaper (lib/escape.c) on arbitrary bytes, in both locales:
 * the terminal form holds no control byte and no unsafe code point, the
 * JSON form is valid JSON, and the snapshot form gives back every byte.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "escape.h"

static void check_term(const char *s, size_t len)
{
	char *t = ct_escape_term_dup(s, len);
	size_t n = strlen(t);

	for (size_t i = 0; i < n;) {
		uint32_t cp;
		size_t k = ct_utf8_decode((const unsigned char *)t + i, n - i, &cp);

		if (k == 0 || ct_cp_is_unsafe(cp))
			abort(); /* an unsafe byte or code point reached the terminal form */
		if (!ct_escape_get_utf8() && cp >= 0x80)
			abort(); /* non-ASCII in a non-UTF-8 locale */
		i += k;
	}
	free(t);
}

static void check_json(const char *s, size_t len)
{
	struct json_object *o = ct_json_bytes(s, len), *back;
	const char *text = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN);

	back = json_tokener_parse(text);
	if (!back || !json_object_is_type(back, json_type_string))
		abort(); /* not valid JSON */
	json_object_put(back);
	json_object_put(o);
}

static void check_lossless(const char *s, size_t len)
{
	struct json_object *o = ct_json_bytes_lossless(s, len), *back;
	char *got = NULL;
	size_t got_len = 0;

	back = json_tokener_parse(json_object_to_json_string(o));
	if (!back || ct_json_get_bytes_any(back, &got, &got_len) < 0 ||
	    got_len != len || memcmp(got, s, len) != 0)
		abort(); /* the snapshot encoding lost bytes */
	free(got);
	json_object_put(back);
	json_object_put(o);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;

	for (int utf8 = 0; utf8 <= 1; utf8++) {
		ct_escape_set_utf8(utf8);
		check_term(s, size);
	}
	check_json(s, size);
	check_lossless(s, size);
	return 0;
}
