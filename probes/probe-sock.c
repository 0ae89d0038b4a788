/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The probe "sockets": TCP, UDP and unix sockets of the target's network
 * namespace (what ss -tuanxp shows), each with the processes holding it
 * and the containers those belong to.
 *
 * The sockets come from sock_diag, over one NETLINK_SOCK_DIAG socket
 * opened inside the namespace: an inet_diag_req_v2 per protocol and
 * family (libnl-idiag only speaks the old TCP-only request, so the
 * requests are built here and sent with libnl-3), and a unix_diag_req.
 * The owners come from /proc, back in our own namespace: the ns/net link
 * of every process is read, and the fds of only those in the target's
 * namespace.  A process that vanishes meanwhile is skipped.  With a
 * world, its snapshot has read those links already: only the processes
 * it saw in the target's namespace, and those it did not see, are read.
 *
 * JSON, TCP, TCP6, UDP, UDP6 then unix, each in the kernel's order:
 *
 *   {"sockets": [{"proto": "tcp" | "tcp6" | "udp" | "udp6" | "unix",
 *                 "state": "LISTEN" | "ESTABLISHED" | "UNCONN" | "SYN-SENT" |
 *                          "SYN-RECV" | "FIN-WAIT-1" | "FIN-WAIT-2" |
 *                          "TIME-WAIT" | "CLOSE-WAIT" | "LAST-ACK" |
 *                          "CLOSING" | "NEW-SYN-RECV",
 *                 "local": "10.0.0.2:80" | "[::]:80" | "/run/x.sock" |
 *                          "@abstract" | null,
 *                 "remote": "10.0.0.3:41234" | null,   null: no peer (a
 *                          listener, an unconnected socket); for unix the
 *                          peer's name when it has one
 *                 "inode": 12345,          0 for TIME-WAIT
 *                 "uid": 0 | null,         null: TIME-WAIT, or a kernel
 *                                          that does not tell (unix, < 5.3)
 *                 "recv_q": 0, "send_q": 0,  as ss shows them: for a
 *                          listener the accept queue and its limit
 *                 "type": "stream" | "dgram" | "seqpacket",   unix only
 *                 "peer_inode": 12346 | null,                 unix only
 *                 "processes": [{"pid": 123, "comm": "nginx",
 *                                "container": "ID" | null,
 *                                "container_name": "web" | null}]}],
 *    "unsupported": ["udp6", ...]}   only when the kernel has no sock_diag
 *                                    handler for some of them
 *
 * Unix names are raw bytes: the abstract ones may hold NULs (JSON
 * \u0000), any name may hold escape sequences; "@" starts an abstract
 * name.  Containers are named only when the caller passed a world, and
 * only for a process whose start time is the one the world saw.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <linux/inet_diag.h>
#include <linux/sock_diag.h>
#include <linux/unix_diag.h>
#include <netinet/in.h>
#include <netlink/errno.h>
#include <netlink/msg.h>

#include "escape.h"
#include "probe-common.h"
#include "probes-internal.h"
#include "resolve.h"
#include "snapshot.h"

enum sock_kind { K_TCP, K_TCP6, K_UDP, K_UDP6, K_UNIX, K_COUNT };

static const struct {
	const char *name;
	int family, protocol;
} kinds[K_COUNT] = {
	[K_TCP] = { "tcp", AF_INET, IPPROTO_TCP }, [K_TCP6] = { "tcp6", AF_INET6, IPPROTO_TCP },
	[K_UDP] = { "udp", AF_INET, IPPROTO_UDP }, [K_UDP6] = { "udp6", AF_INET6, IPPROTO_UDP },
	[K_UNIX] = { "unix", AF_UNIX, 0 },
};

/* ss's words, but ESTABLISHED in full; 7 (TCP_CLOSE) is any socket
 * without a peer that does not listen. */
static const char *const states[] = {
	[1] = "ESTABLISHED", [2] = "SYN-SENT",  [3] = "SYN-RECV", [4] = "FIN-WAIT-1",
	[5] = "FIN-WAIT-2",  [6] = "TIME-WAIT", [7] = "UNCONN",   [8] = "CLOSE-WAIT",
	[9] = "LAST-ACK",    [10] = "LISTEN",   [11] = "CLOSING", [12] = "NEW-SYN-RECV",
};

struct sock_ent {
	enum sock_kind kind;
	uint8_t state;
	uint8_t utype; /* unix: SOCK_STREAM, SOCK_DGRAM, SOCK_SEQPACKET */
	bool has_uid;
	uint8_t local[16], remote[16];
	uint16_t lport, rport;
	uint32_t uid, rq, wq;
	uint64_t inode;
	uint64_t peer;   /* unix: the peer's inode, 0 if none */
	char *name;      /* unix: the bound name, '@' first for an abstract one */
	size_t name_len; /* it may hold NULs */
	size_t *owners;  /* indexes into sock_ctx.owners */
	size_t n_owners;
};

struct sock_owner {
	int pid;
	char *comm;
	size_t comm_len;
	ssize_t container; /* index into the world's containers, or -1 */
};

struct sock_ctx {
	struct sock_ent *v;
	size_t n, cap;
	enum sock_kind cur;        /* the request being answered */
	bool unsupported[K_COUNT]; /* no sock_diag handler for it */
	const char *what;          /* the step that failed */
	struct sock_owner *owners;
	size_t n_owners;
};

static void sock_ctx_clear(struct sock_ctx *c)
{
	for (size_t i = 0; i < c->n; i++) {
		free(c->v[i].name);
		free(c->v[i].owners);
	}
	free(c->v);
	for (size_t i = 0; i < c->n_owners; i++)
		free(c->owners[i].comm);
	free(c->owners);
}

static struct sock_ent *sock_new(struct sock_ctx *c)
{
	if (c->n == c->cap) {
		c->cap = c->cap ? 2 * c->cap : 64;
		c->v = xreallocarray(c->v, c->cap, sizeof(*c->v));
	}
	c->v[c->n] = (struct sock_ent){ .kind = c->cur };
	return &c->v[c->n++];
}

static void parse_inet(struct sock_ctx *c, const struct nlmsghdr *h)
{
	const struct inet_diag_msg *m = nlmsg_data(h);
	struct sock_ent *e;

	if (nlmsg_datalen(h) < (int)sizeof(*m))
		return;
	e = sock_new(c);
	e->state = m->idiag_state;
	memcpy(e->local, m->id.idiag_src, sizeof(e->local));
	memcpy(e->remote, m->id.idiag_dst, sizeof(e->remote));
	e->lport = ntohs(m->id.idiag_sport);
	e->rport = ntohs(m->id.idiag_dport);
	e->uid = m->idiag_uid;
	e->rq = m->idiag_rqueue;
	e->wq = m->idiag_wqueue;
	e->inode = m->idiag_inode;
	/* A TIME-WAIT socket is a bare record: no owner, no uid. */
	e->has_uid = m->idiag_state != 6;
}

static void parse_unix(struct sock_ctx *c, struct nlmsghdr *h)
{
	const struct unix_diag_msg *m = nlmsg_data(h);
	struct nlattr *tb[UNIX_DIAG_MAX + 1];
	struct sock_ent *e;

	if (nlmsg_datalen(h) < (int)sizeof(*m) || nlmsg_parse(h, sizeof(*m), tb, UNIX_DIAG_MAX, NULL) < 0)
		return;
	e = sock_new(c);
	e->state = m->udiag_state;
	e->utype = m->udiag_type;
	e->inode = m->udiag_ino;
	if (tb[UNIX_DIAG_NAME] && nla_len(tb[UNIX_DIAG_NAME]) > 0) {
		const char *p = nla_data(tb[UNIX_DIAG_NAME]);
		size_t len = (size_t)nla_len(tb[UNIX_DIAG_NAME]);

		if (len > sizeof(((struct sockaddr_un *)0)->sun_path))
			len = sizeof(((struct sockaddr_un *)0)->sun_path);
		if (p[0] == '\0') {
			/* Abstract: every byte counts, NULs included. */
			e->name = xmalloc(len + 1);
			e->name[0] = '@';
			memcpy(e->name + 1, p + 1, len - 1);
			e->name[len] = '\0';
			e->name_len = len;
		} else {
			/* A path: the kernel counts its NUL in the length. */
			e->name_len = strnlen(p, len);
			e->name = xmemdup0(p, e->name_len);
		}
	}
	if (tb[UNIX_DIAG_PEER] && nla_len(tb[UNIX_DIAG_PEER]) >= 4)
		e->peer = nla_get_u32(tb[UNIX_DIAG_PEER]);
	if (tb[UNIX_DIAG_RQLEN] && nla_len(tb[UNIX_DIAG_RQLEN]) >= (int)sizeof(struct unix_diag_rqlen)) {
		const struct unix_diag_rqlen *q = nla_data(tb[UNIX_DIAG_RQLEN]);

		e->rq = q->udiag_rqueue;
		e->wq = q->udiag_wqueue;
	}
	if (tb[UNIX_DIAG_UID] && nla_len(tb[UNIX_DIAG_UID]) >= 4) {
		e->uid = nla_get_u32(tb[UNIX_DIAG_UID]);
		e->has_uid = true;
	}
}

static int on_msg(struct nl_msg *msg, void *arg)
{
	struct sock_ctx *c = arg;
	struct nlmsghdr *h = nlmsg_hdr(msg);

	if (h->nlmsg_type != SOCK_DIAG_BY_FAMILY)
		return NL_SKIP;
	if (c->cur == K_UNIX)
		parse_unix(c, h);
	else
		parse_inet(c, h);
	return NL_OK;
}

static struct json_object *sockets_json(const struct ct_probe_target *t, const struct sock_ctx *c);

int ct_probe_sockets_parse(const char *proto, const void *buf, size_t len, struct json_object **ret)
{
	struct sock_ctx c = { 0 };
	const struct nlmsghdr *h = buf;
	int left = len > INT_MAX ? INT_MAX : (int)len;

	while (c.cur < K_COUNT && strcmp(kinds[c.cur].name, proto) != 0)
		c.cur++;
	if (c.cur == K_COUNT)
		return -EINVAL;
	/* As nl_recvmsgs() hands each message of a datagram to on_msg(). */
	for (; nlmsg_ok(h, left); h = nlmsg_next((struct nlmsghdr *)h, &left)) {
		struct nl_msg *msg = nlmsg_convert((struct nlmsghdr *)h);

		if (!msg) {
			sock_ctx_clear(&c);
			return -ENOMEM;
		}
		on_msg(msg, &c);
		nlmsg_free(msg);
	}
	*ret = sockets_json(NULL, &c);
	sock_ctx_clear(&c);
	return 0;
}

/* One dump: the sockets of kind c->cur, again from scratch if the
 * kernel says the tables changed under it. */
static int dump_kind(struct nl_sock *sk, struct sock_ctx *c)
{
	struct inet_diag_req_v2 ireq = {
		.sdiag_family = (uint8_t)kinds[c->cur].family,
		.sdiag_protocol = (uint8_t)kinds[c->cur].protocol,
		.idiag_states = ~0u,
	};
	struct unix_diag_req ureq = {
		.sdiag_family = AF_UNIX,
		.udiag_states = ~0u,
		.udiag_show = UDIAG_SHOW_NAME | UDIAG_SHOW_PEER | UDIAG_SHOW_RQLEN | UDIAG_SHOW_UID,
	};
	void *req = c->cur == K_UNIX ? (void *)&ureq : (void *)&ireq;
	size_t len = c->cur == K_UNIX ? sizeof(ureq) : sizeof(ireq);
	int r;

	for (int i = 1;; i++) {
		size_t mark = c->n;

		r = nl_send_simple(sk, SOCK_DIAG_BY_FAMILY, NLM_F_DUMP, req, len);
		if (r < 0)
			return ct_nl_errno(r);
		r = nl_recvmsgs_default(sk);
		if (r >= 0)
			return 0;
		while (c->n > mark)
			free(c->v[--c->n].name);
		if (r != -NLE_DUMP_INTR || i >= CT_PROBE_DUMP_TRIES)
			return ct_nl_errno(r);
	}
}

/* Runs in the target's network namespace. */
static int sock_collect(void *arg)
{
	struct sock_ctx *c = arg;
	_cleanup_nl_sock_ struct nl_sock *sk = NULL;
	int r;

	c->what = "cannot open a sock_diag socket";
	r = ct_probe_nl_open(NETLINK_SOCK_DIAG, &sk);
	if (r < 0)
		return r;
	r = nl_socket_modify_cb(sk, NL_CB_VALID, NL_CB_CUSTOM, on_msg, c);
	if (r < 0)
		return ct_nl_errno(r);
	for (c->cur = 0; c->cur < K_COUNT; c->cur++) {
		c->what = kinds[c->cur].name;
		r = dump_kind(sk, c);
		/* No handler in this kernel (no udp_diag, no IPv6): say so. */
		if (r == -ENOENT || r == -EOPNOTSUPP) {
			c->unsupported[c->cur] = true;
			continue;
		}
		if (r < 0)
			return r;
	}
	return 0;
}

struct ino_ref {
	uint64_t inode;
	size_t idx;
};

static int ino_cmp(const void *pa, const void *pb)
{
	const struct ino_ref *a = pa, *b = pb;

	return (a->inode > b->inode) - (a->inode < b->inode);
}

/* The identity of a process from its stat: comm and start time. */
static int read_owner(int proc_fd, int pid, const struct ct_probe_target *t, struct sock_owner *ret)
{
	struct ct_arena a = { 0 };
	struct ct_proc p = { 0 };
	char path[32], buf[2048];
	uint64_t start;
	ssize_t n;

	snprintf(path, sizeof(path), "%d/stat", pid);
	n = ct_read_small_at(proc_fd, path, buf, sizeof(buf));
	if (n < 0)
		return (int)n;
	if (ct_parse_stat(buf, (size_t)n, &a, &p) < 0) {
		ct_arena_free(&a);
		return -EINVAL;
	}
	*ret = (struct sock_owner){ .pid = pid, .container = -1 };
	ret->comm_len = strlen(p.comm);
	ret->comm = xmemdup0(p.comm, ret->comm_len);
	start = p.start_time;
	ct_arena_free(&a);
	if (t->world && start) {
		ssize_t k = ct_snapshot_find(t->world->snap, pid);

		/* The same process only if it started when the world saw it. */
		if (k >= 0 && t->world->snap->procs[k].start_time == start)
			ret->container = t->world->container[k];
	}
	return 0;
}

/* Record pid as an owner of the sockets its fds link to ("socket:[INODE]"). */
static void scan_fds(int proc_fd, int pid, const struct ino_ref *refs, size_t n_refs, struct sock_ctx *c,
		     const struct ct_probe_target *t)
{
	_cleanup_closedir_ DIR *d = NULL;
	char path[32];
	struct dirent *de;
	ssize_t owner = -1;
	int fd;

	snprintf(path, sizeof(path), "%d/fd", pid);
	fd = openat(proc_fd, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return; /* gone, or not ours to read */
	d = fdopendir(fd);
	if (!d) {
		close(fd);
		return;
	}
	while ((de = readdir(d))) {
		char link[64];
		struct ino_ref key, *hit;
		struct sock_ent *e;
		ssize_t n;

		if (de->d_name[0] == '.')
			continue;
		n = readlinkat(dirfd(d), de->d_name, link, sizeof(link));
		if (n <= 0 || (size_t)n >= sizeof(link) || link[0] != 's')
			continue;
		if (ct_parse_ns_link(link, (size_t)n, "socket", &key.inode) < 0)
			continue;
		hit = bsearch(&key, refs, n_refs, sizeof(*refs), ino_cmp);
		if (!hit)
			continue;
		if (owner < 0) {
			struct sock_owner o;

			if (read_owner(proc_fd, pid, t, &o) < 0)
				return; /* it exited: its fds are gone too */
			c->owners = xreallocarray(c->owners, c->n_owners + 1, sizeof(*c->owners));
			c->owners[c->n_owners] = o;
			owner = (ssize_t)c->n_owners++;
		}
		e = &c->v[hit->idx];
		/* Two fds of one process on one socket: one owner. */
		if (e->n_owners && e->owners[e->n_owners - 1] == (size_t)owner)
			continue;
		e->owners = xreallocarray(e->owners, e->n_owners + 1, sizeof(*e->owners));
		e->owners[e->n_owners++] = (size_t)owner;
	}
}

/*
 * Whether pid may be in the target's namespace, before any syscall.
 * Without a world, any.  With one, its snapshot read the ns/net link of
 * every process moments ago: a process it saw in another namespace is
 * skipped (missed: one that setns()'d in since, or a pid recycled in
 * between), one it did not see is read.  On a host of 10,000 processes
 * this saves some 50 ms of readlinkat.
 */
static bool maybe_in_netns(const struct ct_probe_target *t, int pid)
{
	const struct ct_ns_id *ns;
	ssize_t k;

	if (!t->world)
		return true;
	k = ct_snapshot_find(t->world->snap, pid);
	if (k < 0)
		return true;
	ns = &t->world->snap->procs[k].ns[CT_NS_NET];
	return !ct_ns_known(ns) || ns->ino == t->netns_ino;
}

/* If pid is in the target's network namespace, record its sockets. */
static void check_pid(int proc_fd, int pid, const struct ino_ref *refs, size_t n_refs, struct sock_ctx *c,
		      const struct ct_probe_target *t)
{
	char path[32], link[64];
	uint64_t ino;
	ssize_t n;

	snprintf(path, sizeof(path), "%d/ns/net", pid);
	n = readlinkat(proc_fd, path, link, sizeof(link));
	if (n <= 0 || (size_t)n >= sizeof(link) || ct_parse_ns_link(link, (size_t)n, "net", &ino) < 0 ||
	    ino != t->netns_ino)
		return;
	scan_fds(proc_fd, pid, refs, n_refs, c, t);
}

static int pid_cmp(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return (x > y) - (x < y);
}

/*
 * The processes of the target's own cgroup, from one cgroup.procs: a
 * container's processes, the ones exec'd into it included.  The first
 * hierarchy whose file reads (v2, else the first v1 controller); none
 * when the target sits in a root cgroup.  Sorted; the count, or 0.
 */
static size_t cgroup_pids(const struct ct_probe_target *t, int **ret)
{
	_cleanup_free_ char *cg = NULL;
	char path[64];
	size_t len;

	snprintf(path, sizeof(path), "/proc/%d/cgroup", t->pid);
	if (ct_read_file_at(AT_FDCWD, path, 64 * 1024, &cg, &len, NULL) < 0)
		return 0;
	for (char *line = cg, *nl; *line; line = nl ? nl + 1 : line + strlen(line)) {
		char *c1, *c2, *ctl, *file = NULL;
		_cleanup_free_ char *procs = NULL;
		size_t plen, n = 0;
		int *v = NULL;

		nl = strchr(line, '\n');
		if (nl)
			*nl = '\0';
		c1 = strchr(line, ':');
		c2 = c1 ? strchr(c1 + 1, ':') : NULL;
		if (!c2 || strcmp(c2 + 1, "/") == 0 || strstr(c2 + 1, "/.."))
			continue;
		ctl = c1 + 1;
		*c2 = '\0';
		if (*ctl == '\0') {
			/* cgroup2: mounted at /sys/fs/cgroup/unified on a hybrid host. */
			if (asprintf(&file, "/sys/fs/cgroup/unified%s/cgroup.procs", c2 + 1) < 0)
				continue;
			if (access(file, R_OK) < 0) {
				free(file);
				if (asprintf(&file, "/sys/fs/cgroup%s/cgroup.procs", c2 + 1) < 0)
					continue;
			}
		} else {
			ctl[strcspn(ctl, ",")] = '\0';
			if (strncmp(ctl, "name=", 5) == 0)
				ctl += 5;
			if (asprintf(&file, "/sys/fs/cgroup/%s%s/cgroup.procs", ctl, c2 + 1) < 0)
				continue;
		}
		if (ct_read_file_at(AT_FDCWD, file, 4 * 1024 * 1024, &procs, &plen, NULL) < 0) {
			free(file);
			continue;
		}
		free(file);
		for (char *p = procs, *e; *p; p = *e ? e + 1 : e) {
			int pid;

			e = p + strcspn(p, "\n");
			if (ct_parse_pid(p, (size_t)(e - p), &pid) == 0) {
				v = xreallocarray(v, n + 1, sizeof(*v));
				v[n++] = pid;
			}
		}
		if (n)
			qsort(v, n, sizeof(*v), pid_cmp);
		*ret = v;
		return n;
	}
	return 0;
}

static bool all_owned(const struct sock_ctx *c)
{
	for (size_t i = 0; i < c->n; i++)
		if (c->v[i].inode && c->v[i].n_owners == 0)
			return false;
	return true;
}

/*
 * The processes in the target's namespace, and their socket fds.  First
 * the target's cgroup, which names a container's processes in one read;
 * only if a socket is left without an owner (a pod's other containers, a
 * process that setns()'d in), the rest of /proc, reading just the ns/net
 * link of each: 10,000 processes cost some 50 ms, a container's dozen
 * almost nothing.  A socket also held outside the cgroup by a process
 * that got it passed is then shown with its owners inside only.
 */
static int scan_owners(const struct ct_probe_target *t, struct sock_ctx *c)
{
	_cleanup_free_ struct ino_ref *refs = xcalloc(c->n ? c->n : 1, sizeof(*refs));
	_cleanup_free_ int *first = NULL;
	_cleanup_closedir_ DIR *d = NULL;
	struct dirent *de;
	size_t n_refs = 0, n_first;
	int proc_fd;

	for (size_t i = 0; i < c->n; i++)
		if (c->v[i].inode)
			refs[n_refs++] = (struct ino_ref){ c->v[i].inode, i };
	if (n_refs == 0)
		return 0;
	qsort(refs, n_refs, sizeof(*refs), ino_cmp);

	proc_fd = open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (proc_fd < 0)
		return -errno;
	d = fdopendir(proc_fd);
	if (!d) {
		int r = -errno;

		close(proc_fd);
		return r;
	}
	n_first = cgroup_pids(t, &first);
	for (size_t k = 0; k < n_first; k++)
		check_pid(proc_fd, first[k], refs, n_refs, c, t);
	if (n_first && all_owned(c))
		return 0;
	while ((de = readdir(d))) {
		int pid;

		if (de->d_name[0] < '1' || de->d_name[0] > '9' ||
		    ct_parse_pid(de->d_name, strlen(de->d_name), &pid) < 0 || !maybe_in_netns(t, pid) ||
		    (n_first && bsearch(&pid, first, n_first, sizeof(*first), pid_cmp)))
			continue;
		check_pid(proc_fd, pid, refs, n_refs, c, t);
	}
	return 0;
}

static struct json_object *inet_addr_json(const struct sock_ent *e, bool remote)
{
	int family = kinds[e->kind].family;
	const uint8_t *a = remote ? e->remote : e->local;
	uint16_t port = remote ? e->rport : e->lport;
	char buf[CT_PROBE_ADDRSTRLEN], out[CT_PROBE_ADDRSTRLEN + 16];
	static const uint8_t zero[16];

	if (remote && port == 0 && memcmp(a, zero, family == AF_INET ? 4 : 16) == 0)
		return NULL;
	if (!ct_probe_addr_str(family, a, family == AF_INET ? 4 : 16, buf))
		return NULL;
	snprintf(out, sizeof(out), family == AF_INET ? "%s:%u" : "[%s]:%u", buf, port);
	return json_object_new_string(out);
}

static const struct sock_ent *find_inode(const struct sock_ent *v, size_t from, size_t to, uint64_t ino)
{
	for (size_t i = from; i < to; i++)
		if (v[i].inode == ino)
			return &v[i];
	return NULL;
}

static struct json_object *sockets_json(const struct ct_probe_target *t, const struct sock_ctx *c)
{
	struct json_object *res = json_object_new_object(), *a = json_object_new_array();
	size_t unix_from = c->n;

	for (size_t i = 0; i < c->n; i++)
		if (c->v[i].kind == K_UNIX && unix_from == c->n)
			unix_from = i;
	json_object_object_add(res, "sockets", a);
	for (size_t i = 0; i < c->n; i++) {
		const struct sock_ent *e = &c->v[i];
		struct json_object *o = json_object_new_object(), *procs = json_object_new_array();

		json_object_object_add(o, "proto", json_object_new_string(kinds[e->kind].name));
		json_object_object_add(o, "state",
				       e->state < ARRAY_SIZE(states) && states[e->state]
					       ? json_object_new_string(states[e->state])
					       : json_object_new_int(e->state));
		if (e->kind == K_UNIX) {
			const struct sock_ent *peer = e->peer ? find_inode(c->v, unix_from, c->n, e->peer) : NULL;

			json_object_object_add(o, "local", e->name ? ct_json_bytes(e->name, e->name_len) : NULL);
			json_object_object_add(o, "remote",
					       peer && peer->name ? ct_json_bytes(peer->name, peer->name_len) : NULL);
		} else {
			json_object_object_add(o, "local", inet_addr_json(e, false));
			json_object_object_add(o, "remote", inet_addr_json(e, true));
		}
		json_object_object_add(o, "inode", json_object_new_int64((int64_t)e->inode));
		ct_probe_add_int(o, "uid", e->uid, e->has_uid);
		json_object_object_add(o, "recv_q", json_object_new_int64(e->rq));
		json_object_object_add(o, "send_q", json_object_new_int64(e->wq));
		if (e->kind == K_UNIX) {
			const char *type = e->utype == SOCK_STREAM      ? "stream"
					   : e->utype == SOCK_DGRAM     ? "dgram"
					   : e->utype == SOCK_SEQPACKET ? "seqpacket"
									: NULL;

			json_object_object_add(o, "type",
					       type ? json_object_new_string(type) : json_object_new_int(e->utype));
			ct_probe_add_int(o, "peer_inode", (int64_t)e->peer, e->peer != 0);
		}
		for (size_t k = 0; k < e->n_owners; k++) {
			const struct sock_owner *w = &c->owners[e->owners[k]];
			struct json_object *p = json_object_new_object();
			const struct ct_container *ct = w->container >= 0 ? &t->world->containers[w->container] : NULL;

			json_object_object_add(p, "pid", json_object_new_int(w->pid));
			json_object_object_add(p, "comm", ct_json_bytes(w->comm, w->comm_len));
			ct_probe_add_str(p, "container", ct ? ct->rec.id : NULL);
			ct_probe_add_str(p, "container_name", ct ? ct->rec.name : NULL);
			json_object_array_add(procs, p);
		}
		json_object_object_add(o, "processes", procs);
		json_object_array_add(a, o);
	}
	for (int k = 0; k < K_COUNT; k++) {
		struct json_object *u;

		if (!c->unsupported[k])
			continue;
		if (!json_object_object_get_ex(res, "unsupported", &u)) {
			u = json_object_new_array();
			json_object_object_add(res, "unsupported", u);
		}
		json_object_array_add(u, json_object_new_string(kinds[k].name));
	}
	return res;
}

int ct_probe_sockets_run(const struct ct_probe_target *t, const struct ct_probe_opts *o, struct json_object **ret,
			 char **ret_error)
{
	struct sock_ctx c = { .what = "cannot enter the network namespace" };
	int r;

	r = ct_netns_run(t->netns_fd, sock_collect, &c);
	if (r < 0) {
		ct_fail(ret_error, r, "sockets: %s: %s", c.what, strerror(-r));
		goto out;
	}
	r = scan_owners(t, &c);
	if (r < 0) {
		ct_fail(ret_error, r, "sockets: cannot read /proc: %s", strerror(-r));
		goto out;
	}
	*ret = sockets_json(t, &c);
out:
	sock_ctx_clear(&c);
	return r;
}

/* "1234/nginx", "1234/nginx[web]" for each owner, ','-separated. */
static char *procs_text(struct json_object *procs)
{
	struct ct_buf b = { 0 };
	size_t n = procs ? json_object_array_length(procs) : 0;

	for (size_t i = 0; i < n; i++) {
		struct json_object *p = json_object_array_get_idx(procs, i);
		const char *name;
		size_t len;

		if (i)
			ct_buf_putc(&b, ',');
		ct_buf_printf(&b, "%" PRId64 "/", json_object_get_int64(json_object_object_get(p, "pid")));
		name = ct_probe_get_str(p, "comm", &len);
		if (name)
			ct_escape_term(&b, name, len);
		name = ct_probe_get_str(p, "container_name", &len);
		if (!name) {
			name = ct_probe_get_str(p, "container", &len);
			if (name && len > 12)
				len = 12; /* a short id, as docker ps shows it */
		}
		if (name) {
			ct_buf_putc(&b, '[');
			ct_escape_term(&b, name, len);
			ct_buf_putc(&b, ']');
		}
	}
	return b.len ? b.data : (free(b.data), xstrdup(""));
}

enum { SC_PROTO, SC_STATE, SC_RECVQ, SC_SENDQ, SC_LOCAL, SC_REMOTE, SC_PROCESS };
static const struct ct_probe_col sock_cols[] = {
	[SC_PROTO] = { "PROTO", 4, 0 },
	[SC_STATE] = { "STATE", 6, 0 },
	[SC_RECVQ] = { "RECV-Q", 6, SCOLS_FL_RIGHT },
	[SC_SENDQ] = { "SEND-Q", 6, SCOLS_FL_RIGHT },
	[SC_LOCAL] = { "LOCAL", 0.25, 0 },
	[SC_REMOTE] = { "REMOTE", 0.2, 0 },
	[SC_PROCESS] = { "PROCESS", 0.2, SCOLS_FL_TRUNC },
};

void ct_probe_sockets_print(struct json_object *result, FILE *out)
{
	_cleanup_table_ struct libscols_table *tb = ct_probe_table_new(out, sock_cols, ARRAY_SIZE(sock_cols));
	struct json_object *a = ct_probe_get_array(result, "sockets"), *u;

	if (!tb)
		return;
	for (size_t i = 0; a && i < json_object_array_length(a); i++) {
		struct json_object *s = json_object_array_get_idx(a, i), *v;
		struct libscols_line *ln = scols_table_new_line(tb, NULL);
		char *text;

		if (!ln)
			return;
		ct_probe_cell(ln, SC_PROTO, json_object_object_get(s, "proto"));
		v = json_object_object_get(s, "state");
		/* ss's short word keeps the line within 80 columns. */
		if (json_object_is_type(v, json_type_string) && strcmp(json_object_get_string(v), "ESTABLISHED") == 0)
			ct_probe_cell_text(ln, SC_STATE, "ESTAB");
		else
			ct_probe_cell(ln, SC_STATE, v);
		ct_probe_cell(ln, SC_RECVQ, json_object_object_get(s, "recv_q"));
		ct_probe_cell(ln, SC_SENDQ, json_object_object_get(s, "send_q"));
		/* No address: "*", as ss says it. */
		v = json_object_object_get(s, "local");
		if (v)
			ct_probe_cell(ln, SC_LOCAL, v);
		else
			ct_probe_cell_text(ln, SC_LOCAL, "*");
		v = json_object_object_get(s, "remote");
		if (v)
			ct_probe_cell(ln, SC_REMOTE, v);
		else
			ct_probe_cell_text(ln, SC_REMOTE, "*");
		text = procs_text(ct_probe_get_array(s, "processes"));
		if (scols_line_refer_data(ln, SC_PROCESS, text) < 0)
			free(text);
	}
	ct_probe_table_print(tb, out, "no sockets");
	u = ct_probe_get_array(result, "unsupported");
	if (u) {
		_cleanup_free_ char *s = ct_probe_json_text(u);

		fprintf(out, "not shown (no sock_diag support in this kernel): %s\n", s);
	}
}
