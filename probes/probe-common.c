/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <string.h>
#include <sys/socket.h>

#include <linux/rtnetlink.h>
#include <netlink/errno.h>
#include <netlink/route/link.h>

#include "escape.h"
#include "probe-common.h"
#include "probes.h"

int ct_probe_nl_open(int protocol, struct nl_sock **ret)
{
	_cleanup_nl_sock_ struct nl_sock *sk = nl_socket_alloc();
	int r;

	if (!sk)
		return -ENOMEM;
	/* libnl opens it SOCK_CLOEXEC. */
	r = nl_connect(sk, protocol);
	if (r < 0)
		return ct_nl_errno(r);
	*ret = TAKE_PTR(sk);
	return 0;
}

int ct_probe_nl_dump(struct nl_sock *sk, const char *kind, int family, struct nl_cache **ret)
{
	_cleanup_nl_cache_ struct nl_cache *c = NULL;
	int r;

	r = nl_cache_alloc_name(kind, &c);
	if (r < 0)
		return ct_nl_errno(r);
	nl_cache_set_arg1(c, family);
	for (int i = 1;; i++) {
		r = nl_cache_refill(sk, c); /* empties the cache first */
		if (r != -NLE_DUMP_INTR || i >= CT_PROBE_DUMP_TRIES)
			break;
	}
	if (r < 0)
		return ct_nl_errno(r);
	*ret = TAKE_PTR(c);
	return 0;
}

const char *ct_probe_family_name(int family)
{
	switch (family) {
	case AF_INET:
		return "inet";
	case AF_INET6:
		return "inet6";
	default:
		return NULL;
	}
}

const char *ct_probe_lladdr_str(const void *addr, size_t len, char *buf)
{
	const unsigned char *p = addr;

	if (len == 0 || len * 3 > CT_PROBE_ADDRSTRLEN)
		return NULL;
	for (size_t i = 0; i < len; i++)
		snprintf(buf + 3 * i, 4, "%02x%s", p[i], i + 1 < len ? ":" : "");
	return buf;
}

const char *ct_probe_addr_str(int family, const void *addr, size_t len, char *buf)
{
	if (family == AF_INET && len == 4)
		return inet_ntop(AF_INET, addr, buf, CT_PROBE_ADDRSTRLEN);
	if (family == AF_INET6 && len == 16)
		return inet_ntop(AF_INET6, addr, buf, CT_PROBE_ADDRSTRLEN);
	if (family == AF_INET || family == AF_INET6)
		return NULL;
	return ct_probe_lladdr_str(addr, len, buf);
}

struct json_object *ct_probe_scope_json(unsigned scope)
{
	switch (scope) {
	case RT_SCOPE_UNIVERSE:
		return json_object_new_string("global");
	case RT_SCOPE_SITE:
		return json_object_new_string("site");
	case RT_SCOPE_LINK:
		return json_object_new_string("link");
	case RT_SCOPE_HOST:
		return json_object_new_string("host");
	case RT_SCOPE_NOWHERE:
		return json_object_new_string("nowhere");
	default:
		return json_object_new_int64(scope);
	}
}

struct json_object *ct_probe_table_json(uint32_t table)
{
	/* Our own names, not /etc/iproute2/rt_tables: the host's file says
	 * nothing about a container's tables. */
	switch (table) {
	case RT_TABLE_DEFAULT:
		return json_object_new_string("default");
	case RT_TABLE_MAIN:
		return json_object_new_string("main");
	case RT_TABLE_LOCAL:
		return json_object_new_string("local");
	default:
		return json_object_new_int64(table);
	}
}

struct json_object *ct_probe_ifname_json(struct nl_cache *links, int ifindex)
{
	struct rtnl_link *l;
	struct json_object *o = NULL;

	if (!links || ifindex <= 0)
		return NULL;
	l = rtnl_link_get(links, ifindex);
	if (l) {
		o = ct_json_str(rtnl_link_get_name(l));
		rtnl_link_put(l);
	}
	return o;
}

void ct_probe_add_str(struct json_object *o, const char *key, const char *s)
{
	json_object_object_add(o, key, s ? ct_json_str(s) : NULL);
}

void ct_probe_add_int(struct json_object *o, const char *key, int64_t v, bool known)
{
	json_object_object_add(o, key, known ? json_object_new_int64(v) : NULL);
}

const char *ct_probe_get_str(struct json_object *o, const char *key, size_t *ret_len)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string))
		return NULL;
	if (ret_len)
		*ret_len = (size_t)json_object_get_string_len(v);
	return json_object_get_string(v);
}

struct json_object *ct_probe_get_array(struct json_object *o, const char *key)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_array))
		return NULL;
	return v;
}

static void json_text(struct ct_buf *b, struct json_object *v)
{
	switch (json_object_get_type(v)) {
	case json_type_null:
		ct_buf_putc(b, '-');
		break;
	case json_type_string:
		ct_escape_term(b, json_object_get_string(v), (size_t)json_object_get_string_len(v));
		break;
	case json_type_int:
		ct_buf_printf(b, "%" PRId64, json_object_get_int64(v));
		break;
	case json_type_boolean:
		ct_buf_puts(b, json_object_get_boolean(v) ? "yes" : "no");
		break;
	case json_type_array: {
		size_t n = json_object_array_length(v);

		if (n == 0)
			ct_buf_putc(b, '-');
		for (size_t i = 0; i < n; i++) {
			if (i)
				ct_buf_putc(b, ',');
			json_text(b, json_object_array_get_idx(v, i));
		}
		break;
	}
	default: {
		/* Not made by our probes; json-c's text escapes it already. */
		const char *s = json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN);

		ct_escape_term(b, s, strlen(s));
		break;
	}
	}
}

char *ct_probe_json_text(struct json_object *v)
{
	struct ct_buf b = { 0 };

	json_text(&b, v);
	if (b.len == 0) { /* an empty string: ct_buf_grow() left no NUL */
		free(b.data);
		return xstrdup("");
	}
	return b.data;
}

struct libscols_table *ct_probe_table_new(FILE *out, const struct ct_probe_col *cols, size_t n)
{
	struct libscols_table *tb = scols_new_table();

	if (!tb)
		return NULL;
	/* Cells are escaped already (ct_escape_term). */
	scols_table_enable_noencoding(tb, 1);
	scols_table_set_stream(tb, out);
	for (size_t i = 0; i < n; i++) {
		if (!scols_table_new_column(tb, cols[i].name, cols[i].whint, cols[i].flags)) {
			scols_unref_table(tb);
			return NULL;
		}
	}
	return tb;
}

void ct_probe_table_print(struct libscols_table *tb, FILE *out, const char *what)
{
	if (scols_table_get_nlines(tb) == 0)
		fprintf(out, "(%s)\n", what);
	else
		scols_print_table(tb);
}

int ct_probe_cell(struct libscols_line *ln, size_t col, struct json_object *v)
{
	char *s = ct_probe_json_text(v);

	/* The line owns s only when it took it. */
	if (scols_line_refer_data(ln, col, s) < 0) {
		free(s);
		return -ENOMEM;
	}
	return 0;
}

int ct_probe_cell_text(struct libscols_line *ln, size_t col, const char *text)
{
	return scols_line_set_data(ln, col, text ? text : "-") < 0 ? -ENOMEM : 0;
}
