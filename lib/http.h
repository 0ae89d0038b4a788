/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A small HTTP client over a unix socket, on libcurl: what the engines'
 * local APIs need and nothing more.  No TLS, no proxy, no redirects, no
 * protocol but http; bounded in time and in size.
 *
 * One client is one CURL easy handle bound to one socket.  Requests made
 * through the same client reuse its connection (keep-alive), so a caller
 * asking an engine several questions pays for one connect.  The easy-handle
 * setup is shared by every kind of request: the Docker API uses plain
 * HTTP/1.1 GETs; a gRPC client (containerd) would make HTTP/2 prior-knowledge
 * POSTs through ct_http_request() with its own headers and read the trailers
 * (grpc-status, grpc-message) as captured headers, since libcurl hands
 * trailers to the same header callback.
 *
 * Everything a server sends is hostile: bodies are capped, header values are
 * kept as raw bytes, and error messages may quote the server, so escape them
 * before display.
 */
#ifndef CT_HTTP_H
#define CT_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "runtime.h"
#include "util.h"

#define CT_HTTP_DEFAULT_TIMEOUT_MS 2000L
#define CT_HTTP_DEFAULT_CONNECT_TIMEOUT_MS 1000L
#define CT_HTTP_DEFAULT_MAX_BODY ((size_t)8 << 20)

enum ct_http_version {
	CT_HTTP_1_1 = 0,
	CT_HTTP_2_PRIOR_KNOWLEDGE, /* h2c without upgrade, as gRPC speaks it */
};

struct ct_http_opts {
	long timeout_ms;	 /* whole request; <= 0: default */
	long connect_timeout_ms; /* <= 0: default */
	size_t max_body;	 /* response body cap; 0: default */
	/* Response headers to keep (case-insensitive), NULL-terminated. */
	const char *const *capture;
	enum ct_http_version version;
};

struct ct_http_request {
	const char *method;	     /* NULL: "GET"; "POST" sends body */
	const char *path;	     /* origin form: "/_ping", "/v1.41/version" */
	const void *body;
	size_t body_len;
	const char *const *headers; /* extra "Name: value" lines, NULL-terminated */
	long timeout_ms;	     /* > 0: overrides the client's for this request */
};

struct ct_http_response {
	long status;
	char *body; /* NUL-terminated (not counted in body_len); never NULL */
	size_t body_len;
	/* The captured headers, name as asked for, in arrival order; the
	 * first of repeated headers wins. */
	struct ct_kv *headers;
	size_t n_headers;
	bool reused;	     /* went over a kept-alive connection */
	uint64_t elapsed_us; /* wall time of the whole request */
};

struct ct_http_client;

/*
 * A client for the unix socket at socket_path (copied).  Nothing is connected
 * yet.  Returns 0, -EINVAL (empty path), -ENAMETOOLONG (longer than a
 * sockaddr_un can hold) or -ENOMEM; *ret_error says why (free it).
 */
int ct_http_client_new(const char *socket_path, const struct ct_http_opts *opts,
		       struct ct_http_client **ret, char **ret_error);

/* Close the connection and free the client.  Accepts NULL, returns NULL. */
struct ct_http_client *ct_http_client_free(struct ct_http_client *c);

static inline void ct_http_client_freep(struct ct_http_client **c)
{
	ct_http_client_free(*c);
}
#define _cleanup_http_client_ _cleanup_(ct_http_client_freep)

/* The socket this client talks to. */
const char *ct_http_client_socket(const struct ct_http_client *c);
/* New connections made so far (1 when every request reused the first). */
unsigned ct_http_client_connects(const struct ct_http_client *c);

/*
 * Perform one request.  Any complete HTTP response is a success, whatever
 * its status: *ret gets status, body and captured headers (clear it with
 * ct_http_response_clear()).  On failure *ret is untouched and *ret_error
 * (free it) says why:
 *   -ENOENT, -ECONNREFUSED, -EACCES, ...  connecting failed (the errno)
 *   -EAGAIN        the listener's queue is full (it accepts nothing)
 *   -ETIMEDOUT     "timed out after N ms" (or "connect timed out ...")
 *   -EFBIG         "response larger than 8 MiB"
 *   -ECONNRESET    the server closed the connection without a response
 *   -EPROTO        not HTTP, or a protocol error
 *   -EINVAL        a malformed request (path not starting with '/', ...)
 *   -ENOMEM, -EIO  everything else
 */
int ct_http_request(struct ct_http_client *c, const struct ct_http_request *req,
		    struct ct_http_response *ret, char **ret_error);

/* GET path: ct_http_request() with the defaults. */
int ct_http_get(struct ct_http_client *c, const char *path, struct ct_http_response *ret,
		char **ret_error);

/* Free what a response holds and zero it. */
void ct_http_response_clear(struct ct_http_response *r);

/* The value of a captured header (case-insensitive) or NULL. */
const char *ct_http_response_header(const struct ct_http_response *r, const char *name);

/*
 * "HTTP 404: <first line of the body>" (at most 200 bytes of it, raw: the
 * caller escapes), or "HTTP 404" for an empty body.  Newly allocated.
 */
char *ct_http_status_message(long status, const char *body, size_t body_len);

/* "8 MiB", "64 KiB", "1000 bytes": for messages about caps. */
void ct_http_format_size(char *buf, size_t size, size_t n);

/*
 * Who may serve an engine's socket: root, our own user, or the owner of the
 * socket file (a rootless engine on its own socket).  Anyone else serving a
 * path where an engine is expected gets no request: its replies would be
 * taken as the engine's word.  Any user's server on a socket it created
 * itself passes, as a rootless engine must: what it says stands for an
 * engine of that user, not root's.  The server's credentials are those of
 * the process that called listen() (SO_PEERCRED); the socket's owner is a
 * stat() of its path, after connecting.  0, or -EPERM (or the
 * getsockopt() error) with *ret_error saying who serves it.
 */
int ct_unix_peer_check(int fd, const char *socket_path, char **ret_error);

/*
 * Apply ct_unix_peer_check() to every connection a libcurl easy handle
 * (void *: this header keeps curl out) makes, before its first request:
 * libcurl then fails the transfer with CURLE_ABORTED_BY_CALLBACK and
 * guard->error says why.  The guard must outlive the handle's transfers;
 * free guard->error when done.  0 or -ENOMEM.
 */
struct ct_peer_guard {
	const char *socket_path;
	int fd;	     /* the connection's socket, -1 when none */
	char *error; /* why the last check refused, or NULL */
};
int ct_peer_guard_setup(void *curl, struct ct_peer_guard *guard, const char *socket_path);

#endif
