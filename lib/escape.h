/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Everything a container controls is hostile: these turn arbitrary bytes into
 * text that is safe on a terminal, and into JSON that is valid and lossless.
 */
#ifndef CT_ESCAPE_H
#define CT_ESCAPE_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>
#include <json.h>

#include "util.h"

/*
 * Decode one UTF-8 sequence at s (len > 0).  Returns its length (1-4) and
 * stores the code point, or returns 0 for an invalid, overlong, truncated or
 * surrogate sequence.
 */
size_t ct_utf8_decode(const unsigned char *s, size_t len, uint32_t *ret_cp);

/* True for code points that must never reach a terminal raw: C0, DEL, C1,
 * bidi overrides and isolates, zero-width and other format characters. */
bool ct_cp_is_unsafe(uint32_t cp);

/* Whether to pass valid non-ASCII UTF-8 through to the terminal (decided
 * once from the locale's codeset; tests run under LC_ALL=C). */
void ct_escape_set_utf8(bool utf8);
bool ct_escape_get_utf8(void);

/*
 * Append a terminal-safe rendering of [s, s+len) to out: printable text as
 * is, a backslash as "\\", an invalid byte or any unsafe ASCII as "\xNN", an
 * unsafe or (in a non-UTF-8 locale) non-ASCII code point as "\u{XXXX}".
 */
void ct_escape_term(struct ct_buf *out, const char *s, size_t len);

/* Convenience: a newly allocated terminal-safe copy. */
char *ct_escape_term_dup(const char *s, size_t len);

/*
 * A json-c string for arbitrary bytes.  Valid UTF-8 stays as is; unsafe code
 * points are written as \uXXXX escapes; bytes that are not UTF-8 become
 * \udcXX (the "surrogateescape" convention), so the text stays valid JSON,
 * nothing is dropped and the original bytes can be recovered.
 */
struct json_object *ct_json_bytes(const char *s, size_t len);
static inline struct json_object *ct_json_str(const char *s)
{
	return s ? ct_json_bytes(s, strlen(s)) : NULL;
}

/* Can these bytes be a JSON object key as they are (valid UTF-8, no
 * control, bidi or other unsafe code point)? */
bool ct_json_key_safe(const char *s);

/*
 * The snapshot encoding: a JSON string when the bytes are valid UTF-8,
 * otherwise {"hex": "..."}; json-c's parser cannot give back \udcXX.
 * ct_json_get_bytes() reads either form; returns 0 or -EINVAL.
 */
struct json_object *ct_json_bytes_lossless(const char *s, size_t len);
int ct_json_get_bytes(struct json_object *o, char **ret, size_t *ret_len);
/* The same, but NUL bytes are allowed (binary replies); *ret is
 * NUL-terminated beyond *ret_len. */
int ct_json_get_bytes_any(struct json_object *o, char **ret, size_t *ret_len);

#endif
