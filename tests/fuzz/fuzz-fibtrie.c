/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ct_parse_fib_trie_local (lib/collect-runtime.c) on arbitrary
 * /proc/PID/net/fib_trie text: a bounded list of distinct addresses, each
 * a "|-- ADDR" line's text of the input.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "collect-runtime.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char **addrs = NULL;
	size_t n = 0;

	if (ct_parse_fib_trie_local((const char *)data, size, &addrs, &n) < 0)
		abort(); /* it never fails */
	if (n > 256)
		abort(); /* unbounded */
	for (size_t i = 0; i < n; i++) {
		size_t l = strlen(addrs[i]);

		if (l == 0 || l >= 64 || memchr(addrs[i], '\n', l) || !memmem(data, size, addrs[i], l))
			abort(); /* not an address line's text */
		for (size_t k = 0; k < i; k++)
			if (strcmp(addrs[k], addrs[i]) == 0)
				abort(); /* listed twice */
	}
	for (size_t i = 0; i < n; i++)
		free(addrs[i]);
	free(addrs);
	return 0;
}
