/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <string.h>
#include <time.h>

#include "escape.h"
#include "util.h"

static _Noreturn void oom(void)
{
	static const char msg[] = "ctrtree: out of memory\n";

	(void)!write(STDERR_FILENO, msg, sizeof(msg) - 1);
	abort();
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p)
		oom();
	return p;
}

void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (!p)
		oom();
	return p;
}

void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		oom();
	return p;
}

void *xreallocarray(void *p, size_t n, size_t size)
{
	p = reallocarray(p, n ? n : 1, size ? size : 1);
	if (!p)
		oom();
	return p;
}

char *xstrdup(const char *s)
{
	return xmemdup0(s, strlen(s));
}

char *xmemdup0(const void *p, size_t n)
{
	char *r = xmalloc(n + 1);

	memcpy(r, p, n);
	r[n] = '\0';
	return r;
}

char *ct_strdup_nonempty(const char *s)
{
	return s && *s ? xstrdup(s) : NULL;
}

int ct_parse_u64(const char *s, size_t len, uint64_t *ret)
{
	uint64_t v = 0;

	if (len == 0 || len > 20)
		return -EINVAL;
	for (size_t i = 0; i < len; i++) {
		unsigned d = (unsigned char)s[i] - '0';

		if (d > 9)
			return -EINVAL;
		if (v > (UINT64_MAX - d) / 10)
			return -ERANGE;
		v = v * 10 + d;
	}
	*ret = v;
	return 0;
}

int ct_parse_i64(const char *s, size_t len, int64_t *ret)
{
	bool neg = len > 0 && s[0] == '-';
	uint64_t v;
	int r;

	r = ct_parse_u64(s + neg, len - neg, &v);
	if (r < 0)
		return r;
	if (v > (uint64_t)INT64_MAX + neg)
		return -ERANGE;
	*ret = neg ? (int64_t)(0 - v) : (int64_t)v;
	return 0;
}

int ct_parse_pid(const char *s, size_t len, int *ret)
{
	uint64_t v;
	int r;

	r = ct_parse_u64(s, len, &v);
	if (r < 0)
		return r;
	if (v > INT_MAX)
		return -ERANGE;
	*ret = (int)v;
	return 0;
}

int ct_parse_u64_str(const char *s, uint64_t *ret)
{
	return ct_parse_u64(s, strlen(s), ret);
}

int ct_read_fd(int fd, size_t cap, char **ret_buf, size_t *ret_len, bool *ret_truncated)
{
	_cleanup_free_ char *buf = NULL;
	size_t len = 0, size = 4096;
	bool truncated = false;

	buf = xmalloc(size + 1);
	for (;;) {
		ssize_t n;

		if (len == size) {
			if (size >= cap) {
				truncated = true;
				break;
			}
			size = size * 2 > cap ? cap : size * 2;
			buf = xrealloc(buf, size + 1);
		}
		n = read(fd, buf + len, size - len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	buf[len] = '\0';
	*ret_buf = TAKE_PTR(buf);
	*ret_len = len;
	if (ret_truncated)
		*ret_truncated = truncated;
	return 0;
}

int ct_read_file_at(int dirfd, const char *name, size_t cap, char **ret_buf,
		    size_t *ret_len, bool *ret_truncated)
{
	_cleanup_close_ int fd = -1;

	fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return -errno;
	return ct_read_fd(fd, cap, ret_buf, ret_len, ret_truncated);
}

/* One read handed to a thread, for ct_read_file_deadline_at(). */
struct deadline_read {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	int fd;
	size_t cap, len;
	char *buf;
	bool trunc, done, abandoned;
	int r;
};

static void *deadline_read_run(void *arg)
{
	struct deadline_read *d = arg;
	char *buf = NULL;
	size_t len = 0;
	bool trunc = false;
	int r = ct_read_fd(d->fd, d->cap, &buf, &len, &trunc);

	close(d->fd);
	pthread_mutex_lock(&d->lock);
	if (d->abandoned) {
		/* The caller gave up: everything here is ours to free. */
		pthread_mutex_unlock(&d->lock);
		free(buf);
		free(d);
		return NULL;
	}
	d->r = r;
	d->buf = buf;
	d->len = len;
	d->trunc = trunc;
	d->done = true;
	pthread_cond_signal(&d->cond);
	pthread_mutex_unlock(&d->lock);
	return NULL;
}

int ct_read_file_deadline_at(int dirfd, const char *name, size_t cap, unsigned timeout_ms,
			     char **ret_buf, size_t *ret_len, bool *ret_truncated)
{
	struct deadline_read *d;
	pthread_condattr_t ca;
	pthread_t t;
	uint64_t deadline;
	struct timespec ts;
	int fd, r;

	fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return -errno;
	d = xcalloc(1, sizeof(*d));
	d->fd = fd;
	d->cap = cap;
	pthread_mutex_init(&d->lock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&d->cond, &ca);
	pthread_condattr_destroy(&ca);
	if (pthread_create(&t, NULL, deadline_read_run, d) != 0) {
		/* No thread to be had: read here, unbounded. */
		r = ct_read_fd(fd, cap, ret_buf, ret_len, ret_truncated);
		close(fd);
		free(d);
		return r;
	}
	deadline = ct_now_ns() + (uint64_t)timeout_ms * 1000000ULL;
	ts = (struct timespec){ (time_t)(deadline / 1000000000ULL), (long)(deadline % 1000000000ULL) };
	pthread_mutex_lock(&d->lock);
	while (!d->done)
		if (pthread_cond_timedwait(&d->cond, &d->lock, &ts) == ETIMEDOUT)
			break;
	if (!d->done) {
		d->abandoned = true;
		pthread_mutex_unlock(&d->lock);
		pthread_detach(t);
		return -ETIMEDOUT;
	}
	pthread_mutex_unlock(&d->lock);
	pthread_join(t, NULL);
	r = d->r;
	if (r == 0) {
		*ret_buf = d->buf;
		*ret_len = d->len;
		if (ret_truncated)
			*ret_truncated = d->trunc;
	}
	free(d);
	return r;
}

ssize_t ct_read_small_at(int dirfd, const char *name, char *buf, size_t size)
{
	_cleanup_close_ int fd = -1;
	ssize_t n;

	fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return -errno;
	do
		n = read(fd, buf, size - 1);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	/*
	 * The /proc files read this way (stat, status, cgroup: seq_file
	 * single_open; cmdline) hand over everything in the first read when
	 * the buffer is large enough, so a short read is the end: this saves
	 * a syscall per file on a hot path.  A full buffer may be cut.
	 */
	if ((size_t)n == size - 1)
		return -EFBIG;
	buf[n] = '\0';
	return n;
}

int ct_write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

void ct_buf_grow(struct ct_buf *b, size_t extra)
{
	if (b->cap - b->len > extra)
		return;
	size_t cap = b->cap ? b->cap : 256;
	while (cap - b->len <= extra)
		cap *= 2;
	b->data = xrealloc(b->data, cap);
	b->cap = cap;
}

void ct_buf_put(struct ct_buf *b, const void *p, size_t n)
{
	ct_buf_grow(b, n);
	memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
}

void ct_buf_puts(struct ct_buf *b, const char *s)
{
	ct_buf_put(b, s, strlen(s));
}

void ct_buf_putc(struct ct_buf *b, char c)
{
	ct_buf_put(b, &c, 1);
}

void ct_buf_printf(struct ct_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	ct_buf_grow(b, (size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

void ct_buf_free(struct ct_buf *b)
{
	free(b->data);
	*b = (struct ct_buf){ 0 };
}

int ct_fail(char **ret_error, int r, const char *fmt, ...)
{
	va_list ap;
	char *s = NULL;

	if (!ret_error)
		return r;
	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		s = NULL;
	va_end(ap);
	*ret_error = s ? s : xstrdup("out of memory");
	return r;
}

bool ct_debug_enabled(const char *area)
{
	const char *mask = getenv("CTRTREE_DEBUG");
	size_t n = strlen(area);

	if (!mask || !*mask)
		return false;
	if (strcmp(mask, "all") == 0)
		return true;
	for (const char *p = mask; *p;) {
		const char *e = strchrnul(p, ',');

		if ((size_t)(e - p) == n && strncmp(p, area, n) == 0)
			return true;
		p = *e ? e + 1 : e;
	}
	return false;
}

void ct_debug(const char *area, const char *fmt, ...)
{
	struct ct_buf raw = { 0 }, safe = { 0 };
	va_list ap;
	int n;

	if (!ct_debug_enabled(area))
		return;
	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	ct_buf_grow(&raw, (size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(raw.data, (size_t)n + 1, fmt, ap);
	va_end(ap);
	/* Debug lines quote engines and /proc: escaped like everything else. */
	ct_escape_term(&safe, raw.data, (size_t)n);
	fprintf(stderr, "ctrtree: debug: %s: %s\n", area, safe.data ? safe.data : "");
	ct_buf_free(&raw);
	ct_buf_free(&safe);
}

uint64_t ct_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}
