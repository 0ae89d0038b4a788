/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The table (htop's Table/Row): the model's forest flattened into the rows
 * on screen.  Which children a row shows is its fold state, kept by
 * identity (a container's id, a process's PID and start time) so that it
 * survives a new collection: open (all), closed (none) or automatic, the
 * default, which shows only the children that lead to a container, and no
 * processes under a container row: every container at a glance.  A filter
 * shows every match with the way down to it; siblings are sorted by the
 * current key.
 */
#include <string.h>
#include <strings.h>

#include "escape.h"
#include "tui.h"

const char *const tui_sort_names[TUI_SORT_COUNT] = { "name", "cpu", "mem", "pids" };

static bool key_matches(const struct tui_fold_key *k, const struct tui_host *h, size_t node)
{
	if (tui_node_is_container(h, node)) {
		const char *id = h->world->containers[node - h->snap->n_procs].rec.id;

		return k->container && id && k->cid && strcmp(id, k->cid) == 0;
	}
	return !k->container && k->pid == h->snap->procs[node].pid && k->start == h->snap->procs[node].start_time;
}

enum tui_fold tui_table_fold(const struct tui_table *t, const struct tui_host *h, size_t node)
{
	for (size_t k = 0; k < t->n_folds; k++)
		if (key_matches(&t->folds[k], h, node))
			return t->folds[k].state;
	return TUI_FOLD_AUTO;
}

void tui_table_set_fold(struct tui_table *t, const struct tui_host *h, size_t node, enum tui_fold f)
{
	struct tui_fold_key *k = NULL;

	for (size_t i = 0; i < t->n_folds && !k; i++)
		if (key_matches(&t->folds[i], h, node))
			k = &t->folds[i];
	if (!k) {
		t->folds = xreallocarray(t->folds, t->n_folds + 1, sizeof(*t->folds));
		k = &t->folds[t->n_folds++];
		*k = (struct tui_fold_key){ 0 };
		if (tui_node_is_container(h, node)) {
			const char *id = h->world->containers[node - h->snap->n_procs].rec.id;

			k->container = true;
			k->cid = xstrdup(id ? id : "");
		} else {
			k->pid = h->snap->procs[node].pid;
			k->start = h->snap->procs[node].start_time;
		}
	}
	k->state = f;
}

void tui_table_free(struct tui_table *t)
{
	for (size_t k = 0; k < t->n_folds; k++)
		free(t->folds[k].cid);
	free(t->folds);
	free(t->rows);
	t->folds = NULL;
	t->rows = NULL;
	t->n_folds = t->n_rows = 0;
}

char *tui_node_name(const struct tui_host *h, size_t node)
{
	if (tui_node_is_container(h, node)) {
		const struct ct_container *ct = &h->world->containers[node - h->snap->n_procs];

		if (ct->rec.name)
			return ct_escape_term_dup(ct->rec.name, strlen(ct->rec.name));
		return ct_escape_term_dup(ct->rec.id ? ct->rec.id : "?", ct->rec.id ? strnlen(ct->rec.id, 12) : 1);
	}
	return ct_escape_term_dup(h->snap->procs[node].comm, strlen(h->snap->procs[node].comm));
}

/* The filter: a substring of a name, command, image or id (any case), or
 * a number that is a PID or a namespace inode. */
struct filter {
	const char *text;
	bool numeric;
	uint64_t num;
};

static bool proc_matches(const struct ct_proc *p, const struct filter *f)
{
	if (f->numeric) {
		if ((uint64_t)p->pid == f->num)
			return true;
		for (int t = 0; t < CT_NS_COUNT; t++)
			if (p->ns[t].ino == f->num)
				return true;
	}
	if (strcasestr(p->comm, f->text))
		return true;
	return p->argc > 0 && strcasestr(p->argv[0], f->text);
}

static bool node_matches(const struct tui_host *h, size_t node, const struct filter *f)
{
	const struct ct_container *ct;

	if (!tui_node_is_container(h, node))
		return proc_matches(&h->snap->procs[node], f);
	ct = &h->world->containers[node - h->snap->n_procs];
	if (ct->rec.name && strcasestr(ct->rec.name, f->text))
		return true;
	if (ct->rec.image && strcasestr(ct->rec.image, f->text))
		return true;
	if (ct->rec.id && strncasecmp(ct->rec.id, f->text, strlen(f->text)) == 0)
		return true;
	if (f->numeric && ct->init >= 0) {
		const struct ct_proc *p = &h->snap->procs[ct->init];

		if ((uint64_t)p->pid == f->num)
			return true;
		for (int t = 0; t < CT_NS_COUNT; t++)
			if (p->ns[t].ino == f->num)
				return true;
	}
	return false;
}

struct sort_ctx {
	const struct tui_host *h;
	enum tui_sort sort;
	bool reverse;
	const double *agg; /* per node, the largest value in its subtree; NULL for name */
};

static const char *sort_name(const struct tui_host *h, size_t node)
{
	if (tui_node_is_container(h, node)) {
		const struct ct_container *ct = &h->world->containers[node - h->snap->n_procs];

		return ct->rec.name ? ct->rec.name : ct->rec.id ? ct->rec.id : "";
	}
	return h->snap->procs[node].comm;
}

static double sort_value(const struct tui_host *h, size_t node, enum tui_sort s)
{
	if (tui_node_is_container(h, node)) {
		const struct tui_cg_metrics *m = &h->cg[node - h->snap->n_procs];

		switch (s) {
		case TUI_SORT_CPU:
			return m->cpu_pct;
		case TUI_SORT_MEM:
			return (double)m->mem;
		default:
			return (double)m->pids;
		}
	}
	switch (s) {
	case TUI_SORT_CPU:
		return h->pm[node].cpu_pct;
	case TUI_SORT_MEM:
		return (double)h->pm[node].rss;
	default:
		return 1;
	}
}

static int pid_of(const struct tui_host *h, size_t node)
{
	if (tui_node_is_container(h, node)) {
		ssize_t init = h->world->containers[node - h->snap->n_procs].init;

		return init >= 0 ? h->snap->procs[init].pid : 0;
	}
	return h->snap->procs[node].pid;
}

static int cmp_nodes(const void *a, const void *b, void *arg)
{
	const struct sort_ctx *x = arg;
	size_t na = *(const size_t *)a, nb = *(const size_t *)b;
	int r = 0;

	if (x->sort == TUI_SORT_NAME) {
		r = strcmp(sort_name(x->h, na), sort_name(x->h, nb));
	} else {
		/* Biggest first, what a top is for; a row ranks by the biggest
		 * it leads to (a supervisor by its container). */
		double va = x->agg[na], vb = x->agg[nb];

		r = va < vb ? 1 : va > vb ? -1 : 0;
	}
	if (r == 0)
		r = pid_of(x->h, na) - pid_of(x->h, nb);
	return x->reverse ? -r : r;
}

/* Does node show child c?  Under a filter: the matches, the way to them
 * and what the user opened.  Else by its fold; the automatic one opens the
 * way to the containers and shows no processes under a container. */
static bool child_shown(const struct tui_host *h, size_t node, size_t c, enum tui_fold fold, const bool *keep)
{
	ssize_t ct;

	if (keep)
		return keep[c] || fold == TUI_FOLD_OPEN;
	if (fold != TUI_FOLD_AUTO)
		return fold == TUI_FOLD_OPEN;
	if (!h->chain[c] || tui_node_is_container(h, node))
		return false;
	/* In the kernel's tree a container is its init's row. */
	ct = tui_node_container(h, node);
	return !(h->kernel_tree && ct >= 0 && h->container_node[ct] == node);
}

/* Per node, the largest sort value in its subtree (children before parents). */
static double *subtree_values(const struct tui_host *h, enum tui_sort sort)
{
	const struct ct_model *m = h->model;
	size_t n = m->n_nodes ? m->n_nodes : 1, k = 0, sp = 0;
	double *v = xcalloc(n, sizeof(*v));
	_cleanup_free_ size_t *order = xmalloc(n * sizeof(*order));
	_cleanup_free_ size_t *stack = xmalloc(n * sizeof(*stack));

	for (size_t r = 0; r < m->n_roots; r++)
		stack[sp++] = m->roots[r];
	while (sp && k < n) {
		size_t node = stack[--sp];

		order[k++] = node;
		for (size_t c = m->nodes[node].first_child; c != CT_NONE && sp < n; c = m->nodes[c].next_sibling)
			stack[sp++] = c;
	}
	for (size_t i = k; i-- > 0;) {
		size_t node = order[i], parent = m->nodes[node].parent;
		double own = sort_value(h, node, sort);

		if (own > v[node])
			v[node] = own;
		if (parent != CT_NONE && v[node] > v[parent])
			v[parent] = v[node];
	}
	return v;
}

struct frame {
	size_t node;
	unsigned depth;
	bool last;
	uint64_t lines;
};

void tui_table_build(struct tui_table *t, const struct tui_host *h)
{
	const struct ct_model *m = h->model;
	struct sort_ctx sc = { h, t->sort, t->reverse, NULL };
	_cleanup_free_ double *agg = NULL;
	_cleanup_free_ bool *keep = NULL;
	_cleanup_free_ struct frame *stack = NULL;
	_cleanup_free_ size_t *kids = NULL;
	size_t sp = 0, cap = 0, nk;
	struct filter f = { .text = t->filter };

	t->n_rows = 0;
	if (!m)
		return;
	if (t->sort != TUI_SORT_NAME)
		sc.agg = agg = subtree_values(h, t->sort);
	if (*t->filter) {
		f.numeric = ct_parse_u64_str(t->filter, &f.num) == 0;
		keep = xcalloc(m->n_nodes ? m->n_nodes : 1, sizeof(bool));
		for (size_t i = 0; i < m->n_nodes; i++) {
			if (keep[i] || !node_matches(h, i, &f))
				continue;
			for (size_t a = i; a != CT_NONE && !keep[a]; a = m->nodes[a].parent)
				keep[a] = true;
		}
	}
	kids = xmalloc((m->n_nodes ? m->n_nodes : 1) * sizeof(size_t));
	cap = 64;
	stack = xmalloc(cap * sizeof(*stack));

	/* The roots, sorted, pushed in reverse so the first pops first. */
	nk = 0;
	for (size_t r = 0; r < m->n_roots; r++)
		if (!keep || keep[m->roots[r]])
			kids[nk++] = m->roots[r];
	qsort_r(kids, nk, sizeof(size_t), cmp_nodes, &sc);
	if (nk > cap) {
		cap = nk + 64;
		stack = xreallocarray(stack, cap, sizeof(*stack));
	}
	for (size_t k = nk; k-- > 0;)
		stack[sp++] = (struct frame){ kids[k], 0, k == nk - 1, 0 };

	while (sp) {
		struct frame fr = stack[--sp];
		const struct ct_node *nd = &m->nodes[fr.node];
		enum tui_fold fold = tui_table_fold(t, h, fr.node);
		size_t n_children = 0;
		struct tui_row *row;
		uint64_t lines;

		nk = 0;
		for (size_t c = nd->first_child; c != CT_NONE; c = m->nodes[c].next_sibling) {
			n_children++;
			if (child_shown(h, fr.node, c, fold, keep))
				kids[nk++] = c;
		}
		if (t->n_rows % 256 == 0)
			t->rows = xreallocarray(t->rows, t->n_rows + 256, sizeof(*t->rows));
		row = &t->rows[t->n_rows++];
		*row = (struct tui_row){
			.node = fr.node,
			.depth = fr.depth,
			.has_children = n_children > 0,
			.open = n_children > 0 && nk == n_children,
			.last = fr.last,
			.lines = fr.lines,
		};
		if (!nk)
			continue;
		qsort_r(kids, nk, sizeof(size_t), cmp_nodes, &sc);
		lines = fr.lines | (fr.depth > 0 && fr.depth < 64 && !fr.last ? 1ULL << fr.depth : 0);
		if (sp + nk > cap) {
			cap = sp + nk + 64;
			stack = xreallocarray(stack, cap, sizeof(*stack));
		}
		for (size_t k = nk; k-- > 0;)
			stack[sp++] = (struct frame){ kids[k], fr.depth + 1, k == nk - 1, lines };
	}
}

size_t tui_table_find(const struct tui_table *t, const struct tui_host *h, int pid, const char *cid)
{
	for (size_t r = 0; r < t->n_rows; r++) {
		size_t node = t->rows[r].node;

		if (cid) {
			if (tui_node_is_container(h, node)) {
				const char *id = h->world->containers[node - h->snap->n_procs].rec.id;

				if (id && strcmp(id, cid) == 0)
					return r;
			}
		} else if (!tui_node_is_container(h, node) && h->snap->procs[node].pid == pid) {
			return r;
		}
	}
	return 0;
}
