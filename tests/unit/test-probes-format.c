/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The probes' text side without a kernel: address formatting, cells from
 * JSON, the print functions on hostile results, and the probe list's
 * errors.  The live test (tests/live/probes-net.t) checks the values.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "escape.h"
#include "probe-common.h"
#include "probes-internal.h"
#include "tap.h"

/* No byte a terminal would act on: C0 but '\n', DEL, C1, bidi controls. */
static bool terminal_safe(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;

	for (size_t i = 0; i < len; i++) {
		if ((p[i] < 0x20 && p[i] != '\n') || p[i] == 0x7f)
			return false;
		if (p[i] == 0xc2 && i + 1 < len && p[i + 1] >= 0x80 && p[i + 1] <= 0x9f)
			return false;
		if (p[i] == 0xe2 && i + 2 < len && p[i + 1] == 0x80 && p[i + 2] >= 0xaa && p[i + 2] <= 0xae)
			return false;
	}
	return true;
}

/* Run print on the JSON text doc; the output, to free. */
static char *print_json(ct_probe_print_fn print, const char *doc, size_t *ret_len)
{
	struct json_object *o = json_tokener_parse(doc);
	char *buf = NULL;
	FILE *f = open_memstream(&buf, ret_len);

	if (!o || !f) {
		if (f)
			fclose(f);
		json_object_put(o);
		return NULL;
	}
	print(o, f);
	fclose(f);
	json_object_put(o);
	return buf;
}

static void test_addresses(void)
{
	char buf[CT_PROBE_ADDRSTRLEN];
	const unsigned char v4[4] = { 10, 0, 0, 2 };
	const unsigned char v6[16] = { 0xfd, 0, [15] = 1 };
	const unsigned char mac[6] = { 0x02, 0xab, 0, 0, 0, 0xff };

	is_str(ct_probe_addr_str(AF_INET, v4, 4, buf), "10.0.0.2", "IPv4 dotted quad");
	is_str(ct_probe_addr_str(AF_INET6, v6, 16, buf), "fd00::1", "IPv6 in RFC 5952 form");
	ok(ct_probe_addr_str(AF_INET, v4, 3, buf) == NULL, "a short IPv4 address is refused");
	ok(ct_probe_addr_str(AF_INET6, v6, 4, buf) == NULL, "a short IPv6 address is refused");
	is_str(ct_probe_lladdr_str(mac, 6, buf), "02:ab:00:00:00:ff", "a MAC address");
	is_str(ct_probe_addr_str(AF_PACKET, mac, 6, buf), "02:ab:00:00:00:ff", "another family: hex bytes");
	ok(ct_probe_lladdr_str(mac, 0, buf) == NULL, "no link-layer address: NULL");
	{
		unsigned char big[40] = { 0 };

		ok(ct_probe_lladdr_str(big, sizeof(big), buf) == NULL, "an address too long for the buffer: NULL");
	}
}

static void test_json_text(void)
{
	struct json_object *a = json_object_new_array();
	struct json_object *s = ct_json_bytes("e\033[31m\xe2\x80\xae", 9);
	char *t;

	t = ct_probe_json_text(NULL);
	is_str(t, "-", "null shows as -");
	free(t);
	t = ct_probe_json_text(s);
	is_str(t, "e\\x1b[31m\\u{202e}", "a string is escaped for the terminal");
	free(t);
	json_object_array_add(a, json_object_new_string("UP"));
	json_object_array_add(a, json_object_new_int(7));
	json_object_array_add(a, s);
	t = ct_probe_json_text(a);
	is_str(t, "UP,7,e\\x1b[31m\\u{202e}", "an array is joined by ','");
	free(t);
	json_object_put(a);
	a = json_object_new_array();
	t = ct_probe_json_text(a);
	is_str(t, "-", "an empty array shows as -");
	free(t);
	json_object_put(a);
	s = json_object_new_string("");
	t = ct_probe_json_text(s);
	is_str(t, "", "an empty string stays empty");
	free(t);
	json_object_put(s);
}

static void test_tables(void)
{
	struct json_object *o;

	o = ct_probe_table_json(254);
	is_str(json_object_get_string(o), "main", "table 254 is main");
	json_object_put(o);
	o = ct_probe_table_json(100);
	ok(json_object_is_type(o, json_type_int) && json_object_get_int(o) == 100, "table 100 is a number");
	json_object_put(o);
	o = ct_probe_scope_json(253);
	is_str(json_object_get_string(o), "link", "scope 253 is link");
	json_object_put(o);
}

static void test_print(void)
{
	/* JSON escapes as ct_json_bytes() writes them: the raw bytes ESC
	 * and U+202E once parsed. */
	static const char links[] =
		"{\"links\":[{\"ifindex\":7,\"name\":\"\\u001b[31mevil\\u202e\",\"kind\":\"veth\","
		"\"operstate\":\"UP\",\"flags\":[\"UP\",\"LOWER_UP\"],\"mtu\":1234,\"mac\":\"02:00:00:00:00:01\","
		"\"master\":\"br\\u0007x\",\"link_ifindex\":8,\"link_netnsid\":0}]}";
	static const char socks[] =
		"{\"sockets\":[{\"proto\":\"unix\",\"state\":\"LISTEN\",\"local\":\"@a\\u0000b\\u001b]0;t\\u0007\","
		"\"remote\":null,\"inode\":5,\"uid\":0,\"recv_q\":0,\"send_q\":5,\"type\":\"stream\",\"peer_inode\":"
		"null,"
		"\"processes\":[{\"pid\":42,\"comm\":\"x\\u009b2Jy\",\"container\":\"0123456789abcdef\","
		"\"container_name\":null}]},"
		"{\"proto\":\"tcp\",\"state\":\"ESTABLISHED\",\"local\":\"10.0.0.2:80\",\"remote\":\"10.0.0.3:5000\","
		"\"inode\":6,\"uid\":0,\"recv_q\":0,\"send_q\":0,\"processes\":[]}]}";
	static const char routes[] =
		"{\"routes\":[{\"table\":100,\"family\":\"inet\",\"dst\":\"default\",\"gateway\":\"10.0.0.1\","
		"\"dev\":\"e\\u001bth\",\"protocol\":\"boot\",\"scope\":\"global\",\"metric\":null,\"type\":"
		"\"unicast\",\"flags\":[\"linkdown\"],"
		"\"nexthops\":[{\"gateway\":\"10.0.0.1\",\"dev\":\"a\"},{\"gateway\":\"10.0.0.9\",\"dev\":\"b\"}]}],"
		"\"rules\":[{\"priority\":1000,\"family\":\"inet\",\"table\":100,\"from\":null,\"to\":\"10.1.0.0/16\","
		"\"iif\":\"i\\u001bf\",\"oif\":null,\"fwmark\":7,\"action\":\"lookup\"},"
		"{\"priority\":1001,\"family\":\"inet\",\"table\":null,\"from\":null,\"to\":null,\"iif\":null,"
		"\"oif\":null,\"fwmark\":null,\"action\":\"prohibit\"}]}";
	size_t len = 0;
	char *out;

	out = print_json(ct_probe_links_print, links, &len);
	ok(out && terminal_safe(out, len), "links: hostile names print safely");
	ok(out && strstr(out, "\\x1b[31mevil\\u{202e}") && strstr(out, "br\\x07x"), "links: ... escaped");
	ok(out && strstr(out, "if8@nsid0") && strstr(out, "1234"), "links: the peer and the MTU");
	free(out);

	out = print_json(ct_probe_sockets_print, socks, &len);
	ok(out && terminal_safe(out, len), "sockets: a hostile unix name and comm print safely");
	ok(out && strstr(out, "@a\\x00b\\x1b]0;t\\x07"), "sockets: an abstract name with NUL, escaped");
	ok(out && strstr(out, "42/x\\u{009b}2Jy[0123456789ab]"), "sockets: owner pid/comm[short id]");
	ok(out && strstr(out, "ESTAB ") && strstr(out, "10.0.0.3:5000"), "sockets: an established TCP socket");
	free(out);

	out = print_json(ct_probe_routes_print, routes, &len);
	ok(out && terminal_safe(out, len), "routes: hostile device names print safely");
	ok(out && strstr(out, "10.0.0.9") && strstr(out, "lookup 100") && strstr(out, "prohibit"),
	   "routes: each hop of a multipath route, the rules' actions");
	ok(out && strstr(out, " all "), "routes: a rule without a source is from all");
	ok(out && strstr(out, "unicast,linkdown"), "routes: a linkdown route says so");
	free(out);

	out = print_json(ct_probe_neigh_print, "{\"neigh\":\"not an array\"}", &len);
	is_str(out, "(no neighbour entries)\n", "neigh: a malformed result prints no rows, and says so");
	free(out);
}

static void test_cli_errors(void)
{
	struct ct_probe_target t = { .pid = 0, .pidfd = -1, .netns_fd = -1, .root_fd = -1 };
	char *error = NULL;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	int r;

	r = ct_probes_cli(&t, "links,no\033such", false, 0, f, &error);
	ok(r == -EINVAL && error && strstr(error, "unknown probe 'no\\x1b"), "an unknown probe, named escaped");
	free(error);
	error = NULL;
	r = ct_probes_cli(&t, "links=eth0", false, 0, f, &error);
	ok(r == -EINVAL && error && strstr(error, "takes no argument"), "links takes no argument");
	free(error);
	error = NULL;
	r = ct_probes_cli(&t, "connect", false, 0, f, &error);
	ok(r == -EINVAL && error && strstr(error, "needs an argument"), "connect needs one");
	free(error);
	error = NULL;
	r = ct_probes_cli(&t, "links,addrs,links", false, 0, f, &error);
	ok(r == -EINVAL && error && strstr(error, "twice"), "a probe listed twice");
	free(error);
	error = NULL;
	r = ct_probes_cli(&t, ",", false, 0, f, &error);
	ok(r == -EINVAL && error, "an empty list");
	free(error);
	fclose(f);
	is_int(len, 0, "nothing printed when the list is refused");
	free(buf);
}

int main(void)
{
	ct_escape_set_utf8(true);
	test_addresses();
	test_json_text();
	test_tables();
	test_print();
	test_cli_errors();
	return tap_done();
}
