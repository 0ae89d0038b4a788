/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The Docker Engine API: which sockets to ask, one bounded query per socket
 * (ping, version, container list) that keeps the raw replies, and pure
 * parsers for those replies so that a saved snapshot goes through the same
 * code as a live answer.
 */
#ifndef CT_ENGINE_DOCKER_H
#define CT_ENGINE_DOCKER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "runtime.h"

#define CT_DOCKER_DEFAULT_SOCKET "/var/run/docker.sock"
/* The newest API we know the replies of; a newer server is asked in it. */
#define CT_DOCKER_API_MAX "1.41"

struct ct_docker_opts {
	const char *socket_override; /* --docker-socket PATH, or NULL */
	long timeout_ms;	     /* the whole query; <= 0: 2000 */
	long connect_timeout_ms;     /* <= 0: 1000 */
	size_t max_body;	     /* per reply; 0: 8 MiB */
};

/* What one socket said.  Every string came from the server: escape it. */
struct ct_docker_reply {
	char *socket_path;
	char *server_api_version; /* the server's newest API ("1.41") */
	char *api_version;	  /* the one we spoke: min(server's, ours) */
	bool api_from_ping;	  /* false: /_ping lacked Api-Version, /version said */
	char *server_header;	  /* "Docker/20.10.24+dfsg1 (linux)", or NULL */
	char *engine_version;	  /* /version "Version", or NULL */
	/* The raw bodies, for the snapshot; NUL-terminated. */
	char *version_json;
	size_t version_json_len;
	char *containers_json;
	size_t containers_json_len;
	/* Measurements. */
	unsigned n_requests;
	unsigned n_connects; /* 1 when keep-alive held for all requests */
	uint64_t elapsed_us;
};

/* Free what a reply holds and zero it.  Accepts NULL. */
void ct_docker_reply_clear(struct ct_docker_reply *r);

/*
 * Ask the Docker API on socket_path: GET /_ping (the Api-Version header;
 * GET /version when it is missing), GET /vX.Y/version and GET
 * /vX.Y/containers/json?all=1 over one kept-alive connection, all within
 * opts->timeout_ms.  X.Y is min(server's, CT_DOCKER_API_MAX), raised to the
 * server's MinAPIVersion when the server refuses ours as too old.
 *
 * Returns 0 and fills *ret, or -errno and sets *ret_error (free it; it may
 * quote the server, escape it before display), e.g. -ENOENT "connect: No
 * such file or directory", -ETIMEDOUT "GET /_ping: timed out after 2000 ms",
 * -EPROTO "GET /v1.41/version: HTTP 400: <docker's message>".
 */
int ct_docker_query(const char *socket_path, const struct ct_docker_opts *opts,
		    struct ct_docker_reply *ret, char **ret_error);

/*
 * Parse a /containers/json reply and append one record per container to
 * *out (engine docker, engine_ns "moby", source "docker-api"): id, name (the
 * container's own, not a legacy link alias), image, status (State), all
 * labels, all ports (host_port 0 and host_ip NULL when not published; one
 * entry per host address as the API lists them), and container_ip when the
 * list says which network's address the ports lead to.
 *
 * Strict: the reply must be an array of objects; a field of the wrong type,
 * an id that is not 64 hex digits, a port out of range, an address that is
 * not one, a string with a NUL byte or a duplicate id rejects the whole
 * reply with -EINVAL and a message naming the container and field.
 * Unknown fields are ignored; missing optional ones stay NULL/0.  *out is
 * untouched on failure.
 */
int ct_docker_parse_containers(const char *json, size_t len, struct ct_container_list *out,
			       char **ret_error);

struct ct_docker_version {
	char *version;	       /* "20.10.24+dfsg1" */
	char *api_version;     /* "1.41" */
	char *min_api_version; /* "1.12" */
};

/* Parse a /version reply (same strictness).  0 or -EINVAL. */
int ct_docker_parse_version(const char *json, size_t len, struct ct_docker_version *ret,
			    char **ret_error);
void ct_docker_version_clear(struct ct_docker_version *v);

/*
 * Negotiate the API version: min(server, CT_DOCKER_API_MAX), but not below
 * server_min when given.  Versions are "MAJOR.MINOR" of at most 3 digits
 * each; anything else is -EINVAL.  *ret is newly allocated ("1.41").
 */
int ct_docker_api_negotiate(const char *server, const char *server_min, char **ret);

/* An ordered set of socket paths. */
struct ct_docker_sockets {
	char **paths;
	size_t n;
};

/* Append path unless the set has it already (same string). */
void ct_docker_sockets_add(struct ct_docker_sockets *s, const char *path);
void ct_docker_sockets_clear(struct ct_docker_sockets *s);

/*
 * The sockets to ask when no dockerd process tells us more: the
 * opts->socket_override when given, else docker_host (pass
 * getenv("DOCKER_HOST")) when it is unix://PATH, else
 * CT_DOCKER_DEFAULT_SOCKET.  Appended to *out.
 */
void ct_docker_socket_candidates(const struct ct_docker_opts *opts, const char *docker_host,
				 struct ct_docker_sockets *out);

/*
 * The unix sockets a dockerd listens on, from its argv (argv[0] is the
 * program): every -H/--host value, as "-H X", "-H=X", "-HX", "--host X" or
 * "--host=X".  unix://PATH gives PATH when absolute; "unix://" and fd://
 * (systemd socket activation: the path is the socket unit's, normally
 * /run/docker.sock) give CT_DOCKER_DEFAULT_SOCKET, as does an argv with no
 * -H at all; tcp://, ssh:// and the like are not ours and are skipped.
 * Paths are as dockerd sees them: prefix /proc/PID/root for a dockerd in
 * another mount namespace.  (A "hosts" list in daemon.json is not seen.)
 * Appends to *out, returns how many unix sockets the argv names.
 */
int ct_docker_sockets_from_argv(const char *const *argv, size_t argc,
				struct ct_docker_sockets *out);

#endif
