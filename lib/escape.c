/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <string.h>
#include <printbuf.h>

#include "escape.h"

static bool escape_utf8 = true;

void ct_escape_set_utf8(bool utf8)
{
	escape_utf8 = utf8;
}

bool ct_escape_get_utf8(void)
{
	return escape_utf8;
}

size_t ct_utf8_decode(const unsigned char *s, size_t len, uint32_t *ret_cp)
{
	uint32_t cp, min;
	size_t n;

	if (s[0] < 0x80) {
		*ret_cp = s[0];
		return 1;
	} else if ((s[0] & 0xe0) == 0xc0) {
		n = 2, cp = s[0] & 0x1f, min = 0x80;
	} else if ((s[0] & 0xf0) == 0xe0) {
		n = 3, cp = s[0] & 0x0f, min = 0x800;
	} else if ((s[0] & 0xf8) == 0xf0) {
		n = 4, cp = s[0] & 0x07, min = 0x10000;
	} else {
		return 0;
	}
	if (len < n)
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	*ret_cp = cp;
	return n;
}

bool ct_cp_is_unsafe(uint32_t cp)
{
	if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f))
		return true; /* C0, DEL, C1 (CSI, OSC, ST as U+009B, U+009D, ...) */
	switch (cp) {
	case 0x00ad: /* soft hyphen */
	case 0x061c: /* arabic letter mark */
	case 0x180e:
	case 0xfeff: /* zero-width no-break space */
		return true;
	}
	return (cp >= 0x200b && cp <= 0x200f) || /* zero width, LRM, RLM */
	       (cp >= 0x2028 && cp <= 0x202e) || /* separators, bidi embeddings/overrides */
	       (cp >= 0x2060 && cp <= 0x206f) || /* word joiner, bidi isolates */
	       (cp >= 0xfff9 && cp <= 0xfffb) || /* interlinear annotations */
	       (cp >= 0xe0000 && cp <= 0xe007f); /* tag characters */
}

void ct_escape_term(struct ct_buf *out, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;

	ct_buf_grow(out, len + 1);
	while (i < len) {
		uint32_t cp;
		size_t n;

		if (p[i] >= 0x20 && p[i] < 0x7f) {
			if (p[i] == '\\')
				ct_buf_put(out, "\\\\", 2);
			else
				ct_buf_putc(out, (char)p[i]);
			i++;
			continue;
		}
		n = ct_utf8_decode(p + i, len - i, &cp);
		if (n == 0 || n == 1) {
			/* invalid byte, or a C0 control / DEL */
			ct_buf_printf(out, "\\x%02x", p[i]);
			i++;
		} else if (!escape_utf8 || ct_cp_is_unsafe(cp)) {
			ct_buf_printf(out, "\\u{%04x}", cp);
			i += n;
		} else {
			ct_buf_put(out, p + i, n);
			i += n;
		}
	}
}

char *ct_escape_term_dup(const char *s, size_t len)
{
	struct ct_buf b = { 0 };

	ct_escape_term(&b, s, len);
	if (!b.data || b.len == 0) {
		free(b.data);
		return xstrdup("");
	}
	return b.data;
}

/* Does this string need our own serializer rather than json-c's? */
static bool json_needs_escape(const unsigned char *p, size_t len)
{
	for (size_t i = 0; i < len;) {
		uint32_t cp;
		size_t n;

		if (p[i] >= 0x20 && p[i] < 0x7f) {
			i++;
			continue;
		}
		if (p[i] < 0x20)
			return true;
		n = ct_utf8_decode(p + i, len - i, &cp);
		if (n == 0 || ct_cp_is_unsafe(cp))
			return true;
		i += n;
	}
	return false;
}

static void pb_u16(struct printbuf *pb, unsigned v)
{
	char tmp[16];

	snprintf(tmp, sizeof(tmp), "\\u%04x", v & 0xffff);
	printbuf_memappend(pb, tmp, 6);
}

static int json_bytes_serialize(struct json_object *o, struct printbuf *pb, int level,
				int flags)
{
	const unsigned char *p = (const unsigned char *)json_object_get_string(o);
	size_t len = (size_t)json_object_get_string_len(o);

	printbuf_memappend(pb, "\"", 1);
	for (size_t i = 0; i < len;) {
		uint32_t cp;
		size_t n;

		if (p[i] >= 0x20 && p[i] < 0x7f) {
			if (p[i] == '"' || p[i] == '\\')
				printbuf_memappend(pb, "\\", 1);
			printbuf_memappend(pb, (const char *)p + i, 1);
			i++;
			continue;
		}
		n = ct_utf8_decode(p + i, len - i, &cp);
		if (n == 0) {
			pb_u16(pb, 0xdc00 | p[i]);
			i++;
		} else if (ct_cp_is_unsafe(cp)) {
			if (cp >= 0x10000) {
				cp -= 0x10000;
				pb_u16(pb, 0xd800 | (cp >> 10));
				pb_u16(pb, 0xdc00 | (cp & 0x3ff));
			} else {
				pb_u16(pb, cp);
			}
			i += n;
		} else {
			printbuf_memappend(pb, (const char *)p + i, (int)n);
			i += n;
		}
	}
	printbuf_memappend(pb, "\"", 1);
	return 0;
}

bool ct_json_key_safe(const char *s)
{
	return !json_needs_escape((const unsigned char *)s, strlen(s));
}

struct json_object *ct_json_bytes(const char *s, size_t len)
{
	struct json_object *o = json_object_new_string_len(s, (int)len);

	if (o && json_needs_escape((const unsigned char *)s, len))
		json_object_set_serializer(o, json_bytes_serialize, NULL, NULL);
	return o;
}

static bool utf8_valid(const unsigned char *p, size_t len)
{
	for (size_t i = 0; i < len;) {
		uint32_t cp;
		size_t n = ct_utf8_decode(p + i, len - i, &cp);

		if (n == 0 || cp == 0)
			return false;
		i += n;
	}
	return true;
}

struct json_object *ct_json_bytes_lossless(const char *s, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	struct json_object *o;
	_cleanup_free_ char *h = NULL;

	if (utf8_valid((const unsigned char *)s, len))
		return ct_json_bytes(s, len);
	h = xmalloc(len * 2 + 1);
	for (size_t i = 0; i < len; i++) {
		h[2 * i] = hex[(unsigned char)s[i] >> 4];
		h[2 * i + 1] = hex[(unsigned char)s[i] & 0xf];
	}
	o = json_object_new_object();
	json_object_object_add(o, "hex", json_object_new_string_len(h, (int)(len * 2)));
	return o;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static int get_bytes(struct json_object *o, bool allow_nul, char **ret, size_t *ret_len);

int ct_json_get_bytes(struct json_object *o, char **ret, size_t *ret_len)
{
	return get_bytes(o, false, ret, ret_len);
}

int ct_json_get_bytes_any(struct json_object *o, char **ret, size_t *ret_len)
{
	return get_bytes(o, true, ret, ret_len);
}

static int get_bytes(struct json_object *o, bool allow_nul, char **ret, size_t *ret_len)
{
	struct json_object *h;
	const char *s;
	size_t len;
	char *buf;

	if (json_object_is_type(o, json_type_string)) {
		s = json_object_get_string(o);
		len = (size_t)json_object_get_string_len(o);
		if (!allow_nul && memchr(s, '\0', len))
			return -EINVAL;
		*ret = xmemdup0(s, len);
		if (ret_len)
			*ret_len = len;
		return 0;
	}
	if (!json_object_is_type(o, json_type_object) || !json_object_object_get_ex(o, "hex", &h) ||
	    !json_object_is_type(h, json_type_string))
		return -EINVAL;
	s = json_object_get_string(h);
	len = (size_t)json_object_get_string_len(h);
	if (len % 2)
		return -EINVAL;
	buf = xmalloc(len / 2 + 1);
	for (size_t i = 0; i < len / 2; i++) {
		int hi = hexval(s[2 * i]), lo = hexval(s[2 * i + 1]);

		if (hi < 0 || lo < 0 || (!allow_nul && hi == 0 && lo == 0)) {
			free(buf);
			return -EINVAL;
		}
		buf[i] = (char)(hi << 4 | lo);
	}
	buf[len / 2] = '\0';
	*ret = buf;
	if (ret_len)
		*ret_len = len / 2;
	return 0;
}
