/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ct_parse_net_unix (lib/collect-runtime.c) on arbitrary /proc/net/unix
 * text: at most one socket per line after the header, each with a path
 * that is the rest of its line.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "collect-runtime.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ct_arena a = { 0 };
	struct ct_unix_socket *socks = NULL;
	size_t n = 0, lines = 1;

	for (size_t i = 0; i < size; i++)
		lines += data[i] == '\n';
	if (ct_parse_net_unix((const char *)data, size, &a, &socks, &n) < 0)
		abort(); /* it never fails */
	if (n > lines - 1)
		abort(); /* more sockets than lines after the header */
	for (size_t i = 0; i < n; i++) {
		size_t l = strlen(socks[i].path);

		/* (A NUL in the line ends the path early: the kernel writes none.) */
		if (l > size || memchr(socks[i].path, '\n', l) || (l && !memmem(data, size, socks[i].path, l)))
			abort(); /* a path that is not a piece of one line */
	}
	free(socks);
	ct_arena_free(&a);
	return 0;
}
