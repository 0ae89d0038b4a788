/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * floor: the least work that gathers every fact ctrtree shows per process.
 *
 * It is the baseline of the benchmark, so it does nothing a real tool could
 * skip: one getdents64() pass over /proc, and per process one O_PATH
 * directory fd, open+read+close of stat, status, cmdline and cgroup into
 * reused buffers, eight readlinkat() for the namespace inodes and a close.
 * It builds no model and no tree, parses no more than it must (fields are
 * copied as the kernel wrote them) and writes one tab-separated line per
 * process through one large reused output buffer:
 *
 *   pid ppid starttime comm state uid nspid ns*8 cgroup-lines argv
 *
 * (ns in the order cgroup ipc mnt net pid time user uts; 0 when unreadable,
 * e.g. for zombies; newlines and tabs inside fields become spaces.)
 *
 * Processes that vanish while we read them are skipped silently.
 */
#include <dirent.h>
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util.h"

/* Big enough that a 10,000-process scan makes only a few write(2) calls. */
#define OUT_SIZE (1U << 20)

static char out[OUT_SIZE];
static size_t out_len;

/* A read buffer reused for every process; grows only for huge files. */
struct rbuf {
	char *p;
	size_t cap;
};

static struct rbuf stat_buf, status_buf, cmdline_buf, cgroup_buf;

static const char *const ns_links[] = {
	"ns/cgroup", "ns/ipc", "ns/mnt",  "ns/net",
	"ns/pid",    "ns/time", "ns/user", "ns/uts",
};

static void out_flush(void)
{
	size_t off = 0;

	while (off < out_len) {
		ssize_t n = write(STDOUT_FILENO, out + off, out_len - off);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			err(EXIT_FAILURE, "write");
		}
		off += (size_t)n;
	}
	out_len = 0;
}

static void out_put(const char *p, size_t n)
{
	while (n) {
		size_t room = OUT_SIZE - out_len;
		size_t k = n < room ? n : room;

		memcpy(out + out_len, p, k);
		out_len += k;
		p += k;
		n -= k;
		if (out_len == OUT_SIZE)
			out_flush();
	}
}

static inline void out_c(char c)
{
	if (out_len == OUT_SIZE)
		out_flush();
	out[out_len++] = c;
}

/* Fields are separated by tabs and records by newlines: keep both out. */
static void blank_separators(char *p, size_t n, bool nul_too)
{
	for (size_t i = 0; i < n; i++) {
		if (p[i] == '\n' || p[i] == '\t' || (nul_too && p[i] == '\0'))
			p[i] = ' ';
	}
}

static void rbuf_grow(struct rbuf *b)
{
	size_t cap = b->cap ? b->cap * 2 : 4096;
	char *p = realloc(b->p, cap);

	if (!p)
		err(EXIT_FAILURE, "realloc");
	b->p = p;
	b->cap = cap;
}

/*
 * Read a /proc file relative to the process directory.  One read(2) fetches
 * the whole file when it fits: stat, status and cgroup are single-record
 * seq_files and cmdline is copied page by page up to the size asked, so a
 * short read means end of file and no second read(2) is needed to see EOF.
 * Returns the length, NUL-terminated, or -errno.
 */
static ssize_t read_at(int dfd, const char *name, struct rbuf *b)
{
	_cleanup_close_ int fd = openat(dfd, name, O_RDONLY | O_CLOEXEC);
	size_t len = 0;

	if (fd < 0)
		return -errno;
	for (;;) {
		size_t room;
		ssize_t n;

		if (b->cap - len < 2)
			rbuf_grow(b);
		room = b->cap - len - 1;
		n = read(fd, b->p + len, room);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		len += (size_t)n;
		if ((size_t)n < room)
			break;
	}
	b->p[len] = '\0';
	return (ssize_t)len;
}

/* The process exited while we read it (a zombie still reads fine). */
static inline bool gone(ssize_t r)
{
	return r == -ENOENT || r == -ESRCH;
}

/* Span of the n-th space-separated field (0-based) starting at p. */
static char *field(char *p, const char *end, unsigned nth, size_t *ret_len)
{
	char *q;

	while (nth--) {
		p = memchr(p, ' ', (size_t)(end - p));
		if (!p)
			return NULL;
		p++;
	}
	q = memchr(p, ' ', (size_t)(end - p));
	*ret_len = (size_t)((q ? q : end) - p);
	return p;
}

/* Rest of the status line "\nKey:\t..." without the key, or NULL. */
static char *status_line(char *s, size_t n, const char *key, size_t keylen,
			 size_t *ret_len)
{
	char *p = memmem(s, n, key, keylen), *e;

	if (!p)
		return NULL;
	p += keylen;
	e = memchr(p, '\n', (size_t)(s + n - p));
	*ret_len = (size_t)((e ? e : s + n) - p);
	return p;
}

static void put_ns_inode(int dfd, const char *link)
{
	char buf[64];
	ssize_t n = readlinkat(dfd, link, buf, sizeof(buf));
	const char *a, *z;

	/* "net:[4026531840]": the inode is between the brackets. */
	if (n > 0 && (a = memchr(buf, '[', (size_t)n)) &&
	    (z = memchr(a, ']', (size_t)(buf + n - a))))
		out_put(a + 1, (size_t)(z - a - 1));
	else
		out_c('0');
}

static void scan_pid(int procfd, const char *name, size_t namelen)
{
	_cleanup_close_ int dfd =
		openat(procfd, name, O_PATH | O_DIRECTORY | O_CLOEXEC);
	char *lp, *rp, *end, *rest, *ppid, *start, *uid, *nspid;
	size_t ppid_len, start_len, uid_len = 0, nspid_len = 0;
	ssize_t n_stat, n_status, n_cmd, n_cg;

	if (dfd < 0)
		return;

	/* Without stat there is no process to report: it is gone. */
	n_stat = read_at(dfd, "stat", &stat_buf);
	if (n_stat <= 0)
		return;
	end = stat_buf.p + n_stat;
	lp = memchr(stat_buf.p, '(', (size_t)n_stat);
	rp = memrchr(stat_buf.p, ')', (size_t)n_stat);
	if (!lp || !rp || rp < lp || end - rp < 4)
		return;
	/* After ") ": state is field 3 of stat, ppid 4, starttime 22. */
	rest = rp + 2;
	ppid = field(rest, end, 1, &ppid_len);
	start = ppid ? field(ppid, end, 22 - 4, &start_len) : NULL;
	if (!start)
		return;

	n_status = read_at(dfd, "status", &status_buf);
	if (gone(n_status))
		return;
	if (n_status > 0) {
		uid = status_line(status_buf.p, (size_t)n_status, "\nUid:\t", 6,
				  &uid_len);
		if (uid)
			uid_len = strcspn(uid, "\t\n");
		nspid = status_line(status_buf.p, (size_t)n_status,
				    "\nNSpid:\t", 8, &nspid_len);
	} else {
		uid = nspid = NULL;
	}
	n_cmd = read_at(dfd, "cmdline", &cmdline_buf);
	n_cg = read_at(dfd, "cgroup", &cgroup_buf);
	if (gone(n_cmd) || gone(n_cg))
		return;

	out_put(name, namelen);
	out_c('\t');
	out_put(ppid, ppid_len);
	out_c('\t');
	out_put(start, start_len);
	out_c('\t');
	blank_separators(lp + 1, (size_t)(rp - lp - 1), false);
	out_put(lp + 1, (size_t)(rp - lp - 1));
	out_c('\t');
	out_c(*rest);
	out_c('\t');
	out_put(uid ? uid : "-", uid ? uid_len : 1);
	out_c('\t');
	if (nspid) {
		blank_separators(nspid, nspid_len, false);
		out_put(nspid, nspid_len);
	} else {
		out_c('-');
	}
	for (size_t i = 0; i < ARRAY_SIZE(ns_links); i++) {
		out_c('\t');
		put_ns_inode(dfd, ns_links[i]);
	}
	out_c('\t');
	if (n_cg > 0) {
		size_t len = (size_t)n_cg;

		if (cgroup_buf.p[len - 1] == '\n')
			len--;
		blank_separators(cgroup_buf.p, len, false);
		out_put(cgroup_buf.p, len);
	}
	out_c('\t');
	if (n_cmd > 0) {
		size_t len = (size_t)n_cmd;

		if (cmdline_buf.p[len - 1] == '\0')
			len--;
		blank_separators(cmdline_buf.p, len, true);
		out_put(cmdline_buf.p, len);
	}
	out_c('\n');
}

int main(int argc, char **argv)
{
	/* /proc dirents are ~24 bytes: 64 KiB takes ~2,700 PIDs per call. */
	static char dents[64 * 1024];
	_cleanup_close_ int procfd = -1;

	if (argc > 1) {
		fputs("usage: floor\n"
		      "Print one line per process with the facts ctrtree shows,\n"
		      "as cheaply as possible (the benchmark baseline).\n",
		      strcmp(argv[1], "--help") ? stderr : stdout);
		return strcmp(argv[1], "--help") ? 2 : 0;
	}

	procfd = open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (procfd < 0)
		err(EXIT_FAILURE, "/proc");

	for (;;) {
		ssize_t n = getdents64(procfd, dents, sizeof(dents));

		if (n < 0) {
			if (errno == EINTR)
				continue;
			err(EXIT_FAILURE, "getdents64 /proc");
		}
		if (n == 0)
			break;
		for (ssize_t off = 0; off < n;) {
			struct dirent64 *d = (struct dirent64 *)(dents + off);

			off += d->d_reclen;
			if (d->d_name[0] >= '1' && d->d_name[0] <= '9')
				scan_pid(procfd, d->d_name, strlen(d->d_name));
		}
	}
	out_flush();
	return EXIT_SUCCESS;
}
