/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ctrrun: the minimal container runtime the live tests use.  Internal
 * interfaces between the client (ctrrun.c), the supervisor (shim.c), the
 * container init and exec'd processes (init.c), cgroups (cgroup.c),
 * networking (net.c) and the state directory (state.c).
 */
#ifndef CTRRUN_H
#define CTRRUN_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <json-c/json.h>

#include "util.h"

#define CTRRUN_DEFAULT_STATE_DIR "/run/ctrrun"
#define CTRRUN_DEFAULT_CGROUP_PARENT "ctrrun"
#define CTRRUN_ID_MAX 64
/* How long `run` waits for the init, and `delete -f` for the supervisor. */
#define CTRRUN_TIMEOUT_MS 10000
/* --userns maps container uid/gid 0..65535 to host 100000..165535. */
#define CTRRUN_USERNS_BASE 100000
#define CTRRUN_USERNS_RANGE 65536

/* Largest exec request (argv and environment) the supervisor accepts. */
#define CTRRUN_EXEC_REQ_MAX (128 * 1024)
#define CTRRUN_EXEC_REQ_HDR 10 /* 'X', 'd'|'f', u32 argc, u32 envc */

#define STATE_FILE "state.json"
#define EXEC_SOCKET "exec.sock"
#define SHIM_LOG "shim.log"
#define CONTAINER_LOG "container.log"

/*
 * Error with context, filled where the failure happens and printed once by
 * main() as "ctrrun: MSG: strerror(errnum)" (without the suffix when errnum
 * is 0, e.g. when MSG already is a helper's own diagnostic).
 */
struct cr_error {
	int errnum;
	int exit_code; /* for run/exec: 126/127 when the command can't run */
	char msg[512];
};

/* Record -r (a negative errno) with a message; returns r. */
int cr_fail(struct cr_error *e, int r, const char *fmt, ...) _printf_(3, 4);

static inline void json_object_putp(json_object **o)
{
	if (*o)
		json_object_put(*o);
}
#define _cleanup_json_ _cleanup_(json_object_putp)

static inline void strv_freep(char ***v)
{
	if (*v) {
		for (char **p = *v; *p; p++)
			free(*p);
		free(*v);
	}
}
#define _cleanup_strv_ _cleanup_(strv_freep)

/* What `run` was asked for.  Strings are owned by the caller. */
struct cr_config {
	const char *state_dir;
	const char *id;
	const char *name;
	char *rootfs; /* absolute, resolved; NULL: the host's root */
	const char *hostname;
	const char *bridge;
	const char *bridge_netns; /* named netns (/run/netns) holding bridge */
	const char *ip; /* CIDR for eth0 */
	const char *gw;
	char *veth; /* host side name, derived from id */
	const char *cgroup_parent; /* normalized, no leading or trailing '/' */
	char *cgroup_path; /* parent/id, relative to each hierarchy root */
	bool cgroup_default_parent;
	bool detach, userns, timens, no_init, rm;
	char **argv; /* NULL-terminated */
	char **env; /* NULL-terminated, the container's environment */
};

/* ---- cgroup.c ---- */

/* One hierarchy and our cgroup in it. */
struct cr_cgroup {
	char *key; /* "cpu,cpuacct", "name=systemd", or "unified" */
	char *mnt; /* where the hierarchy is mounted on the host */
	char *root; /* which directory of the hierarchy is mounted there */
	char *dir; /* our cgroup's directory on the host, once resolved */
	char *path; /* our cgroup relative to the hierarchy root */
	bool is_cpuset;
};

struct cr_cgroups {
	struct cr_cgroup *v;
	size_t n;
};

/* Every cgroup hierarchy mounted on the host (one entry per superblock). */
int cr_cgroups_discover(struct cr_cgroups *ret, struct cr_error *e);
/*
 * cr_cgroups_discover's parser, for the fuzzer: the hierarchies in info
 * (/proc/self/mountinfo's text, split and unescaped in place), v1 ones
 * keyed by the controllers /proc/cgroups' text (cgroups) lists.
 */
void cr_cgroups_parse(char *info, const char *cgroups, struct cr_cgroups *ret);
/* Point every hierarchy at relpath (sets dir and path). */
void cr_cgroups_resolve(struct cr_cgroups *cg, const char *relpath);
/* Keep only the hierarchies named in state's "cgroups" and resolve them. */
int cr_cgroups_from_state(struct cr_cgroups *cg, json_object *cgroups,
			  struct cr_error *e);
/* mkdir our cgroup in every hierarchy; -EEXIST if any already exists. */
int cr_cgroups_create(struct cr_cgroups *cg, struct cr_error *e);
/* Move pid (0: the caller) into our cgroup in every hierarchy. */
int cr_cgroups_attach(const struct cr_cgroups *cg, pid_t pid,
		      struct cr_error *e);
/* rmdir our cgroups, children first; with prune also the empty parent. */
int cr_cgroups_remove(const struct cr_cgroups *cg, bool prune,
		      struct cr_error *e);
/* {key: path} for state.json. */
json_object *cr_cgroups_to_json(const struct cr_cgroups *cg);
void cr_cgroups_free(struct cr_cgroups *cg);

/* ---- net.c ---- */

/* Host side veth name for an id: "ctr" + 8 hex digits of its hash. */
char *cr_veth_name(const char *id);
/* Bring lo up in the caller's network namespace. */
int cr_net_lo_up(struct cr_error *e);
/* Create the veth pair into init's netns and configure eth0. */
int cr_net_setup(const struct cr_config *cfg, pid_t init_pid,
		 struct cr_error *e);
/* Delete the host side veth if it still exists (the netns may be gone). */
int cr_net_remove(const char *veth, const char *bridge_netns,
		  struct cr_error *e);
bool cr_valid_cidr(const char *s);
bool cr_valid_ip(const char *s);
bool cr_valid_ifname(const char *s);

/* ---- state.c ---- */

bool cr_valid_id(const char *s);
/* Field 22 of /proc/PID/stat (start time in clock ticks). */
int cr_proc_start_time(pid_t pid, uint64_t *ret);
/* pidfd for pid, -ESRCH unless it still is the process started at start. */
int cr_pidfd_open_checked(pid_t pid, uint64_t start, int *ret_fd);
/* Inode of /proc/PID/ns/TYPE. */
int cr_ns_inode(pid_t pid, const char *type, uint64_t *ret);
/* Current UTC time as RFC 3339. */
void cr_now_rfc3339(char *buf, size_t size);

/* Write DIR/ID/state.json atomically (tmp file + rename). */
int cr_state_write(const char *state_dir, const char *id, json_object *st,
		   struct cr_error *e);
/* Read and check DIR/ID/state.json; -ENOENT if the container is unknown. */
int cr_state_read(const char *state_dir, const char *id, json_object **ret,
		  struct cr_error *e);

/* The fields the commands use, checked by cr_state_read(). */
const char *cr_state_str(json_object *st, const char *key);
pid_t cr_state_pid(json_object *st, const char *key);
uint64_t cr_state_u64(json_object *st, const char *key);
/* "running" if the recorded init is alive, else "stopped". */
const char *cr_state_live_status(json_object *st);
/* pidfd of the recorded init/supervisor, -ESRCH if it is gone. */
int cr_state_pidfd(json_object *st, const char *which, int *ret_fd);

/* Remove DIR/ID and the files in it. */
int cr_state_remove(const char *state_dir, const char *id, struct cr_error *e);

/* ---- run.c, shim.c ---- */

/*
 * Start the container: fork the supervisor (daemonized), wait until the
 * init runs.  With detach returns 0; otherwise waits for the container to
 * exit and returns its exit status (0-255).  Negative errno on failure.
 */
int cr_run(const struct cr_config *cfg, struct cr_error *e);

/* The supervisor, forked by cr_run(); reports over report_fd; no return. */
_Noreturn void cr_shim_main(const struct cr_config *cfg, int report_fd);

/* ---- init.c ---- */

struct cr_init_args {
	const struct cr_config *cfg;
	int sync_fd; /* SOCK_SEQPACKET to the supervisor */
	int stdio[3];
};

/* The container's PID 1 after clone(); never returns. */
_Noreturn void cr_init_main(const struct cr_init_args *a);

struct cr_exec_args {
	int init_pidfd;
	int init_procfd; /* /proc/INIT */
	int ns_flags; /* CLONE_NEW* to join, without CLONE_NEWPID */
	bool userns;
	const struct cr_cgroups *cgroups;
	int stdio[3];
	char **argv;
	char **env;
	int report_fd; /* CLOEXEC pipe: "errno\tmessage" on failure */
};

/* An exec'd process, forked by the supervisor into the pid ns; no return. */
_Noreturn void cr_exec_child(const struct cr_exec_args *a);

/* Helpers the children share. */
int cr_close_fds_except(const int *keep, size_t n);
void cr_reset_signals(void);
/* Report "errno\texit_code\tmessage" over fd (a pipe or seqpacket socket). */
void cr_report_error(int fd, const struct cr_error *e);
/* Parse such a report; false if malformed. */
bool cr_parse_error(const char *buf, size_t len, struct cr_error *e);
/* 128+signal or the exit code. */
int cr_exit_code(int wstatus);

#endif
