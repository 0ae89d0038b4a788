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

static struct json_object *ns_object(const struct ct_ns_id *ns)
{
	struct json_object *o = json_object_new_object();

	for (int t = 0; t < CT_NS_COUNT; t++)
		json_object_object_add(o, ct_ns_names[t],
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

	json_object_object_add(o, "hostname", ct_json_str(h->hostname));
	json_object_object_add(o, "kernel", ct_json_str(h->kernel));
	json_object_object_add(o, "cgroup_mode", json_object_new_string(ct_cgroup_mode_name(h->cgroup_mode)));
	json_object_object_add(o, "time", time_string(h->time));
	json_object_object_add(o, "boot_time", time_string(h->boot_time));
	json_object_object_add(o, "clock_ticks", json_object_new_int64(h->hertz));
	json_object_object_add(o, "collector_uid", json_object_new_uint64(h->collector_uid));
	json_object_object_add(o, "partial", json_object_new_boolean(h->partial));
	json_object_object_add(o, "threads", json_object_new_boolean(h->threads));
	json_object_object_add(o, "namespaces", ns_object(h->host_ns));
	return o;
}

static struct json_object *proc_object(const struct ct_model *m, size_t idx)
{
	const struct ct_proc *p = &m->snap->procs[idx];
	struct json_object *o = json_object_new_object();
	struct json_object *a;
	const char *cg;

	json_object_object_add(o, "pid", json_object_new_int(p->pid));
	json_object_object_add(o, "ppid", json_object_new_int(p->ppid));
	json_object_object_add(o, "start_time", json_object_new_uint64(p->start_time));
	json_object_object_add(o, "started", time_string(ct_proc_start_unix(&m->snap->host, p)));
	json_object_object_add(o, "state", ct_json_bytes(&p->state, 1));
	json_object_object_add(o, "comm", ct_json_str(p->comm));
	a = json_object_new_array_ext((int)p->argc);
	for (size_t i = 0; i < p->argc; i++)
		json_object_array_add(a, ct_json_str(p->argv[i]));
	json_object_object_add(o, "cmdline", a);
	if (p->flags & CT_PROC_CMDLINE_TRUNCATED)
		json_object_object_add(o, "cmdline_truncated", json_object_new_boolean(true));
	if (p->flags & CT_PROC_NO_STATUS) {
		json_object_object_add(o, "uid", NULL);
		json_object_object_add(o, "user", NULL);
	} else {
		json_object_object_add(o, "uid", json_object_new_uint64(p->uid));
		json_object_object_add(o, "user", ct_json_str(p->user));
	}
	if (p->flags & CT_PROC_THREAD)
		json_object_object_add(o, "thread", json_object_new_boolean(true));
	if (p->flags & CT_PROC_KTHREAD)
		json_object_object_add(o, "kernel_thread", json_object_new_boolean(true));
	a = json_object_new_array_ext((int)p->n_nspid);
	for (size_t i = 0; i < p->n_nspid; i++)
		json_object_array_add(a, json_object_new_int(p->nspid[i]));
	json_object_object_add(o, "nspid", a);
	json_object_object_add(o, "namespaces", ns_object(p->ns));

	a = json_object_new_array();
	for (int t = 0; t < CT_NS_COUNT; t++)
		if (m->nodes[idx].ns_changed & (1u << t))
			json_object_array_add(a, json_object_new_string(ct_ns_names[t]));
	json_object_object_add(o, "ns_changed", a);

	cg = ct_proc_main_cgroup(p);
	json_object_object_add(o, "cgroup_path", ct_json_str(cg));
	a = json_object_new_array_ext((int)p->n_cgroups);
	for (size_t i = 0; i < p->n_cgroups; i++) {
		const struct ct_cgroup_line *l = &p->cgroups[i];
		struct json_object *lo = json_object_new_object();

		json_object_object_add(lo, "hierarchy", json_object_new_int((int)l->hierarchy));
		json_object_object_add(lo, "controllers", ct_json_str(l->controllers));
		json_object_object_add(lo, "path", ct_json_str(l->path));
		json_object_array_add(a, lo);
	}
	json_object_object_add(o, "cgroup", a);

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
		json_object_object_add(o, "unavailable", a);
	}
	if (m->nodes[idx].cycle_cut)
		json_object_object_add(o, "ppid_cycle", json_object_new_boolean(true));
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

int ct_render_json(const struct ct_model *m, const bool *keep, FILE *out)
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
		o = proc_object(m, i);
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
		json_object_object_add(o, "type", json_object_new_string(ct_ns_names[ns->type]));
		json_object_object_add(o, "inode", json_object_new_uint64(ns->id.ino));
		json_object_object_add(o, "pids", pids);
		ct_buf_puts(&b, first ? "\n" : ",\n");
		first = false;
		ct_json_append(&b, o);
		json_object_put(o);
		r = flush(&b, out, false);
	}
	ct_buf_puts(&b, "\n]}\n");
	if (r == 0)
		r = flush(&b, out, true);
	ct_buf_free(&b);
	return r;
}
