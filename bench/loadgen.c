/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * loadgen: build a container-like process load for the benchmark.
 *
 *   loadgen [-g GROUPS] [-n PER_GROUP] [--net] [--cgroup] [--die-with-parent]
 *
 * Each group is a leader cloned into new pid, uts, ipc and mount namespaces
 * (and net with --net), which is PID 1 of its namespace and forks
 * PER_GROUP-1 workers that only pause().  Leader and workers re-exec this
 * binary with their own argv ("bench-leader-G", "worker-G-I"), so argv, comm
 * and hostname differ between processes as they do on a real host.  With
 * --cgroup each group lives in ctrtree-bench/gN of the v1 pids hierarchy and
 * of cgroup2, which loadgen creates and removes.
 *
 * "ready N" goes to stdout once every process has exec'd.  SIGTERM, SIGINT
 * or SIGHUP make loadgen SIGKILL its group leaders (the kernel then kills
 * each pid namespace), reap them, remove its cgroups and exit 0.  Leaders
 * die with loadgen (PR_SET_PDEATHSIG), and workers with their namespace, so
 * nothing outlives it even when it is itself SIGKILLed.  It only ever
 * signals its own unreaped children, whose PIDs cannot have been recycled.
 */
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <linux/magic.h>

#include "common.h"

/* Inherited fds of the internal leader and worker modes. */
#define READY_FD 3

#define CG_NAME "ctrtree-bench"
#define MAX_CG_ROOTS 2

struct opts {
	unsigned groups, per_group;
	bool net, cgroup, die_with_parent;
};

struct state {
	pid_t *leaders; /* 0 once reaped */
	unsigned n_leaders, alive;
	unsigned ready, want;
	int sfd, ready_rd;
	bool stop, failed;
};

static const char *cg_roots[MAX_CG_ROOTS];
static unsigned n_cg_roots;

static void usage(FILE *f)
{
	fputs("usage: loadgen [-g GROUPS] [-n PER_GROUP] [--net] [--cgroup]"
	      " [--die-with-parent]\n"
	      "Start GROUPS (200) namespaced groups of PER_GROUP (50) processes,\n"
	      "print \"ready N\" and hold them until SIGTERM/SIGINT.\n"
	      "  -g, --groups N         number of groups (pid/uts/ipc/mnt ns each)\n"
	      "  -n, --per-group N      processes per group, leader included\n"
	      "      --net              also give each group a network namespace\n"
	      "      --cgroup           put group N in " CG_NAME "/gN (pids v1 and cgroup2)\n"
	      "      --die-with-parent  clean up and exit when the parent dies\n",
	      f);
}

static unsigned parse_uint(const char *s, const char *what, unsigned min)
{
	return bench_parse_uint(s, what, min, 100000);
}

/* fork() semantics plus namespace flags, without a separate child stack. */
static pid_t raw_clone(unsigned long flags)
{
	return (pid_t)syscall(SYS_clone, flags | SIGCHLD, NULL, NULL, NULL, 0);
}

static int write_file(const char *path, const char *s)
{
	_cleanup_close_ int fd = open(path, O_WRONLY | O_CLOEXEC);
	size_t len = strlen(s);

	if (fd < 0)
		return -errno;
	if (write(fd, s, len) != (ssize_t)len)
		return -errno;
	return 0;
}

/* Report readiness ('R') or failure ('F') to the loadgen main process. */
static void tell(char c)
{
	while (write(READY_FD, &c, 1) < 0 && errno == EINTR)
		;
}

/* Give a child exec'd from us a clean slate: no blocked or ignored signals. */
static void reset_signals(void)
{
	sigset_t none;

	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	signal(SIGPIPE, SIG_DFL);
	signal(SIGINT, SIG_DFL);
	signal(SIGQUIT, SIG_DFL);
}

/* Internal mode: a worker only exists; it says so and sleeps. */
static _Noreturn void worker_main(char **argv)
{
	char comm[16];

	snprintf(comm, sizeof(comm), "worker-%s-%s", argv[2], argv[3]);
	prctl(PR_SET_NAME, comm);
	tell('R');
	close(READY_FD);
	for (;;)
		pause();
}

/*
 * Internal mode: PID 1 of a group.  Forks the workers, then reaps like an
 * init so a worker that dies does not linger as a zombie.
 */
static _Noreturn void leader_main(char **argv)
{
	unsigned g = parse_uint(argv[2], "group", 0);
	unsigned n = parse_uint(argv[3], "per-group count", 1);
	char name[32], wname[32], gs[16], is[16];

	/* warn() names argv[0], which we vary: keep messages greppable. */
	program_invocation_short_name = "loadgen";
	snprintf(name, sizeof(name), "bench-g%u", g);
	prctl(PR_SET_NAME, name);
	/* Our own UTS namespace: give it a name a tree view can show. */
	if (sethostname(name, strlen(name)) < 0)
		warn("group %u: sethostname", g);

	snprintf(gs, sizeof(gs), "%u", g);
	for (unsigned i = 1; i < n; i++) {
		pid_t pid = fork();

		if (pid < 0) {
			warn("group %u: fork of worker %u", g, i);
			tell('F');
			_exit(EXIT_FAILURE);
		}
		if (pid == 0) {
			char *wargv[] = { wname, "--internal-worker", gs, is,
					  NULL };

			/* Redundant with the namespace teardown, but cheap. */
			prctl(PR_SET_PDEATHSIG, SIGKILL);
			snprintf(wname, sizeof(wname), "worker-%u-%u", g, i);
			snprintf(is, sizeof(is), "%u", i);
			execv("/proc/self/exe", wargv);
			warn("group %u: exec of worker %u", g, i);
			tell('F');
			_exit(127);
		}
	}
	tell('R');
	close(READY_FD);

	for (;;) {
		if (wait(NULL) < 0 && errno == ECHILD)
			pause();
	}
}

/* In the cloned child, before exec: join the cgroups, become the leader. */
static _Noreturn void leader_exec(const struct opts *o, unsigned g,
				  int ready_wr, int main_pidfd)
{
	struct pollfd pfd = { .fd = main_pidfd, .events = POLLIN };
	char gs[16], ns[16], argv0[32], path[PATH_MAX];
	char *largv[] = { argv0, "--internal-leader", gs, ns, NULL };
	int fd;

	/*
	 * Die with loadgen.  PDEATHSIG is set after the clone, so check that
	 * loadgen did not exit in between: its pidfd is readable once it has.
	 * (getppid() cannot tell: it is 0 in a new pid namespace.)
	 */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0)
		_exit(EXIT_FAILURE);
	if (poll(&pfd, 1, 0) != 0)
		_exit(EXIT_FAILURE);

	for (unsigned i = 0; o->cgroup && i < n_cg_roots; i++) {
		int r;

		/* "0" moves the writer itself, whatever its pid namespace. */
		snprintf(path, sizeof(path), "%s/" CG_NAME "/g%u/cgroup.procs",
			 cg_roots[i], g);
		r = write_file(path, "0");
		if (r < 0) {
			errno = -r;
			warn("%s", path);
			_exit(EXIT_FAILURE);
		}
	}

	/*
	 * Our stdout may be the pipe a script reads "ready" from: the groups
	 * must not hold it open, only loadgen itself.
	 */
	fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (fd < 0 || dup2(fd, STDIN_FILENO) < 0 ||
	    dup2(fd, STDOUT_FILENO) < 0)
		_exit(EXIT_FAILURE);

	reset_signals();
	/* dup2() to the fixed number also drops O_CLOEXEC. */
	if (ready_wr != READY_FD) {
		if (dup2(ready_wr, READY_FD) < 0)
			_exit(EXIT_FAILURE);
	} else if (fcntl(READY_FD, F_SETFD, 0) < 0) {
		_exit(EXIT_FAILURE);
	}

	snprintf(argv0, sizeof(argv0), "bench-leader-%u", g);
	snprintf(gs, sizeof(gs), "%u", g);
	snprintf(ns, sizeof(ns), "%u", o->per_group);
	execv("/proc/self/exe", largv);
	warn("group %u: exec", g);
	_exit(127);
}

static void cg_path(char *buf, size_t size, unsigned root, int g)
{
	if (g < 0)
		snprintf(buf, size, "%s/" CG_NAME, cg_roots[root]);
	else
		snprintf(buf, size, "%s/" CG_NAME "/g%d", cg_roots[root], g);
}

/*
 * rmdir a cgroup, waiting a little: the last tasks of a killed namespace can
 * take a moment to leave it after their leader was reaped.
 */
static int cg_rmdir(const char *path)
{
	for (int tries = 0; tries < 200; tries++) {
		if (rmdir(path) == 0 || errno == ENOENT)
			return 0;
		if (errno != EBUSY)
			return -errno;
		nanosleep(&(struct timespec){ .tv_nsec = 10 * 1000 * 1000 },
			  NULL);
	}
	return -EBUSY;
}

/* Which hierarchies to use: v1 pids and cgroup2, wherever mounted. */
static void cg_detect(void)
{
	struct statfs sf;

	if (statfs("/sys/fs/cgroup", &sf) == 0 &&
	    sf.f_type == CGROUP2_SUPER_MAGIC) {
		cg_roots[n_cg_roots++] = "/sys/fs/cgroup";
		return;
	}
	if (statfs("/sys/fs/cgroup/pids", &sf) == 0 &&
	    sf.f_type == CGROUP_SUPER_MAGIC)
		cg_roots[n_cg_roots++] = "/sys/fs/cgroup/pids";
	if (statfs("/sys/fs/cgroup/unified", &sf) == 0 &&
	    sf.f_type == CGROUP2_SUPER_MAGIC)
		cg_roots[n_cg_roots++] = "/sys/fs/cgroup/unified";
	if (n_cg_roots == 0)
		errx(EXIT_FAILURE,
		     "--cgroup: no pids or cgroup2 hierarchy found");
}

/* Create <root>/ctrtree-bench/gN, replacing an empty leftover. */
static void cg_create(unsigned groups)
{
	char path[PATH_MAX];

	for (unsigned r = 0; r < n_cg_roots; r++) {
		cg_path(path, sizeof(path), r, -1);
		if (mkdir(path, 0755) < 0 && errno != EEXIST)
			err(EXIT_FAILURE, "mkdir %s", path);
		for (unsigned g = 0; g < groups; g++) {
			cg_path(path, sizeof(path), r, (int)g);
			if (mkdir(path, 0755) == 0)
				continue;
			if (errno != EEXIST)
				err(EXIT_FAILURE, "mkdir %s", path);
			/* Left by a killed loadgen, or one still running? */
			if (rmdir(path) < 0 || mkdir(path, 0755) < 0)
				err(EXIT_FAILURE,
				    "%s is in use (another loadgen?)", path);
		}
	}
}

static void cg_remove(unsigned groups)
{
	char path[PATH_MAX];

	for (unsigned r = 0; r < n_cg_roots; r++) {
		int e;

		for (unsigned g = 0; g < groups; g++) {
			cg_path(path, sizeof(path), r, (int)g);
			e = cg_rmdir(path);
			if (e < 0) {
				errno = -e;
				warn("rmdir %s", path);
			}
		}
		/* Not ours alone if someone added to it: leave it then. */
		cg_path(path, sizeof(path), r, -1);
		if (rmdir(path) < 0 && errno != ENOENT && errno != ENOTEMPTY &&
		    errno != EBUSY)
			warn("rmdir %s", path);
	}
}

static void reap(struct state *s)
{
	for (;;) {
		int status;
		pid_t pid = waitpid(-1, &status, WNOHANG);

		if (pid <= 0)
			return;
		for (unsigned i = 0; i < s->n_leaders; i++) {
			if (s->leaders[i] != pid)
				continue;
			s->leaders[i] = 0;
			s->alive--;
			if (!s->stop && !s->failed) {
				warnx("group %u leader (pid %d) exited unexpectedly"
				      " (status 0x%x)",
				      i, pid, (unsigned)status);
				s->failed = true;
			}
			break;
		}
	}
}

/* Wait up to timeout_ms for signals and readiness bytes, and act on them. */
static void pump(struct state *s, int timeout_ms)
{
	struct pollfd p[2] = {
		{ .fd = s->sfd, .events = POLLIN },
		{ .fd = s->ready_rd, .events = POLLIN },
	};

	if (poll(p, 2, timeout_ms) < 0) {
		if (errno != EINTR)
			err(EXIT_FAILURE, "poll");
		return;
	}
	if (p[0].revents & POLLIN) {
		struct signalfd_siginfo si;

		while (read(s->sfd, &si, sizeof(si)) == sizeof(si)) {
			if (si.ssi_signo == SIGCHLD)
				reap(s);
			else
				s->stop = true;
		}
	}
	if (p[1].revents & (POLLIN | POLLHUP)) {
		char buf[4096];
		ssize_t n = read(s->ready_rd, buf, sizeof(buf));

		if (n == 0) {
			/* Every writer is gone: no more readiness will come. */
			if (s->ready < s->want && !s->stop && !s->failed) {
				warnx("only %u of %u processes became ready",
				      s->ready, s->want);
				s->failed = true;
			}
			close(s->ready_rd);
			s->ready_rd = -1;
		}
		for (ssize_t i = 0; i < n; i++) {
			if (buf[i] == 'R')
				s->ready++;
			else
				s->failed = true;
		}
	}
}

/* Kill every group we started and wait until they are gone. */
static void teardown(struct state *s)
{
	s->stop = true;
	for (unsigned i = 0; i < s->n_leaders; i++) {
		if (s->leaders[i] > 0)
			kill(s->leaders[i], SIGKILL);
	}
	for (unsigned i = 0; i < s->n_leaders; i++) {
		if (s->leaders[i] <= 0)
			continue;
		while (waitpid(s->leaders[i], NULL, 0) < 0 && errno == EINTR)
			;
		s->leaders[i] = 0;
		s->alive--;
	}
}

static void parse_args(int argc, char **argv, struct opts *o)
{
	enum { OPT_NET = 256, OPT_CGROUP, OPT_DIE };
	static const struct option longopts[] = {
		{ "groups", required_argument, NULL, 'g' },
		{ "per-group", required_argument, NULL, 'n' },
		{ "net", no_argument, NULL, OPT_NET },
		{ "cgroup", no_argument, NULL, OPT_CGROUP },
		{ "die-with-parent", no_argument, NULL, OPT_DIE },
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	int c;

	while ((c = getopt_long(argc, argv, "g:n:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'g':
			o->groups = parse_uint(optarg, "group count", 1);
			break;
		case 'n':
			o->per_group = parse_uint(optarg, "per-group count", 1);
			break;
		case OPT_NET:
			o->net = true;
			break;
		case OPT_CGROUP:
			o->cgroup = true;
			break;
		case OPT_DIE:
			o->die_with_parent = true;
			break;
		case 'h':
			usage(stdout);
			exit(EXIT_SUCCESS);
		default:
			fputs("Try 'loadgen --help'.\n", stderr);
			exit(2);
		}
	}
	if (optind != argc)
		errx(2, "unexpected argument '%s'; try 'loadgen --help'",
		     argv[optind]);
	if ((unsigned long)o->groups * o->per_group > 1000000)
		errx(2, "%u x %u processes is too many", o->groups,
		     o->per_group);
}

int main(int argc, char **argv)
{
	struct opts o = { .groups = 200, .per_group = 50 };
	struct state s = { .ready_rd = -1 };
	unsigned long flags = CLONE_NEWPID | CLONE_NEWUTS | CLONE_NEWIPC |
			      CLONE_NEWNS;
	_cleanup_close_ int main_pidfd = -1;
	int ready[2];
	sigset_t mask;
	pid_t ppid = getppid();

	/* Internal modes: this binary re-exec'd as a leader or a worker. */
	if (argc == 4 && strcmp(argv[1], "--internal-leader") == 0)
		leader_main(argv);
	if (argc == 4 && strcmp(argv[1], "--internal-worker") == 0)
		worker_main(argv);

	parse_args(argc, argv, &o);
	if (o.net)
		flags |= CLONE_NEWNET;
	if (geteuid() != 0)
		errx(EXIT_FAILURE, "needs root to create namespaces");

	/* Signals arrive through a signalfd so the main loop sees them all. */
	sigemptyset(&mask);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGHUP);
	sigaddset(&mask, SIGCHLD);
	if (sigprocmask(SIG_BLOCK, &mask, NULL) < 0)
		err(EXIT_FAILURE, "sigprocmask");
	s.sfd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
	if (s.sfd < 0)
		err(EXIT_FAILURE, "signalfd");
	/* A reader of "ready" that went away must not stop our cleanup. */
	signal(SIGPIPE, SIG_IGN);

	if (o.die_with_parent) {
		if (prctl(PR_SET_PDEATHSIG, SIGTERM) < 0)
			err(EXIT_FAILURE, "PR_SET_PDEATHSIG");
		if (getppid() != ppid)
			errx(EXIT_FAILURE, "parent exited already");
	}

	main_pidfd = (int)syscall(SYS_pidfd_open, getpid(), 0);
	if (main_pidfd < 0)
		err(EXIT_FAILURE, "pidfd_open");
	if (pipe2(ready, O_CLOEXEC) < 0)
		err(EXIT_FAILURE, "pipe2");
	s.ready_rd = ready[0];
	s.want = o.groups * o.per_group;
	s.leaders = calloc(o.groups, sizeof(*s.leaders));
	if (!s.leaders)
		err(EXIT_FAILURE, "calloc");

	if (o.cgroup) {
		cg_detect();
		cg_create(o.groups);
	}

	for (unsigned g = 0; g < o.groups && !s.stop && !s.failed; g++) {
		pid_t pid = raw_clone(flags);

		if (pid < 0) {
			warn("clone of group %u", g);
			s.failed = true;
			break;
		}
		if (pid == 0) {
			close(ready[0]);
			close(s.sfd);
			leader_exec(&o, g, ready[1], main_pidfd);
		}
		s.leaders[g] = pid;
		s.n_leaders = g + 1;
		s.alive++;
		pump(&s, 0);
	}
	/* From now on EOF on the pipe means every process has reported. */
	close(ready[1]);

	while (!s.stop && !s.failed && s.ready < s.want)
		pump(&s, -1);
	if (!s.stop && !s.failed) {
		printf("ready %u\n", s.ready);
		fflush(stdout);
		while (!s.stop && !s.failed)
			pump(&s, -1);
	}

	teardown(&s);
	if (o.cgroup)
		cg_remove(o.groups);
	free(s.leaders);
	if (s.failed)
		return EXIT_FAILURE;
	if (s.ready < s.want) {
		warnx("interrupted before all processes were ready");
		return EXIT_FAILURE;
	}
	return EXIT_SUCCESS;
}
