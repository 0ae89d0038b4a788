/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * pid-reuse: force a PID to be reused inside a chosen window of a tool's
 * run, many times, and record who was who.
 *
 *   pid-reuse -m scan|enter -n TRIALS -o OUTDIR [-w W] [-A NETNS] [-B NETNS] -- CMD ARG...
 *
 * It unshares a PID and a mount namespace and mounts that namespace's own
 * /proc, so that each scan sees a handful of processes and ns_last_pid is
 * ours.  In each trial a victim process is started, CMD is run under
 * ptrace (every "{pid}" and "{start}" in its arguments replaced by the
 * victim's PID and start time), and when CMD reaches the trial's window the
 * victim is killed and reaped, ns_last_pid set to victim-1 and a
 * replacement forked: same PID, other comm, argv, start time and namespace.  Windows (trial T uses window T % count):
 *
 *   scan:  0 entry of openat(/proc fd, "PID")  (listed, not yet opened)
 *          1 exit of that openat               (opened, nothing read)
 *          2 entry of openat(PID fd, "status") (stat read, status not)
 *          3 entry of openat(PID fd, "cgroup") (argv read, cgroup not)
 *          4 entry of readlinkat(PID fd, "ns/...") (files read, ns not)
 *   enter: 0 entry of pidfd_open(PID)
 *          1 exit of pidfd_open(PID)
 *          2 exit of openat("/proc/PID/stat")   (before the start time is read)
 *          3 entry of openat("/proc/PID/ns/net")
 *          4 entry of the first setns()
 *
 * -w W uses window W in every trial.
 *
 * The victim and the replacement are in different UTS namespaces (scan)
 * or in the network namespaces NETNS A and B (enter).  OUTDIR/T.out and
 * T.err hold CMD's output; OUTDIR/manifest one tab-separated line a trial:
 *
 *   trial window hit pid  v_start v_comm v_cmdline v_ns  r_start r_comm r_cmdline r_ns  status
 *
 * hit is 1 when the window was reached and the replacement got the PID;
 * the identities are read from /proc/PID/{stat,cmdline} and stat(2) of
 * /proc/PID/ns/{uts,net}; status is CMD's wait status.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif

/* <linux/ptrace.h> clashes with <sys/ptrace.h>: its struct, by hand. */
struct syscall_info {
	uint8_t op;
	uint8_t pad[3];
	uint32_t arch;
	uint64_t ip, sp;
	union {
		struct {
			uint64_t nr, args[6];
		} entry;
		struct {
			int64_t rval;
			uint8_t is_error;
		} exit;
		uint64_t seccomp[8];
	};
};
#define INFO_ENTRY 1
#define INFO_EXIT 2
#define INFO_SECCOMP 3

enum mode { SCAN, ENTER };

struct ident {
	unsigned long long start;
	char comm[64];
	char cmdline[256];
	unsigned long long ns;
};

static enum mode mode;
static int netns_a = -1, netns_b = -1;
static char self_exe[PATH_MAX];
static int only_window = -1;

static void die(const char *what)
{
	fprintf(stderr, "pid-reuse: %s: %s\n", what, strerror(errno));
	exit(2);
}

/* The sleeper: named NAME, argv "... sleeper NAME TAG"; says ready on fd 3. */
static int sleeper(char **argv)
{
	prctl(PR_SET_NAME, argv[2], 0, 0, 0);
	if (write(3, "r", 1) != 1)
		return 1;
	close(3);
	for (;;)
		pause();
}

static pid_t spawn(const char *name, int trial, int nsfd)
{
	char tag[64];
	int p[2];
	pid_t pid;
	char c;

	if (pipe2(p, O_CLOEXEC) < 0)
		die("pipe");
	snprintf(tag, sizeof(tag), "%s-%d", name, trial);
	pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0) {
		if (mode == SCAN && strcmp(name, "replacement") == 0 && unshare(CLONE_NEWUTS) < 0)
			_exit(127);
		if (nsfd >= 0 && setns(nsfd, CLONE_NEWNET) < 0)
			_exit(127);
		if (dup2(p[1], 3) < 0)
			_exit(127);
		execl(self_exe, "pid-reuse", "sleeper", name, tag, (char *)NULL);
		_exit(127);
	}
	close(p[1]);
	if (read(p[0], &c, 1) != 1) {
		fprintf(stderr, "pid-reuse: the %s did not start\n", name);
		exit(2);
	}
	close(p[0]);
	return pid;
}

static ssize_t read_file(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n < 0)
		return -1;
	buf[n] = '\0';
	return n;
}

static int identify(pid_t pid, struct ident *id)
{
	char path[64], buf[1024], *l, *r, *f;
	struct stat st;
	ssize_t n;
	int k;

	memset(id, 0, sizeof(*id));
	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	if (read_file(path, buf, sizeof(buf)) < 0 || !(l = strchr(buf, '(')) || !(r = strrchr(buf, ')')))
		return -1;
	snprintf(id->comm, sizeof(id->comm), "%.*s", (int)(r - l - 1), l + 1);
	/* Field 22 is the 20th after the ")". */
	f = r + 2;
	for (k = 3; k < 22 && f; k++)
		f = strchr(f, ' ') ? strchr(f, ' ') + 1 : NULL;
	if (!f)
		return -1;
	id->start = strtoull(f, NULL, 10);
	snprintf(path, sizeof(path), "/proc/%d/cmdline", pid);
	n = read_file(path, id->cmdline, sizeof(id->cmdline));
	for (ssize_t i = 0; i < n - 1; i++)
		if (id->cmdline[i] == '\0')
			id->cmdline[i] = ' ';
	snprintf(path, sizeof(path), "/proc/%d/ns/%s", pid, mode == SCAN ? "uts" : "net");
	if (stat(path, &st) < 0)
		return -1;
	id->ns = st.st_ino;
	return 0;
}

static unsigned long long now_ticks(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_BOOTTIME, &ts);
	return ((unsigned long long)ts.tv_sec * 1000000000ULL + (unsigned long long)ts.tv_nsec) /
	       (1000000000ULL / (unsigned long long)sysconf(_SC_CLK_TCK));
}

/* Kill and reap the victim, make its PID the next one, start the replacement. */
static pid_t swap(pid_t victim, const struct ident *vid, int trial)
{
	char buf[32];
	int fd, n;

	if (kill(victim, SIGKILL) < 0 || waitpid(victim, NULL, 0) != victim)
		die("killing the victim");
	/* A different start time: wait for the clock tick to change. */
	while (now_ticks() <= vid->start)
		usleep(1000);
	fd = open("/proc/sys/kernel/ns_last_pid", O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		die("ns_last_pid");
	n = snprintf(buf, sizeof(buf), "%d", victim - 1);
	if (write(fd, buf, (size_t)n) != n)
		die("writing ns_last_pid");
	close(fd);
	return spawn("replacement", trial, netns_b);
}

static int read_str(pid_t pid, uint64_t addr, char *buf, size_t size)
{
	size_t i = 0;

	while (i + sizeof(long) < size) {
		long w;

		errno = 0;
		w = ptrace(PTRACE_PEEKDATA, pid, (void *)(addr + i), NULL);
		if (errno)
			return -1;
		memcpy(buf + i, &w, sizeof(w));
		if (memchr(&w, '\0', sizeof(w)))
			return 0;
		i += sizeof(w);
	}
	buf[i] = '\0';
	return 0;
}

struct watch {
	int window;
	pid_t victim;
	char pidstr[16];
	char stat_path[64], net_path[64];
	uint64_t nr; /* of the syscall being stopped in */
	bool pending; /* its entry matched: look at its exit */
	long vfd; /* the tracee's fd of /proc/PID */
};

/* Is this stop the trial's window? */
static bool in_window(struct watch *w, pid_t t, const struct syscall_info *si)
{
	char path[128] = "";

	if (si->op == INFO_EXIT) {
		bool pending = w->pending;

		w->pending = false;
		if (!pending)
			return false;
		if (mode == SCAN) {
			w->vfd = si->exit.rval;
			return w->window == 1 && si->exit.rval >= 0;
		}
		return (w->window == 1 && w->nr == SYS_pidfd_open) || (w->window == 2 && w->nr == SYS_openat);
	}
	if (si->op != INFO_ENTRY && si->op != INFO_SECCOMP)
		return false;
	w->nr = si->entry.nr;
	if (w->nr == SYS_openat || w->nr == SYS_readlinkat)
		if (read_str(t, si->entry.args[1], path, sizeof(path)) < 0)
			return false;
	if (mode == SCAN) {
		if (w->nr == SYS_openat && strcmp(path, w->pidstr) == 0 && (si->entry.args[2] & O_DIRECTORY)) {
			w->pending = true;
			return w->window == 0;
		}
		if (w->vfd >= 0 && (long)si->entry.args[0] == w->vfd) {
			if (w->window == 2 && w->nr == SYS_openat && strcmp(path, "status") == 0)
				return true;
			if (w->window == 3 && w->nr == SYS_openat && strcmp(path, "cgroup") == 0)
				return true;
			if (w->window == 4 && w->nr == SYS_readlinkat && strncmp(path, "ns/", 3) == 0)
				return true;
		}
		return false;
	}
	if (w->nr == SYS_pidfd_open && (pid_t)si->entry.args[0] == w->victim) {
		w->pending = true;
		return w->window == 0;
	}
	if (w->nr == SYS_openat && strcmp(path, w->stat_path) == 0) {
		w->pending = true;
		return false;
	}
	if (w->nr == SYS_openat && strcmp(path, w->net_path) == 0)
		return w->window == 3;
	return w->nr == SYS_setns && w->window == 4;
}

static void subst(char *out, size_t size, const char *arg, pid_t pid, unsigned long long start)
{
	size_t o = 0;

	while (*arg && o + 24 < size) {
		if (strncmp(arg, "{pid}", 5) == 0) {
			o += (size_t)snprintf(out + o, size - o, "%d", pid);
			arg += 5;
		} else if (strncmp(arg, "{start}", 7) == 0) {
			o += (size_t)snprintf(out + o, size - o, "%llu", start);
			arg += 7;
		} else {
			out[o++] = *arg++;
		}
	}
	out[o] = '\0';
}

/*
 * Stop CMD only at the calls a window can be in (a seccomp filter returning
 * SECCOMP_RET_TRACE): a stop at every system call would make a trial cost
 * several times its run.  Test-only: the filter does not look at the arch.
 */
static int trace_only_watched(void)
{
	struct sock_filter f[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_openat, 4, 0),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_readlinkat, 3, 0),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_pidfd_open, 2, 0),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_setns, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_TRACE),
	};
	struct sock_fprog prog = { .len = sizeof(f) / sizeof(f[0]), .filter = f };

	return prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog, 0, 0);
}

static pid_t start_tracee(char **cmd, const char *outdir, int trial, pid_t victim, unsigned long long start)
{
	char path[PATH_MAX];
	int argc = 0, st;
	pid_t pid;

	while (cmd[argc])
		argc++;
	pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0) {
		char **argv = calloc((size_t)argc + 1, sizeof(char *));
		int fd;

		if (!argv)
			_exit(127);
		for (int i = 0; i < argc; i++) {
			if (!(argv[i] = malloc(512)))
				_exit(127);
			subst(argv[i], 512, cmd[i], victim, start);
		}
		snprintf(path, sizeof(path), "%s/%d.out", outdir, trial);
		fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		if (fd < 0 || dup2(fd, 1) < 0)
			_exit(127);
		snprintf(path, sizeof(path), "%s/%d.err", outdir, trial);
		fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		if (fd < 0 || dup2(fd, 2) < 0)
			_exit(127);
		fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
		if (fd < 0 || dup2(fd, 0) < 0)
			_exit(127);
		if (ptrace(PTRACE_TRACEME, 0, NULL, NULL) < 0 || trace_only_watched() < 0)
			_exit(127);
		execvp(argv[0], argv);
		_exit(127);
	}
	/* The exec stops it with SIGTRAP. */
	if (waitpid(pid, &st, __WALL) != pid || !WIFSTOPPED(st))
		die("starting the command under ptrace");
	if (ptrace(PTRACE_SETOPTIONS, pid, NULL,
		   (void *)(long)(PTRACE_O_TRACESYSGOOD | PTRACE_O_EXITKILL | PTRACE_O_TRACEEXEC |
				   PTRACE_O_TRACESECCOMP)) < 0)
		die("PTRACE_SETOPTIONS");
	return pid;
}

static void fprint_ident(FILE *f, const struct ident *id)
{
	fprintf(f, "\t%llu\t%s\t%s\t%llu", id->start, id->comm, id->cmdline, id->ns);
}

static int run(int trials, const char *outdir, char **cmd, int windows)
{
	char path[PATH_MAX];
	FILE *manifest;
	pid_t keeper;

	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		die("making mounts private");
	if (mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
		die("mounting /proc");
	snprintf(path, sizeof(path), "%s/manifest", outdir);
	manifest = fopen(path, "we");
	if (!manifest)
		die(path);
	/* PID 2 is looked at by every scan (kthreadd on a host): keep it taken. */
	keeper = spawn("keeper", 0, netns_a);

	for (int trial = 0; trial < trials; trial++) {
		struct watch w = { .window = only_window >= 0 ? only_window : trial % windows, .vfd = -1 };
		struct ident vid, rid = { 0 };
		pid_t victim, tracee, repl = -1;
		int st, sig = 0;

		victim = spawn("victim", trial, netns_a);
		if (identify(victim, &vid) < 0)
			die("reading the victim");
		w.victim = victim;
		snprintf(w.pidstr, sizeof(w.pidstr), "%d", victim);
		snprintf(w.stat_path, sizeof(w.stat_path), "/proc/%d/stat", victim);
		snprintf(w.net_path, sizeof(w.net_path), "/proc/%d/ns/net", victim);
		tracee = start_tracee(cmd, outdir, trial, victim, vid.start);
		for (;;) {
			struct syscall_info si;
			bool seccomp_stop;

			/* To the next watched call; to its exit when asked for. */
			if (ptrace(w.pending ? PTRACE_SYSCALL : PTRACE_CONT, tracee, NULL, (void *)(long)sig) < 0)
				die("PTRACE_CONT");
			sig = 0;
			if (waitpid(tracee, &st, __WALL) != tracee)
				die("waitpid");
			if (WIFEXITED(st) || WIFSIGNALED(st))
				break;
			seccomp_stop = st >> 8 == (SIGTRAP | (PTRACE_EVENT_SECCOMP << 8));
			if (WSTOPSIG(st) != (SIGTRAP | 0x80) && !seccomp_stop) {
				/* Another event stop, or a signal to pass on. */
				if (st >> 16 == 0 && WSTOPSIG(st) != SIGTRAP)
					sig = WSTOPSIG(st);
				continue;
			}
			if (ptrace(PTRACE_GET_SYSCALL_INFO, tracee, (void *)sizeof(si), &si) <= 0)
				die("PTRACE_GET_SYSCALL_INFO");
			/* Never detach: the filter would then fail the watched calls. */
			if (repl > 0 || !in_window(&w, tracee, &si))
				continue;
			repl = swap(victim, &vid, trial);
			victim = -1;
			if (identify(repl, &rid) < 0)
				die("reading the replacement");
		}
		fprintf(manifest, "%d\t%d\t%d\t%s", trial, w.window, repl == w.victim, w.pidstr);
		fprint_ident(manifest, &vid);
		fprint_ident(manifest, &rid);
		fprintf(manifest, "\t%d\n", st);
		if (victim > 0) {
			kill(victim, SIGKILL);
			waitpid(victim, NULL, 0);
		}
		if (repl > 0) {
			kill(repl, SIGKILL);
			waitpid(repl, NULL, 0);
		}
		/* Anything CMD left behind is ours now. */
		while (waitpid(-1, NULL, WNOHANG) > 0)
			;
	}
	kill(keeper, SIGKILL);
	return fclose(manifest) == 0 ? 0 : 2;
}

int main(int argc, char **argv)
{
	const char *outdir = NULL;
	int trials = 100, c, st;
	ssize_t n;
	pid_t pid;

	if (argc >= 4 && strcmp(argv[1], "sleeper") == 0)
		return sleeper(argv);
	while ((c = getopt(argc, argv, "+m:n:o:w:A:B:")) != -1) {
		switch (c) {
		case 'm':
			mode = strcmp(optarg, "enter") == 0 ? ENTER : SCAN;
			break;
		case 'n':
			trials = atoi(optarg);
			break;
		case 'o':
			outdir = optarg;
			break;
		case 'w':
			only_window = atoi(optarg);
			break;
		case 'A':
			if ((netns_a = open(optarg, O_RDONLY | O_CLOEXEC)) < 0)
				die(optarg);
			break;
		case 'B':
			if ((netns_b = open(optarg, O_RDONLY | O_CLOEXEC)) < 0)
				die(optarg);
			break;
		default:
			return 2;
		}
	}
	if (!outdir || optind >= argc || trials <= 0 || (mode == ENTER && (netns_a < 0 || netns_b < 0))) {
		fputs("usage: pid-reuse -m scan|enter -n TRIALS -o OUTDIR [-w W] [-A NETNS -B NETNS] -- CMD ARG...\n",
		      stderr);
		return 2;
	}
	n = readlink("/proc/self/exe", self_exe, sizeof(self_exe) - 1);
	if (n < 0)
		die("/proc/self/exe");
	self_exe[n] = '\0';
	if (unshare(CLONE_NEWPID | CLONE_NEWNS) < 0)
		die("unshare");
	pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0) {
		/* PID 1 of the new namespace: all of it dies with us. */
		prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
		_exit(run(trials, outdir, argv + optind, 5));
	}
	if (waitpid(pid, &st, 0) != pid)
		die("waitpid");
	return WIFEXITED(st) ? WEXITSTATUS(st) : 2;
}
