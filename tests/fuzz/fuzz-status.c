/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ct_parse_status (lib/proc-parse.c) on arbitrary /proc/PID/status text:
 * on success there is at least one pid, and with an NSpid line the
 * outermost one is what the line says first.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "snapshot.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ct_arena a = { 0 };
	struct ct_proc p = { .pid = 4242 };

	if (ct_parse_status((const char *)data, size, &a, &p) == 0) {
		if (!p.nspid || p.n_nspid == 0 || p.n_nspid > 64)
			abort(); /* success without a pid */
		for (size_t i = 0; i < p.n_nspid; i++)
			if (p.nspid[i] < 0)
				abort(); /* a negative pid */
		if (!memmem(data, size, "NSpid:", 6) && (p.n_nspid != 1 || p.nspid[0] != 4242))
			abort(); /* no NSpid line, yet not the pid itself */
	}
	ct_arena_free(&a);
	return 0;
}
