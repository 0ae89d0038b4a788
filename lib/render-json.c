/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * JSON output, "ctrtree/1" (man ctrtree-json(5), lib/ctrtree.schema.json).
 * Streamed one process at a time: each object is built with json-c,
 * appended and freed, so memory stays flat on a host with 10,000 processes.
 */
#include <string.h>

#include "escape.h"
#include "jsonutil.h"
#include "render.h"

#define JSON_SCHEMA "ctrtree/1"

/*
 * Add a member whose key is a string constant: json-c then neither copies
 * the key nor looks for an earlier member of that name (tens of thousands
 * of objects on a busy host).
 */
static inline void jadd(struct json_object *o, const char *const_key, struct json_object *v)
{
	json_object_object_add_ex(o, const_key, v, JSON_C_OBJECT_ADD_KEY_IS_NEW | JSON_C_OBJECT_KEY_IS_CONSTANT);
}

static struct json_object *ns_object(const struct ct_ns_id *ns)
{
	struct json_object *o = json_object_new_object();

	for (int t = 0; t < CT_NS_COUNT; t++)
		jadd(o, ct_ns_names[t],
				       ct_ns_known(&ns[t]) ? json_object_new_uint64(ns[t].ino) : NULL);
	return o;
}

static struct json_object *time_string(int64_t t)
{
	char buf[64];

	ct_format_time(t, buf, sizeof(buf));
	return json_object_new_string(buf);
}

static struct json_object *host_object(const struct ct_host *h)
{
	struct json_object *o = json_object_new_object();

	jadd(o, "hostname", ct_json_str(h->hostname));
	jadd(o, "kernel", ct_json_str(h->kernel));
	jadd(o, "cgroup_mode", json_object_new_string(ct_cgroup_mode_name(h->cgroup_mode)));
	jadd(o, "time", time_string(h->time));
	jadd(o, "boot_time", time_string(h->boot_time));
	jadd(o, "clock_ticks", json_object_new_int64(h->hertz));
	jadd(o, "collector_uid", json_object_new_uint64(h->collector_uid));
	jadd(o, "partial", json_object_new_boolean(h->partial));
	jadd(o, "threads", json_object_new_boolean(h->threads));
	jadd(o, "namespaces", ns_object(h->host_ns));
	return o;
}

struct json_object *ct_json_process(const struct ct_model *m, const struct ct_world *w, size_t idx)
{
	const struct ct_proc *p = &m->snap->procs[idx];
	struct json_object *o = json_object_new_object();
	struct json_object *a;
	const char *cg;

	jadd(o, "pid", json_object_new_int(p->pid));
	jadd(o, "ppid", json_object_new_int(p->ppid));
	jadd(o, "start_time", json_object_new_uint64(p->start_time));
	jadd(o, "started", time_string(ct_proc_start_unix(&m->snap->host, p)));
	jadd(o, "state", ct_json_bytes(&p->state, 1));
	jadd(o, "comm", ct_json_str(p->comm));
	a = json_object_new_array_ext((int)p->argc);
	for (size_t i = 0; i < p->argc; i++)
		json_object_array_add(a, ct_json_str(p->argv[i]));
	jadd(o, "cmdline", a);
	if (p->flags & CT_PROC_CMDLINE_TRUNCATED)
		jadd(o, "cmdline_truncated", json_object_new_boolean(true));
	if (p->flags & CT_PROC_NO_STATUS) {
		jadd(o, "uid", NULL);
		jadd(o, "user", NULL);
	} else {
		jadd(o, "uid", json_object_new_uint64(p->uid));
		jadd(o, "user", ct_json_str(p->user));
	}
	if (p->flags & CT_PROC_THREAD)
		jadd(o, "thread", json_object_new_boolean(true));
	if (p->flags & CT_PROC_KTHREAD)
		jadd(o, "kernel_thread", json_object_new_boolean(true));
	a = json_object_new_array_ext((int)p->n_nspid);
	for (size_t i = 0; i < p->n_nspid; i++)
		json_object_array_add(a, json_object_new_int(p->nspid[i]));
	jadd(o, "nspid", a);
	jadd(o, "namespaces", ns_object(p->ns));

	a = json_object_new_array();
	for (int t = 0; t < CT_NS_COUNT; t++)
		if (m->nodes[idx].ns_changed & (1u << t))
			json_object_array_add(a, json_object_new_string(ct_ns_names[t]));
	jadd(o, "ns_changed", a);

	cg = ct_proc_main_cgroup(p);
	jadd(o, "cgroup_path", ct_json_str(cg));
	a = json_object_new_array_ext((int)p->n_cgroups);
	for (size_t i = 0; i < p->n_cgroups; i++) {
		const struct ct_cgroup_line *l = &p->cgroups[i];
		struct json_object *lo = json_object_new_object();

		jadd(lo, "hierarchy", json_object_new_int((int)l->hierarchy));
		jadd(lo, "controllers", ct_json_str(l->controllers));
		jadd(lo, "path", ct_json_str(l->path));
		json_object_array_add(a, lo);
	}
	jadd(o, "cgroup", a);

	if (p->flags & (CT_PROC_NO_STATUS | CT_PROC_NO_CMDLINE | CT_PROC_NO_CGROUP | CT_PROC_NS_PARTIAL)) {
		a = json_object_new_array();
		if (p->flags & CT_PROC_NO_STATUS)
			json_object_array_add(a, json_object_new_string("status"));
		if (p->flags & CT_PROC_NO_CMDLINE)
			json_object_array_add(a, json_object_new_string("cmdline"));
		if (p->flags & CT_PROC_NO_CGROUP)
			json_object_array_add(a, json_object_new_string("cgroup"));
		if (p->flags & CT_PROC_NS_PARTIAL)
			json_object_array_add(a, json_object_new_string("namespaces"));
		jadd(o, "unavailable", a);
	}
	if (m->nodes[idx].cycle_cut)
		jadd(o, "ppid_cycle", json_object_new_boolean(true));
	if (w) {
		ssize_t c = w->container[idx];
		const char *role = ct_role_name(w->roles[idx].role);

		if (!role && c >= 0)
			role = ct_role_name(CT_ROLE_CONTAINER);
		jadd(o, "role", role ? json_object_new_string(role) : NULL);
		jadd(o, "container", c >= 0 ? ct_json_str(w->containers[c].rec.id) : NULL);
		/* ids are unique per engine namespace only (containerd namespaces, lxcpaths) */
		jadd(o, "container_namespace",
				       c >= 0 ? ct_json_str(w->containers[c].rec.engine_ns) : NULL);
		jadd(o, "logical_parent", w->parent[idx] != CT_NONE ?
				       json_object_new_int(m->snap->procs[w->parent[idx]].pid) : NULL);
		a = json_object_new_array();
		if (w->evidence[idx])
			json_object_array_add(a, ct_json_str(w->evidence[idx]));
		else if (w->parent[idx] != CT_NONE)
			json_object_array_add(a, json_object_new_string("ppid"));
		jadd(o, "evidence", a);
	}
	return o;
}

struct json_object *ct_json_container(const struct ct_world *w, const struct ct_container *ct)
{
	const struct ct_snapshot *s = w->snap;
	struct json_object *o = json_object_new_object(), *a;
	const struct ct_proc *init = ct->init >= 0 ? &s->procs[ct->init] : NULL;
	const size_t idx = (size_t)(ct - w->containers);

	jadd(o, "id", ct_json_str(ct->rec.id));
	jadd(o, "name", ct_json_str(ct->rec.name));
	jadd(o, "image", ct_json_str(ct->rec.image));
	jadd(o, "engine", json_object_new_string(ct_engine_kind_name(ct->rec.engine)));
	jadd(o, "engine_namespace", ct_json_str(ct->rec.engine_ns));
	jadd(o, "runtime", ct_json_str(ct->rec.runtime));
	jadd(o, "bundle", ct_json_str(ct->rec.bundle));
	jadd(o, "status", ct_json_str(ct->rec.status));
	jadd(o, "init_pid", init ? json_object_new_int(init->pid) : NULL);
	jadd(o, "shim_pid", ct->shim >= 0 ? json_object_new_int(s->procs[ct->shim].pid) : NULL);
	a = json_object_new_array();
	for (size_t i = 0; i < s->n_procs; i++)
		if (w->container[i] == (ssize_t)idx && !(s->procs[i].flags & CT_PROC_THREAD))
			json_object_array_add(a, json_object_new_int(s->procs[i].pid));
	jadd(o, "pids", a);
	jadd(o, "namespaces", init ? ns_object(init->ns) : NULL);
	jadd(o, "cgroup", init ? ct_json_str(ct_proc_main_cgroup(init)) : NULL);
	a = json_object_new_array();
	for (size_t k = 0; k < ct->rec.n_ports; k++) {
		const struct ct_port *pt = &ct->rec.ports[k];
		struct json_object *po = json_object_new_object();

		jadd(po, "host_ip", ct_json_str(pt->host_ip));
		jadd(po, "host_port", pt->host_port ? json_object_new_int(pt->host_port) : NULL);
		jadd(po, "container_ip", ct_json_str(pt->container_ip));
		jadd(po, "container_port", json_object_new_int(pt->container_port));
		jadd(po, "proto", ct_json_str(pt->proto));
		jadd(po, "proxy_pid", pt->proxy_pid ? json_object_new_int(pt->proxy_pid) : NULL);
		json_object_array_add(a, po);
	}
	jadd(o, "ports", a);
	if (ct->pod.id || ct->pod.name || ct->pod.uid) {
		struct json_object *pod = json_object_new_object();

		jadd(pod, "id", ct_json_str(ct->pod.id));
		jadd(pod, "name", ct_json_str(ct->pod.name));
		jadd(pod, "namespace", ct_json_str(ct->pod.ns));
		jadd(pod, "uid", ct_json_str(ct->pod.uid));
		jadd(pod, "source", json_object_new_string(ct->pod.source));
		jadd(o, "pod", pod);
	} else {
		jadd(o, "pod", NULL);
	}
	a = json_object_new_object();
	for (size_t k = 0; k < ct->rec.n_labels; k++) {
		/* json-c writes keys as they are: a key with control or bidi
		 * characters or bytes that are not UTF-8 is written escaped as
		 * text instead (the one lossy place; see ctrtree-json(5)). */
		const char *key = ct->rec.labels[k].key;
		_cleanup_free_ char *safe = NULL;

		if (!ct_json_key_safe(key)) {
			bool utf8 = ct_escape_get_utf8();

			ct_escape_set_utf8(true);
			safe = ct_escape_term_dup(key, strlen(key));
			ct_escape_set_utf8(utf8);
			key = safe;
		}
		json_object_object_add(a, key, ct_json_str(ct->rec.labels[k].value));
	}
	jadd(o, "labels", a);
	a = json_object_new_array();
	for (size_t k = 0; k < ct->n_sources; k++)
		json_object_array_add(a, json_object_new_string(ct->sources[k]));
	jadd(o, "sources", a);
	return o;
}

static struct json_object *engine_object(const struct ct_world *w, const struct ct_engine_info *e)
{
	struct json_object *o = json_object_new_object();

	jadd(o, "pid", json_object_new_int(w->snap->procs[e->proc].pid));
	jadd(o, "kind", json_object_new_string(ct_engine_kind_name(e->kind)));
	jadd(o, "socket", ct_json_str(e->socket));
	jadd(o, "version", ct_json_str(e->version));
	jadd(o, "reachable", json_object_new_boolean(e->reachable));
	jadd(o, "error", ct_json_str(e->error));
	return o;
}

static struct json_object *anomaly_object(const struct ct_world *w, const struct ct_anomaly *an)
{
	struct json_object *o = json_object_new_object();

	jadd(o, "kind", json_object_new_string(an->kind));
	jadd(o, "pid", an->pid ? json_object_new_int(an->pid) : NULL);
	jadd(o, "container", an->container >= 0 ?
			       ct_json_str(w->containers[an->container].rec.id) : NULL);
	jadd(o, "message", ct_json_str(an->message));
	return o;
}

static int flush(struct ct_buf *b, FILE *out, bool force)
{
	if (!force && b->len < 256 * 1024)
		return 0;
	if (b->len && fwrite(b->data, 1, b->len, out) != b->len)
		return errno ? -errno : -EIO;
	b->len = 0;
	return 0;
}

/* Append ",\n\"name\":[ ... ]" with one element a line. */
static int put_array(struct ct_buf *b, FILE *out, const char *name, size_t n,
		     struct json_object *(*make)(const void *ctx, size_t i), const void *ctx)
{
	int r = 0;

	ct_buf_printf(b, ",\n\"%s\":[", name);
	for (size_t i = 0; i < n && r == 0; i++) {
		struct json_object *o = make(ctx, i);

		if (!o)
			continue;
		ct_buf_puts(b, b->data[b->len - 1] == '[' ? "\n" : ",\n");
		ct_json_append(b, o);
		json_object_put(o);
		r = flush(b, out, false);
	}
	ct_buf_puts(b, "\n]");
	return r;
}

struct sel {
	const struct ct_model *m;
	const struct ct_world *w;
	const bool *keep;
};

static bool container_kept(const struct sel *x, size_t c)
{
	const size_t np = x->w->snap->n_procs;

	if (!x->keep)
		return true;
	if (np + c < x->m->n_nodes)
		return x->keep[np + c];
	for (size_t i = 0; i < np; i++)
		if (x->w->container[i] == (ssize_t)c && x->keep[i])
			return true;
	return false;
}

static struct json_object *make_container(const void *ctx, size_t i)
{
	const struct sel *x = ctx;

	return container_kept(x, i) ? ct_json_container(x->w, &x->w->containers[i]) : NULL;
}

static struct json_object *make_engine(const void *ctx, size_t i)
{
	const struct sel *x = ctx;
	const struct ct_engine_info *e = &x->w->engines[i];

	return !x->keep || x->keep[e->proc] ? engine_object(x->w, e) : NULL;
}

static struct json_object *make_anomaly(const void *ctx, size_t i)
{
	const struct sel *x = ctx;
	const struct ct_anomaly *an = &x->w->anomalies[i];
	bool kept = !x->keep;

	if (!kept && an->container >= 0)
		kept = container_kept(x, (size_t)an->container);
	if (!kept && an->pid > 0) {
		ssize_t k = ct_snapshot_find(x->w->snap, an->pid);

		kept = k >= 0 && x->keep[k];
	}
	return kept ? anomaly_object(x->w, an) : NULL;
}

int ct_render_json(const struct ct_model *m, const struct ct_world *w, const bool *keep, FILE *out)
{
	const struct ct_snapshot *s = m->snap;
	struct ct_buf b = { 0 };
	struct json_object *o;
	bool first = true;
	int r = 0;

	ct_buf_puts(&b, "{\"schema\":\"" JSON_SCHEMA "\",\n\"host\":");
	o = host_object(&s->host);
	ct_json_append(&b, o);
	json_object_put(o);

	ct_buf_puts(&b, ",\n\"processes\":[");
	for (size_t i = 0; i < s->n_procs && r == 0; i++) {
		if (keep && !keep[i])
			continue;
		ct_buf_puts(&b, first ? "\n" : ",\n");
		first = false;
		o = ct_json_process(m, w, i);
		ct_json_append(&b, o);
		json_object_put(o);
		r = flush(&b, out, false);
	}

	ct_buf_puts(&b, "\n],\n\"namespaces\":[");
	first = true;
	for (size_t i = 0; i < m->n_namespaces && r == 0; i++) {
		const struct ct_namespace *ns = &m->namespaces[i];
		struct json_object *pids = json_object_new_array();

		for (size_t k = 0; k < ns->n_members; k++)
			if (!keep || keep[ns->members[k]])
				json_object_array_add(pids, json_object_new_int(s->procs[ns->members[k]].pid));
		if (json_object_array_length(pids) == 0) {
			json_object_put(pids);
			continue;
		}
		o = json_object_new_object();
		jadd(o, "type", json_object_new_string(ct_ns_names[ns->type]));
		jadd(o, "inode", json_object_new_uint64(ns->id.ino));
		jadd(o, "pids", pids);
		ct_buf_puts(&b, first ? "\n" : ",\n");
		first = false;
		ct_json_append(&b, o);
		json_object_put(o);
		r = flush(&b, out, false);
	}
	ct_buf_puts(&b, "\n]");
	if (w) {
		const struct sel x = { m, w, keep };

		if (r == 0)
			r = put_array(&b, out, "containers", w->n_containers, make_container, &x);
		if (r == 0)
			r = put_array(&b, out, "engines", w->n_engines, make_engine, &x);
		if (r == 0)
			r = put_array(&b, out, "anomalies", w->n_anomalies, make_anomaly, &x);
	}
	ct_buf_puts(&b, "}\n");
	if (r == 0)
		r = flush(&b, out, true);
	ct_buf_free(&b);
	return r;
}
