/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <string.h>

#include "model.h"
#include "util.h"

static void link_child(struct ct_model *m, size_t parent, size_t child)
{
	m->nodes[child].parent = parent;
	m->nodes[child].next_sibling = m->nodes[parent].first_child;
	m->nodes[parent].first_child = child;
}

/*
 * A PPID cycle can only come from a crafted or corrupted snapshot, but must
 * not loop us forever.  Every node not reachable from a root sits in or
 * under a cycle: cut the link of the lowest pid in it and make it a root.
 */
static void compute_depths_and_cut_cycles(struct ct_model *m)
{
	const size_t n = m->n_nodes;
	_cleanup_free_ bool *seen = xcalloc(n, sizeof(bool));
	_cleanup_free_ size_t *stack = xmalloc((n ? n : 1) * sizeof(size_t));
	size_t sp = 0;

	for (;;) {
		for (size_t r = 0; r < m->n_roots; r++) {
			size_t root = m->roots[r];

			if (seen[root])
				continue;
			seen[root] = true;
			m->nodes[root].depth = 0;
			stack[sp++] = root;
			while (sp) {
				size_t i = stack[--sp];

				for (size_t c = m->nodes[i].first_child; c != CT_NONE;
				     c = m->nodes[c].next_sibling) {
					if (seen[c])
						continue;
					seen[c] = true;
					m->nodes[c].depth = m->nodes[i].depth + 1;
					stack[sp++] = c;
				}
			}
		}
		size_t cut = CT_NONE;
		for (size_t i = 0; i < n; i++) {
			if (!seen[i]) {
				cut = i; /* procs are sorted: the lowest pid */
				break;
			}
		}
		if (cut == CT_NONE)
			break;

		/* Unlink cut from its parent's child list and make it a root. */
		size_t p = m->nodes[cut].parent;
		size_t *link = &m->nodes[p].first_child;

		while (*link != cut)
			link = &m->nodes[*link].next_sibling;
		*link = m->nodes[cut].next_sibling;
		m->nodes[cut].next_sibling = CT_NONE;
		m->nodes[cut].parent = CT_NONE;
		m->nodes[cut].cycle_cut = true;
		m->roots = xreallocarray(m->roots, m->n_roots + 1, sizeof(size_t));
		m->roots[m->n_roots++] = cut;
	}
}

static size_t kernel_parent(const struct ct_snapshot *s, size_t i)
{
	const struct ct_proc *p = &s->procs[i];
	ssize_t k;

	if (p->ppid <= 0 || p->ppid == p->pid)
		return CT_NONE;
	k = ct_snapshot_find(s, p->ppid);
	return k < 0 ? CT_NONE : (size_t)k;
}

/*
 * The reference for "changed": the nearest ancestor whose namespace of
 * that type we could read, else the host's initial namespaces.  PID 1 is
 * often unreadable; its children are then compared with the host.
 */
static void compute_ns_changed(struct ct_model *m)
{
	const struct ct_snapshot *s = m->snap;

	for (size_t i = 0; i < s->n_procs; i++) {
		const struct ct_proc *p = &s->procs[i];
		uint16_t mask = 0;

		for (int t = 0; t < CT_NS_COUNT; t++) {
			const struct ct_ns_id *ref = NULL;
			size_t a = kernel_parent(s, i);

			if (!ct_ns_known(&p->ns[t]))
				continue;
			for (unsigned hops = 0; a != CT_NONE && hops < 64; hops++) {
				if (ct_ns_known(&s->procs[a].ns[t])) {
					ref = &s->procs[a].ns[t];
					break;
				}
				a = kernel_parent(s, a);
			}
			/* Roots too: an orphan in a container is marked against the host. */
			if (!ref && ct_ns_known(&s->host.host_ns[t]))
				ref = &s->host.host_ns[t];
			if (ref && !ct_ns_equal(ref, &p->ns[t]))
				mask |= (uint16_t)(1u << t);
		}
		m->nodes[i].ns_changed = mask;
	}
}

struct ns_ref {
	enum ct_ns_type type;
	struct ct_ns_id id;
	size_t proc;
};

static int cmp_ns_ref(const void *a, const void *b)
{
	const struct ns_ref *x = a, *y = b;

	if (x->type != y->type)
		return x->type < y->type ? -1 : 1;
	if (x->id.ino != y->id.ino)
		return x->id.ino < y->id.ino ? -1 : 1;
	if (x->id.dev != y->id.dev)
		return x->id.dev < y->id.dev ? -1 : 1;
	return (x->proc > y->proc) - (x->proc < y->proc);
}

static void compute_namespaces(struct ct_model *m)
{
	const struct ct_snapshot *s = m->snap;
	_cleanup_free_ struct ns_ref *refs = NULL;
	size_t n = 0;

	refs = xmalloc((s->n_procs * CT_NS_COUNT + 1) * sizeof(*refs));
	for (size_t i = 0; i < s->n_procs; i++) {
		if (s->procs[i].flags & CT_PROC_THREAD)
			continue;
		for (int t = 0; t < CT_NS_COUNT; t++)
			if (ct_ns_known(&s->procs[i].ns[t]))
				refs[n++] = (struct ns_ref){ (enum ct_ns_type)t, s->procs[i].ns[t], i };
	}
	qsort(refs, n, sizeof(*refs), cmp_ns_ref);

	m->ns_member_pool = xmalloc((n ? n : 1) * sizeof(size_t));
	for (size_t i = 0; i < n; i++) {
		if (i == 0 || refs[i].type != refs[i - 1].type ||
		    !ct_ns_equal(&refs[i].id, &refs[i - 1].id)) {
			m->namespaces = xreallocarray(m->namespaces, m->n_namespaces + 1,
						      sizeof(*m->namespaces));
			m->namespaces[m->n_namespaces++] = (struct ct_namespace){
				.type = refs[i].type,
				.id = refs[i].id,
				.members = &m->ns_member_pool[i],
			};
		}
		m->ns_member_pool[i] = refs[i].proc;
		m->namespaces[m->n_namespaces - 1].n_members++;
	}
}

struct ct_model *ct_model_new_ex(const struct ct_snapshot *snap, size_t n_nodes,
				 const size_t *parents)
{
	struct ct_model *m = xcalloc(1, sizeof(*m));
	const size_t n = n_nodes;

	m->snap = snap;
	m->n_nodes = n;
	m->nodes = xmalloc((n ? n : 1) * sizeof(*m->nodes));
	for (size_t i = 0; i < n; i++)
		m->nodes[i] = (struct ct_node){ CT_NONE, CT_NONE, CT_NONE, 0, false, 0 };

	/* Prepending in reverse index order leaves children in index (pid) order. */
	for (size_t i = n; i-- > 0;)
		if (parents[i] != CT_NONE && parents[i] < n && parents[i] != i)
			link_child(m, parents[i], i);
	for (size_t i = 0; i < n; i++) {
		if (m->nodes[i].parent == CT_NONE) {
			m->roots = xreallocarray(m->roots, m->n_roots + 1, sizeof(size_t));
			m->roots[m->n_roots++] = i;
		}
	}
	compute_depths_and_cut_cycles(m);
	compute_ns_changed(m);
	compute_namespaces(m);
	return m;
}

struct ct_model *ct_model_new(const struct ct_snapshot *snap)
{
	_cleanup_free_ size_t *parents = xmalloc((snap->n_procs ? snap->n_procs : 1) * sizeof(size_t));

	for (size_t i = 0; i < snap->n_procs; i++)
		parents[i] = kernel_parent(snap, i);
	return ct_model_new_ex(snap, snap->n_procs, parents);
}

struct ct_model *ct_model_free(struct ct_model *m)
{
	if (!m)
		return NULL;
	free(m->nodes);
	free(m->roots);
	free(m->namespaces);
	free(m->ns_member_pool);
	free(m);
	return NULL;
}

void ct_ns_mask_format(uint16_t mask, char *buf, size_t size)
{
	size_t len = 0;

	if (size)
		buf[0] = '\0';
	for (int t = 0; t < CT_NS_COUNT; t++) {
		if (!(mask & (1u << t)))
			continue;
		int w = snprintf(buf + len, size - len, "%s%s", len ? "," : "", ct_ns_names[t]);

		if (w < 0 || (size_t)w >= size - len)
			break;
		len += (size_t)w;
	}
}

const struct ct_namespace *ct_model_find_ns(const struct ct_model *m, enum ct_ns_type t,
					     uint64_t ino)
{
	for (size_t i = 0; i < m->n_namespaces; i++)
		if (m->namespaces[i].type == t && m->namespaces[i].id.ino == ino)
			return &m->namespaces[i];
	return NULL;
}

int ct_model_walk(const struct ct_model *m, const bool *keep, ct_walk_fn fn, void *userdata)
{
	const size_t n = m->n_nodes;
	_cleanup_free_ size_t *stack = NULL;
	_cleanup_free_ size_t *shown = NULL; /* nearest kept ancestor, per node */
	_cleanup_free_ unsigned *sdepth = NULL;
	size_t sp = 0;
	int r;

	if (n == 0)
		return 0;
	stack = xmalloc(n * sizeof(size_t));
	shown = xmalloc(n * sizeof(size_t));
	sdepth = xmalloc(n * sizeof(unsigned));

	for (size_t r_i = 0; r_i < m->n_roots; r_i++) {
		stack[sp++] = m->roots[r_i];
		while (sp) {
			size_t i = stack[--sp];
			size_t par = m->nodes[i].parent;
			/* The nearest kept ancestor of i is par if kept, else par's. */
			size_t anc = par == CT_NONE ? CT_NONE : (!keep || keep[par]) ? par : shown[par];
			size_t cnt = 0;

			shown[i] = anc;
			if (!keep || keep[i]) {
				unsigned depth = anc == CT_NONE ? 0 : sdepth[anc] + 1;

				sdepth[i] = depth;
				r = fn(i, anc, depth, userdata);
				if (r < 0)
					return r;
			}
			/* Push children in reverse so they pop in pid order. */
			for (size_t c = m->nodes[i].first_child; c != CT_NONE; c = m->nodes[c].next_sibling)
				cnt++;
			sp += cnt;
			size_t k = sp;
			for (size_t c = m->nodes[i].first_child; c != CT_NONE; c = m->nodes[c].next_sibling)
				stack[--k] = c;
		}
	}
	return 0;
}
