/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What every front end does alike (ctrtree, nsenter-lite, the live view):
 * usage errors, the options they share, and checking stdout at exit as
 * util-linux's close_stdout_atexit() does.  Messages are prefixed with
 * program_invocation_short_name.
 */
#ifndef CT_CLI_H
#define CT_CLI_H

#include <stdbool.h>

#include "collect-runtime.h"
#include "util.h"

/* The engine options every front end takes, with the same meaning. */
enum { CT_OPT_DOCKER_SOCKET = 0x1000, CT_OPT_TIMEOUT, CT_OPT_NO_API };
#define CT_CLI_ENGINE_OPTIONS                                                 \
	{ "docker-socket", required_argument, NULL, CT_OPT_DOCKER_SOCKET }, \
	{ "timeout", required_argument, NULL, CT_OPT_TIMEOUT },             \
	{ "no-api", no_argument, NULL, CT_OPT_NO_API }

/* Take getopt's opt if it is one of those (a usage error if its argument
 * is bad); false if it is not. */
bool ct_cli_engine_option(int opt, const char *arg, struct ct_engine_opts *e);

/* The exit status of usage errors and failed writes (EXIT_FAILURE unless set). */
void ct_cli_set_failure_status(int status);

/* "PROG: MESSAGE" and a pointer to --help on stderr; exit with the failure status. */
_noreturn_ void ct_cli_usage_error(const char *fmt, ...) _printf_(1, 2);

/* --timeout MS: 1 to 600000 milliseconds, else a usage error. */
long ct_cli_parse_timeout(const char *arg);

/*
 * The path of our program called name, installed beside the running one
 * (the directory of /proc/self/exe): a host binary of ours, never one
 * found through PATH or inside a container.  0 or -errno.
 */
int ct_cli_sibling(const char *name, char **ret);

/*
 * Check stdout at exit: a failed write (full disk, closed stdout) is an
 * error, said once; EPIPE exits quietly.  ct_cli_output_failed() tells
 * that main() already reported one.
 */
void ct_cli_close_stdout_atexit(void);

/*
 * Open /dev/null read-only onto whichever of fds 0, 1 and 2 is closed:
 * otherwise the first file a tool opens would take its place and get its
 * output, or be handed to a command as its stdin.  Writes to it still fail
 * (EBADF), as they would on the closed fd.  The first call in every
 * main(); exits with the failure status if /dev/null cannot be opened.
 */
void ct_cli_keep_std_fds_open(void);
void ct_cli_output_failed(void);
bool ct_cli_output_has_failed(void);

#endif
