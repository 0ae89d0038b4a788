/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A bump allocator: a snapshot holds tens of thousands of small strings and
 * arrays that all die together, so allocate them in chunks and free once.
 */
#ifndef CT_ARENA_H
#define CT_ARENA_H

#include <stddef.h>

struct ct_arena_chunk;

struct ct_arena {
	struct ct_arena_chunk *head;
	size_t used, size;
};

void *ct_arena_alloc(struct ct_arena *a, size_t n);
void *ct_arena_memdup(struct ct_arena *a, const void *p, size_t n);
/* Copy n bytes and add a NUL. */
char *ct_arena_strndup(struct ct_arena *a, const char *s, size_t n);
char *ct_arena_strdup(struct ct_arena *a, const char *s);
void ct_arena_free(struct ct_arena *a);

#endif
