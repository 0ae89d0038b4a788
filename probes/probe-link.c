/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The probes "links" and "addrs": the interfaces of the target's network
 * namespace and their addresses, dumped over one rtnetlink socket opened
 * inside it.  Interface names are chosen by whoever is root in the
 * namespace (the kernel refuses only '/', ':', blanks, "." and ".."), so
 * they are hostile: JSON keeps their exact bytes, text escapes them.
 *
 * JSON of "links", one element per interface in ifindex order:
 *
 *   {"links": [{"ifindex": 2,            number
 *               "name": "eth0",          string (raw bytes, escaped JSON)
 *               "kind": "veth",          IFLA_INFO_KIND ("veth", "bridge",
 *                                        "macvlan", ...), else the link
 *                                        type ("loopback", "ether", "none")
 *               "operstate": "UP",       UNKNOWN NOTPRESENT DOWN LOWERLAYERDOWN
 *                                        TESTING DORMANT UP (RFC 2863)
 *               "flags": ["BROADCAST", "MULTICAST", "UP", "LOWER_UP"],
 *                                        iproute2's names and order; also
 *                                        "NO-CARRIER" when UP without carrier
 *               "mtu": 1500,
 *               "mac": "aa:bb:cc:dd:ee:ff" | null (no link-layer address),
 *               "master": "br0" | null,  the bridge or bond it is a port of
 *               "link_ifindex": 5 | null,     IFLA_LINK: a veth's peer, a
 *                                             macvlan's lower device
 *               "link_netnsid": 0 | null,     IFLA_LINK_NETNSID: the peer's
 *                                             namespace, as this namespace
 *                                             numbers it, when it is another
 *               "alias": "uplink" | null}]}   IFLA_IFALIAS (raw bytes, escaped JSON)
 *
 * JSON of "addrs", sorted by ifindex, then inet before inet6:
 *
 *   {"addrs": [{"ifindex": 2, "ifname": "eth0",
 *               "family": "inet" | "inet6",
 *               "address": "10.0.0.2",   the local address
 *               "prefixlen": 24,
 *               "scope": "global" | "site" | "link" | "host" | "nowhere" | number,
 *               "flags": ["permanent", ...]}]}   IFA_F_* as iproute2 names
 *                                                them ("tentative",
 *                                                "dadfailed", "deprecated")
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <linux/if.h>
#include <linux/if_addr.h>
#include <linux/if_arp.h>
#include <netlink/errno.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/utils.h>

#include "escape.h"
#include "probe-common.h"
#include "probes-internal.h"

/* In the order iproute2 prints them, so that both tools read alike. */
static const struct {
	unsigned flag;
	const char *name;
} link_flags[] = {
	{ IFF_LOOPBACK, "LOOPBACK" },   { IFF_BROADCAST, "BROADCAST" },   { IFF_POINTOPOINT, "POINTOPOINT" },
	{ IFF_MULTICAST, "MULTICAST" }, { IFF_NOARP, "NOARP" },           { IFF_ALLMULTI, "ALLMULTI" },
	{ IFF_PROMISC, "PROMISC" },     { IFF_NOTRAILERS, "NOTRAILERS" }, { IFF_DEBUG, "DEBUG" },
	{ IFF_DYNAMIC, "DYNAMIC" },     { IFF_AUTOMEDIA, "AUTOMEDIA" },   { IFF_PORTSEL, "PORTSEL" },
	{ IFF_MASTER, "MASTER" },       { IFF_SLAVE, "SLAVE" },           { IFF_UP, "UP" },
	{ IFF_LOWER_UP, "LOWER_UP" },   { IFF_DORMANT, "DORMANT" },       { IFF_ECHO, "ECHO" },
};

static const char *const operstates[] = {
	[IF_OPER_UNKNOWN] = "UNKNOWN", [IF_OPER_NOTPRESENT] = "NOTPRESENT",
	[IF_OPER_DOWN] = "DOWN",       [IF_OPER_LOWERLAYERDOWN] = "LOWERLAYERDOWN",
	[IF_OPER_TESTING] = "TESTING", [IF_OPER_DORMANT] = "DORMANT",
	[IF_OPER_UP] = "UP",
};

static const struct {
	unsigned flag;
	const char *name;
} addr_flags[] = {
	{ IFA_F_SECONDARY, "secondary" },           { IFA_F_NODAD, "nodad" },
	{ IFA_F_OPTIMISTIC, "optimistic" },         { IFA_F_DADFAILED, "dadfailed" },
	{ IFA_F_HOMEADDRESS, "homeaddress" },       { IFA_F_DEPRECATED, "deprecated" },
	{ IFA_F_TENTATIVE, "tentative" },           { IFA_F_PERMANENT, "permanent" },
	{ IFA_F_MANAGETEMPADDR, "managetempaddr" }, { IFA_F_NOPREFIXROUTE, "noprefixroute" },
	{ IFA_F_MCAUTOJOIN, "mcautojoin" },         { IFA_F_STABLE_PRIVACY, "stable-privacy" },
};

static struct json_object *link_flags_json(unsigned flags)
{
	struct json_object *a = json_object_new_array();

	if ((flags & IFF_UP) && !(flags & IFF_RUNNING))
		json_object_array_add(a, json_object_new_string("NO-CARRIER"));
	for (size_t i = 0; i < ARRAY_SIZE(link_flags); i++)
		if (flags & link_flags[i].flag)
			json_object_array_add(a, json_object_new_string(link_flags[i].name));
	return a;
}

static struct json_object *link_kind_json(struct rtnl_link *l)
{
	const char *kind = rtnl_link_get_type(l);
	char buf[64];

	if (kind)
		return ct_json_str(kind); /* a kernel module's word, escaped all the same */
	switch (rtnl_link_get_arptype(l)) {
	case ARPHRD_NONE:
		return json_object_new_string("none");
	case ARPHRD_LOOPBACK:
		return json_object_new_string("loopback");
	case ARPHRD_ETHER:
		return json_object_new_string("ether");
	default:
		return json_object_new_string(nl_llproto2str(rtnl_link_get_arptype(l), buf, sizeof(buf)));
	}
}

static struct json_object *link_json(struct nl_cache *links, struct rtnl_link *l)
{
	struct json_object *o = json_object_new_object();
	struct nl_addr *mac = rtnl_link_get_addr(l);
	uint8_t oper = rtnl_link_get_operstate(l);
	int32_t nsid = -1;
	char buf[CT_PROBE_ADDRSTRLEN];
	int master = rtnl_link_get_master(l), link = rtnl_link_get_link(l);

	json_object_object_add(o, "ifindex", json_object_new_int(rtnl_link_get_ifindex(l)));
	ct_probe_add_str(o, "name", rtnl_link_get_name(l));
	json_object_object_add(o, "kind", link_kind_json(l));
	json_object_object_add(o, "operstate",
			       oper < ARRAY_SIZE(operstates) && operstates[oper]
				       ? json_object_new_string(operstates[oper])
				       : json_object_new_int(oper));
	json_object_object_add(o, "flags", link_flags_json(rtnl_link_get_flags(l)));
	json_object_object_add(o, "mtu", json_object_new_int64(rtnl_link_get_mtu(l)));
	ct_probe_add_str(o, "mac",
			 mac ? ct_probe_lladdr_str(nl_addr_get_binary_addr(mac), nl_addr_get_len(mac), buf) : NULL);
	json_object_object_add(o, "master", master > 0 ? ct_probe_ifname_json(links, master) : NULL);
	ct_probe_add_int(o, "link_ifindex", link, link > 0);
	ct_probe_add_int(o, "link_netnsid", nsid, rtnl_link_get_link_netnsid(l, &nsid) == 0 && nsid >= 0);
	/* Any bytes root in the namespace chose (ip link set ... alias). */
	ct_probe_add_str(o, "alias", rtnl_link_get_ifalias(l));
	return o;
}

static int link_cmp(const void *a, const void *b)
{
	int x = rtnl_link_get_ifindex(*(struct rtnl_link *const *)a);
	int y = rtnl_link_get_ifindex(*(struct rtnl_link *const *)b);

	return (x > y) - (x < y);
}

struct addr_ref {
	struct rtnl_addr *a;
	size_t seq; /* dump order, for a stable sort */
};

static int addr_cmp(const void *pa, const void *pb)
{
	const struct addr_ref *a = pa, *b = pb;
	int x = rtnl_addr_get_ifindex(a->a), y = rtnl_addr_get_ifindex(b->a);
	int fx = rtnl_addr_get_family(a->a), fy = rtnl_addr_get_family(b->a);

	if (x != y)
		return (x > y) - (x < y);
	if (fx != fy)
		return (fx > fy) - (fx < fy); /* AF_INET (2) before AF_INET6 (10) */
	return (a->seq > b->seq) - (a->seq < b->seq);
}

static struct json_object *addr_json(struct nl_cache *links, struct rtnl_addr *a)
{
	struct json_object *o = json_object_new_object(), *flags = json_object_new_array();
	struct nl_addr *local = rtnl_addr_get_local(a);
	int family = rtnl_addr_get_family(a);
	unsigned f = rtnl_addr_get_flags(a);
	char buf[CT_PROBE_ADDRSTRLEN];

	json_object_object_add(o, "ifindex", json_object_new_int(rtnl_addr_get_ifindex(a)));
	json_object_object_add(o, "ifname", ct_probe_ifname_json(links, rtnl_addr_get_ifindex(a)));
	json_object_object_add(o, "family", json_object_new_string(ct_probe_family_name(family)));
	ct_probe_add_str(o, "address",
			 local ? ct_probe_addr_str(family, nl_addr_get_binary_addr(local), nl_addr_get_len(local), buf)
			       : NULL);
	json_object_object_add(o, "prefixlen", json_object_new_int(rtnl_addr_get_prefixlen(a)));
	json_object_object_add(o, "scope", ct_probe_scope_json((unsigned)rtnl_addr_get_scope(a)));
	for (size_t i = 0; i < ARRAY_SIZE(addr_flags); i++)
		if (f & addr_flags[i].flag)
			json_object_array_add(flags, json_object_new_string(addr_flags[i].name));
	json_object_object_add(o, "flags", flags);
	return o;
}

struct link_ctx {
	bool addrs;                 /* the addrs probe, not links */
	const char *what;           /* the step that failed */
	struct json_object *result; /* set on success */
};

static int links_json(struct nl_cache *links, struct json_object **ret)
{
	int n = nl_cache_nitems(links);
	_cleanup_free_ struct rtnl_link **v = xcalloc(n > 0 ? (size_t)n : 1, sizeof(*v));
	struct json_object *a = json_object_new_array();
	size_t k = 0;

	for (struct nl_object *p = nl_cache_get_first(links); p && k < (size_t)n; p = nl_cache_get_next(p))
		v[k++] = (struct rtnl_link *)p;
	qsort(v, k, sizeof(*v), link_cmp);
	for (size_t i = 0; i < k; i++)
		json_object_array_add(a, link_json(links, v[i]));
	*ret = a;
	return 0;
}

static int addrs_json(struct nl_cache *links, struct nl_cache *addrs, struct json_object **ret)
{
	int n = nl_cache_nitems(addrs);
	_cleanup_free_ struct addr_ref *v = xcalloc(n > 0 ? (size_t)n : 1, sizeof(*v));
	struct json_object *a = json_object_new_array();
	size_t k = 0;

	for (struct nl_object *p = nl_cache_get_first(addrs); p && k < (size_t)n; p = nl_cache_get_next(p)) {
		struct rtnl_addr *ad = (struct rtnl_addr *)p;

		/* Only what we can name: other families (none today) are skipped. */
		if (!ct_probe_family_name(rtnl_addr_get_family(ad)))
			continue;
		v[k].a = ad;
		v[k].seq = k;
		k++;
	}
	qsort(v, k, sizeof(*v), addr_cmp);
	for (size_t i = 0; i < k; i++)
		json_object_array_add(a, addr_json(links, v[i].a));
	*ret = a;
	return 0;
}

/* Runs in the target's network namespace. */
static int link_collect(void *arg)
{
	struct link_ctx *c = arg;
	_cleanup_nl_sock_ struct nl_sock *sk = NULL;
	_cleanup_nl_cache_ struct nl_cache *links = NULL, *addrs = NULL;
	_cleanup_json_ struct json_object *res = json_object_new_object();
	struct json_object *a = NULL;
	int r;

	c->what = "cannot open an rtnetlink socket";
	r = ct_probe_nl_open(NETLINK_ROUTE, &sk);
	if (r < 0)
		return r;
	c->what = "cannot dump the interfaces";
	r = ct_probe_nl_dump(sk, "route/link", AF_UNSPEC, &links);
	if (r < 0)
		return r;
	if (c->addrs) {
		c->what = "cannot dump the addresses";
		r = ct_probe_nl_dump(sk, "route/addr", AF_UNSPEC, &addrs);
		if (r < 0)
			return r;
		r = addrs_json(links, addrs, &a);
		json_object_object_add(res, "addrs", a);
	} else {
		r = links_json(links, &a);
		json_object_object_add(res, "links", a);
	}
	if (r < 0)
		return r;
	c->result = TAKE_PTR(res);
	return 0;
}

static int link_run(const struct ct_probe_target *t, bool addrs, struct json_object **ret, char **ret_error)
{
	struct link_ctx c = { .addrs = addrs, .what = "cannot enter the network namespace" };
	const char *probe = addrs ? "addrs" : "links";
	int r;

	r = ct_netns_run(t->netns_fd, link_collect, &c);
	if (r < 0)
		return ct_fail(ret_error, r, "%s: %s: %s", probe, c.what, strerror(-r));
	*ret = c.result;
	return 0;
}

int ct_probe_links_run(const struct ct_probe_target *t, const struct ct_probe_opts *o, struct json_object **ret,
		       char **ret_error)
{
	return link_run(t, false, ret, ret_error);
}

int ct_probe_addrs_run(const struct ct_probe_target *t, const struct ct_probe_opts *o, struct json_object **ret,
		       char **ret_error)
{
	return link_run(t, true, ret, ret_error);
}

/* "if5", "if5@nsid0": where the other end of a veth (or the lower device) is. */
static char *link_text(struct json_object *l)
{
	struct json_object *idx, *nsid;
	char *s = NULL;

	if (!json_object_object_get_ex(l, "link_ifindex", &idx) || !json_object_is_type(idx, json_type_int))
		return xstrdup("-");
	if (json_object_object_get_ex(l, "link_netnsid", &nsid) && json_object_is_type(nsid, json_type_int)) {
		if (asprintf(&s, "if%" PRId64 "@nsid%" PRId64, json_object_get_int64(idx),
			     json_object_get_int64(nsid)) < 0)
			s = NULL;
	} else if (asprintf(&s, "if%" PRId64, json_object_get_int64(idx)) < 0) {
		s = NULL;
	}
	return s ? s : xstrdup("-");
}

enum { LC_IDX, LC_NAME, LC_KIND, LC_STATE, LC_MTU, LC_MAC, LC_MASTER, LC_LINK, LC_FLAGS, LC_ALIAS };
static const struct ct_probe_col link_cols[] = {
	[LC_IDX] = { "IDX", 3, SCOLS_FL_RIGHT },
	[LC_NAME] = { "NAME", 0.12, 0 },
	[LC_KIND] = { "KIND", 6, 0 },
	[LC_STATE] = { "STATE", 5, 0 },
	[LC_MTU] = { "MTU", 5, SCOLS_FL_RIGHT },
	[LC_MAC] = { "MAC", 17, 0 },
	[LC_MASTER] = { "MASTER", 0.08, SCOLS_FL_TRUNC },
	[LC_LINK] = { "LINK", 5, 0 },
	[LC_FLAGS] = { "FLAGS", 0.2, SCOLS_FL_TRUNC },
	[LC_ALIAS] = { "ALIAS", 0.1, SCOLS_FL_TRUNC },
};

void ct_probe_links_print(struct json_object *result, FILE *out)
{
	_cleanup_table_ struct libscols_table *tb = ct_probe_table_new(out, link_cols, ARRAY_SIZE(link_cols));
	struct json_object *a = ct_probe_get_array(result, "links");
	static const char *const keys[] = {
		[LC_IDX] = "ifindex", [LC_NAME] = "name", [LC_KIND] = "kind",     [LC_STATE] = "operstate",
		[LC_MTU] = "mtu",     [LC_MAC] = "mac",   [LC_MASTER] = "master", [LC_FLAGS] = "flags",
		[LC_ALIAS] = "alias",
	};

	if (!tb)
		return;
	for (size_t i = 0; a && i < json_object_array_length(a); i++) {
		struct json_object *l = json_object_array_get_idx(a, i);
		struct libscols_line *ln = scols_table_new_line(tb, NULL);
		char *s;

		if (!ln)
			return;
		for (size_t k = 0; k < ARRAY_SIZE(keys); k++)
			if (keys[k])
				ct_probe_cell(ln, k, json_object_object_get(l, keys[k]));
		s = link_text(l);
		if (scols_line_refer_data(ln, LC_LINK, s) < 0)
			free(s);
	}
	ct_probe_table_print(tb, out, "no interfaces");
}

enum { AC_IFNAME, AC_FAMILY, AC_ADDRESS, AC_SCOPE, AC_FLAGS };
static const struct ct_probe_col addr_cols[] = {
	[AC_IFNAME] = { "IFNAME", 0.15, 0 },           [AC_FAMILY] = { "FAMILY", 5, 0 },
	[AC_ADDRESS] = { "ADDRESS", 0.35, 0 },         [AC_SCOPE] = { "SCOPE", 6, 0 },
	[AC_FLAGS] = { "FLAGS", 0.2, SCOLS_FL_TRUNC },
};

void ct_probe_addrs_print(struct json_object *result, FILE *out)
{
	_cleanup_table_ struct libscols_table *tb = ct_probe_table_new(out, addr_cols, ARRAY_SIZE(addr_cols));
	struct json_object *a = ct_probe_get_array(result, "addrs");

	if (!tb)
		return;
	for (size_t i = 0; a && i < json_object_array_length(a); i++) {
		struct json_object *ad = json_object_array_get_idx(a, i);
		struct libscols_line *ln = scols_table_new_line(tb, NULL);
		struct json_object *plen = json_object_object_get(ad, "prefixlen");
		_cleanup_free_ char *addr = ct_probe_json_text(json_object_object_get(ad, "address"));
		char *s = NULL;

		if (!ln)
			return;
		ct_probe_cell(ln, AC_IFNAME, json_object_object_get(ad, "ifname"));
		ct_probe_cell(ln, AC_FAMILY, json_object_object_get(ad, "family"));
		if (asprintf(&s, "%s/%" PRId64, addr, json_object_get_int64(plen)) < 0)
			s = NULL;
		if (s && scols_line_refer_data(ln, AC_ADDRESS, s) < 0)
			free(s);
		ct_probe_cell(ln, AC_SCOPE, json_object_object_get(ad, "scope"));
		ct_probe_cell(ln, AC_FLAGS, json_object_object_get(ad, "flags"));
	}
	ct_probe_table_print(tb, out, "no addresses");
}
