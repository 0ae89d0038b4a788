/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Small json-c helpers: typed, strict getters for untrusted documents. */
#ifndef CT_JSONUTIL_H
#define CT_JSONUTIL_H

#include <stdint.h>
#include <json.h>

#include "util.h"

/* o[key] or NULL (also when o is not an object). */
struct json_object *ct_json_get(struct json_object *o, const char *key);
/* 0 or -EINVAL when o is not an integer in range. */
int ct_json_get_u64(struct json_object *o, uint64_t *ret);
int ct_json_get_i64(struct json_object *o, int64_t *ret);

/* Parse a file of at most cap bytes; on error *ret_error says why. */
int ct_json_parse_file(const char *path, size_t cap, struct json_object **ret,
		       const char **ret_error);
/* Parse a buffer; json-c depth limit applies. */
int ct_json_parse_buf(const char *buf, size_t len, struct json_object **ret,
		      const char **ret_error);

/* Append o's compact text to b. */
void ct_json_append(struct ct_buf *b, struct json_object *o);

/*
 * A document's text without the member at path (path[0] of the top object,
 * path[1] of that, ...; NULL-terminated): how environments ("process",
 * "env" of an OCI config.json) are kept out of what we store.  1 with the
 * new text in *ret (malloc'd, *ret_len bytes), 0 when there is no such
 * member, -EINVAL when buf is not JSON; *ret untouched unless 1.
 */
int ct_json_drop_member(const char *buf, size_t len, const char *const *path, char **ret, size_t *ret_len);

#endif
