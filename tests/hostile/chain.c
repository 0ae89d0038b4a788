/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * chain N: a chain of N processes, each the parent of the next and waiting
 * for it, the first one leading a new process group.  The last one prints
 * its PID and then sleeps until killed ("kill -KILL -- -FIRST" ends all).
 * When a process's child dies, it exits too.
 *
 * The processes share one address space (clone(CLONE_VM) without
 * CLONE_THREAD: separate processes, each on its own small stack).  Forked
 * copies would each clone the anon_vma chain of all their ancestors, and a
 * chain of 50,000 would take the kernel many minutes to build and to tear
 * down.
 */
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#define STACK_SIZE (16 * 1024)

static int n;
static char *stacks;

static int level(void *arg)
{
	int depth = (int)(long)arg;
	pid_t pid;

	if (depth == n) {
		printf("%d\n", (int)getpid());
		fflush(stdout);
		for (;;)
			pause();
	}
	pid = clone(level, stacks + (size_t)(depth + 1) * STACK_SIZE, CLONE_VM | SIGCHLD, (void *)(long)(depth + 1));
	if (pid < 0) {
		fprintf(stderr, "chain: clone at depth %d failed\n", depth);
		_exit(1);
	}
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
	_exit(0);
}

int main(int argc, char **argv)
{
	n = argc == 2 ? atoi(argv[1]) : 0;
	if (n <= 0) {
		fputs("usage: chain N\n", stderr);
		return 2;
	}
	setpgid(0, 0);
	/* Stack k (growing down) ends at stacks + k * STACK_SIZE. */
	stacks = mmap(NULL, (size_t)(n + 1) * STACK_SIZE, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (stacks == MAP_FAILED) {
		perror("chain: mmap");
		return 1;
	}
	level((void *)1L);
	return 0;
}
