/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the network probes share: netlink sockets and dumps, names for the
 * kernel's numbers, JSON building and reading, and the libsmartcols table
 * every text output goes through.
 */
#ifndef CT_PROBE_COMMON_H
#define CT_PROBE_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <json-c/json.h>
#include <libsmartcols.h>
#include <netlink/cache.h>
#include <netlink/netlink.h>
#include <netlink/socket.h>

#include "util.h"

static inline void ct_json_putp(struct json_object **o)
{
	if (*o)
		json_object_put(*o);
}

static inline void ct_scols_unrefp(struct libscols_table **tb)
{
	if (*tb)
		scols_unref_table(*tb);
}

static inline void ct_nl_socket_freep(struct nl_sock **sk)
{
	if (*sk)
		nl_socket_free(*sk); /* closes it too */
}

static inline void ct_nl_cache_freep(struct nl_cache **c)
{
	if (*c)
		nl_cache_free(*c);
}

#define _cleanup_json_     _cleanup_(ct_json_putp)
#define _cleanup_table_    _cleanup_(ct_scols_unrefp)
#define _cleanup_nl_sock_  _cleanup_(ct_nl_socket_freep)
#define _cleanup_nl_cache_ _cleanup_(ct_nl_cache_freep)

/* How often a dump the kernel marked inconsistent (NLE_DUMP_INTR: the
 * table changed while it was read) is asked for again. */
#define CT_PROBE_DUMP_TRIES 5

/*
 * A netlink socket of protocol (NETLINK_ROUTE, NETLINK_SOCK_DIAG) in the
 * calling thread's network namespace, where it stays.  0 or -errno.
 */
int ct_probe_nl_open(int protocol, struct nl_sock **ret);

/*
 * Dump one libnl cache ("route/link", "route/addr", "route/route",
 * "route/rule", "route/neigh") over sk; family is the cache's first
 * argument where it takes one (AF_UNSPEC: all).  An interrupted dump is
 * asked for again.  0 or -errno.
 */
int ct_probe_nl_dump(struct nl_sock *sk, const char *kind, int family, struct nl_cache **ret);

/* "inet", "inet6", or NULL for another family. */
const char *ct_probe_family_name(int family);

/*
 * An address in its usual text: dotted quad, RFC 5952 IPv6, or
 * colon-separated hex bytes for a link-layer address.  buf must hold
 * CT_PROBE_ADDRSTRLEN bytes.  Returns buf, or NULL if len does not fit
 * the family.
 */
#define CT_PROBE_ADDRSTRLEN 100
const char *ct_probe_addr_str(int family, const void *addr, size_t len, char *buf);
/* Link-layer bytes as "aa:bb:..", or NULL when len is 0 or too long. */
const char *ct_probe_lladdr_str(const void *addr, size_t len, char *buf);

/* Scope and routing table as iproute2 names them ("global", "host",
 * "main", "local"): a json string, or a json number for one without a name. */
struct json_object *ct_probe_scope_json(unsigned scope);
struct json_object *ct_probe_table_json(uint32_t table);

/* The interface name for ifindex from a "route/link" cache, as a JSON
 * string of its raw bytes (container-made, so hostile), or NULL. */
struct json_object *ct_probe_ifname_json(struct nl_cache *links, int ifindex);

/* Add key to o: a string of hostile bytes, or null when s is NULL. */
void ct_probe_add_str(struct json_object *o, const char *key, const char *s);
/* Add key to o: a number, or null when known is false. */
void ct_probe_add_int(struct json_object *o, const char *key, int64_t v, bool known);

/* o[key] as a string, NULL if missing or not a string; the length too. */
const char *ct_probe_get_str(struct json_object *o, const char *key, size_t *ret_len);
/* o[key] as an array, NULL if it is not one. */
struct json_object *ct_probe_get_array(struct json_object *o, const char *key);

/* A column of a probe's text table. */
struct ct_probe_col {
	const char *name;
	double whint; /* width hint: columns, or a fraction of the line */
	int flags;    /* SCOLS_FL_* */
};

/* A table writing to out with these columns, or NULL (out of memory). */
struct libscols_table *ct_probe_table_new(FILE *out, const struct ct_probe_col *cols, size_t n);

/* Print tb to its stream, or the line "(what)" when it has no rows:
 * libsmartcols prints nothing at all for an empty table. */
void ct_probe_table_print(struct libscols_table *tb, FILE *out, const char *what);

/*
 * Set a cell from a JSON value, for the terminal: a string escaped
 * (ct_escape_term), null or missing as "-", a number as it is, an array
 * as its elements joined by ','.  0 or -ENOMEM.
 */
int ct_probe_cell(struct libscols_line *ln, size_t col, struct json_object *v);
/* Set a cell to text known to be safe (our own words and numbers). */
int ct_probe_cell_text(struct libscols_line *ln, size_t col, const char *text);

/* Escaped text of a JSON value as ct_probe_cell() shows it (free it). */
char *ct_probe_json_text(struct json_object *v);

#endif
