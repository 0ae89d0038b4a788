/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fd-report: print the open file descriptors this process was started
 * with, space-separated, e.g. "0 1 2".  It asks fcntl() about each one
 * rather than listing /proc/self/fd, which would add the fd of the listing
 * itself and needs a /proc of our own pid namespace.
 */
#include <fcntl.h>
#include <stdio.h>
#include <sys/resource.h>

int main(void)
{
	struct rlimit rl;
	long max = 65536;
	const char *sep = "";

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY && (long)rl.rlim_cur < max)
		max = (long)rl.rlim_cur;
	for (int fd = 0; fd < max; fd++) {
		if (fcntl(fd, F_GETFD) < 0)
			continue;
		printf("%s%d", sep, fd);
		sep = " ";
	}
	putchar('\n');
	return fflush(stdout) == 0 ? 0 : 1;
}
