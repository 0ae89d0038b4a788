/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What the bench tools share. */
#ifndef CT_BENCH_COMMON_H
#define CT_BENCH_COMMON_H

#include <err.h>
#include <string.h>

#include "util.h"

/* Strict decimal in [min, max]: no sign, no spaces, no junk. */
static inline unsigned bench_parse_uint(const char *s, const char *what, unsigned min,
					unsigned max)
{
	uint64_t v;

	if (ct_parse_u64(s, strlen(s), &v) < 0 || v < min || v > max)
		errx(2, "invalid %s: '%s'", what, s);
	return (unsigned)v;
}

#endif
