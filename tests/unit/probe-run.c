/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * probe-run: the network probes on a process, for the live tests (what
 * nsenter-lite --probe does, without entering anything).
 *
 *   probe-run [--json] [--world] PID PROBE[=ARG][,PROBE...]
 *
 * --world first reads /proc and the runtimes' state (no engine APIs) so
 * that socket owners are named with their containers.
 */
#include <err.h>
#include <getopt.h>
#include <langinfo.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>

#include "collect-runtime.h"
#include "escape.h"
#include "probes.h"
#include "resolve.h"
#include "snapshot.h"
#include "util.h"

static void usage(FILE *f, int status)
{
	fputs("Usage: probe-run [--json] [--world] PID PROBE[=ARG][,PROBE...]\n\nProbes:\n", f);
	for (const struct ct_probe *p = ct_probes; p->name; p++)
		fprintf(f, "  %-8s %-10s %s\n", p->name, p->arg_name ? p->arg_name : "", p->help);
	exit(status);
}

static void close_stdout(void)
{
	if (fflush(stdout) != 0 || ferror(stdout) || fclose(stdout) != 0) {
		warn("write error");
		_exit(EXIT_FAILURE);
	}
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "world", no_argument, NULL, 'w' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct ct_probe_target t;
	struct ct_snapshot *s = NULL;
	struct ct_world *w = NULL;
	_cleanup_free_ char *error = NULL;
	bool json = false, world = false;
	int c, pid, r;

	setlocale(LC_ALL, "");
	ct_escape_set_utf8(strcmp(nl_langinfo(CODESET), "UTF-8") == 0);
	atexit(close_stdout);
	while ((c = getopt_long(argc, argv, "jwh", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			json = true;
			break;
		case 'w':
			world = true;
			break;
		case 'h':
			usage(stdout, EXIT_SUCCESS);
			break;
		default:
			fputs("Try 'probe-run --help' for more information.\n", stderr);
			exit(EXIT_FAILURE);
		}
	}
	if (argc - optind != 2)
		usage(stderr, EXIT_FAILURE);
	if (ct_parse_pid(argv[optind], strlen(argv[optind]), &pid) < 0)
		errx(EXIT_FAILURE, "invalid PID '%s'", argv[optind]);

	if (world) {
		struct ct_engine_opts eo = { .no_api = true };

		r = ct_snapshot_collect(NULL, &s);
		if (r < 0) {
			errno = -r;
			err(EXIT_FAILURE, "cannot read /proc");
		}
		ct_collect_runtime(s, &eo);
		w = ct_world_new(s);
	}
	r = ct_probe_target_open(pid, 0, &t);
	if (r < 0) {
		errno = -r;
		err(EXIT_FAILURE, "cannot open process %d", pid);
	}
	t.world = w;
	r = ct_probes_cli(&t, argv[optind + 1], json, 0, stdout, &error);
	ct_probe_target_close(&t);
	ct_world_free(w);
	ct_snapshot_free(s);
	if (r < 0)
		errx(EXIT_FAILURE, "%s", error ? error : strerror(-r));
	return EXIT_SUCCESS;
}
