/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <inttypes.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <libsmartcols.h>

#include "escape.h"
#include "render.h"

/* A deeper tree is hung flat at this depth: each level costs columns, and
 * libsmartcols prints a tree recursively. */
#define MAX_TREE_DEPTH 128
/* Enough of a multi-megabyte argv to fill any terminal line. */
#define MAX_COMMAND_TEXT 8192

const struct ct_col_info ct_cols[CT_COL_COUNT] = {
	[CT_COL_PID] = { "PID", 5, SCOLS_FL_RIGHT, "process ID (thread ID for a thread)" },
	[CT_COL_PPID] = { "PPID", 5, SCOLS_FL_RIGHT, "parent process ID" },
	[CT_COL_USER] = { "USER", 8, 0, "effective user name" },
	[CT_COL_UID] = { "UID", 5, SCOLS_FL_RIGHT, "effective user ID" },
	[CT_COL_STATE] = { "S", 1, 0, "process state (R, S, D, Z, T, ...)" },
	[CT_COL_START] = { "START", 20, 0, "start time (UTC, RFC 3339)" },
	[CT_COL_NS] = { "NS", 0.1, 0,
			"namespace types where the process left its parent's (like pstree -S)" },
	[CT_COL_NSPID] = { "NSPID", 6, 0, "pid in each nested pid namespace, outermost first" },
	[CT_COL_CGROUP] = { "CGROUP", 0.2, SCOLS_FL_TRUNC,
			    "cgroup path (v2 path, else the first non-root v1 path)" },
	[CT_COL_CGROUPNS] = { "CGROUPNS", 10, SCOLS_FL_RIGHT, "cgroup namespace inode" },
	[CT_COL_IPCNS] = { "IPCNS", 10, SCOLS_FL_RIGHT, "ipc namespace inode" },
	[CT_COL_MNTNS] = { "MNTNS", 10, SCOLS_FL_RIGHT, "mount namespace inode" },
	[CT_COL_NETNS] = { "NETNS", 10, SCOLS_FL_RIGHT, "network namespace inode" },
	[CT_COL_PIDNS] = { "PIDNS", 10, SCOLS_FL_RIGHT, "pid namespace inode" },
	[CT_COL_TIMENS] = { "TIMENS", 10, SCOLS_FL_RIGHT, "time namespace inode" },
	[CT_COL_USERNS] = { "USERNS", 10, SCOLS_FL_RIGHT, "user namespace inode" },
	[CT_COL_UTSNS] = { "UTSNS", 10, SCOLS_FL_RIGHT, "uts namespace inode" },
	[CT_COL_COMM] = { "COMM", 16, 0, "command name (comm)" },
	[CT_COL_ROLE] = { "ROLE", 7, 0, "engine, shim, runtime, runtime-init, proxy, init, pause or container" },
	[CT_COL_CONTAINER] = { "CONTAINER", 12, SCOLS_FL_TRUNC,
			       "name (or short id) of the container the process is in; ->NAME for a docker-proxy" },
	[CT_COL_CID] = { "CID", 12, 0, "container id, first 12 characters" },
	[CT_COL_COMMAND] = { "COMMAND", 0.5, SCOLS_FL_TREE | SCOLS_FL_TRUNC | SCOLS_FL_NOEXTREMES,
			     "command line, as a tree" },
};

static const enum ct_ns_type col_ns_type[CT_COL_COUNT] = {
	[CT_COL_CGROUPNS] = CT_NS_CGROUP, [CT_COL_IPCNS] = CT_NS_IPC, [CT_COL_MNTNS] = CT_NS_MNT,
	[CT_COL_NETNS] = CT_NS_NET,	  [CT_COL_PIDNS] = CT_NS_PID, [CT_COL_TIMENS] = CT_NS_TIME,
	[CT_COL_USERNS] = CT_NS_USER,	  [CT_COL_UTSNS] = CT_NS_UTS,
};

int ct_col_from_name(const char *name, size_t len)
{
	for (int i = 0; i < CT_COL_COUNT; i++)
		if (strlen(ct_cols[i].name) == len && strncasecmp(ct_cols[i].name, name, len) == 0)
			return i;
	return -1;
}

int64_t ct_proc_start_unix(const struct ct_host *h, const struct ct_proc *p)
{
	return h->boot_time + (int64_t)(p->start_time / (uint64_t)(h->hertz > 0 ? h->hertz : 100));
}

void ct_format_time(int64_t t, char *buf, size_t size)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (!gmtime_r(&tt, &tm) || !strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm))
		snprintf(buf, size, "?");
}

void ct_format_command(const struct ct_proc *p, struct ct_buf *out)
{
	if (p->argc == 0 || (p->flags & CT_PROC_THREAD)) {
		bool thread = p->flags & CT_PROC_THREAD;

		ct_buf_putc(out, thread ? '{' : '[');
		ct_escape_term(out, p->comm, strlen(p->comm));
		ct_buf_putc(out, thread ? '}' : ']');
		return;
	}
	for (size_t i = 0; i < p->argc && out->len < MAX_COMMAND_TEXT; i++) {
		size_t len = strlen(p->argv[i]);

		if (i)
			ct_buf_putc(out, ' ');
		ct_escape_term(out, p->argv[i], len > MAX_COMMAND_TEXT ? MAX_COMMAND_TEXT : len);
	}
	if (out->len >= MAX_COMMAND_TEXT || (p->flags & CT_PROC_CMDLINE_TRUNCATED))
		ct_buf_puts(out, "...");
}

static void container_label(const struct ct_container *ct, struct ct_buf *b)
{
	if (ct->rec.name)
		ct_escape_term(b, ct->rec.name, strlen(ct->rec.name));
	else
		ct_escape_term(b, ct->rec.id, strlen(ct->rec.id) > 12 ? 12 : strlen(ct->rec.id));
}

/* A container's own row: "container NAME (image IMAGE, ENGINE, ID)". */
static char *container_cell(const struct ct_world *w, const struct ct_container *ct, int col)
{
	const struct ct_snapshot *s = w->snap;
	struct ct_buf b = { 0 };
	const char *cg;

	switch (col) {
	case CT_COL_COMMAND:
		ct_buf_puts(&b, "container ");
		container_label(ct, &b);
		ct_buf_puts(&b, " (");
		if (ct->rec.image) {
			ct_buf_puts(&b, "image ");
			ct_escape_term(&b, ct->rec.image, strlen(ct->rec.image));
			ct_buf_puts(&b, ", ");
		}
		ct_buf_puts(&b, ct_engine_kind_name(ct->rec.engine));
		if (ct->rec.engine_ns && ct->rec.engine == CT_ENGINE_CONTAINERD) {
			ct_buf_putc(&b, '/');
			ct_escape_term(&b, ct->rec.engine_ns, strlen(ct->rec.engine_ns));
		}
		if (ct->rec.name) {
			ct_buf_puts(&b, ", ");
			ct_escape_term(&b, ct->rec.id, strlen(ct->rec.id) > 12 ? 12 : strlen(ct->rec.id));
		}
		if (ct->init < 0)
			ct_buf_puts(&b, ", no process");
		ct_buf_putc(&b, ')');
		break;
	case CT_COL_CGROUP:
		cg = ct->init >= 0 ? ct_proc_main_cgroup(&s->procs[ct->init]) : NULL;
		if (cg)
			ct_escape_term(&b, cg, strlen(cg));
		break;
	case CT_COL_ROLE:
		ct_buf_puts(&b, "(container)");
		break;
	case CT_COL_CONTAINER:
		container_label(ct, &b);
		break;
	case CT_COL_CID:
		ct_escape_term(&b, ct->rec.id, strlen(ct->rec.id) > 12 ? 12 : strlen(ct->rec.id));
		break;
	default:
		break;
	}
	return b.data;
}

/* Text for one cell, or NULL to leave it empty. */
static char *cell_text(const struct ct_model *m, const struct ct_world *w, size_t idx, int col)
{
	if (idx >= m->snap->n_procs)
		return w ? container_cell(w, &w->containers[idx - m->snap->n_procs], col) : NULL;

	const struct ct_proc *p = &m->snap->procs[idx];
	ssize_t c = w ? w->container[idx] : -1;
	struct ct_buf b = { 0 };
	char tmp[64];
	const char *cg;

	switch (col) {
	case CT_COL_PID:
		ct_buf_printf(&b, "%d", p->pid);
		break;
	case CT_COL_PPID:
		ct_buf_printf(&b, "%d", p->ppid);
		break;
	case CT_COL_USER:
		if (p->flags & CT_PROC_NO_STATUS)
			ct_buf_putc(&b, '?');
		else if (p->user)
			ct_escape_term(&b, p->user, strlen(p->user));
		else
			ct_buf_printf(&b, "%u", p->uid);
		break;
	case CT_COL_UID:
		if (p->flags & CT_PROC_NO_STATUS)
			ct_buf_putc(&b, '?');
		else
			ct_buf_printf(&b, "%u", p->uid);
		break;
	case CT_COL_STATE:
		ct_escape_term(&b, &p->state, 1);
		break;
	case CT_COL_START:
		ct_format_time(ct_proc_start_unix(&m->snap->host, p), tmp, sizeof(tmp));
		ct_buf_puts(&b, tmp);
		break;
	case CT_COL_NS:
		ct_ns_mask_format(m->nodes[idx].ns_changed, tmp, sizeof(tmp));
		ct_buf_puts(&b, tmp);
		if (p->flags & CT_PROC_NS_PARTIAL)
			ct_buf_puts(&b, tmp[0] ? ",?" : "?");
		break;
	case CT_COL_NSPID:
		for (size_t i = 0; i < p->n_nspid; i++)
			ct_buf_printf(&b, "%s%d", i ? "," : "", p->nspid[i]);
		break;
	case CT_COL_CGROUP:
		cg = ct_proc_main_cgroup(p);
		if (cg)
			ct_escape_term(&b, cg, strlen(cg));
		else if (p->flags & CT_PROC_NO_CGROUP)
			ct_buf_putc(&b, '?');
		break;
	case CT_COL_COMM:
		ct_escape_term(&b, p->comm, strlen(p->comm));
		break;
	case CT_COL_COMMAND:
		ct_format_command(p, &b);
		break;
	case CT_COL_ROLE:
		if (w && w->roles[idx].role != CT_ROLE_NONE)
			ct_buf_puts(&b, ct_role_name(w->roles[idx].role));
		else if (c >= 0)
			ct_buf_puts(&b, ct_role_name(CT_ROLE_CONTAINER));
		break;
	case CT_COL_CONTAINER:
		if (c >= 0) {
			container_label(&w->containers[c], &b);
		} else if (w && w->serves[idx] >= 0) {
			/* a docker-proxy: the container it forwards to */
			ct_buf_puts(&b, "->");
			container_label(&w->containers[w->serves[idx]], &b);
		}
		break;
	case CT_COL_CID:
		if (c >= 0)
			ct_escape_term(&b, w->containers[c].rec.id,
				       strlen(w->containers[c].rec.id) > 12 ? 12 : strlen(w->containers[c].rec.id));
		break;
	default: {
		const struct ct_ns_id *ns = &p->ns[col_ns_type[col]];

		if (ct_ns_known(ns))
			ct_buf_printf(&b, "%" PRIu64, ns->ino);
		else if (p->flags & CT_PROC_NS_PARTIAL)
			ct_buf_putc(&b, '?');
		break;
	}
	}
	return b.data;
}

static struct libscols_table *new_table(const struct ct_render_opts *o)
{
	struct libscols_table *tb = scols_new_table();

	if (!tb)
		return NULL;
	scols_table_enable_raw(tb, o->raw);
	scols_table_enable_noheadings(tb, o->noheadings);
	/* Cells are escaped already; --raw still encodes blanks and '\\' so that
	 * a raw line splits on spaces, as lsblk -r does. */
	scols_table_enable_noencoding(tb, 1);
	if (o->ascii)
		scols_table_enable_ascii(tb, 1);
	if (o->width > 0) {
		scols_table_set_termforce(tb, SCOLS_TERMFORCE_ALWAYS);
		scols_table_set_termwidth(tb, (size_t)o->width);
	}
	scols_table_set_stream(tb, o->out);
	return tb;
}

struct tree_ctx {
	const struct ct_model *m;
	const struct ct_render_opts *o;
	struct libscols_table *tb;
	struct libscols_line **lines; /* per process index */
};

static int add_row(size_t idx, size_t shown_parent, unsigned depth, void *userdata)
{
	struct tree_ctx *c = userdata;
	struct libscols_line *parent = NULL, *ln;

	if (!c->o->list && shown_parent != CT_NONE)
		parent = c->lines[shown_parent];
	ln = scols_table_new_line(c->tb, parent);
	if (!ln)
		return -ENOMEM;
	/* Past the depth cap, children hang beside their parent, flat. */
	c->lines[idx] = depth + 1 >= MAX_TREE_DEPTH && parent ? parent : ln;

	for (size_t k = 0; k < c->o->n_cols; k++) {
		char *text = cell_text(c->m, c->o->world, idx, c->o->cols[k]);

		if (text && scols_line_refer_data(ln, k, text) < 0) {
			free(text);
			return -ENOMEM;
		}
	}
	return 0;
}

static int add_columns(struct libscols_table *tb, const struct ct_render_opts *o, bool tree)
{
	for (size_t k = 0; k < o->n_cols; k++) {
		const struct ct_col_info *ci = &ct_cols[o->cols[k]];
		int flags = ci->flags;

		if (!tree)
			flags &= ~SCOLS_FL_TREE;
		if (!scols_table_new_column(tb, ci->name, ci->whint, flags))
			return -ENOMEM;
	}
	return 0;
}

int ct_render_tree(const struct ct_model *m, const struct ct_render_opts *o)
{
	struct tree_ctx c = { .m = m, .o = o };
	int r;

	c.tb = new_table(o);
	if (!c.tb)
		return -ENOMEM;
	r = add_columns(c.tb, o, !o->list);
	if (r < 0)
		goto out;
	c.lines = xcalloc(m->n_nodes ? m->n_nodes : 1, sizeof(*c.lines));
	r = ct_model_walk(m, o->keep, add_row, &c);
	if (r < 0)
		goto out;
	r = scols_print_table(c.tb);
out:
	free(c.lines);
	scols_unref_table(c.tb);
	return r;
}

enum { NSCOL_NS, NSCOL_TYPE, NSCOL_NPROCS, NSCOL_PID, NSCOL_USER, NSCOL_COMMAND };

int ct_render_namespaces(const struct ct_model *m, const struct ct_render_opts *o)
{
	static const struct {
		const char *name;
		double whint;
		int flags;
	} cols[] = {
		[NSCOL_NS] = { "NS", 10, SCOLS_FL_RIGHT },
		[NSCOL_TYPE] = { "TYPE", 5, 0 },
		[NSCOL_NPROCS] = { "NPROCS", 5, SCOLS_FL_RIGHT },
		[NSCOL_PID] = { "PID", 5, SCOLS_FL_RIGHT },
		[NSCOL_USER] = { "USER", 8, 0 },
		[NSCOL_COMMAND] = { "COMMAND", 0.5, SCOLS_FL_TRUNC | SCOLS_FL_NOEXTREMES },
	};
	struct libscols_table *tb = new_table(o);
	int r = 0;

	if (!tb)
		return -ENOMEM;
	for (size_t k = 0; k < ARRAY_SIZE(cols); k++)
		if (!scols_table_new_column(tb, cols[k].name, cols[k].whint, cols[k].flags)) {
			r = -ENOMEM;
			goto out;
		}
	for (size_t i = 0; i < m->n_namespaces; i++) {
		const struct ct_namespace *ns = &m->namespaces[i];
		size_t owner = CT_NONE, n = 0;
		struct libscols_line *ln;

		/* Like lsns: the lowest pid among the kept members speaks for it. */
		for (size_t k = 0; k < ns->n_members; k++) {
			if (o->keep && !o->keep[ns->members[k]])
				continue;
			if (owner == CT_NONE)
				owner = ns->members[k];
			n++;
		}
		if (owner == CT_NONE)
			continue;
		ln = scols_table_new_line(tb, NULL);
		if (!ln) {
			r = -ENOMEM;
			goto out;
		}
		const struct ct_proc *p = &m->snap->procs[owner];
		struct ct_buf cmd = { 0 };

		ct_format_command(p, &cmd);
		char num[32];

		snprintf(num, sizeof(num), "%" PRIu64, ns->id.ino);
		scols_line_set_data(ln, NSCOL_NS, num);
		scols_line_set_data(ln, NSCOL_TYPE, ct_ns_names[ns->type]);
		snprintf(num, sizeof(num), "%zu", n);
		scols_line_set_data(ln, NSCOL_NPROCS, num);
		snprintf(num, sizeof(num), "%d", p->pid);
		scols_line_set_data(ln, NSCOL_PID, num);
		scols_line_refer_data(ln, NSCOL_USER, cell_text(m, NULL, owner, CT_COL_USER));
		scols_line_refer_data(ln, NSCOL_COMMAND, cmd.data);
	}
	r = scols_print_table(tb);
out:
	scols_unref_table(tb);
	return r;
}
