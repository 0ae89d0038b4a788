/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unary gRPC over HTTP/2 cleartext on a unix socket, through libcurl.
 *
 * gRPC's wire protocol (doc/PROTOCOL-HTTP2.md in grpc/grpc): a POST to
 * /package.Service/Method with content-type application/grpc and
 * te: trailers; request and response bodies are length-prefixed messages;
 * the outcome is grpc-status (and grpc-message) in the trailers, or in the
 * headers of a "Trailers-Only" response, which is how servers answer an
 * unknown method.  libcurl hands headers and trailers alike to the header
 * callback, so both places are read the same way.
 */
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <curl/curl.h>

#include "escape.h"
#include "grpc.h"
#include "http.h"
#include "util.h"

/* Bounds on what we keep of the response headers (curl bounds the rest). */
#define MAX_GRPC_MESSAGE 1024
#define MAX_CONTENT_TYPE 64
/*
 * libcurl 7.88 reads up to 32 KiB of HTTP/2 frames per recv, but passes at
 * most CURLOPT_BUFFERSIZE bytes of body per round; with the default 16 KiB,
 * a 28 KiB containers list leaves DATA buffered and the transfer idles until
 * an internal 200 ms poll timeout.  A buffer above 32 KiB avoids the stall
 * (measured: 205 ms -> 6 ms for docker's Containers.List).
 */
#define RECV_BUFFER (512L * 1024)

struct ct_grpc_channel {
	CURL *curl;
	char *socket_path;
	size_t max_message;
	unsigned timeout_ms;
	uint64_t deadline_ms; /* CLOCK_MONOTONIC */
	struct ct_peer_guard peer;
	char errbuf[CURL_ERROR_SIZE];
};

struct call {
	CURL *curl;
	size_t max_message;
	uint8_t *body;
	size_t len, cap;
	bool too_big;
	bool not_grpc;	   /* the body is not gRPC: HTTP status or content-type */
	bool checked;	   /* status and content-type looked at */
	uint64_t declared; /* length prefix of the first message once seen */
	int grpc_status;   /* -1: none seen, -2: not a number */
	char *grpc_message;
	char content_type[MAX_CONTENT_TYPE];
};

/* Set *ret_error (if wanted) and return r. */

/*
 * ct_escape_term_dup() of an empty string returns an unterminated buffer
 * (ct_escape_term() grows the buffer but writes nothing): never ask it.
 */
static char *escape_dup(const char *s)
{
	return *s ? ct_escape_term_dup(s, strlen(s)) : xstrdup("");
}

static const char *const status_names[] = {
	"OK",
	"CANCELLED",
	"UNKNOWN",
	"INVALID_ARGUMENT",
	"DEADLINE_EXCEEDED",
	"NOT_FOUND",
	"ALREADY_EXISTS",
	"PERMISSION_DENIED",
	"RESOURCE_EXHAUSTED",
	"FAILED_PRECONDITION",
	"ABORTED",
	"OUT_OF_RANGE",
	"UNIMPLEMENTED",
	"INTERNAL",
	"UNAVAILABLE",
	"DATA_LOSS",
	"UNAUTHENTICATED",
};

const char *ct_grpc_status_name(unsigned code)
{
	return code < ARRAY_SIZE(status_names) ? status_names[code] : "?";
}

int ct_grpc_status_to_errno(unsigned code)
{
	static const int map[] = {
		[0] = 0,	   [1] = ECANCELED,  [2] = EREMOTEIO,	  [3] = EINVAL,
		[4] = ETIMEDOUT,   [5] = ENOENT,     [6] = EEXIST,	  [7] = EACCES,
		[8] = ENOBUFS,	   [9] = EBUSY,	     [10] = ECONNABORTED, [11] = ERANGE,
		[12] = EOPNOTSUPP, [13] = EREMOTEIO, [14] = EAGAIN,	  [15] = EIO,
		[16] = EACCES,
	};

	return code < ARRAY_SIZE(map) ? -map[code] : -EREMOTEIO;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

char *ct_grpc_decode_message(const char *s, size_t len, size_t max)
{
	_cleanup_free_ char *raw = xmalloc(len + 1);
	size_t n = 0;
	bool cut = false;

	for (size_t i = 0; i < len; i++) {
		char c = s[i];

		if (n >= max) {
			cut = true;
			break;
		}
		if (c == '%' && i + 2 < len && hexval(s[i + 1]) >= 0 && hexval(s[i + 2]) >= 0) {
			c = (char)(hexval(s[i + 1]) << 4 | hexval(s[i + 2]));
			i += 2;
		}
		raw[n++] = c;
	}
	if (cut) {
		struct ct_buf b = { 0 };

		ct_escape_term(&b, raw, n);
		ct_buf_puts(&b, "...");
		return b.data;
	}
	return n ? ct_escape_term_dup(raw, n) : xstrdup("");
}

uint8_t *ct_grpc_frame(const void *msg, size_t len, size_t *ret_len)
{
	uint8_t *f = xmalloc(CT_GRPC_FRAME_HEADER + len);

	f[0] = 0;
	f[1] = (uint8_t)(len >> 24);
	f[2] = (uint8_t)(len >> 16);
	f[3] = (uint8_t)(len >> 8);
	f[4] = (uint8_t)len;
	if (len)
		memcpy(f + CT_GRPC_FRAME_HEADER, msg, len);
	*ret_len = CT_GRPC_FRAME_HEADER + len;
	return f;
}

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

int ct_grpc_unframe(const uint8_t *body, size_t len, size_t max_message, size_t *ret_off,
		    size_t *ret_len, char **ret_error)
{
	uint32_t n;

	if (len == 0)
		return ct_fail(ret_error, -EBADMSG, "no response message");
	if (len < CT_GRPC_FRAME_HEADER)
		return ct_fail(ret_error, -EBADMSG, "truncated frame header (%zu of %u bytes)", len,
			    CT_GRPC_FRAME_HEADER);
	if (body[0] == 1)
		return ct_fail(ret_error, -EPROTO,
			    "compressed message, but no compression was offered");
	if (body[0] != 0)
		return ct_fail(ret_error, -EBADMSG, "invalid frame flags 0x%02x", body[0]);
	n = be32(body + 1);
	if (n > max_message)
		return ct_fail(ret_error, -EMSGSIZE,
			    "message of %" PRIu32 " bytes exceeds the limit of %zu", n,
			    max_message);
	if (n > len - CT_GRPC_FRAME_HEADER)
		return ct_fail(ret_error, -EBADMSG, "truncated message (%zu of %" PRIu32 " bytes)",
			    len - CT_GRPC_FRAME_HEADER, n);
	if (n < len - CT_GRPC_FRAME_HEADER)
		return ct_fail(ret_error, -EBADMSG,
			    "%zu bytes after the message (a unary response has one)",
			    len - CT_GRPC_FRAME_HEADER - n);
	*ret_off = CT_GRPC_FRAME_HEADER;
	*ret_len = n;
	return 0;
}

/* application/grpc, application/grpc+proto, application/grpc;charset=... */
static bool grpc_content_type(const char *ct)
{
	return strncasecmp(ct, "application/grpc", 16) == 0 &&
	       (ct[16] == '\0' || ct[16] == '+' || ct[16] == ';');
}

static size_t on_body(char *p, size_t size, size_t nmemb, void *userdata)
{
	struct call *c = userdata;
	size_t n = size * nmemb;
	size_t max_body = CT_GRPC_FRAME_HEADER + c->max_message;

	if (n == 0)
		return 0;
	/* The headers are complete: read no HTML as a length prefix. */
	if (!c->checked) {
		long code = 0;

		c->checked = true;
		curl_easy_getinfo(c->curl, CURLINFO_RESPONSE_CODE, &code);
		if (code != 200 || !grpc_content_type(c->content_type)) {
			c->not_grpc = true;
			return 0;
		}
	}
	/* Refuse an oversized message as soon as its prefix says so. */
	if (c->len < CT_GRPC_FRAME_HEADER && c->len + n >= CT_GRPC_FRAME_HEADER) {
		uint8_t h[CT_GRPC_FRAME_HEADER];

		if (c->len)
			memcpy(h, c->body, c->len);
		memcpy(h + c->len, p, CT_GRPC_FRAME_HEADER - c->len);
		c->declared = be32(h + 1);
		if (c->declared > c->max_message) {
			c->too_big = true;
			return 0;
		}
	}
	if (n > max_body - c->len) {
		c->too_big = true;
		return 0; /* anything but n aborts the transfer */
	}
	if (c->len + n > c->cap) {
		size_t cap = c->cap ? c->cap : 4096;

		while (cap < c->len + n)
			cap = cap > max_body / 2 ? max_body : cap * 2;
		c->body = xrealloc(c->body, cap);
		c->cap = cap;
	}
	memcpy(c->body + c->len, p, n);
	c->len += n;
	return n;
}

static bool name_is(const char *p, size_t n, const char *name)
{
	return n == strlen(name) && strncasecmp(p, name, n) == 0;
}

static size_t on_header(char *p, size_t size, size_t nitems, void *userdata)
{
	struct call *c = userdata;
	size_t n = size * nitems, len = n, nlen;
	const char *colon, *v;

	while (len > 0 && (p[len - 1] == '\n' || p[len - 1] == '\r'))
		len--;
	colon = memchr(p, ':', len);
	if (!colon)
		return n; /* the status line, or the blank line ending a block */
	nlen = (size_t)(colon - p);
	v = colon + 1;
	while (v < p + len && (*v == ' ' || *v == '\t'))
		v++;
	size_t vlen = (size_t)(p + len - v);
	while (vlen > 0 && (v[vlen - 1] == ' ' || v[vlen - 1] == '\t'))
		vlen--;

	if (name_is(p, nlen, "grpc-status")) {
		uint64_t code;

		/* The last one wins: trailers come after headers. */
		if (ct_parse_u64(v, vlen, &code) == 0 && code <= INT_MAX)
			c->grpc_status = (int)code;
		else
			c->grpc_status = -2;
	} else if (name_is(p, nlen, "grpc-message")) {
		free(c->grpc_message);
		c->grpc_message = ct_grpc_decode_message(v, vlen, MAX_GRPC_MESSAGE);
	} else if (name_is(p, nlen, "content-type")) {
		size_t k = vlen < sizeof(c->content_type) - 1 ? vlen : sizeof(c->content_type) - 1;

		memcpy(c->content_type, v, k);
		c->content_type[k] = '\0';
	}
	return n;
}

int ct_grpc_channel_new(const char *socket_path, const struct ct_grpc_opts *opts,
			struct ct_grpc_channel **ret)
{
	struct ct_grpc_channel *ch;
	unsigned timeout_ms =
		opts && opts->timeout_ms ? opts->timeout_ms : CT_GRPC_DEFAULT_TIMEOUT_MS;
	size_t max_message =
		opts && opts->max_message ? opts->max_message : CT_GRPC_DEFAULT_MAX_MESSAGE;
	CURL *curl;

	if (!socket_path || !*socket_path)
		return -EINVAL;
	/* sizeof(sockaddr_un.sun_path) is 108, with the terminating NUL. */
	if (strlen(socket_path) >= 108)
		return -ENAMETOOLONG;
	/* The length prefix is 32 bits. */
	if (max_message > UINT32_MAX)
		max_message = UINT32_MAX;

	curl = curl_easy_init();
	if (!curl)
		return -ENOMEM;
	ch = xcalloc(1, sizeof(*ch));
	ch->curl = curl;
	ch->socket_path = xstrdup(socket_path);
	ch->max_message = max_message;
	ch->timeout_ms = timeout_ms;
	ch->deadline_ms = ct_now_ns() / 1000000 + timeout_ms;

	/*
	 * Options that hold for every call.  The host name in the URL is only
	 * the :authority; no proxy from the environment may take the request
	 * elsewhere; nothing but plain http; no signals (SIGALRM) from libcurl.
	 */
	if (curl_easy_setopt(curl, CURLOPT_UNIX_SOCKET_PATH, ch->socket_path) != CURLE_OK ||
	    curl_easy_setopt(curl, CURLOPT_HTTP_VERSION,
			     (long)CURL_HTTP_VERSION_2_PRIOR_KNOWLEDGE) != CURLE_OK ||
	    curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http") != CURLE_OK ||
	    curl_easy_setopt(curl, CURLOPT_PROXY, "") != CURLE_OK ||
	    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L) != CURLE_OK ||
	    curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L) != CURLE_OK ||
	    curl_easy_setopt(curl, CURLOPT_USERAGENT, "ctrtree") != CURLE_OK ||
	    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, ch->errbuf) != CURLE_OK ||
	    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_body) != CURLE_OK ||
	    curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, on_header) != CURLE_OK ||
	    curl_easy_setopt(curl, CURLOPT_POST, 1L) != CURLE_OK ||
	    curl_easy_setopt(curl, CURLOPT_BUFFERSIZE, RECV_BUFFER) != CURLE_OK ||
	    ct_peer_guard_setup(curl, &ch->peer, ch->socket_path) < 0) {
		ct_grpc_channel_free(ch);
		return -ENOMEM;
	}
	/*
	 * libcurl before 7.89.0 (Debian 12 has 7.88.1) fails the second
	 * request on a reused prior-knowledge HTTP/2 connection with "Error
	 * in the HTTP2 framing layer" (curl/curl#10634, fixed by #10643):
	 * there, a fresh connection per call.  A unix socket connect costs
	 * well under a millisecond.
	 */
	if (curl_version_info(CURLVERSION_NOW)->version_num < 0x075900 &&
	    (curl_easy_setopt(curl, CURLOPT_FRESH_CONNECT, 1L) != CURLE_OK ||
	     curl_easy_setopt(curl, CURLOPT_FORBID_REUSE, 1L) != CURLE_OK)) {
		ct_grpc_channel_free(ch);
		return -ENOMEM;
	}
	/* libcurl's own trace on stderr, for CTRTREE_DEBUG=curl. */
	if (ct_debug_enabled("curl"))
		curl_easy_setopt(curl, CURLOPT_VERBOSE, 1L);
	*ret = ch;
	return 0;
}

struct ct_grpc_channel *ct_grpc_channel_free(struct ct_grpc_channel *ch)
{
	if (!ch)
		return NULL;
	curl_easy_cleanup(ch->curl);
	free(ch->peer.error);
	free(ch->socket_path);
	free(ch);
	return NULL;
}

static void slist_freep(struct curl_slist **l)
{
	curl_slist_free_all(*l);
}

/* curl_slist_append() or abort, as xmalloc(): a NULL would lose the list. */
static struct curl_slist *slist_add(struct curl_slist *l, const char *s)
{
	struct curl_slist *n = curl_slist_append(l, s);

	if (!n)
		abort();
	return n;
}

static bool header_line_ok(const char *h)
{
	const char *colon = strchr(h, ':');

	if (!colon || colon == h)
		return false;
	for (const char *p = h; *p; p++)
		if ((unsigned char)*p < 0x20 || (unsigned char)*p == 0x7f)
			return false;
	return true;
}

static void call_free(struct call *c)
{
	free(c->body);
	free(c->grpc_message);
}

static int not_grpc_error(struct ct_grpc_channel *ch, struct call *c, char **ret_error)
{
	_cleanup_free_ char *ct = NULL;
	long code = 0;

	curl_easy_getinfo(ch->curl, CURLINFO_RESPONSE_CODE, &code);
	if (code != 200)
		return ct_fail(ret_error, -EPROTO, "HTTP status %ld, not a gRPC reply", code);
	ct = escape_dup(c->content_type);
	return ct_fail(ret_error, -EPROTO, "content-type \"%s\", not a gRPC reply", ct);
}

/* Turn a failed curl_easy_perform() into -errno and a reason. */
static int transport_error(struct ct_grpc_channel *ch, struct call *c, CURLcode res,
			   char **ret_error)
{
	const char *detail = ch->errbuf[0] ? ch->errbuf : curl_easy_strerror(res);
	long oserr = 0;

	if (c->not_grpc)
		return not_grpc_error(ch, c, ret_error);
	if (c->too_big) {
		if (c->declared > c->max_message)
			return ct_fail(ret_error, -EMSGSIZE,
				    "response message of %" PRIu64
				    " bytes exceeds the limit of %zu",
				    c->declared, c->max_message);
		return ct_fail(ret_error, -EMSGSIZE, "response larger than the limit of %zu bytes",
			    CT_GRPC_FRAME_HEADER + c->max_message);
	}
	switch (res) {
	case CURLE_OPERATION_TIMEDOUT:
		return ct_fail(ret_error, -ETIMEDOUT, "timed out after %u ms", ch->timeout_ms);
	case CURLE_COULDNT_CONNECT:
		curl_easy_getinfo(ch->curl, CURLINFO_OS_ERRNO, &oserr);
		switch (oserr) {
		case ECONNREFUSED:
			return ct_fail(ret_error, -ECONNREFUSED, "connection refused");
		case ENOENT:
			return ct_fail(ret_error, -ENOENT, "no such socket");
		case EACCES:
		case EPERM:
			return ct_fail(ret_error, -EACCES, "permission denied");
		case EAGAIN:
			/* A unix socket whose listen backlog is full. */
			return ct_fail(ret_error, -EAGAIN, "the server does not accept connections");
		case 0:
			return ct_fail(ret_error, -ECONNREFUSED, "cannot connect: %s", detail);
		default:
			return ct_fail(ret_error, -(int)oserr, "cannot connect: %s",
				    strerror((int)oserr));
		}
	case CURLE_HTTP2:
	case CURLE_HTTP2_STREAM:
	case CURLE_WEIRD_SERVER_REPLY:
	case CURLE_UNSUPPORTED_PROTOCOL:
		return ct_fail(ret_error, -EPROTO, "not an HTTP/2 (gRPC) server: %s", detail);
	case CURLE_GOT_NOTHING:
		return ct_fail(ret_error, -EPROTO,
			    "connection closed without a reply (not a gRPC server?)");
	case CURLE_RECV_ERROR:
	case CURLE_SEND_ERROR:
	case CURLE_PARTIAL_FILE:
		if (c->checked)
			return ct_fail(ret_error, -ECONNRESET,
				    "the server closed the connection in mid-reply (%zu bytes in): %s",
				    c->len, detail);
		/* What an HTTP/1 server does with the HTTP/2 preface. */
		return ct_fail(ret_error, -ECONNRESET,
			    "the server closed the connection (not a gRPC server?): %s", detail);
	case CURLE_OUT_OF_MEMORY:
		return ct_fail(ret_error, -ENOMEM, "out of memory");
	case CURLE_ABORTED_BY_CALLBACK:
		if (ch->peer.error)
			return ct_fail(ret_error, -EPERM, "%s", ch->peer.error);
		/* fall through */
	default:
		return ct_fail(ret_error, -EIO, "%s", detail);
	}
}

int ct_grpc_call(struct ct_grpc_channel *ch, const char *method, const char *const *metadata,
		 const void *req, size_t req_len, uint8_t **ret_msg, size_t *ret_len,
		 int *ret_grpc_status, char **ret_error)
{
	_cleanup_(slist_freep) struct curl_slist *headers = NULL;
	_cleanup_free_ uint8_t *frame = NULL;
	_cleanup_free_ char *url = NULL;
	_cleanup_(call_free) struct call c = { .grpc_status = -1 };
	char tmo[48];
	size_t frame_len, off, mlen;
	uint64_t now = ct_now_ns() / 1000000, left;
	long http_code = 0;
	CURLcode res;
	int r;

	if (ret_grpc_status)
		*ret_grpc_status = -1;
	if (!method || method[0] != '/' || req_len > UINT32_MAX)
		return ct_fail(ret_error, -EINVAL, "invalid call");
	for (const char *p = method; *p; p++)
		if ((unsigned char)*p <= 0x20 || (unsigned char)*p >= 0x7f)
			return ct_fail(ret_error, -EINVAL, "invalid method name");
	if (now >= ch->deadline_ms)
		return ct_fail(ret_error, -ETIMEDOUT, "timed out after %u ms", ch->timeout_ms);
	left = ch->deadline_ms - now;

	/* The server learns the deadline too, and may give up first. */
	if (left <= 99999999) /* the spec allows at most 8 digits */
		snprintf(tmo, sizeof(tmo), "grpc-timeout: %um", (unsigned)left);
	else
		snprintf(tmo, sizeof(tmo), "grpc-timeout: %uS", (unsigned)(left / 1000));
	static const char *const fixed[] = {
		"Content-Type: application/grpc",
		"TE: trailers",
		"Expect:", /* no 100-continue round trip */
		"Accept:",
	};
	for (size_t i = 0; i < ARRAY_SIZE(fixed); i++)
		headers = slist_add(headers, fixed[i]);
	headers = slist_add(headers, tmo);
	for (size_t i = 0; metadata && metadata[i]; i++) {
		/* A CR or LF in a value would smuggle headers in. */
		if (!header_line_ok(metadata[i]))
			return ct_fail(ret_error, -EINVAL, "invalid metadata");
		headers = slist_add(headers, metadata[i]);
	}

	frame = ct_grpc_frame(req, req_len, &frame_len);
	if (asprintf(&url, "http://localhost%s", method) < 0)
		abort();
	c.max_message = ch->max_message;
	c.curl = ch->curl;
	ch->errbuf[0] = '\0';

	if (curl_easy_setopt(ch->curl, CURLOPT_URL, url) != CURLE_OK ||
	    curl_easy_setopt(ch->curl, CURLOPT_HTTPHEADER, headers) != CURLE_OK ||
	    curl_easy_setopt(ch->curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)frame_len) !=
		    CURLE_OK ||
	    curl_easy_setopt(ch->curl, CURLOPT_POSTFIELDS, frame) != CURLE_OK ||
	    curl_easy_setopt(ch->curl, CURLOPT_TIMEOUT_MS, (long)left) != CURLE_OK ||
	    curl_easy_setopt(ch->curl, CURLOPT_CONNECTTIMEOUT_MS, (long)left) != CURLE_OK ||
	    curl_easy_setopt(ch->curl, CURLOPT_WRITEDATA, &c) != CURLE_OK ||
	    curl_easy_setopt(ch->curl, CURLOPT_HEADERDATA, &c) != CURLE_OK)
		return ct_fail(ret_error, -ENOMEM, "cannot set up the request");

	res = curl_easy_perform(ch->curl);
	/* The list and frame are freed on return: leave no pointer to them. */
	curl_easy_setopt(ch->curl, CURLOPT_HTTPHEADER, NULL);
	curl_easy_setopt(ch->curl, CURLOPT_POSTFIELDS, NULL);
	ct_debug("grpc", "%s: curl %d, %zu body bytes, grpc-status %d, %" PRIu64 " ms", method,
		 (int)res, c.len, c.grpc_status, (ct_now_ns() / 1000000) - now);
	if (res != CURLE_OK)
		return transport_error(ch, &c, res, ret_error);

	curl_easy_getinfo(ch->curl, CURLINFO_RESPONSE_CODE, &http_code);
	/* A gRPC error is one even if a Trailers-Only reply forgot its content-type. */
	if (http_code != 200 || (c.grpc_status <= 0 && !grpc_content_type(c.content_type)))
		return not_grpc_error(ch, &c, ret_error);
	if (c.grpc_status == -1)
		return ct_fail(ret_error, -EPROTO, "no grpc-status in the reply (stream cut short?)");
	if (c.grpc_status == -2)
		return ct_fail(ret_error, -EPROTO, "malformed grpc-status");
	if (ret_grpc_status)
		*ret_grpc_status = c.grpc_status;
	if (c.grpc_status != CT_GRPC_OK)
		return ct_fail(ret_error, ct_grpc_status_to_errno((unsigned)c.grpc_status),
			    "grpc-status %d (%s): %s", c.grpc_status,
			    ct_grpc_status_name((unsigned)c.grpc_status),
			    c.grpc_message && *c.grpc_message ? c.grpc_message : "(no message)");

	r = ct_grpc_unframe(c.body, c.len, ch->max_message, &off, &mlen, ret_error);
	if (r < 0)
		return r;
	*ret_msg = (uint8_t *)xmemdup0(c.body + off, mlen);
	*ret_len = mlen;
	return 0;
}

/* ---- decoding under a budget (see grpc.h) ---- */

static void *pb_alloc(void *data, size_t size)
{
	struct ct_pb_budget *b = data;

	if (size > b->left) {
		b->exceeded = true;
		return NULL;
	}
	b->left -= size;
	return xmalloc(size);
}

static void pb_free(void *data, void *p)
{
	free(p);
}

int ct_pb_unpack(const ProtobufCMessageDescriptor *desc, const uint8_t *data, size_t len,
		 struct ct_pb_budget *budget, ProtobufCMessage **ret, char **ret_error, const char *what)
{
	static const uint8_t empty[1];
	ProtobufCMessage *m;
	size_t budget0;

	budget->alloc = (ProtobufCAllocator){ .alloc = pb_alloc, .free = pb_free, .allocator_data = budget };
	budget->left = (1u << 20) + (len > SIZE_MAX / 16 ? SIZE_MAX / 2 : len * 8);
	budget->exceeded = false;
	budget0 = budget->left;
	m = protobuf_c_message_unpack(desc, &budget->alloc, len, data ? data : empty);
	ct_debug("protobuf", "%s: %s of %zu bytes: %zu bytes decoded%s", what, desc->short_name, len,
		 budget0 - budget->left, m ? "" : ", failed");
	if (!m) {
		if (budget->exceeded)
			return ct_fail(ret_error, -EBADMSG, "%s: %s of %zu bytes decodes to too much memory", what,
				       desc->short_name, len);
		return ct_fail(ret_error, -EBADMSG, "%s: malformed %s (%zu bytes)", what, desc->short_name, len);
	}
	*ret = m;
	return 0;
}

void ct_pb_free_msg(ProtobufCMessage *m, struct ct_pb_budget *budget)
{
	if (m)
		protobuf_c_message_free_unpacked(m, &budget->alloc);
}
