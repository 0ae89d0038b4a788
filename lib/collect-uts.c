/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The last fallback for a container's name: the hostname of its UTS
 * namespace.  No file in /proc shows another namespace's hostname, so a
 * forked helper joins each UTS namespace in turn (setns through a checked
 * pidfd), asks uname(2) and writes the answer back over a pipe.  The helper
 * is not dumpable, runs nothing, joins nothing but UTS namespaces, and is
 * bounded in time: a process of ours that stays is killed by its PID.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "collect-runtime.h"
#include "pidfd.h"
#include "util.h"

#define HOSTNAME_TIMEOUT_MS 2000
#define MAX_UTS_TARGETS     4096

struct uts_target {
	int pid;
	uint64_t ino;
	int pidfd;
};

/* One answer: fixed size, below PIPE_BUF, so each write is atomic. */
struct uts_answer {
	uint32_t index;
	int32_t error;
	char nodename[sizeof(((struct utsname *)0)->nodename)];
};

static bool is_pidns_init(const struct ct_snapshot *s, const struct ct_proc *p)
{
	return p->n_nspid > 1 && p->nspid[p->n_nspid - 1] == 1 &&
	       !ct_ns_equal(&p->ns[CT_NS_PID], &s->host.host_ns[CT_NS_PID]);
}

/* The first init of a pid namespace in each UTS namespace other than the
 * host's. */
static size_t pick_targets(const struct ct_snapshot *s, struct uts_target *t, size_t max)
{
	size_t n = 0;

	for (size_t i = 0; i < s->n_procs && n < max; i++) {
		const struct ct_proc *p = &s->procs[i];
		bool dup = false;

		if ((p->flags & CT_PROC_THREAD) || !ct_ns_known(&p->ns[CT_NS_UTS]) ||
		    ct_ns_equal(&p->ns[CT_NS_UTS], &s->host.host_ns[CT_NS_UTS]) || !is_pidns_init(s, p))
			continue;
		for (size_t k = 0; k < n && !dup; k++)
			dup = t[k].ino == p->ns[CT_NS_UTS].ino;
		if (dup)
			continue;
		t[n++] = (struct uts_target){ .pid = p->pid, .ino = p->ns[CT_NS_UTS].ino, .pidfd = -1 };
	}
	return n;
}

static int join_uts(const struct uts_target *t)
{
	_cleanup_close_ int nsfd = -1;

	if (setns(t->pidfd, CLONE_NEWUTS) == 0)
		return 0;
	if (errno != EINVAL)
		return -errno;
	/* Kernels before 5.8 take only namespace fds. */
	nsfd = ct_pidfd_ns_open(t->pidfd, t->pid, "uts");
	if (nsfd < 0)
		return nsfd;
	return setns(nsfd, CLONE_NEWUTS) < 0 ? -errno : 0;
}

/* Close every fd from 3 up but out and the pidfds: what the tool was
 * started with (a caller's files and directories) does not visit. */
static void close_other_fds(const struct uts_target *t, size_t n, int out)
{
	_cleanup_free_ bool *keep = NULL;
	int max = out;

	for (size_t i = 0; i < n; i++)
		if (t[i].pidfd > max)
			max = t[i].pidfd;
	keep = xcalloc((size_t)max + 1, sizeof(*keep));
	keep[out] = true;
	for (size_t i = 0; i < n; i++)
		if (t[i].pidfd >= 0)
			keep[t[i].pidfd] = true;
	for (int fd = 3; fd < max; fd++)
		if (!keep[fd])
			close(fd);
	close_range((unsigned)max + 1, ~0U, 0);
}

_noreturn_ static void helper(const struct uts_target *t, size_t n, int out)
{
	/* Nothing in a container may ptrace or read us while we visit. */
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
		_exit(1);
	close_other_fds(t, n, out);
	for (size_t i = 0; i < n; i++) {
		struct uts_answer a = { .index = (uint32_t)i };
		struct utsname u;

		if (t[i].pidfd < 0)
			continue;
		a.error = join_uts(&t[i]);
		if (a.error == 0 && uname(&u) < 0)
			a.error = -errno;
		if (a.error == 0)
			memcpy(a.nodename, u.nodename, sizeof(a.nodename));
		if (write(out, &a, sizeof(a)) != (ssize_t)sizeof(a))
			_exit(1);
	}
	_exit(0);
}

static void record(struct ct_snapshot *s, const struct uts_target *t, const struct uts_answer *a)
{
	char path[64];
	size_t len = strnlen(a->nodename, sizeof(a->nodename));

	snprintf(path, sizeof(path), CT_UTS_HOSTNAME_FMT, (unsigned long long)t->ino);
	s->files = xreallocarray(s->files, s->n_files + 1, sizeof(*s->files));
	s->files[s->n_files++] = (struct ct_state_file){
		.path = ct_arena_strdup(&s->arena, path),
		.error = a->error,
		.data = a->error ? NULL : ct_arena_strndup(&s->arena, a->nodename, len),
		.len = a->error ? 0 : len,
	};
}

void ct_collect_hostnames(struct ct_snapshot *s)
{
	_cleanup_free_ struct uts_target *t = xcalloc(MAX_UTS_TARGETS, sizeof(*t));
	size_t n = pick_targets(s, t, MAX_UTS_TARGETS), opened = 0, got = 0;
	int pipefd[2] = { -1, -1 };
	long deadline;
	pid_t child;

	for (size_t i = 0; i < n; i++) {
		const struct ct_proc *p = &s->procs[ct_snapshot_find(s, t[i].pid)];

		t[i].pidfd = ct_pidfd_open_checked(t[i].pid, p->start_time, NULL);
		if (t[i].pidfd >= 0)
			opened++;
	}
	if (!opened)
		goto out;
	if (pipe2(pipefd, O_CLOEXEC) < 0)
		goto out;
	child = fork();
	if (child < 0) {
		ct_debug("uts", "fork: %s", strerror(errno));
		goto out;
	}
	if (child == 0) {
		close(pipefd[0]);
		helper(t, n, pipefd[1]);
	}
	close(pipefd[1]);
	pipefd[1] = -1;

	deadline = (long)(ct_now_ns() / 1000000) + HOSTNAME_TIMEOUT_MS;
	while (got < opened) {
		struct pollfd pfd = { .fd = pipefd[0], .events = POLLIN };
		long left = deadline - (long)(ct_now_ns() / 1000000);
		struct uts_answer a;
		ssize_t r;

		if (left <= 0 || poll(&pfd, 1, (int)left) <= 0)
			break;
		r = read(pipefd[0], &a, sizeof(a));
		if (r != (ssize_t)sizeof(a) || a.index >= n)
			break;
		record(s, &t[a.index], &a);
		got++;
	}
	if (got < opened) {
		ct_debug("uts", "hostname helper %d answered %zu of %zu; ending it", (int)child, got, opened);
		kill(child, SIGKILL);
	}
	while (waitpid(child, NULL, 0) < 0 && errno == EINTR)
		;
out:
	for (size_t i = 0; i < n; i++)
		if (t[i].pidfd >= 0)
			close(t[i].pidfd);
	if (pipefd[0] >= 0)
		close(pipefd[0]);
	if (pipefd[1] >= 0)
		close(pipefd[1]);
}
