/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Network probes: diagnostics run in a container's network namespace with
 * nothing executed from the container.  A library that nsenter-lite, ctrtree
 * and the live view call.
 *
 * Every probe produces one json-c object (the JSON output); the text output
 * is printed from that same object, so both always agree.  Probes never
 * print errors: a probe that cannot run returns -errno and an error text; a
 * probe that ran and found a problem (a refused connect, a server that does
 * not answer) returns 0 and says so in its result.
 */
#ifndef CT_PROBES_H
#define CT_PROBES_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <json-c/json.h>

struct ct_world;

/* The process whose network we probe, opened and checked by the caller. */
struct ct_probe_target {
	int pid;		       /* its PID in our pid namespace */
	int pidfd;		       /* a pidfd checked by start time (lib/pidfd.h) */
	int netns_fd;		       /* its network namespace, for setns() */
	uint64_t netns_ino;	       /* that namespace's inode */
	int root_fd;		       /* O_PATH fd of /proc/PID/root (files read below it with
					* openat2 RESOLVE_IN_ROOT), or -1 */
	const struct ct_world *world;  /* optional (NULL): names the containers of socket owners
					* and of published ports */
};

struct ct_probe_opts {
	const char *arg;  /* the probe's argument: "HOST:PORT", "HOST", "HOSTPORT", a name; NULL if none */
	long timeout_ms;  /* per network operation; <= 0: 2000 */
	int count;	  /* ping: echo requests; <= 0: 3 */
};

typedef int (*ct_probe_run_fn)(const struct ct_probe_target *t, const struct ct_probe_opts *o,
			       struct json_object **ret, char **ret_error);
typedef void (*ct_probe_print_fn)(struct json_object *result, FILE *out);

struct ct_probe {
	const char *name;	 /* "links", "addrs", ... */
	const char *arg_name;	 /* "HOST:PORT", ...; NULL: takes no argument */
	bool arg_required;
	const char *help;	 /* one line for --help */
	ct_probe_run_fn run;
	ct_probe_print_fn print; /* text output of a result run() made */
};

/* The probes, ending with an element whose name is NULL. */
extern const struct ct_probe ct_probes[];

/* The probe called name, or NULL. */
const struct ct_probe *ct_probe_find(const char *name);

/*
 * Run fn(arg) with the calling thread in the network namespace netns_fd,
 * then return to the namespace it was in (sockets made inside stay there).
 * The process is made non-dumpable first, once and for good: nothing in
 * the namespace we visit may ptrace or read us.  Returns fn's result, or
 * -errno if the namespace could not be entered; if the way back fails the
 * process aborts, since it would go on in the wrong namespace.
 */
int ct_netns_run(int netns_fd, int (*fn)(void *arg), void *arg);

/* libnl's NLE_* error code as -errno (one place for the mapping). */
int ct_nl_errno(int nle);

/*
 * Open a probe target from a PID and its start time (0: whatever process
 * has that PID now): a checked pidfd, its network namespace, its root.
 * 0 or -errno (-ESRCH gone, -ESTALE the PID names another process now).
 */
int ct_probe_target_open(int pid, uint64_t start_time, struct ct_probe_target *ret);
void ct_probe_target_close(struct ct_probe_target *t);

/*
 * Run a comma list of probes, "NAME[=ARG],...", on t in that order and
 * print the results to out: each probe's text, or with json one object
 * keyed by probe name ({"links": {"links": [...]}, ...}).  Every probe
 * runs even when one fails; a failed one is {"error": TEXT} in JSON and
 * absent from text, and the first failure is returned (-errno, with
 * *ret_error naming the probe and the cause).  An unknown probe, an
 * argument a probe does not take or a missing one it needs: -EINVAL
 * before anything runs.  (probes/cli.c)
 */
int ct_probes_cli(const struct ct_probe_target *t, const char *list, bool json, long timeout_ms, FILE *out,
		  char **ret_error);

/*
 * The same list run into one JSON object (*ret, keyed by probe name; a
 * probe that could not run is {"error": TEXT}), for callers that embed it:
 * nsenter-lite --json, the live view.  An invalid list: -EINVAL and *ret
 * untouched; else *ret is set and the first failure returned (or 0).
 * timeout_ms bounds each network wait (<= 0: each probe's default).
 */
int ct_probes_json(const struct ct_probe_target *t, const char *list, long timeout_ms, struct json_object **ret,
		   char **ret_error);
#endif
