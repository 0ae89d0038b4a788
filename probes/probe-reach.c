/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Reachability from inside a container's network namespace: connect
 * (TCP), ping (ICMP echo) and mtu (path MTU).  Every socket is made inside
 * the target's netns (a socket stays in the namespace it was made in) and
 * every wait is bounded by the probe's timeout.  A probe that ran and met
 * a failure returns 0 and says so in its result.
 */
#include <arpa/inet.h>
#include <assert.h>
#include <errno.h>
#include <linux/errqueue.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <netinet/icmp6.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/ip_icmp.h>
#include <poll.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <unistd.h>

#include "escape.h"
#include "jsonutil.h"
#include "probe-common.h"
#include "probe-util.h"
#include "probes-internal.h"
#include "util.h"

#define PING_COUNT_DEFAULT 3
#define PING_COUNT_MAX     1000
#define PING_INTERVAL_MS   200
#define PING_PAYLOAD       56
/* traceroute's first port: nothing usually listens there, so the
 * destination answers port unreachable, which proves the datagram arrived. */
#define MTU_PORT      33434
#define MTU_MAX_STEPS 12

static const char *scope_error(const struct ct_pu_addr *a, char *buf, size_t size)
{
	snprintf(buf, size, "no interface %s in the container", a->scope);
	return buf;
}

static void add_addr(struct json_object *o, const char *key, const struct ct_pu_addr *a)
{
	char buf[INET6_ADDRSTRLEN];

	ct_pu_addr_str((const struct sockaddr *)&a->ss, buf, sizeof(buf));
	json_object_object_add(o, key, json_object_new_string(buf));
}

/* ---- connect ---- */

struct connect_arg {
	struct ct_pu_addr a;
	long timeout_ms;
	int err; /* positive errno, 0: connected */
	bool no_scope;
	double ms;
};

static int connect_fn(void *arg)
{
	struct connect_arg *c = arg;
	int r;

	if (ct_pu_addr_scope(&c->a) < 0) {
		c->no_scope = true;
		return 0;
	}
	r = ct_pu_tcp_connect(&c->a, c->timeout_ms, &c->ms);
	if (r < 0)
		return r;
	c->err = r;
	return 0;
}

int ct_probe_connect_run(const struct ct_probe_target *t, const struct ct_probe_opts *o, struct json_object **ret,
			 char **ret_error)
{
	struct connect_arg c = { .timeout_ms = ct_pu_timeout_ms(o) };
	struct json_object *res;
	const char *arg = o ? o->arg : NULL;
	char err[128] = "";
	int r;

	r = ct_pu_parse_hostport("connect", arg, &c.a, ret_error);
	if (r < 0)
		return r;
	assert(arg); /* ct_pu_parse_hostport() refuses a missing HOST:PORT */
	r = ct_netns_run(t->netns_fd, connect_fn, &c);
	if (r < 0)
		return ct_fail(ret_error, r, "connect: cannot connect from the target's network namespace: %s",
			       strerror(-r));
	if (c.no_scope)
		scope_error(&c.a, err, sizeof(err));
	else if (c.err == ETIMEDOUT)
		snprintf(err, sizeof(err), "timed out after %ld ms", c.timeout_ms);
	else if (c.err)
		snprintf(err, sizeof(err), "%s", ct_pu_errno_text(c.err));

	res = json_object_new_object();
	json_object_object_add(res, "host", ct_json_bytes(arg, (size_t)(strrchr(arg, ':') - arg)));
	json_object_object_add(res, "port", json_object_new_int(ct_pu_addr_port((struct sockaddr *)&c.a.ss)));
	add_addr(res, "address", &c.a);
	json_object_object_add(res, "ok", json_object_new_boolean(!err[0]));
	json_object_object_add(res, "ms", c.no_scope ? NULL : ct_pu_json_ms(c.ms));
	json_object_object_add(res, "error", err[0] ? json_object_new_string(err) : NULL);
	*ret = res;
	return 0;
}

void ct_probe_connect_print(struct json_object *result, FILE *out)
{
	struct json_object *ms = ct_json_get(result, "ms");
	const char *addr = ct_probe_get_str(result, "address", NULL) ?: "?";
	int port = json_object_get_int(ct_json_get(result, "port"));

	fprintf(out, strchr(addr, ':') ? "connect [%s]:%d: " : "connect %s:%d: ", addr, port);
	if (ct_pu_get_bool(result, "ok"))
		fputs("connected", out);
	else
		fprintf(out, "FAILED: %s", ct_probe_get_str(result, "error", NULL) ?: "?");
	if (ms)
		fprintf(out, " (%s ms)", json_object_get_string(ms));
	fputc('\n', out);
}

/* ---- ping ---- */

struct ping_reply {
	bool ok;
	double ms;
	uint64_t sent_ns;
	int err; /* positive errno of the send */
};

struct ping_arg {
	struct ct_pu_addr a;
	int count;
	long timeout_ms;
	bool no_scope;
	bool raw;
	uint16_t id;
	uint16_t seq0;
	int sent, received;
	int last_err; /* an ICMP error or a neighbour failure, as errno */
	struct ping_reply *r;
};

static uint16_t icmp_checksum(const void *data, size_t len)
{
	const uint8_t *p = data;
	uint32_t sum = 0;

	for (size_t i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return htons((uint16_t)~sum);
}

static int ping_socket(struct ping_arg *p)
{
	int fam = p->a.ss.ss_family;
	int proto = fam == AF_INET ? IPPROTO_ICMP : IPPROTO_ICMPV6;
	int fd;

	/* An ICMP datagram socket where net.ipv4.ping_group_range allows it:
	 * the kernel then matches replies to us; else a raw socket (root). */
	fd = socket(fam, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, proto);
	if (fd < 0 && (errno == EACCES || errno == EPERM || errno == EPROTONOSUPPORT)) {
		fd = socket(fam, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, proto);
		p->raw = fd >= 0;
	}
	if (fd < 0)
		return -errno;
	if (p->raw && fam == AF_INET6) {
		struct icmp6_filter f;

		ICMP6_FILTER_SETBLOCKALL(&f);
		ICMP6_FILTER_SETPASS(ICMP6_ECHO_REPLY, &f);
		(void)setsockopt(fd, IPPROTO_ICMPV6, ICMP6_FILTER, &f, sizeof(f));
	}
	/* Connected: only packets from the host we ping reach this socket. */
	if (connect(fd, (struct sockaddr *)&p->a.ss, p->a.len) < 0) {
		int r = -errno;

		close(fd);
		return r;
	}
	return fd;
}

static void ping_send(struct ping_arg *p, int fd, int i)
{
	uint8_t pkt[sizeof(struct icmphdr) + PING_PAYLOAD];
	struct icmphdr *h = (struct icmphdr *)pkt;

	memset(pkt, 0, sizeof(pkt));
	for (size_t k = sizeof(*h); k < sizeof(pkt); k++)
		pkt[k] = (uint8_t)k;
	/* struct icmphdr and struct icmp6_hdr share the echo layout. */
	h->type = p->a.ss.ss_family == AF_INET ? ICMP_ECHO : ICMP6_ECHO_REQUEST;
	h->un.echo.id = htons(p->id);
	h->un.echo.sequence = htons((uint16_t)(p->seq0 + i));
	/* The kernel sums ICMPv6 and datagram sockets; a raw IPv4 one is ours. */
	if (p->raw && p->a.ss.ss_family == AF_INET)
		h->checksum = icmp_checksum(pkt, sizeof(pkt));
	p->r[i].sent_ns = ct_now_ns();
	if (send(fd, pkt, sizeof(pkt), 0) < 0)
		p->r[i].err = errno;
	p->sent++;
}

static void ping_receive(struct ping_arg *p, int fd)
{
	uint8_t buf[1024];

	/* A bounded batch, so that a flood cannot hold us past the deadline. */
	for (int k = 0; k < 64; k++) {
		ssize_t n = recv(fd, buf, sizeof(buf), 0);
		const uint8_t *icmp = buf;
		const struct icmphdr *h;
		size_t len;
		uint16_t seq;
		int i;

		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN && errno != EWOULDBLOCK)
				p->last_err = errno; /* unreachable, reported on the socket */
			return;
		}
		len = (size_t)n;
		/* A raw IPv4 socket hands over the IP header too. */
		if (p->raw && p->a.ss.ss_family == AF_INET) {
			size_t hl;

			if (len < sizeof(struct iphdr))
				continue;
			hl = (size_t)((const struct iphdr *)buf)->ihl * 4;
			if (hl < sizeof(struct iphdr) || hl > len)
				continue;
			icmp += hl;
			len -= hl;
		}
		if (len < sizeof(struct icmphdr))
			continue;
		h = (const struct icmphdr *)icmp;
		if (h->type != (p->a.ss.ss_family == AF_INET ? ICMP_ECHOREPLY : ICMP6_ECHO_REPLY) || h->code != 0)
			continue;
		/* A datagram socket's id is the kernel's to set and match; a raw
		 * socket sees every echo reply in the netns, so check ours. */
		if (p->raw && ntohs(h->un.echo.id) != p->id)
			continue;
		seq = ntohs(h->un.echo.sequence);
		i = (uint16_t)(seq - p->seq0);
		if (i >= p->sent || p->r[i].ok || p->r[i].err)
			continue;
		p->r[i].ms = ct_pu_ms_since(p->r[i].sent_ns);
		/* Later than the timeout counts as lost, as ping -W does. */
		if (p->r[i].ms > (double)p->timeout_ms)
			continue;
		p->r[i].ok = true;
		p->received++;
	}
}

/*
 * Send count requests PING_INTERVAL_MS apart and take replies until the
 * last request's timeout: the whole run is bounded by
 * (count - 1) * interval + timeout.
 */
static int ping_fn(void *arg)
{
	struct ping_arg *p = arg;
	_cleanup_close_ int fd = -1;
	uint64_t next, deadline = 0;

	if (ct_pu_addr_scope(&p->a) < 0) {
		p->no_scope = true;
		return 0;
	}
	fd = ping_socket(p);
	if (fd < 0)
		return fd;
	next = ct_now_ns();
	for (;;) {
		uint64_t now = ct_now_ns(), until;
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		int r;

		if (p->sent < p->count && now >= next) {
			ping_send(p, fd, p->sent);
			next = now + PING_INTERVAL_MS * 1000000ull;
			if (p->sent == p->count)
				deadline = now + (uint64_t)p->timeout_ms * 1000000;
			continue;
		}
		if (p->sent == p->count && (now >= deadline || p->received == p->count))
			break;
		until = p->sent < p->count ? next : deadline;
		r = poll(&pfd, 1, (int)((until - now + 999999) / 1000000));
		if (r < 0 && errno != EINTR)
			return -errno;
		if (r > 0)
			ping_receive(p, fd);
	}
	return 0;
}

int ct_probe_ping_run(const struct ct_probe_target *t, const struct ct_probe_opts *o, struct json_object **ret,
		      char **ret_error)
{
	struct ping_arg p = { .timeout_ms = ct_pu_timeout_ms(o) };
	_cleanup_free_ struct ping_reply *replies = NULL;
	struct json_object *res, *arr;
	double min = 0, max = 0, sum = 0;
	char err[128] = "";
	uint16_t rnd[2];
	int r;

	r = ct_pu_parse_host("ping", o ? o->arg : NULL, &p.a, ret_error);
	if (r < 0)
		return r;
	assert(o && o->arg); /* ct_pu_parse_host() refuses a missing HOST */
	p.count = o && o->count > 0 ? o->count : PING_COUNT_DEFAULT;
	if (p.count > PING_COUNT_MAX)
		return ct_fail(ret_error, -EINVAL, "ping: count %d is more than %d", p.count, PING_COUNT_MAX);
	if (getrandom(rnd, sizeof(rnd), 0) != sizeof(rnd))
		return ct_fail(ret_error, -errno, "ping: getrandom: %s", strerror(errno));
	p.id = rnd[0], p.seq0 = rnd[1];
	replies = xcalloc((size_t)p.count, sizeof(*replies));
	p.r = replies;
	r = ct_netns_run(t->netns_fd, ping_fn, &p);
	if (r < 0)
		return ct_fail(ret_error, r, "ping: cannot ping from the target's network namespace: %s", strerror(-r));

	res = json_object_new_object();
	json_object_object_add(res, "host", ct_json_str(o->arg));
	add_addr(res, "address", &p.a);
	json_object_object_add(res, "socket", json_object_new_string(p.raw ? "raw" : "icmp-datagram"));
	json_object_object_add(res, "sent", json_object_new_int(p.sent));
	json_object_object_add(res, "received", json_object_new_int(p.received));
	arr = json_object_new_array();
	for (int i = 0; i < p.sent; i++) {
		struct json_object *e = json_object_new_object();
		const struct ping_reply *x = &p.r[i];

		json_object_object_add(e, "seq", json_object_new_int(i + 1));
		json_object_object_add(e, "ok", json_object_new_boolean(x->ok));
		json_object_object_add(e, "ms", x->ok ? ct_pu_json_ms(x->ms) : NULL);
		json_object_object_add(e, "error",
				       x->ok ? NULL
					     : json_object_new_string(x->err ? ct_pu_errno_text(x->err) : "no reply"));
		json_object_array_add(arr, e);
		if (!x->ok)
			continue;
		if (sum == 0 || x->ms < min)
			min = x->ms;
		if (x->ms > max)
			max = x->ms;
		sum += x->ms;
	}
	json_object_object_add(res, "rtt_min", p.received ? ct_pu_json_ms(min) : NULL);
	json_object_object_add(res, "rtt_avg", p.received ? ct_pu_json_ms(sum / p.received) : NULL);
	json_object_object_add(res, "rtt_max", p.received ? ct_pu_json_ms(max) : NULL);
	json_object_object_add(res, "replies", arr);

	if (p.no_scope)
		scope_error(&p.a, err, sizeof(err));
	else if (p.received == 0 && p.last_err)
		snprintf(err, sizeof(err), "no reply: %s", ct_pu_errno_text(p.last_err));
	else if (p.received == 0 && p.sent && p.r[0].err)
		snprintf(err, sizeof(err), "no reply: %s", ct_pu_errno_text(p.r[0].err));
	else if (p.received == 0)
		snprintf(err, sizeof(err), "no reply within %ld ms", p.timeout_ms);
	else if (p.received < p.sent)
		snprintf(err, sizeof(err), "%d of %d replies lost", p.sent - p.received, p.sent);
	json_object_object_add(res, "ok", json_object_new_boolean(!err[0]));
	json_object_object_add(res, "error", err[0] ? json_object_new_string(err) : NULL);
	*ret = res;
	return 0;
}

void ct_probe_ping_print(struct json_object *result, FILE *out)
{
	struct json_object *replies = ct_json_get(result, "replies");

	fprintf(out, "ping %s (%s socket): %d sent, %d received", ct_probe_get_str(result, "address", NULL) ?: "?",
		ct_probe_get_str(result, "socket", NULL) ?: "?", json_object_get_int(ct_json_get(result, "sent")),
		json_object_get_int(ct_json_get(result, "received")));
	if (ct_json_get(result, "rtt_min"))
		fprintf(out, ", rtt min/avg/max %s/%s/%s ms", json_object_get_string(ct_json_get(result, "rtt_min")),
			json_object_get_string(ct_json_get(result, "rtt_avg")),
			json_object_get_string(ct_json_get(result, "rtt_max")));
	fputc('\n', out);
	for (size_t i = 0; replies && i < json_object_array_length(replies); i++) {
		struct json_object *e = json_object_array_get_idx(replies, i);

		if (ct_pu_get_bool(e, "ok"))
			fprintf(out, "  seq %d: %s ms\n", json_object_get_int(ct_json_get(e, "seq")),
				json_object_get_string(ct_json_get(e, "ms")));
		else
			fprintf(out, "  seq %d: %s\n", json_object_get_int(ct_json_get(e, "seq")),
				ct_probe_get_str(e, "error", NULL) ?: "?");
	}
	if (!ct_pu_get_bool(result, "ok"))
		fprintf(out, "FAILED: %s\n", ct_probe_get_str(result, "error", NULL) ?: "?");
}

/* ---- mtu ---- */

struct mtu_step {
	int size;
	const char *result; /* static text */
	int mtu;            /* the MTU a router named, or 0 */
	char from[INET6_ADDRSTRLEN];
};

struct mtu_arg {
	struct ct_pu_addr a;
	long timeout_ms;
	bool no_scope;
	int route_err; /* positive errno of the route lookup */
	int oif;       /* the route's interface, 0 if unknown */
	char ifname[IF_NAMESIZE];
	int if_mtu;     /* 0 if unknown */
	int route_mtu;  /* the route's mtu metric, 0 if none */
	int cached;     /* IP_MTU before we probed: the kernel's path MTU then */
	int path_mtu;   /* 0 if not found */
	bool confirmed; /* the destination answered a datagram of path_mtu bytes */
	int err;        /* positive errno: what stopped the probe */
	struct mtu_step steps[MTU_MAX_STEPS];
	int n_steps;
};

int ct_probe_mtu_route_reply(const void *buf, size_t size, int *ret_oif, int *ret_route_mtu,
			     int *ret_route_err)
{
	ssize_t n = (ssize_t)size;

	/* n goes negative past a last message whose length is not aligned:
	 * compared as a size_t it would let the walk run off the reply. */
	for (struct nlmsghdr *nh = (struct nlmsghdr *)buf; NLMSG_OK(nh, n); nh = NLMSG_NEXT(nh, n)) {
		struct rtmsg *rt = NLMSG_DATA(nh);
		int len;

		if (nh->nlmsg_type == NLMSG_ERROR) {
			struct nlmsgerr *e = NLMSG_DATA(nh);

			if (nh->nlmsg_len < NLMSG_LENGTH(sizeof(*e)))
				return -EIO;
			*ret_route_err = -e->error;
			return 0;
		}
		if (nh->nlmsg_type != RTM_NEWROUTE || nh->nlmsg_len < NLMSG_LENGTH(sizeof(*rt)))
			continue;
		len = (int)RTM_PAYLOAD(nh);
		for (struct rtattr *a = RTM_RTA(rt); RTA_OK(a, len); a = RTA_NEXT(a, len)) {
			if (a->rta_type == RTA_OIF && RTA_PAYLOAD(a) >= 4) {
				memcpy(ret_oif, RTA_DATA(a), 4);
			} else if (a->rta_type == RTA_METRICS) {
				int ml = (int)RTA_PAYLOAD(a);

				for (struct rtattr *x = RTA_DATA(a); RTA_OK(x, ml); x = RTA_NEXT(x, ml))
					if (x->rta_type == RTAX_MTU && RTA_PAYLOAD(x) >= 4)
						memcpy(ret_route_mtu, RTA_DATA(x), 4);
			}
		}
		return 0;
	}
	return -EIO;
}

/* The route the kernel would use, as in its table (RTM_F_FIB_MATCH): the
 * output interface and an "mtu" metric, if the route has one. */
static int route_lookup(struct mtu_arg *m)
{
	struct {
		struct nlmsghdr nh;
		struct rtmsg rt;
		char attrs[64];
	} req;
	_cleanup_close_ int fd = -1;
	union {
		char buf[8192];
		struct nlmsghdr align;
	} u;
	struct rtattr *rta;
	const void *addr;
	size_t alen;
	ssize_t n;
	int r;

	if (m->a.ss.ss_family == AF_INET)
		addr = &((struct sockaddr_in *)&m->a.ss)->sin_addr, alen = 4;
	else
		addr = &((struct sockaddr_in6 *)&m->a.ss)->sin6_addr, alen = 16;
	memset(&req, 0, sizeof(req));
	req.nh.nlmsg_type = RTM_GETROUTE;
	req.nh.nlmsg_flags = NLM_F_REQUEST;
	req.rt.rtm_family = (unsigned char)m->a.ss.ss_family;
	req.rt.rtm_dst_len = (unsigned char)(alen * 8);
	req.rt.rtm_flags = RTM_F_FIB_MATCH;
	rta = (struct rtattr *)((char *)&req + NLMSG_ALIGN(NLMSG_LENGTH(sizeof(struct rtmsg))));
	rta->rta_type = RTA_DST;
	rta->rta_len = (unsigned short)RTA_LENGTH(alen);
	memcpy(RTA_DATA(rta), addr, alen);
	req.nh.nlmsg_len = NLMSG_ALIGN(NLMSG_LENGTH(sizeof(struct rtmsg))) + RTA_ALIGN(rta->rta_len);
	if (m->a.ss.ss_family == AF_INET6 && ((struct sockaddr_in6 *)&m->a.ss)->sin6_scope_id) {
		rta = (struct rtattr *)((char *)&req + NLMSG_ALIGN(req.nh.nlmsg_len));
		rta->rta_type = RTA_OIF;
		rta->rta_len = RTA_LENGTH(4);
		memcpy(RTA_DATA(rta), &((struct sockaddr_in6 *)&m->a.ss)->sin6_scope_id, 4);
		req.nh.nlmsg_len = NLMSG_ALIGN(req.nh.nlmsg_len) + RTA_ALIGN(rta->rta_len);
	}

	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (fd < 0)
		return -errno;
	if (send(fd, &req, req.nh.nlmsg_len, 0) < 0)
		return -errno;
	r = ct_pu_poll_until(fd, POLLIN, ct_now_ns() + (uint64_t)m->timeout_ms * 1000000);
	if (r <= 0)
		return r < 0 ? r : -ETIMEDOUT;
	n = recv(fd, u.buf, sizeof(u.buf), MSG_DONTWAIT);
	if (n < 0)
		return -errno;
	return ct_probe_mtu_route_reply(u.buf, (size_t)n, &m->oif, &m->route_mtu, &m->route_err);
}

static int get_path_mtu(int fd, int fam)
{
	int v = 0;
	socklen_t l = sizeof(v);

	if (getsockopt(fd, fam == AF_INET ? IPPROTO_IP : IPPROTO_IPV6, fam == AF_INET ? IP_MTU : IPV6_MTU, &v, &l) < 0)
		return 0;
	return v;
}

static struct mtu_step *add_step(struct mtu_arg *m, int size, const char *result)
{
	struct mtu_step *s;

	/* Full: the last slot takes the newest (the loop ends there anyway). */
	if (m->n_steps == MTU_MAX_STEPS)
		m->n_steps--;
	s = &m->steps[m->n_steps++];

	*s = (struct mtu_step){ .size = size, .result = result };
	return s;
}

/* Whether the control message holds data bytes and lies within the buffer
 * (CMSG_FIRSTHDR() checks neither, CMSG_NXTHDR() only the latter). */
static bool cmsg_has(const struct msghdr *mh, const struct cmsghdr *cm, size_t data)
{
	size_t at = (size_t)((const char *)cm - (const char *)mh->msg_control);

	return cm->cmsg_len >= CMSG_LEN(data) && cm->cmsg_len <= mh->msg_controllen - at;
}

bool ct_probe_mtu_errqueue_parse(const struct msghdr *mh, struct sock_extended_err *ret_ee, char *from,
				 size_t from_size)
{
	struct sock_extended_err *ee = NULL;
	const struct sockaddr *off;
	struct cmsghdr *found = NULL;

	for (struct cmsghdr *cm = CMSG_FIRSTHDR(mh); cm; cm = CMSG_NXTHDR((struct msghdr *)mh, cm))
		if (((cm->cmsg_level == IPPROTO_IP && cm->cmsg_type == IP_RECVERR) ||
		     (cm->cmsg_level == IPPROTO_IPV6 && cm->cmsg_type == IPV6_RECVERR)) &&
		    cmsg_has(mh, cm, sizeof(*ee)))
			found = cm;
	if (!found)
		return false;
	ee = (struct sock_extended_err *)CMSG_DATA(found);
	*ret_ee = *ee;
	from[0] = '\0';
	/* The offender follows, a sockaddr_in or sockaddr_in6 as its family says. */
	off = SO_EE_OFFENDER(ee);
	if (!cmsg_has(mh, found, sizeof(*ee) + sizeof(sa_family_t)))
		return true;
	if ((off->sa_family == AF_INET && cmsg_has(mh, found, sizeof(*ee) + sizeof(struct sockaddr_in))) ||
	    (off->sa_family == AF_INET6 && cmsg_has(mh, found, sizeof(*ee) + sizeof(struct sockaddr_in6))))
		ct_pu_addr_str(off, from, from_size);
	return true;
}

/*
 * Read what the network said about our datagram: 1 when the probe is
 * over, 0 to go on (a router asked for a smaller size: *size is lowered).
 */
static int read_errqueue(struct mtu_arg *m, int fd, int *size)
{
	union {
		char buf[512];
		struct cmsghdr align;
	} c;
	char data[64];
	struct iovec iov = { .iov_base = data, .iov_len = sizeof(data) };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = c.buf, .msg_controllen = sizeof(c.buf) };
	struct sock_extended_err ee;
	char from[INET6_ADDRSTRLEN];
	struct mtu_step *s;

	if (recvmsg(fd, &mh, MSG_ERRQUEUE | MSG_DONTWAIT) < 0) {
		if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
			return 0;
		m->err = errno;
		return 1;
	}
	if (!ct_probe_mtu_errqueue_parse(&mh, &ee, from, sizeof(from)))
		return 0;

	s = add_step(m, *size, "");
	snprintf(s->from, sizeof(s->from), "%s", from);

	switch (ee.ee_errno) {
	case EMSGSIZE: {
		int kernel = get_path_mtu(fd, m->a.ss.ss_family);
		int next = (int)ee.ee_info;

		s->result = m->a.ss.ss_family == AF_INET ? "fragmentation needed" : "packet too big";
		s->mtu = next;
		/* The kernel learnt it too; believe the smaller if they differ. */
		if (kernel > 0 && (next <= 0 || kernel < next))
			next = kernel;
		if (next <= 0 || next >= *size) {
			m->err = EPROTO;
			return 1;
		}
		*size = next;
		return 0;
	}
	case ECONNREFUSED:
		s->result = "arrived (port unreachable from the destination)";
		m->path_mtu = *size;
		m->confirmed = true;
		return 1;
	default:
		s->result = ct_pu_errno_text((int)ee.ee_errno);
		m->err = (int)ee.ee_errno;
		return 1;
	}
}

static int mtu_fn(void *arg)
{
	struct mtu_arg *m = arg;
	int fam = m->a.ss.ss_family;
	int level = fam == AF_INET ? IPPROTO_IP : IPPROTO_IPV6;
	int hdr = fam == AF_INET ? 20 + 8 : 40 + 8;
	int min = fam == AF_INET ? 68 : 1280;
	int on = 1, pmtu = fam == AF_INET ? IP_PMTUDISC_DO : IPV6_PMTUDISC_DO;
	_cleanup_free_ char *buf = NULL;
	_cleanup_close_ int fd = -1;
	struct ifreq ifr;
	int r, size;

	if (ct_pu_addr_scope(&m->a) < 0) {
		m->no_scope = true;
		return 0;
	}
	r = route_lookup(m);
	if (r < 0)
		return r;
	if (m->route_err)
		return 0;

	fd = socket(fam, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (m->oif && if_indextoname((unsigned)m->oif, m->ifname)) {
		memset(&ifr, 0, sizeof(ifr));
		memcpy(ifr.ifr_name, m->ifname, sizeof(ifr.ifr_name));
		if (ioctl(fd, SIOCGIFMTU, &ifr) == 0)
			m->if_mtu = ifr.ifr_mtu;
	}
	/* Don't fragment, and follow the path MTU the kernel learns; errors
	 * from routers and the destination come back on the error queue. */
	if (setsockopt(fd, level, fam == AF_INET ? IP_MTU_DISCOVER : IPV6_MTU_DISCOVER, &pmtu, sizeof(pmtu)) < 0 ||
	    setsockopt(fd, level, fam == AF_INET ? IP_RECVERR : IPV6_RECVERR, &on, sizeof(on)) < 0)
		return -errno;
	((struct sockaddr_in *)&m->a.ss)->sin_port = htons(MTU_PORT); /* same offset in sockaddr_in6 */
	if (connect(fd, (struct sockaddr *)&m->a.ss, m->a.len) < 0) {
		m->err = errno;
		return 0;
	}
	m->cached = get_path_mtu(fd, fam);
	size = m->cached > 0 ? m->cached : (m->if_mtu > 0 ? m->if_mtu : 1500);
	buf = xcalloc(1, 65536);

	while (m->n_steps < MTU_MAX_STEPS) {
		uint64_t deadline;

		if (size < min || size > 65535) {
			m->err = EPROTO;
			return 0;
		}
		if (send(fd, buf, (size_t)(size - hdr), 0) < 0) {
			int k;

			if (errno != EMSGSIZE) {
				add_step(m, size, ct_pu_errno_text(errno));
				m->err = errno;
				return 0;
			}
			/* The kernel already knows a smaller path MTU. */
			k = get_path_mtu(fd, fam);
			add_step(m, size, "too big for the kernel's path MTU")->mtu = k;
			if (k <= 0 || k >= size) {
				m->err = EMSGSIZE;
				return 0;
			}
			size = k;
			continue;
		}
		deadline = ct_now_ns() + (uint64_t)m->timeout_ms * 1000000;
		for (;;) {
			r = ct_pu_poll_until(fd, POLLIN, deadline);
			if (r < 0)
				return r;
			if (r == 0) {
				/* Silence: no router objected, the destination said nothing. */
				add_step(m, size, "no answer");
				m->path_mtu = size;
				return 0;
			}
			if (r & POLLERR) {
				int prev = size;

				if (read_errqueue(m, fd, &size))
					return 0;
				if (size != prev)
					break;
				continue;
			}
			if (r & POLLIN) {
				/* Something listens there and answered: it arrived. */
				(void)recv(fd, buf, 65536, MSG_DONTWAIT);
				add_step(m, size, "arrived (the destination answered)");
				m->path_mtu = size;
				m->confirmed = true;
				return 0;
			}
		}
	}
	m->err = ELOOP;
	return 0;
}

int ct_probe_mtu_run(const struct ct_probe_target *t, const struct ct_probe_opts *o, struct json_object **ret,
		     char **ret_error)
{
	struct mtu_arg m = { .timeout_ms = ct_pu_timeout_ms(o) };
	struct json_object *res, *steps;
	char err[160] = "";
	int r;

	r = ct_pu_parse_host("mtu", o ? o->arg : NULL, &m.a, ret_error);
	if (r < 0)
		return r;
	assert(o && o->arg); /* ct_pu_parse_host() refuses a missing HOST */
	r = ct_netns_run(t->netns_fd, mtu_fn, &m);
	if (r < 0)
		return ct_fail(ret_error, r, "mtu: cannot probe from the target's network namespace: %s", strerror(-r));

	res = json_object_new_object();
	json_object_object_add(res, "host", ct_json_str(o->arg));
	add_addr(res, "address", &m.a);
	json_object_object_add(res, "interface", m.ifname[0] ? ct_json_str(m.ifname) : NULL);
	json_object_object_add(res, "interface_mtu", m.if_mtu ? json_object_new_int(m.if_mtu) : NULL);
	json_object_object_add(res, "route_mtu",
			       m.route_mtu ? json_object_new_int(m.route_mtu)
					   : (m.if_mtu ? json_object_new_int(m.if_mtu) : NULL));
	json_object_object_add(res, "cached_path_mtu", m.cached ? json_object_new_int(m.cached) : NULL);
	json_object_object_add(res, "path_mtu", m.path_mtu ? json_object_new_int(m.path_mtu) : NULL);
	json_object_object_add(res, "confirmed", json_object_new_boolean(m.confirmed));
	steps = json_object_new_array();
	for (int i = 0; i < m.n_steps; i++) {
		struct json_object *e = json_object_new_object();

		json_object_object_add(e, "size", json_object_new_int(m.steps[i].size));
		json_object_object_add(e, "result", json_object_new_string(m.steps[i].result));
		json_object_object_add(e, "mtu", m.steps[i].mtu ? json_object_new_int(m.steps[i].mtu) : NULL);
		json_object_object_add(e, "from", m.steps[i].from[0] ? json_object_new_string(m.steps[i].from) : NULL);
		json_object_array_add(steps, e);
	}
	json_object_object_add(res, "steps", steps);

	if (m.no_scope)
		scope_error(&m.a, err, sizeof(err));
	else if (m.route_err)
		snprintf(err, sizeof(err), "no route: %s", ct_pu_errno_text(m.route_err));
	else if (m.err == EPROTO || m.err == ELOOP)
		snprintf(err, sizeof(err), "no consistent path MTU (a router named an MTU that does not shrink)");
	else if (m.err)
		snprintf(err, sizeof(err), "%s", ct_pu_errno_text(m.err));
	json_object_object_add(res, "ok", json_object_new_boolean(!err[0] && m.path_mtu));
	json_object_object_add(res, "error", err[0] ? json_object_new_string(err) : NULL);
	*ret = res;
	return 0;
}

void ct_probe_mtu_print(struct json_object *result, FILE *out)
{
	struct json_object *steps = ct_json_get(result, "steps"), *v;

	fprintf(out, "path MTU to %s", ct_probe_get_str(result, "address", NULL) ?: "?");
	if ((v = ct_json_get(result, "interface"))) {
		fputs(" via ", out);
		ct_pu_print_str(out, v);
	}
	fputc('\n', out);
	if ((v = ct_json_get(result, "interface_mtu")))
		fprintf(out, "  interface MTU %d\n", json_object_get_int(v));
	if ((v = ct_json_get(result, "route_mtu")))
		fprintf(out, "  route MTU     %d\n", json_object_get_int(v));
	if ((v = ct_json_get(result, "cached_path_mtu")))
		fprintf(out, "  kernel's path MTU before probing %d\n", json_object_get_int(v));
	for (size_t i = 0; steps && i < json_object_array_length(steps); i++) {
		struct json_object *e = json_object_array_get_idx(steps, i);

		fprintf(out, "  %5d bytes: %s", json_object_get_int(ct_json_get(e, "size")),
			ct_probe_get_str(e, "result", NULL) ?: "?");
		if ((v = ct_json_get(e, "mtu")))
			fprintf(out, ", MTU %d", json_object_get_int(v));
		if ((v = ct_json_get(e, "from")))
			fprintf(out, " (from %s)", json_object_get_string(v));
		fputc('\n', out);
	}
	if ((v = ct_json_get(result, "path_mtu")))
		fprintf(out, "  path MTU %d%s\n", json_object_get_int(v),
			ct_pu_get_bool(result, "confirmed") ? "" : " (not confirmed: the destination did not answer)");
	if (!ct_pu_get_bool(result, "ok"))
		fprintf(out, "FAILED: %s\n", ct_probe_get_str(result, "error", NULL) ?: "?");
}
