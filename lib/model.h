/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The model over a snapshot: the process tree (built without recursion, so
 * any depth and any PPID cycle in a loaded snapshot are fine), the namespace
 * types where each process leaves its parent's, and the set of distinct
 * namespaces with their members.
 */
#ifndef CT_MODEL_H
#define CT_MODEL_H

#include "snapshot.h"

#define CT_NONE ((size_t)-1)

struct ct_node {
	size_t parent; /* index into snapshot procs, or CT_NONE for a root */
	size_t first_child, next_sibling;
	uint16_t ns_changed; /* bit per enum ct_ns_type */
	bool cycle_cut;	     /* its PPID link closed a cycle and was cut */
	unsigned depth;
};

struct ct_namespace {
	enum ct_ns_type type;
	struct ct_ns_id id;
	size_t *members; /* process indexes, in pid order */
	size_t n_members;
};

struct ct_model {
	const struct ct_snapshot *snap;
	size_t n_nodes;	       /* snap->n_procs, plus any extra nodes (containers) */
	struct ct_node *nodes; /* processes first, parallel to snap->procs */
	size_t *roots;
	size_t n_roots;
	struct ct_namespace *namespaces; /* sorted by type, then inode */
	size_t n_namespaces;
	size_t *ns_member_pool;
};

/* Build the model of the kernel's tree; the snapshot must outlive it. */
struct ct_model *ct_model_new(const struct ct_snapshot *snap);

/*
 * The same over n_nodes >= snap->n_procs nodes whose parents are given
 * (parents[i]: a node index or CT_NONE); nodes past the processes are extra
 * rows such as containers.  Namespace marks still compare each process
 * with its kernel parent.
 */
struct ct_model *ct_model_new_ex(const struct ct_snapshot *snap, size_t n_nodes,
				 const size_t *parents);
struct ct_model *ct_model_free(struct ct_model *m);

/* The namespace type where a process joined a different one, as text:
 * "mnt,net,pid" in the fixed type order.  Empty string if none. */
void ct_ns_mask_format(uint16_t mask, char *buf, size_t size);

const struct ct_namespace *ct_model_find_ns(const struct ct_model *m, enum ct_ns_type t,
					     uint64_t ino);

/*
 * Pre-order, iterative walk over the (possibly filtered) forest.  keep[i]
 * true selects node i; a kept process hangs under its nearest kept
 * ancestor, or becomes a root.  The callback gets the process index, its
 * displayed parent (CT_NONE for a root) and its displayed depth.
 */
typedef int (*ct_walk_fn)(size_t idx, size_t shown_parent, unsigned depth, void *userdata);
int ct_model_walk(const struct ct_model *m, const bool *keep, ct_walk_fn fn, void *userdata);

#endif
