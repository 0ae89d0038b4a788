/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ns-attacker: a hostile process inside a container, for the nsenter-lite
 * live test.  It watches its pid namespace for the processes nsenter-lite
 * forks into it and tries what a compromised container would: ptrace
 * (PTRACE_SEIZE and PTRACE_ATTACH), and through /proc the environment,
 * the memory, the root and cwd links and the fd directory.  A process
 * whose comm is "nsenter-lite" (between its fork and its exec) is a
 * target (see is_target()); any process whose environment holds TOKEN
 * leaks it.
 *
 *   ns-attacker REPORT STOPFILE TOKEN
 *
 * The fork is caught by watching ns_last_pid and trying the next PIDs in a
 * tight loop, with a full /proc scan now and then.  Each success is added
 * to REPORT as soon as it happens ("success KIND PID" once per kind and
 * pid, "token PID"); when STOPFILE exists (or after 10 minutes) the totals
 * follow: "attempts N" (tries on a target), "targets N" (distinct target
 * pids) and "seen PID" for each.  A success on a target counts only if the
 * process was still a target after the try: a ptrace that worked because
 * the exec had happened meanwhile is not one.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define TARGET_COMM   "nsenter-lite"
#define MAX_PID       (1 << 22)
#define PF_FORKNOEXEC 0x00000040 /* include/linux/sched.h */

static unsigned char seen_target[MAX_PID / 8], checked[MAX_PID / 8];
static unsigned long attempts, targets;
static const char *token;
static FILE *report;
static pid_t self;

struct hit {
	char kind[12];
	int pid;
};
static struct hit hits[4096];
static size_t n_hits;

static bool bit(const unsigned char *set, int pid)
{
	return set[pid / 8] & (1u << (pid % 8));
}

static void set_bit(unsigned char *set, int pid)
{
	set[pid / 8] |= (unsigned char)(1u << (pid % 8));
}

static void success(const char *kind, int pid)
{
	for (size_t i = 0; i < n_hits; i++)
		if (hits[i].pid == pid && strcmp(hits[i].kind, kind) == 0)
			return;
	if (n_hits < sizeof(hits) / sizeof(hits[0])) {
		snprintf(hits[n_hits].kind, sizeof(hits[n_hits].kind), "%s", kind);
		hits[n_hits++].pid = pid;
	}
	fprintf(report, "success %s %d\n", kind, pid);
	fflush(report);
}

static ssize_t read_file(int pid, const char *what, char *buf, size_t size)
{
	char path[64];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/%s", pid, what);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n >= 0)
		buf[n] = '\0';
	return n;
}

/*
 * Is pid (still) a forked nsenter-lite that has not begun its exec?  The
 * comm alone would also match during the exec, in the instant after the
 * kernel has replaced the memory and closed the close-on-exec fds but
 * before it renames the process; PF_FORKNOEXEC (field 9 of stat, readable
 * by anyone) is cleared before that instant.
 */
static bool is_target(int pid)
{
	char comm[64], stat[1024], *p;
	unsigned long flags;
	ssize_t n = read_file(pid, "comm", comm, sizeof(comm));

	if (n <= 0)
		return false;
	comm[strcspn(comm, "\n")] = '\0';
	if (strcmp(comm, TARGET_COMM) != 0)
		return false;
	if (read_file(pid, "stat", stat, sizeof(stat)) <= 0 || !(p = strrchr(stat, ')')))
		return false;
	/* ") S ppid pgrp session tty_nr tpgid flags" */
	for (int field = 2; field < 9; field++) {
		p = strchr(p + 1, ' ');
		if (!p)
			return false;
	}
	flags = strtoul(p + 1, NULL, 10);
	return flags & PF_FORKNOEXEC;
}

static bool environ_has_token(int pid, bool *ret_read)
{
	static char buf[1 << 16];
	ssize_t n = read_file(pid, "environ", buf, sizeof(buf));

	*ret_read = n > 0;
	if (n <= 0)
		return false;
	return memmem(buf, (size_t)n, token, strlen(token)) != NULL;
}

/* Leave a tracee as it was: detached and running. */
static void untrace(int pid, bool attached)
{
	int st;

	if (attached) {
		/* PTRACE_ATTACH sent a SIGSTOP: wait for that stop.  An exec
		 * while attached queues a SIGTRAP that would kill the process
		 * after we leave: drop it, we test secrecy, not sabotage. */
		while (waitpid(pid, &st, __WALL) == pid && WIFSTOPPED(st) && WSTOPSIG(st) != SIGSTOP)
			ptrace(PTRACE_CONT, pid, 0, WSTOPSIG(st) == SIGTRAP ? 0 : WSTOPSIG(st));
	} else if (ptrace(PTRACE_INTERRUPT, pid, 0, 0) == 0) {
		waitpid(pid, &st, __WALL);
	}
	ptrace(PTRACE_DETACH, pid, 0, 0);
	kill(pid, SIGCONT);
}

static void attack(int pid)
{
	char buf[256], path[64];
	bool read_ok;
	DIR *d;
	int fd;

	attempts++;
	if (!bit(seen_target, pid)) {
		set_bit(seen_target, pid);
		targets++;
	}
	if (ptrace(PTRACE_SEIZE, pid, 0, 0) == 0) {
		bool still = is_target(pid);

		untrace(pid, false);
		if (still)
			success("seize", pid);
	}
	if (ptrace(PTRACE_ATTACH, pid, 0, 0) == 0) {
		bool still = is_target(pid);

		untrace(pid, true);
		if (still)
			success("attach", pid);
	}
	if (environ_has_token(pid, &read_ok))
		success("token", pid);
	if (read_ok && is_target(pid))
		success("environ", pid);
	snprintf(path, sizeof(path), "/proc/%d/mem", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		close(fd);
		if (is_target(pid))
			success("mem", pid);
	}
	snprintf(path, sizeof(path), "/proc/%d/root", pid);
	if (readlink(path, buf, sizeof(buf)) >= 0 && is_target(pid))
		success("root", pid);
	snprintf(path, sizeof(path), "/proc/%d/cwd", pid);
	if (readlink(path, buf, sizeof(buf)) >= 0 && is_target(pid))
		success("cwd", pid);
	snprintf(path, sizeof(path), "/proc/%d/fd", pid);
	d = opendir(path);
	if (d) {
		struct dirent *e;
		bool any = false;

		while ((e = readdir(d)))
			if (e->d_name[0] != '.')
				any = true;
		closedir(d);
		if (any && is_target(pid))
			success("fd", pid);
	}
}

static void probe(int pid)
{
	char path[32];
	bool read_ok;

	if (pid <= 1 || pid >= MAX_PID || pid == self)
		return;
	if (is_target(pid)) {
		attack(pid);
		return;
	}
	/* Anything else, once: does its environment carry the secret? */
	if (bit(checked, pid))
		return;
	snprintf(path, sizeof(path), "/proc/%d", pid);
	if (access(path, F_OK) < 0)
		return;
	set_bit(checked, pid);
	if (environ_has_token(pid, &read_ok))
		success("token", pid);
}

static void scan_all(void)
{
	DIR *d = opendir("/proc");
	struct dirent *e;

	if (!d)
		return;
	while ((e = readdir(d))) {
		char *end;
		long pid = strtol(e->d_name, &end, 10);

		if (*end == '\0' && pid > 0)
			probe((int)pid);
	}
	closedir(d);
}

static int last_pid(void)
{
	char buf[32];
	int fd = open("/proc/sys/kernel/ns_last_pid", O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	return (int)strtol(buf, NULL, 10);
}

int main(int argc, char **argv)
{
	time_t deadline = time(NULL) + 600;

	if (argc != 4) {
		fprintf(stderr, "usage: ns-attacker REPORT STOPFILE TOKEN\n");
		return 2;
	}
	token = argv[3];
	self = getpid();
	report = fopen(argv[1], "w");
	if (!report) {
		perror(argv[1]);
		return 1;
	}
	fprintf(report, "started %d\n", self);
	fflush(report);
	for (unsigned long iter = 0;; iter++) {
		int last;

		if ((iter & 1023) == 0) {
			if (access(argv[2], F_OK) == 0 || time(NULL) > deadline)
				break;
			scan_all();
		}
		last = last_pid();
		for (int p = last - 1; last > 0 && p <= last + 2; p++)
			probe(p);
	}
	fprintf(report, "attempts %lu\ntargets %lu\n", attempts, targets);
	for (int p = 0; p < MAX_PID; p++)
		if (bit(seen_target, p))
			fprintf(report, "seen %d\n", p);
	fprintf(report, "done\n");
	return fclose(report) == 0 ? 0 : 1;
}
