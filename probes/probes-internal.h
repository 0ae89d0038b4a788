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

#endif
