/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Test driver for the reachability probes (until probes/cli.c lands):
 *
 *   probe-run-reach [--json] [--timeout MS] [--count N] PID PROBE[=ARG]
 *
 * Run under the name "docker-proxy" (a symlink: the kernel takes comm from
 * the name executed) it is instead a small stand-in for Docker's userland
 * proxy, for tests/live/probes-reach.t:
 *
 *   docker-proxy -proto tcp -host-ip IP -host-port P -container-ip CIP -container-port CP
 *
 * listening on IP:P and relaying each connection to CIP:CP.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <libgen.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "probes.h"
#include "util.h"

static void relay(int a, int b)
{
	struct pollfd p[2] = { { .fd = a, .events = POLLIN }, { .fd = b, .events = POLLIN } };
	char buf[16384];

	for (;;) {
		if (poll(p, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			return;
		}
		for (int i = 0; i < 2; i++) {
			ssize_t n;

			if (!p[i].revents)
				continue;
			n = read(p[i].fd, buf, sizeof(buf));
			if (n <= 0 || ct_write_all(p[1 - i].fd, buf, (size_t)n) < 0)
				return;
		}
	}
}

static int fake_proxy(int argc, char **argv)
{
	const char *host_ip = "0.0.0.0", *cip = NULL;
	int hport = 0, cport = 0, one = 1, lfd;
	struct sockaddr_in la = { .sin_family = AF_INET }, ca = { .sin_family = AF_INET };

	for (int i = 1; i + 1 < argc; i += 2) {
		if (strcmp(argv[i], "-host-ip") == 0)
			host_ip = argv[i + 1];
		else if (strcmp(argv[i], "-host-port") == 0)
			hport = atoi(argv[i + 1]);
		else if (strcmp(argv[i], "-container-ip") == 0)
			cip = argv[i + 1];
		else if (strcmp(argv[i], "-container-port") == 0)
			cport = atoi(argv[i + 1]);
	}
	if (!cip || hport <= 0 || cport <= 0 || inet_pton(AF_INET, host_ip, &la.sin_addr) != 1 ||
	    inet_pton(AF_INET, cip, &ca.sin_addr) != 1) {
		fprintf(stderr, "docker-proxy (test stand-in): bad arguments\n");
		return 2;
	}
	la.sin_port = htons((uint16_t)hport);
	ca.sin_port = htons((uint16_t)cport);
	signal(SIGCHLD, SIG_IGN); /* no zombies from the relays */
	lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (lfd < 0 || setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
	    bind(lfd, (struct sockaddr *)&la, sizeof(la)) < 0 || listen(lfd, 64) < 0) {
		perror("docker-proxy (test stand-in)");
		return 1;
	}
	for (;;) {
		int c = accept4(lfd, NULL, NULL, SOCK_CLOEXEC), s;

		if (c < 0)
			continue;
		if (fork() == 0) {
			s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
			if (s >= 0 && connect(s, (struct sockaddr *)&ca, sizeof(ca)) == 0)
				relay(c, s);
			_exit(0);
		}
		close(c);
	}
}

static void usage(FILE *f)
{
	fputs("usage: probe-run-reach [--json] [--timeout MS] [--count N] PID PROBE[=ARG]\n", f);
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "timeout", required_argument, NULL, 't' },
		{ "count", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct ct_probe_opts o = { 0 };
	struct ct_probe_target t;
	const struct ct_probe *p;
	struct json_object *res = NULL;
	_cleanup_free_ char *name = NULL;
	char *err = NULL, *eq;
	bool json = false;
	int c, pid, r;
	uint64_t v;

	if (strcmp(basename(argv[0]), "docker-proxy") == 0)
		return fake_proxy(argc, argv);

	while ((c = getopt_long(argc, argv, "jt:c:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'j':
			json = true;
			break;
		case 't':
			if (ct_parse_u64_str(optarg, &v) < 0 || v > 600000) {
				fprintf(stderr, "probe-run-reach: bad --timeout '%s'\n", optarg);
				return 2;
			}
			o.timeout_ms = (long)v;
			break;
		case 'c':
			if (ct_parse_u64_str(optarg, &v) < 0 || v > 1000) {
				fprintf(stderr, "probe-run-reach: bad --count '%s'\n", optarg);
				return 2;
			}
			o.count = (int)v;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (argc - optind != 2 || ct_parse_pid(argv[optind], strlen(argv[optind]), &pid) < 0) {
		usage(stderr);
		return 2;
	}
	name = xstrdup(argv[optind + 1]);
	eq = strchr(name, '=');
	if (eq) {
		*eq = '\0';
		o.arg = eq + 1;
	}
	p = ct_probe_find(name);
	if (!p) {
		fprintf(stderr, "probe-run-reach: no probe '%s'\n", name);
		return 2;
	}
	r = ct_probe_target_open(pid, 0, &t);
	if (r < 0) {
		fprintf(stderr, "probe-run-reach: PID %d: %s\n", pid, strerror(-r));
		return 1;
	}
	r = p->run(&t, &o, &res, &err);
	ct_probe_target_close(&t);
	if (r < 0) {
		fprintf(stderr, "probe-run-reach: %s\n", err ? err : strerror(-r));
		free(err);
		return 1;
	}
	if (json)
		printf("%s\n",
		       json_object_to_json_string_ext(res, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE));
	else
		p->print(res, stdout);
	json_object_put(res);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "probe-run-reach: write error\n");
		return 1;
	}
	return 0;
}
