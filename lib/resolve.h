/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * From raw facts to the chain people draw: roles, containers, engines,
 * logical parents with their evidence, and the anomalies found on the way.
 * Everything here is computed from a snapshot, live or loaded, so a saved
 * snapshot resolves exactly as the host did.
 */
#ifndef CT_RESOLVE_H
#define CT_RESOLVE_H

#include <sys/types.h>

#include "model.h"
#include "roles.h"
#include "runtime.h"
#include "snapshot.h"

struct ct_container {
	struct ct_container_rec rec; /* merged identity */
	const char *sources[8];	     /* where the identity came from, first is best */
	size_t n_sources;
	ssize_t init;		     /* process index, or -1 */
	ssize_t shim;		     /* shim, conmon or LXC monitor process index, or -1 */
	ssize_t engine;		     /* index into ct_world.engines, or -1 */
	size_t n_members;
	/* The pod (Kubernetes sandbox, podman pod) it belongs to; id NULL if none. */
	struct {
		const char *id, *name, *ns, *uid;
		const char *source; /* "bundle-annotations", "shared-shim", "conmon-name", "cgroup-path" */
	} pod;
};

struct ct_engine_info {
	ssize_t proc;		     /* process index */
	enum ct_engine_kind kind;
	const char *socket;	     /* its API socket, or NULL */
	const char *version;	     /* from its API, or NULL */
	bool reachable;		     /* its API answered */
	const char *error;	     /* why not, or NULL */
};

struct ct_anomaly {
	const char *kind;	     /* "shim-without-container", ... (see ctrtree(1)) */
	int pid;		     /* 0 if none */
	ssize_t container;	     /* container index, or -1 */
	const char *message;
};

struct ct_world {
	const struct ct_snapshot *snap;
	struct ct_arena arena;		/* the strings below */
	struct ct_role_info *roles;	/* per process */
	size_t *parent;			/* per process: logical parent index, or CT_NONE */
	const char **evidence;		/* per process: why that parent; NULL: the kernel's ppid */
	ssize_t *container;		/* per process: container index, or -1 */
	ssize_t *serves;		/* per process: the container a docker-proxy or an exec
					 * session's shim or conmon serves from outside, or -1 */
	struct ct_container *containers;
	size_t n_containers;
	struct ct_engine_info *engines;
	size_t n_engines;
	struct ct_anomaly *anomalies;
	size_t n_anomalies;
};

/* Resolve a snapshot (the snapshot must outlive the world). */
struct ct_world *ct_world_new(const struct ct_snapshot *s);
struct ct_world *ct_world_free(struct ct_world *w);

/*
 * Parents for ct_model_new_ex(): processes then one node per container
 * (node n_procs + c), so that a container shows as a row of its own
 * between its shim and its processes.  logical=false gives the kernel's
 * tree (containers then hang nowhere and are not shown).  Returns the
 * array of n_procs + n_containers entries (free() it).
 */
size_t *ct_world_tree_parents(const struct ct_world *w, bool logical);

/*
 * The containers called what: every exact id if there is one, else every
 * exact name, else every id that starts with what; each tier across all
 * engines, so that two engines' "web" are ambiguous rather than one picked
 * at random.  Fills up to max indexes and returns how many match (which
 * may be more than max).
 */
size_t ct_world_lookup(const struct ct_world *w, const char *what, size_t *ret_match, size_t max);

/* ct_world_lookup's one match: its index, -1 if none, -2 if several. */
ssize_t ct_world_find_container(const struct ct_world *w, const char *what);

#endif
