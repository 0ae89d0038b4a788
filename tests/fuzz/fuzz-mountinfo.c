/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The bundled runtime's cgroup discovery (cr_cgroups_parse in
 * tests/ctrrun/cgroup.c) on arbitrary text.  The input is /proc/cgroups,
 * a NUL, then /proc/self/mountinfo (no NUL: all mountinfo, no v1
 * controllers).  Every hierarchy found has a key made of listed
 * controllers or name= options ("unified" for cgroup2), a mount point and
 * a root; resolving and the state.json form then work on them.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ctrrun.h"

static bool in_cgroups(const char *cgroups, const char *name, size_t len)
{
	for (const char *l = cgroups; *l;) {
		const char *eol = strchrnul(l, '\n');

		if (l[0] != '#' && strcspn(l, "\t \n") == len && strncmp(l, name, len) == 0)
			return true;
		l = *eol ? eol + 1 : eol;
	}
	return false;
}

/* n bytes and a NUL (strndup would read on: the input has no NUL). */
static char *copy(const uint8_t *p, size_t n)
{
	char *s = malloc(n + 1);

	if (!s)
		abort();
	memcpy(s, p, n);
	s[n] = '\0';
	return s;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nul = memchr(data, '\0', size);
	char *cgroups = copy(data, nul ? (size_t)(nul - data) : 0);
	char *info = nul ? copy(nul + 1, size - (size_t)(nul - data) - 1) : copy(data, size);
	struct cr_cgroups cg = { 0 };
	json_object *o;

	cr_cgroups_parse(info, cgroups, &cg);
	for (size_t i = 0; i < cg.n; i++) {
		const char *key = cg.v[i].key;

		if (!key || !*key || !cg.v[i].mnt || !cg.v[i].root)
			abort(); /* an incomplete hierarchy */
		if (strcmp(key, "unified") == 0)
			continue;
		for (const char *p = key; *p;) {
			size_t n = strcspn(p, ",");

			if (n == 0 || (!(n > 5 && strncmp(p, "name=", 5) == 0) && !in_cgroups(cgroups, p, n)))
				abort(); /* a key part that is no controller of /proc/cgroups */
			if (n == 6 && strncmp(p, "cpuset", 6) == 0 && !cg.v[i].is_cpuset)
				abort(); /* cpuset not marked */
			p += n;
			if (*p == ',')
				p++;
		}
	}
	cr_cgroups_resolve(&cg, "ctrrun/fuzz");
	o = cr_cgroups_to_json(&cg);
	json_object_put(o);
	cr_cgroups_free(&cg);
	free(cgroups);
	free(info);
	return 0;
}
