/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The detail pane: what ctrtree --json says of the selected container (or
 * process), as lines of escaped text.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <string.h>

#include "escape.h"
#include "render.h"
#include "tui.h"

struct lines {
	char **v;
	size_t n;
};

static void add(struct lines *l, struct ct_buf *b)
{
	ct_buf_putc(b, '\0');
	l->v = xreallocarray(l->v, l->n + 1, sizeof(char *));
	l->v[l->n++] = b->data;
	*b = (struct ct_buf){ 0 };
}

/* "  label: VALUE" with the value escaped; "-" for NULL. */
static void field(struct lines *l, const char *label, const char *value)
{
	struct ct_buf b = { 0 };

	ct_buf_printf(&b, "  %-10s ", label);
	if (value)
		ct_escape_term(&b, value, strlen(value));
	else
		ct_buf_putc(&b, '-');
	add(l, &b);
}

static void linef(struct lines *l, const char *fmt, ...) _printf_(2, 3);
static void linef(struct lines *l, const char *fmt, ...)
{
	struct ct_buf b = { 0 };
	_cleanup_free_ char *s = NULL;
	va_list ap;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		s = NULL;
	va_end(ap);
	ct_buf_puts(&b, s ? s : "");
	add(l, &b);
}

static void proc_line(struct lines *l, const struct tui_host *h, const char *label, ssize_t idx)
{
	struct ct_buf b = { 0 };
	const struct ct_proc *p;

	ct_buf_printf(&b, "  %-10s ", label);
	if (idx < 0) {
		ct_buf_putc(&b, '-');
		add(l, &b);
		return;
	}
	p = &h->snap->procs[idx];
	ct_buf_printf(&b, "%d (start %" PRIu64 ") ", p->pid, p->start_time);
	ct_format_command(p, &b);
	add(l, &b);
	if (h->world->evidence[idx]) {
		ct_buf_puts(&b, "             parent: ");
		ct_escape_term(&b, h->world->evidence[idx], strlen(h->world->evidence[idx]));
		add(l, &b);
	}
}

static void ns_lines(struct lines *l, const struct ct_proc *p)
{
	struct ct_buf b = { 0 };

	ct_buf_printf(&b, "  %-10s ", "namespaces");
	for (int t = 0; t < CT_NS_COUNT; t++)
		if (p->ns[t].ino)
			ct_buf_printf(&b, "%s:%" PRIu64 " ", ct_ns_names[t], p->ns[t].ino);
	add(l, &b);
}

char **tui_detail_lines(const struct tui_host *h, size_t node, size_t *ret_n)
{
	struct lines l = { 0 };
	ssize_t c = tui_node_container(h, node);
	const struct ct_proc *p = NULL;

	if (!tui_node_is_container(h, node)) {
		const struct ct_role_info *ri = &h->world->roles[node];

		p = &h->snap->procs[node];
		linef(&l, "process %d%s%s", p->pid, ct_role_name(ri->role) ? ", role " : "",
		      ct_role_name(ri->role) ? ct_role_name(ri->role) : "");
		proc_line(&l, h, "command", (ssize_t)node);
		ns_lines(&l, p);
		field(&l, "cgroup", ct_proc_main_cgroup(p));
		if (h->world->serves[node] >= 0)
			field(&l, "serves", h->world->containers[h->world->serves[node]].rec.name);
		if (c < 0)
			goto out;
		linef(&l, "in container:");
	}
	if (c >= 0) {
		const struct ct_container *ct = &h->world->containers[c];
		const struct tui_cg_metrics *m = &h->cg[c];
		struct ct_buf b = { 0 };

		field(&l, "id", ct->rec.id);
		field(&l, "name", ct->rec.name);
		field(&l, "image", ct->rec.image);
		ct_buf_printf(&b, "  %-10s %s", "engine", ct_engine_kind_name(ct->rec.engine));
		if (ct->rec.engine_ns) {
			ct_buf_puts(&b, " namespace ");
			ct_escape_term(&b, ct->rec.engine_ns, strlen(ct->rec.engine_ns));
		}
		add(&l, &b);
		field(&l, "runtime", ct->rec.runtime);
		field(&l, "status", ct->rec.status);
		proc_line(&l, h, "init", ct->init);
		proc_line(&l, h, "shim", ct->shim);
		if (ct->init >= 0) {
			const struct ct_proc *ip = &h->snap->procs[ct->init];

			ns_lines(&l, ip);
			field(&l, "cgroup", ct_proc_main_cgroup(ip));
		}
		linef(&l, "  %-10s cpu %s%.1f%%  mem %" PRId64 " bytes  pids %" PRId64, "cgroup now",
		      m->cpu_pct < 0 ? "? " : "", m->cpu_pct < 0 ? 0.0 : m->cpu_pct, m->mem, m->pids);
		for (size_t k = 0; k < ct->rec.n_ports; k++) {
			const struct ct_port *pt = &ct->rec.ports[k];

			ct_buf_printf(&b, "  %-10s ", k ? "" : "ports");
			if (pt->host_ip)
				ct_escape_term(&b, pt->host_ip, strlen(pt->host_ip));
			ct_buf_printf(&b, ":%d -> ", pt->host_port);
			if (pt->container_ip)
				ct_escape_term(&b, pt->container_ip, strlen(pt->container_ip));
			ct_buf_printf(&b, ":%d/", pt->container_port);
			if (pt->proto)
				ct_escape_term(&b, pt->proto, strlen(pt->proto));
			if (pt->proxy_pid)
				ct_buf_printf(&b, " (docker-proxy %d)", pt->proxy_pid);
			add(&l, &b);
		}
		if (ct->pod.id || ct->pod.name) {
			ct_buf_printf(&b, "  %-10s ", "pod");
			if (ct->pod.ns) {
				ct_escape_term(&b, ct->pod.ns, strlen(ct->pod.ns));
				ct_buf_putc(&b, '/');
			}
			if (ct->pod.name)
				ct_escape_term(&b, ct->pod.name, strlen(ct->pod.name));
			if (ct->pod.id) {
				ct_buf_puts(&b, " id ");
				ct_escape_term(&b, ct->pod.id, strnlen(ct->pod.id, 12));
			}
			add(&l, &b);
		}
		for (size_t a = 0; a < h->world->n_anomalies; a++) {
			const struct ct_anomaly *an = &h->world->anomalies[a];

			if (an->container != c)
				continue;
			ct_buf_printf(&b, "  %-10s ", "anomaly");
			ct_escape_term(&b, an->kind, strlen(an->kind));
			ct_buf_puts(&b, ": ");
			if (an->message)
				ct_escape_term(&b, an->message, strlen(an->message));
			add(&l, &b);
		}
		ct_buf_printf(&b, "  %-10s ", "evidence");
		for (size_t k = 0; k < ct->n_sources; k++) {
			if (k)
				ct_buf_puts(&b, ", ");
			ct_escape_term(&b, ct->sources[k], strlen(ct->sources[k]));
		}
		add(&l, &b);
	}
out:
	*ret_n = l.n;
	return l.v;
}
