/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The parsers of /proc's files and the snapshot's lookups, apart from the
 * collector so that small programs (the bundled runtime, the probes, the
 * fuzzers) link them without libproc2.
 * Each takes text the kernel, or a hostile process, produced.
 */
#include <string.h>

#include "snapshot.h"
#include "util.h"

#define PF_KTHREAD 0x00200000

const char *const ct_ns_names[CT_NS_COUNT] = {
	[CT_NS_CGROUP] = "cgroup", [CT_NS_IPC] = "ipc",	  [CT_NS_MNT] = "mnt",
	[CT_NS_NET] = "net",	   [CT_NS_PID] = "pid",	  [CT_NS_TIME] = "time",
	[CT_NS_USER] = "user",	   [CT_NS_UTS] = "uts",
};

int ct_ns_type_from_name(const char *name)
{
	for (int i = 0; i < CT_NS_COUNT; i++)
		if (strcmp(name, ct_ns_names[i]) == 0)
			return i;
	return -1;
}

static const char *const cgroup_mode_names[] = {
	[CT_CGROUP_UNKNOWN] = "unknown",
	[CT_CGROUP_LEGACY] = "legacy",
	[CT_CGROUP_HYBRID] = "hybrid",
	[CT_CGROUP_UNIFIED] = "unified",
};

const char *ct_cgroup_mode_name(enum ct_cgroup_mode m)
{
	return (unsigned)m < ARRAY_SIZE(cgroup_mode_names) ? cgroup_mode_names[m] : "unknown";
}

enum ct_cgroup_mode ct_cgroup_mode_from_name(const char *s)
{
	for (size_t i = 0; i < ARRAY_SIZE(cgroup_mode_names); i++)
		if (strcmp(s, cgroup_mode_names[i]) == 0)
			return (enum ct_cgroup_mode)i;
	return CT_CGROUP_UNKNOWN;
}

/* ---- parsers: each takes untrusted text ---- */

int ct_parse_stat(const char *buf, size_t len, struct ct_arena *a, struct ct_proc *p)
{
	const char *open, *close, *end = buf + len, *f;
	uint64_t flags = 0, start = 0;
	int pid, ppid = 0, field;

	/* comm may hold anything, ')' and newlines included: it ends at the LAST ')'. */
	open = memchr(buf, '(', len);
	close = memrchr(buf, ')', len);
	if (!open || !close || close < open || open == buf || open[-1] != ' ')
		return -EINVAL;
	if (ct_parse_pid(buf, (size_t)(open - 1 - buf), &pid) < 0)
		return -EINVAL;

	/* Fields after comm, numbered as in proc(5): state is field 3. */
	f = close + 1;
	for (field = 3; f < end && field <= 22; field++) {
		const char *tok, *sp;

		if (*f != ' ')
			return -EINVAL;
		tok = f + 1;
		sp = memchr(tok, ' ', (size_t)(end - tok));
		if (!sp)
			sp = end;
		while (sp > tok && sp[-1] == '\n')
			sp--;
		switch (field) {
		case 3:
			if (sp - tok != 1)
				return -EINVAL;
			p->state = *tok;
			break;
		case 4:
			if (ct_parse_pid(tok, (size_t)(sp - tok), &ppid) < 0)
				return -EINVAL;
			break;
		case 9:
			if (ct_parse_u64(tok, (size_t)(sp - tok), &flags) < 0)
				return -EINVAL;
			break;
		case 22:
			if (ct_parse_u64(tok, (size_t)(sp - tok), &start) < 0)
				return -EINVAL;
			break;
		}
		f = sp;
		while (f < end && *f == '\n')
			f++;
	}
	if (field <= 22)
		return -EINVAL;

	p->pid = pid;
	p->ppid = ppid;
	p->start_time = start;
	if (flags & PF_KTHREAD)
		p->flags |= CT_PROC_KTHREAD;
	p->comm = ct_arena_strndup(a, open + 1, (size_t)(close - open - 1));
	return 0;
}

/* Find "Key:\t" at a line start; return the value up to the newline. */
static const char *status_field(const char *buf, size_t len, const char *key, size_t *ret_len)
{
	size_t klen = strlen(key);
	const char *p = buf, *end = buf + len;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));

		if (!nl)
			nl = end;
		if ((size_t)(nl - p) > klen && memcmp(p, key, klen) == 0 && p[klen] == ':') {
			const char *v = p + klen + 1;

			while (v < nl && (*v == '\t' || *v == ' '))
				v++;
			*ret_len = (size_t)(nl - v);
			return v;
		}
		p = nl + 1;
	}
	return NULL;
}

/* Split a tab/space separated list of decimal numbers. */
static int parse_numbers(const char *s, size_t len, uint64_t *out, size_t max, size_t *ret_n)
{
	size_t n = 0;
	const char *end = s + len;

	while (s < end) {
		const char *e;

		while (s < end && (*s == '\t' || *s == ' '))
			s++;
		if (s == end)
			break;
		e = s;
		while (e < end && *e != '\t' && *e != ' ')
			e++;
		if (n == max || ct_parse_u64(s, (size_t)(e - s), &out[n]) < 0)
			return -EINVAL;
		n++;
		s = e;
	}
	*ret_n = n;
	return 0;
}

int ct_parse_status(const char *buf, size_t len, struct ct_arena *a, struct ct_proc *p)
{
	uint64_t v[64];
	const char *f;
	size_t flen, n;

	f = status_field(buf, len, "Uid", &flen);
	if (!f || parse_numbers(f, flen, v, 4, &n) < 0 || n != 4 || v[1] > UINT32_MAX)
		return -EINVAL;
	p->uid = (uint32_t)v[1];

	/* NSpid appeared in 4.1; without it the pid is the only one. */
	f = status_field(buf, len, "NSpid", &flen);
	if (f) {
		int *nspid;

		if (parse_numbers(f, flen, v, ARRAY_SIZE(v), &n) < 0 || n == 0)
			return -EINVAL;
		nspid = ct_arena_alloc(a, n * sizeof(int));
		for (size_t i = 0; i < n; i++) {
			if (v[i] > INT32_MAX)
				return -EINVAL;
			nspid[i] = (int)v[i];
		}
		p->nspid = nspid;
		p->n_nspid = n;
	} else {
		int *nspid = ct_arena_alloc(a, sizeof(int));

		nspid[0] = p->pid;
		p->nspid = nspid;
		p->n_nspid = 1;
	}
	return 0;
}

int ct_parse_cmdline(const char *buf, size_t len, struct ct_arena *a, struct ct_proc *p)
{
	const char **argv;
	size_t argc = 0, i = 0;
	char *copy;

	if (len == 0) {
		p->argv = NULL;
		p->argc = 0;
		return 0;
	}
	/* A trailing NUL ends the last argument; a process that rewrote its
	 * argv (setproctitle) may leave none. */
	if (buf[len - 1] == '\0')
		len--;
	for (size_t k = 0; k < len; k++)
		argc += buf[k] == '\0';
	argc++;

	copy = ct_arena_strndup(a, buf, len);
	argv = ct_arena_alloc(a, argc * sizeof(*argv));
	for (size_t k = 0; k < argc; k++) {
		argv[k] = copy + i;
		i += strlen(copy + i) + 1;
	}
	p->argv = argv;
	p->argc = argc;
	return 0;
}

int ct_parse_cgroup(const char *buf, size_t len, struct ct_arena *a, struct ct_proc *p)
{
	struct ct_cgroup_line *lines;
	const char *s = buf, *end = buf + len;
	size_t n = 0, max = 1;

	for (size_t i = 0; i < len; i++)
		max += buf[i] == '\n';
	lines = ct_arena_alloc(a, max * sizeof(*lines));

	while (s < end) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		const char *c1, *c2;
		uint64_t h;

		if (!nl)
			nl = end;
		c1 = memchr(s, ':', (size_t)(nl - s));
		c2 = c1 ? memchr(c1 + 1, ':', (size_t)(nl - c1 - 1)) : NULL;
		if (!c2 || ct_parse_u64(s, (size_t)(c1 - s), &h) < 0 || h > UINT32_MAX) {
			/*
			 * Not "N:ctrl:path": a cgroup name with a newline in it
			 * continued the previous path.  Keep the bytes.
			 */
			if (n == 0)
				return -EINVAL;
			size_t plen = strlen(lines[n - 1].path);
			char *joined = ct_arena_alloc(a, plen + 1 + (size_t)(nl - s) + 1);

			memcpy(joined, lines[n - 1].path, plen);
			joined[plen] = '\n';
			memcpy(joined + plen + 1, s, (size_t)(nl - s));
			joined[plen + 1 + (nl - s)] = '\0';
			lines[n - 1].path = joined;
		} else {
			lines[n].hierarchy = (unsigned)h;
			lines[n].controllers = ct_arena_strndup(a, c1 + 1, (size_t)(c2 - c1 - 1));
			lines[n].path = ct_arena_strndup(a, c2 + 1, (size_t)(nl - c2 - 1));
			n++;
		}
		s = nl + 1;
	}
	p->cgroups = lines;
	p->n_cgroups = n;
	return 0;
}

int ct_parse_ns_link(const char *buf, size_t len, const char *type, uint64_t *ret_ino)
{
	size_t tl = strlen(type);

	if (len < tl + 4 || memcmp(buf, type, tl) != 0 || buf[tl] != ':' || buf[tl + 1] != '[' ||
	    buf[len - 1] != ']')
		return -EINVAL;
	return ct_parse_u64(buf + tl + 2, len - tl - 3, ret_ino);
}

const char *ct_proc_main_cgroup(const struct ct_proc *p)
{
	const char *v1 = NULL;

	for (size_t i = 0; i < p->n_cgroups; i++) {
		const struct ct_cgroup_line *l = &p->cgroups[i];

		if (l->hierarchy == 0 && l->controllers[0] == '\0') {
			if (strcmp(l->path, "/") != 0)
				return l->path;
		} else if (!v1 && strcmp(l->path, "/") != 0) {
			v1 = l->path;
		}
	}
	if (v1)
		return v1;
	return p->n_cgroups ? "/" : NULL;
}

ssize_t ct_snapshot_find(const struct ct_snapshot *s, int pid)
{
	size_t lo = 0, hi = s->n_procs;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (s->procs[mid].pid == pid)
			return (ssize_t)mid;
		if (s->procs[mid].pid < pid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}
