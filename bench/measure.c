/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * measure: run a command several times and print what it cost.
 *
 *   measure [-n RUNS] [-w WARMUP] [-t SECONDS] [--label L] [--stderr FILE]
 *           -- CMD ARGS...
 *
 * Each run is posix_spawn()ed (vfork-like: no page-table copy of the timer
 * inside the timing) with stdin and stdout on /dev/null and stderr on FILE
 * (default /dev/null).  Wall time is CLOCK_MONOTONIC around spawn..wait4();
 * CPU time and peak RSS come from wait4()'s rusage.  The kernel folds the
 * pre-exec image into ru_maxrss, so no result is below measure's own RSS
 * (~1.5 MiB).  One tab-separated line:
 *
 *   label median_wall_ms min_wall_ms median_cpu_ms max_rss_kib status runs
 *
 * status is "ok" when every run exited 0, else "fail:K/N:exit=C" or
 * "fail:K/N:signal=S" for the last failure.  Warmup runs are not counted.
 * -t stops the measured runs once they have taken SECONDS in total (at
 * least one run is always made), for tools too slow for RUNS rounds.
 *
 * SIGINT/SIGTERM/SIGHUP are passed to the running command, which is waited
 * for; measure then exits 128+signal.  It also gets SIGTERM when its parent
 * dies, so a killed benchmark script leaves nothing running.
 */
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "common.h"

extern char **environ;

struct run {
	double wall_ms, cpu_ms;
	long maxrss_kib;
	int status; /* wait status, or -1 when the spawn failed */
};

static volatile sig_atomic_t got_signal;

static void on_signal(int sig)
{
	got_signal = sig;
}

static void usage(FILE *f)
{
	fputs("usage: measure [-n RUNS] [-w WARMUP] [-t SECONDS] [--label L]"
	      " [--stderr FILE] -- CMD ARGS...\n"
	      "Run CMD RUNS times (10) after WARMUP (1) unmeasured runs and print\n"
	      "label, median and min wall ms, median CPU ms, peak RSS KiB, status\n"
	      "and the number of measured runs, tab-separated.\n",
	      f);
}

static unsigned parse_uint(const char *s, const char *what, unsigned min)
{
	return bench_parse_uint(s, what, min, 1000000);
}

static double ms_between(const struct timespec *a, const struct timespec *b)
{
	return (double)(b->tv_sec - a->tv_sec) * 1e3 +
	       (double)(b->tv_nsec - a->tv_nsec) / 1e6;
}

static double tv_ms(const struct timeval *tv)
{
	return (double)tv->tv_sec * 1e3 + (double)tv->tv_usec / 1e3;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Median of n values; sorts v. */
static double median(double *v, unsigned n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* Spawn the command once and wait for it, forwarding fatal signals. */
static void run_once(char **cmd, const posix_spawn_file_actions_t *fa,
		     const posix_spawnattr_t *attr, struct run *r)
{
	struct timespec t0, t1;
	struct rusage ru;
	pid_t pid;
	int e, status;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	e = posix_spawnp(&pid, cmd[0], fa, attr, cmd, environ);
	if (e) {
		errno = e;
		warn("cannot run %s", cmd[0]);
		*r = (struct run){ .status = -1 };
		return;
	}
	for (;;) {
		/* Our child is unreaped, so its PID is still its own. */
		if (got_signal)
			kill(pid, got_signal);
		if (wait4(pid, &status, 0, &ru) == pid)
			break;
		if (errno != EINTR)
			err(EXIT_FAILURE, "wait4");
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);

	r->wall_ms = ms_between(&t0, &t1);
	r->cpu_ms = tv_ms(&ru.ru_utime) + tv_ms(&ru.ru_stime);
	r->maxrss_kib = ru.ru_maxrss;
	r->status = status;
}

int main(int argc, char **argv)
{
	enum { OPT_LABEL = 256, OPT_STDERR };
	static const struct option longopts[] = {
		{ "runs", required_argument, NULL, 'n' },
		{ "warmup", required_argument, NULL, 'w' },
		{ "time-budget", required_argument, NULL, 't' },
		{ "label", required_argument, NULL, OPT_LABEL },
		{ "stderr", required_argument, NULL, OPT_STDERR },
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	unsigned runs = 10, warmup = 1, budget_s = 0, done = 0, failed = 0;
	const char *label = NULL, *errfile = "/dev/null";
	_cleanup_free_ double *wall = NULL, *cpu = NULL;
	_cleanup_close_ int null_fd = -1, err_fd = -1;
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	struct sigaction sa = { .sa_handler = on_signal };
	struct timespec start, now;
	sigset_t defaults;
	char last_fail[64] = "";
	double med_wall;
	long maxrss = 0;
	pid_t ppid = getppid();
	int c;

	while ((c = getopt_long(argc, argv, "+n:w:t:h", longopts,
				NULL)) != -1) {
		switch (c) {
		case 'n':
			runs = parse_uint(optarg, "run count", 1);
			break;
		case 'w':
			warmup = parse_uint(optarg, "warmup count", 0);
			break;
		case 't':
			budget_s = parse_uint(optarg, "time budget", 1);
			break;
		case OPT_LABEL:
			label = optarg;
			break;
		case OPT_STDERR:
			errfile = optarg;
			break;
		case 'h':
			usage(stdout);
			return EXIT_SUCCESS;
		default:
			fputs("Try 'measure --help'.\n", stderr);
			return 2;
		}
	}
	if (optind >= argc) {
		fputs("measure: no command given; try 'measure --help'.\n",
		      stderr);
		return 2;
	}
	if (!label)
		label = argv[optind];

	/* A script's '&' may have started us with SIGINT ignored. */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	if (prctl(PR_SET_PDEATHSIG, SIGTERM) == 0 && getppid() != ppid)
		return 128 + SIGTERM;

	null_fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (null_fd < 0)
		err(EXIT_FAILURE, "/dev/null");
	err_fd = open(errfile, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (err_fd < 0)
		err(EXIT_FAILURE, "%s", errfile);

	/* The command starts with default dispositions, whatever ours were. */
	sigemptyset(&defaults);
	sigaddset(&defaults, SIGINT);
	sigaddset(&defaults, SIGQUIT);
	sigaddset(&defaults, SIGTERM);
	sigaddset(&defaults, SIGHUP);
	sigaddset(&defaults, SIGPIPE);
	if (posix_spawnattr_init(&attr) ||
	    posix_spawnattr_setsigdefault(&attr, &defaults) ||
	    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGDEF) ||
	    posix_spawn_file_actions_init(&fa) ||
	    posix_spawn_file_actions_adddup2(&fa, null_fd, STDIN_FILENO) ||
	    posix_spawn_file_actions_adddup2(&fa, null_fd, STDOUT_FILENO) ||
	    posix_spawn_file_actions_adddup2(&fa, err_fd, STDERR_FILENO))
		errx(EXIT_FAILURE, "cannot set up posix_spawn");

	wall = calloc(runs, sizeof(*wall));
	cpu = calloc(runs, sizeof(*cpu));
	if (!wall || !cpu)
		err(EXIT_FAILURE, "calloc");

	for (unsigned i = 0; i < warmup && !got_signal; i++) {
		struct run r;

		run_once(argv + optind, &fa, &attr, &r);
	}

	clock_gettime(CLOCK_MONOTONIC, &start);
	while (done < runs && !got_signal) {
		struct run r;

		run_once(argv + optind, &fa, &attr, &r);
		if (got_signal)
			break;
		wall[done] = r.wall_ms;
		cpu[done] = r.cpu_ms;
		if (r.maxrss_kib > maxrss)
			maxrss = r.maxrss_kib;
		done++;
		if (r.status == -1) {
			failed++;
			snprintf(last_fail, sizeof(last_fail), "spawn");
		} else if (WIFSIGNALED(r.status)) {
			failed++;
			snprintf(last_fail, sizeof(last_fail), "signal=%d",
				 WTERMSIG(r.status));
		} else if (WEXITSTATUS(r.status) != 0) {
			failed++;
			snprintf(last_fail, sizeof(last_fail), "exit=%d",
				 WEXITSTATUS(r.status));
		}
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (budget_s && ms_between(&start, &now) >= budget_s * 1e3)
			break;
	}
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&attr);

	if (got_signal)
		return 128 + got_signal;

	med_wall = median(wall, done); /* sorts: wall[0] is the minimum */
	printf("%s\t%.2f\t%.2f\t%.2f\t%ld\t", label, med_wall, wall[0],
	       median(cpu, done), maxrss);
	if (failed)
		printf("fail:%u/%u:%s\t%u\n", failed, done, last_fail, done);
	else
		printf("ok\t%u\n", done);
	if (fflush(stdout) != 0 || ferror(stdout))
		err(EXIT_FAILURE, "write");
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
