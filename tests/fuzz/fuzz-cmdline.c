/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ct_parse_cmdline (lib/proc-parse.c) on arbitrary /proc/PID/cmdline bytes:
 * the arguments joined by NULs give back the input (less one trailing NUL),
 * and the COMMAND text made of them holds no control byte in either locale.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "escape.h"
#include "fuzz-check.h"
#include "render.h"
#include "snapshot.h"
#include "util.h"

static void check_command(const struct ct_proc *p, bool utf8)
{
	struct ct_buf b = { 0 };

	ct_escape_set_utf8(utf8);
	ct_format_command(p, &b);
	fuzz_check_text(b.data, b.len, utf8, false);
	ct_buf_free(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ct_arena a = { 0 };
	struct ct_proc p = { .comm = "comm" };
	size_t want = size && data[size - 1] == '\0' ? size - 1 : size, off = 0;

	if (ct_parse_cmdline((const char *)data, size, &a, &p) < 0)
		abort(); /* any bytes are a command line */
	if (size == 0 && p.argc != 0)
		abort();
	for (size_t i = 0; i < p.argc; i++) {
		size_t n = strlen(p.argv[i]);

		if (off + n > want || memcmp(p.argv[i], data + off, n) != 0 ||
		    (off + n < want && data[off + n] != '\0'))
			abort(); /* an argument is not the bytes up to the next NUL */
		off += n + 1;
	}
	if (size && off != want + 1)
		abort(); /* the arguments do not cover the input */
	check_command(&p, false);
	check_command(&p, true);
	ct_arena_free(&a);
	return 0;
}
