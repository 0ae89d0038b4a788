/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "escape.h"

static int failure_status = EXIT_FAILURE;
static bool output_failed;

void ct_cli_set_failure_status(int status)
{
	failure_status = status;
}

void ct_cli_usage_error(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", program_invocation_short_name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry '%s --help' for more information.\n", program_invocation_short_name);
	exit(failure_status);
}

long ct_cli_parse_timeout(const char *arg)
{
	int ms;

	if (ct_parse_pid(arg, strlen(arg), &ms) < 0 || ms < 1 || ms > 600000) {
		_cleanup_free_ char *bad = ct_escape_term_dup(arg, strlen(arg));

		ct_cli_usage_error("invalid timeout: '%s' (milliseconds, 1 to 600000)", bad);
	}
	return ms;
}

bool ct_cli_engine_option(int opt, const char *arg, struct ct_engine_opts *e)
{
	switch (opt) {
	case CT_OPT_DOCKER_SOCKET:
		e->docker_socket = arg;
		return true;
	case CT_OPT_TIMEOUT:
		e->timeout_ms = ct_cli_parse_timeout(arg);
		return true;
	case CT_OPT_NO_API:
		e->no_api = true;
		return true;
	}
	return false;
}

int ct_cli_sibling(const char *name, char **ret)
{
	char exe[4096], *slash, *path;
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

	if (n <= 0)
		return n < 0 ? -errno : -ENOENT;
	exe[n] = '\0';
	slash = strrchr(exe, '/');
	if (!slash)
		return -ENOENT;
	slash[1] = '\0';
	if (asprintf(&path, "%s%s", exe, name) < 0)
		return -ENOMEM;
	*ret = path;
	return 0;
}

void ct_cli_output_failed(void)
{
	output_failed = true;
}

bool ct_cli_output_has_failed(void)
{
	return output_failed;
}

static void close_stdout(void)
{
	if (output_failed)
		return; /* already reported */
	if (fflush(stdout) != 0 || ferror(stdout) || fclose(stdout) != 0) {
		if (errno != EPIPE)
			warn("write error");
		_exit(failure_status);
	}
}

void ct_cli_close_stdout_atexit(void)
{
	atexit(close_stdout);
}

void ct_cli_keep_std_fds_open(void)
{
	for (int fd = 0; fd < 3; fd++) {
		if (fcntl(fd, F_GETFD) >= 0 || errno != EBADF)
			continue;
		/* The lowest free fd: this one, as the ones below are open.
		 * Read-only, so that a write still fails as on the closed fd
		 * (EBADF: "write error", as coreutils say) and nothing is lost
		 * in /dev/null unnoticed. */
		if (open("/dev/null", O_RDONLY | O_NOCTTY) != fd)
			_exit(failure_status);
	}
}
