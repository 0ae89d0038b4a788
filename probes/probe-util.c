/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <netinet/in.h>
#include <poll.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "escape.h"
#include "jsonutil.h"
#include "probe-util.h"
#include "util.h"

long ct_pu_timeout_ms(const struct ct_probe_opts *o)
{
	return o && o->timeout_ms > 0 ? o->timeout_ms : CT_PU_TIMEOUT_DEFAULT;
}

double ct_pu_ms_since(uint64_t start_ns)
{
	return (double)(ct_now_ns() - start_ns) / 1e6;
}

struct json_object *ct_pu_json_ms(double ms)
{
	char buf[32];

	/* json-c would print the double's 17 digits: keep what is meaningful. */
	snprintf(buf, sizeof(buf), "%.3f", ms);
	return json_object_new_double_s(ms, buf);
}

int ct_pu_poll_until(int fd, short events, uint64_t deadline_ns)
{
	for (;;) {
		struct pollfd p = { .fd = fd, .events = events };
		uint64_t now = ct_now_ns();
		int ms, r;

		if (now >= deadline_ns)
			return 0;
		/* Round up: a 0 ms poll would spin until the deadline. */
		ms = (int)((deadline_ns - now + 999999) / 1000000);
		r = poll(&p, 1, ms);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (r > 0)
			return p.revents;
	}
}

int ct_pu_parse_hex(const char *s, size_t n, uint32_t *ret)
{
	uint32_t v = 0;

	if (n == 0 || n > 8)
		return -EINVAL;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		int d;

		if (c >= '0' && c <= '9')
			d = c - '0';
		else if (c >= 'a' && c <= 'f')
			d = c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			d = c - 'A' + 10;
		else
			return -EINVAL;
		v = v << 4 | (uint32_t)d;
	}
	*ret = v;
	return 0;
}

const char *ct_pu_errno_text(int err)
{
	switch (err) {
	case 0:
		return "ok";
	case ECONNREFUSED:
		return "connection refused";
	case ETIMEDOUT:
		return "timed out";
	case EHOSTUNREACH:
		return "no route to host";
	case ENETUNREACH:
		return "network unreachable";
	case ECONNRESET:
		return "connection reset";
	case EPERM:
	case EACCES:
		/* What a local REJECT or DROP in OUTPUT looks like to connect(). */
		return "not permitted (a firewall rule?)";
	case EADDRNOTAVAIL:
		return "address not available";
	case EMSGSIZE:
		return "message too long";
	case ENETDOWN:
		return "network is down";
	default:
		return strerror(err);
	}
}

int ct_pu_parse_ip(const char *s, size_t len, uint16_t port, struct ct_pu_addr *ret)
{
	struct ct_pu_addr a = { 0 };
	struct sockaddr_in *in = (struct sockaddr_in *)&a.ss;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&a.ss;
	char buf[INET6_ADDRSTRLEN + IF_NAMESIZE + 4];
	char *pct;

	if (len >= 2 && s[0] == '[' && s[len - 1] == ']')
		s++, len -= 2;
	if (len == 0 || len >= sizeof(buf) || memchr(s, '\0', len))
		return -EINVAL;
	memcpy(buf, s, len);
	buf[len] = '\0';

	if (inet_pton(AF_INET, buf, &in->sin_addr) == 1) {
		in->sin_family = AF_INET;
		in->sin_port = htons(port);
		a.len = sizeof(*in);
		*ret = a;
		return 0;
	}

	pct = strchr(buf, '%');
	if (pct) {
		size_t sl = strlen(pct + 1);
		uint64_t idx;

		*pct = '\0';
		/* Interface names may hold any byte but '/', ':' and blanks; a
		 * scope we keep is plain ASCII, so it is safe in any message. */
		if (sl == 0 || sl >= IF_NAMESIZE)
			return -EINVAL;
		for (size_t i = 1; i <= sl; i++)
			if (pct[i] <= ' ' || pct[i] > '~')
				return -EINVAL;
		if (ct_parse_u64_str(pct + 1, &idx) == 0 && idx > 0 && idx <= UINT32_MAX)
			in6->sin6_scope_id = (uint32_t)idx;
		else
			memcpy(a.scope, pct + 1, sl + 1);
	}
	if (inet_pton(AF_INET6, buf, &in6->sin6_addr) != 1)
		return -EINVAL;
	in6->sin6_family = AF_INET6;
	in6->sin6_port = htons(port);
	a.len = sizeof(*in6);
	*ret = a;
	return 0;
}

static int parse_port(const char *s, uint16_t *ret)
{
	uint64_t v;

	if (ct_parse_u64_str(s, &v) < 0 || v < 1 || v > 65535)
		return -EINVAL;
	*ret = (uint16_t)v;
	return 0;
}

int ct_pu_parse_hostport(const char *probe, const char *arg, struct ct_pu_addr *ret, char **ret_error)
{
	const char *colon;
	uint16_t port;

	if (!arg || !*arg)
		return ct_fail(ret_error, -EINVAL, "%s: needs HOST:PORT", probe);
	if (arg[0] == '[') {
		const char *close = strchr(arg, ']');

		colon = close && close[1] == ':' ? close + 1 : NULL;
	} else {
		colon = strrchr(arg, ':');
		/* A bare IPv6 literal has several colons and no port. */
		if (colon && memchr(arg, ':', (size_t)(colon - arg)))
			colon = NULL;
	}
	if (!colon) {
		_cleanup_free_ char *a = ct_escape_term_dup(arg, strlen(arg));

		return ct_fail(ret_error, -EINVAL, "%s: '%s' is not HOST:PORT ([ADDR]:PORT for IPv6)", probe,
			       a ? a : "");
	}
	if (parse_port(colon + 1, &port) < 0) {
		_cleanup_free_ char *p = ct_escape_term_dup(colon + 1, strlen(colon + 1));

		return ct_fail(ret_error, -EINVAL, "%s: bad port '%s' (1-65535)", probe, p ? p : "");
	}
	if (ct_pu_parse_ip(arg, (size_t)(colon - arg), port, ret) < 0) {
		_cleanup_free_ char *host = ct_escape_term_dup(arg, (size_t)(colon - arg));

		return ct_fail(ret_error, -EINVAL,
			       "%s: '%s' is not an IPv4 or IPv6 address (names are not resolved: "
			       "the host's resolver does not know the container's view)",
			       probe, host ? host : "");
	}
	return 0;
}

int ct_pu_parse_host(const char *probe, const char *arg, struct ct_pu_addr *ret, char **ret_error)
{
	if (!arg || !*arg)
		return ct_fail(ret_error, -EINVAL, "%s: needs HOST", probe);
	if (ct_pu_parse_ip(arg, strlen(arg), 0, ret) < 0) {
		_cleanup_free_ char *host = ct_escape_term_dup(arg, strlen(arg));

		return ct_fail(ret_error, -EINVAL,
			       "%s: '%s' is not an IPv4 or IPv6 address (names are not resolved: "
			       "the host's resolver does not know the container's view)",
			       probe, host ? host : "");
	}
	return 0;
}

int ct_pu_addr_scope(struct ct_pu_addr *a)
{
	unsigned idx;

	if (!a->scope[0])
		return 0;
	idx = if_nametoindex(a->scope);
	if (idx == 0)
		return -ENODEV;
	((struct sockaddr_in6 *)&a->ss)->sin6_scope_id = idx;
	return 0;
}

void ct_pu_addr_str(const struct sockaddr *sa, char *buf, size_t size)
{
	const void *p = NULL;

	if (sa->sa_family == AF_INET)
		p = &((const struct sockaddr_in *)sa)->sin_addr;
	else if (sa->sa_family == AF_INET6)
		p = &((const struct sockaddr_in6 *)sa)->sin6_addr;
	if (!p || !inet_ntop(sa->sa_family, p, buf, (socklen_t)size))
		snprintf(buf, size, "?");
}

uint16_t ct_pu_addr_port(const struct sockaddr *sa)
{
	if (sa->sa_family == AF_INET)
		return ntohs(((const struct sockaddr_in *)sa)->sin_port);
	if (sa->sa_family == AF_INET6)
		return ntohs(((const struct sockaddr_in6 *)sa)->sin6_port);
	return 0;
}

bool ct_pu_addr_equal(const struct sockaddr *a, const struct sockaddr *b)
{
	if (a->sa_family != b->sa_family)
		return false;
	if (a->sa_family == AF_INET)
		return ((const struct sockaddr_in *)a)->sin_addr.s_addr ==
		       ((const struct sockaddr_in *)b)->sin_addr.s_addr;
	if (a->sa_family == AF_INET6)
		return memcmp(&((const struct sockaddr_in6 *)a)->sin6_addr,
			      &((const struct sockaddr_in6 *)b)->sin6_addr, sizeof(struct in6_addr)) == 0;
	return false;
}

bool ct_pu_addr_is_any(const struct sockaddr *sa)
{
	if (sa->sa_family == AF_INET)
		return ((const struct sockaddr_in *)sa)->sin_addr.s_addr == htonl(INADDR_ANY);
	if (sa->sa_family == AF_INET6)
		return IN6_IS_ADDR_UNSPECIFIED(&((const struct sockaddr_in6 *)sa)->sin6_addr);
	return false;
}

int ct_pu_tcp_connect(const struct ct_pu_addr *a, long timeout_ms, double *ret_ms)
{
	_cleanup_close_ int fd = -1;
	uint64_t start;
	socklen_t len = sizeof(int);
	int r, err = 0;

	fd = socket(a->ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	start = ct_now_ns();
	if (connect(fd, (const struct sockaddr *)&a->ss, a->len) == 0)
		goto done;
	if (errno != EINPROGRESS) {
		err = errno;
		goto done;
	}
	r = ct_pu_poll_until(fd, POLLOUT, start + (uint64_t)timeout_ms * 1000000);
	if (r < 0)
		return r;
	if (r == 0)
		err = ETIMEDOUT;
	else if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
		err = errno;
done:
	*ret_ms = ct_pu_ms_since(start);
	return err;
}

int ct_pu_read_in_root(int root_fd, const char *path, size_t cap, char **ret_buf, size_t *ret_len, bool *ret_truncated,
		       char **ret_error)
{
	/*
	 * O_PATH first: opening is itself an act on a device (a tape rewinds,
	 * a watchdog starts) and blocks on a FIFO, so look at what the path
	 * names before opening it for reading.  The reopen goes through our
	 * own /proc/self/fd link, which names that very inode, so the
	 * container cannot swap the file in between.
	 */
	struct open_how how = {
		.flags = O_PATH | O_CLOEXEC,
		.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
	};
	_cleanup_close_ int pfd = -1, fd = -1;
	struct stat st, st2;
	char proc[64];
	int r;

	if (root_fd < 0)
		return ct_fail(ret_error, -EBADF, "the target's root directory is not accessible");
	pfd = (int)syscall(SYS_openat2, root_fd, path, &how, sizeof(how));
	if (pfd < 0)
		return ct_fail(ret_error, -errno, "cannot open /%s in the container: %s", path, strerror(errno));
	if (fstat(pfd, &st) < 0)
		return ct_fail(ret_error, -errno, "cannot stat /%s in the container: %s", path, strerror(errno));
	if (!S_ISREG(st.st_mode))
		return ct_fail(ret_error, -EINVAL, "/%s in the container is not a regular file (%s): not read", path,
			       S_ISFIFO(st.st_mode)   ? "a FIFO"
			       : S_ISDIR(st.st_mode)  ? "a directory"
			       : S_ISCHR(st.st_mode)  ? "a character device"
			       : S_ISBLK(st.st_mode)  ? "a block device"
			       : S_ISSOCK(st.st_mode) ? "a socket"
						      : "not a file");
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", pfd);
	fd = open(proc, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return ct_fail(ret_error, -errno, "cannot reopen /%s: %s", path, strerror(errno));
	if (fstat(fd, &st2) < 0 || st2.st_dev != st.st_dev || st2.st_ino != st.st_ino)
		return ct_fail(ret_error, -ESTALE, "/%s changed while it was opened", path);
	r = ct_read_fd(fd, cap, ret_buf, ret_len, ret_truncated);
	if (r < 0)
		return ct_fail(ret_error, r, "cannot read /%s in the container: %s", path, strerror(-r));
	return 0;
}

void ct_pu_print_str(FILE *out, struct json_object *o)
{
	struct ct_buf b = { 0 };

	if (!o || !json_object_is_type(o, json_type_string)) {
		fputs("-", out);
		return;
	}
	ct_escape_term(&b, json_object_get_string(o), (size_t)json_object_get_string_len(o));
	if (b.len)
		fwrite(b.data, 1, b.len, out);
	ct_buf_free(&b);
}

bool ct_pu_get_bool(struct json_object *o, const char *key)
{
	struct json_object *v = ct_json_get(o, key);

	return v && json_object_is_type(v, json_type_boolean) && json_object_get_boolean(v);
}
