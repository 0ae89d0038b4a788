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

#endif
