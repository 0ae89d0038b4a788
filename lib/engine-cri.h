/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The Kubernetes CRI RuntimeService as containerd's CRI plugin and CRI-O
 * serve it on their sockets: what the runtime says about its pod sandboxes
 * and their containers, the kubelet's view.
 *
 * Two steps with the raw facts between them, like the rest of ctrtree:
 * ct_cri_query() talks to the socket and keeps each response message as the
 * bytes the runtime sent (a snapshot stores them as they are);
 * ct_cri_parse() is pure and turns such bytes, fresh or loaded from a
 * snapshot, into container records and a pod table.
 */
#ifndef CT_ENGINE_CRI_H
#define CT_ENGINE_CRI_H

#include <stddef.h>
#include <stdint.h>

#include "runtime.h"

/* containerd serves CRI on its main gRPC socket (plugin io.containerd.grpc.v1.cri). */
#define CT_CRI_CONTAINERD_SOCKET "/run/containerd/containerd.sock"
/* CRI-O's default listen address (crio.conf [crio.api] listen). */
#define CT_CRI_CRIO_SOCKET "/var/run/crio/crio.sock"

/* The gRPC service versions; both carry the same messages on the wire. */
enum ct_cri_api {
	CT_CRI_API_AUTO = 0, /* v1, then v1alpha2 if v1 is UNIMPLEMENTED */
	CT_CRI_API_V1,	     /* runtime.v1 (kubelet >= 1.20, containerd >= 1.6) */
	CT_CRI_API_V1ALPHA2, /* runtime.v1alpha2 (containerd < 2.0, older CRI-O) */
};

/* "v1", "v1alpha2"; "auto" for CT_CRI_API_AUTO, "?" otherwise. */
const char *ct_cri_api_name(enum ct_cri_api api);

struct ct_cri_opts {
	/* Bound on the whole query, all calls (and the fallback) together.
	 * 0: 5000 ms. */
	unsigned timeout_ms;
	/* Largest response message accepted.  0: 16 MiB (the kubelet's own
	 * receive limit, and containerd's send limit). */
	size_t max_message;
	/* Which service to ask; CT_CRI_API_AUTO (0) to let the runtime tell. */
	enum ct_cri_api api;
};

/* One response message as received: serialized protobuf, no gRPC frame. */
struct ct_cri_blob {
	uint8_t *data;
	size_t len;
};

struct ct_cri_reply {
	enum ct_cri_api api;	       /* the service that answered: V1 or V1ALPHA2 */
	struct ct_cri_blob version;    /* VersionResponse */
	struct ct_cri_blob pods;       /* ListPodSandboxResponse */
	struct ct_cri_blob containers; /* ListContainersResponse */
};

void ct_cri_reply_clear(struct ct_cri_reply *r);

/*
 * Ask the CRI runtime at socket: Version, ListPodSandbox and ListContainers
 * (no filters), over one channel and within opts->timeout_ms.  With
 * CT_CRI_API_AUTO, a runtime that answers Version of runtime.v1 with
 * UNIMPLEMENTED is asked runtime.v1alpha2 instead (containerd 1.5 and older,
 * older CRI-O).  opts may be NULL.
 *
 * Returns 0 and fills *ret, or -errno with a one-line reason in *ret_error
 * (malloc'd, safe to print, naming the call): -ENOENT, -ECONNREFUSED,
 * -EACCES from connecting; -ETIMEDOUT; -EOPNOTSUPP when the server speaks
 * gRPC but serves no CRI RuntimeService (a containerd whose cri plugin is
 * disabled, as dockerd's own is: not an error for a caller probing
 * sockets); -EPROTO, -EBADMSG, -EMSGSIZE for a peer that is not a sane gRPC
 * server; other -errno from a gRPC status (ct_grpc_status_to_errno()).
 * Version is retried a few times (~150 ms at most) when libcurl loses a
 * grpc-go server's UNIMPLEMENTED (see lib/engine-cri.c).
 */
int ct_cri_query(const char *socket, const struct ct_cri_opts *opts, struct ct_cri_reply *ret,
		 char **ret_error);

enum ct_cri_sandbox_state {
	CT_CRI_SANDBOX_READY = 0,
	CT_CRI_SANDBOX_NOTREADY = 1,
};

enum ct_cri_container_state {
	CT_CRI_CONTAINER_CREATED = 0,
	CT_CRI_CONTAINER_RUNNING = 1,
	CT_CRI_CONTAINER_EXITED = 2,
	CT_CRI_CONTAINER_UNKNOWN = 3,
};

/* "ready", "notready"; "unknown" for anything else. */
const char *ct_cri_sandbox_state_name(int state);
/* "created", "running", "exited", "unknown" (crictl's words, lowercased). */
const char *ct_cri_container_state_name(int state);

/* One pod sandbox; every string came from the runtime, NULL if empty. */
struct ct_cri_pod {
	char *id;   /* the sandbox id (containerd: its pause container's id) */
	char *name; /* metadata.name: the Kubernetes pod name */
	char *ns;   /* metadata.namespace: the Kubernetes namespace */
	char *uid;  /* metadata.uid */
	uint32_t attempt;
	int state;	       /* enum ct_cri_sandbox_state, or as sent */
	int64_t created_at;    /* ns since the epoch; 0 if unset */
	char *runtime_handler; /* RuntimeClass handler; NULL for the default */
	struct ct_kv *labels;
	size_t n_labels;
	struct ct_kv *annotations;
	size_t n_annotations;
};

/* What a container record has no room for. */
struct ct_cri_ctr {
	char *pod_sandbox_id; /* NULL if the runtime sent none */
	uint32_t attempt;     /* metadata.attempt: restarts of this container */
	int state;	      /* enum ct_cri_container_state, or as sent */
	int64_t created_at;   /* ns since the epoch; 0 if unset */
	char *image_spec;     /* image.image as sent (often "sha256:...") */
	char *image_ref;      /* a digested reference or image id */
	struct ct_kv *annotations;
	size_t n_annotations;
};

/* The runtime's identity, its pods, and the details of the records added. */
struct ct_cri_pods {
	char *version;		   /* VersionResponse.version ("0.1.0") */
	char *runtime_name;	   /* "containerd", "cri-o" */
	char *runtime_version;	   /* "1.6.20~ds1", "1.28.1" */
	char *runtime_api_version; /* "v1", "v1alpha2" */
	struct ct_cri_pod *pods;   /* in the runtime's order, ids unique */
	size_t n_pods;
	/* Private: pods' indexes sorted by id, for ct_cri_pods_find(); NULL
	 * makes it search linearly (a table built by hand). */
	size_t *sorted;
	/* ctrs[i] describes the i-th record ct_cri_parse() added. */
	struct ct_cri_ctr *ctrs;
	size_t n_ctrs;
};

void ct_cri_pods_clear(struct ct_cri_pods *p);

/* The pod with this sandbox id, or NULL. */
const struct ct_cri_pod *ct_cri_pods_find(const struct ct_cri_pods *p, const char *sandbox_id);

/*
 * The engine a Version reply names: CT_ENGINE_CONTAINERD for "containerd",
 * CT_ENGINE_CRIO for "cri-o", CT_ENGINE_UNKNOWN otherwise.
 */
enum ct_engine_kind ct_cri_engine_kind(const char *runtime_name);

/*
 * Pure: decode a reply into one container record per CRI container,
 * appended to *out: id, name (metadata.name, the Kubernetes container
 * name), image (image.user_specified_image if the runtime sent it, else
 * image.image), status from its state ("created", "running", "exited",
 * "unknown"), labels, source "cri-api"; engine is left CT_ENGINE_UNKNOWN for
 * the caller, who knows which engine's socket it asked (or see
 * ct_cri_engine_kind()).  init_pid stays 0: the CRI list calls carry no
 * pid.  Sandboxes get no record: they are the pod table, whose entries the
 * records reach through ret_pods->ctrs[i].pod_sandbox_id.  Containers and
 * sandboxes without an id are skipped; a sandbox id listed twice keeps its
 * first entry.
 *
 * ret_pods may be NULL.  A blob that is NULL is taken as not asked (no
 * version, no pods, no containers).  Returns 0, or -EBADMSG with the reason
 * in *ret_error when a message does not decode (nothing appended, *ret_pods
 * untouched).
 */
int ct_cri_parse(const struct ct_cri_reply *r, struct ct_container_list *out,
		 struct ct_cri_pods *ret_pods, char **ret_error);

#endif
