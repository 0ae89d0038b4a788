/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The Docker Engine API reply parsers (lib/engine-docker.c) on arbitrary
 * bytes: every input goes through the /containers/json and the /version
 * parser (a reply is either, the seeds are both), the API version
 * negotiation with what /version gave, and dockerd's -H argv reading with
 * the input split at NUL bytes.
 *
 * Checked: a failure leaves the list untouched and says why; a success
 * gives records as documented (64 hex digit ids, unique; engine docker in
 * namespace moby; ports in range, a host address only with a host port;
 * strings within the input's size); a negotiated version is "N.N".
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "engine-docker.h"
#include "fuzz-check.h"

static void check_containers(const char *s, size_t len)
{
	struct ct_container_list l = { 0 };
	char *err = NULL;
	int r = ct_docker_parse_containers(s, len, &l, &err);

	if (!fuzz_check_ret(r, 0, err, !l.n && !l.recs))
		return;
	fuzz_check_list(&l, len);
	fuzz_check_unique_ids(&l); /* duplicates are refused */
	for (size_t i = 0; i < l.n; i++) {
		const struct ct_container_rec *c = &l.recs[i];

		if (strlen(c->id) != 64 || strspn(c->id, "0123456789abcdef") != 64)
			abort();
		if (c->engine != CT_ENGINE_DOCKER || !c->engine_ns || strcmp(c->engine_ns, "moby") != 0)
			abort();
		if (c->name && !*c->name)
			abort(); /* "" is no name */
		for (size_t k = 0; k < c->n_ports; k++) {
			const struct ct_port *p = &c->ports[k];

			if (p->container_port == 0 || (p->host_ip && p->host_port == 0))
				abort();
			if (p->proto && (!*p->proto || strlen(p->proto) > 16))
				abort();
		}
	}
	ct_container_list_clear(&l);
}

static void check_negotiated(const char *v)
{
	const char *dot = strchr(v, '.');

	if (!dot || dot == v || strspn(v, "0123456789") != (size_t)(dot - v) ||
	    !dot[1] || strspn(dot + 1, "0123456789") != strlen(dot + 1))
		abort();
}

static void check_version(const char *s, size_t len)
{
	struct ct_docker_version v = { 0 };
	char *err = NULL, *api = NULL;
	int r = ct_docker_parse_version(s, len, &v, &err);

	if (!fuzz_check_ret(r, 0, err, !v.version && !v.api_version && !v.min_api_version))
		return;
	fuzz_check_str(v.version, len);
	fuzz_check_str(v.api_version, len);
	fuzz_check_str(v.min_api_version, len);
	/* The parser accepted both versions: negotiation must too. */
	if (v.api_version) {
		if (ct_docker_api_negotiate(v.api_version, v.min_api_version, &api) < 0)
			abort();
		check_negotiated(api);
		free(api);
	}
	ct_docker_version_clear(&v);
}

/* The input as an argv: NUL-separated words, the first the program. */
static void check_argv(const char *s, size_t len)
{
	struct ct_docker_sockets socks = { 0 };
	char *copy = malloc(len + 1);
	const char **argv = calloc(len + 2, sizeof(*argv));
	size_t argc = 0;
	int found;

	if (!copy || !argv)
		abort();
	memcpy(copy, s, len);
	copy[len] = '\0';
	for (size_t i = 0; i <= len; i += strlen(copy + i) + 1)
		argv[argc++] = copy + i;
	found = ct_docker_sockets_from_argv(argv, argc, &socks);
	if (found < 0 || (size_t)found > argc || socks.n > (size_t)found)
		abort();
	for (size_t i = 0; i < socks.n; i++)
		if (socks.paths[i][0] != '/')
			abort(); /* only absolute unix paths */
	ct_docker_sockets_clear(&socks);
	free(argv);
	free(copy);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;

	check_containers(s, size);
	check_version(s, size);
	check_argv(s, size);
	return 0;
}
