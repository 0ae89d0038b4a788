/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * all: a one-screen summary for an incident, composed from the other
 * probes' run functions (through the registry, so each stays the only
 * place that knows its own facts).  A probe that cannot run leaves its
 * error in its place and the summary goes on.
 */
#include <arpa/inet.h>
#include <arpa/nameser.h>
#include <errno.h>
#include <fcntl.h>
#include <net/route.h>
#include <string.h>
#include <unistd.h>

#include "escape.h"
#include "jsonutil.h"
#include "pidfd.h"
#include "probe-common.h"
#include "probe-util.h"
#include "probes-internal.h"
#include "util.h"

#define ROUTE_FILE_CAP (4 * 1024 * 1024)

static const struct {
	const char *key;   /* in the JSON and the registry */
	const char *title; /* in the text */
} subs[] = {
	{ "links", "interfaces" },
	{ "addrs", "addresses" },
	{ "routes", "routes" },
	{ "sockets", "sockets" },
};

static struct json_object *error_obj(int r, const char *err)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "error", json_object_new_string(err ? err : strerror(-r)));
	return o;
}

/* Fields of a whitespace-separated line, at most max; returns the count. */
static size_t split(char *line, char **f, size_t max)
{
	size_t n = 0;
	char *save = NULL;

	for (char *tok = strtok_r(line, " \t", &save); tok && n < max; tok = strtok_r(NULL, " \t", &save))
		f[n++] = tok;
	return n;
}

static bool hex_to_u32(const char *s, uint32_t *ret)
{
	return ct_pu_parse_hex(s, strlen(s), ret) == 0;
}

static void add_gateway(struct json_object *arr, const char *addr, const char *dev)
{
	struct json_object *g = json_object_new_object();

	json_object_object_add(g, "address", ct_json_str(addr));
	json_object_object_add(g, "interface", ct_json_str(dev));
	json_object_array_add(arr, g);
}

/* The default gateways of the main table, from /proc/PID/net/route and
 * ipv6_route: they show the netns of PID, checked alive afterwards. */
static int default_gateways(const struct ct_probe_target *t, struct json_object **ret)
{
	_cleanup_free_ char *v4 = NULL, *v6 = NULL;
	_cleanup_close_ int dir = -1;
	struct json_object *arr;
	char path[64];
	size_t len;
	int r;

	snprintf(path, sizeof(path), "/proc/%d/net", t->pid);
	dir = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dir < 0)
		return -errno;
	r = ct_read_file_at(dir, "route", ROUTE_FILE_CAP, &v4, &len, NULL);
	if (r < 0)
		return r;
	if (ct_read_file_at(dir, "ipv6_route", ROUTE_FILE_CAP, &v6, &len, NULL) < 0)
		v6 = NULL;
	if (t->pidfd >= 0 && ct_pidfd_exited(t->pidfd))
		return -ESRCH;

	arr = json_object_new_array();
	/* Iface Destination Gateway Flags RefCnt Use Metric Mask ...; the
	 * words are the kernel's native integers of network-order bytes. */
	for (char *save = NULL, *line = strtok_r(v4, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *f[8], buf[INET_ADDRSTRLEN];
		uint32_t dst, gw, flags, mask;

		if (split(line, f, 8) < 8 || !hex_to_u32(f[1], &dst) || !hex_to_u32(f[2], &gw) ||
		    !hex_to_u32(f[3], &flags) || !hex_to_u32(f[7], &mask))
			continue;
		if (dst != 0 || mask != 0 || !(flags & RTF_GATEWAY) || !(flags & RTF_UP))
			continue;
		inet_ntop(AF_INET, &gw, buf, sizeof(buf));
		add_gateway(arr, buf, f[0]);
	}
	/* dest dest_len src src_len nexthop metric refcnt use flags iface, in hex */
	for (char *save = NULL, *line = v6 ? strtok_r(v6, "\n", &save) : NULL; line;
	     line = strtok_r(NULL, "\n", &save)) {
		char *f[10], buf[INET6_ADDRSTRLEN + IF_NAMESIZE + 2];
		struct in6_addr nh;
		uint32_t flags;

		bool bad = false;

		if (split(line, f, 10) < 10 || strcmp(f[0], "00000000000000000000000000000000") != 0 ||
		    strcmp(f[1], "00") != 0 || strlen(f[4]) != 32 || !hex_to_u32(f[8], &flags))
			continue;
		if (!(flags & RTF_GATEWAY) || !(flags & RTF_UP))
			continue;
		for (int i = 0; i < 16 && !bad; i++) {
			uint32_t b = 0;

			bad = ct_pu_parse_hex(f[4] + 2 * i, 2, &b) < 0;
			nh.s6_addr[i] = (uint8_t)b;
		}
		if (bad)
			continue;
		inet_ntop(AF_INET6, &nh, buf, sizeof(buf));
		/* A link-local gateway means nothing without its interface. */
		if (IN6_IS_ADDR_LINKLOCAL(&nh) && strlen(f[9]) < IF_NAMESIZE)
			snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf), "%%%s", f[9]);
		add_gateway(arr, buf, f[9]);
	}
	*ret = arr;
	return 0;
}

int ct_probe_all_run(const struct ct_probe_target *t, const struct ct_probe_opts *o, struct json_object **ret,
		     char **ret_error)
{
	static const int ns_type[] = { ns_t_ns };
	struct ct_probe_opts sub = { .timeout_ms = o ? o->timeout_ms : 0, .count = o ? o->count : 0 };
	struct json_object *res = json_object_new_object(), *gws = NULL, *x;
	char *err = NULL;
	int r;

	for (size_t i = 0; i < ARRAY_SIZE(subs); i++) {
		const struct ct_probe *p = ct_probe_find(subs[i].key);

		x = NULL;
		err = NULL;
		r = p ? p->run(t, &sub, &x, &err) : -ENOENT;
		json_object_object_add(res, subs[i].key, r < 0 ? error_obj(r, err) : x);
		free(err);
	}

	/* Each nameserver asked for the root's NS: any answer means it is reachable. */
	x = NULL;
	err = NULL;
	r = ct_dns_probe(t, ct_pu_timeout_ms(o), ".", ns_type, ARRAY_SIZE(ns_type), &x, &err);
	json_object_object_add(res, "dns", r < 0 ? error_obj(r, err) : x);
	free(err);

	r = default_gateways(t, &gws);
	if (r < 0) {
		char msg[128];

		snprintf(msg, sizeof(msg), "cannot read the default routes: %s", strerror(-r));
		json_object_object_add(res, "gateway", error_obj(r, msg));
	} else {
		for (size_t i = 0; i < json_object_array_length(gws); i++) {
			struct json_object *g = json_object_array_get_idx(gws, i);

			sub.arg = ct_probe_get_str(g, "address", NULL);
			x = NULL;
			err = NULL;
			r = ct_probe_ping_run(t, &sub, &x, &err);
			json_object_object_add(g, "ping", r < 0 ? error_obj(r, err) : x);
			free(err);
		}
		json_object_object_add(res, "gateway", gws);
	}
	*ret = res;
	(void)ret_error;
	return 0;
}

/* A sub-probe's own text, indented under its title. */
static void print_sub(FILE *out, const char *key, const char *title, struct json_object *r)
{
	const struct ct_probe *p = ct_probe_find(key);
	_cleanup_free_ char *buf = NULL;
	size_t len = 0;
	FILE *m;

	fprintf(out, "%s:\n", title);
	if (ct_probe_get_str(r, "error", NULL) && json_object_object_length(r) == 1) {
		fprintf(out, "  error: %s\n", ct_probe_get_str(r, "error", NULL));
		return;
	}
	if (!p || !(m = open_memstream(&buf, &len)))
		return;
	p->print(r, m);
	fclose(m);
	for (char *line = buf; line && *line;) {
		char *eol = strchrnul(line, '\n');

		fprintf(out, eol > line ? "  %.*s\n" : "%.*s\n", (int)(eol - line), line);
		line = *eol ? eol + 1 : eol;
	}
}

void ct_probe_all_print(struct json_object *result, FILE *out)
{
	struct json_object *dns = ct_json_get(result, "dns"), *gws = ct_json_get(result, "gateway");
	struct json_object *conf = ct_json_get(dns, "resolv_conf"), *queries = ct_json_get(dns, "queries"), *v;

	for (size_t i = 0; i < ARRAY_SIZE(subs); i++)
		print_sub(out, subs[i].key, subs[i].title, ct_json_get(result, subs[i].key));

	fputs("dns:\n", out);
	if (ct_probe_get_str(dns, "error", NULL))
		fprintf(out, "  error: %s\n", ct_probe_get_str(dns, "error", NULL));
	if ((v = ct_json_get(conf, "error")))
		fprintf(out, "  resolv.conf: %s\n", json_object_get_string(v));
	for (size_t i = 0; queries && i < json_object_array_length(queries); i++) {
		struct json_object *q = json_object_array_get_idx(queries, i);

		fprintf(out, "  nameserver %s: ", ct_probe_get_str(q, "server", NULL) ?: "?");
		if (ct_pu_get_bool(q, "answered"))
			fprintf(out, "answers (%s, %s ms)\n", ct_probe_get_str(q, "rcode", NULL) ?: "?",
				json_object_get_string(ct_json_get(q, "ms")));
		else
			fprintf(out, "FAILED: %s\n", ct_probe_get_str(q, "error", NULL) ?: "?");
	}
	if ((v = ct_json_get(conf, "search")) && json_object_array_length(v)) {
		fputs("  search", out);
		for (size_t i = 0; i < json_object_array_length(v); i++) {
			fputc(' ', out);
			ct_pu_print_str(out, json_object_array_get_idx(v, i));
		}
		fputc('\n', out);
	}
	for (size_t i = 0; (v = ct_json_get(conf, "warnings")) && i < json_object_array_length(v); i++)
		fprintf(out, "  warning: %s\n", json_object_get_string(json_object_array_get_idx(v, i)));

	fputs("gateway:\n", out);
	if (ct_probe_get_str(gws, "error", NULL)) {
		fprintf(out, "  error: %s\n", ct_probe_get_str(gws, "error", NULL));
		return;
	}
	if (!gws || json_object_array_length(gws) == 0)
		fputs("  no default route\n", out);
	for (size_t i = 0; gws && i < json_object_array_length(gws); i++) {
		struct json_object *g = json_object_array_get_idx(gws, i), *p = ct_json_get(g, "ping");

		fputs("  ", out);
		ct_pu_print_str(out, ct_json_get(g, "address"));
		fputs(" dev ", out);
		ct_pu_print_str(out, ct_json_get(g, "interface"));
		if (ct_probe_get_str(p, "error", NULL) && !ct_json_get(p, "sent"))
			fprintf(out, ": error: %s\n", ct_probe_get_str(p, "error", NULL));
		else if (ct_json_get(p, "rtt_avg"))
			fprintf(out, ": %d/%d replies, rtt avg %s ms%s\n",
				json_object_get_int(ct_json_get(p, "received")),
				json_object_get_int(ct_json_get(p, "sent")),
				json_object_get_string(ct_json_get(p, "rtt_avg")),
				ct_pu_get_bool(p, "ok") ? "" : " (loss)");
		else
			fprintf(out, ": FAILED: %s\n", ct_probe_get_str(p, "error", NULL) ?: "no reply");
	}
}
