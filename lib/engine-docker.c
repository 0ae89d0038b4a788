/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Docker Engine API client and reply parsers.  The query only fetches and
 * keeps the raw bodies; the parsers are pure so saved replies replay.
 */
#include <arpa/inet.h>
#include <stdarg.h>
#include <string.h>
#include <time.h>

#include "engine-docker.h"
#include "http.h"
#include "jsonutil.h"


/* ---- API versions ---- */

static int api_parse(const char *s, unsigned *ret)
{
	const char *dot;
	uint64_t major, minor;

	if (!s)
		return -EINVAL;
	dot = strchr(s, '.');
	if (!dot || dot == s || dot - s > 3 || strlen(dot + 1) > 3 ||
	    ct_parse_u64(s, (size_t)(dot - s), &major) < 0 || ct_parse_u64_str(dot + 1, &minor) < 0)
		return -EINVAL;
	*ret = (unsigned)(major * 1000 + minor);
	return 0;
}

int ct_docker_api_negotiate(const char *server, const char *server_min, char **ret)
{
	unsigned s, min = 0, ours, v;
	char *out;

	if (api_parse(server, &s) < 0 || (server_min && api_parse(server_min, &min) < 0))
		return -EINVAL;
	if (api_parse(CT_DOCKER_API_MAX, &ours) < 0)
		abort();
	v = s < ours ? s : ours;
	if (v < min)
		v = min;
	if (asprintf(&out, "%u.%u", v / 1000, v % 1000) < 0)
		abort();
	*ret = out;
	return 0;
}

/* ---- the query ---- */

void ct_docker_reply_clear(struct ct_docker_reply *r)
{
	if (!r)
		return;
	free(r->socket_path);
	free(r->server_api_version);
	free(r->api_version);
	free(r->server_header);
	free(r->engine_version);
	free(r->version_json);
	free(r->containers_json);
	*r = (struct ct_docker_reply){ 0 };
}

static void reply_freep(struct ct_docker_reply *r)
{
	ct_docker_reply_clear(r);
}

static void response_freep(struct ct_http_response *r)
{
	ct_http_response_clear(r);
}

struct query {
	struct ct_http_client *http;
	struct ct_docker_reply *reply;
	uint64_t deadline_us;
	long timeout_ms;
};

/* "HTTP 400: <docker's message>": docker errors are {"message": "..."}. */
static char *status_message(const struct ct_http_response *resp)
{
	struct json_object *o = NULL, *m;
	const char *error;
	char *s = NULL;

	if (ct_json_parse_buf(resp->body, resp->body_len, &o, &error) == 0) {
		m = ct_json_get(o, "message");
		if (m && json_object_is_type(m, json_type_string))
			s = ct_http_status_message(resp->status, json_object_get_string(m),
						   (size_t)json_object_get_string_len(m));
		json_object_put(o);
	}
	return s ? s : ct_http_status_message(resp->status, resp->body, resp->body_len);
}

/*
 * GET path within what is left of the query's time.  Any status is a
 * response (want_ok() judges it); a timeout names the query's whole limit,
 * as that is what ran out.
 */
static int query_get(struct query *q, const char *path, struct ct_http_response *ret,
		     char **ret_error)
{
	_cleanup_(response_freep) struct ct_http_response resp = { 0 };
	_cleanup_free_ char *err = NULL;
	uint64_t now = ct_now_ns() / 1000;
	struct ct_http_request req = { .path = path };
	int r;

	if (now >= q->deadline_us)
		return ct_fail(ret_error, -ETIMEDOUT, "GET %s: timed out after %ld ms", path,
			    q->timeout_ms);
	/* Round up: a 0 would mean "the client's default". */
	req.timeout_ms = (long)((q->deadline_us - now + 999) / 1000);
	q->reply->n_requests++;
	r = ct_http_request(q->http, &req, &resp, &err);
	if (r == -ETIMEDOUT && !strstr(err, "connect"))
		return ct_fail(ret_error, r, "GET %s: timed out after %ld ms", path, q->timeout_ms);
	if (r < 0)
		return ct_fail(ret_error, r, "GET %s: %s", path, err);
	*ret = resp;
	resp = (struct ct_http_response){ 0 };
	return 0;
}

static int want_ok(const char *path, const struct ct_http_response *resp, char **ret_error)
{
	_cleanup_free_ char *m = NULL;

	if (resp->status == 200)
		return 0;
	m = status_message(resp);
	return ct_fail(ret_error, -EPROTO, "GET %s: %s", path, m);
}

/* GET /vX.Y/version (or a ready /version body) into the reply. */
static int take_version(struct query *q, struct ct_http_response *resp, char **ret_error)
{
	struct ct_docker_version v = { 0 };
	_cleanup_free_ char *err = NULL;
	int r;

	r = ct_docker_parse_version(resp->body, resp->body_len, &v, &err);
	if (r < 0)
		return ct_fail(ret_error, r, "version reply: %s", err);
	q->reply->engine_version = TAKE_PTR(v.version);
	ct_docker_version_clear(&v);
	q->reply->version_json = TAKE_PTR(resp->body);
	q->reply->version_json_len = resp->body_len;
	return 0;
}

int ct_docker_query(const char *socket_path, const struct ct_docker_opts *opts,
		    struct ct_docker_reply *ret, char **ret_error)
{
	static const char *const capture[] = { "Api-Version", "Server", NULL };
	static const struct ct_docker_opts defaults = { 0 };
	_cleanup_(reply_freep) struct ct_docker_reply reply = { 0 };
	_cleanup_(response_freep) struct ct_http_response resp = { 0 };
	_cleanup_http_client_ struct ct_http_client *http = NULL;
	_cleanup_free_ char *err = NULL;
	char path[64];
	const char *h;
	uint64_t t0 = ct_now_ns() / 1000;
	struct query q;
	int r;

	if (!opts)
		opts = &defaults;
	/* An hour is beyond any sane wait and keeps the deadline in range. */
	struct ct_http_opts hopts = {
		.timeout_ms = opts->timeout_ms <= 0	  ? CT_HTTP_DEFAULT_TIMEOUT_MS
			      : opts->timeout_ms > 3600000 ? 3600000
							   : opts->timeout_ms,
		.connect_timeout_ms = opts->connect_timeout_ms,
		.max_body = opts->max_body,
		.capture = capture,
	};
	r = ct_http_client_new(socket_path, &hopts, &http, &err);
	if (r < 0)
		return ct_fail(ret_error, r, "%s", err);
	q = (struct query){
		.http = http,
		.reply = &reply,
		.timeout_ms = hopts.timeout_ms,
		.deadline_us = t0 + (uint64_t)hopts.timeout_ms * 1000u,
	};
	reply.socket_path = xstrdup(socket_path);

	r = query_get(&q, "/_ping", &resp, ret_error);
	if (r < 0)
		return r;
	r = want_ok("/_ping", &resp, ret_error);
	if (r < 0)
		return r;
	h = ct_http_response_header(&resp, "Server");
	if (h)
		reply.server_header = xstrdup(h);
	h = ct_http_response_header(&resp, "Api-Version");
	if (h) {
		reply.api_from_ping = true;
		reply.server_api_version = xstrdup(h);
	}
	ct_http_response_clear(&resp);

	if (!reply.server_api_version) {
		/* Older or foreign servers: the unversioned /version says it. */
		struct ct_docker_version v = { 0 };

		r = query_get(&q, "/version", &resp, ret_error);
		if (r < 0)
			return r;
		r = want_ok("/version", &resp, ret_error);
		if (r < 0)
			return r;
		r = ct_docker_parse_version(resp.body, resp.body_len, &v, &err);
		if (r < 0)
			return ct_fail(ret_error, r, "GET /version: %s", err);
		reply.server_api_version = TAKE_PTR(v.api_version);
		ct_docker_version_clear(&v);
		ct_http_response_clear(&resp);
		if (!reply.server_api_version)
			return ct_fail(ret_error, -EPROTO,
				    "neither Api-Version nor /version say the API version");
	}
	r = ct_docker_api_negotiate(reply.server_api_version, NULL, &reply.api_version);
	if (r < 0)
		return ct_fail(ret_error, -EPROTO, "invalid server API version \"%s\"",
			    reply.server_api_version);

	snprintf(path, sizeof(path), "/v%s/version", reply.api_version);
	r = query_get(&q, path, &resp, ret_error);
	if (r < 0)
		return r;
	if (resp.status == 400) {
		/*
		 * Servers drop old API versions (Docker 29 wants 1.44 or
		 * later): ask for the oldest it takes and speak that.
		 */
		struct ct_docker_version v = { 0 };
		_cleanup_free_ char *raised = NULL;
		_cleanup_(response_freep) struct ct_http_response unv = { 0 };

		r = query_get(&q, "/version", &unv, ret_error);
		if (r < 0)
			return r;
		if (unv.status == 200 &&
		    ct_docker_parse_version(unv.body, unv.body_len, &v, NULL) == 0 &&
		    v.min_api_version &&
		    ct_docker_api_negotiate(reply.server_api_version, v.min_api_version,
					    &raised) == 0 &&
		    strcmp(raised, reply.api_version) != 0) {
			free(reply.api_version);
			reply.api_version = TAKE_PTR(raised);
			ct_http_response_clear(&resp);
			snprintf(path, sizeof(path), "/v%s/version", reply.api_version);
			r = query_get(&q, path, &resp, ret_error);
		}
		ct_docker_version_clear(&v);
		if (r < 0)
			return r;
	}
	r = want_ok(path, &resp, ret_error);
	if (r < 0)
		return r;
	r = take_version(&q, &resp, ret_error);
	if (r < 0)
		return r;
	ct_http_response_clear(&resp);

	snprintf(path, sizeof(path), "/v%s/containers/json?all=1", reply.api_version);
	r = query_get(&q, path, &resp, ret_error);
	if (r < 0)
		return r;
	r = want_ok(path, &resp, ret_error);
	if (r < 0)
		return r;
	reply.containers_json = TAKE_PTR(resp.body);
	reply.containers_json_len = resp.body_len;

	reply.n_connects = ct_http_client_connects(http);
	reply.elapsed_us = (ct_now_ns() / 1000) - t0;
	ct_debug("docker", "%s: API %s (server %s), %u requests, %u connections, %llu us",
		 socket_path, reply.api_version, reply.server_api_version, reply.n_requests,
		 reply.n_connects, (unsigned long long)reply.elapsed_us);
	*ret = reply;
	reply = (struct ct_docker_reply){ 0 };
	return 0;
}

/* ---- parsers ---- */

static const char *type_name(struct json_object *o)
{
	return json_type_to_name(json_object_get_type(o));
}

static bool is_null(struct json_object *o)
{
	return !o || json_object_is_type(o, json_type_null);
}

/* A parse error about container idx (SIZE_MAX: the document). */
struct perr {
	char **ret_error;
	size_t idx;
	const char *id;
};

static int perr(struct perr *e, const char *fmt, ...) _printf_(2, 3);
static int perr(struct perr *e, const char *fmt, ...)
{
	_cleanup_free_ char *m = NULL;
	va_list ap;
	int n;

	if (!e->ret_error)
		return -EINVAL;
	va_start(ap, fmt);
	n = vasprintf(&m, fmt, ap);
	va_end(ap);
	if (n < 0)
		m = NULL;
	if (e->idx == SIZE_MAX)
		return ct_fail(e->ret_error, -EINVAL, "%s", m ? m : "out of memory");
	if (e->id)
		return ct_fail(e->ret_error, -EINVAL, "container %zu (%.12s): %s", e->idx, e->id,
			    m ? m : "out of memory");
	return ct_fail(e->ret_error, -EINVAL, "container %zu: %s", e->idx, m ? m : "out of memory");
}

/*
 * A string field: absent or null leaves *ret NULL (an error when required),
 * anything but a string without NUL bytes is an error.
 */
static int get_str(struct perr *e, struct json_object *v, const char *what, bool required,
		   char **ret)
{
	const char *s;
	size_t len;

	/* json-c has JSON null as NULL: it cannot be told from absent. */
	if (is_null(v)) {
		if (required)
			return perr(e, "%s: missing or null", what);
		*ret = NULL;
		return 0;
	}
	if (!json_object_is_type(v, json_type_string))
		return perr(e, "%s: expected a string, got %s", what, type_name(v));
	s = json_object_get_string(v);
	len = (size_t)json_object_get_string_len(v);
	if (memchr(s, '\0', len))
		return perr(e, "%s: string contains a NUL byte", what);
	*ret = xmemdup0(s, len);
	return 0;
}

static int get_port(struct perr *e, struct json_object *v, const char *what, bool required,
		    int *ret)
{
	uint64_t u;

	if (is_null(v)) {
		if (required)
			return perr(e, "%s: missing or null", what);
		*ret = 0;
		return 0;
	}
	if (ct_json_get_u64(v, &u) < 0 || u > 65535 || (required && u == 0))
		return perr(e, "%s: expected a port number %s..65535, got %s %.40s", what,
			    required ? "1" : "0", type_name(v), json_object_to_json_string(v));
	*ret = (int)u;
	return 0;
}

/* Text that must be an IP address; "" is as good as absent. */
static int get_ip(struct perr *e, struct json_object *v, const char *what, char **ret)
{
	_cleanup_free_ char *s = NULL;
	unsigned char addr[16];
	int r;

	r = get_str(e, v, what, false, &s);
	if (r < 0)
		return r;
	if (s && !*s)
		s = (free(s), NULL);
	if (s && inet_pton(AF_INET, s, addr) != 1 && inet_pton(AF_INET6, s, addr) != 1)
		return perr(e, "%s: not an IP address", what);
	*ret = TAKE_PTR(s);
	return 0;
}

static bool id_ok(const char *id)
{
	size_t n = 0;

	for (; id[n]; n++)
		if (!((id[n] >= '0' && id[n] <= '9') || (id[n] >= 'a' && id[n] <= 'f')))
			return false;
	return n == 64;
}

/*
 * Names lists the container's own name and, for legacy --link, aliases
 * "/other/alias" of it, in no useful order: docker ps shows the first
 * name without a '/' past the leading one.
 */
static int parse_names(struct perr *e, struct json_object *names, char **ret)
{
	const char *pick = NULL, *s;
	size_t n;

	*ret = NULL;
	if (is_null(names))
		return 0;
	if (!json_object_is_type(names, json_type_array))
		return perr(e, "Names: expected an array, got %s", type_name(names));
	n = json_object_array_length(names);
	for (size_t i = 0; i < n; i++) {
		struct json_object *v = json_object_array_get_idx(names, i);

		if (!json_object_is_type(v, json_type_string))
			return perr(e, "Names[%zu]: expected a string, got %s", i, type_name(v));
		s = json_object_get_string(v);
		if (memchr(s, '\0', (size_t)json_object_get_string_len(v)))
			return perr(e, "Names[%zu]: string contains a NUL byte", i);
		if (*s == '/')
			s++;
		if (!*s)
			continue;
		if (!strchr(s, '/')) {
			pick = s;
			break;
		}
		if (!pick)
			pick = s;
	}
	if (pick)
		*ret = xstrdup(pick);
	return 0;
}

static int parse_labels(struct perr *e, struct json_object *labels, struct ct_container_rec *rec)
{
	if (is_null(labels))
		return 0;
	if (!json_object_is_type(labels, json_type_object))
		return perr(e, "Labels: expected an object, got %s", type_name(labels));
	/* json-c keys are C strings: a \u0000 in a key cuts it short there.
	 * Values keep their length and are checked. */
	json_object_object_foreach(labels, key, val)
	{
		_cleanup_free_ char *v = NULL;
		char what[160];
		int r;

		snprintf(what, sizeof(what), "Labels[\"%.100s\"]", key);
		r = get_str(e, val, what, true, &v);
		if (r < 0)
			return r;
		ct_kv_add(&rec->labels, &rec->n_labels, key, v);
	}
	return 0;
}

static int parse_container_ip(struct perr *e, struct json_object *c, char **ret)
{
	struct json_object *ns = ct_json_get(c, "NetworkSettings");
	struct json_object *nets, *hc = ct_json_get(c, "HostConfig");
	_cleanup_free_ char *mode = NULL, *only = NULL;
	char what[300];
	size_t with_ip = 0;
	int r;

	*ret = NULL;
	if (!is_null(hc) && !json_object_is_type(hc, json_type_object))
		return perr(e, "HostConfig: expected an object, got %s", type_name(hc));
	r = get_str(e, ct_json_get(hc, "NetworkMode"), "HostConfig.NetworkMode", false, &mode);
	if (r < 0)
		return r;
	if (is_null(ns))
		return 0;
	if (!json_object_is_type(ns, json_type_object))
		return perr(e, "NetworkSettings: expected an object, got %s", type_name(ns));
	nets = ct_json_get(ns, "Networks");
	if (is_null(nets))
		return 0;
	if (!json_object_is_type(nets, json_type_object))
		return perr(e, "NetworkSettings.Networks: expected an object, got %s",
			    type_name(nets));
	json_object_object_foreach(nets, name, net)
	{
		_cleanup_free_ char *ip = NULL;

		snprintf(what, sizeof(what), "NetworkSettings.Networks[\"%.200s\"]", name);
		if (is_null(net))
			continue;
		if (!json_object_is_type(net, json_type_object))
			return perr(e, "%s: expected an object, got %s", what, type_name(net));
		strncat(what, ".IPAddress", sizeof(what) - strlen(what) - 1);
		r = get_ip(e, ct_json_get(net, "IPAddress"), what, &ip);
		if (r < 0)
			return r;
		if (!ip)
			continue;
		if (mode && (strcmp(mode, name) == 0 ||
			     (strcmp(mode, "default") == 0 && strcmp(name, "bridge") == 0))) {
			*ret = TAKE_PTR(ip);
			return 0;
		}
		if (with_ip++ == 0)
			only = TAKE_PTR(ip);
	}
	if (with_ip == 1)
		*ret = TAKE_PTR(only);
	return 0;
}

static int parse_ports(struct perr *e, struct json_object *ports, const char *container_ip,
		       struct ct_container_rec *rec)
{
	char what[64];
	size_t n;
	int r;

	if (is_null(ports))
		return 0;
	if (!json_object_is_type(ports, json_type_array))
		return perr(e, "Ports: expected an array, got %s", type_name(ports));
	n = json_object_array_length(ports);
	for (size_t i = 0; i < n; i++) {
		struct json_object *p = json_object_array_get_idx(ports, i);
		struct ct_port port = { 0 };
		_cleanup_free_ char *ip = NULL, *proto = NULL;

		if (!json_object_is_type(p, json_type_object))
			return perr(e, "Ports[%zu]: expected an object, got %s", i, type_name(p));
		snprintf(what, sizeof(what), "Ports[%zu].PrivatePort", i);
		r = get_port(e, ct_json_get(p, "PrivatePort"), what, true, &port.container_port);
		if (r < 0)
			return r;
		snprintf(what, sizeof(what), "Ports[%zu].PublicPort", i);
		r = get_port(e, ct_json_get(p, "PublicPort"), what, false, &port.host_port);
		if (r < 0)
			return r;
		snprintf(what, sizeof(what), "Ports[%zu].IP", i);
		r = get_ip(e, ct_json_get(p, "IP"), what, &ip);
		if (r < 0)
			return r;
		snprintf(what, sizeof(what), "Ports[%zu].Type", i);
		r = get_str(e, ct_json_get(p, "Type"), what, false, &proto);
		if (r < 0)
			return r;
		if (proto && (!*proto || strlen(proto) > 16))
			return perr(e, "%s: not a protocol name", what);
		/* An address without a public port publishes nothing. */
		if (port.host_port)
			port.host_ip = TAKE_PTR(ip);
		port.proto = TAKE_PTR(proto);
		port.container_ip = container_ip ? xstrdup(container_ip) : NULL;
		rec->ports = xreallocarray(rec->ports, rec->n_ports + 1, sizeof(*rec->ports));
		rec->ports[rec->n_ports++] = port;
	}
	return 0;
}

static int parse_container(struct perr *e, struct json_object *c, struct ct_container_rec *rec)
{
	_cleanup_free_ char *container_ip = NULL;
	int r;

	if (!json_object_is_type(c, json_type_object))
		return perr(e, "expected an object, got %s", type_name(c));
	r = get_str(e, ct_json_get(c, "Id"), "Id", true, &rec->id);
	if (r < 0)
		return r;
	if (!id_ok(rec->id))
		return perr(e, "Id: not a container id (64 hex digits)");
	e->id = rec->id;
	rec->engine = CT_ENGINE_DOCKER;
	rec->engine_ns = xstrdup("moby");
	rec->source = "docker-api";
	r = parse_names(e, ct_json_get(c, "Names"), &rec->name);
	if (r < 0)
		return r;
	r = get_str(e, ct_json_get(c, "Image"), "Image", false, &rec->image);
	if (r < 0)
		return r;
	r = get_str(e, ct_json_get(c, "State"), "State", false, &rec->status);
	if (r < 0)
		return r;
	r = parse_labels(e, ct_json_get(c, "Labels"), rec);
	if (r < 0)
		return r;
	r = parse_container_ip(e, c, &container_ip);
	if (r < 0)
		return r;
	return parse_ports(e, ct_json_get(c, "Ports"), container_ip, rec);
}

static int cmp_id(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void json_putp(struct json_object **o)
{
	json_object_put(*o);
}

static void list_clearp(struct ct_container_list *l)
{
	ct_container_list_clear(l);
}

int ct_docker_parse_containers(const char *json, size_t len, struct ct_container_list *out,
			       char **ret_error)
{
	_cleanup_(json_putp) struct json_object *root = NULL;
	_cleanup_(list_clearp) struct ct_container_list list = { 0 };
	_cleanup_free_ char **ids = NULL;
	struct perr e = { .ret_error = ret_error, .idx = SIZE_MAX };
	const char *jerr = NULL;
	size_t n;
	int r;

	r = ct_json_parse_buf(json, len, &root, &jerr);
	if (r < 0)
		return ct_fail(ret_error, r, "invalid JSON: %s", jerr ? jerr : strerror(-r));
	if (!json_object_is_type(root, json_type_array))
		return perr(&e, "expected an array of containers, got %s", type_name(root));
	n = json_object_array_length(root);
	for (size_t i = 0; i < n; i++) {
		e = (struct perr){ .ret_error = ret_error, .idx = i };
		r = parse_container(&e, json_object_array_get_idx(root, i),
				    ct_container_list_add(&list));
		if (r < 0)
			return r;
	}

	/* The resolver merges by id: two records with one id is not docker. */
	ids = xreallocarray(NULL, n ? n : 1, sizeof(*ids));
	for (size_t i = 0; i < n; i++)
		ids[i] = list.recs[i].id;
	qsort(ids, n, sizeof(*ids), cmp_id);
	for (size_t i = 1; i < n; i++)
		if (strcmp(ids[i - 1], ids[i]) == 0)
			return ct_fail(ret_error, -EINVAL, "duplicate container id %.12s", ids[i]);

	if (n) {
		out->recs = xreallocarray(out->recs, out->n + n, sizeof(*out->recs));
		memcpy(out->recs + out->n, list.recs, n * sizeof(*list.recs));
		out->n += n;
		free(list.recs);
		list = (struct ct_container_list){ 0 };
	}
	return 0;
}

void ct_docker_version_clear(struct ct_docker_version *v)
{
	if (!v)
		return;
	free(v->version);
	free(v->api_version);
	free(v->min_api_version);
	*v = (struct ct_docker_version){ 0 };
}

int ct_docker_parse_version(const char *json, size_t len, struct ct_docker_version *ret,
			    char **ret_error)
{
	_cleanup_(json_putp) struct json_object *root = NULL;
	_cleanup_(ct_docker_version_clear) struct ct_docker_version v = { 0 };
	struct perr e = { .ret_error = ret_error, .idx = SIZE_MAX };
	const char *jerr = NULL;
	unsigned dummy;
	int r;

	r = ct_json_parse_buf(json, len, &root, &jerr);
	if (r < 0)
		return ct_fail(ret_error, r, "invalid JSON: %s", jerr ? jerr : strerror(-r));
	if (!json_object_is_type(root, json_type_object))
		return perr(&e, "expected an object, got %s", type_name(root));
	r = get_str(&e, ct_json_get(root, "Version"), "Version", false, &v.version);
	if (r < 0)
		return r;
	r = get_str(&e, ct_json_get(root, "ApiVersion"), "ApiVersion", false, &v.api_version);
	if (r < 0)
		return r;
	r = get_str(&e, ct_json_get(root, "MinAPIVersion"), "MinAPIVersion", false,
		    &v.min_api_version);
	if (r < 0)
		return r;
	if (v.api_version && api_parse(v.api_version, &dummy) < 0)
		return perr(&e, "ApiVersion: not an API version");
	if (v.min_api_version && api_parse(v.min_api_version, &dummy) < 0)
		return perr(&e, "MinAPIVersion: not an API version");
	*ret = v;
	v = (struct ct_docker_version){ 0 };
	return 0;
}

/* ---- which sockets ---- */

void ct_docker_sockets_add(struct ct_docker_sockets *s, const char *path)
{
	for (size_t i = 0; i < s->n; i++)
		if (strcmp(s->paths[i], path) == 0)
			return;
	s->paths = xreallocarray(s->paths, s->n + 1, sizeof(*s->paths));
	s->paths[s->n++] = xstrdup(path);
}

void ct_docker_sockets_clear(struct ct_docker_sockets *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->paths[i]);
	free(s->paths);
	*s = (struct ct_docker_sockets){ 0 };
}

void ct_docker_socket_candidates(const struct ct_docker_opts *opts, const char *docker_host,
				 struct ct_docker_sockets *out)
{
	if (opts && opts->socket_override && *opts->socket_override)
		ct_docker_sockets_add(out, opts->socket_override);
	else if (docker_host && strncmp(docker_host, "unix://", 7) == 0 && docker_host[7])
		ct_docker_sockets_add(out, docker_host + 7);
	else
		ct_docker_sockets_add(out, CT_DOCKER_DEFAULT_SOCKET);
}

/* The unix socket path of a dockerd -H value, or NULL when not a unix one. */
static const char *host_unix_path(const char *h)
{
	if (strncmp(h, "unix://", 7) == 0)
		return h[7] ? h + 7 : CT_DOCKER_DEFAULT_SOCKET;
	if (strncmp(h, "fd://", 5) == 0)
		return CT_DOCKER_DEFAULT_SOCKET;
	return NULL;
}

int ct_docker_sockets_from_argv(const char *const *argv, size_t argc,
				struct ct_docker_sockets *out)
{
	size_t hosts = 0;
	int found = 0;

	for (size_t i = 1; i < argc && argv[i]; i++) {
		const char *a = argv[i], *val, *path;

		if (strcmp(a, "--") == 0)
			break;
		if (strcmp(a, "-H") == 0 || strcmp(a, "--host") == 0) {
			if (i + 1 >= argc || !argv[i + 1]) {
				hosts++; /* dockerd refuses this; do not guess */
				break;
			}
			val = argv[++i];
		} else if (strncmp(a, "--host=", 7) == 0) {
			val = a + 7;
		} else if (strncmp(a, "-H=", 3) == 0) {
			val = a + 3;
		} else if (strncmp(a, "-H", 2) == 0 && a[2]) {
			val = a + 2; /* pflag takes "-Hunix:///x" too */
		} else {
			continue;
		}
		hosts++;
		path = host_unix_path(val);
		if (!path || path[0] != '/')
			continue;
		ct_docker_sockets_add(out, path);
		found++;
	}
	if (hosts == 0) {
		ct_docker_sockets_add(out, CT_DOCKER_DEFAULT_SOCKET);
		found++;
	}
	return found;
}
