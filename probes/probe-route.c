/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The probes "routes" (every routing table, and the policy rules that pick
 * one) and "neigh" (the ARP and NDP caches), dumped over one rtnetlink
 * socket opened in the target's network namespace.  Only IPv4 and IPv6
 * are shown (an AF_UNSPEC dump also brings multicast routing tables).
 *
 * JSON of "routes", in the kernel's dump order (IPv4, then IPv6):
 *
 *   {"routes": [{"table": "main" | "local" | "default" | 100,
 *                "family": "inet" | "inet6",
 *                "dst": "default" | "10.0.0.0/24",   always with the prefix
 *                                                     length; "default" is /0
 *                "gateway": "10.0.0.1" | null,
 *                "dev": "eth0" | null,
 *                "prefsrc": "10.0.0.2" | null,
 *                "protocol": "kernel" | "boot" | "static" | "dhcp" | ... | number,
 *                "scope": "global" | "link" | "host" | ... | number,
 *                "metric": 100 | null,      null: none (0)
 *                "type": "unicast" | "local" | "broadcast" | "multicast" |
 *                        "blackhole" | "unreachable" | "prohibit" | "throw" | ...,
 *                "flags": ["linkdown", "onlink", ...],   RTNH_F_* of the
 *                                                     route and its first hop
 *                "nexthops": [{"gateway": .., "dev": ..}]   only for a
 *                                                     multipath route; gateway
 *                                                     and dev are the first's
 *               }],
 *    "rules": [{"priority": 0,
 *               "family": "inet" | "inet6",
 *               "table": "local" | "main" | 100 | null,   null unless the
 *                                                         action is "lookup"
 *               "from": "10.0.0.0/24" | null,   null: from all
 *               "to": "10.1.0.0/16" | null,     null: to all
 *               "iif": "eth0" | null, "oif": "eth1" | null,
 *               "fwmark": 1 | null,
 *               "action": "lookup" | "goto" | "nop" | "blackhole" |
 *                         "unreachable" | "prohibit" | number}]}
 *
 * JSON of "neigh":
 *
 *   {"neigh": [{"ifname": "eth0", "family": "inet" | "inet6",
 *               "address": "10.0.0.1",
 *               "lladdr": "aa:bb:cc:dd:ee:ff" | null,
 *               "state": "REACHABLE" | "STALE" | "PERMANENT" | "NOARP" |
 *                        "FAILED" | "INCOMPLETE" | "DELAY" | "PROBE" | "NONE"
 *                        (several joined by ',')}]}
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <linux/fib_rules.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>
#include <netlink/route/link.h>
#include <netlink/route/neighbour.h>
#include <netlink/route/nexthop.h>
#include <netlink/route/route.h>
#include <netlink/route/rule.h>

#include "escape.h"
#include "probe-common.h"
#include "probes-internal.h"

static const char *const route_types[] = {
	[RTN_UNSPEC] = "none",
	[RTN_UNICAST] = "unicast",
	[RTN_LOCAL] = "local",
	[RTN_BROADCAST] = "broadcast",
	[RTN_ANYCAST] = "anycast",
	[RTN_MULTICAST] = "multicast",
	[RTN_BLACKHOLE] = "blackhole",
	[RTN_UNREACHABLE] = "unreachable",
	[RTN_PROHIBIT] = "prohibit",
	[RTN_THROW] = "throw",
	[RTN_NAT] = "nat",
	[RTN_XRESOLVE] = "xresolve",
};

/* iproute2's rt_protos, which the routing daemons follow. */
static const struct {
	unsigned proto;
	const char *name;
} route_protos[] = {
	{ 0, "unspec" },      { 1, "redirect" }, { 2, "kernel" },  { 3, "boot" },   { 4, "static" },
	{ 8, "gated" },       { 9, "ra" },       { 10, "mrt" },    { 11, "zebra" }, { 12, "bird" },
	{ 13, "dnrouted" },   { 14, "xorp" },    { 15, "ntk" },    { 16, "dhcp" },  { 17, "mrouted" },
	{ 18, "keepalived" }, { 42, "babel" },   { 99, "openr" },  { 186, "bgp" },  { 187, "isis" },
	{ 188, "ospf" },      { 189, "rip" },    { 192, "eigrp" },
};

static const struct {
	unsigned state;
	const char *name;
} nud_states[] = {
	{ NUD_INCOMPLETE, "INCOMPLETE" }, { NUD_REACHABLE, "REACHABLE" }, { NUD_STALE, "STALE" },
	{ NUD_DELAY, "DELAY" },           { NUD_PROBE, "PROBE" },         { NUD_FAILED, "FAILED" },
	{ NUD_NOARP, "NOARP" },           { NUD_PERMANENT, "PERMANENT" },
};

/* iproute2's words for the RTNH_F_* flags. */
static const struct {
	unsigned flag;
	const char *name;
} nh_flags[] = {
	{ RTNH_F_DEAD, "dead" },       { RTNH_F_PERVASIVE, "pervasive" }, { RTNH_F_ONLINK, "onlink" },
	{ RTNH_F_OFFLOAD, "offload" }, { RTNH_F_LINKDOWN, "linkdown" },   { RTNH_F_UNRESOLVED, "unresolved" },
	{ RTNH_F_TRAP, "trap" },
};

static struct json_object *name_or_number(const char *name, unsigned v)
{
	return name ? json_object_new_string(name) : json_object_new_int64(v);
}

static struct json_object *proto_json(unsigned proto)
{
	for (size_t i = 0; i < ARRAY_SIZE(route_protos); i++)
		if (route_protos[i].proto == proto)
			return json_object_new_string(route_protos[i].name);
	return json_object_new_int64(proto);
}

/* "10.0.0.0/24"; with dflt, "default" for a /0. */
static struct json_object *prefix_json(struct nl_addr *a, int family, bool dflt)
{
	char buf[CT_PROBE_ADDRSTRLEN], out[CT_PROBE_ADDRSTRLEN + 8];
	unsigned plen;

	if (!a)
		return dflt ? json_object_new_string("default") : NULL;
	plen = nl_addr_get_prefixlen(a);
	if (plen == 0 && dflt)
		return json_object_new_string("default");
	if (!ct_probe_addr_str(family, nl_addr_get_binary_addr(a), nl_addr_get_len(a), buf))
		return NULL;
	snprintf(out, sizeof(out), "%s/%u", buf, plen);
	return json_object_new_string(out);
}

static struct json_object *addr_json(struct nl_addr *a)
{
	char buf[CT_PROBE_ADDRSTRLEN];

	if (!a || nl_addr_get_len(a) == 0)
		return NULL;
	if (!ct_probe_addr_str(nl_addr_get_family(a), nl_addr_get_binary_addr(a), nl_addr_get_len(a), buf))
		return NULL;
	return json_object_new_string(buf);
}

static struct json_object *nexthop_gateway(struct rtnl_nexthop *nh)
{
	struct nl_addr *gw = rtnl_route_nh_get_gateway(nh);

	/* RTA_VIA: an IPv6 gateway for an IPv4 route (RFC 5549). */
	return addr_json(gw ? gw : rtnl_route_nh_get_via(nh));
}

static struct json_object *route_json(struct nl_cache *links, struct rtnl_route *r)
{
	struct json_object *o = json_object_new_object();
	int family = rtnl_route_get_family(r), n = rtnl_route_get_nnexthops(r);
	struct rtnl_nexthop *nh = n > 0 ? rtnl_route_nexthop_n(r, 0) : NULL;
	uint8_t type = rtnl_route_get_type(r);
	uint32_t metric = rtnl_route_get_priority(r);
	struct json_object *a;
	unsigned flags;

	json_object_object_add(o, "table", ct_probe_table_json(rtnl_route_get_table(r)));
	json_object_object_add(o, "family", json_object_new_string(ct_probe_family_name(family)));
	json_object_object_add(o, "dst", prefix_json(rtnl_route_get_dst(r), family, true));
	json_object_object_add(o, "gateway", nh ? nexthop_gateway(nh) : NULL);
	json_object_object_add(o, "dev", nh ? ct_probe_ifname_json(links, rtnl_route_nh_get_ifindex(nh)) : NULL);
	json_object_object_add(o, "prefsrc", addr_json(rtnl_route_get_pref_src(r)));
	json_object_object_add(o, "protocol", proto_json(rtnl_route_get_protocol(r)));
	json_object_object_add(o, "scope", ct_probe_scope_json(rtnl_route_get_scope(r)));
	ct_probe_add_int(o, "metric", metric, metric != 0);
	flags = rtnl_route_get_flags(r) | (nh ? rtnl_route_nh_get_flags(nh) : 0);
	a = json_object_new_array();
	for (size_t i = 0; i < ARRAY_SIZE(nh_flags); i++)
		if (flags & nh_flags[i].flag)
			json_object_array_add(a, json_object_new_string(nh_flags[i].name));
	json_object_object_add(o, "flags", a);
	json_object_object_add(o, "type",
			       name_or_number(type < ARRAY_SIZE(route_types) ? route_types[type] : NULL, type));
	if (n > 1) {
		a = json_object_new_array();
		for (int i = 0; i < n; i++) {
			struct json_object *h = json_object_new_object();

			nh = rtnl_route_nexthop_n(r, i);
			json_object_object_add(h, "gateway", nexthop_gateway(nh));
			json_object_object_add(h, "dev", ct_probe_ifname_json(links, rtnl_route_nh_get_ifindex(nh)));
			json_object_array_add(a, h);
		}
		json_object_object_add(o, "nexthops", a);
	}
	return o;
}

static struct json_object *rule_json(struct rtnl_rule *r)
{
	static const char *const actions[] = {
		[FR_ACT_TO_TBL] = "lookup",
		[FR_ACT_GOTO] = "goto",
		[FR_ACT_NOP] = "nop",
		[FR_ACT_BLACKHOLE] = "blackhole",
		[FR_ACT_UNREACHABLE] = "unreachable",
		[FR_ACT_PROHIBIT] = "prohibit",
	};
	struct json_object *o = json_object_new_object();
	int family = rtnl_rule_get_family(r);
	uint8_t action = rtnl_rule_get_action(r);
	uint32_t mark = rtnl_rule_get_mark(r);

	json_object_object_add(o, "priority", json_object_new_int64(rtnl_rule_get_prio(r)));
	json_object_object_add(o, "family", json_object_new_string(ct_probe_family_name(family)));
	json_object_object_add(o, "table",
			       action == FR_ACT_TO_TBL ? ct_probe_table_json(rtnl_rule_get_table(r)) : NULL);
	json_object_object_add(o, "from", prefix_json(rtnl_rule_get_src(r), family, false));
	json_object_object_add(o, "to", prefix_json(rtnl_rule_get_dst(r), family, false));
	/* Interface names in rules are whatever the namespace's root wrote. */
	ct_probe_add_str(o, "iif", rtnl_rule_get_iif(r));
	ct_probe_add_str(o, "oif", rtnl_rule_get_oif(r));
	/* libnl leaves it all ones when the rule has no FRA_FWMARK. */
	ct_probe_add_int(o, "fwmark", mark, mark != 0 && mark != UINT32_MAX);
	json_object_object_add(o, "action",
			       name_or_number(action < ARRAY_SIZE(actions) ? actions[action] : NULL, action));
	return o;
}

static struct json_object *neigh_json(struct nl_cache *links, struct rtnl_neigh *ne)
{
	struct json_object *o = json_object_new_object();
	unsigned state = (unsigned)rtnl_neigh_get_state(ne);
	struct ct_buf b = { 0 };
	char buf[CT_PROBE_ADDRSTRLEN];
	struct nl_addr *ll = rtnl_neigh_get_lladdr(ne);

	json_object_object_add(o, "ifname", ct_probe_ifname_json(links, rtnl_neigh_get_ifindex(ne)));
	json_object_object_add(o, "family", json_object_new_string(ct_probe_family_name(rtnl_neigh_get_family(ne))));
	json_object_object_add(o, "address", addr_json(rtnl_neigh_get_dst(ne)));
	ct_probe_add_str(o, "lladdr",
			 ll ? ct_probe_lladdr_str(nl_addr_get_binary_addr(ll), nl_addr_get_len(ll), buf) : NULL);
	for (size_t i = 0; i < ARRAY_SIZE(nud_states); i++) {
		if (!(state & nud_states[i].state))
			continue;
		if (b.len)
			ct_buf_putc(&b, ',');
		ct_buf_puts(&b, nud_states[i].name);
	}
	json_object_object_add(o, "state", json_object_new_string(b.len ? b.data : "NONE"));
	ct_buf_free(&b);
	return o;
}

struct route_ctx {
	bool neigh;                 /* the neigh probe, not routes */
	const char *what;           /* the step that failed */
	struct json_object *result; /* set on success */
};

static bool inet_family(int family)
{
	return family == AF_INET || family == AF_INET6;
}

static int routes_json(struct nl_sock *sk, struct nl_cache *links, struct route_ctx *c, struct json_object *res)
{
	_cleanup_nl_cache_ struct nl_cache *routes = NULL, *rules = NULL;
	struct json_object *a;
	int r;

	/* rtm_table 0 and no RTA_TABLE: the kernel dumps every table. */
	c->what = "cannot dump the routes";
	r = ct_probe_nl_dump(sk, "route/route", AF_UNSPEC, &routes);
	if (r < 0)
		return r;
	c->what = "cannot dump the rules";
	r = ct_probe_nl_dump(sk, "route/rule", AF_UNSPEC, &rules);
	if (r < 0)
		return r;
	a = json_object_new_array();
	json_object_object_add(res, "routes", a);
	for (struct nl_object *p = nl_cache_get_first(routes); p; p = nl_cache_get_next(p))
		if (inet_family(rtnl_route_get_family((struct rtnl_route *)p)))
			json_object_array_add(a, route_json(links, (struct rtnl_route *)p));
	a = json_object_new_array();
	json_object_object_add(res, "rules", a);
	for (struct nl_object *p = nl_cache_get_first(rules); p; p = nl_cache_get_next(p))
		if (inet_family(rtnl_rule_get_family((struct rtnl_rule *)p)))
			json_object_array_add(a, rule_json((struct rtnl_rule *)p));
	return 0;
}

static int neighs_json(struct nl_sock *sk, struct nl_cache *links, struct route_ctx *c, struct json_object *res)
{
	_cleanup_nl_cache_ struct nl_cache *neighs = NULL;
	struct json_object *a;
	int r;

	c->what = "cannot dump the neighbours";
	r = ct_probe_nl_dump(sk, "route/neigh", AF_UNSPEC, &neighs);
	if (r < 0)
		return r;
	a = json_object_new_array();
	json_object_object_add(res, "neigh", a);
	for (struct nl_object *p = nl_cache_get_first(neighs); p; p = nl_cache_get_next(p))
		if (inet_family(rtnl_neigh_get_family((struct rtnl_neigh *)p)))
			json_object_array_add(a, neigh_json(links, (struct rtnl_neigh *)p));
	return 0;
}

/* Runs in the target's network namespace. */
static int route_collect(void *arg)
{
	struct route_ctx *c = arg;
	_cleanup_nl_sock_ struct nl_sock *sk = NULL;
	_cleanup_nl_cache_ struct nl_cache *links = NULL;
	_cleanup_json_ struct json_object *res = json_object_new_object();
	int r;

	c->what = "cannot open an rtnetlink socket";
	r = ct_probe_nl_open(NETLINK_ROUTE, &sk);
	if (r < 0)
		return r;
	/* For the interface names: routes and neighbours carry ifindexes. */
	c->what = "cannot dump the interfaces";
	r = ct_probe_nl_dump(sk, "route/link", AF_UNSPEC, &links);
	if (r < 0)
		return r;
	r = c->neigh ? neighs_json(sk, links, c, res) : routes_json(sk, links, c, res);
	if (r < 0)
		return r;
	c->result = TAKE_PTR(res);
	return 0;
}

static int route_run(const struct ct_probe_target *t, bool neigh, struct json_object **ret, char **ret_error)
{
	struct route_ctx c = { .neigh = neigh, .what = "cannot enter the network namespace" };
	int r;

	r = ct_netns_run(t->netns_fd, route_collect, &c);
	if (r < 0)
		return ct_fail(ret_error, r, "%s: %s: %s", neigh ? "neigh" : "routes", c.what, strerror(-r));
	*ret = c.result;
	return 0;
}

int ct_probe_routes_run(const struct ct_probe_target *t, const struct ct_probe_opts *o, struct json_object **ret,
			char **ret_error)
{
	return route_run(t, false, ret, ret_error);
}

int ct_probe_neigh_run(const struct ct_probe_target *t, const struct ct_probe_opts *o, struct json_object **ret,
		       char **ret_error)
{
	return route_run(t, true, ret, ret_error);
}

/* Fill the cells of one line from the keys of o, in column order. */
static void cells(struct libscols_line *ln, struct json_object *o, const char *const *keys, size_t n)
{
	for (size_t k = 0; k < n; k++)
		if (keys[k])
			ct_probe_cell(ln, k, json_object_object_get(o, keys[k]));
}

enum { RC_TABLE, RC_DST, RC_GATEWAY, RC_DEV, RC_PROTO, RC_SCOPE, RC_METRIC, RC_TYPE };
static const struct ct_probe_col route_cols[] = {
	[RC_TABLE] = { "TABLE", 5, 0 },
	[RC_DST] = { "DST", 0.2, 0 },
	[RC_GATEWAY] = { "GATEWAY", 0.12, 0 },
	[RC_DEV] = { "DEV", 0.1, 0 },
	[RC_PROTO] = { "PROTO", 6, 0 },
	[RC_SCOPE] = { "SCOPE", 6, 0 },
	[RC_METRIC] = { "METRIC", 6, SCOLS_FL_RIGHT },
	[RC_TYPE] = { "TYPE", 7, 0 },
};
static const char *const route_keys[] = {
	[RC_TABLE] = "table",    [RC_DST] = "dst",     [RC_GATEWAY] = "gateway", [RC_DEV] = "dev",
	[RC_PROTO] = "protocol", [RC_SCOPE] = "scope", [RC_METRIC] = "metric",   [RC_TYPE] = "type",
};

enum { UC_PRIO, UC_FAMILY, UC_FROM, UC_TO, UC_IIF, UC_OIF, UC_FWMARK, UC_ACTION };
static const struct ct_probe_col rule_cols[] = {
	[UC_PRIO] = { "PRIO", 5, SCOLS_FL_RIGHT },
	[UC_FAMILY] = { "FAMILY", 5, 0 },
	[UC_FROM] = { "FROM", 0.15, 0 },
	[UC_TO] = { "TO", 0.15, 0 },
	[UC_IIF] = { "IIF", 0.08, 0 },
	[UC_OIF] = { "OIF", 0.08, 0 },
	[UC_FWMARK] = { "FWMARK", 6, 0 },
	[UC_ACTION] = { "ACTION", 0.12, 0 },
};
static const char *const rule_keys[] = {
	[UC_PRIO] = "priority", [UC_FAMILY] = "family", [UC_FROM] = "from",     [UC_TO] = "to",
	[UC_IIF] = "iif",       [UC_OIF] = "oif",       [UC_FWMARK] = "fwmark",
};

/* "lookup main", "lookup 100", "blackhole". */
static char *rule_action_text(struct json_object *rule)
{
	struct json_object *action = json_object_object_get(rule, "action");
	struct json_object *table = json_object_object_get(rule, "table");
	_cleanup_free_ char *a = ct_probe_json_text(action), *t = NULL;
	char *s = NULL;

	if (!table)
		return TAKE_PTR(a);
	t = ct_probe_json_text(table);
	if (asprintf(&s, "%s %s", a, t) < 0)
		return TAKE_PTR(a);
	return s;
}

/* The type, and the flags that say a route is not what it seems:
 * "unicast,linkdown". */
static void type_text(struct libscols_line *ln, struct json_object *r)
{
	struct json_object *flags = ct_probe_get_array(r, "flags");
	_cleanup_free_ char *type = NULL, *f = NULL;
	char *s;

	if (!flags || json_object_array_length(flags) == 0)
		return;
	type = ct_probe_json_text(json_object_object_get(r, "type"));
	f = ct_probe_json_text(flags);
	if (asprintf(&s, "%s,%s", type, f) < 0)
		return;
	if (scols_line_refer_data(ln, RC_TYPE, s) < 0)
		free(s);
}

void ct_probe_routes_print(struct json_object *result, FILE *out)
{
	_cleanup_table_ struct libscols_table *tb = ct_probe_table_new(out, route_cols, ARRAY_SIZE(route_cols));
	_cleanup_table_ struct libscols_table *rtb = ct_probe_table_new(out, rule_cols, ARRAY_SIZE(rule_cols));
	struct json_object *a = ct_probe_get_array(result, "routes");

	if (!tb || !rtb)
		return;
	for (size_t i = 0; a && i < json_object_array_length(a); i++) {
		struct json_object *r = json_object_array_get_idx(a, i), *nhs = ct_probe_get_array(r, "nexthops");
		struct libscols_line *ln = scols_table_new_line(tb, NULL);

		if (!ln)
			return;
		cells(ln, r, route_keys, ARRAY_SIZE(route_keys));
		type_text(ln, r);
		/* A multipath route: one more line per further hop. */
		for (size_t k = 1; nhs && k < json_object_array_length(nhs); k++) {
			struct json_object *h = json_object_array_get_idx(nhs, k);

			ln = scols_table_new_line(tb, NULL);
			if (!ln)
				return;
			ct_probe_cell(ln, RC_GATEWAY, json_object_object_get(h, "gateway"));
			ct_probe_cell(ln, RC_DEV, json_object_object_get(h, "dev"));
		}
	}
	ct_probe_table_print(tb, out, "no routes");

	a = ct_probe_get_array(result, "rules");
	if (!a)
		return;
	fputc('\n', out);
	for (size_t i = 0; i < json_object_array_length(a); i++) {
		struct json_object *r = json_object_array_get_idx(a, i);
		struct libscols_line *ln = scols_table_new_line(rtb, NULL);
		struct json_object *from = json_object_object_get(r, "from"), *to = json_object_object_get(r, "to");
		char *s;

		if (!ln)
			return;
		cells(ln, r, rule_keys, ARRAY_SIZE(rule_keys));
		/* As ip rule says it: a rule without a source is "from all". */
		if (!from)
			ct_probe_cell_text(ln, UC_FROM, "all");
		if (!to)
			ct_probe_cell_text(ln, UC_TO, "all");
		s = rule_action_text(r);
		if (scols_line_refer_data(ln, UC_ACTION, s) < 0)
			free(s);
	}
	ct_probe_table_print(rtb, out, "no rules");
}

enum { NC_IFNAME, NC_ADDRESS, NC_LLADDR, NC_STATE };
static const struct ct_probe_col neigh_cols[] = {
	[NC_IFNAME] = { "IFNAME", 0.15, 0 },
	[NC_ADDRESS] = { "ADDRESS", 0.35, 0 },
	[NC_LLADDR] = { "LLADDR", 17, 0 },
	[NC_STATE] = { "STATE", 0.15, 0 },
};
static const char *const neigh_keys[] = {
	[NC_IFNAME] = "ifname",
	[NC_ADDRESS] = "address",
	[NC_LLADDR] = "lladdr",
	[NC_STATE] = "state",
};

void ct_probe_neigh_print(struct json_object *result, FILE *out)
{
	_cleanup_table_ struct libscols_table *tb = ct_probe_table_new(out, neigh_cols, ARRAY_SIZE(neigh_cols));
	struct json_object *a = ct_probe_get_array(result, "neigh");

	if (!tb)
		return;
	for (size_t i = 0; a && i < json_object_array_length(a); i++) {
		struct libscols_line *ln = scols_table_new_line(tb, NULL);

		if (!ln)
			return;
		cells(ln, json_object_array_get_idx(a, i), neigh_keys, ARRAY_SIZE(neigh_keys));
	}
	ct_probe_table_print(tb, out, "no neighbour entries");
}
