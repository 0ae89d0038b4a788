/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * containerd through its gRPC API: what it says about its namespaces,
 * containers and tasks.
 *
 * Two steps with the raw facts between them, like the rest of ctrtree:
 * ct_containerd_query() talks to the socket and keeps each response message
 * as the bytes containerd sent (a snapshot stores them as they are);
 * ct_containerd_parse() is pure and turns such bytes, fresh or loaded from
 * a snapshot, into container records.
 */
#ifndef CT_ENGINE_CONTAINERD_H
#define CT_ENGINE_CONTAINERD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "runtime.h"

#define CT_CONTAINERD_SOCKET "/run/containerd/containerd.sock"
/* The containerd dockerd starts for itself (namespace "moby"). */
#define CT_CONTAINERD_DOCKER_SOCKET "/var/run/docker/containerd/containerd.sock"

struct ct_containerd_opts {
	/* Bound on the whole query, all calls together.  0: 5000 ms. */
	unsigned timeout_ms;
	/* Largest response message accepted.  0: 16 MiB (containerd's own
	 * send limit). */
	size_t max_message;
	/* Query only this namespace; NULL: every namespace containerd lists. */
	const char *only_namespace;
};

/* One response message as received: serialized protobuf, no gRPC frame. */
struct ct_containerd_blob {
	uint8_t *data;
	size_t len;
};

struct ct_containerd_ns_reply {
	char *name;			      /* the namespace asked about */
	struct ct_containerd_blob containers; /* ListContainersResponse */
	struct ct_containerd_blob tasks;      /* ListTasksResponse */
};

struct ct_containerd_reply {
	struct ct_containerd_blob version;    /* VersionResponse */
	struct ct_containerd_blob namespaces; /* ListNamespacesResponse */
	struct ct_containerd_ns_reply *ns;
	size_t n_ns;
};

void ct_containerd_reply_clear(struct ct_containerd_reply *r);

/* Append a namespace entry whose blobs the caller fills (snapshot loaders). */
struct ct_containerd_ns_reply *ct_containerd_reply_add_ns(struct ct_containerd_reply *r,
							  const char *name);

/*
 * Ask the containerd at socket_path: Version, Namespaces.List, then one
 * Containers.List and one Tasks.List per namespace, all over one connection
 * and within opts->timeout_ms.  opts may be NULL.  Returns 0 and fills
 * *ret, or -errno with a one-line reason in *ret_error (malloc'd, safe to
 * print, naming the call: "Version: connection refused", "Tasks.List in
 * namespace k8s.io: timed out after 5000 ms").
 */
int ct_containerd_query(const char *socket_path, const struct ct_containerd_opts *opts,
			struct ct_containerd_reply *ret, char **ret_error);

/*
 * A ListContainersResponse without the environment (process.env) of any
 * container's OCI spec, for what a snapshot keeps (a spec that is not JSON
 * is left empty): 1 with the new message in *ret (malloc'd), 0 when no
 * spec holds one, -EBADMSG for a reply that does not unpack.
 */
int ct_containerd_drop_env(const struct ct_containerd_blob *containers, struct ct_containerd_blob *ret);

enum ct_containerd_task_status {
	CT_CONTAINERD_TASK_UNKNOWN = 0,
	CT_CONTAINERD_TASK_CREATED = 1,
	CT_CONTAINERD_TASK_RUNNING = 2,
	CT_CONTAINERD_TASK_STOPPED = 3,
	CT_CONTAINERD_TASK_PAUSED = 4,
	CT_CONTAINERD_TASK_PAUSING = 5,
};

/* "created", "running", ... as ctr prints them lowercased; "unknown". */
const char *ct_containerd_task_status_name(int status);

/* What a container record has no room for; all owned, all from outside. */
struct ct_containerd_ctr {
	char *snapshotter;
	char *snapshot_key;
	char *sandbox;
	int64_t created_at, updated_at; /* unix time in ns; 0 if unset */
	/*
	 * Container.spec, a google.protobuf.Any kept raw: for runc shims the
	 * type is "types.containerd.io/opencontainers/runtime-spec/1/Spec"
	 * and the value the OCI config.json, whose annotations (e.g.
	 * io.kubernetes.cri.*, io.containerd.runc.v2.group) say more.
	 */
	char *spec_type_url;
	uint8_t *spec;
	size_t spec_len;
	bool has_task;
	int task_status;   /* enum ct_containerd_task_status */
	uint32_t task_pid; /* as reported, also for a stopped task */
	uint32_t exit_status;
	int64_t exited_at; /* ns; 0 if unset */
};

struct ct_containerd_namespace {
	char *name;
	struct ct_kv *labels;
	size_t n_labels;
};

struct ct_containerd_info {
	char *version;
	char *revision;
	/* As Namespaces.List gave them (empty if the reply has none). */
	struct ct_containerd_namespace *namespaces;
	size_t n_namespaces;
	/* ctrs[i] describes the i-th record ct_containerd_parse() added. */
	struct ct_containerd_ctr *ctrs;
	size_t n_ctrs;
};

void ct_containerd_info_clear(struct ct_containerd_info *info);

/*
 * Pure: decode a reply into container records appended to *list: one per
 * container (id, image, engine CT_ENGINE_CONTAINERD, engine_ns, runtime
 * name, labels, source "containerd-api"), with status and init_pid from
 * its task.  status is the task's ("running", "stopped", "paused", ...),
 * NULL when the container has no task (containerd only holds its
 * metadata); init_pid is set only while the task's process exists
 * (created, running, paused, pausing).  A task whose container is missing
 * still gets a record, without image and runtime.  Containers of namespace
 * "moby" are docker's; they are reported like any other.
 *
 * If ret_info is not NULL it receives the version, the namespace list and
 * the details of every record added.  Returns 0, or -EBADMSG with the
 * reason in *ret_error when a message does not decode (nothing appended).
 */
int ct_containerd_parse(const struct ct_containerd_reply *r, struct ct_container_list *list,
			struct ct_containerd_info *ret_info, char **ret_error);

/*
 * Whether name is a valid containerd namespace (identifiers.Validate:
 * alphanumeric runs joined by single '.', '_' or '-'; at most 76 bytes in
 * containerd 1.x, 255 in 2.x, which is what is accepted here).  Only such
 * names are sent back in the containerd-namespace header.
 */
bool ct_containerd_namespace_valid(const char *name);

#endif
