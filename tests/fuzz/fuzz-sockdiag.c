/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The netlink and control-message walks of the probes that we write
 * ourselves (not libnl's internals), on arbitrary bytes.  The first input
 * byte picks the walk, the rest is what the kernel would have sent:
 *
 *   0-4  a datagram of sock_diag replies for tcp, tcp6, udp, udp6, unix
 *        (probes/probe-sock.c: on_msg(), parse_inet(), parse_unix() and
 *        the JSON, then the text table), via ct_probe_sockets_parse()
 *   5    the reply to the mtu probe's RTM_GETROUTE (probes/probe-reach.c)
 *   6    the control messages of the mtu probe's MSG_ERRQUEUE recvmsg()
 *
 * The bytes sit in a buffer of their own exact size, so any read past
 * what the kernel sent is caught.  Seeds: real kernel replies, captured
 * in a private network namespace by tests/fuzz/make-seeds.
 *
 * Checked: every socket has the asked protocol and no more sockets than
 * messages; the text table holds no control byte but newlines (nor
 * non-ASCII in the C locale); a route
 * reply is 0 or -EIO; an offender's address is "", "?" or an address.
 */
#include <arpa/inet.h>
#include <linux/errqueue.h>
#include <linux/netlink.h>
#include <locale.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "escape.h"
#include "fuzz-check.h"
#include "probes-internal.h"
#include "util.h"

static const char *const protos[] = { "tcp", "tcp6", "udp", "udp6", "unix" };

static void check_sockets(const char *proto, const uint8_t *buf, size_t len)
{
	struct json_object *res = NULL, *a;
	const char *json;
	char *text = NULL;
	size_t text_len = 0, json_len;
	FILE *f;

	if (ct_probe_sockets_parse(proto, buf, len, &res) < 0 || !res)
		abort();
	if (!json_object_object_get_ex(res, "sockets", &a) ||
	    json_object_array_length(a) > len / sizeof(struct nlmsghdr))
		abort();
	for (size_t i = 0; i < json_object_array_length(a); i++) {
		struct json_object *s = json_object_array_get_idx(a, i), *p;

		if (!json_object_object_get_ex(s, "proto", &p) ||
		    strcmp(json_object_get_string(p), proto) != 0)
			abort();
	}
	/* Round trip through text: the JSON is valid. */
	json = json_object_to_json_string_length(res, JSON_C_TO_STRING_PLAIN, &json_len);
	fuzz_check_json(json, json_len);

	/*
	 * In both kinds of locale, with the escaping the tools pair with it
	 * (ctrtree.c: UTF-8 kept only in a UTF-8 locale).  libsmartcols loops
	 * forever on non-ASCII text in the C locale (regress/sockdiag/timeout-3f29...).
	 */
	for (int utf8 = 0; utf8 <= 1; utf8++) {
		if (!setlocale(LC_CTYPE, utf8 ? "C.UTF-8" : "C"))
			abort();
		ct_escape_set_utf8(utf8);
		f = open_memstream(&text, &text_len);
		if (!f)
			abort();
		ct_probe_sockets_print(res, f);
		fclose(f);
		fuzz_check_text(text, text_len, utf8, true); /* names escaped */
		free(text);
	}
	json_object_put(res);
}

static void check_route(const uint8_t *buf, size_t len)
{
	int oif = -1, mtu = -1, err = -1;
	int r = ct_probe_mtu_route_reply(buf, len, &oif, &mtu, &err);

	if (r != 0 && r != -EIO)
		abort();
}

static void check_errqueue(uint8_t *buf, size_t len)
{
	struct msghdr mh = { .msg_control = buf, .msg_controllen = len };
	struct sock_extended_err ee;
	char from[INET6_ADDRSTRLEN];
	unsigned char addr[16];

	memset(from, 'x', sizeof(from));
	if (!ct_probe_mtu_errqueue_parse(&mh, &ee, from, sizeof(from)))
		return;
	if (!memchr(from, '\0', sizeof(from)))
		abort();
	if (from[0] && strcmp(from, "?") != 0 && inet_pton(AF_INET, from, addr) != 1 &&
	    inet_pton(AF_INET6, from, addr) != 1)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *buf;
	size_t len;

	if (size < 1)
		return 0;
	len = size - 1;
	/* malloc'd: aligned for the headers, as a recv() buffer is. */
	buf = malloc(len ? len : 1);
	if (!buf)
		abort();
	memcpy(buf, data + 1, len);
	if (data[0] < ARRAY_SIZE(protos))
		check_sockets(protos[data[0]], buf, len);
	else if (data[0] == 5)
		check_route(buf, len);
	else if (data[0] == 6)
		check_errqueue(buf, len);
	free(buf);
	return 0;
}
