/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Cheap properties every harness checks on what a parser gave back: an
 * abort() makes libFuzzer keep the input.  Strings must end within
 * bounds (a parser copies them out of an input of `max` bytes: a longer
 * one read past it), records must have what the API promises.
 */
#ifndef CT_FUZZ_CHECK_H
#define CT_FUZZ_CHECK_H

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <json.h>

#include "escape.h"
#include "runtime.h"

/*
 * Text for a terminal: valid UTF-8 with no control byte, DEL or unsafe code
 * point (ct_cp_is_unsafe: C1, bidi controls, ...), ASCII only if !utf8 (the
 * escaping of a non-UTF-8 locale); '\n' only where newline says lines may be.
 */
static inline void fuzz_check_text(const char *t, size_t n, bool utf8, bool newline)
{
	for (size_t i = 0; i < n;) {
		uint32_t cp;
		size_t k;

		if (t[i] == '\n' && newline) {
			i++;
			continue;
		}
		k = ct_utf8_decode((const unsigned char *)t + i, n - i, &cp);
		if (k == 0 || cp < 0x20 || cp == 0x7f || ct_cp_is_unsafe(cp))
			abort(); /* a control byte or an unsafe code point reached the text */
		if (!utf8 && cp >= 0x80)
			abort(); /* non-ASCII although the locale is not UTF-8 */
		i += k;
	}
}

/* One strict JSON object and nothing after it but white space. */
static inline void fuzz_check_json(const char *t, size_t n)
{
	struct json_tokener *tok = json_tokener_new_ex(JSON_TOKENER_DEFAULT_DEPTH);
	struct json_object *o;

	if (!tok)
		abort();
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
	o = json_tokener_parse_ex(tok, t, (int)n);
	if (!o || !json_object_is_type(o, json_type_object))
		abort(); /* not a JSON object */
	for (size_t i = json_tokener_get_parse_end(tok); i < n; i++)
		if (t[i] != ' ' && t[i] != '\t' && t[i] != '\r' && t[i] != '\n')
			abort(); /* something after the object */
	json_object_put(o);
	json_tokener_free(tok);
}

/* NULL, or a C string of at most max bytes. */
static inline void fuzz_check_str(const char *s, size_t max)
{
	if (s && strnlen(s, max + 1) > max)
		abort();
}

static inline void fuzz_check_kv(const struct ct_kv *kv, size_t n, size_t max)
{
	if (n && !kv)
		abort();
	for (size_t i = 0; i < n; i++) {
		if (!kv[i].key || !kv[i].value)
			abort();
		fuzz_check_str(kv[i].key, max);
		fuzz_check_str(kv[i].value, max);
	}
}

/* A record of a parser whose input had max bytes. */
static inline void fuzz_check_rec(const struct ct_container_rec *r, size_t max)
{
	if (!r->id || !*r->id || !r->source)
		abort();
	fuzz_check_str(r->id, max);
	fuzz_check_str(r->name, max);
	fuzz_check_str(r->image, max);
	fuzz_check_str(r->engine_ns, max);
	fuzz_check_str(r->runtime, max);
	fuzz_check_str(r->bundle, max);
	fuzz_check_str(r->status, max + 16); /* may be a state's name */
	if (r->init_pid < 0)
		abort();
	fuzz_check_kv(r->labels, r->n_labels, max);
	if (r->n_ports && !r->ports)
		abort();
	for (size_t i = 0; i < r->n_ports; i++) {
		const struct ct_port *p = &r->ports[i];

		if (p->host_port < 0 || p->host_port > 65535 || p->container_port < 0 ||
		    p->container_port > 65535)
			abort();
		fuzz_check_str(p->host_ip, max);
		fuzz_check_str(p->container_ip, max);
		fuzz_check_str(p->proto, max);
	}
}

static inline void fuzz_check_list(const struct ct_container_list *l, size_t max)
{
	if (l->n && !l->recs)
		abort();
	for (size_t i = 0; i < l->n; i++)
		fuzz_check_rec(&l->recs[i], max);
}

/*
 * What a pure parser returned: a failure must be fail (0: any -errno), say
 * why and hand nothing out (untouched); a success must be 0 without a
 * reason.  Frees the reason; true on success.
 */
static inline bool fuzz_check_ret(int ret, int fail, char *err, bool untouched)
{
	if (ret < 0) {
		if ((fail && ret != fail) || !err || !untouched)
			abort();
		fuzz_check_str(err, 4096);
		free(err);
		return false;
	}
	if (ret != 0 || err)
		abort();
	return true;
}

static inline int fuzz_strpcmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* No two records with one id (O(n log n): a list may be long). */
static inline void fuzz_check_unique_ids(const struct ct_container_list *l)
{
	const char **ids = malloc((l->n + 1) * sizeof(*ids));

	if (!ids)
		abort();
	for (size_t i = 0; i < l->n; i++)
		ids[i] = l->recs[i].id;
	qsort(ids, l->n, sizeof(*ids), fuzz_strpcmp);
	for (size_t i = 1; i < l->n; i++)
		if (strcmp(ids[i - 1], ids[i]) == 0)
			abort();
	free(ids);
}

/*
 * The inputs of the protobuf harnesses hold several messages, each as a
 * 4-byte little-endian length and that many bytes; 0xffffffff stands for
 * a message not asked for (no bytes follow), a length past the end takes
 * what is left, the end of the input leaves every later message absent.
 * Each message lands in a buffer of its own exact size (malloc'd even
 * when empty, as the query gives it), so reading past it is caught.
 * Returns false for an absent message.
 */
#define FUZZ_ABSENT 0xffffffffu

static inline bool fuzz_next_blob(const uint8_t **p, size_t *left, uint8_t **ret, size_t *ret_len)
{
	uint32_t n;

	*ret = NULL;
	*ret_len = 0;
	if (*left < 4)
		return (*left = 0), false;
	n = (uint32_t)(*p)[0] | (uint32_t)(*p)[1] << 8 | (uint32_t)(*p)[2] << 16 |
	    (uint32_t)(*p)[3] << 24;
	*p += 4;
	*left -= 4;
	if (n == FUZZ_ABSENT)
		return false;
	if (n > *left)
		n = (uint32_t)*left;
	*ret = malloc(n ? n : 1);
	if (!*ret)
		abort();
	memcpy(*ret, *p, n);
	*ret_len = n;
	*p += n;
	*left -= n;
	return true;
}

#endif
