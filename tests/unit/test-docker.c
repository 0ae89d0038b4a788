/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The Docker API client and parsers: real replies saved from dockerd 20.10,
 * hostile replies, socket discovery, and the client against a fake server
 * (a forked child speaking canned HTTP on a unix socket) for the paths a
 * real dockerd will not take on demand: no Api-Version header, a server
 * that wants a newer API, oversized, truncated and non-HTTP replies, a
 * server that never answers.
 *
 *   test-docker                         TAP unit tests
 *   test-docker --query SOCKET [--timeout MS]
 *                                       ask a live dockerd, print a JSON
 *                                       line about the reply, then one per
 *                                       container (tests/live/docker-api.t)
 *
 * Fixtures (tests/fixtures/docker/) from dockerd 20.10.24 (Debian 12),
 * API 1.41, curl --unix-socket:
 *   containers-20.10.json  GET /v1.41/containers/json?all=1 with
 *       web          -p 18080:80 (one port entry per address family)
 *       dapi-web     -l com.docker.compose.project=shop
 *                    -l com.docker.compose.service=web -l 'weird=va"l\ue'
 *                    -p 127.0.0.1:18081:80
 *       dapi-udp     --expose 9999 -p 18082:53/udp
 *       dapi-created docker create --network none (never started)
 *       dapi-linker  --link dapi-web:alias, a label with ESC, bytes FF FE
 *                    (Go sent U+FFFD twice) and U+202E, and one in UTF-8
 *   version-20.10.json     GET /v1.41/version
 *   ping-20.10.txt         GET /_ping, the whole response: the headers
 *       are Api-Version: 1.41, Cache-Control, Docker-Experimental: false,
 *       Ostype: linux, Pragma, Server: Docker/20.10.24+dfsg1 (linux), Date,
 *       Content-Length: 2, Content-Type: text/plain; the body is "OK".
 */
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>

#include "engine-docker.h"
#include "escape.h"
#include "http.h"
#include "jsonutil.h"
#include "runtime.h"
#include "tap.h"
#include "util.h"

static char tmpdir[64];

static char *fixture(const char *name, size_t *len)
{
	const char *top = getenv("TOP");
	char path[4096];
	char *buf = NULL;
	bool trunc;

	snprintf(path, sizeof(path), "%s/tests/fixtures/docker/%s", top ? top : ".", name);
	if (ct_read_file_at(AT_FDCWD, path, 16 << 20, &buf, len, &trunc) < 0 || trunc) {
		printf("# cannot read %s (run from the top directory or set TOP)\n", path);
		return NULL;
	}
	return buf;
}

static const struct ct_container_rec *find(const struct ct_container_list *l, const char *name)
{
	for (size_t i = 0; i < l->n; i++)
		if (l->recs[i].name && strcmp(l->recs[i].name, name) == 0)
			return &l->recs[i];
	return NULL;
}

static const char *label(const struct ct_container_rec *r, const char *key)
{
	for (size_t i = 0; r && i < r->n_labels; i++)
		if (strcmp(r->labels[i].key, key) == 0)
			return r->labels[i].value;
	return NULL;
}

/* The port entry for (container port, proto, host ip), or NULL. */
static const struct ct_port *port(const struct ct_container_rec *r, int cport, const char *proto,
				  const char *host_ip)
{
	for (size_t i = 0; r && i < r->n_ports; i++) {
		const struct ct_port *p = &r->ports[i];

		if (p->container_port == cport && p->proto && strcmp(p->proto, proto) == 0 &&
		    ((!host_ip && !p->host_ip) ||
		     (host_ip && p->host_ip && strcmp(host_ip, p->host_ip) == 0)))
			return p;
	}
	return NULL;
}

static void test_fixture_containers(void)
{
	struct ct_container_list l = { 0 };
	const struct ct_container_rec *r;
	const struct ct_port *p;
	char *err = NULL;
	size_t len;
	char *json = fixture("containers-20.10.json", &len);

	ok(json, "fixture containers-20.10.json readable");
	if (!json)
		return;
	is_int(ct_docker_parse_containers(json, len, &l, &err), 0, "20.10 list parses");
	if (err)
		printf("# %s\n", err);
	is_int(l.n, 5, "20.10 list: five containers");

	r = find(&l, "web");
	ok(r, "web found");
	if (r) {
		is_str(r->id, "40cd230c375b20b820cdfa8027c657970bb172ea3dd5baebe8169d831da7bce7",
		       "web: full id");
		is_str(r->image, "bb", "web: image");
		is_str(r->status, "running", "web: State");
		is_int(r->engine, CT_ENGINE_DOCKER, "web: engine docker");
		is_str(r->engine_ns, "moby", "web: namespace moby");
		is_str(r->source, "docker-api", "web: source");
		is_int(r->n_labels, 0, "web: no labels");
		is_int(r->n_ports, 2, "web: one port entry per host address family");
		p = port(r, 80, "tcp", "0.0.0.0");
		ok(p && p->host_port == 18080, "web: 0.0.0.0:18080->80/tcp");
		ok(p && p->container_ip && strcmp(p->container_ip, "172.17.0.2") == 0,
		   "web: container_ip from NetworkSettings.Networks.bridge");
		p = port(r, 80, "tcp", "::");
		ok(p && p->host_port == 18080, "web: [::]:18080->80/tcp");
	}

	r = find(&l, "dapi-web");
	ok(r, "dapi-web found by its own name, not the link alias listed first");
	if (r) {
		is_str(r->id, "8bce7883c2c58823d64720ae685510568f06187347b8e27eee70494f4e44f940",
		       "dapi-web: id");
		is_int(r->n_labels, 3, "dapi-web: three labels");
		is_str(label(r, "com.docker.compose.project"), "shop", "dapi-web: compose project");
		is_str(label(r, "com.docker.compose.service"), "web", "dapi-web: compose service");
		is_str(label(r, "weird"), "va\"l\\ue", "dapi-web: quote and backslash unescaped");
		is_int(r->n_ports, 1, "dapi-web: one port");
		p = port(r, 80, "tcp", "127.0.0.1");
		ok(p && p->host_port == 18081, "dapi-web: 127.0.0.1:18081->80/tcp");
		ok(p && p->container_ip && strcmp(p->container_ip, "172.17.0.3") == 0,
		   "dapi-web: container_ip");
	}
	ok(!find(&l, "dapi-linker/alias"), "the link alias is not a container name");

	r = find(&l, "dapi-udp");
	ok(r, "dapi-udp found");
	if (r) {
		is_int(r->n_ports, 3, "dapi-udp: three port entries");
		p = port(r, 53, "udp", "0.0.0.0");
		ok(p && p->host_port == 18082, "dapi-udp: 0.0.0.0:18082->53/udp");
		ok(port(r, 53, "udp", "::"), "dapi-udp: [::]:18082->53/udp");
		p = port(r, 9999, "tcp", NULL);
		ok(p && p->host_port == 0 && !p->host_ip,
		   "dapi-udp: exposed 9999/tcp not published");
	}

	r = find(&l, "dapi-created");
	ok(r, "dapi-created found");
	if (r) {
		is_str(r->status, "created", "dapi-created: State created");
		is_int(r->n_ports, 0, "dapi-created: no ports");
	}

	r = find(&l, "dapi-linker");
	ok(r, "dapi-linker found");
	if (r) {
		/* Go's encoder sent \u001b as is and replaced FF FE by U+FFFD. */
		is_str(label(r, "esc"), "\x1b[31mred\xef\xbf\xbd\xef\xbf\xbd\xe2\x80\xae",
		       "dapi-linker: control and bidi characters kept as bytes");
		is_str(label(r, "uni"), "gr\xc3\xbc\xc3\x9f" "e", "dapi-linker: UTF-8 label kept");
		is_int(r->n_ports, 0, "dapi-linker: no ports");
	}

	/* Appending: a second parse adds, the first records stay. */
	is_int(ct_docker_parse_containers("[]", 2, &l, &err), 0, "an empty list parses");
	is_int(l.n, 5, "an empty list adds nothing");
	ct_container_list_clear(&l);
	free(json);
	free(err);
}

static void test_fixture_version(void)
{
	struct ct_docker_version v = { 0 };
	char *err = NULL;
	size_t len;
	char *json = fixture("version-20.10.json", &len);

	ok(json, "fixture version-20.10.json readable");
	if (!json)
		return;
	is_int(ct_docker_parse_version(json, len, &v, &err), 0, "version parses");
	is_str(v.version, "20.10.24+dfsg1", "engine version");
	is_str(v.api_version, "1.41", "ApiVersion");
	is_str(v.min_api_version, "1.12", "MinAPIVersion");
	ct_docker_version_clear(&v);

	static const char *const bad[] = { "[]",
					   "{\"ApiVersion\": 1.41}",
					   "{\"ApiVersion\": \"x\"}",
					   "{\"Version\": [\"1\"]}",
					   "{\"MinAPIVersion\":\"1.\"}",
					   "{",
					   "" };
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		char *e = NULL;

		ok(ct_docker_parse_version(bad[i], strlen(bad[i]), &v, &e) == -EINVAL && e,
		   "version: rejects %s (%s)", bad[i], e ? e : "no message");
		free(e);
	}
	free(json);
	free(err);
}

#define ID64 "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define C(fields) "[{\"Id\":\"" ID64 "\"" fields "}]"

static void test_hostile(void)
{
	static const struct {
		const char *json;
		const char *error; /* a substring of the message */
	} bad[] = {
		{ "", "invalid JSON" },
		{ "[{\"Id\":", "invalid JSON" },
		{ "[] x", "trailing data" },
		{ "{}", "expected an array of containers, got object" },
		{ "\"x\"", "expected an array of containers, got string" },
		{ "null", "" }, /* json-c: "truncated"; either way rejected */
		{ "[1]", "container 0: expected an object, got int" },
		{ "[[]]", "container 0: expected an object, got array" },
		{ "[{}]", "container 0: Id: missing or null" },
		{ "[{\"Id\":null}]", "Id: missing or null" },
		{ "[{\"Id\":5}]", "Id: expected a string, got int" },
		{ "[{\"Id\":\"abc\"}]", "Id: not a container id" },
		{ "[{\"Id\":\"" ID64 "0\"}]", "Id: not a container id" },
		{ "[{\"Id\":\"0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef\"}]",
		  "not a container id" },
		{ "[{\"Id\":\"../../../../etc/passwd\"}]", "not a container id" },
		{ "[{\"Id\":\"" ID64 "\\u0000\"}]", "NUL" },
		{ C(",\"Names\":\"/x\""), "Names: expected an array, got string" },
		{ C(",\"Names\":[1]"), "Names[0]: expected a string, got int" },
		{ C(",\"Names\":[\"/a\\u0000b\"]"), "Names[0]: string contains a NUL byte" },
		{ C(",\"Image\":{}"), "Image: expected a string, got object" },
		{ C(",\"Image\":\"bb\\u0000evil\""), "Image: string contains a NUL byte" },
		{ C(",\"State\":true"), "State: expected a string, got boolean" },
		{ C(",\"Labels\":[]"), "Labels: expected an object, got array" },
		{ C(",\"Labels\":{\"a\":1}"), "Labels[\"a\"]: expected a string, got int" },
		{ C(",\"Labels\":{\"a\":null}"), "Labels[\"a\"]: missing or null" },
		{ C(",\"Labels\":{\"a\":{\"b\":\"c\"}}"), "expected a string, got object" },
		{ C(",\"Ports\":{}"), "Ports: expected an array, got object" },
		{ C(",\"Ports\":[80]"), "Ports[0]: expected an object, got int" },
		{ C(",\"Ports\":[{}]"), "Ports[0].PrivatePort: missing or null" },
		{ C(",\"Ports\":[{\"PrivatePort\":\"80\"}]"), "expected a port number 1..65535" },
		{ C(",\"Ports\":[{\"PrivatePort\":0}]"), "PrivatePort: expected a port number" },
		{ C(",\"Ports\":[{\"PrivatePort\":-1}]"), "PrivatePort: expected a port number" },
		{ C(",\"Ports\":[{\"PrivatePort\":65536}]"),
		  "PrivatePort: expected a port number" },
		{ C(",\"Ports\":[{\"PrivatePort\":80.0}]"), "got double" },
		{ C(",\"Ports\":[{\"PrivatePort\":1e400}]"), "" },
		{ C(",\"Ports\":[{\"PrivatePort\":99999999999999999999999999}]"), "" },
		{ C(",\"Ports\":[{\"PrivatePort\":18446744073709551615}]"),
		  "expected a port number" },
		{ C(",\"Ports\":[{\"PrivatePort\":4294967376}]"), "expected a port number" },
		{ C(",\"Ports\":[{\"PrivatePort\":80,\"PublicPort\":-80}]"), "PublicPort" },
		{ C(",\"Ports\":[{\"PrivatePort\":80,\"PublicPort\":1,\"IP\":\"localhost\"}]"),
		  "Ports[0].IP: not an IP address" },
		{ C(",\"Ports\":[{\"PrivatePort\":80,\"PublicPort\":1,\"IP\":\"1.2.3.4\\n\"}]"),
		  "not an IP address" },
		{ C(",\"Ports\":[{\"PrivatePort\":80,\"Type\":\"\"}]"), "not a protocol name" },
		{ C(",\"Ports\":[{\"PrivatePort\":80,\"Type\":7}]"), "Type: expected a string" },
		{ C(",\"NetworkSettings\":[]"), "NetworkSettings: expected an object" },
		{ C(",\"NetworkSettings\":{\"Networks\":[]}"), "Networks: expected an object" },
		{ C(",\"NetworkSettings\":{\"Networks\":{\"b\":1}}"), "Networks[\"b\"]: expected" },
		{ C(",\"NetworkSettings\":{\"Networks\":{\"b\":{\"IPAddress\":\"1.2.3.4.5\"}}}"),
		  "Networks[\"b\"].IPAddress: not an IP address" },
		{ C(",\"HostConfig\":\"x\""), "HostConfig: expected an object" },
		{ "[{\"Id\":\"" ID64 "\"},{\"Id\":\"" ID64 "\"}]", "duplicate container id" },
	};
	struct ct_container_list l = { 0 };
	char *err = NULL;

	/* One record already there: a failed parse must leave it alone. */
	ct_container_list_add(&l)->id = xstrdup("keep");
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		int r;

		err = NULL;
		r = ct_docker_parse_containers(bad[i].json, strlen(bad[i].json), &l, &err);
		ok(r == -EINVAL && err && strstr(err, bad[i].error), "hostile %zu rejected: %s", i,
		   err ? err : "(no message)");
		free(err);
	}
	is_int(l.n, 1, "failed parses leave the list untouched");

	/* Deep nesting: json-c's depth limit, not the stack, stops it. */
	{
		size_t n = 100000;
		char *deep = xmalloc(2 * n + 1);

		memset(deep, '[', n);
		memset(deep + n, ']', n);
		deep[2 * n] = '\0';
		err = NULL;
		ok(ct_docker_parse_containers(deep, 2 * n, &l, &err) == -EINVAL && err,
		   "100000 nested arrays rejected: %s", err ? err : "");
		free(err);
		free(deep);
	}
	{
		struct ct_buf b = { 0 };

		ct_buf_puts(&b, "[{\"Id\":\"" ID64 "\",\"Labels\":{\"x\":");
		for (int i = 0; i < 70; i++)
			ct_buf_puts(&b, "{\"a\":");
		ct_buf_puts(&b, "1");
		for (int i = 0; i < 70; i++)
			ct_buf_putc(&b, '}');
		ct_buf_puts(&b, "}}]");
		err = NULL;
		ok(ct_docker_parse_containers(b.data, b.len, &l, &err) == -EINVAL && err,
		   "deep nesting inside a label rejected: %s", err ? err : "");
		free(err);
		ct_buf_free(&b);
	}
	/* Binary garbage and a NUL inside the document. */
	{
		static const char junk[] = "[\0\xff\xfe{]";

		err = NULL;
		ok(ct_docker_parse_containers(junk, sizeof(junk) - 1, &l, &err) == -EINVAL && err,
		   "binary junk rejected: %s", err ? err : "");
		free(err);
	}
	is_int(l.n, 1, "still untouched");
	ct_container_list_clear(&l);

	/* What must be accepted. */
	static const struct {
		const char *json, *name, *what;
	} good[] = {
		{ C(""), NULL, "only an Id" },
		{ C(",\"Names\":null,\"Labels\":null,\"Ports\":null,\"NetworkSettings\":null"),
		  NULL, "nulls for optional fields" },
		{ C(",\"Names\":[]"), NULL, "no names" },
		{ C(",\"Names\":[\"/\"]"), NULL, "a name that is only '/'" },
		{ C(",\"Names\":[\"/a/b\"]"), "a/b", "only a link alias: keep it" },
		{ C(",\"Names\":[\"/a/b\",\"/c\",\"/d\"]"), "c", "the first plain name" },
		{ C(",\"Names\":[\"x\"]"), "x", "a name without '/'" },
		{ C(",\"Names\":[\"/\\u001b]0;pwned\\u0007\\n\\u202e\"]"),
		  "\x1b]0;pwned\x07\n\xe2\x80\xae", "escape sequences kept as bytes" },
		{ C(",\"Names\":[\"/\xff\xfe\"]"), "\xff\xfe", "bytes that are not UTF-8 kept" },
		{ C(",\"Unknown\":{\"deep\":[1,2,3]},\"Ports\":[]"), NULL,
		  "unknown fields ignored" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(good); i++) {
		err = NULL;
		ok(ct_docker_parse_containers(good[i].json, strlen(good[i].json), &l, &err) == 0,
		   "accepted: %s%s%s", good[i].what, err ? ": " : "", err ? err : "");
		free(err);
		ok(l.n == 1 &&
			   (good[i].name ? l.recs[0].name && !strcmp(l.recs[0].name, good[i].name)
					 : !l.recs[0].name),
		   "name right: %s", good[i].what);
		ct_container_list_clear(&l);
	}

	/* container_ip: the network named by NetworkMode, else the only one. */
	static const struct {
		const char *json, *ip, *what;
	} ips[] = {
		{ C(",\"Ports\":[{\"PrivatePort\":80}],\"HostConfig\":{\"NetworkMode\":\"b\"},"
		    "\"NetworkSettings\":{\"Networks\":{\"a\":{\"IPAddress\":\"10.0.0.1\"},"
		    "\"b\":{\"IPAddress\":\"10.0.0.2\"}}}"),
		  "10.0.0.2", "NetworkMode names one of two networks" },
		{ C(",\"Ports\":[{\"PrivatePort\":80}],\"HostConfig\":{\"NetworkMode\":\"default\"}"
		    ","
		    "\"NetworkSettings\":{\"Networks\":{\"x\":{\"IPAddress\":\"10.0.0.1\"},"
		    "\"bridge\":{\"IPAddress\":\"10.0.0.9\"}}}"),
		  "10.0.0.9", "NetworkMode default is bridge" },
		{ C(",\"Ports\":[{\"PrivatePort\":80}],"
		    "\"NetworkSettings\":{\"Networks\":{\"a\":{\"IPAddress\":\"10.0.0.1\"},"
		    "\"b\":{\"IPAddress\":\"10.0.0.2\"}}}"),
		  NULL, "two networks, none named: unknown" },
		{ C(",\"Ports\":[{\"PrivatePort\":80}],\"HostConfig\":{\"NetworkMode\":\"host\"},"
		    "\"NetworkSettings\":{\"Networks\":{\"host\":{\"IPAddress\":\"\"}}}"),
		  NULL, "host network: no address" },
		{ C(",\"Ports\":[{\"PrivatePort\":80}],"
		    "\"NetworkSettings\":{\"Networks\":{\"a\":{\"IPAddress\":\"fd00::2\"}}}"),
		  "fd00::2", "the only network with an address" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(ips); i++) {
		err = NULL;
		ok(ct_docker_parse_containers(ips[i].json, strlen(ips[i].json), &l, &err) == 0 &&
			   l.n == 1 && l.recs[0].n_ports == 1,
		   "container_ip case parses: %s %s", ips[i].what, err ? err : "");
		if (l.n == 1 && l.recs[0].n_ports == 1)
			is_str(l.recs[0].ports[0].container_ip, ips[i].ip, "container_ip: %s",
			       ips[i].what);
		free(err);
		ct_container_list_clear(&l);
	}
}

static void test_negotiate(void)
{
	static const struct {
		const char *server, *min, *want;
	} cases[] = {
		{ "1.41", NULL, "1.41" }, { "1.43", NULL, "1.41" }, { "1.40", NULL, "1.40" },
		{ "1.12", NULL, "1.12" }, { "2.0", NULL, "1.41" },  { "1.45", "1.44", "1.44" },
		{ "1.41", "1.12", "1.41" }, { "1.041", NULL, "1.41" },
	};
	static const char *const junk[] = { "",	"1",	"1.",	  ".1",	  "a.b",  "1.41x",
					    "1.2.3", "1234.1", "-1.2", "+1.2", " 1.41", "1.41\n",
					    "1.4\x1b" };
	char *v;

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		v = NULL;
		is_int(ct_docker_api_negotiate(cases[i].server, cases[i].min, &v), 0,
		       "negotiate %s (min %s)", cases[i].server, cases[i].min ? cases[i].min : "-");
		is_str(v, cases[i].want, "negotiate %s gives %s", cases[i].server, cases[i].want);
		free(v);
	}
	for (size_t i = 0; i < ARRAY_SIZE(junk); i++) {
		v = NULL;
		ok(ct_docker_api_negotiate(junk[i], NULL, &v) == -EINVAL && !v,
		   "negotiate rejects junk version %zu", i);
	}
	ok(ct_docker_api_negotiate(NULL, NULL, &v) == -EINVAL, "negotiate rejects NULL");
}

static bool sockets_are(const struct ct_docker_sockets *s, const char *const *want)
{
	size_t n = 0;

	for (; want[n]; n++)
		if (n >= s->n || strcmp(s->paths[n], want[n]) != 0)
			return false;
	return n == s->n;
}

static void test_sockets(void)
{
	struct ct_docker_sockets s = { 0 };
	struct ct_docker_opts o = { .socket_override = "/x/d.sock" };

	ct_docker_socket_candidates(&o, "unix:///env.sock", &s);
	ok(sockets_are(&s, (const char *[]){ "/x/d.sock", NULL }), "--docker-socket wins");
	ct_docker_sockets_clear(&s);
	ct_docker_socket_candidates(NULL, "unix:///env.sock", &s);
	ok(sockets_are(&s, (const char *[]){ "/env.sock", NULL }), "DOCKER_HOST=unix://PATH");
	ct_docker_sockets_clear(&s);
	ct_docker_socket_candidates(NULL, "tcp://1.2.3.4:2375", &s);
	ok(sockets_are(&s, (const char *[]){ CT_DOCKER_DEFAULT_SOCKET, NULL }),
	   "DOCKER_HOST=tcp:// falls back to the default");
	ct_docker_sockets_clear(&s);
	ct_docker_socket_candidates(NULL, NULL, &s);
	ct_docker_socket_candidates(NULL, "unix://", &s);
	ok(sockets_are(&s, (const char *[]){ CT_DOCKER_DEFAULT_SOCKET, NULL }),
	   "no DOCKER_HOST: the default, once");
	ct_docker_sockets_clear(&s);

	static const struct {
		const char *argv[12];
		int found;
		const char *want[6];
		const char *what;
	} cases[] = {
		{ { "dockerd", "--iptables=false" }, 1, { CT_DOCKER_DEFAULT_SOCKET }, "no -H" },
		{ { "dockerd", "-H", "unix:///a.sock" }, 1, { "/a.sock" }, "-H X" },
		{ { "dockerd", "-H=unix:///a.sock" }, 1, { "/a.sock" }, "-H=X" },
		{ { "dockerd", "-Hunix:///a.sock" }, 1, { "/a.sock" }, "-HX" },
		{ { "dockerd", "--host", "unix:///a.sock" }, 1, { "/a.sock" }, "--host X" },
		{ { "dockerd", "--host=unix:///a.sock" }, 1, { "/a.sock" }, "--host=X" },
		{ { "dockerd", "-H", "fd://" }, 1, { CT_DOCKER_DEFAULT_SOCKET }, "fd://" },
		{ { "dockerd", "-H", "unix://" },
		  1,
		  { CT_DOCKER_DEFAULT_SOCKET },
		  "unix:// alone" },
		{ { "dockerd", "-H", "tcp://0.0.0.0:2375" }, 0, { NULL }, "only tcp://" },
		{ { "dockerd", "-H", "tcp://0.0.0.0:2375", "-H", "unix:///b.sock", "--host=fd://",
		    "-H", "unix:///b.sock", "-H", "ssh://x", "-H", "unix://rel.sock" },
		  3,
		  { "/b.sock", CT_DOCKER_DEFAULT_SOCKET },
		  "mixed, duplicates and a relative path" },
		{ { "dockerd", "--data-root", "/d", "-H" }, 0, { NULL }, "-H without a value" },
		{ { "dockerd", "--", "-H", "unix:///no.sock" },
		  1,
		  { CT_DOCKER_DEFAULT_SOCKET },
		  "stops at --" },
		{ { "dockerd", "--hostname", "-Hx", "--hosts=unix:///z" },
		  0,
		  { NULL },
		  "look-alikes: only -Hx counts, and it is not unix" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		size_t argc = 0;

		while (argc < ARRAY_SIZE(cases[i].argv) && cases[i].argv[argc])
			argc++;
		is_int(ct_docker_sockets_from_argv(cases[i].argv, argc, &s), cases[i].found,
		       "argv %s: count", cases[i].what);
		ok(sockets_are(&s, cases[i].want), "argv %s: paths", cases[i].what);
		ct_docker_sockets_clear(&s);
	}
}

/* ---- a fake engine ---- */

enum fake_mode {
	FAKE_NORMAL,
	FAKE_CLOSE_EACH,  /* Connection: close after every response */
	FAKE_NO_HEADER,	  /* /_ping without Api-Version */
	FAKE_TOO_OLD,	  /* wants API 1.44 or later */
	FAKE_BAD_HEADER,  /* Api-Version with an escape sequence */
	FAKE_BIG_CHUNKED, /* list of 2 MiB, chunked */
	FAKE_BIG_LENGTH,  /* Content-Length: 2000000 */
	FAKE_SHORT,	  /* Content-Length larger than the body, then close */
	FAKE_ERROR,	  /* HTTP 500 on the list */
	FAKE_GARBAGE,	  /* not HTTP at all */
	FAKE_CLOSE,	  /* closes without a word */
	FAKE_HANG,	  /* reads the request, never answers */
};

static const char fake_list[] = C(",\"Names\":[\"/fake\"],\"Image\":\"img\",\"State\":\"running\"");

static void send_all(int fd, const void *p, size_t n)
{
	while (n > 0) {
		ssize_t w = send(fd, p, n, MSG_NOSIGNAL);

		if (w <= 0)
			return;
		p = (const char *)p + w;
		n -= (size_t)w;
	}
}

static void send_str(int fd, const char *s)
{
	send_all(fd, s, strlen(s));
}

static void reply(int fd, int status, const char *headers, const char *body, bool close_conn)
{
	char head[1024];
	int n = snprintf(head, sizeof(head),
			 "HTTP/1.1 %d X\r\n%sContent-Type: application/json\r\n"
			 "Content-Length: %zu\r\n%s\r\n",
			 status, headers, strlen(body), close_conn ? "Connection: close\r\n" : "");

	send_all(fd, head, (size_t)n);
	send_all(fd, body, strlen(body));
}

/* One response; false when the connection is to be closed. */
static bool fake_respond(int fd, enum fake_mode mode, const char *path)
{
	const char *api = mode == FAKE_TOO_OLD ? "1.45" : mode == FAKE_NO_HEADER ? "1.30" : "1.43";
	const char *v = mode == FAKE_TOO_OLD ? "1.44" : mode == FAKE_NO_HEADER ? "1.30" : "1.41";
	bool keep = mode != FAKE_CLOSE_EACH;
	char want[64], hdr[128], body[256];

	if (mode == FAKE_GARBAGE) {
		send_str(fd, "SSH-2.0-OpenSSH_9.2\r\n");
		return false;
	}
	if (mode == FAKE_CLOSE)
		return false;
	if (mode == FAKE_HANG) {
		for (;;)
			pause();
	}
	if (strcmp(path, "/_ping") == 0) {
		if (mode == FAKE_NO_HEADER)
			snprintf(hdr, sizeof(hdr), "Server: Fake/1\r\n");
		else if (mode == FAKE_BAD_HEADER)
			snprintf(hdr, sizeof(hdr), "Api-Version: 1.41\x1b[2J\r\n");
		else
			snprintf(hdr, sizeof(hdr), "Api-Version: %s\r\nServer: Fake/1\r\n", api);
		reply(fd, 200, hdr, "OK", !keep);
		return keep;
	}
	snprintf(body, sizeof(body),
		 "{\"Version\":\"99.0-fake\",\"ApiVersion\":\"%s\",\"MinAPIVersion\":\"%s\"}", api,
		 mode == FAKE_TOO_OLD ? "1.44" : "1.12");
	if (strcmp(path, "/version") == 0) {
		reply(fd, 200, "", body, !keep);
		return keep;
	}
	snprintf(want, sizeof(want), "/v%s/version", v);
	if (strcmp(path, want) == 0) {
		reply(fd, 200, "", body, !keep);
		return keep;
	}
	if (mode == FAKE_TOO_OLD && strncmp(path, "/v1.41/", 7) == 0) {
		reply(fd, 400, "",
		      "{\"message\":\"client version 1.41 is too old. Minimum supported API "
		      "version is 1.44, please upgrade your client to a newer version\"}",
		      !keep);
		return keep;
	}
	snprintf(want, sizeof(want), "/v%s/containers/json?all=1", v);
	if (strcmp(path, want) != 0) {
		reply(fd, 404, "", "{\"message\":\"page not found\"}", !keep);
		return keep;
	}
	switch (mode) {
	case FAKE_BIG_CHUNKED: {
		static char chunk[65536];
		char size[32];

		memset(chunk, ' ', sizeof(chunk));
		send_str(fd, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
		snprintf(size, sizeof(size), "%zx\r\n", sizeof(chunk));
		for (int i = 0; i < 32; i++) {
			send_str(fd, size);
			send_all(fd, chunk, sizeof(chunk));
			send_str(fd, "\r\n");
		}
		send_str(fd, "0\r\n\r\n");
		return true;
	}
	case FAKE_BIG_LENGTH:
		send_str(fd, "HTTP/1.1 200 OK\r\nContent-Length: 2000000\r\n\r\n[");
		return false;
	case FAKE_SHORT:
		send_str(fd, "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n[]");
		return false;
	case FAKE_ERROR:
		reply(fd, 500, "", "{\"message\":\"boom\\nsecond line\"}", false);
		return true;
	default:
		reply(fd, 200, "", fake_list, !keep);
		return keep;
	}
}

static _Noreturn void fake_serve(int lfd, enum fake_mode mode)
{
	for (;;) {
		int fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
		char req[8192];
		size_t len = 0;

		if (fd < 0)
			_exit(1);
		for (;;) {
			char *end, *sp;
			ssize_t n = read(fd, req + len, sizeof(req) - 1 - len);

			if (n <= 0)
				break;
			len += (size_t)n;
			req[len] = '\0';
			end = strstr(req, "\r\n\r\n");
			if (!end) {
				if (len == sizeof(req) - 1)
					break;
				continue;
			}
			/* "GET /path HTTP/1.1" */
			sp = strchr(req, ' ');
			if (!sp)
				break;
			*strchrnul(sp + 1, ' ') = '\0';
			if (!fake_respond(fd, mode, sp + 1))
				break;
			len -= (size_t)(end + 4 - req);
			memmove(req, end + 4, len);
			req[len] = '\0';
		}
		close(fd);
	}
}

static pid_t fake_start(const char *path, enum fake_mode mode)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	pid_t pid;

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	unlink(path);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(fd, 16) < 0) {
		printf("# fake server: cannot listen on %s: %m\n", path);
		return -1;
	}
	fflush(stdout);
	pid = fork();
	if (pid == 0)
		fake_serve(fd, mode);
	close(fd);
	return pid;
}

static void fake_stop(pid_t pid, const char *path)
{
	if (pid > 0) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
	}
	unlink(path);
}

static uint64_t ms_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* Run a query against a fake in mode; returns the result, fills reply/err. */
static int fake_query(enum fake_mode mode, const struct ct_docker_opts *o,
		      struct ct_docker_reply *rep, char **err, uint64_t *ms)
{
	char path[128];
	pid_t pid;
	uint64_t t0;
	int r;

	snprintf(path, sizeof(path), "%s/fake.sock", tmpdir);
	pid = fake_start(path, mode);
	if (pid < 0)
		return -999;
	t0 = ms_now();
	r = ct_docker_query(path, o, rep, err);
	if (ms)
		*ms = ms_now() - t0;
	fake_stop(pid, path);
	return r;
}

static void test_fake_engine(void)
{
	struct ct_docker_opts o = { .timeout_ms = 3000 };
	struct ct_docker_reply rep = { 0 };
	struct ct_container_list l = { 0 };
	char *err = NULL;
	uint64_t ms;
	int r;

	r = fake_query(FAKE_NORMAL, &o, &rep, &err, NULL);
	is_int(r, 0, "fake: query succeeds %s", err ? err : "");
	is_str(rep.server_api_version, "1.43", "fake: server's API version from the header");
	ok(rep.api_from_ping, "fake: ... from /_ping");
	is_str(rep.api_version, "1.41", "fake: a newer server is spoken to in 1.41");
	is_str(rep.engine_version, "99.0-fake", "fake: engine version from /v1.41/version");
	is_str(rep.server_header, "Fake/1", "fake: Server header kept");
	is_int(rep.n_requests, 3, "fake: three requests");
	is_int(rep.n_connects, 1, "fake: over one kept-alive connection");
	ok(rep.containers_json && rep.containers_json_len == strlen(fake_list) &&
		   memcmp(rep.containers_json, fake_list, rep.containers_json_len) == 0,
	   "fake: the raw list body is kept");
	ok(rep.version_json && strstr(rep.version_json, "99.0-fake"), "fake: raw version kept");
	is_int(ct_docker_parse_containers(rep.containers_json, rep.containers_json_len, &l, &err),
	       0, "fake: the kept body parses");
	ok(l.n == 1 && l.recs[0].name && !strcmp(l.recs[0].name, "fake"), "fake: one container");
	ct_container_list_clear(&l);
	ct_docker_reply_clear(&rep);
	free(err);
	err = NULL;

	r = fake_query(FAKE_CLOSE_EACH, &o, &rep, &err, NULL);
	is_int(r, 0, "close-each: query succeeds");
	is_int(rep.n_connects, 3, "close-each: a new connection per request");
	ct_docker_reply_clear(&rep);

	r = fake_query(FAKE_NO_HEADER, &o, &rep, &err, NULL);
	is_int(r, 0, "no Api-Version header: query succeeds %s", err ? err : "");
	ok(!rep.api_from_ping, "no header: the version came from /version");
	is_str(rep.api_version, "1.30", "no header: /version's ApiVersion 1.30 is used");
	is_int(rep.n_requests, 4, "no header: four requests");
	ct_docker_reply_clear(&rep);
	free(err);
	err = NULL;

	r = fake_query(FAKE_TOO_OLD, &o, &rep, &err, NULL);
	is_int(r, 0, "server wanting 1.44: query succeeds %s", err ? err : "");
	is_str(rep.api_version, "1.44", "server wanting 1.44: its MinAPIVersion is spoken");
	ct_docker_reply_clear(&rep);
	free(err);
	err = NULL;

	r = fake_query(FAKE_BAD_HEADER, &o, &rep, &err, NULL);
	ok(r == -EPROTO && err && strstr(err, "invalid server API version"),
	   "escape sequence in Api-Version: -EPROTO (%s)", err ? "message" : "none");
	free(err);
	err = NULL;

	o.max_body = 1 << 20;
	r = fake_query(FAKE_BIG_CHUNKED, &o, &rep, &err, NULL);
	ok(r == -EFBIG && err && strstr(err, "response larger than 1 MiB"),
	   "2 MiB chunked reply, 1 MiB cap: -EFBIG: %s", err ? err : "");
	free(err);
	err = NULL;
	r = fake_query(FAKE_BIG_LENGTH, &o, &rep, &err, NULL);
	ok(r == -EFBIG && err && strstr(err, "response larger than 1 MiB"),
	   "Content-Length 2000000, 1 MiB cap: -EFBIG: %s", err ? err : "");
	free(err);
	err = NULL;
	o.max_body = 0;

	r = fake_query(FAKE_SHORT, &o, &rep, &err, NULL);
	ok(r == -EPROTO && err, "body shorter than Content-Length: -EPROTO: %s", err ? err : "");
	free(err);
	err = NULL;

	r = fake_query(FAKE_ERROR, &o, &rep, &err, NULL);
	ok(r == -EPROTO && err &&
		   !strcmp(err, "GET /v1.41/containers/json?all=1: HTTP 500: boom"),
	   "HTTP 500: docker's message, first line: %s", err ? err : "");
	free(err);
	err = NULL;

	r = fake_query(FAKE_GARBAGE, &o, &rep, &err, NULL);
	ok(r == -EPROTO && err, "not HTTP: -EPROTO: %s", err ? err : "");
	free(err);
	err = NULL;

	r = fake_query(FAKE_CLOSE, &o, &rep, &err, NULL);
	ok(r == -ECONNRESET && err, "closed without a reply: -ECONNRESET: %s", err ? err : "");
	free(err);
	err = NULL;

	o.timeout_ms = 300;
	r = fake_query(FAKE_HANG, &o, &rep, &err, &ms);
	ok(r == -ETIMEDOUT && err && strstr(err, "timed out after 300 ms"),
	   "never answers: -ETIMEDOUT: %s", err ? err : "");
	ok(ms >= 290 && ms < 1300, "never answers: gave up after %llu ms (limit 300)",
	   (unsigned long long)ms);
	free(err);
	err = NULL;
}

static void test_http(void)
{
	static const char *const capture[] = { "api-version", "X-Absent", NULL };
	struct ct_http_opts ho = { .capture = capture, .timeout_ms = 2000 };
	struct ct_http_client *c = NULL;
	struct ct_http_response resp = { 0 };
	char path[100], longpath[200], size[32];
	char *err = NULL, *m;
	pid_t pid;
	int r;

	ct_http_format_size(size, sizeof(size), 8 << 20);
	is_str(size, "8 MiB", "size 8 MiB");
	ct_http_format_size(size, sizeof(size), 65536);
	is_str(size, "64 KiB", "size 64 KiB");
	ct_http_format_size(size, sizeof(size), 1000);
	is_str(size, "1000 bytes", "size 1000 bytes");
	m = ct_http_status_message(400, "bad thing\r\nmore", 16);
	is_str(m, "HTTP 400: bad thing", "status message: first line");
	free(m);
	m = ct_http_status_message(502, "", 0);
	is_str(m, "HTTP 502", "status message: no body");
	free(m);

	memset(longpath, 'x', sizeof(longpath) - 1);
	longpath[0] = '/';
	longpath[sizeof(longpath) - 1] = '\0';
	is_int(ct_http_client_new(longpath, &ho, &c, &err), -ENAMETOOLONG,
	       "a path too long for sun_path: -ENAMETOOLONG");
	free(err);
	err = NULL;
	is_int(ct_http_client_new("", &ho, &c, &err), -EINVAL, "an empty path: -EINVAL");
	free(err);
	err = NULL;

	snprintf(path, sizeof(path), "%s/missing.sock", tmpdir);
	r = ct_http_client_new(path, &ho, &c, &err);
	is_int(r, 0, "client for a missing socket is made");
	if (r == 0) {
		r = ct_http_get(c, "/_ping", &resp, &err);
		ok(r == -ENOENT && err && strstr(err, "No such file"),
		   "missing socket: -ENOENT: %s", err ? err : "");
		free(err);
		err = NULL;
		is_int(ct_http_get(c, "_ping", &resp, &err), -EINVAL, "a path without '/' refused");
		free(err);
		err = NULL;
		is_int(ct_http_get(c, "/a b", &resp, &err), -EINVAL, "a path with a space refused");
		free(err);
		err = NULL;
		is_int(ct_http_get(c, "/a\r\nX: y", &resp, &err), -EINVAL,
		       "a path with CR LF refused");
		free(err);
		err = NULL;
		c = ct_http_client_free(c);
	}

	/* A socket file nobody listens on. */
	{
		struct sockaddr_un sa = { .sun_family = AF_UNIX };
		int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

		snprintf(path, sizeof(path), "%s/dead.sock", tmpdir);
		snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
		ok(fd >= 0 && bind(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0,
		   "dead socket made");
		close(fd);
		ct_http_client_new(path, &ho, &c, &err);
		r = c ? ct_http_get(c, "/_ping", &resp, &err) : -1;
		ok(r == -ECONNREFUSED && err && strstr(err, "Connection refused"),
		   "nobody listening: -ECONNREFUSED: %s", err ? err : "");
		free(err);
		err = NULL;
		c = ct_http_client_free(c);
		unlink(path);
	}

	snprintf(path, sizeof(path), "%s/fake.sock", tmpdir);
	pid = fake_start(path, FAKE_NORMAL);
	ct_http_client_new(path, &ho, &c, &err);
	r = c ? ct_http_get(c, "/_ping", &resp, &err) : -1;
	is_int(r, 0, "http: GET /_ping");
	is_int(resp.status, 200, "http: status 200");
	is_str(resp.body, "OK", "http: body");
	is_int(resp.n_headers, 1, "http: only the asked-for header captured");
	is_str(ct_http_response_header(&resp, "API-VERSION"), "1.43",
	       "http: header found case-insensitively, value trimmed");
	ok(!ct_http_response_header(&resp, "Server"), "http: other headers not kept");
	ok(!resp.reused, "http: first request opened the connection");
	ct_http_response_clear(&resp);
	r = c ? ct_http_get(c, "/nope", &resp, &err) : -1;
	is_int(r, 0, "http: a 404 is a response, not a failure");
	is_int(resp.status, 404, "http: status 404");
	ok(resp.reused, "http: second request reused the connection");
	ct_http_response_clear(&resp);
	is_int(c ? ct_http_client_connects(c) : 0, 1, "http: one connection for two requests");
	c = ct_http_client_free(c);
	fake_stop(pid, path);
	ok(ct_http_client_free(NULL) == NULL, "http: free(NULL)");
	ct_http_response_clear(NULL);
	ct_docker_reply_clear(NULL);
}

/* ---- --query: the live test's driver ---- */

static struct json_object *str_or_null(const char *s)
{
	return s ? ct_json_str(s) : NULL;
}

static int query_main(const char *sock, long timeout_ms)
{
	struct ct_docker_opts o = { .timeout_ms = timeout_ms };
	struct ct_docker_reply rep = { 0 };
	struct ct_container_list l = { 0 };
	char *err = NULL, *esc;
	struct json_object *j;
	int r;

	r = ct_docker_query(sock, &o, &rep, &err);
	if (r == 0)
		r = ct_docker_parse_containers(rep.containers_json, rep.containers_json_len, &l,
					       &err);
	if (r < 0) {
		esc = ct_escape_term_dup(err, strlen(err));
		fprintf(stderr, "test-docker: %s: %s\n", sock, esc);
		free(esc);
		free(err);
		ct_docker_reply_clear(&rep);
		return 1;
	}
	j = json_object_new_object();
	json_object_object_add(j, "socket", ct_json_str(sock));
	json_object_object_add(j, "api_version", str_or_null(rep.api_version));
	json_object_object_add(j, "server_api_version", str_or_null(rep.server_api_version));
	json_object_object_add(j, "engine_version", str_or_null(rep.engine_version));
	json_object_object_add(j, "requests", json_object_new_int((int)rep.n_requests));
	json_object_object_add(j, "connects", json_object_new_int((int)rep.n_connects));
	json_object_object_add(j, "elapsed_us", json_object_new_int64((int64_t)rep.elapsed_us));
	json_object_object_add(j, "containers", json_object_new_int((int)l.n));
	puts(json_object_to_json_string_ext(j, JSON_C_TO_STRING_PLAIN |
						       JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(j);

	for (size_t i = 0; i < l.n; i++) {
		const struct ct_container_rec *c = &l.recs[i];
		struct json_object *labels = json_object_new_object();
		struct json_object *ports = json_object_new_array();

		j = json_object_new_object();
		json_object_object_add(j, "id", str_or_null(c->id));
		json_object_object_add(j, "name", str_or_null(c->name));
		json_object_object_add(j, "image", str_or_null(c->image));
		json_object_object_add(j, "status", str_or_null(c->status));
		json_object_object_add(j, "engine", ct_json_str(ct_engine_kind_name(c->engine)));
		json_object_object_add(j, "engine_ns", str_or_null(c->engine_ns));
		json_object_object_add(j, "source", str_or_null(c->source));
		for (size_t k = 0; k < c->n_labels; k++)
			json_object_object_add(labels, c->labels[k].key,
					       ct_json_str(c->labels[k].value));
		json_object_object_add(j, "labels", labels);
		for (size_t k = 0; k < c->n_ports; k++) {
			const struct ct_port *p = &c->ports[k];
			struct json_object *po = json_object_new_object();

			json_object_object_add(po, "host_ip", str_or_null(p->host_ip));
			json_object_object_add(po, "host_port", json_object_new_int(p->host_port));
			json_object_object_add(po, "container_ip", str_or_null(p->container_ip));
			json_object_object_add(po, "container_port",
					       json_object_new_int(p->container_port));
			json_object_object_add(po, "proto", str_or_null(p->proto));
			json_object_array_add(ports, po);
		}
		json_object_object_add(j, "ports", ports);
		puts(json_object_to_json_string_ext(j, JSON_C_TO_STRING_PLAIN |
							       JSON_C_TO_STRING_NOSLASHESCAPE));
		json_object_put(j);
	}
	ct_container_list_clear(&l);
	ct_docker_reply_clear(&rep);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		perror("test-docker: write error");
		return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	if (argc >= 3 && strcmp(argv[1], "--query") == 0) {
		long timeout_ms = 0;
		uint64_t t;

		if (argc == 5 && strcmp(argv[3], "--timeout") == 0 &&
		    ct_parse_u64_str(argv[4], &t) == 0 && t > 0 && t < 3600000)
			timeout_ms = (long)t;
		else if (argc != 3) {
			fprintf(stderr, "usage: test-docker [--query SOCKET [--timeout MS]]\n");
			return 2;
		}
		return query_main(argv[2], timeout_ms);
	}
	if (argc != 1) {
		fprintf(stderr, "usage: test-docker [--query SOCKET [--timeout MS]]\n");
		return 2;
	}

	snprintf(tmpdir, sizeof(tmpdir), "/tmp/test-docker.XXXXXX");
	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		return 1;
	}
	test_fixture_containers();
	test_fixture_version();
	test_hostile();
	test_negotiate();
	test_sockets();
	test_http();
	test_fake_engine();
	rmdir(tmpdir);
	return tap_done();
}
