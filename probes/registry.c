/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <string.h>

#include "probes-internal.h"

#define PROBE(n, arg, req, h) { .name = #n, .arg_name = arg, .arg_required = req, .help = h, \
				.run = ct_probe_##n##_run, .print = ct_probe_##n##_print }

const struct ct_probe ct_probes[] = {
	PROBE(links, NULL, false, "network interfaces: state, MTU, MAC, veth peer"),
	PROBE(addrs, NULL, false, "addresses of every interface"),
	PROBE(routes, NULL, false, "routes of every table, and the policy rules"),
	PROBE(neigh, NULL, false, "neighbour (ARP, NDP) entries"),
	PROBE(sockets, NULL, false, "TCP, UDP and unix sockets with their processes and containers"),
	PROBE(dns, "NAME", false, "resolv.conf and hosts; ask each configured server for NAME"),
	PROBE(connect, "HOST:PORT", true, "TCP connect, with the time it took"),
	PROBE(ping, "HOST", true, "ICMP echo, with round-trip times"),
	PROBE(mtu, "HOST", true, "path MTU towards HOST"),
	PROBE(port, "HOSTPORT", true, "a published port end to end: host port, proxy or DNAT, container socket"),
	PROBE(all, NULL, false, "a one-screen summary for incidents"),
	{ .name = NULL },
};

const struct ct_probe *ct_probe_find(const char *name)
{
	for (const struct ct_probe *p = ct_probes; p->name; p++)
		if (strcmp(p->name, name) == 0)
			return p;
	return NULL;
}
