/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Container identity as the engines and runtimes report it.  Each source
 * (an engine's API, a runtime's state directory, a cgroup path) yields
 * records of this shape; the resolver merges them by id and links them to
 * processes.  Strings are heap-allocated and owned by the record; every
 * one of them came from outside and must be escaped before display.
 */
#ifndef CT_RUNTIME_H
#define CT_RUNTIME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum ct_engine_kind {
	CT_ENGINE_UNKNOWN,
	CT_ENGINE_DOCKER,
	CT_ENGINE_CONTAINERD,
	CT_ENGINE_PODMAN,
	CT_ENGINE_CRIO,
	CT_ENGINE_LXC,
	CT_ENGINE_RUNC,
	CT_ENGINE_CRUN,
	CT_ENGINE_NSPAWN,
};

/* "docker", "containerd", ... as in the JSON "engine" field. */
const char *ct_engine_kind_name(enum ct_engine_kind k);
/* The kind of that name; CT_ENGINE_UNKNOWN for any other. */
enum ct_engine_kind ct_engine_kind_from_name(const char *name);

struct ct_kv {
	char *key;
	char *value;
};

struct ct_port {
	char *host_ip;	    /* NULL if not published */
	int host_port;	    /* 0 if not published */
	char *container_ip; /* NULL if unknown */
	int container_port;
	char *proto;	    /* "tcp", "udp", "sctp" */
	int proxy_pid;	    /* filled by the resolver; 0 if none */
	bool from_proxy;    /* known only from a docker-proxy's arguments, not from the engine */
};

struct ct_container_rec {
	char *id;		   /* full id */
	char *name;		   /* without docker's leading '/' */
	char *image;
	enum ct_engine_kind engine;
	char *engine_ns;	   /* containerd namespace ("moby", "k8s.io", "default") */
	char *runtime;		   /* "io.containerd.runc.v2", "runc", "/usr/bin/crun" */
	char *bundle;
	char *status;		   /* "running", "created", "exited", ... as the source says */
	int init_pid;		   /* 0 if unknown */
	struct ct_kv *labels;
	size_t n_labels;
	struct ct_port *ports;
	size_t n_ports;
	const char *source;	   /* static: "docker-api", "containerd-api", "runc-state", ... */
};

struct ct_container_list {
	struct ct_container_rec *recs;
	size_t n;
};

/* Free a record's strings and arrays (not the record itself). */
void ct_container_rec_clear(struct ct_container_rec *r);
void ct_container_list_clear(struct ct_container_list *l);
struct ct_container_rec *ct_container_list_add(struct ct_container_list *l);
/* Move every record of src to the end of dst; src ends empty.  Cannot fail. */
void ct_container_list_move(struct ct_container_list *dst, struct ct_container_list *src);
void ct_kv_add(struct ct_kv **kv, size_t *n, const char *key, const char *value);
/* Free n pairs and the array (NULL is fine). */
void ct_kv_free(struct ct_kv *kv, size_t n);

#endif
