/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ct_parse_stat (lib/proc-parse.c) on arbitrary /proc/PID/stat text: comm
 * is the bytes between the first '(' and the last ')', the pid is a number,
 * and the [comm] a kernel thread shows as holds no control byte.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "escape.h"
#include "fuzz-check.h"
#include "render.h"
#include "snapshot.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *buf = (const char *)data;
	struct ct_arena a = { 0 };
	struct ct_proc p = { 0 };

	if (ct_parse_stat(buf, size, &a, &p) == 0) {
		const char *open = memchr(buf, '(', size), *close = memrchr(buf, ')', size);
		size_t n = strlen(p.comm);
		struct ct_buf b = { 0 };

		if (p.pid < 0 || !open || !close || n > (size_t)(close - open - 1) ||
		    memcmp(p.comm, open + 1, n) != 0 || (n < (size_t)(close - open - 1) && open[1 + n] != '\0'))
			abort(); /* comm is not what the parentheses hold */
		ct_escape_set_utf8(false);
		ct_format_command(&p, &b);
		fuzz_check_text(b.data, b.len, false, false); /* [comm] escaped */
		ct_buf_free(&b);
	}
	ct_arena_free(&a);
	return 0;
}
