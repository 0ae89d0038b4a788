/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A minimal TAP producer for the unit tests; tests/run reads its output. */
#ifndef CT_TEST_TAP_H
#define CT_TEST_TAP_H

#include <stdio.h>
#include <string.h>

static int tap_n, tap_failed;

#define ok(cond, ...)                                                   \
	do {                                                            \
		int ok_ = !!(cond);                                     \
		printf("%sok %d - ", ok_ ? "" : "not ", ++tap_n);       \
		printf(__VA_ARGS__);                                    \
		putchar('\n');                                          \
		if (!ok_) {                                             \
			tap_failed++;                                   \
			printf("#   at %s:%d: %s\n", __FILE__, __LINE__, #cond); \
		}                                                       \
	} while (0)

#define is_int(got, exp, ...)                                                  \
	do {                                                                   \
		long long g_ = (long long)(got), e_ = (long long)(exp);        \
		ok(g_ == e_, __VA_ARGS__);                                     \
		if (g_ != e_)                                                  \
			printf("#   got %lld, expected %lld\n", g_, e_);       \
	} while (0)

#define is_str(got, exp, ...)                                                   \
	do {                                                                    \
		const char *g_ = (got), *e_ = (exp);                            \
		int same_ = (g_ && e_) ? strcmp(g_, e_) == 0 : g_ == e_;        \
		ok(same_, __VA_ARGS__);                                         \
		if (!same_)                                                     \
			printf("#   got \"%s\"\n#   expected \"%s\"\n", g_ ? g_ : "(null)", \
			       e_ ? e_ : "(null)");                             \
	} while (0)

static inline int tap_done(void)
{
	printf("1..%d\n", tap_n);
	return tap_failed ? 1 : 0;
}

#endif
