/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * HTTP over a unix socket with libcurl.  libcurl does the protocol; this
 * file only bounds it (time, size, protocols) and turns its outcomes into
 * -errno plus a message.
 */
#include <pthread.h>
#include <stdarg.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>

#include "http.h"

struct ct_http_client {
	CURL *curl;
	char *socket_path;
	long timeout_ms;
	long connect_timeout_ms;
	size_t max_body;
	char **capture; /* NULL-terminated copy of opts->capture */
	unsigned connects;
	struct ct_peer_guard peer;
	char errbuf[CURL_ERROR_SIZE];

	/* The request in flight. */
	struct ct_buf body;
	bool too_big;
	struct ct_kv *headers;
	size_t n_headers;
};

static pthread_once_t global_once = PTHREAD_ONCE_INIT;
static CURLcode global_result = CURLE_FAILED_INIT;

static void global_init(void)
{
	/* Nothing here needs TLS: skip initialising OpenSSL and friends. */
	global_result = curl_global_init(CURL_GLOBAL_NOTHING);
}


void ct_http_format_size(char *buf, size_t size, size_t n)
{
	if (n >= (1u << 20) && n % (1u << 20) == 0)
		snprintf(buf, size, "%zu MiB", n >> 20);
	else if (n >= 1024 && n % 1024 == 0)
		snprintf(buf, size, "%zu KiB", n >> 10);
	else
		snprintf(buf, size, "%zu bytes", n);
}

char *ct_http_status_message(long status, const char *body, size_t body_len)
{
	size_t n = 0;
	char *s;

	while (n < body_len && n < 200 && body[n] != '\n' && body[n] != '\r' && body[n] != '\0')
		n++;
	if (n == 0) {
		if (asprintf(&s, "HTTP %ld", status) < 0)
			abort();
	} else if (asprintf(&s, "HTTP %ld: %.*s", status, (int)n, body) < 0) {
		abort();
	}
	return s;
}

static void clear_headers(struct ct_kv **kv, size_t *n)
{
	ct_kv_free(*kv, *n);
	*kv = NULL;
	*n = 0;
}

void ct_http_response_clear(struct ct_http_response *r)
{
	if (!r)
		return;
	free(r->body);
	clear_headers(&r->headers, &r->n_headers);
	*r = (struct ct_http_response){ 0 };
}

const char *ct_http_response_header(const struct ct_http_response *r, const char *name)
{
	for (size_t i = 0; i < r->n_headers; i++)
		if (strcasecmp(r->headers[i].key, name) == 0)
			return r->headers[i].value;
	return NULL;
}

static size_t on_body(char *p, size_t size, size_t nmemb, void *userdata)
{
	struct ct_http_client *c = userdata;
	size_t len = size * nmemb; /* size is 1 for the write callback */

	/* Invariant: body.len <= max_body, so this cannot wrap. */
	if (len > c->max_body - c->body.len) {
		c->too_big = true;
		return 0; /* != len: libcurl aborts with CURLE_WRITE_ERROR */
	}
	ct_buf_put(&c->body, p, len);
	return len;
}

static bool is_ows(char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n';
}

/*
 * Called once per header line, status line included, and (HTTP/2) per
 * trailer.  A new status line starts a new header block: interim 1xx
 * responses must not leave their headers behind.
 */
static size_t on_header(char *p, size_t size, size_t nmemb, void *userdata)
{
	struct ct_http_client *c = userdata;
	size_t len = size * nmemb;
	const char *colon, *v, *end;
	size_t name_len;

	if (len >= 5 && memcmp(p, "HTTP/", 5) == 0) {
		clear_headers(&c->headers, &c->n_headers);
		return len;
	}
	colon = memchr(p, ':', len);
	if (!colon)
		return len;
	name_len = (size_t)(colon - p);
	for (char **cap = c->capture; cap && *cap; cap++) {
		if (strlen(*cap) != name_len || strncasecmp(*cap, p, name_len) != 0)
			continue;
		for (size_t i = 0; i < c->n_headers; i++)
			if (strcasecmp(c->headers[i].key, *cap) == 0)
				return len; /* the first one wins */
		v = colon + 1;
		end = p + len;
		while (v < end && is_ows(*v))
			v++;
		while (end > v && is_ows(end[-1]))
			end--;
		c->headers = xreallocarray(c->headers, c->n_headers + 1, sizeof(*c->headers));
		c->headers[c->n_headers++] = (struct ct_kv){
			xstrdup(*cap),
			xmemdup0(v, (size_t)(end - v)),
		};
		break;
	}
	return len;
}

int ct_unix_peer_check(int fd, const char *socket_path, char **ret_error)
{
	struct ucred cred;
	socklen_t len = sizeof(cred);
	struct stat st;

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0)
		return ct_fail(ret_error, -errno, "cannot tell who serves the socket: %s",
			       strerror(errno));
	if (cred.uid == 0 || cred.uid == geteuid())
		return 0;
	if (stat(socket_path, &st) < 0)
		return ct_fail(ret_error, -EPERM,
			       "refused: the server runs as uid %u (pid %d), not root, and the "
			       "socket's owner is unknown (%s)",
			       (unsigned)cred.uid, (int)cred.pid, strerror(errno));
	if (st.st_uid == cred.uid)
		return 0;
	return ct_fail(ret_error, -EPERM,
		       "refused: the server runs as uid %u (pid %d), neither root nor the "
		       "socket's owner (uid %u)",
		       (unsigned)cred.uid, (int)cred.pid, (unsigned)st.st_uid);
}

static curl_socket_t guard_open(void *clientp, curlsocktype purpose, struct curl_sockaddr *a)
{
	struct ct_peer_guard *g = clientp;
	int fd = socket(a->family, a->socktype | SOCK_CLOEXEC, a->protocol);

	if (fd < 0)
		return CURL_SOCKET_BAD;
	g->fd = fd;
	return fd;
}

static int guard_close(void *clientp, curl_socket_t fd)
{
	struct ct_peer_guard *g = clientp;

	if (g->fd == fd)
		g->fd = -1;
	return close(fd);
}

/* After connecting, before each request (also on a reused connection). */
static int guard_check(void *clientp, char *primary_ip, char *local_ip, int primary_port,
		       int local_port)
{
	struct ct_peer_guard *g = clientp;

	free(g->error);
	g->error = NULL;
	if (g->fd < 0) {
		g->error = xstrdup("refused: cannot tell who serves the socket");
		return CURL_PREREQFUNC_ABORT;
	}
	return ct_unix_peer_check(g->fd, g->socket_path, &g->error) < 0 ? CURL_PREREQFUNC_ABORT
									: CURL_PREREQFUNC_OK;
}

int ct_peer_guard_setup(void *curl, struct ct_peer_guard *guard, const char *socket_path)
{
	*guard = (struct ct_peer_guard){ .socket_path = socket_path, .fd = -1 };
	if (curl_easy_setopt(curl, CURLOPT_OPENSOCKETFUNCTION, guard_open) != CURLE_OK ||
	    curl_easy_setopt(curl, CURLOPT_OPENSOCKETDATA, guard) != CURLE_OK ||
	    curl_easy_setopt(curl, CURLOPT_CLOSESOCKETFUNCTION, guard_close) != CURLE_OK ||
	    curl_easy_setopt(curl, CURLOPT_CLOSESOCKETDATA, guard) != CURLE_OK ||
	    curl_easy_setopt(curl, CURLOPT_PREREQFUNCTION, guard_check) != CURLE_OK ||
	    curl_easy_setopt(curl, CURLOPT_PREREQDATA, guard) != CURLE_OK)
		return -ENOMEM;
	return 0;
}

#define SETOPT(h, opt, val)                                 \
	do {                                                \
		CURLcode c_ = curl_easy_setopt(h, opt, val); \
		if (c_ != CURLE_OK)                         \
			return c_;                          \
	} while (0)

/* What every request on this client shares. */
static CURLcode setup_handle(struct ct_http_client *c, enum ct_http_version version)
{
	CURL *h = c->curl;

	SETOPT(h, CURLOPT_UNIX_SOCKET_PATH, c->socket_path);
	/* No SIGALRM games in a library; unix sockets need no resolver anyway. */
	SETOPT(h, CURLOPT_NOSIGNAL, 1L);
	/* "" disables proxies, also those from http_proxy and friends. */
	SETOPT(h, CURLOPT_PROXY, "");
	SETOPT(h, CURLOPT_FOLLOWLOCATION, 0L);
	SETOPT(h, CURLOPT_PROTOCOLS_STR, "http");
	SETOPT(h, CURLOPT_REDIR_PROTOCOLS_STR, "http");
	SETOPT(h, CURLOPT_CONNECTTIMEOUT_MS, c->connect_timeout_ms);
	/* Early refusal when Content-Length is already too large; the write
	 * callback enforces the cap for chunked replies. */
	SETOPT(h, CURLOPT_MAXFILESIZE_LARGE,
	       (curl_off_t)(c->max_body < (size_t)INT64_MAX ? c->max_body : (size_t)INT64_MAX));
	SETOPT(h, CURLOPT_WRITEFUNCTION, on_body);
	SETOPT(h, CURLOPT_WRITEDATA, c);
	SETOPT(h, CURLOPT_HEADERFUNCTION, on_header);
	SETOPT(h, CURLOPT_HEADERDATA, c);
	SETOPT(h, CURLOPT_ERRORBUFFER, c->errbuf);
	SETOPT(h, CURLOPT_USERAGENT, "ctrtree");
	SETOPT(h, CURLOPT_PATH_AS_IS, 1L);
	SETOPT(h, CURLOPT_NOPROGRESS, 1L);
	SETOPT(h, CURLOPT_HTTP_VERSION,
	       version == CT_HTTP_2_PRIOR_KNOWLEDGE ? (long)CURL_HTTP_VERSION_2_PRIOR_KNOWLEDGE
						    : (long)CURL_HTTP_VERSION_1_1);
	/*
	 * libcurl 7.88 (Debian 12) breaks a reused prior-knowledge HTTP/2
	 * connection ("Error in the HTTP2 framing layer" on the second
	 * request; curl issue #10634, fixed in 8.0.0): one per request there.
	 */
	if (version == CT_HTTP_2_PRIOR_KNOWLEDGE &&
	    curl_version_info(CURLVERSION_NOW)->version_num < 0x080000)
		SETOPT(h, CURLOPT_FORBID_REUSE, 1L);
	if (ct_debug_enabled("http"))
		SETOPT(h, CURLOPT_VERBOSE, 1L);
	if (ct_peer_guard_setup(h, &c->peer, c->socket_path) < 0)
		return CURLE_OUT_OF_MEMORY;
	return CURLE_OK;
}

struct ct_http_client *ct_http_client_free(struct ct_http_client *c)
{
	if (!c)
		return NULL;
	if (c->curl)
		curl_easy_cleanup(c->curl);
	free(c->peer.error);
	free(c->socket_path);
	for (char **p = c->capture; p && *p; p++)
		free(*p);
	free(c->capture);
	ct_buf_free(&c->body);
	clear_headers(&c->headers, &c->n_headers);
	free(c);
	return NULL;
}

int ct_http_client_new(const char *socket_path, const struct ct_http_opts *opts,
		       struct ct_http_client **ret, char **ret_error)
{
	_cleanup_http_client_ struct ct_http_client *c = NULL;
	static const struct ct_http_opts defaults = { 0 };
	size_t n = 0;
	CURLcode code;

	if (!opts)
		opts = &defaults;
	if (!socket_path || !*socket_path)
		return ct_fail(ret_error, -EINVAL, "no socket path");
	if (strlen(socket_path) >= sizeof(((struct sockaddr_un *)NULL)->sun_path))
		return ct_fail(ret_error, -ENAMETOOLONG, "socket path longer than %zu bytes",
			    sizeof(((struct sockaddr_un *)NULL)->sun_path) - 1);
	pthread_once(&global_once, global_init);
	if (global_result != CURLE_OK)
		return ct_fail(ret_error, -ENOMEM, "libcurl initialisation failed: %s",
			    curl_easy_strerror(global_result));

	c = xcalloc(1, sizeof(*c));
	c->socket_path = xstrdup(socket_path);
	c->timeout_ms = opts->timeout_ms > 0 ? opts->timeout_ms : CT_HTTP_DEFAULT_TIMEOUT_MS;
	c->connect_timeout_ms = opts->connect_timeout_ms > 0 ? opts->connect_timeout_ms
							     : CT_HTTP_DEFAULT_CONNECT_TIMEOUT_MS;
	c->max_body = opts->max_body ? opts->max_body : CT_HTTP_DEFAULT_MAX_BODY;
	while (opts->capture && opts->capture[n])
		n++;
	c->capture = xcalloc(n + 1, sizeof(*c->capture));
	for (size_t i = 0; i < n; i++)
		c->capture[i] = xstrdup(opts->capture[i]);

	c->curl = curl_easy_init();
	if (!c->curl)
		return ct_fail(ret_error, -ENOMEM, "curl_easy_init failed");
	code = setup_handle(c, opts->version);
	if (code != CURLE_OK)
		return ct_fail(ret_error, code == CURLE_OUT_OF_MEMORY ? -ENOMEM : -EINVAL,
			    "libcurl setup: %s", curl_easy_strerror(code));
	*ret = TAKE_PTR(c);
	return 0;
}

const char *ct_http_client_socket(const struct ct_http_client *c)
{
	return c->socket_path;
}

unsigned ct_http_client_connects(const struct ct_http_client *c)
{
	return c->connects;
}

/* The request target goes into the request line verbatim: printable ASCII
 * only, so nothing can smuggle a space, CR or LF into it. */
static bool path_ok(const char *path)
{
	if (!path || path[0] != '/')
		return false;
	for (const char *p = path; *p; p++)
		if (*p <= ' ' || *p >= 0x7f || *p == '#')
			return false;
	return true;
}

static bool header_ok(const char *h)
{
	return strchr(h, ':') && !strpbrk(h, "\r\n");
}

static int map_error(struct ct_http_client *c, CURLcode code, long timeout_ms, char **ret_error)
{
	const char *detail = c->errbuf[0] ? c->errbuf : curl_easy_strerror(code);
	curl_off_t connect_us = 0;
	long os_errno = 0;
	char size[32];

	curl_easy_getinfo(c->curl, CURLINFO_OS_ERRNO, &os_errno);
	switch (code) {
	case CURLE_COULDNT_CONNECT:
		if (os_errno > 0)
			return ct_fail(ret_error, -(int)os_errno, "connect: %s",
				    strerror((int)os_errno));
		/*
		 * libcurl keeps no errno for a non-blocking connect() to a
		 * unix socket that fails with EAGAIN: the listener's backlog
		 * is full (a server that accepts nothing); its own text
		 * would name "localhost port 80".
		 */
		return ct_fail(ret_error, -EAGAIN,
			    "connect: the server accepts no connections (listen queue full)");
	case CURLE_OPERATION_TIMEDOUT:
		curl_easy_getinfo(c->curl, CURLINFO_CONNECT_TIME_T, &connect_us);
		if (connect_us == 0 && c->connect_timeout_ms < timeout_ms)
			return ct_fail(ret_error, -ETIMEDOUT, "connect timed out after %ld ms",
				    c->connect_timeout_ms);
		return ct_fail(ret_error, -ETIMEDOUT, "timed out after %ld ms", timeout_ms);
	case CURLE_WRITE_ERROR:
		if (!c->too_big)
			return ct_fail(ret_error, -EIO, "%s", detail);
		/* fall through */
	case CURLE_FILESIZE_EXCEEDED:
		ct_http_format_size(size, sizeof(size), c->max_body);
		return ct_fail(ret_error, -EFBIG, "response larger than %s", size);
	case CURLE_GOT_NOTHING:
		return ct_fail(ret_error, -ECONNRESET,
			    "the server closed the connection without a response");
	case CURLE_SEND_ERROR:
	case CURLE_RECV_ERROR:
		if (os_errno > 0)
			return ct_fail(ret_error, -(int)os_errno, "%s: %s",
				    code == CURLE_SEND_ERROR ? "send" : "receive",
				    strerror((int)os_errno));
		return ct_fail(ret_error, -EIO, "%s", detail);
	case CURLE_WEIRD_SERVER_REPLY:
	case CURLE_UNSUPPORTED_PROTOCOL:
	case CURLE_PARTIAL_FILE:
	case CURLE_HTTP2:
	case CURLE_HTTP2_STREAM:
	case CURLE_BAD_CONTENT_ENCODING:
		return ct_fail(ret_error, -EPROTO, "protocol error: %s", detail);
	case CURLE_OUT_OF_MEMORY:
		return ct_fail(ret_error, -ENOMEM, "out of memory");
	case CURLE_ABORTED_BY_CALLBACK:
		if (c->peer.error)
			return ct_fail(ret_error, -EPERM, "%s", c->peer.error);
		/* fall through */
	default:
		return ct_fail(ret_error, -EIO, "%s", detail);
	}
}

static void free_slistp(struct curl_slist **l)
{
	if (*l)
		curl_slist_free_all(*l);
}

int ct_http_request(struct ct_http_client *c, const struct ct_http_request *req,
		    struct ct_http_response *ret, char **ret_error)
{
	_cleanup_(free_slistp) struct curl_slist *hdrs = NULL;
	_cleanup_free_ char *url = NULL;
	const char *method = req->method ? req->method : "GET";
	long timeout_ms = req->timeout_ms > 0 ? req->timeout_ms : c->timeout_ms;
	bool post = strcmp(method, "POST") == 0;
	long status = 0, new_conns = 0;
	uint64_t t0;
	CURLcode code;
	int r = 0;

	if (!post && strcmp(method, "GET") != 0)
		return ct_fail(ret_error, -EINVAL, "unsupported method %s", method);
	if (!path_ok(req->path))
		return ct_fail(ret_error, -EINVAL, "invalid request path");
	for (const char *const *h = req->headers; h && *h; h++) {
		if (!header_ok(*h))
			return ct_fail(ret_error, -EINVAL, "invalid request header");
		hdrs = curl_slist_append(hdrs, *h);
		if (!hdrs)
			return ct_fail(ret_error, -ENOMEM, "out of memory");
	}
	if (post) {
		/* No "Expect: 100-continue" round trip. */
		struct curl_slist *l = curl_slist_append(hdrs, "Expect:");
		if (!l)
			return ct_fail(ret_error, -ENOMEM, "out of memory");
		hdrs = l;
	}
	if (asprintf(&url, "http://localhost%s", req->path) < 0)
		return ct_fail(ret_error, -ENOMEM, "out of memory");

	ct_buf_free(&c->body);
	clear_headers(&c->headers, &c->n_headers);
	c->too_big = false;
	c->errbuf[0] = '\0';

	if (curl_easy_setopt(c->curl, CURLOPT_URL, url) != CURLE_OK ||
	    curl_easy_setopt(c->curl, CURLOPT_TIMEOUT_MS, timeout_ms) != CURLE_OK ||
	    curl_easy_setopt(c->curl, CURLOPT_HTTPHEADER, hdrs) != CURLE_OK)
		return ct_fail(ret_error, -ENOMEM, "libcurl setup failed");
	if (post) {
		if (curl_easy_setopt(c->curl, CURLOPT_POST, 1L) != CURLE_OK ||
		    curl_easy_setopt(c->curl, CURLOPT_POSTFIELDSIZE_LARGE,
				     (curl_off_t)req->body_len) != CURLE_OK ||
		    curl_easy_setopt(c->curl, CURLOPT_POSTFIELDS, req->body ? req->body : "") !=
			    CURLE_OK)
			return ct_fail(ret_error, -ENOMEM, "libcurl setup failed");
	} else if (curl_easy_setopt(c->curl, CURLOPT_HTTPGET, 1L) != CURLE_OK) {
		return ct_fail(ret_error, -ENOMEM, "libcurl setup failed");
	}

	t0 = ct_now_ns() / 1000;
	code = curl_easy_perform(c->curl);
	curl_easy_getinfo(c->curl, CURLINFO_NUM_CONNECTS, &new_conns);
	if (new_conns > 0)
		c->connects += (unsigned)new_conns;
	if (code != CURLE_OK) {
		r = map_error(c, code, timeout_ms, ret_error);
	} else {
		curl_easy_getinfo(c->curl, CURLINFO_RESPONSE_CODE, &status);
		/*
		 * libcurl 7.88 reads an "HTTP/2 NNN" status line on an HTTP/1.1
		 * connection with %d: any int, negative too.  HTTP has three digits.
		 */
		if (status < 100 || status > 999)
			r = ct_fail(ret_error, -EPROTO, "malformed reply: HTTP status %ld", status);
	}
	/* The handle must not keep pointers to what goes out of scope here. */
	curl_easy_setopt(c->curl, CURLOPT_HTTPHEADER, NULL);
	curl_easy_setopt(c->curl, CURLOPT_POSTFIELDS, NULL);
	curl_easy_setopt(c->curl, CURLOPT_URL, NULL);
	if (r < 0) {
		ct_buf_free(&c->body);
		clear_headers(&c->headers, &c->n_headers);
		ct_debug("http", "%s %s on %s: %s", method, req->path, c->socket_path,
			 ret_error && *ret_error ? *ret_error : "failed");
		return r;
	}

	*ret = (struct ct_http_response){
		.status = status,
		.body_len = c->body.len,
		.body = c->body.data ? c->body.data : xstrdup(""),
		.headers = c->headers,
		.n_headers = c->n_headers,
		.reused = new_conns == 0,
		.elapsed_us = (ct_now_ns() / 1000) - t0,
	};
	/* The response owns them now. */
	c->body = (struct ct_buf){ 0 };
	c->headers = NULL;
	c->n_headers = 0;
	ct_debug("http", "%s %s on %s: HTTP %ld, %zu bytes, %s connection, %llu us", method,
		 req->path, c->socket_path, status, ret->body_len, ret->reused ? "reused" : "new",
		 (unsigned long long)ret->elapsed_us);
	return 0;
}

int ct_http_get(struct ct_http_client *c, const char *path, struct ct_http_response *ret,
		char **ret_error)
{
	struct ct_http_request req = { .path = path };

	return ct_http_request(c, &req, ret, ret_error);
}
