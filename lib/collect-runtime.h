/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef CT_COLLECT_RUNTIME_H
#define CT_COLLECT_RUNTIME_H

#include "roles.h"
#include "snapshot.h"

/* Parse /proc/net/unix: the listening sockets that have a path. */
int ct_parse_net_unix(const char *buf, size_t len, struct ct_arena *a,
		      struct ct_unix_socket **ret, size_t *ret_n);

/*
 * Read /proc/net/unix and the socket fds of the engine processes (roles[i]
 * is the role of s->procs[i]) into the snapshot.  0 or -errno.
 */
int ct_collect_sockets(struct ct_snapshot *s, const struct ct_role_info *roles);

/*
 * The pid of the engine process that holds the listening socket bound to
 * path, or -ENOENT.  Paths compare as given: /var/run and /run are the same
 * directory on Debian, so callers try both spellings.
 */
int ct_socket_owner(const struct ct_snapshot *s, const char *path, uint64_t *ret_inode);

struct ct_engine_opts {
	const char *docker_socket; /* --docker-socket: ask only this one */
	long timeout_ms;	   /* per engine; <= 0: 2000 */
	bool no_api;		   /* do not talk to any engine */
};

/*
 * Ask the engines' APIs what they know, recording every raw reply (and
 * every failure) in the snapshot's api list: each dockerd on the sockets
 * its argv names, $DOCKER_HOST, or the default.  Bounded by the timeout
 * per socket; a hung or missing engine costs at most that.
 */
void ct_collect_engines(struct ct_snapshot *s, const struct ct_role_info *roles,
			const struct ct_engine_opts *opts);

/*
 * Read the OCI runtimes' state: runc's ROOT/ID/state.json and crun's
 * ROOT/ID/status under the default roots (/run/runc, /run/crun, docker's
 * and containerd's) and every --root a runtime, conmon or shim names.
 */
void ct_collect_state(struct ct_snapshot *s, const struct ct_role_info *roles);

/* The local IPv4 addresses in a /proc/PID/net/fib_trie ("/32 host LOCAL"). */
int ct_parse_fib_trie_local(const char *buf, size_t len, char ***ret, size_t *ret_n);

/*
 * For every network namespace other than the host's, read the fib_trie of
 * one of its processes into the snapshot's files: which addresses live in
 * which namespace, to tie a docker-proxy's -container-ip to a container
 * even when the engine does not answer.
 */
void ct_collect_netns_addrs(struct ct_snapshot *s);

/*
 * The hostname of every UTS namespace other than the host's that holds the
 * init of a pid namespace: the last clue to a container's name.  Recorded
 * in the snapshot's files as CT_UTS_HOSTNAME_FMT (the namespace's inode);
 * a failed visit records its -errno.  Bounded in time; forks one helper.
 */
#define CT_UTS_HOSTNAME_FMT "uts:[%llu]/hostname"
void ct_collect_hostnames(struct ct_snapshot *s);

/*
 * Everything above, in order, after ct_snapshot_collect(): sockets, the
 * addresses of each network namespace, state files, the engines' APIs
 * (bounded by opts->timeout_ms) and the hostnames.  What fails is recorded
 * in the snapshot, never fatal.
 */
void ct_collect_runtime(struct ct_snapshot *s, const struct ct_engine_opts *opts);

#endif
