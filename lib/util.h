/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Small helpers every part of ctrtree shares: cleanup attributes, strict
 * number parsing, capped reads relative to a directory fd.
 */
#ifndef CT_UTIL_H
#define CT_UTIL_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <dirent.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define _unused_ __attribute__((unused))
#define _noreturn_ __attribute__((noreturn))
#define _printf_(a, b) __attribute__((format(printf, a, b)))
#define _warn_unused_ __attribute__((warn_unused_result))

static inline void freep(void *p)
{
	free(*(void **)p);
}

static inline void closep(int *fd)
{
	/* Never retry close() on EINTR: the fd is gone either way. */
	if (*fd >= 0)
		close(*fd);
}

static inline void fclosep(FILE **f)
{
	if (*f)
		fclose(*f);
}

static inline void closedirp(DIR **d)
{
	if (*d)
		closedir(*d);
}

#define _cleanup_(f) __attribute__((cleanup(f)))
#define _cleanup_free_ _cleanup_(freep)
#define _cleanup_close_ _cleanup_(closep)
#define _cleanup_fclose_ _cleanup_(fclosep)
#define _cleanup_closedir_ _cleanup_(closedirp)

/* Hand ownership of a cleanup-managed pointer or fd to someone else. */
#define TAKE_PTR(p)                           \
	({                                    \
		__typeof__(p) _tp_ = (p);     \
		(p) = NULL;                   \
		_tp_;                         \
	})
#define TAKE_FD(fd)                           \
	({                                    \
		int _tfd_ = (fd);             \
		(fd) = -1;                    \
		_tfd_;                        \
	})

/* Like strdup()/malloc() but abort on exhaustion: callers cannot recover. */
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
void *xreallocarray(void *p, size_t n, size_t size);
char *xstrdup(const char *s);
char *xmemdup0(const void *p, size_t n);
/* A copy of s, or NULL when s is NULL or empty. */
char *ct_strdup_nonempty(const char *s);

/*
 * Strict decimal parsing of untrusted text: the whole of [s, s+len) must be
 * digits (no sign, no spaces), the value must fit.  0 or -EINVAL/-ERANGE.
 */
/* CLOCK_MONOTONIC in nanoseconds: for timeouts and for what took how long. */
uint64_t ct_now_ns(void);

int ct_parse_u64(const char *s, size_t len, uint64_t *ret);
int ct_parse_i64(const char *s, size_t len, int64_t *ret);
int ct_parse_pid(const char *s, size_t len, int *ret);
/* Same on a NUL-terminated string. */
int ct_parse_u64_str(const char *s, uint64_t *ret);

/*
 * Read a file relative to dirfd until EOF, at most cap bytes.  The buffer is
 * NUL-terminated (not counted in *ret_len).  *ret_truncated tells whether
 * the cap cut the file.  Returns 0 or -errno (ENOENT/ESRCH: gone).
 */
int ct_read_file_at(int dirfd, const char *name, size_t cap, char **ret_buf,
		    size_t *ret_len, bool *ret_truncated);
/*
 * ct_read_file_at() for files whose read can block for ever (another
 * process's cmdline or environ: the read waits for that process's mmap
 * lock).  The read runs in a thread; after timeout_ms it is left behind
 * (it frees what it holds if it ever ends) and -ETIMEDOUT returned.
 */
int ct_read_file_deadline_at(int dirfd, const char *name, size_t cap, unsigned timeout_ms,
			     char **ret_buf, size_t *ret_len, bool *ret_truncated);
/* The same on an open fd. */
int ct_read_fd(int fd, size_t cap, char **ret_buf, size_t *ret_len, bool *ret_truncated);

/*
 * Read a /proc file that hands over its whole content in one read(2) when
 * the buffer is large enough (seq_file single_open files, cmdline): one
 * read, NUL-terminated.  Returns the length, -EFBIG when the buffer filled
 * (read it again with ct_read_file_at()), or -errno.
 */
ssize_t ct_read_small_at(int dirfd, const char *name, char *buf, size_t size);

/* Write all of buf, retrying on EINTR and short writes.  0 or -errno. */
int ct_write_all(int fd, const void *buf, size_t len);

/* Simple growable byte buffer used by renderers. */
struct ct_buf {
	char *data;
	size_t len, cap;
};
void ct_buf_grow(struct ct_buf *b, size_t extra);
void ct_buf_put(struct ct_buf *b, const void *p, size_t n);
void ct_buf_puts(struct ct_buf *b, const char *s);
void ct_buf_putc(struct ct_buf *b, char c);
void ct_buf_printf(struct ct_buf *b, const char *fmt, ...) _printf_(2, 3);
void ct_buf_free(struct ct_buf *b);

/*
 * Set *ret_error (when not NULL) to a formatted message for the caller to
 * free, and return r: the library's way to say why, without printing.
 */
int ct_fail(char **ret_error, int r, const char *fmt, ...) _printf_(3, 4);

/* Debug output behind CTRTREE_DEBUG=all (or a comma list of areas). */
bool ct_debug_enabled(const char *area);
void ct_debug(const char *area, const char *fmt, ...) _printf_(2, 3);

#endif
