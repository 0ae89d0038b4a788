/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * dns [NAME]: the container's resolver configuration, read through its own
 * root, and (with NAME) what each of its nameservers answers, asked from
 * inside its network namespace.  The container's files are hostile text:
 * read with openat2(RESOLVE_IN_ROOT), capped, kept as bytes in JSON and
 * escaped on a terminal.  Messages are built and parsed by libresolv; the
 * UDP exchange is ours, so that the socket lives in the target's netns and
 * every wait is bounded.
 */
#include <arpa/inet.h>
#include <arpa/nameser.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <resolv.h>
#include <stdarg.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <unistd.h>

#include "escape.h"
#include "jsonutil.h"
#include "probe-common.h"
#include "probe-util.h"
#include "probes-internal.h"
#include "util.h"

#define RESOLV_PATH "etc/resolv.conf"
#define HOSTS_PATH  "etc/hosts"
#define FILE_CAP    (64 * 1024)
/* glibc and musl use the first three nameservers (MAXNS) and ignore the rest. */
#define USED_NS   3
#define REPLY_MAX 65536

struct query {
	struct ct_pu_addr server;
	char server_str[INET6_ADDRSTRLEN + IF_NAMESIZE + 2];
	int type;
	int fd;
	unsigned char msg[NS_PACKETSZ];
	int msg_len;
	uint16_t id;
	uint64_t sent_ns;
	bool done;
	int err; /* positive errno: what the network said */
	double ms;
	unsigned char *reply;
	int reply_len;
};

struct dns_run {
	struct query *q;
	size_t n;
	const char *name;
	long timeout_ms;
};

static const char *type_name(int type)
{
	switch (type) {
	case ns_t_a:
		return "A";
	case ns_t_aaaa:
		return "AAAA";
	case ns_t_ns:
		return "NS";
	case ns_t_cname:
		return "CNAME";
	default:
		return "?";
	}
}

static const char *rcode_name(int rcode, char *buf, size_t size)
{
	static const char *const names[] = { "NOERROR",  "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED",
					     "YXDOMAIN", "YXRRSET", "NXRRSET",  "NOTAUTH",  "NOTZONE" };

	if (rcode >= 0 && (size_t)rcode < ARRAY_SIZE(names))
		return names[rcode];
	snprintf(buf, size, "RCODE%d", rcode);
	return buf;
}

static const char *rcode_meaning(int rcode)
{
	switch (rcode) {
	case ns_r_nxdomain:
		return "no such name";
	case ns_r_servfail:
		return "the server failed to answer";
	case ns_r_refused:
		return "the server refuses to answer";
	case ns_r_formerr:
		return "the server could not read the query";
	case ns_r_notimpl:
		return "not implemented by the server";
	default:
		return "error";
	}
}

/* ---- the files ---- */

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

/* Next blank-separated token in [*p, end): its start and length; false at the end. */
static bool next_token(const char **p, const char *end, const char **ret, size_t *ret_len)
{
	const char *s = *p;

	while (s < end && is_blank(*s))
		s++;
	if (s == end)
		return false;
	*ret = s;
	while (s < end && !is_blank(*s))
		s++;
	*ret_len = (size_t)(s - *ret);
	*p = s;
	return true;
}

static bool keyword(const char *line, const char *end, const char *kw, const char **ret_rest)
{
	size_t n = strlen(kw);

	/* As glibc reads it: the keyword at the start of the line, then a blank. */
	if ((size_t)(end - line) <= n || memcmp(line, kw, n) != 0 || !is_blank(line[n]))
		return false;
	*ret_rest = line + n;
	return true;
}

static void add_warning(struct json_object *conf, const char *fmt, ...) _printf_(2, 3);
static void add_warning(struct json_object *conf, const char *fmt, ...)
{
	struct json_object *w = ct_json_get(conf, "warnings");
	_cleanup_free_ char *s = NULL;
	va_list ap;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		s = NULL;
	va_end(ap);
	if (!s)
		return;
	if (!w) {
		w = json_object_new_array();
		json_object_object_add(conf, "warnings", w);
	}
	json_object_array_add(w, json_object_new_string(s));
}

/*
 * Parse resolv.conf into conf and the list of servers to ask (at most
 * USED_NS, as the C libraries do).
 */
static void parse_resolv(const char *buf, size_t len, struct json_object *conf, struct ct_pu_addr *servers,
			 size_t *n_servers)
{
	struct json_object *ns = ct_json_get(conf, "nameservers");
	struct json_object *search = NULL, *options = ct_json_get(conf, "options");
	const char *p = buf, *end = buf + len;
	size_t n = 0, total = 0;

	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		const char *line = p, *rest, *tok;
		size_t tl;

		if (!eol)
			eol = end;
		p = eol < end ? eol + 1 : end;
		if (line == eol || *line == '#' || *line == ';')
			continue;
		if (keyword(line, eol, "nameserver", &rest)) {
			struct ct_pu_addr a;

			if (!next_token(&rest, eol, &tok, &tl))
				continue;
			json_object_array_add(ns, ct_json_bytes(tok, tl));
			if (ct_pu_parse_ip(tok, tl, NS_DEFAULTPORT, &a) < 0) {
				struct ct_buf b = { 0 };

				ct_escape_term(&b, tok, tl);
				add_warning(conf, "nameserver %.*s is not an IP address: ignored", (int)b.len,
					    b.data ? b.data : "");
				ct_buf_free(&b);
				continue;
			}
			if (total++ < USED_NS)
				servers[n++] = a;
		} else if (keyword(line, eol, "search", &rest) || keyword(line, eol, "domain", &rest)) {
			/* The last search or domain line wins. */
			search = json_object_new_array();
			while (next_token(&rest, eol, &tok, &tl))
				json_object_array_add(search, ct_json_bytes(tok, tl));
			if (line[0] == 'd')
				while (json_object_array_length(search) > 1)
					json_object_array_del_idx(search, 1, 1);
			json_object_object_add(conf, "search", search);
		} else if (keyword(line, eol, "options", &rest)) {
			while (next_token(&rest, eol, &tok, &tl))
				json_object_array_add(options, ct_json_bytes(tok, tl));
		}
	}
	if (total > USED_NS)
		add_warning(conf, "%zu nameservers: the C library uses only the first %d", total, USED_NS);
	*n_servers = n;
}

static struct json_object *read_resolv(const struct ct_probe_target *t, struct ct_pu_addr *servers, size_t *n_servers)
{
	struct json_object *conf = json_object_new_object();
	_cleanup_free_ char *buf = NULL, *err = NULL;
	bool truncated = false;
	size_t len = 0;

	json_object_object_add(conf, "path", json_object_new_string("/" RESOLV_PATH));
	json_object_object_add(conf, "nameservers", json_object_new_array());
	json_object_object_add(conf, "search", json_object_new_array());
	json_object_object_add(conf, "options", json_object_new_array());
	*n_servers = 0;
	if (ct_pu_read_in_root(t->root_fd, RESOLV_PATH, FILE_CAP, &buf, &len, &truncated, &err) < 0) {
		json_object_object_add(conf, "truncated", json_object_new_boolean(false));
		json_object_object_add(conf, "error", json_object_new_string(err));
		return conf;
	}
	parse_resolv(buf, len, conf, servers, n_servers);
	json_object_object_add(conf, "truncated", json_object_new_boolean(truncated));
	json_object_object_add(conf, "error",
			       truncated ? json_object_new_string("larger than 64 KiB: only the start was read")
					 : NULL);
	return conf;
}

static struct json_object *read_hosts(const struct ct_probe_target *t, struct json_object *result)
{
	struct json_object *hosts = json_object_new_array();
	_cleanup_free_ char *buf = NULL, *err = NULL;
	bool truncated = false;
	size_t len = 0;
	const char *p, *end;

	if (ct_pu_read_in_root(t->root_fd, HOSTS_PATH, FILE_CAP, &buf, &len, &truncated, &err) < 0) {
		json_object_object_add(result, "hosts_error", json_object_new_string(err));
		return hosts;
	}
	json_object_object_add(result, "hosts_error",
			       truncated ? json_object_new_string("larger than 64 KiB: only the start was read")
					 : NULL);
	for (p = buf, end = buf + len; p < end;) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		const char *hash, *q, *tok;
		struct json_object *e, *names;
		size_t tl;

		if (!eol)
			eol = end;
		q = p;
		p = eol < end ? eol + 1 : end;
		hash = memchr(q, '#', (size_t)(eol - q));
		if (hash)
			eol = hash;
		if (!next_token(&q, eol, &tok, &tl))
			continue;
		e = json_object_new_object();
		names = json_object_new_array();
		json_object_object_add(e, "address", ct_json_bytes(tok, tl));
		while (next_token(&q, eol, &tok, &tl))
			json_object_array_add(names, ct_json_bytes(tok, tl));
		json_object_object_add(e, "names", names);
		json_object_array_add(hosts, e);
	}
	return hosts;
}

/* ---- the queries ---- */

static int build_query(struct query *q, const char *name)
{
	struct __res_state rs;
	uint16_t id;

	/*
	 * A private resolver state, not res_ninit(): that would read the
	 * host's resolv.conf, whose options are not the container's.  Only
	 * RES_RECURSE matters to res_nmkquery (the RD bit).
	 */
	memset(&rs, 0, sizeof(rs));
	rs.options = RES_RECURSE;
	q->msg_len = res_nmkquery(&rs, ns_o_query, name, ns_c_in, q->type, NULL, 0, NULL, q->msg, sizeof(q->msg));
	if (q->msg_len < NS_HFIXEDSZ)
		return -EINVAL;
	/* An unpredictable id: the answer must not be guessable by a spoofer. */
	if (getrandom(&id, sizeof(id), 0) != sizeof(id))
		return -errno;
	memcpy(q->msg, &id, sizeof(id));
	q->id = ntohs(id);
	return 0;
}

/* Compare two names in presentation form, ignoring case and a final dot. */
static bool same_name(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);

	if (la && a[la - 1] == '.')
		la--;
	if (lb && b[lb - 1] == '.')
		lb--;
	return la == lb && strncasecmp(a, b, la) == 0;
}

/* Is buf an answer to q (id, QR, the same question)? */
static bool is_answer(const struct query *q, const char *name, const unsigned char *buf, int len)
{
	ns_msg msg;
	ns_rr rr;

	if (len < NS_HFIXEDSZ || ns_initparse(buf, len, &msg) < 0)
		return false;
	if (ns_msg_id(msg) != q->id || !ns_msg_getflag(msg, ns_f_qr) || ns_msg_count(msg, ns_s_qd) != 1)
		return false;
	if (ns_parserr(&msg, ns_s_qd, 0, &rr) < 0)
		return false;
	return (int)ns_rr_type(rr) == q->type && ns_rr_class(rr) == ns_c_in && same_name(ns_rr_name(rr), name);
}

static void receive(struct query *q, const char *name, unsigned char *buf)
{
	/* A bounded batch: a server that floods us must not hold us past the deadline. */
	for (int k = 0; k < 64; k++) {
		ssize_t n = recv(q->fd, buf, REPLY_MAX, MSG_DONTWAIT);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN && errno != EWOULDBLOCK) {
				/* An ICMP error on the connected socket: refused, unreachable. */
				q->err = errno;
				q->ms = ct_pu_ms_since(q->sent_ns);
				q->done = true;
			}
			return;
		}
		/* Anything else (a late answer to someone, junk) is not ours: keep waiting. */
		if (!is_answer(q, name, buf, (int)n))
			continue;
		q->ms = ct_pu_ms_since(q->sent_ns);
		q->reply = (unsigned char *)xmemdup0(buf, (size_t)n);
		q->reply_len = (int)n;
		q->done = true;
		return;
	}
}

static void start_query(struct query *q)
{
	int r;

	q->fd = -1;
	r = ct_pu_addr_scope(&q->server);
	if (r < 0) {
		q->err = -r;
		q->done = true;
		return;
	}
	q->fd = socket(q->server.ss.ss_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (q->fd < 0) {
		q->err = errno;
		q->done = true;
		return;
	}
	q->sent_ns = ct_now_ns();
	if (connect(q->fd, (struct sockaddr *)&q->server.ss, q->server.len) < 0 ||
	    send(q->fd, q->msg, (size_t)q->msg_len, 0) < 0) {
		q->err = errno;
		q->ms = ct_pu_ms_since(q->sent_ns);
		q->done = true;
	}
}

/* In the target's netns: every query at once, one deadline for all. */
static int run_queries(void *arg)
{
	struct dns_run *d = arg;
	_cleanup_free_ unsigned char *buf = xmalloc(REPLY_MAX);
	_cleanup_free_ struct pollfd *pfd = xcalloc(d->n, sizeof(*pfd));
	_cleanup_free_ size_t *idx = xcalloc(d->n, sizeof(*idx));
	uint64_t deadline = ct_now_ns() + (uint64_t)d->timeout_ms * 1000000;

	for (size_t i = 0; i < d->n; i++)
		start_query(&d->q[i]);
	for (;;) {
		size_t np = 0;
		uint64_t now = ct_now_ns();
		int r;

		for (size_t i = 0; i < d->n; i++)
			if (!d->q[i].done) {
				pfd[np] = (struct pollfd){ .fd = d->q[i].fd, .events = POLLIN };
				idx[np++] = i;
			}
		if (np == 0)
			break;
		if (now >= deadline) {
			for (size_t i = 0; i < np; i++) {
				struct query *q = &d->q[idx[i]];

				q->err = ETIMEDOUT;
				q->ms = ct_pu_ms_since(q->sent_ns);
				q->done = true;
			}
			break;
		}
		r = poll(pfd, np, (int)((deadline - now + 999999) / 1000000));
		if (r < 0 && errno != EINTR)
			return -errno;
		for (size_t i = 0; r > 0 && i < np; i++)
			if (pfd[i].revents)
				receive(&d->q[idx[i]], d->name, buf);
	}
	return 0;
}

static struct json_object *query_json(const struct query *q, const char *name, long timeout_ms)
{
	struct json_object *o = json_object_new_object(), *answers = json_object_new_array();
	struct json_object *cnames = NULL;
	char rbuf[16], err[160] = "";
	int rcode = -1;
	bool tc = false;
	ns_msg msg;

	json_object_object_add(o, "server", json_object_new_string(q->server_str));
	json_object_object_add(o, "name", ct_json_str(name));
	json_object_object_add(o, "type", json_object_new_string(type_name(q->type)));
	if (q->reply && ns_initparse(q->reply, q->reply_len, &msg) == 0) {
		rcode = ns_msg_getflag(msg, ns_f_rcode);
		tc = ns_msg_getflag(msg, ns_f_tc);
		for (int i = 0; i < ns_msg_count(msg, ns_s_an); i++) {
			char text[NS_MAXDNAME];
			ns_rr rr;

			if (ns_parserr(&msg, ns_s_an, i, &rr) < 0)
				break;
			if (ns_rr_class(rr) != ns_c_in)
				continue;
			if (ns_rr_type(rr) == ns_t_a && ns_rr_rdlen(rr) == 4 && q->type == ns_t_a) {
				inet_ntop(AF_INET, ns_rr_rdata(rr), text, sizeof(text));
				json_object_array_add(answers, json_object_new_string(text));
			} else if (ns_rr_type(rr) == ns_t_aaaa && ns_rr_rdlen(rr) == 16 && q->type == ns_t_aaaa) {
				inet_ntop(AF_INET6, ns_rr_rdata(rr), text, sizeof(text));
				json_object_array_add(answers, json_object_new_string(text));
			} else if ((ns_rr_type(rr) == ns_t_cname ||
				    (ns_rr_type(rr) == ns_t_ns && q->type == ns_t_ns)) &&
				   ns_name_uncompress(ns_msg_base(msg), ns_msg_end(msg), ns_rr_rdata(rr), text,
						      sizeof(text)) >= 0) {
				/* Presentation form: libresolv escapes odd bytes as \DDD. */
				if (ns_rr_type(rr) == ns_t_ns) {
					json_object_array_add(answers, ct_json_str(text));
				} else {
					if (!cnames)
						cnames = json_object_new_array();
					json_object_array_add(cnames, ct_json_str(text));
				}
			}
		}
	}
	json_object_object_add(o, "rcode",
			       rcode >= 0 ? json_object_new_string(rcode_name(rcode, rbuf, sizeof(rbuf))) : NULL);
	json_object_object_add(o, "answers", answers);
	if (cnames)
		json_object_object_add(o, "cnames", cnames);
	if (tc)
		json_object_object_add(o, "truncated", json_object_new_boolean(true));
	json_object_object_add(o, "ms", q->err == ETIMEDOUT && !q->reply ? NULL : ct_pu_json_ms(q->ms));
	json_object_object_add(o, "answered", json_object_new_boolean(rcode >= 0));
	json_object_object_add(o, "ok", json_object_new_boolean(rcode == ns_r_noerror));

	if (rcode > 0)
		snprintf(err, sizeof(err), "%s: %s", rcode_name(rcode, rbuf, sizeof(rbuf)), rcode_meaning(rcode));
	else if (rcode < 0 && q->err == ETIMEDOUT)
		snprintf(err, sizeof(err), "no answer within %ld ms", timeout_ms);
	else if (rcode < 0 && q->err == ECONNREFUSED)
		snprintf(err, sizeof(err), "connection refused (nothing listens on port 53)");
	else if (rcode < 0 && q->err == ENODEV)
		snprintf(err, sizeof(err), "no interface %s in the container", q->server.scope);
	else if (rcode < 0)
		snprintf(err, sizeof(err), "%s", ct_pu_errno_text(q->err ? q->err : EIO));
	json_object_object_add(o, "error", err[0] ? json_object_new_string(err) : NULL);
	return o;
}

int ct_dns_probe(const struct ct_probe_target *t, long timeout_ms, const char *name, const int *types, size_t n_types,
		 struct json_object **ret, char **ret_error)
{
	struct ct_pu_addr servers[USED_NS];
	size_t n_servers = 0;
	struct json_object *result = NULL, *conf, *queries;
	_cleanup_free_ struct query *q = NULL;
	struct dns_run d = { .name = name, .timeout_ms = timeout_ms };
	int r = 0;

	if (name && (strlen(name) == 0 || strlen(name) > NS_MAXDNAME - 2)) {
		_cleanup_free_ char *n = ct_escape_term_dup(name, strlen(name));

		return ct_fail(ret_error, -EINVAL, "dns: bad name '%s'", n);
	}

	result = json_object_new_object();
	conf = read_resolv(t, servers, &n_servers);
	json_object_object_add(result, "resolv_conf", conf);
	json_object_object_add(result, "hosts", read_hosts(t, result));
	queries = json_object_new_array();
	json_object_object_add(result, "queries", queries);
	if (!name)
		goto done;

	if (n_servers == 0) {
		/* What the C libraries do without a nameserver line. */
		add_warning(conf, "no usable nameserver: the C library asks 127.0.0.1");
		ct_pu_parse_ip("127.0.0.1", 9, NS_DEFAULTPORT, &servers[0]);
		n_servers = 1;
	}
	d.n = n_servers * n_types;
	q = xcalloc(d.n, sizeof(*q));
	d.q = q;
	for (size_t s = 0; s < n_servers; s++)
		for (size_t k = 0; k < n_types; k++) {
			struct query *x = &q[s * n_types + k];
			size_t l;

			x->fd = -1;
			x->server = servers[s];
			x->type = types[k];
			ct_pu_addr_str((struct sockaddr *)&x->server.ss, x->server_str, sizeof(x->server_str));
			if (x->server.scope[0]) {
				l = strlen(x->server_str);
				snprintf(x->server_str + l, sizeof(x->server_str) - l, "%%%s", x->server.scope);
			}
			if (build_query(x, name) < 0) {
				_cleanup_free_ char *n = ct_escape_term_dup(name, strlen(name));

				r = ct_fail(ret_error, -EINVAL, "dns: cannot build a query for '%s'", n);
				goto out;
			}
		}
	r = ct_netns_run(t->netns_fd, run_queries, &d);
	if (r < 0) {
		ct_fail(ret_error, r, "dns: cannot run in the target's network namespace: %s", strerror(-r));
		goto out;
	}
	for (size_t i = 0; i < d.n; i++)
		json_object_array_add(queries, query_json(&q[i], name, timeout_ms));
done:
	*ret = TAKE_PTR(result);
out:
	for (size_t i = 0; q && i < d.n; i++) {
		if (q[i].fd >= 0)
			close(q[i].fd);
		free(q[i].reply);
	}
	json_object_put(result);
	return r;
}

int ct_probe_dns_run(const struct ct_probe_target *t, const struct ct_probe_opts *o, struct json_object **ret,
		     char **ret_error)
{
	static const int types[] = { ns_t_a, ns_t_aaaa };

	return ct_dns_probe(t, ct_pu_timeout_ms(o), o ? o->arg : NULL, types, ARRAY_SIZE(types), ret, ret_error);
}

static void print_list(FILE *out, const char *label, struct json_object *arr)
{
	size_t n = arr && json_object_is_type(arr, json_type_array) ? json_object_array_length(arr) : 0;

	if (n == 0)
		return;
	fprintf(out, "  %s", label);
	for (size_t i = 0; i < n; i++) {
		fputc(' ', out);
		ct_pu_print_str(out, json_object_array_get_idx(arr, i));
	}
	fputc('\n', out);
}

void ct_probe_dns_print(struct json_object *result, FILE *out)
{
	struct json_object *conf = ct_json_get(result, "resolv_conf");
	struct json_object *hosts = ct_json_get(result, "hosts");
	struct json_object *queries = ct_json_get(result, "queries");
	struct json_object *v;
	size_t n;

	fprintf(out, "resolv.conf (%s):\n", ct_probe_get_str(conf, "path", NULL) ?: "?");
	if ((v = ct_json_get(conf, "error")))
		fprintf(out, "  error: %s\n", json_object_get_string(v));
	v = ct_json_get(conf, "nameservers");
	n = v ? json_object_array_length(v) : 0;
	for (size_t i = 0; i < n; i++) {
		fputs("  nameserver ", out);
		ct_pu_print_str(out, json_object_array_get_idx(v, i));
		fputc('\n', out);
	}
	print_list(out, "search", ct_json_get(conf, "search"));
	print_list(out, "options", ct_json_get(conf, "options"));
	v = ct_json_get(conf, "warnings");
	n = v ? json_object_array_length(v) : 0;
	for (size_t i = 0; i < n; i++)
		fprintf(out, "  warning: %s\n", json_object_get_string(json_object_array_get_idx(v, i)));

	fputs("hosts (/etc/hosts):\n", out);
	if ((v = ct_json_get(result, "hosts_error")))
		fprintf(out, "  error: %s\n", json_object_get_string(v));
	n = hosts ? json_object_array_length(hosts) : 0;
	for (size_t i = 0; i < n; i++) {
		struct json_object *e = json_object_array_get_idx(hosts, i);
		struct json_object *names = ct_json_get(e, "names");

		fputs("  ", out);
		ct_pu_print_str(out, ct_json_get(e, "address"));
		for (size_t k = 0; names && k < json_object_array_length(names); k++) {
			fputc(' ', out);
			ct_pu_print_str(out, json_object_array_get_idx(names, k));
		}
		fputc('\n', out);
	}

	n = queries ? json_object_array_length(queries) : 0;
	if (n)
		fputs("queries:\n", out);
	for (size_t i = 0; i < n; i++) {
		struct json_object *q = json_object_array_get_idx(queries, i);
		struct json_object *ans = ct_json_get(q, "answers"), *ms = ct_json_get(q, "ms");

		fprintf(out, "  %-15s ", ct_probe_get_str(q, "server", NULL) ?: "?");
		ct_pu_print_str(out, ct_json_get(q, "name"));
		fprintf(out, " %-4s", ct_probe_get_str(q, "type", NULL) ?: "?");
		if (ms)
			fprintf(out, " %8s ms", json_object_get_string(ms));
		if (ct_probe_get_str(q, "rcode", NULL))
			fprintf(out, " %s", ct_probe_get_str(q, "rcode", NULL));
		for (size_t k = 0; ans && k < json_object_array_length(ans); k++) {
			fputc(' ', out);
			ct_pu_print_str(out, json_object_array_get_idx(ans, k));
		}
		if (ct_pu_get_bool(q, "answered") && json_object_array_length(ans) == 0 && ct_pu_get_bool(q, "ok"))
			fputs(" (no records)", out);
		if (!ct_pu_get_bool(q, "ok") && ct_probe_get_str(q, "error", NULL))
			fprintf(out, " FAILED: %s", ct_probe_get_str(q, "error", NULL));
		fputc('\n', out);
	}
}
