/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Helpers the reachability probes share (dns, connect, ping, mtu, port,
 * all): address literals, monotonic time, bounded waits, errno texts, and
 * reading a file below a container's root without ever leaving it.
 */
#ifndef CT_PROBE_UTIL_H
#define CT_PROBE_UTIL_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include <json-c/json.h>

#include "probes.h"

#define CT_PU_TIMEOUT_DEFAULT 2000

/* o->timeout_ms, or the default when it is <= 0. */
long ct_pu_timeout_ms(const struct ct_probe_opts *o);

/* Milliseconds from start (a ct_now_ns() value) to now. */
double ct_pu_ms_since(uint64_t start_ns);
/* A JSON number of milliseconds, written with three decimals. */
struct json_object *ct_pu_json_ms(double ms);

/*
 * Wait for events on fd until deadline_ns (CLOCK_MONOTONIC).  Returns the
 * revents (> 0), 0 when the deadline passed, or -errno.
 */
int ct_pu_poll_until(int fd, short events, uint64_t deadline_ns);

/* Strict hexadecimal: all n (1-8) bytes at s are hex digits.  0 or -EINVAL. */
int ct_pu_parse_hex(const char *s, size_t n, uint32_t *ret);

/* A short lower-case text for a positive errno ("connection refused"). */
const char *ct_pu_errno_text(int err);

/* An IP address literal, with the port and the interface of a link-local
 * address ("fe80::1%eth0": the name is looked up in the target netns). */
struct ct_pu_addr {
	struct sockaddr_storage ss;
	socklen_t len;
	char scope[IF_NAMESIZE]; /* "" if none, or already numeric */
};

/*
 * Parse an IPv4 or IPv6 literal of len bytes at s (brackets allowed
 * around IPv6), setting port (host order).  Names are refused on purpose:
 * the host's resolver would answer with the host's view, not the
 * container's.  0 or -EINVAL.
 */
int ct_pu_parse_ip(const char *s, size_t len, uint16_t port, struct ct_pu_addr *ret);
/* "HOST:PORT", "[V6]:PORT"; the message names what was wrong. */
int ct_pu_parse_hostport(const char *probe, const char *arg, struct ct_pu_addr *ret, char **ret_error);
/* "HOST", "[V6]" or "V6" without a port. */
int ct_pu_parse_host(const char *probe, const char *arg, struct ct_pu_addr *ret, char **ret_error);
/* Resolve the scope name of a link-local address; call it inside the
 * target netns (interface names are per netns).  0 or -errno. */
int ct_pu_addr_scope(struct ct_pu_addr *a);

/* The numeric address of sa, without port ("10.0.0.1", "fe80::1"). */
void ct_pu_addr_str(const struct sockaddr *sa, char *buf, size_t size);
/* The port of an AF_INET/AF_INET6 address, host order. */
uint16_t ct_pu_addr_port(const struct sockaddr *sa);
/* Same family and address (ports and scopes ignored)? */
bool ct_pu_addr_equal(const struct sockaddr *a, const struct sockaddr *b);
/* 0.0.0.0 or :: ? */
bool ct_pu_addr_is_any(const struct sockaddr *sa);

/*
 * A non-blocking TCP connect in the calling thread's netns, bounded by
 * timeout_ms.  Returns 0 (connected), or a positive errno for what the
 * network said (ECONNREFUSED, ETIMEDOUT, EHOSTUNREACH, ...), or -errno
 * when no socket could be made.  *ret_ms is the time it took.
 */
int ct_pu_tcp_connect(const struct ct_pu_addr *a, long timeout_ms, double *ret_ms);

/*
 * Read path (relative, e.g. "etc/resolv.conf") below root_fd as if
 * root_fd were "/": symlinks, absolute ones too, resolve inside it.  Only
 * a regular file is read (a FIFO would block, a device could act on open),
 * at most cap bytes (*ret_truncated tells).  0 or -errno with a message.
 */
int ct_pu_read_in_root(int root_fd, const char *path, size_t cap, char **ret_buf, size_t *ret_len, bool *ret_truncated,
		       char **ret_error);

/* Print the string o (hostile bytes) to out, escaped for a terminal. */
void ct_pu_print_str(FILE *out, struct json_object *o);
/* o[key] as a boolean (false if absent). */
bool ct_pu_get_bool(struct json_object *o, const char *key);

/* ---- DNS (probe-dns.c) ---- */

/*
 * The target's resolv.conf and hosts, then (if name is not NULL) a query
 * of each type in types to every configured nameserver, UDP from inside
 * the target's netns, all in parallel and bounded by one timeout.  The
 * result is the dns probe's JSON object.
 */
int ct_dns_probe(const struct ct_probe_target *t, long timeout_ms, const char *name, const int *types, size_t n_types,
		 struct json_object **ret, char **ret_error);

#endif
