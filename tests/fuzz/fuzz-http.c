/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The HTTP client (lib/http.c) as the Docker client uses it: libcurl over
 * a unix socket, HTTP/1.1 GETs on one kept-alive client, capturing
 * Api-Version and Server.  A thread of the harness is the server: for
 * every connection it reads the request and answers with the input's
 * bytes as they are, then closes (curl sees EOF: no input waits for a
 * timeout).  Two GETs per input, as the Docker query makes several on one
 * client; the second gets a new connection when the first was closed.
 *
 * Checked: every GET gives a response or an error with a reason, never
 * both; a response's body is NUL-terminated, within the client's cap
 * (kept small here, 8 KiB, so that inputs reach it), its captured headers
 * are the ones asked for, once each; and ct_http_status_message() of it is
 * a single line.  The socket lives in a private directory made once.
 */
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "fuzz-check.h"
#include "http.h"

#define MAX_BODY 8192

static char dir[64];
static char sock_path[96];
static int listen_fd = -1;

static void cleanup(void)
{
	if (listen_fd >= 0)
		close(listen_fd);
	unlink(sock_path);
	rmdir(dir);
}

static void setup(void)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };

	snprintf(dir, sizeof(dir), "/tmp/ct-fuzz-http.XXXXXX");
	if (!mkdtemp(dir))
		abort();
	snprintf(sock_path, sizeof(sock_path), "%s/s", dir);
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", sock_path);
	listen_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (listen_fd < 0 || bind(listen_fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    listen(listen_fd, 8) < 0)
		abort();
	atexit(cleanup);
}

struct server {
	const uint8_t *data;
	size_t size;
	int stop[2]; /* a pipe: the client is done */
};

/* Read the request head (curl sends it at once), answer, close. */
static void serve(struct server *s, int fd)
{
	char req[8192];
	size_t got = 0;

	while (got < sizeof(req) - 1) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		ssize_t n;

		if (poll(&p, 1, 1000) <= 0)
			break;
		n = read(fd, req + got, sizeof(req) - 1 - got);
		if (n <= 0)
			break;
		got += (size_t)n;
		req[got] = '\0';
		if (strstr(req, "\r\n\r\n"))
			break;
	}
	for (size_t off = 0; off < s->size;) {
		ssize_t n = send(fd, s->data + off, s->size - off, MSG_NOSIGNAL);

		if (n <= 0)
			break; /* curl gave up (too big): fine */
		off += (size_t)n;
	}
	close(fd);
}

static void *server_main(void *arg)
{
	struct server *s = arg;

	for (;;) {
		struct pollfd p[2] = { { .fd = listen_fd, .events = POLLIN },
				       { .fd = s->stop[0], .events = POLLIN } };
		int fd;

		if (poll(p, 2, -1) < 0 || p[1].revents)
			break;
		fd = accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC);
		if (fd >= 0)
			serve(s, fd);
	}
	return NULL;
}

static void check_response(const struct ct_http_response *r)
{
	static const char *const names[] = { "Api-Version", "Server" };
	char *m;

	if (!r->body || r->body_len > MAX_BODY || r->body[r->body_len] != '\0')
		abort();
	if (r->status < 100 || r->status > 999 || r->n_headers > 2 || (r->n_headers && !r->headers))
		abort();
	for (size_t i = 0; i < r->n_headers; i++) {
		if (!r->headers[i].key || !r->headers[i].value)
			abort();
		if (strcmp(r->headers[i].key, names[0]) && strcmp(r->headers[i].key, names[1]))
			abort(); /* a header not asked for */
		for (size_t j = 0; j < i; j++)
			if (strcasecmp(r->headers[i].key, r->headers[j].key) == 0)
				abort(); /* the first one wins: only one */
		fuzz_check_str(r->headers[i].value, MAX_BODY + 65536);
	}
	m = ct_http_status_message(r->status, r->body, r->body_len);
	if (strpbrk(m, "\r\n"))
		abort();
	free(m);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const capture[] = { "Api-Version", "Server", NULL };
	static const char *const paths[] = { "/_ping", "/v1.41/version" };
	const struct ct_http_opts opts = {
		.timeout_ms = 2000,
		.connect_timeout_ms = 1000,
		.max_body = MAX_BODY,
		.capture = capture,
	};
	struct server s = { .data = data, .size = size };
	struct ct_http_client *c = NULL;
	char *err = NULL;
	pthread_t t;

	if (listen_fd < 0)
		setup();
	if (pipe2(s.stop, O_CLOEXEC) < 0 || pthread_create(&t, NULL, server_main, &s) != 0)
		abort();
	if (ct_http_client_new(sock_path, &opts, &c, &err) < 0)
		abort();
	for (size_t i = 0; i < ARRAY_SIZE(paths); i++) {
		struct ct_http_response resp = { .status = -1 };
		int r = ct_http_get(c, paths[i], &resp, &err);

		if (r < 0) {
			if (!err || resp.status != -1 || resp.body)
				abort(); /* no reason, or *ret touched */
			fuzz_check_str(err, 4096);
			free(err);
			err = NULL;
			continue;
		}
		if (r != 0 || err)
			abort();
		check_response(&resp);
		ct_http_response_clear(&resp);
	}
	ct_http_client_free(c);
	if (write(s.stop[1], "", 1) != 1 || pthread_join(t, NULL) != 0)
		abort();
	close(s.stop[0]);
	close(s.stop[1]);
	return 0;
}
