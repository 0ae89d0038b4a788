/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The collected host (htop's Machine): one full collection, resolved into
 * the world and a model of the logical (or the kernel's) tree.  Done at
 * start and then only when the process connector reported a change, at
 * most every --rescan seconds.
 */
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "tui.h"

/* chain[i]: node i is a container node (or, in the kernel's tree, a
 * container's init) or an ancestor of one: what the default view opens. */
static void build_chain(struct tui_host *h)
{
	const struct ct_model *m = h->model;

	free(h->chain);
	free(h->container_node);
	h->chain = xcalloc(m->n_nodes ? m->n_nodes : 1, sizeof(bool));
	h->container_node = xcalloc(h->world->n_containers ? h->world->n_containers : 1, sizeof(size_t));
	for (size_t c = 0; c < h->world->n_containers; c++) {
		size_t node;

		if (!h->kernel_tree)
			node = h->snap->n_procs + c;
		else
			node = h->world->containers[c].init >= 0 ? (size_t)h->world->containers[c].init : CT_NONE;
		h->container_node[c] = node;
		/* Only running containers lead the default view. */
		for (size_t a = node; a != CT_NONE && a < m->n_nodes && !h->chain[a]; a = m->nodes[a].parent)
			h->chain[a] = true;
	}
}

static void build_model(struct tui_host *h)
{
	_cleanup_free_ size_t *parents = ct_world_tree_parents(h->world, !h->kernel_tree);
	size_t n = h->kernel_tree ? h->snap->n_procs : h->snap->n_procs + h->world->n_containers;

	h->model = ct_model_free(h->model);
	h->model = ct_model_new_ex(h->snap, n, parents);
	build_chain(h);
}

void tui_host_set_tree(struct tui_host *h, bool kernel_tree)
{
	if (!h->snap || h->kernel_tree == kernel_tree)
		return;
	h->kernel_tree = kernel_tree;
	build_model(h);
}

int tui_host_collect(struct tui_host *h, const struct tui_opts *o)
{
	struct tui_host n = { 0 };
	struct ct_collect_opts co = { 0 };
	uint64_t t0 = ct_now_ns();
	int r;

	r = ct_snapshot_collect(&co, &n.snap);
	if (r < 0)
		return r;
	ct_collect_runtime(n.snap, &o->engine);
	n.world = ct_world_new(n.snap);
	n.kernel_tree = h->kernel_tree;
	n.proc_fd = h->proc_fd;
	n.page_size = h->page_size;
	build_model(&n);
	n.cg = xcalloc(n.world->n_containers ? n.world->n_containers : 1, sizeof(*n.cg));
	n.pm = xcalloc(n.snap->n_procs ? n.snap->n_procs : 1, sizeof(*n.pm));
	tui_metrics_open(&n, h->snap ? h : NULL);
	n.collected_ns = ct_now_ns();
	n.collect_ms = (double)(n.collected_ns - t0) / 1e6;

	n.proc_fd = TAKE_FD(h->proc_fd);
	tui_host_clear(h);
	*h = n;
	return 0;
}

void tui_host_clear(struct tui_host *h)
{
	int proc_fd = h->proc_fd;
	long page_size = h->page_size;
	bool kernel_tree = h->kernel_tree;

	if (h->snap)
		tui_metrics_close(h);
	free(h->cg);
	free(h->pm);
	free(h->chain);
	free(h->container_node);
	ct_model_free(h->model);
	ct_world_free(h->world);
	ct_snapshot_free(h->snap);
	*h = (struct tui_host){ .proc_fd = proc_fd, .page_size = page_size, .kernel_tree = kernel_tree };
}

ssize_t tui_node_container(const struct tui_host *h, size_t node)
{
	if (node == CT_NONE || !h->snap)
		return -1;
	if (node >= h->snap->n_procs)
		return (ssize_t)(node - h->snap->n_procs);
	return h->world->container[node];
}
