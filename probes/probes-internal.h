/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The probes' entry points, one pair per probe, behind the table in registry.c. */
#ifndef CT_PROBES_INTERNAL_H
#define CT_PROBES_INTERNAL_H

#include "probes.h"

#define PROBE_DECL(name)                                                                                   \
	int ct_probe_##name##_run(const struct ct_probe_target *t, const struct ct_probe_opts *o,          \
				  struct json_object **ret, char **ret_error);                              \
	void ct_probe_##name##_print(struct json_object *result, FILE *out)

PROBE_DECL(links);   /* probe-link.c */
PROBE_DECL(addrs);   /* probe-link.c */
PROBE_DECL(routes);  /* probe-route.c: all tables, and the rules */
PROBE_DECL(neigh);   /* probe-route.c */
PROBE_DECL(sockets); /* probe-sock.c */
PROBE_DECL(dns);     /* probe-dns.c */
PROBE_DECL(connect); /* probe-reach.c */
PROBE_DECL(ping);    /* probe-reach.c */
PROBE_DECL(mtu);     /* probe-reach.c */
PROBE_DECL(port);    /* probe-port.c */
PROBE_DECL(all);     /* probe-all.c */

/*
 * Pure, for the fuzzer: the sockets of proto ("tcp", "tcp6", "udp", "udp6",
 * "unix") that a datagram of sock_diag replies (buf, len bytes) lists, as
 * the "sockets" probe's JSON without owners, through the same callback and
 * rendering as a live dump.  0, or -EINVAL for an unknown proto.
 */
int ct_probe_sockets_parse(const char *proto, const void *buf, size_t len, struct json_object **ret);

/*
 * Pure, for the fuzzer: the kernel's reply to the mtu probe's RTM_GETROUTE
 * (buf, len bytes): the route's output interface and "mtu" metric in
 * *ret_oif and *ret_route_mtu (untouched when absent), or the kernel's
 * error as a positive errno in *ret_route_err.  0, or -EIO for a reply
 * with neither a route nor an error.
 */
int ct_probe_mtu_route_reply(const void *buf, size_t len, int *ret_oif, int *ret_route_mtu,
			     int *ret_route_err);

/*
 * Pure, for the fuzzer: the last IP_RECVERR or IPV6_RECVERR extended error
 * among the control messages of a MSG_ERRQUEUE recvmsg() into *ret_ee, and
 * its offender's address as text in from ("" when it names none).  False
 * when there is none.
 */
struct msghdr;
struct sock_extended_err;
bool ct_probe_mtu_errqueue_parse(const struct msghdr *mh, struct sock_extended_err *ret_ee, char *from,
				 size_t from_size);

#endif
