/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * pose: a process that only waits, whatever its name and argv, so that a
 * test can copy it into a container as runc, conmon, containerd-shim-*
 * or dockerd and give it the argv and cwd an attacker would.  A static
 * busybox cannot: it takes argv[0] for the applet to run.
 */
#include <unistd.h>

int main(void)
{
	for (;;)
		pause();
}
