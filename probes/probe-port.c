/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * port HOSTPORT: a published TCP port end to end, every hop checked on its
 * own so that the first broken one can be named:
 *
 *   host-listener       who listens on HOSTPORT in the caller's netns (the host's)
 *   docker-proxy | dnat where the host forwards it: docker-proxy's argv, or a
 *                       DNAT rule in the host's nftables ruleset
 *   container-address   the forward target is an address of the target's netns
 *   container-listener  a LISTEN socket on that port there, and its process
 *   connect-host        a real connect to the host port, from the host's netns
 *   connect-container   a real connect to the target, from inside its netns
 *
 * Sockets are found in /proc/net/tcp{,6} (of the caller, and of the target
 * process for its netns) and their owners by the socket inode in
 * /proc/PID/fd.  Text from /proc (comm, argv) is hostile: kept as bytes in
 * JSON, escaped on a terminal.
 */
#include <arpa/inet.h>
#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <stdarg.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <nftables/libnftables.h>

#include "escape.h"
#include "jsonutil.h"
#include "pidfd.h"
#include "probe-common.h"
#include "probe-util.h"
#include "probes-internal.h"
#include "roles.h"
#include "util.h"

#define NET_FILE_CAP (16 * 1024 * 1024)
#define CMDLINE_CAP  (64 * 1024)
#define TCP_LISTEN   0x0A

struct listener {
	struct sockaddr_storage addr; /* with the port */
	uint64_t inode;
};

struct owner {
	int pid; /* 0: not found */
	char comm[64];
	size_t comm_len;
	char *cmdline; /* NUL-separated argv */
	size_t cmdline_len;
};

static void owner_done(struct owner *o)
{
	free(o->cmdline);
	*o = (struct owner){ 0 };
}

/*
 * One line of /proc/net/tcp or tcp6: "sl local rem st tx:rx tr:when
 * retrnsmt uid timeout inode ...".  The kernel prints each 32-bit word
 * of the address as a native integer, so copying the words back in native
 * order gives the bytes in network order.
 */
static bool parse_tcp_line(const char *line, const char *end, int fam, struct listener *ret, int *ret_state)
{
	const char *tok[10];
	size_t tl[10];
	const char *p = line;
	size_t words = fam == AF_INET ? 1 : 4;
	uint32_t w[4], port, st;
	uint64_t ino;

	for (int i = 0; i < 10; i++) {
		while (p < end && (*p == ' ' || *p == '\t'))
			p++;
		if (p == end)
			return false;
		tok[i] = p;
		while (p < end && *p != ' ' && *p != '\t')
			p++;
		tl[i] = (size_t)(p - tok[i]);
	}
	if (tl[1] != words * 8 + 5 || tok[1][words * 8] != ':' || tl[3] != 2)
		return false;
	for (size_t i = 0; i < words; i++)
		if (ct_pu_parse_hex(tok[1] + i * 8, 8, &w[i]) < 0)
			return false;
	if (ct_pu_parse_hex(tok[1] + words * 8 + 1, 4, &port) < 0 || ct_pu_parse_hex(tok[3], 2, &st) < 0)
		return false;
	if (ct_parse_u64(tok[9], tl[9], &ino) < 0)
		return false;

	memset(ret, 0, sizeof(*ret));
	if (fam == AF_INET) {
		struct sockaddr_in *in = (struct sockaddr_in *)&ret->addr;

		in->sin_family = AF_INET;
		memcpy(&in->sin_addr, w, 4);
		in->sin_port = htons((uint16_t)port);
	} else {
		struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&ret->addr;

		in6->sin6_family = AF_INET6;
		memcpy(&in6->sin6_addr, w, 16);
		in6->sin6_port = htons((uint16_t)port);
	}
	ret->inode = ino;
	*ret_state = (int)st;
	return true;
}

/* The TCP LISTEN sockets on port (0: any) in the netns that net_dirfd (a
 * /proc/.../net directory) shows. */
static int read_listeners(int net_dirfd, uint16_t port, struct listener **ret, size_t *ret_n)
{
	static const struct {
		const char *name;
		int fam;
	} files[] = { { "tcp", AF_INET }, { "tcp6", AF_INET6 } };
	_cleanup_free_ struct listener *l = NULL;
	size_t n = 0;

	for (size_t f = 0; f < ARRAY_SIZE(files); f++) {
		_cleanup_free_ char *buf = NULL;
		size_t len;
		int r;

		r = ct_read_file_at(net_dirfd, files[f].name, NET_FILE_CAP, &buf, &len, NULL);
		if (r == -ENOENT)
			continue; /* no IPv6 */
		if (r < 0)
			return r;
		for (const char *p = buf, *end = buf + len; p < end;) {
			const char *eol = memchr(p, '\n', (size_t)(end - p));
			struct listener x;
			int st;

			if (!eol)
				eol = end;
			if (parse_tcp_line(p, eol, files[f].fam, &x, &st) && st == TCP_LISTEN &&
			    (port == 0 || ct_pu_addr_port((struct sockaddr *)&x.addr) == port)) {
				l = xreallocarray(l, n + 1, sizeof(*l));
				l[n++] = x;
			}
			p = eol + 1;
		}
	}
	*ret = TAKE_PTR(l);
	*ret_n = n;
	return 0;
}

/* Does piddir's process hold socket inode? */
static bool holds_socket(int piddir, const char *want)
{
	_cleanup_closedir_ DIR *d = NULL;
	struct dirent *de;
	int fd;

	fd = openat(piddir, "fd", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return false;
	d = fdopendir(fd);
	if (!d) {
		close(fd);
		return false;
	}
	while ((de = readdir(d))) {
		char link[64];
		ssize_t n;

		if (de->d_name[0] == '.')
			continue;
		n = readlinkat(dirfd(d), de->d_name, link, sizeof(link) - 1);
		if (n <= 0)
			continue;
		link[n] = '\0';
		if (strcmp(link, want) == 0)
			return true;
	}
	return false;
}

static bool read_owner(int piddir, int pid, struct owner *ret)
{
	uint64_t st0, st1;
	ssize_t n;

	if (ct_proc_start_time(pid, &st0) < 0)
		return false;
	n = ct_read_small_at(piddir, "comm", ret->comm, sizeof(ret->comm));
	if (n < 0)
		return false;
	if (n > 0 && ret->comm[n - 1] == '\n')
		ret->comm[--n] = '\0';
	ret->comm_len = (size_t)n;
	/* A process can make its cmdline read wait for ever: bounded. */
	if (ct_read_file_deadline_at(piddir, "cmdline", CMDLINE_CAP, 1000, &ret->cmdline, &ret->cmdline_len, NULL) < 0)
		ret->cmdline = NULL, ret->cmdline_len = 0;
	/* The PID named the same process all along (not a recycled one). */
	if (ct_proc_start_time(pid, &st1) < 0 || st0 != st1) {
		owner_done(ret);
		return false;
	}
	ret->pid = pid;
	return true;
}

/*
 * The process holding socket inode.  Processes in netns_ino first (a
 * socket usually belongs to a process of its own netns), then all, since
 * an fd can be passed to a process elsewhere.
 */
static void find_owner(uint64_t netns_ino, uint64_t inode, struct owner *ret)
{
	char want[48];

	*ret = (struct owner){ 0 };
	snprintf(want, sizeof(want), "socket:[%llu]", (unsigned long long)inode);
	for (int pass = 0; pass < 2; pass++) {
		_cleanup_closedir_ DIR *proc = opendir("/proc");
		struct dirent *de;

		if (!proc)
			return;
		while ((de = readdir(proc))) {
			_cleanup_close_ int piddir = -1;
			struct stat st;
			int pid;

			if (ct_parse_pid(de->d_name, strlen(de->d_name), &pid) < 0)
				continue;
			piddir = openat(dirfd(proc), de->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
			if (piddir < 0)
				continue;
			if (pass == 0 && (fstatat(piddir, "ns/net", &st, 0) < 0 || st.st_ino != netns_ino))
				continue;
			if (holds_socket(piddir, want) && read_owner(piddir, pid, ret))
				return;
		}
	}
}

static void add_owner(struct json_object *o, const struct owner *w)
{
	json_object_object_add(o, "pid", w->pid ? json_object_new_int(w->pid) : NULL);
	json_object_object_add(o, "comm", w->pid ? ct_json_bytes(w->comm, w->comm_len) : NULL);
}

static void add_sockaddr(struct json_object *o, const char *key, const struct sockaddr *sa)
{
	char buf[INET6_ADDRSTRLEN];

	ct_pu_addr_str(sa, buf, sizeof(buf));
	json_object_object_add(o, key, json_object_new_string(buf));
}

static struct json_object *new_hop(struct json_object *hops, const char *name)
{
	struct json_object *h = json_object_new_object();

	json_object_object_add(h, "hop", json_object_new_string(name));
	json_object_array_add(hops, h);
	return h;
}

static void hop_result(struct json_object *h, bool ok, const char *fmt, ...) _printf_(3, 4);
static void hop_result(struct json_object *h, bool ok, const char *fmt, ...)
{
	_cleanup_free_ char *s = NULL;
	va_list ap;

	json_object_object_add(h, "ok", json_object_new_boolean(ok));
	if (fmt) {
		va_start(ap, fmt);
		if (vasprintf(&s, fmt, ap) < 0)
			s = NULL;
		va_end(ap);
	}
	json_object_object_add(h, "error", s ? json_object_new_string(s) : NULL);
}

/* Split a NUL-separated cmdline into an argv for ct_classify(). */
static const char **split_argv(const char *buf, size_t len, size_t *ret_argc)
{
	const char **argv;
	size_t argc = 0, i = 0;

	if (len && buf[len - 1] == '\0')
		len--;
	for (size_t k = 0; k < len; k++)
		argc += buf[k] == '\0';
	argc++;
	argv = xcalloc(argc, sizeof(*argv));
	for (size_t k = 0; k < argc; k++) {
		argv[k] = buf + i;
		i += strlen(buf + i) + 1;
	}
	*ret_argc = argc;
	return argv;
}

/* ---- the DNAT rule ---- */

struct dnat {
	bool found;
	bool readable;                /* its target is known */
	char rule[256];               /* "ip nat DOCKER handle 12" */
	char target[128];             /* "10.0.0.2:80" as the rule says */
	char daddr[INET6_ADDRSTRLEN]; /* the rule's "ip daddr" match, or "" */
	struct ct_pu_addr to;
	char error[256];
};

static bool json_is(struct json_object *o, const char *key, const char *val)
{
	const char *s = ct_probe_get_str(o, key, NULL);

	return s && strcmp(s, val) == 0;
}

/* Does "right" (an integer, a set or a range) contain port? */
static bool matches_port(struct json_object *right, int port)
{
	struct json_object *v;

	if (json_object_is_type(right, json_type_int))
		return json_object_get_int(right) == port;
	if ((v = ct_json_get(right, "set")) && json_object_is_type(v, json_type_array)) {
		for (size_t i = 0; i < json_object_array_length(v); i++)
			if (matches_port(json_object_array_get_idx(v, i), port))
				return true;
		return false;
	}
	if ((v = ct_json_get(right, "range")) && json_object_is_type(v, json_type_array) &&
	    json_object_array_length(v) == 2)
		return json_object_get_int(json_object_array_get_idx(v, 0)) <= port &&
		       port <= json_object_get_int(json_object_array_get_idx(v, 1));
	return false;
}

/* "ADDR", "ADDR:PORT", "[V6]:PORT" as nft prints a DNAT target. */
static int parse_target(const char *s, int default_port, struct ct_pu_addr *ret)
{
	const char *colon = NULL;
	uint64_t port = (uint64_t)default_port;
	size_t alen = strlen(s);

	if (s[0] == '[') {
		const char *close = strchr(s, ']');

		if (!close)
			return -EINVAL;
		colon = close[1] == ':' ? close + 1 : NULL;
		alen = (size_t)(close + 1 - s);
	} else if (strchr(s, ':') == strrchr(s, ':')) {
		colon = strchr(s, ':');
	}
	if (colon) {
		if (ct_parse_u64_str(colon + 1, &port) < 0 || port < 1 || port > 65535)
			return -EINVAL;
		alen = (size_t)(colon - s);
	}
	return ct_pu_parse_ip(s, alen, (uint16_t)port, ret);
}

/*
 * libnftables, loaded on the first DNAT lookup: it and what it needs
 * (libnftnl, libxtables, libgmp, libjansson) would cost every nsenter-lite
 * start more than the probes themselves, and most runs never ask.
 */
static struct {
	typeof(nft_ctx_new) *ctx_new;
	typeof(nft_ctx_free) *ctx_free;
	typeof(nft_ctx_buffer_output) *ctx_buffer_output;
	typeof(nft_ctx_buffer_error) *ctx_buffer_error;
	typeof(nft_ctx_output_set_flags) *ctx_output_set_flags;
	typeof(nft_run_cmd_from_buffer) *run_cmd_from_buffer;
	typeof(nft_ctx_get_output_buffer) *ctx_get_output_buffer;
	typeof(nft_ctx_get_error_buffer) *ctx_get_error_buffer;
} nft;

static int nft_load(char *why, size_t size)
{
	static int loaded; /* 0: not tried, 1: loaded, -1: failed */
	void *h;

	if (loaded)
		goto out;
	loaded = -1;
	h = dlopen("libnftables.so.1", RTLD_NOW | RTLD_LOCAL);
	if (!h) {
		snprintf(why, size, "cannot load libnftables: %s", dlerror());
		return -1;
	}
#define NFT_SYM(f)                                              \
	if (!(nft.f = (typeof(nft.f))dlsym(h, "nft_" #f))) {    \
		snprintf(why, size, "libnftables lacks nft_%s", #f); \
		return -1;                                      \
	}
	NFT_SYM(ctx_new);
	NFT_SYM(ctx_free);
	NFT_SYM(ctx_buffer_output);
	NFT_SYM(ctx_buffer_error);
	NFT_SYM(ctx_output_set_flags);
	NFT_SYM(run_cmd_from_buffer);
	NFT_SYM(ctx_get_output_buffer);
	NFT_SYM(ctx_get_error_buffer);
#undef NFT_SYM
	loaded = 1;
out:
	if (loaded < 0)
		snprintf(why, size, "cannot use libnftables");
	return loaded > 0 ? 0 : -1;
}

static bool nft_word(const char *s)
{
	size_t n = strlen(s);

	return n > 0 && n < 256 && (s[0] < '0' || s[0] > '9') &&
	       strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-") == n;
}

/*
 * iptables-nft writes DNAT as an xtables target, which the JSON output
 * cannot show; the text output translates it ("dnat to 10.0.0.2:80").
 */
static void read_xt_target(struct nft_ctx *ctx, const char *family, const char *table, const char *chain,
			   int64_t handle, struct dnat *d)
{
	_cleanup_free_ char *cmd = NULL;
	char tag[48];
	const char *out, *line;

	/* nft takes these names bare: only ones its grammar reads as one word. */
	if (!nft_word(family) || !nft_word(table) || !nft_word(chain))
		return;
	if (asprintf(&cmd, "list chain %s %s %s", family, table, chain) < 0)
		return;
	nft.ctx_output_set_flags(ctx, NFT_CTX_OUTPUT_HANDLE);
	if (nft.run_cmd_from_buffer(ctx, cmd) != 0)
		return;
	out = nft.ctx_get_output_buffer(ctx);
	snprintf(tag, sizeof(tag), "# handle %lld", (long long)handle);
	for (line = out; line && *line;) {
		const char *eol = strchrnul(line, '\n');
		size_t tl = strlen(tag);
		const char *dn, *to;

		if ((size_t)(eol - line) > tl && memcmp(eol - tl, tag, tl) == 0 &&
		    (dn = memmem(line, (size_t)(eol - line), "dnat ", 5)) &&
		    (to = memmem(dn, (size_t)(eol - dn), "to ", 3))) {
			const char *a = to + 3, *e = a;

			while (e < eol && *e != ' ')
				e++;
			if ((size_t)(e - a) < sizeof(d->target)) {
				memcpy(d->target, a, (size_t)(e - a));
				d->target[e - a] = '\0';
			}
			return;
		}
		line = *eol ? eol + 1 : eol;
	}
}

static void find_dnat(int port, struct dnat *d)
{
	struct nft_ctx *ctx;
	struct json_object *doc = NULL, *arr;
	const char *out, *perr = NULL;

	*d = (struct dnat){ 0 };
	if (nft_load(d->error, sizeof(d->error)) < 0)
		return;
	ctx = nft.ctx_new(NFT_CTX_DEFAULT);
	if (!ctx) {
		snprintf(d->error, sizeof(d->error), "cannot use libnftables");
		return;
	}
	nft.ctx_buffer_output(ctx);
	nft.ctx_buffer_error(ctx);
	nft.ctx_output_set_flags(ctx, NFT_CTX_OUTPUT_JSON | NFT_CTX_OUTPUT_HANDLE);
	if (nft.run_cmd_from_buffer(ctx, "list ruleset") != 0) {
		const char *e = nft.ctx_get_error_buffer(ctx);

		snprintf(d->error, sizeof(d->error), "cannot read the nftables ruleset: %.*s",
			 (int)strcspn(e ? e : "", "\n"), e ? e : "");
		goto out;
	}
	out = nft.ctx_get_output_buffer(ctx);
	if (!out || ct_json_parse_buf(out, strlen(out), &doc, &perr) < 0) {
		snprintf(d->error, sizeof(d->error), "cannot parse the nftables ruleset: %s", perr ? perr : "?");
		goto out;
	}
	arr = ct_json_get(doc, "nftables");
	for (size_t i = 0; arr && i < json_object_array_length(arr) && !d->found; i++) {
		struct json_object *rule = ct_json_get(json_object_array_get_idx(arr, i), "rule");
		struct json_object *expr = ct_json_get(rule, "expr");
		struct json_object *dnat = NULL;
		bool port_match = false, xt = false;
		const char *daddr = NULL;
		int64_t handle = 0;

		if (!expr || !json_object_is_type(expr, json_type_array))
			continue;
		for (size_t k = 0; k < json_object_array_length(expr); k++) {
			struct json_object *e = json_object_array_get_idx(expr, k), *m, *pl, *x;

			if ((m = ct_json_get(e, "match"))) {
				const char *op = ct_probe_get_str(m, "op", NULL);

				pl = ct_json_get(ct_json_get(m, "left"), "payload");
				if (!pl || (op && strcmp(op, "==") != 0 && strcmp(op, "in") != 0))
					continue;
				if (json_is(pl, "field", "dport") &&
				    (json_is(pl, "protocol", "tcp") || json_is(pl, "protocol", "th")))
					port_match = port_match || matches_port(ct_json_get(m, "right"), port);
				else if (json_is(pl, "field", "daddr") &&
					 (json_is(pl, "protocol", "ip") || json_is(pl, "protocol", "ip6")))
					daddr = ct_probe_get_str(m, "right", NULL);
			} else if ((x = ct_json_get(e, "dnat"))) {
				dnat = x;
			} else if ((x = ct_json_get(e, "xt")) && json_is(x, "type", "target") &&
				   json_is(x, "name", "DNAT")) {
				xt = true;
			}
		}
		if (!port_match || (!dnat && !xt))
			continue;
		d->found = true;
		ct_json_get_i64(ct_json_get(rule, "handle"), &handle);
		snprintf(d->rule, sizeof(d->rule), "%s %s %s handle %lld", ct_probe_get_str(rule, "family", NULL) ?: "?",
			 ct_probe_get_str(rule, "table", NULL) ?: "?", ct_probe_get_str(rule, "chain", NULL) ?: "?", (long long)handle);
		if (daddr && strlen(daddr) < sizeof(d->daddr) && !strchr(daddr, '/'))
			snprintf(d->daddr, sizeof(d->daddr), "%s", daddr);
		if (dnat) {
			const char *a = ct_probe_get_str(dnat, "addr", NULL);
			struct json_object *p = ct_json_get(dnat, "port");

			if (a && (!p || json_object_is_type(p, json_type_int)))
				snprintf(d->target, sizeof(d->target),
					 strchr(a, ':') && p ? "[%s]:%d"
					 : p                 ? "%s:%d"
							     : "%s",
					 a, p ? json_object_get_int(p) : 0);
		} else if (ct_probe_get_str(rule, "family", NULL) && ct_probe_get_str(rule, "table", NULL) &&
			   ct_probe_get_str(rule, "chain", NULL)) {
			read_xt_target(ctx, ct_probe_get_str(rule, "family", NULL), ct_probe_get_str(rule, "table", NULL),
				       ct_probe_get_str(rule, "chain", NULL), handle, d);
		}
		d->readable = d->target[0] && parse_target(d->target, port, &d->to) == 0;
	}
out:
	json_object_put(doc);
	nft.ctx_free(ctx);
}

/* ---- the target's side ---- */

struct target_arg {
	const struct ct_pu_addr *want;
	bool has_addr;
	char ifname[IF_NAMESIZE];
	int addr_err;
	bool do_connect;
	long timeout_ms;
	int connect_err; /* positive errno */
	int connect_r;   /* -errno: could not try */
	double ms;
};

static int target_fn(void *arg)
{
	struct target_arg *a = arg;
	struct ifaddrs *ifa = NULL;

	if (getifaddrs(&ifa) < 0) {
		a->addr_err = errno;
	} else {
		for (struct ifaddrs *i = ifa; i; i = i->ifa_next)
			if (i->ifa_addr && ct_pu_addr_equal(i->ifa_addr, (const struct sockaddr *)&a->want->ss)) {
				a->has_addr = true;
				snprintf(a->ifname, sizeof(a->ifname), "%s", i->ifa_name);
				break;
			}
		freeifaddrs(ifa);
	}
	/* No connect to an address outside the container: it would only wait. */
	if (a->do_connect && a->has_addr) {
		int r = ct_pu_tcp_connect(a->want, a->timeout_ms, &a->ms);

		if (r < 0)
			a->connect_r = r;
		else
			a->connect_err = r;
	}
	return 0;
}

/* The first non-loopback IPv4 address of the caller's netns: where a DNAT
 * rule without an address match catches connections from this host. */
static bool local_address(struct ct_pu_addr *ret, uint16_t port)
{
	struct ifaddrs *ifa = NULL;
	bool found = false;

	if (getifaddrs(&ifa) < 0)
		return false;
	for (struct ifaddrs *i = ifa; i && !found; i = i->ifa_next)
		if (i->ifa_addr && i->ifa_addr->sa_family == AF_INET && (i->ifa_flags & IFF_UP) &&
		    !(i->ifa_flags & IFF_LOOPBACK)) {
			*ret = (struct ct_pu_addr){ .len = sizeof(struct sockaddr_in) };
			memcpy(&ret->ss, i->ifa_addr, sizeof(struct sockaddr_in));
			((struct sockaddr_in *)&ret->ss)->sin_port = htons(port);
			found = true;
		}
	freeifaddrs(ifa);
	return found;
}

static void add_connect(struct json_object *h, const struct ct_pu_addr *a, int err, double ms, long timeout_ms)
{
	add_sockaddr(h, "address", (const struct sockaddr *)&a->ss);
	json_object_object_add(h, "port", json_object_new_int(ct_pu_addr_port((const struct sockaddr *)&a->ss)));
	json_object_object_add(h, "ms", ct_pu_json_ms(ms));
	if (err == ETIMEDOUT)
		hop_result(h, false, "connect timed out after %ld ms", timeout_ms);
	else if (err)
		hop_result(h, false, "connect failed: %s", ct_pu_errno_text(err));
	else
		hop_result(h, true, NULL);
}

/* A textual "ADDR:PORT" for messages. */
static void addr_port_str(const struct ct_pu_addr *a, char *buf, size_t size)
{
	char ip[INET6_ADDRSTRLEN];

	ct_pu_addr_str((const struct sockaddr *)&a->ss, ip, sizeof(ip));
	snprintf(buf, size, a->ss.ss_family == AF_INET6 ? "[%s]:%u" : "%s:%u", ip,
		 ct_pu_addr_port((const struct sockaddr *)&a->ss));
}

/* Does a listener on l serve connections to want (same port; its address or a wildcard)? */
static bool serves(const struct listener *l, const struct ct_pu_addr *want)
{
	const struct sockaddr *la = (const struct sockaddr *)&l->addr;
	const struct sockaddr *wa = (const struct sockaddr *)&want->ss;

	if (ct_pu_addr_port(la) != ct_pu_addr_port(wa))
		return false;
	if (ct_pu_addr_equal(la, wa) || (ct_pu_addr_is_any(la) && la->sa_family == wa->sa_family))
		return true;
	/* [::] takes IPv4 too unless IPV6_V6ONLY, which /proc does not show. */
	return la->sa_family == AF_INET6 && ct_pu_addr_is_any(la);
}

struct port_run {
	const struct ct_probe_target *t;
	uint16_t port;
	long timeout_ms;
	struct json_object *hops;
	uint64_t self_netns;
};

static int container_hops(struct port_run *pr, const struct ct_pu_addr *to, const char *via, struct target_arg *ret)
{
	const struct ct_probe_target *t = pr->t;
	struct target_arg ta = { .want = to, .timeout_ms = pr->timeout_ms, .do_connect = true };
	_cleanup_free_ struct listener *l = NULL;
	_cleanup_close_ int netdir = -1;
	struct json_object *h;
	char path[64], where[80];
	size_t n = 0;
	const struct listener *hit = NULL, *other = NULL;
	int r;

	addr_port_str(to, where, sizeof(where));
	r = ct_netns_run(t->netns_fd, target_fn, &ta);
	if (r < 0)
		return r;
	*ret = ta;

	h = new_hop(pr->hops, "container-address");
	add_sockaddr(h, "address", (const struct sockaddr *)&to->ss);
	json_object_object_add(h, "interface", ta.has_addr ? ct_json_str(ta.ifname) : NULL);
	if (ta.addr_err)
		hop_result(h, false, "cannot list the container's addresses: %s", strerror(ta.addr_err));
	else if (!ta.has_addr)
		hop_result(h, false, "%s forwards to %s, which is not an address of this container", via, where);
	else
		hop_result(h, true, NULL);

	/* /proc/PID/net shows the netns of PID: the target's, while it lives. */
	h = new_hop(pr->hops, "container-listener");
	json_object_object_add(h, "port", json_object_new_int(ct_pu_addr_port((const struct sockaddr *)&to->ss)));
	snprintf(path, sizeof(path), "/proc/%d/net", t->pid);
	netdir = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	r = netdir < 0 ? -errno : read_listeners(netdir, ct_pu_addr_port((const struct sockaddr *)&to->ss), &l, &n);
	if (r == 0 && t->pidfd >= 0 && ct_pidfd_exited(t->pidfd))
		r = -ESRCH;
	if (r < 0) {
		hop_result(h, false, "cannot read the container's sockets: %s", strerror(-r));
	} else {
		for (size_t i = 0; i < n && !hit; i++)
			if (serves(&l[i], to))
				hit = &l[i];
			else if (!other)
				other = &l[i];
		if (hit) {
			struct owner w;

			add_sockaddr(h, "address", (const struct sockaddr *)&hit->addr);
			json_object_object_add(h, "inode", json_object_new_uint64(hit->inode));
			find_owner(t->netns_ino, hit->inode, &w);
			add_owner(h, &w);
			owner_done(&w);
			hop_result(h, true, NULL);
		} else if (other) {
			char ip[INET6_ADDRSTRLEN];

			ct_pu_addr_str((const struct sockaddr *)&other->addr, ip, sizeof(ip));
			hop_result(h, false, "port %u in the container listens on %s only, not on %s",
				   ct_pu_addr_port((const struct sockaddr *)&to->ss), ip, where);
		} else {
			hop_result(h, false, "nothing listens on port %u in the container",
				   ct_pu_addr_port((const struct sockaddr *)&to->ss));
		}
	}

	return 0;
}

static void connect_container_hop(struct port_run *pr, const struct ct_pu_addr *to, const struct target_arg *ta)
{
	struct json_object *h = new_hop(pr->hops, "connect-container");

	if (!ta->has_addr) {
		add_sockaddr(h, "address", (const struct sockaddr *)&to->ss);
		hop_result(h, false, "not tried: the address is not the container's");
	} else if (ta->connect_r < 0) {
		add_sockaddr(h, "address", (const struct sockaddr *)&to->ss);
		hop_result(h, false, "cannot connect: %s", strerror(-ta->connect_r));
	} else {
		add_connect(h, to, ta->connect_err, ta->ms, pr->timeout_ms);
	}
}

static void connect_host_hop(struct port_run *pr, const struct ct_pu_addr *a)
{
	struct json_object *h = new_hop(pr->hops, "connect-host");
	double ms = 0;
	int r;

	r = ct_pu_tcp_connect(a, pr->timeout_ms, &ms);
	if (r < 0) {
		add_sockaddr(h, "address", (const struct sockaddr *)&a->ss);
		hop_result(h, false, "cannot connect: %s", strerror(-r));
		return;
	}
	add_connect(h, a, r, ms, pr->timeout_ms);
}

int ct_probe_port_run(const struct ct_probe_target *t, const struct ct_probe_opts *o, struct json_object **ret,
		      char **ret_error)
{
	struct port_run pr = { .t = t, .timeout_ms = ct_pu_timeout_ms(o) };
	_cleanup_free_ struct listener *l = NULL;
	_cleanup_close_ int netdir = -1;
	struct owner w = { 0 };
	_cleanup_free_ const char **argv = NULL;
	struct ct_role_info role = { 0 };
	struct json_object *res = NULL, *h, *first_bad = NULL;
	const struct listener *chosen = NULL;
	struct ct_pu_addr to, host_connect;
	struct target_arg ta = { 0 };
	bool have_to = false, have_host_connect = false;
	struct stat st;
	struct dnat d;
	size_t n = 0;
	uint64_t v;
	int r;

	if (!o || !o->arg || ct_parse_u64_str(o->arg, &v) < 0 || v < 1 || v > 65535) {
		_cleanup_free_ char *a = o && o->arg ? ct_escape_term_dup(o->arg, strlen(o->arg)) : NULL;

		return ct_fail(ret_error, -EINVAL, "port: '%s' is not a TCP port (1-65535)", a ? a : "");
	}
	pr.port = (uint16_t)v;
	/* The host's side is the caller's own netns: ours, with no setns. */
	netdir = open("/proc/thread-self/net", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (netdir < 0)
		return ct_fail(ret_error, -errno, "port: cannot open /proc/thread-self/net: %s", strerror(errno));
	if (stat("/proc/thread-self/ns/net", &st) < 0)
		return ct_fail(ret_error, -errno, "port: cannot stat our network namespace: %s", strerror(errno));
	pr.self_netns = st.st_ino;
	r = read_listeners(netdir, pr.port, &l, &n);
	if (r < 0)
		return ct_fail(ret_error, r, "port: cannot read the host's TCP sockets: %s", strerror(-r));

	res = json_object_new_object();
	pr.hops = json_object_new_array();
	json_object_object_add(res, "host_port", json_object_new_int(pr.port));
	json_object_object_add(res, "hops", pr.hops);

	/* (1) who listens; a docker-proxy among several listeners (v4 and v6) wins */
	for (size_t i = 0; i < n; i++) {
		struct owner x;

		find_owner(pr.self_netns, l[i].inode, &x);
		if (!chosen || (x.pid && strcmp(x.comm, "docker-proxy") == 0 && strcmp(w.comm, "docker-proxy") != 0)) {
			owner_done(&w);
			w = x;
			chosen = &l[i];
		} else {
			owner_done(&x);
		}
	}
	if (chosen && w.pid && w.cmdline) {
		struct ct_proc p = { .pid = w.pid, .comm = w.comm };

		argv = split_argv(w.cmdline, w.cmdline_len, &p.argc);
		p.argv = argv;
		ct_classify(&p, &role);
	}

	h = new_hop(pr.hops, "host-listener");
	json_object_object_add(h, "port", json_object_new_int(pr.port));
	if (chosen) {
		add_sockaddr(h, "address", (const struct sockaddr *)&chosen->addr);
		json_object_object_add(h, "inode", json_object_new_uint64(chosen->inode));
		add_owner(h, &w);
		hop_result(h, true, NULL);
		host_connect =
			(struct ct_pu_addr){ .len = chosen->addr.ss_family == AF_INET ? sizeof(struct sockaddr_in)
										      : sizeof(struct sockaddr_in6) };
		memcpy(&host_connect.ss, &chosen->addr, host_connect.len);
		if (ct_pu_addr_is_any((struct sockaddr *)&host_connect.ss))
			ct_pu_parse_ip(chosen->addr.ss_family == AF_INET ? "127.0.0.1" : "::1",
				       chosen->addr.ss_family == AF_INET ? 9 : 3, pr.port, &host_connect);
		have_host_connect = true;
	}

	/* (2) the forward: docker-proxy's argv, else a DNAT rule */
	if (role.role == CT_ROLE_PROXY) {
		h = new_hop(pr.hops, "docker-proxy");
		json_object_object_add(h, "pid", json_object_new_int(w.pid));
		json_object_object_add(h, "comm", ct_json_bytes(w.comm, w.comm_len));
		json_object_object_add(h, "proto", ct_json_str(role.proto));
		json_object_object_add(h, "host_ip", ct_json_str(role.host_ip));
		json_object_object_add(h, "host_port", role.host_port ? json_object_new_int(role.host_port) : NULL);
		json_object_object_add(h, "container_ip", ct_json_str(role.container_ip));
		json_object_object_add(h, "container_port",
				       role.container_port ? json_object_new_int(role.container_port) : NULL);
		if (!role.container_ip || !role.container_port ||
		    ct_pu_parse_ip(role.container_ip, strlen(role.container_ip), (uint16_t)role.container_port, &to) <
			    0)
			hop_result(h, false, "docker-proxy (PID %d) has no usable -container-ip/-container-port",
				   w.pid);
		else if (role.proto && strcmp(role.proto, "tcp") != 0)
			hop_result(h, false, "docker-proxy (PID %d) forwards another protocol than tcp", w.pid);
		else if (role.host_port && role.host_port != pr.port)
			hop_result(h, false, "docker-proxy (PID %d) says -host-port %d, but listens on %u", w.pid,
				   role.host_port, pr.port);
		else
			have_to = true;
		if (have_to)
			hop_result(h, true, NULL);
	} else {
		find_dnat(pr.port, &d);
		if (!chosen) {
			/* Without a listener, the DNAT rule is the whole forward. */
			h = json_object_array_get_idx(pr.hops, 0);
			json_object_object_add(h, "listening", json_object_new_boolean(false));
			if (d.found)
				hop_result(h, true, NULL);
			else
				hop_result(h, false,
					   "nothing listens on host port %u, and no DNAT rule forwards it%s%s", pr.port,
					   d.error[0] ? ": " : "", d.error);
		}
		h = new_hop(pr.hops, "dnat");
		json_object_object_add(h, "rule", d.found ? json_object_new_string(d.rule) : NULL);
		json_object_object_add(h, "target", d.target[0] ? json_object_new_string(d.target) : NULL);
		if (d.error[0])
			hop_result(h, false, "%s", d.error);
		else if (!d.found && chosen && w.pid) {
			/* comm is the process's to choose: escaped before it joins our text. */
			_cleanup_free_ char *comm = ct_escape_term_dup(w.comm, w.comm_len);

			hop_result(h, false,
				   "host port %u is served by PID %d (%s) on the host: not docker-proxy, and no DNAT "
				   "rule forwards it",
				   pr.port, w.pid, comm ? comm : "");
		} else if (!d.found && chosen)
			hop_result(h, false,
				   "host port %u is served by an unknown process, and no DNAT rule forwards it",
				   pr.port);
		else if (!d.found)
			hop_result(h, false, "no DNAT rule for TCP port %u in the host's nftables ruleset", pr.port);
		else if (!d.readable)
			hop_result(h, false, "DNAT rule %s: its target %s is not a single address", d.rule,
				   d.target[0] ? d.target : "(unreadable)");
		else {
			hop_result(h, true, NULL);
			to = d.to;
			have_to = true;
		}
		if (d.found && !chosen) {
			/* Connections from this host meet the rule in the output chain. */
			if (d.daddr[0])
				have_host_connect =
					ct_pu_parse_ip(d.daddr, strlen(d.daddr), pr.port, &host_connect) == 0;
			if (!have_host_connect)
				have_host_connect = local_address(&host_connect, pr.port);
		}
	}

	/* (3) and (4): the container's address, its listener and its owner */
	if (have_to) {
		r = container_hops(&pr, &to, role.role == CT_ROLE_PROXY ? "docker-proxy" : "the DNAT rule", &ta);
		if (r < 0) {
			ct_fail(ret_error, r, "port: cannot enter the target's network namespace: %s", strerror(-r));
			goto fail;
		}
	}
	/* (5) real connects: from the host, and inside the container */
	if (have_host_connect)
		connect_host_hop(&pr, &host_connect);
	if (have_to)
		connect_container_hop(&pr, &to, &ta);

	for (size_t i = 0; i < json_object_array_length(pr.hops) && !first_bad; i++)
		if (!ct_pu_get_bool(json_object_array_get_idx(pr.hops, i), "ok"))
			first_bad = json_object_array_get_idx(pr.hops, i);
	json_object_object_add(res, "ok", json_object_new_boolean(!first_bad));
	json_object_object_add(res, "broken_at",
			       first_bad ? json_object_new_string(ct_probe_get_str(first_bad, "hop", NULL)) : NULL);
	json_object_object_add(res, "error",
			       first_bad && ct_probe_get_str(first_bad, "error", NULL)
				       ? json_object_new_string(ct_probe_get_str(first_bad, "error", NULL))
				       : NULL);
	owner_done(&w);
	*ret = res;
	return 0;
fail:
	owner_done(&w);
	json_object_put(res);
	return r;
}

void ct_probe_port_print(struct json_object *result, FILE *out)
{
	struct json_object *hops = ct_json_get(result, "hops");

	fprintf(out, "published port %d/tcp:\n", json_object_get_int(ct_json_get(result, "host_port")));
	for (size_t i = 0; hops && i < json_object_array_length(hops); i++) {
		struct json_object *h = json_object_array_get_idx(hops, i), *v;
		const char *hop = ct_probe_get_str(h, "hop", NULL) ?: "?";

		fprintf(out, "  %-4s %-18s", ct_pu_get_bool(h, "ok") ? "ok" : "FAIL", hop);
		if ((v = ct_json_get(h, "rule")))
			fprintf(out, " rule %s", json_object_get_string(v));
		if ((v = ct_json_get(h, "target")))
			fprintf(out, " -> %s", json_object_get_string(v));
		if (strcmp(hop, "docker-proxy") == 0) {
			fputs(" -> ", out);
			ct_pu_print_str(out, ct_json_get(h, "container_ip"));
			fprintf(out, ":%d", json_object_get_int(ct_json_get(h, "container_port")));
		}
		if ((v = ct_json_get(h, "address")))
			fprintf(out, " %s", json_object_get_string(v));
		if ((v = ct_json_get(h, "port")) && strcmp(hop, "docker-proxy") != 0)
			fprintf(out, " port %d", json_object_get_int(v));
		if ((v = ct_json_get(h, "interface"))) {
			fputs(" on ", out);
			ct_pu_print_str(out, v);
		}
		if ((v = ct_json_get(h, "pid"))) {
			fprintf(out, " pid %d (", json_object_get_int(v));
			ct_pu_print_str(out, ct_json_get(h, "comm"));
			fputc(')', out);
		}
		if ((v = ct_json_get(h, "ms")))
			fprintf(out, " %s ms", json_object_get_string(v));
		if ((v = ct_json_get(h, "error")))
			fprintf(out, ": %s", json_object_get_string(v));
		fputc('\n', out);
	}
	if (ct_pu_get_bool(result, "ok"))
		fputs("the port works end to end\n", out);
	else
		fprintf(out, "broken at %s: %s\n", ct_probe_get_str(result, "broken_at", NULL) ?: "?",
			ct_probe_get_str(result, "error", NULL) ?: "?");
}
