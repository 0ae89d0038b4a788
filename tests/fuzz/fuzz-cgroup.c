/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ct_parse_cgroup (lib/proc-parse.c) on arbitrary /proc/PID/cgroup text:
 * no more lines than the input has, every line complete, and the path
 * ctrtree shows (ct_proc_main_cgroup) one of them.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "snapshot.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ct_arena a = { 0 };
	struct ct_proc p = { 0 };
	size_t lines = 1;

	for (size_t i = 0; i < size; i++)
		lines += data[i] == '\n';
	if (ct_parse_cgroup((const char *)data, size, &a, &p) == 0) {
		const char *main_cg = ct_proc_main_cgroup(&p);
		bool found = !main_cg || strcmp(main_cg, "/") == 0;

		if (p.n_cgroups > lines)
			abort(); /* more entries than lines */
		for (size_t i = 0; i < p.n_cgroups; i++) {
			if (!p.cgroups[i].controllers || !p.cgroups[i].path ||
			    strlen(p.cgroups[i].path) > size || strlen(p.cgroups[i].controllers) > size)
				abort(); /* an incomplete entry */
			found |= main_cg && strcmp(main_cg, p.cgroups[i].path) == 0;
		}
		if (!found || (p.n_cgroups && !main_cg))
			abort(); /* the main cgroup is none of the lines */
	}
	ct_arena_free(&a);
	return 0;
}
