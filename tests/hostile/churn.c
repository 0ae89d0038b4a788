/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * churn SECONDS: fork children that exit at once, as fast as it can, for
 * SECONDS; then print how many it forked and reaped.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct timespec now, end;
	unsigned long n = 0;

	if (argc != 2 || atoi(argv[1]) <= 0) {
		fputs("usage: churn SECONDS\n", stderr);
		return 2;
	}
	clock_gettime(CLOCK_MONOTONIC, &end);
	end.tv_sec += atoi(argv[1]);
	do {
		for (int i = 0; i < 64; i++) {
			pid_t pid = fork();

			if (pid == 0)
				_exit(0);
			if (pid < 0 || waitpid(pid, NULL, 0) != pid) {
				perror("churn");
				return 1;
			}
			n++;
		}
		clock_gettime(CLOCK_MONOTONIC, &now);
	} while (now.tv_sec < end.tv_sec || (now.tv_sec == end.tv_sec && now.tv_nsec < end.tv_nsec));
	printf("%lu\n", n);
	return 0;
}
