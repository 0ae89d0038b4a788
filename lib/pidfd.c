/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "arena.h"
#include "pidfd.h"
#include "snapshot.h"
#include "util.h"

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif

/* The start time in the stat file at dirfd/path, which must be pid's. */
static int stat_start_time_at(int dirfd, const char *path, int pid, uint64_t *ret)
{
	struct ct_arena a = { 0 };
	struct ct_proc p = { 0 };
	char buf[1024];
	ssize_t n;
	int r;

	n = ct_read_small_at(dirfd, path, buf, sizeof(buf));
	if (n < 0)
		return n == -ENOENT ? -ESRCH : (int)n;
	r = ct_parse_stat(buf, (size_t)n, &a, &p);
	ct_arena_free(&a);
	if (r < 0)
		return r;
	if (p.pid != pid)
		return -ESRCH;
	*ret = p.start_time;
	return 0;
}

int ct_proc_start_time(int pid, uint64_t *ret)
{
	char path[32];

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	return stat_start_time_at(AT_FDCWD, path, pid, ret);
}

int ct_proc_dir_open_checked(int proc_fd, int pid, uint64_t start_time)
{
	char name[16];
	uint64_t st = 0;
	int fd, r;

	snprintf(name, sizeof(name), "%d", pid);
	fd = openat(proc_fd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? -ESRCH : -errno;
	r = stat_start_time_at(fd, "stat", pid, &st);
	if (r >= 0 && start_time && st != start_time)
		r = -ESTALE;
	if (r < 0) {
		close(fd);
		return r;
	}
	return fd;
}

bool ct_pidfd_exited(int pidfd)
{
	struct pollfd pfd = { .fd = pidfd, .events = POLLIN };

	/* A pidfd polls readable once its process has exited. */
	return poll(&pfd, 1, 0) != 0;
}

int ct_pidfd_open_checked(int pid, uint64_t start_time, uint64_t *ret_start)
{
	_cleanup_close_ int fd = -1;
	uint64_t st;
	int r;

	if (pid <= 0)
		return -ESRCH;
	fd = (int)syscall(SYS_pidfd_open, pid, 0);
	if (fd < 0)
		return -errno;
	/* pidfd_open gives O_CLOEXEC already; stat is read after it. */
	r = ct_proc_start_time(pid, &st);
	if (r < 0)
		return r;
	if (ct_pidfd_exited(fd))
		return -ESRCH;
	if (start_time && st != start_time)
		return -ESTALE;
	if (ret_start)
		*ret_start = st;
	return TAKE_FD(fd);
}

int ct_pidfd_ns_open(int pidfd, int pid, const char *name)
{
	_cleanup_close_ int fd = -1;
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/ns/%s", pid, name);
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return errno == ENOENT && ct_pidfd_exited(pidfd) ? -ESRCH : -errno;
	if (ct_pidfd_exited(pidfd))
		return -ESRCH;
	return TAKE_FD(fd);
}
