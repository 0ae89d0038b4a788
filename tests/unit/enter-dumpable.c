/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * enter-dumpable: the deliberately unsafe control of tests/live/attack.t.
 * It enters a process as "nsenter-lite -a PID COMMAND..." does, through
 * the same lib/enter.c calls in the same order (target by pidfd, every
 * namespace opened, joined, then a fork for the pid namespace and the
 * exec), with two differences: once joined it makes itself dumpable again,
 * so that the container's root may ptrace it and read its /proc files; and
 * COMMAND is always the host's binary, as without -m (attack.t runs
 * /bin/true, which the busybox rootfs has at the same path).
 * Its comm is "nsenter-lite", which is what the attacker looks for.  If
 * the attacker cannot catch this one, its zero against the real
 * nsenter-lite proves nothing.  Never installed; not a knob of nsenter-lite.
 *
 *   enter-dumpable PID COMMAND [ARG...]
 */
#include <err.h>
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "enter.h"
#include "util.h"

extern char **environ;

int main(int argc, char **argv)
{
	struct ct_enter_target t = CT_ENTER_TARGET_INIT;
	struct ct_enter_nsset ns;
	_cleanup_free_ char *host_exe = NULL, *error = NULL;
	_cleanup_free_ char **envp = NULL;
	struct ct_enter_exec x;
	uint64_t start;
	bool has_start;
	int pid, status;
	pid_t child;

	if (argc < 3 || ct_enter_parse_pid(argv[1], &pid, &start, &has_start) < 0)
		errx(125, "usage: enter-dumpable PID COMMAND [ARG...]");
	if (prctl(PR_SET_NAME, "nsenter-lite", 0, 0, 0) < 0)
		err(125, "PR_SET_NAME");
	if (ct_enter_target_open(pid, start, has_start, &t, &error) < 0 ||
	    ct_enter_ns_open(&t, CT_ENTER_NS_ALL, CT_ENTER_SKIP_UNSUPPORTED, &ns, &error) < 0)
		errx(125, "%s", error ? error : "out of memory");
	if (ct_enter_find_command(argv[2], CT_ENTER_SAFE_PATH, &host_exe) < 0)
		errx(127, "%s: not found", argv[2]);
	envp = ct_enter_env(environ, false);
	if (ct_enter_ns_join(&ns, &t, &error) < 0)
		errx(125, "%s", error ? error : "out of memory");
	ct_enter_nsset_clear(&ns);
	/* The one difference from nsenter-lite. */
	if (prctl(PR_SET_DUMPABLE, 1, 0, 0, 0) < 0)
		err(125, "PR_SET_DUMPABLE");

	x = (struct ct_enter_exec){
		.argv = argv + 2,
		.envp = envp,
		.path = CT_ENTER_SAFE_PATH,
		.host_exe = host_exe,
		.exe_fd = -1,
		.root_fd = -1,
		.wd_fd = -1,
		.private_proc = ns.ns[CT_NS_PID].joined && !ns.ns[CT_NS_MNT].requested,
	};
	ct_enter_target_clear(&t);
	child = fork();
	if (child < 0)
		err(125, "fork");
	if (child == 0) {
		if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0)
			_exit(125);
		ct_enter_exec(&x, &status, &error);
		_exit(status);
	}
	while (waitpid(child, &status, 0) < 0)
		if (errno != EINTR)
			err(125, "waitpid");
	/* As nsenter-lite's leave(): no exit() after joining a pid namespace. */
	_exit(WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
}
