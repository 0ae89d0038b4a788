/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Inside the container: the init (PID 1 of the new pid namespace), which
 * builds the container's view of the world and then either becomes the
 * command (--no-init) or stays as a tini-like reaper; and the processes
 * `exec` starts, which join an existing container.
 */
#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "ctrrun.h"

extern char **environ;

/* Signals the init passes on to the command, as tini does. */
static const int forwarded[] = { SIGTERM, SIGINT,  SIGHUP,  SIGQUIT,
				 SIGUSR1, SIGUSR2, SIGWINCH };

/*
 * Container root under --userns: uid/gid 0 of the namespace.  Until now
 * the process kept its host ids (unmapped there), which is what let it
 * reach a rootfs below a root-only directory.
 */
static int become_root(struct cr_error *e)
{
	if (setgroups(0, NULL) < 0)
		return cr_fail(e, -errno, "setgroups");
	if (setresgid(0, 0, 0) < 0)
		return cr_fail(e, -errno, "setresgid 0");
	if (setresuid(0, 0, 0) < 0)
		return cr_fail(e, -errno, "setresuid 0");
	return 0;
}

/* A small /dev: a tmpfs with the host's harmless device nodes bound in. */
static int setup_dev(const char *rootfs, struct cr_error *e)
{
	static const char *const nodes[] = { "null",   "zero",	  "full",
					     "random", "urandom", "tty" };
	static const char *const links[][2] = {
		{ "/proc/self/fd", "dev/fd" },
		{ "/proc/self/fd/0", "dev/stdin" },
		{ "/proc/self/fd/1", "dev/stdout" },
		{ "/proc/self/fd/2", "dev/stderr" },
	};

	if (mount("tmpfs", "dev", "tmpfs", MS_NOSUID | MS_NOEXEC,
		  "mode=755,size=64k") < 0)
		return cr_fail(e, -errno, "mount tmpfs on %s/dev", rootfs);
	for (size_t i = 0; i < ARRAY_SIZE(nodes); i++) {
		char host[32], path[32];
		int fd;

		snprintf(host, sizeof(host), "/dev/%s", nodes[i]);
		snprintf(path, sizeof(path), "dev/%s", nodes[i]);
		if (access(host, F_OK) < 0)
			continue;
		/* mknod is not allowed in a user namespace; bind mounts are. */
		fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0666);
		if (fd < 0)
			return cr_fail(e, -errno, "create %s", path);
		close(fd);
		if (mount(host, path, NULL, MS_BIND, NULL) < 0)
			return cr_fail(e, -errno, "bind %s", host);
	}
	for (size_t i = 0; i < ARRAY_SIZE(links); i++)
		if (symlink(links[i][0], links[i][1]) < 0)
			return cr_fail(e, -errno, "symlink %s", links[i][1]);
	if (mkdir("dev/shm", 01777) < 0 || chmod("dev/shm", 01777) < 0 ||
	    mkdir("dev/pts", 0755) < 0)
		return cr_fail(e, -errno, "mkdir in dev");
	return 0;
}

static int setup_rootfs(const struct cr_config *cfg, struct cr_error *e)
{
	struct stat st;

	/* pivot_root needs the new root to be a mount point. */
	if (mount(cfg->rootfs, cfg->rootfs, NULL, MS_BIND | MS_REC, NULL) < 0)
		return cr_fail(e, -errno, "bind mount %s", cfg->rootfs);
	if (chdir(cfg->rootfs) < 0)
		return cr_fail(e, -errno, "chdir %s", cfg->rootfs);
	/* From here on only paths inside the rootfs: relative to ".". */
	if (cfg->userns && become_root(e) < 0)
		return -e->errnum;
	if (mount("proc", "proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC,
		  NULL) < 0)
		return cr_fail(e, -errno, "mount proc on %s/proc", cfg->rootfs);
	if (stat("sys", &st) == 0 && S_ISDIR(st.st_mode) &&
	    mount("sysfs", "sys", "sysfs",
		  MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
		return cr_fail(e, -errno, "mount sysfs on %s/sys", cfg->rootfs);
	if (setup_dev(cfg->rootfs, e) < 0)
		return -e->errnum;
	/* Stack the old root on the new one, then detach it (as runc does). */
	if (syscall(SYS_pivot_root, ".", ".") < 0)
		return cr_fail(e, -errno, "pivot_root %s", cfg->rootfs);
	if (umount2(".", MNT_DETACH) < 0)
		return cr_fail(e, -errno, "detach the old root");
	if (chdir("/") < 0)
		return cr_fail(e, -errno, "chdir /");
	return 0;
}

static int setup_container(const struct cr_config *cfg, struct cr_error *e)
{
	int r;

	/*
	 * Only now, with the supervisor having moved us into our cgroups,
	 * does the cgroup namespace get its root there.
	 */
	if (unshare(CLONE_NEWCGROUP) < 0)
		return cr_fail(e, -errno, "unshare cgroup namespace");
	/* Nothing we mount may propagate back to the host. */
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		return cr_fail(e, -errno, "make mounts private");
	if (sethostname(cfg->hostname, strlen(cfg->hostname)) < 0)
		return cr_fail(e, -errno, "sethostname %s", cfg->hostname);
	r = cr_net_lo_up(e);
	if (r < 0)
		return r;
	if (cfg->rootfs)
		return setup_rootfs(cfg, e);
	/* The host's root, but a /proc that shows our pid namespace. */
	if (mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC,
		  NULL) < 0)
		return cr_fail(e, -errno, "mount proc on /proc");
	if (cfg->userns)
		return become_root(e);
	return 0;
}

/* Exec argv with env; returns only on failure (with e filled). */
static void exec_command(char **argv, char **env, struct cr_error *e)
{
	cr_reset_signals();
	/* execvp() searches the PATH of environ, so switch it first. */
	environ = env;
	execvp(argv[0], argv);
	cr_fail(e, -errno, "exec %s", argv[0]);
	/* As shells and docker: 127 not found, 126 found but not runnable. */
	e->exit_code = e->errnum == ENOENT ? 127 : 126;
}

/* Start the command; 0 once it has exec'd, or its exec error. */
static int spawn_command(const struct cr_config *cfg, pid_t *ret_pid,
			 struct cr_error *e)
{
	_cleanup_close_ int rfd = -1;
	char buf[sizeof(e->msg) + 16];
	int pfd[2];
	ssize_t n;
	pid_t pid;

	/* A CLOEXEC pipe: EOF means exec worked, data is the reason not. */
	if (pipe2(pfd, O_CLOEXEC) < 0)
		return cr_fail(e, -errno, "pipe");
	rfd = pfd[0];
	pid = fork();
	if (pid < 0) {
		close(pfd[1]);
		return cr_fail(e, -errno, "fork");
	}
	if (pid == 0) {
		int keep[] = { 0, 1, 2, pfd[1] };

		if (cr_close_fds_except(keep, ARRAY_SIZE(keep)) < 0)
			_exit(127);
		exec_command(cfg->argv, cfg->env, e);
		cr_report_error(pfd[1], e);
		_exit(127);
	}
	close(pfd[1]);
	*ret_pid = pid;
	do
		n = read(rfd, buf, sizeof(buf) - 1);
	while (n < 0 && errno == EINTR);
	if (n > 0 && cr_parse_error(buf, (size_t)n, e))
		return -(e->errnum ? e->errnum : EIO);
	return 0;
}

/* PID 1 duties: reap everything, forward signals, exit like the command. */
static _Noreturn void reaper_loop(pid_t cmd, const sigset_t *set)
{
	for (;;) {
		siginfo_t si;
		int sig = sigwaitinfo(set, &si);

		if (sig < 0)
			continue; /* EINTR */
		if (sig != SIGCHLD) {
			kill(cmd, sig);
			continue;
		}
		/* One SIGCHLD may stand for many exits: drain them all. */
		for (;;) {
			int st;
			pid_t p = waitpid(-1, &st, WNOHANG);

			if (p <= 0)
				break;
			if (p == cmd)
				_exit(cr_exit_code(st));
		}
	}
}

_Noreturn void cr_init_main(const struct cr_init_args *a)
{
	const struct cr_config *cfg = a->cfg;
	int sync = a->sync_fd;
	struct cr_error e = { 0 };
	sigset_t set;
	pid_t cmd = -1;
	char go;

	/* Die with the supervisor; it is the one that records our end. */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	prctl(PR_SET_NAME, "ctrrun-init");
	for (int i = 0; i < 3; i++)
		if (dup2(a->stdio[i], i) < 0)
			_exit(125);
	{
		int keep[] = { 0, 1, 2, sync };

		if (cr_close_fds_except(keep, ARRAY_SIZE(keep)) < 0)
			_exit(125);
	}
	/* Wait for uid maps, cgroups and network; EOF: the supervisor died. */
	if (recv(sync, &go, 1, 0) != 1)
		_exit(125);
	if (setup_container(cfg, &e) < 0) {
		cr_report_error(sync, &e);
		_exit(125);
	}
	if (cfg->no_init) {
		/* The sync socket is CLOEXEC: the supervisor sees EOF. */
		exec_command(cfg->argv, cfg->env, &e);
		cr_report_error(sync, &e);
		_exit(127);
	}

	/*
	 * Blocked, not handled: a pid namespace's init drops signals it has
	 * no handler for, but blocked ones stay pending for sigwaitinfo.
	 */
	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	for (size_t i = 0; i < ARRAY_SIZE(forwarded); i++)
		sigaddset(&set, forwarded[i]);
	sigprocmask(SIG_BLOCK, &set, NULL);
	if (spawn_command(cfg, &cmd, &e) < 0) {
		cr_report_error(sync, &e);
		_exit(127);
	}
	close(sync);
	reaper_loop(cmd, &set);
}

static int exec_setup(const struct cr_exec_args *a, struct cr_error *e)
{
	_cleanup_close_ int rootfd = -1;
	int r;

	/* Nothing in the container may ptrace us while we hold host fds. */
	if (prctl(PR_SET_DUMPABLE, 0) < 0)
		return cr_fail(e, -errno, "prctl dumpable");
	rootfd = openat(a->init_procfd, "root", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0)
		return cr_fail(e, -errno, "container root");
	/* Host paths: join the cgroups before entering the mount namespace. */
	r = cr_cgroups_attach(a->cgroups, 0, e);
	if (r < 0)
		return r;
	if (setns(a->init_pidfd, a->ns_flags) < 0)
		return cr_fail(e, -errno, "setns");
	/* setns() put us at the namespace's root; the init may be chrooted. */
	if (fchdir(rootfd) < 0 || chroot(".") < 0 || chdir("/") < 0)
		return cr_fail(e, -errno, "enter container root");
	if (a->userns)
		return become_root(e);
	return 0;
}

_Noreturn void cr_exec_child(const struct cr_exec_args *a)
{
	struct cr_error e = { 0 };
	int stdio[3], keep[] = { 0, 1, 2, a->report_fd };

	if (exec_setup(a, &e) < 0)
		goto fail;
	/* Lift the client's fds clear of 0-2 first: they may overlap. */
	for (int i = 0; i < 3; i++) {
		stdio[i] = fcntl(a->stdio[i], F_DUPFD_CLOEXEC, 3);
		if (stdio[i] < 0) {
			cr_fail(&e, -errno, "dup");
			goto fail;
		}
	}
	for (int i = 0; i < 3; i++)
		if (dup2(stdio[i], i) < 0) {
			cr_fail(&e, -errno, "dup2");
			goto fail;
		}
	if (cr_close_fds_except(keep, ARRAY_SIZE(keep)) < 0) {
		cr_fail(&e, -errno, "close fds");
		goto fail;
	}
	exec_command(a->argv, a->env, &e);
fail:
	cr_report_error(a->report_fd, &e);
	_exit(127);
}
