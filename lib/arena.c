/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <stdalign.h>
#include <string.h>

#include "arena.h"
#include "util.h"

#define ARENA_CHUNK (64 * 1024)

struct ct_arena_chunk {
	struct ct_arena_chunk *next;
	alignas(max_align_t) unsigned char data[];
};

void *ct_arena_alloc(struct ct_arena *a, size_t n)
{
	const size_t align = alignof(max_align_t);
	size_t off = (a->used + align - 1) & ~(align - 1);

	if (!a->head || off + n > a->size) {
		size_t size = n > ARENA_CHUNK / 4 ? n : ARENA_CHUNK;
		struct ct_arena_chunk *c = xmalloc(sizeof(*c) + size);

		if (a->head && size != ARENA_CHUNK) {
			/* A big block: keep filling the current chunk afterwards. */
			c->next = a->head->next;
			a->head->next = c;
			return c->data;
		}
		c->next = a->head;
		a->head = c;
		a->size = size;
		off = 0;
	}
	a->used = off + n;
	return a->head->data + off;
}

void *ct_arena_memdup(struct ct_arena *a, const void *p, size_t n)
{
	void *r = ct_arena_alloc(a, n);

	if (n)
		memcpy(r, p, n);
	return r;
}

char *ct_arena_strndup(struct ct_arena *a, const char *s, size_t n)
{
	char *r = ct_arena_alloc(a, n + 1);

	memcpy(r, s, n);
	r[n] = '\0';
	return r;
}

char *ct_arena_strdup(struct ct_arena *a, const char *s)
{
	return ct_arena_strndup(a, s, strlen(s));
}

void ct_arena_free(struct ct_arena *a)
{
	while (a->head) {
		struct ct_arena_chunk *c = a->head;

		a->head = c->next;
		free(c);
	}
	a->used = a->size = 0;
}
