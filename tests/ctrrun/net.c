/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Container networking: lo comes up with one ioctl; the optional veth into
 * a bridge is made by the host's iproute2, run in the right netns, which is
 * simpler and better tested than hand-built netlink for a test runtime.
 */
#include <arpa/inet.h>
#include <fcntl.h>
#include <net/if.h>
#include <poll.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include "ctrrun.h"

char *cr_veth_name(const char *id)
{
	uint32_t h = 2166136261u; /* FNV-1a: ids may share any prefix */
	char *name;

	for (const unsigned char *p = (const unsigned char *)id; *p; p++)
		h = (h ^ *p) * 16777619u;
	if (asprintf(&name, "ctr%08x", h) < 0)
		abort();
	return name;
}

bool cr_valid_ip(const char *s)
{
	unsigned char buf[sizeof(struct in6_addr)];

	return inet_pton(AF_INET, s, buf) == 1 ||
	       inet_pton(AF_INET6, s, buf) == 1;
}

bool cr_valid_cidr(const char *s)
{
	unsigned char buf[sizeof(struct in6_addr)];
	const char *slash = strchr(s, '/');
	_cleanup_free_ char *addr = NULL;
	uint64_t prefix;
	int max;

	if (!slash || ct_parse_u64_str(slash + 1, &prefix) < 0)
		return false;
	addr = xmemdup0(s, (size_t)(slash - s));
	if (inet_pton(AF_INET, addr, buf) == 1)
		max = 32;
	else if (inet_pton(AF_INET6, addr, buf) == 1)
		max = 128;
	else
		return false;
	return prefix <= (uint64_t)max;
}

bool cr_valid_ifname(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n >= IFNAMSIZ || strcmp(s, ".") == 0 ||
	    strcmp(s, "..") == 0)
		return false;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] <= ' ' || s[i] == '/' || s[i] == ':' ||
		    s[i] == 0x7f)
			return false;
	return true;
}

int cr_net_lo_up(struct cr_error *e)
{
	_cleanup_close_ int fd = -1;
	struct ifreq ifr = { 0 };

	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return cr_fail(e, -errno, "socket for lo");
	strcpy(ifr.ifr_name, "lo");
	if (ioctl(fd, SIOCGIFFLAGS, &ifr) < 0)
		return cr_fail(e, -errno, "get flags of lo");
	ifr.ifr_flags |= IFF_UP;
	if (ioctl(fd, SIOCSIFFLAGS, &ifr) < 0)
		return cr_fail(e, -errno, "bring up lo");
	return 0;
}

static const char *ip_binary(void)
{
	static const char *const paths[] = { "/sbin/ip", "/usr/sbin/ip",
					     "/bin/ip", "/usr/bin/ip" };

	for (size_t i = 0; i < ARRAY_SIZE(paths); i++)
		if (access(paths[i], X_OK) == 0)
			return paths[i];
	return NULL;
}

/* A child that joins netns_fd (-1: stay) and runs fn; its exit status. */
static int in_netns(int netns_fd, int (*fn)(const void *), const void *arg,
		    int errfd)
{
	int keep[] = { 0, 1, 2, netns_fd };
	pid_t pid;
	int st;

	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR | O_CLOEXEC);

		if (null < 0 || dup2(null, 0) < 0 || dup2(null, 1) < 0 ||
		    dup2(errfd >= 0 ? errfd : null, 2) < 0)
			_exit(126);
		cr_reset_signals();
		if (cr_close_fds_except(keep, ARRAY_SIZE(keep)) < 0)
			_exit(126);
		if (netns_fd >= 0 && setns(netns_fd, CLONE_NEWNET) < 0)
			_exit(126);
		_exit(fn(arg));
	}
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return -errno;
	return cr_exit_code(st);
}

static int exec_ip(const void *arg)
{
	char *const *argv = arg;
	char *const env[] = { "PATH=/usr/sbin:/usr/bin:/sbin:/bin", NULL };
	const char *ip = ip_binary();

	if (!ip) {
		fputs("no ip(8) binary (install iproute2)", stderr);
		return 127;
	}
	execve(ip, argv, env);
	fprintf(stderr, "exec %s: %s", ip, strerror(errno));
	return 127;
}

/* Run ip(8) in netns_fd; on failure the error quotes its stderr. */
static int run_ip(int netns_fd, char *const argv[], struct cr_error *e)
{
	_cleanup_close_ int rfd = -1;
	char out[256];
	size_t len = 0;
	int pfd[2], st;
	struct ct_buf cmd = { 0 };

	if (pipe2(pfd, O_CLOEXEC) < 0)
		return cr_fail(e, -errno, "pipe");
	rfd = pfd[0];
	st = in_netns(netns_fd, exec_ip, argv, pfd[1]);
	close(pfd[1]);
	if (st < 0)
		return cr_fail(e, st, "fork ip");
	if (st == 0)
		return 0;
	/* ip has exited: its stderr is all in the pipe (or lost beyond it). */
	for (;;) {
		ssize_t n = read(rfd, out + len, sizeof(out) - 1 - len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
		if (len == sizeof(out) - 1)
			break;
	}
	while (len > 0 && (out[len - 1] == '\n' || out[len - 1] == ' '))
		len--;
	out[len] = '\0';
	for (char *const *a = argv; *a; a++) {
		if (cmd.len)
			ct_buf_putc(&cmd, ' ');
		ct_buf_puts(&cmd, *a);
	}
	cr_fail(e, 0, "%s: %s", cmd.data, len ? out : "failed");
	ct_buf_free(&cmd);
	return -EIO;
}

static int open_netns(const char *name, int *ret_fd, struct cr_error *e)
{
	char path[128];
	int fd;

	if (!name) {
		*ret_fd = -1;
		return 0;
	}
	snprintf(path, sizeof(path), "/run/netns/%s", name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return cr_fail(e, -errno, "network namespace %s", name);
	*ret_fd = fd;
	return 0;
}

int cr_net_setup(const struct cr_config *cfg, pid_t init_pid,
		 struct cr_error *e)
{
	_cleanup_close_ int brns = -1, ctrns = -1;
	char pid[16], nspath[64];
	int r;

	r = open_netns(cfg->bridge_netns, &brns, e);
	if (r < 0)
		return r;
	snprintf(nspath, sizeof(nspath), "/proc/%d/ns/net", (int)init_pid);
	ctrns = open(nspath, O_RDONLY | O_CLOEXEC);
	if (ctrns < 0)
		return cr_fail(e, -errno, "%s", nspath);
	snprintf(pid, sizeof(pid), "%d", (int)init_pid);

	{
		/* The peer is born in the container's netns, so "eth0" is free. */
		char *const add[] = { "ip",   "link", "add",  cfg->veth,
				      "type", "veth", "peer", "name",
				      "eth0", "netns", pid,  NULL };
		char *const master[] = { "ip",	 "link",	 "set",
					 cfg->veth, "master", (char *)cfg->bridge,
					 "up",	 NULL };
		char *const addr[] = { "ip",	  "addr", "add", (char *)cfg->ip,
				       "dev",	  "eth0", NULL };
		char *const up[] = { "ip", "link", "set", "eth0", "up", NULL };
		char *const route[] = { "ip",	   "route", "add",
					"default", "via",   (char *)cfg->gw,
					NULL };

		r = run_ip(brns, add, e);
		if (r == 0)
			r = run_ip(brns, master, e);
		if (r == 0)
			r = run_ip(ctrns, addr, e);
		if (r == 0)
			r = run_ip(ctrns, up, e);
		if (r == 0 && cfg->gw)
			r = run_ip(ctrns, route, e);
	}
	return r;
}

static int link_missing(const void *name)
{
	return if_nametoindex(name) == 0 ? 0 : 1;
}

int cr_net_remove(const char *veth, const char *bridge_netns,
		  struct cr_error *e)
{
	_cleanup_close_ int brns = -1;
	char *const del[] = { "ip", "link", "del", (char *)veth, NULL };
	int r;

	r = open_netns(bridge_netns, &brns, e);
	if (r == -ENOENT)
		return 0; /* the bridge's netns is gone, and the veth with it */
	if (r < 0)
		return r;
	/*
	 * Usually gone already, or going: the kernel tears the pair down
	 * asynchronously once the container's netns dies with its init.
	 */
	r = in_netns(brns, link_missing, veth, -1);
	if (r == 0)
		return 0;
	if (r < 0)
		return cr_fail(e, r, "look up %s", veth);
	r = run_ip(brns, del, e);
	if (r < 0 && in_netns(brns, link_missing, veth, -1) == 0)
		return 0; /* lost the race to the kernel: fine */
	return r;
}
