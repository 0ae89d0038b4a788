/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Terminal escaping and lossless JSON strings on hostile bytes. */
#include <stdlib.h>

#include "escape.h"
#include "jsonutil.h"
#include "tap.h"

static char *term(const char *s, size_t len)
{
	return ct_escape_term_dup(s, len);
}

static char *json_text(const char *s, size_t len)
{
	struct json_object *o = ct_json_bytes(s, len);
	char *r = xstrdup(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
								    JSON_C_TO_STRING_NOSLASHESCAPE));

	json_object_put(o);
	return r;
}

/* No byte a terminal would act on: C0, DEL, raw C1, UTF-8 C1, bidi. */
static bool terminal_safe(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	for (size_t i = 0; p[i]; i++) {
		if (p[i] < 0x20 || p[i] == 0x7f || (p[i] >= 0x80 && p[i] <= 0x9f && (i == 0 || p[i - 1] != 0xc2)))
			return p[i] >= 0x80 && i > 0 && p[i - 1] >= 0xc0 ? true : false;
		if (p[i] == 0xc2 && p[i + 1] >= 0x80 && p[i + 1] <= 0x9f)
			return false;
		if (p[i] == 0xe2 && p[i + 1] == 0x80 && p[i + 2] >= 0xaa && p[i + 2] <= 0xae)
			return false;
	}
	return true;
}

static void test_term(void)
{
	struct {
		const char *in;
		size_t len;
		const char *out;
	} cases[] = {
		{ "plain text", 10, "plain text" },
		{ "back\\slash", 10, "back\\\\slash" },
		{ "\x1b]52;c;cHduZWQ=\x07", 16, "\\x1b]52;c;cHduZWQ=\\x07" },
		{ "\x1b[2J\x1b[H", 7, "\\x1b[2J\\x1b[H" },
		{ "new\nline\ttab", 12, "new\\x0aline\\x09tab" },
		{ "del\x7f", 4, "del\\x7f" },
		{ "raw C1 \x9b" "31m", 11, "raw C1 \\x9b31m" },
		{ "utf8 C1 \xc2\x9b" "31m", 13, "utf8 C1 \\u{009b}31m" },
		{ "bidi \xe2\x80\xae" "evil", 12, "bidi \\u{202e}evil" },
		{ "isolate \xe2\x81\xa6x", 12, "isolate \\u{2066}x" },
		{ "caf\xc3\xa9", 5, "caf\xc3\xa9" },
		{ "bad \xff\xfe utf8", 11, "bad \\xff\\xfe utf8" },
		{ "overlong \xc0\xaf", 11, "overlong \\xc0\\xaf" },
		{ "surrogate \xed\xa0\x80", 13, "surrogate \\xed\\xa0\\x80" },
		{ "truncated \xe2\x80", 12, "truncated \\xe2\\x80" },
		{ "nul\0inside", 10, "nul\\x00inside" },
	};

	ct_escape_set_utf8(true);
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		char *got = term(cases[i].in, cases[i].len);

		is_str(got, cases[i].out, "term escape case %zu", i);
		ok(terminal_safe(got), "term escape case %zu is terminal safe", i);
		free(got);
	}

	ct_escape_set_utf8(false);
	char *got = term("caf\xc3\xa9", 5);
	is_str(got, "caf\\u{00e9}", "term escape: non-UTF-8 locale escapes all non-ASCII");
	free(got);
	ct_escape_set_utf8(true);

	/* Every byte value, alone and after a lead byte: never unsafe output. */
	bool all_safe = true;
	for (int b = 0; b < 256; b++) {
		char in[3] = { (char)b, (char)0x9b, 'x' };
		char *o1 = term(in, 1), *o2 = term(in, 3);

		all_safe = all_safe && terminal_safe(o1) && terminal_safe(o2);
		free(o1);
		free(o2);
	}
	ok(all_safe, "term escape: every byte value comes out safe");
}

static void test_json(void)
{
	char *t;

	t = json_text("plain", 5);
	is_str(t, "\"plain\"", "json: plain string");
	free(t);
	t = json_text("q\"b\\/", 5);
	is_str(t, "\"q\\\"b\\\\/\"", "json: quote and backslash");
	free(t);
	t = json_text("\x1b[31m\xc2\x9b\xe2\x80\xae", 10);
	is_str(t, "\"\\u001b[31m\\u009b\\u202e\"", "json: control and bidi as \\u escapes");
	free(t);
	t = json_text("a\xff" "b", 3);
	is_str(t, "\"a\\udcffb\"", "json: invalid byte as surrogateescape");
	free(t);
	t = json_text("caf\xc3\xa9", 5);
	is_str(t, "\"caf\xc3\xa9\"", "json: valid UTF-8 kept");
	free(t);
	t = json_text("\xf3\xa0\x80\x81", 4);
	is_str(t, "\"\\udb40\\udc01\"", "json: astral tag character as a surrogate pair");
	free(t);

	/* Everything we emit must parse back. */
	bool all_parse = true;
	for (int b = 0; b < 256; b++) {
		char in[4] = { 'x', (char)b, (char)0x80, 'y' };
		const char *why;
		struct json_object *o;

		t = json_text(in, sizeof(in));
		if (ct_json_parse_buf(t, strlen(t), &o, &why) < 0)
			all_parse = false;
		else
			json_object_put(o);
		free(t);
	}
	ok(all_parse, "json: every byte value gives valid JSON");
}

static void test_lossless(void)
{
	const char in[] = "a\xff\x1b\xc2\x9b" "b";
	struct json_object *o = ct_json_bytes_lossless(in, sizeof(in) - 1);
	const char *text = json_object_to_json_string(o);
	struct json_object *back;
	const char *why;
	char *bytes;
	size_t len;

	ok(ct_json_get(o, "hex") != NULL, "lossless: non-UTF-8 as hex");
	ok(ct_json_parse_buf(text, strlen(text), &back, &why) == 0, "lossless: reparses");
	ok(ct_json_get_bytes(back, &bytes, &len) == 0 && len == sizeof(in) - 1 &&
		   memcmp(bytes, in, len) == 0,
	   "lossless: exact bytes back");
	free(bytes);
	json_object_put(back);
	json_object_put(o);

	o = ct_json_bytes_lossless("\x1b]0;t\x07", 6);
	text = json_object_to_json_string(o);
	ok(json_object_is_type(o, json_type_string), "lossless: UTF-8 with controls stays a string");
	ok(ct_json_parse_buf(text, strlen(text), &back, &why) == 0 &&
		   ct_json_get_bytes(back, &bytes, &len) == 0 && len == 6 &&
		   memcmp(bytes, "\x1b]0;t\x07", 6) == 0,
	   "lossless: control bytes round trip");
	free(bytes);
	json_object_put(back);
	json_object_put(o);

	struct json_object *h = json_object_new_object();
	json_object_object_add(h, "hex", json_object_new_string("6100"));
	ok(ct_json_get_bytes(h, &bytes, &len) < 0, "lossless: NUL byte refused");
	json_object_put(h);
}

int main(void)
{
	test_term();
	test_json();
	test_lossless();
	return tap_done();
}
