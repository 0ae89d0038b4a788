/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <fcntl.h>
#include <string.h>

#include "jsonutil.h"

struct json_object *ct_json_get(struct json_object *o, const char *key)
{
	struct json_object *v;

	if (!o || !json_object_is_type(o, json_type_object))
		return NULL;
	return json_object_object_get_ex(o, key, &v) ? v : NULL;
}

int ct_json_get_u64(struct json_object *o, uint64_t *ret)
{
	if (!o || !json_object_is_type(o, json_type_int))
		return -EINVAL;
	errno = 0;
	if (json_object_get_int64(o) < 0)
		return -EINVAL;
	*ret = json_object_get_uint64(o);
	return errno ? -EINVAL : 0;
}

int ct_json_get_i64(struct json_object *o, int64_t *ret)
{
	int64_t v;

	if (!o || !json_object_is_type(o, json_type_int))
		return -EINVAL;
	errno = 0;
	v = json_object_get_int64(o);
	if (errno)
		return -EINVAL;
	*ret = v;
	return 0;
}

int ct_json_parse_buf(const char *buf, size_t len, struct json_object **ret,
		      const char **ret_error)
{
	struct json_tokener *tok;
	struct json_object *o;
	enum json_tokener_error e;

	if (len > INT32_MAX) {
		*ret_error = "document too large";
		return -EFBIG;
	}
	tok = json_tokener_new_ex(64);
	if (!tok)
		return -ENOMEM;
	o = json_tokener_parse_ex(tok, buf, (int)len);
	e = json_tokener_get_error(tok);
	if (e == json_tokener_continue) {
		*ret_error = "truncated JSON document";
		json_object_put(o);
		json_tokener_free(tok);
		return -EINVAL;
	}
	if (e != json_tokener_success) {
		*ret_error = json_tokener_error_desc(e);
		json_tokener_free(tok);
		return -EINVAL;
	}
	/* Only white space may follow the document. */
	for (size_t i = json_tokener_get_parse_end(tok); i < len; i++) {
		if (!strchr(" \t\r\n", buf[i])) {
			*ret_error = "trailing data after the JSON document";
			json_object_put(o);
			json_tokener_free(tok);
			return -EINVAL;
		}
	}
	json_tokener_free(tok);
	*ret = o;
	return 0;
}

int ct_json_parse_file(const char *path, size_t cap, struct json_object **ret,
		       const char **ret_error)
{
	_cleanup_free_ char *buf = NULL;
	size_t len;
	bool trunc;
	int r;

	r = ct_read_file_at(AT_FDCWD, path, cap, &buf, &len, &trunc);
	if (r < 0) {
		*ret_error = NULL;
		return r;
	}
	if (trunc) {
		*ret_error = "file too large";
		return -EFBIG;
	}
	return ct_json_parse_buf(buf, len, ret, ret_error);
}

void ct_json_append(struct ct_buf *b, struct json_object *o)
{
	size_t len;
	const char *s = json_object_to_json_string_length(
		o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE, &len);

	ct_buf_put(b, s, len);
}

int ct_json_drop_member(const char *buf, size_t len, const char *const *path, char **ret, size_t *ret_len)
{
	struct json_object *root = NULL, *o;
	const char *why, *text;
	size_t n;

	if (ct_json_parse_buf(buf, len, &root, &why) < 0)
		return -EINVAL;
	o = root;
	for (; o && path[1]; path++)
		o = ct_json_get(o, *path);
	if (!o || !ct_json_get(o, *path)) {
		json_object_put(root);
		return 0;
	}
	json_object_object_del(o, *path);
	text = json_object_to_json_string_length(root, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE, &n);
	*ret = xmemdup0(text, n);
	*ret_len = n;
	json_object_put(root);
	return 1;
}
