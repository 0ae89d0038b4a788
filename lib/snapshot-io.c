/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The snapshot file: the raw facts as JSON ("ctrtree-snapshot/1"), so that
 * golden tests, bug reports and offline analysis can render exactly what a
 * host looked like.  Byte strings that are not UTF-8 are kept losslessly as
 * {"hex": "..."}.  The loader treats the file as hostile input.
 */
#include <fcntl.h>
#include <string.h>

#include "escape.h"
#include "jsonutil.h"
#include "snapshot.h"

#define SNAPSHOT_SCHEMA "ctrtree-snapshot/1"

static struct json_object *lossless_str(const char *s)
{
	return s ? ct_json_bytes_lossless(s, strlen(s)) : NULL;
}

static struct json_object *ns_to_json(const struct ct_ns_id *ns)
{
	struct json_object *o = json_object_new_object();

	for (int t = 0; t < CT_NS_COUNT; t++) {
		struct json_object *v = NULL;

		if (ct_ns_known(&ns[t])) {
			v = json_object_new_array_ext(2);
			json_object_array_add(v, json_object_new_uint64(ns[t].dev));
			json_object_array_add(v, json_object_new_uint64(ns[t].ino));
		}
		json_object_object_add(o, ct_ns_names[t], v);
	}
	return o;
}

static struct json_object *proc_to_json(const struct ct_proc *p)
{
	struct json_object *o = json_object_new_object();
	struct json_object *a;

	json_object_object_add(o, "pid", json_object_new_int(p->pid));
	json_object_object_add(o, "ppid", json_object_new_int(p->ppid));
	json_object_object_add(o, "start_time", json_object_new_uint64(p->start_time));
	json_object_object_add(o, "state", ct_json_bytes_lossless(&p->state, 1));
	json_object_object_add(o, "flags", json_object_new_int((int)p->flags));
	json_object_object_add(o, "comm", lossless_str(p->comm));
	a = json_object_new_array_ext((int)p->argc);
	for (size_t i = 0; i < p->argc; i++)
		json_object_array_add(a, ct_json_bytes_lossless(p->argv[i], strlen(p->argv[i])));
	json_object_object_add(o, "cmdline", a);
	json_object_object_add(o, "uid", json_object_new_uint64(p->uid));
	json_object_object_add(o, "user", lossless_str(p->user));
	a = json_object_new_array_ext((int)p->n_nspid);
	for (size_t i = 0; i < p->n_nspid; i++)
		json_object_array_add(a, json_object_new_int(p->nspid[i]));
	json_object_object_add(o, "nspid", a);
	json_object_object_add(o, "ns", ns_to_json(p->ns));
	a = json_object_new_array_ext((int)p->n_cgroups);
	for (size_t i = 0; i < p->n_cgroups; i++) {
		const struct ct_cgroup_line *l = &p->cgroups[i];
		struct json_object *lo = json_object_new_object();

		json_object_object_add(lo, "hierarchy", json_object_new_int((int)l->hierarchy));
		json_object_object_add(lo, "controllers",
				       ct_json_bytes_lossless(l->controllers, strlen(l->controllers)));
		json_object_object_add(lo, "path", ct_json_bytes_lossless(l->path, strlen(l->path)));
		json_object_array_add(a, lo);
	}
	json_object_object_add(o, "cgroup", a);
	return o;
}

static struct json_object *bytes_or_null(const char *data, size_t len)
{
	return data ? ct_json_bytes_lossless(data, len) : NULL;
}

/* The runtime facts: sockets, engine fds, API replies, state files. */
static void save_runtime(const struct ct_snapshot *s, struct ct_buf *out)
{
	struct json_object *rt = json_object_new_object(), *a;

	json_object_object_add(rt, "collected", json_object_new_boolean(s->runtime_collected));
	a = json_object_new_array_ext((int)s->n_sockets);
	for (size_t i = 0; i < s->n_sockets; i++) {
		struct json_object *o = json_object_new_object();

		json_object_object_add(o, "inode", json_object_new_uint64(s->sockets[i].inode));
		json_object_object_add(o, "path", lossless_str(s->sockets[i].path));
		json_object_array_add(a, o);
	}
	json_object_object_add(rt, "unix_sockets", a);
	a = json_object_new_array_ext((int)s->n_proc_sockets);
	for (size_t i = 0; i < s->n_proc_sockets; i++) {
		struct json_object *o = json_object_new_object(), *in = json_object_new_array();

		json_object_object_add(o, "pid", json_object_new_int(s->proc_sockets[i].pid));
		for (size_t k = 0; k < s->proc_sockets[i].n; k++)
			json_object_array_add(in, json_object_new_uint64(s->proc_sockets[i].inodes[k]));
		json_object_object_add(o, "socket_inodes", in);
		json_object_array_add(a, o);
	}
	json_object_object_add(rt, "engine_fds", a);
	a = json_object_new_array_ext((int)s->n_api);
	for (size_t i = 0; i < s->n_api; i++) {
		const struct ct_api_reply *r = &s->api[i];
		struct json_object *o = json_object_new_object();

		json_object_object_add(o, "what", lossless_str(r->what));
		json_object_object_add(o, "socket", lossless_str(r->socket));
		json_object_object_add(o, "error", json_object_new_int(r->error));
		json_object_object_add(o, "message", lossless_str(r->message));
		json_object_object_add(o, "meta", lossless_str(r->meta));
		json_object_object_add(o, "data", bytes_or_null(r->data, r->len));
		json_object_array_add(a, o);
	}
	json_object_object_add(rt, "api", a);
	a = json_object_new_array_ext((int)s->n_files);
	for (size_t i = 0; i < s->n_files; i++) {
		const struct ct_state_file *f = &s->files[i];
		struct json_object *o = json_object_new_object();

		json_object_object_add(o, "path", lossless_str(f->path));
		json_object_object_add(o, "error", json_object_new_int(f->error));
		json_object_object_add(o, "data", bytes_or_null(f->data, f->len));
		json_object_array_add(a, o);
	}
	json_object_object_add(rt, "files", a);
	ct_buf_puts(out, ",\n\"runtime\":");
	ct_json_append(out, rt);
	json_object_put(rt);
}

int ct_snapshot_save(const struct ct_snapshot *s, int fd)
{
	const struct ct_host *h = &s->host;
	struct json_object *host = json_object_new_object();
	struct ct_buf out = { 0 };
	int r;

	json_object_object_add(host, "hostname", lossless_str(h->hostname));
	json_object_object_add(host, "kernel", lossless_str(h->kernel));
	json_object_object_add(host, "cgroup_mode", json_object_new_string(ct_cgroup_mode_name(h->cgroup_mode)));
	json_object_object_add(host, "time", json_object_new_int64(h->time));
	json_object_object_add(host, "boot_time", json_object_new_int64(h->boot_time));
	json_object_object_add(host, "hertz", json_object_new_int64(h->hertz));
	json_object_object_add(host, "collector_uid", json_object_new_uint64(h->collector_uid));
	json_object_object_add(host, "partial", json_object_new_boolean(h->partial));
	json_object_object_add(host, "threads", json_object_new_boolean(h->threads));
	json_object_object_add(host, "host_ns", ns_to_json(h->host_ns));

	ct_buf_printf(&out, "{\"schema\":\"%s\",\n\"host\":", SNAPSHOT_SCHEMA);
	ct_json_append(&out, host);
	json_object_put(host);
	ct_buf_puts(&out, ",\n\"processes\":[");
	for (size_t i = 0; i < s->n_procs; i++) {
		struct json_object *o = proc_to_json(&s->procs[i]);

		ct_buf_puts(&out, i ? ",\n" : "\n");
		ct_json_append(&out, o);
		json_object_put(o);
		if (out.len > 1 << 20) {
			r = ct_write_all(fd, out.data, out.len);
			if (r < 0)
				goto out;
			out.len = 0;
		}
	}
	ct_buf_puts(&out, "\n]");
	save_runtime(s, &out);
	ct_buf_puts(&out, "}\n");
	r = ct_write_all(fd, out.data, out.len);
out:
	ct_buf_free(&out);
	return r;
}

/* ---- loading ---- */

struct loader {
	struct ct_snapshot *s;
	const char *error;
};

#define LOAD_FAIL(l, msg)              \
	do {                           \
		(l)->error = (msg);    \
		return -EINVAL;        \
	} while (0)

static const char *load_string(struct loader *l, struct json_object *o)
{
	_cleanup_free_ char *tmp = NULL;
	size_t len;

	if (!o || ct_json_get_bytes(o, &tmp, &len) < 0)
		return NULL;
	return ct_arena_strndup(&l->s->arena, tmp, len);
}

static int load_ns(struct loader *l, struct json_object *o, struct ct_ns_id *ns)
{
	if (!o)
		return 0;
	if (!json_object_is_type(o, json_type_object))
		LOAD_FAIL(l, "\"ns\" is not an object");
	for (int t = 0; t < CT_NS_COUNT; t++) {
		struct json_object *v;
		uint64_t dev, ino;

		ns[t] = (struct ct_ns_id){ 0, 0 };
		if (!json_object_object_get_ex(o, ct_ns_names[t], &v) || !v)
			continue;
		if (!json_object_is_type(v, json_type_array) || json_object_array_length(v) != 2 ||
		    ct_json_get_u64(json_object_array_get_idx(v, 0), &dev) < 0 ||
		    ct_json_get_u64(json_object_array_get_idx(v, 1), &ino) < 0)
			LOAD_FAIL(l, "a namespace is not [dev, inode]");
		ns[t] = (struct ct_ns_id){ dev, ino };
	}
	return 0;
}

static int load_proc(struct loader *l, struct json_object *o, struct ct_proc *p)
{
	struct ct_arena *a = &l->s->arena;
	struct json_object *v;
	uint64_t u;
	int64_t i64;

	*p = (struct ct_proc){ 0 };
	if (!json_object_is_type(o, json_type_object))
		LOAD_FAIL(l, "a process is not an object");
	if (ct_json_get_i64(ct_json_get(o, "pid"), &i64) < 0 || i64 <= 0 || i64 > INT32_MAX)
		LOAD_FAIL(l, "a process has no valid \"pid\"");
	p->pid = (int)i64;
	if (ct_json_get_i64(ct_json_get(o, "ppid"), &i64) < 0 || i64 < 0 || i64 > INT32_MAX)
		LOAD_FAIL(l, "a process has no valid \"ppid\"");
	p->ppid = (int)i64;
	if (ct_json_get_u64(ct_json_get(o, "start_time"), &u) == 0)
		p->start_time = u;
	{
		_cleanup_free_ char *st = NULL;
		size_t len;

		p->state = ct_json_get_bytes(ct_json_get(o, "state"), &st, &len) == 0 && len == 1 ? st[0] : '?';
	}
	if (ct_json_get_u64(ct_json_get(o, "flags"), &u) == 0)
		p->flags = (unsigned)u;
	p->comm = load_string(l, ct_json_get(o, "comm"));
	if (!p->comm)
		LOAD_FAIL(l, "a process has no valid \"comm\"");

	v = ct_json_get(o, "cmdline");
	if (v) {
		const char **argv;
		size_t n;

		if (!json_object_is_type(v, json_type_array))
			LOAD_FAIL(l, "\"cmdline\" is not an array");
		n = json_object_array_length(v);
		argv = ct_arena_alloc(a, (n ? n : 1) * sizeof(*argv));
		for (size_t i = 0; i < n; i++) {
			argv[i] = load_string(l, json_object_array_get_idx(v, i));
			if (!argv[i])
				LOAD_FAIL(l, "a \"cmdline\" entry is not a string");
		}
		p->argv = argv;
		p->argc = n;
	}
	if (ct_json_get_u64(ct_json_get(o, "uid"), &u) == 0 && u <= UINT32_MAX)
		p->uid = (uint32_t)u;
	p->user = load_string(l, ct_json_get(o, "user"));

	v = ct_json_get(o, "nspid");
	if (v) {
		int *nspid;
		size_t n;

		if (!json_object_is_type(v, json_type_array))
			LOAD_FAIL(l, "\"nspid\" is not an array");
		n = json_object_array_length(v);
		nspid = ct_arena_alloc(a, (n ? n : 1) * sizeof(int));
		for (size_t i = 0; i < n; i++) {
			if (ct_json_get_i64(json_object_array_get_idx(v, i), &i64) < 0 || i64 < 0 ||
			    i64 > INT32_MAX)
				LOAD_FAIL(l, "an \"nspid\" entry is not a pid");
			nspid[i] = (int)i64;
		}
		p->nspid = nspid;
		p->n_nspid = n;
	}
	if (load_ns(l, ct_json_get(o, "ns"), p->ns) < 0)
		return -EINVAL;

	v = ct_json_get(o, "cgroup");
	if (v) {
		struct ct_cgroup_line *lines;
		size_t n;

		if (!json_object_is_type(v, json_type_array))
			LOAD_FAIL(l, "\"cgroup\" is not an array");
		n = json_object_array_length(v);
		lines = ct_arena_alloc(a, (n ? n : 1) * sizeof(*lines));
		for (size_t i = 0; i < n; i++) {
			struct json_object *lo = json_object_array_get_idx(v, i);

			if (ct_json_get_u64(ct_json_get(lo, "hierarchy"), &u) < 0 || u > UINT32_MAX)
				LOAD_FAIL(l, "a cgroup line has no valid \"hierarchy\"");
			lines[i].hierarchy = (unsigned)u;
			lines[i].controllers = load_string(l, ct_json_get(lo, "controllers"));
			lines[i].path = load_string(l, ct_json_get(lo, "path"));
			if (!lines[i].controllers || !lines[i].path)
				LOAD_FAIL(l, "a cgroup line lacks \"controllers\" or \"path\"");
		}
		p->cgroups = lines;
		p->n_cgroups = n;
	}
	return 0;
}

static int load_host(struct loader *l, struct json_object *o)
{
	struct ct_host *h = &l->s->host;
	struct json_object *v;
	int64_t i64;
	uint64_t u;

	if (!json_object_is_type(o, json_type_object))
		LOAD_FAIL(l, "\"host\" is missing or not an object");
	h->hostname = load_string(l, ct_json_get(o, "hostname"));
	h->kernel = load_string(l, ct_json_get(o, "kernel"));
	v = ct_json_get(o, "cgroup_mode");
	h->cgroup_mode = json_object_is_type(v, json_type_string) ?
				 ct_cgroup_mode_from_name(json_object_get_string(v)) :
				 CT_CGROUP_UNKNOWN;
	if (ct_json_get_i64(ct_json_get(o, "time"), &i64) == 0)
		h->time = i64;
	if (ct_json_get_i64(ct_json_get(o, "boot_time"), &i64) == 0)
		h->boot_time = i64;
	if (ct_json_get_i64(ct_json_get(o, "hertz"), &i64) == 0 && i64 > 0 && i64 < 1000000)
		h->hertz = (long)i64;
	else
		h->hertz = 100;
	if (ct_json_get_u64(ct_json_get(o, "collector_uid"), &u) == 0 && u <= UINT32_MAX)
		h->collector_uid = (uid_t)u;
	h->partial = json_object_get_boolean(ct_json_get(o, "partial"));
	h->threads = json_object_get_boolean(ct_json_get(o, "threads"));
	return load_ns(l, ct_json_get(o, "host_ns"), h->host_ns);
}

static const char *load_bytes(struct loader *l, struct json_object *o, size_t *ret_len)
{
	_cleanup_free_ char *tmp = NULL;
	size_t len;

	*ret_len = 0;
	if (!o || ct_json_get_bytes_any(o, &tmp, &len) < 0)
		return NULL;
	*ret_len = len;
	return ct_arena_memdup(&l->s->arena, tmp, len + 1);
}

static int load_runtime(struct loader *l, struct json_object *rt)
{
	struct ct_snapshot *s = l->s;
	struct json_object *a;
	int64_t i64;
	uint64_t u;

	if (!rt)
		return 0;
	if (!json_object_is_type(rt, json_type_object))
		LOAD_FAIL(l, "\"runtime\" is not an object");
	s->runtime_collected = json_object_get_boolean(ct_json_get(rt, "collected"));

	a = ct_json_get(rt, "unix_sockets");
	if (a && json_object_is_type(a, json_type_array)) {
		size_t n = json_object_array_length(a);

		s->sockets = xcalloc(n ? n : 1, sizeof(*s->sockets));
		for (size_t i = 0; i < n; i++) {
			struct json_object *o = json_object_array_get_idx(a, i);

			if (ct_json_get_u64(ct_json_get(o, "inode"), &u) < 0 ||
			    !(s->sockets[s->n_sockets].path = load_string(l, ct_json_get(o, "path"))))
				LOAD_FAIL(l, "a unix socket lacks \"inode\" or \"path\"");
			s->sockets[s->n_sockets++].inode = u;
		}
	}
	a = ct_json_get(rt, "engine_fds");
	if (a && json_object_is_type(a, json_type_array)) {
		size_t n = json_object_array_length(a);

		s->proc_sockets = xcalloc(n ? n : 1, sizeof(*s->proc_sockets));
		for (size_t i = 0; i < n; i++) {
			struct json_object *o = json_object_array_get_idx(a, i), *in;
			struct ct_proc_sockets *ps = &s->proc_sockets[s->n_proc_sockets];
			uint64_t *inodes;
			size_t k, m;

			in = ct_json_get(o, "socket_inodes");
			if (ct_json_get_i64(ct_json_get(o, "pid"), &i64) < 0 || i64 <= 0 || i64 > INT32_MAX ||
			    !in || !json_object_is_type(in, json_type_array))
				LOAD_FAIL(l, "an engine_fds entry lacks \"pid\" or \"socket_inodes\"");
			m = json_object_array_length(in);
			inodes = ct_arena_alloc(&s->arena, (m ? m : 1) * sizeof(*inodes));
			for (k = 0; k < m; k++)
				if (ct_json_get_u64(json_object_array_get_idx(in, k), &inodes[k]) < 0)
					LOAD_FAIL(l, "a socket inode is not a number");
			ps->pid = (int)i64;
			ps->inodes = inodes;
			ps->n = m;
			s->n_proc_sockets++;
		}
	}
	a = ct_json_get(rt, "api");
	if (a && json_object_is_type(a, json_type_array)) {
		size_t n = json_object_array_length(a);

		s->api = xcalloc(n ? n : 1, sizeof(*s->api));
		for (size_t i = 0; i < n; i++) {
			struct json_object *o = json_object_array_get_idx(a, i);
			struct ct_api_reply *r = &s->api[s->n_api];

			r->what = load_string(l, ct_json_get(o, "what"));
			if (!r->what)
				LOAD_FAIL(l, "an api entry lacks \"what\"");
			r->socket = load_string(l, ct_json_get(o, "socket"));
			if (ct_json_get_i64(ct_json_get(o, "error"), &i64) == 0 && i64 <= 0 && i64 > -4096)
				r->error = (int)i64;
			r->message = load_string(l, ct_json_get(o, "message"));
			r->meta = load_string(l, ct_json_get(o, "meta"));
			r->data = load_bytes(l, ct_json_get(o, "data"), &r->len);
			s->n_api++;
		}
	}
	a = ct_json_get(rt, "files");
	if (a && json_object_is_type(a, json_type_array)) {
		size_t n = json_object_array_length(a);

		s->files = xcalloc(n ? n : 1, sizeof(*s->files));
		for (size_t i = 0; i < n; i++) {
			struct json_object *o = json_object_array_get_idx(a, i);
			struct ct_state_file *f = &s->files[s->n_files];

			f->path = load_string(l, ct_json_get(o, "path"));
			if (!f->path)
				LOAD_FAIL(l, "a file entry lacks \"path\"");
			if (ct_json_get_i64(ct_json_get(o, "error"), &i64) == 0 && i64 <= 0 && i64 > -4096)
				f->error = (int)i64;
			f->data = load_bytes(l, ct_json_get(o, "data"), &f->len);
			s->n_files++;
		}
	}
	return 0;
}

static int cmp_proc(const void *a, const void *b)
{
	const struct ct_proc *x = a, *y = b;

	return (x->pid > y->pid) - (x->pid < y->pid);
}

int ct_snapshot_load(const char *path, struct ct_snapshot **ret, const char **ret_error)
{
	struct json_object *root = NULL, *procs, *v;
	struct loader l = { 0 };
	int r;

	r = ct_json_parse_file(path, 512 * 1024 * 1024, &root, &l.error);
	if (r < 0) {
		*ret_error = l.error;
		return r;
	}
	l.s = xcalloc(1, sizeof(*l.s));

	v = ct_json_get(root, "schema");
	if (!v || !json_object_is_type(v, json_type_string) ||
	    strcmp(json_object_get_string(v), SNAPSHOT_SCHEMA) != 0) {
		l.error = "not a ctrtree snapshot (\"schema\" is not \"" SNAPSHOT_SCHEMA "\")";
		r = -EINVAL;
		goto fail;
	}
	r = load_host(&l, ct_json_get(root, "host"));
	if (r < 0)
		goto fail;
	procs = ct_json_get(root, "processes");
	if (!procs || !json_object_is_type(procs, json_type_array)) {
		l.error = "\"processes\" is missing or not an array";
		r = -EINVAL;
		goto fail;
	}
	l.s->n_procs = json_object_array_length(procs);
	l.s->procs = xcalloc(l.s->n_procs, sizeof(*l.s->procs));
	for (size_t i = 0; i < l.s->n_procs; i++) {
		r = load_proc(&l, json_object_array_get_idx(procs, i), &l.s->procs[i]);
		if (r < 0)
			goto fail;
	}
	r = load_runtime(&l, ct_json_get(root, "runtime"));
	if (r < 0)
		goto fail;
	qsort(l.s->procs, l.s->n_procs, sizeof(*l.s->procs), cmp_proc);
	for (size_t i = 1; i < l.s->n_procs; i++) {
		if (l.s->procs[i].pid == l.s->procs[i - 1].pid) {
			l.error = "two processes have the same pid";
			r = -EINVAL;
			goto fail;
		}
	}
	json_object_put(root);
	*ret = l.s;
	return 0;
fail:
	json_object_put(root);
	ct_snapshot_free(l.s);
	*ret_error = l.error;
	return r;
}
