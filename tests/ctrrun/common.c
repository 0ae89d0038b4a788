/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Errors, exit codes and fd/signal hygiene shared by all ctrrun processes. */
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>

#include "ctrrun.h"

int cr_fail(struct cr_error *e, int r, const char *fmt, ...)
{
	va_list ap;

	e->errnum = r < 0 ? -r : 0;
	e->exit_code = 0;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	/*
	 * Messages travel as one line between processes and may quote a
	 * helper's stderr: keep them to one line of printable text.
	 */
	for (char *p = e->msg; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = ' ';
	return r;
}

void cr_report_error(int fd, const struct cr_error *e)
{
	char buf[sizeof(e->msg) + 16];
	int n;

	n = snprintf(buf, sizeof(buf), "%d\t%d\t%s", e->errnum, e->exit_code,
		     e->msg);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof(buf))
		n = sizeof(buf) - 1;
	/* One write: a pipe keeps it whole below PIPE_BUF, a seqpacket always. */
	(void)!write(fd, buf, (size_t)n);
}

/* "%d\t%d\t%s" as cr_report_error() writes it. */
bool cr_parse_error(const char *buf, size_t len, struct cr_error *e)
{
	const char *tab1 = memchr(buf, '\t', len), *tab2;
	uint64_t v, code;
	size_t n;

	if (!tab1)
		return false;
	tab2 = memchr(tab1 + 1, '\t', len - (size_t)(tab1 + 1 - buf));
	if (!tab2 || ct_parse_u64(buf, (size_t)(tab1 - buf), &v) < 0 ||
	    v > 4095 ||
	    ct_parse_u64(tab1 + 1, (size_t)(tab2 - tab1 - 1), &code) < 0 ||
	    code > 255)
		return false;
	n = len - (size_t)(tab2 + 1 - buf);
	if (n >= sizeof(e->msg))
		n = sizeof(e->msg) - 1;
	e->errnum = (int)v;
	e->exit_code = (int)code;
	memcpy(e->msg, tab2 + 1, n);
	e->msg[n] = '\0';
	for (char *p = e->msg; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = ' ';
	return true;
}

int cr_exit_code(int wstatus)
{
	if (WIFEXITED(wstatus))
		return WEXITSTATUS(wstatus);
	if (WIFSIGNALED(wstatus))
		return 128 + WTERMSIG(wstatus);
	return 255;
}

int cr_close_fds_except(const int *keep, size_t n)
{
	int sorted[8] = { 0 };
	unsigned lo = 0;

	if (n > ARRAY_SIZE(sorted))
		return -EINVAL;
	/* Insertion sort: n is tiny. */
	for (size_t i = 0; i < n; i++) {
		size_t j = i;

		while (j > 0 && sorted[j - 1] > keep[i]) {
			sorted[j] = sorted[j - 1];
			j--;
		}
		sorted[j] = keep[i];
	}
	for (size_t i = 0; i < n; i++) {
		if (sorted[i] < 0 || (unsigned)sorted[i] < lo)
			continue;
		if ((unsigned)sorted[i] > lo &&
		    close_range(lo, (unsigned)sorted[i] - 1, 0) < 0)
			return -errno;
		lo = (unsigned)sorted[i] + 1;
	}
	if (close_range(lo, ~0U, 0) < 0)
		return -errno;
	return 0;
}

void cr_reset_signals(void)
{
	struct sigaction sa = { .sa_handler = SIG_DFL };
	sigset_t none;

	/* Fails for SIGKILL, SIGSTOP and glibc's internal ones: harmless. */
	for (int sig = 1; sig < NSIG; sig++)
		(void)sigaction(sig, &sa, NULL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
}
