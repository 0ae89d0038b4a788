/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The raw facts: one pass over /proc collected into an in-memory snapshot.
 * This is the seam between collecting and resolving: it can be saved to a
 * file and loaded again with no access to /proc.
 */
#ifndef CT_SNAPSHOT_H
#define CT_SNAPSHOT_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "arena.h"

enum ct_ns_type {
	CT_NS_CGROUP,
	CT_NS_IPC,
	CT_NS_MNT,
	CT_NS_NET,
	CT_NS_PID,
	CT_NS_TIME,
	CT_NS_USER,
	CT_NS_UTS,
	CT_NS_COUNT
};

/* "cgroup", "ipc", ... indexed by enum ct_ns_type. */
extern const char *const ct_ns_names[CT_NS_COUNT];
/* -1 if unknown. */
int ct_ns_type_from_name(const char *name);

/* A namespace is identified by the (device, inode) of its nsfs file. */
struct ct_ns_id {
	uint64_t dev;
	uint64_t ino; /* 0: unknown (unreadable, gone, or not supported) */
};

static inline bool ct_ns_known(const struct ct_ns_id *n)
{
	return n->ino != 0;
}

static inline bool ct_ns_equal(const struct ct_ns_id *a, const struct ct_ns_id *b)
{
	return a->ino == b->ino && a->dev == b->dev;
}

/* One line of /proc/PID/cgroup: "hierarchy-ID:controller-list:path". */
struct ct_cgroup_line {
	unsigned hierarchy;
	const char *controllers; /* "" for the v2 line, "name=systemd" for named */
	const char *path;
};

enum {
	CT_PROC_THREAD = 1 << 0,	   /* a thread, not a thread group leader */
	CT_PROC_KTHREAD = 1 << 1,	   /* a kernel thread */
	CT_PROC_CMDLINE_TRUNCATED = 1 << 2, /* argv longer than the cap */
	CT_PROC_NO_CMDLINE = 1 << 3,	   /* cmdline unreadable */
	CT_PROC_NO_STATUS = 1 << 4,	   /* uid and NSpid unreadable */
	CT_PROC_NO_CGROUP = 1 << 5,	   /* cgroup unreadable */
	CT_PROC_NS_PARTIAL = 1 << 6,	   /* some namespace links unreadable */
};

struct ct_proc {
	int pid;  /* the TID for a thread */
	int ppid; /* the thread group leader for a thread */
	uint64_t start_time; /* clock ticks after boot: field 22 of stat */
	char state;
	unsigned flags;
	uint32_t uid; /* effective uid, in the collector's user namespace */
	const char *user; /* name for uid, or NULL */
	const char *comm;
	const char **argv; /* argc entries */
	size_t argc;
	const int *nspid; /* innermost last, as in status */
	size_t n_nspid;
	struct ct_ns_id ns[CT_NS_COUNT];
	const struct ct_cgroup_line *cgroups;
	size_t n_cgroups;
};

enum ct_cgroup_mode {
	CT_CGROUP_UNKNOWN,
	CT_CGROUP_LEGACY,  /* v1 only */
	CT_CGROUP_HYBRID,  /* v1 controllers plus a cgroup2 mount */
	CT_CGROUP_UNIFIED, /* v2 only */
};

const char *ct_cgroup_mode_name(enum ct_cgroup_mode m);
enum ct_cgroup_mode ct_cgroup_mode_from_name(const char *s);

struct ct_host {
	const char *hostname;
	const char *kernel; /* uname -r */
	enum ct_cgroup_mode cgroup_mode;
	int64_t time;	   /* collection time, unix seconds */
	int64_t boot_time; /* unix seconds */
	long hertz;	   /* clock ticks per second */
	uid_t collector_uid;
	bool partial; /* some facts could not be read (not root?) */
	bool threads; /* threads were collected */
	/* The initial namespaces, from a kernel thread (PID 1's may be unreadable). */
	struct ct_ns_id host_ns[CT_NS_COUNT];
};

/* A listening unix socket with a path (from /proc/net/unix). */
struct ct_unix_socket {
	uint64_t inode;
	const char *path; /* "@name" for an abstract socket */
};

/* The socket inodes one engine process holds open (from /proc/PID/fd). */
struct ct_proc_sockets {
	int pid;
	const uint64_t *inodes;
	size_t n;
};

/*
 * One raw reply of an engine's API, kept as bytes so that a saved snapshot
 * is parsed again by the same code.  what: "docker:ping", "docker:containers",
 * "containerd:tasks:NS", ...
 */
struct ct_api_reply {
	const char *what;
	const char *socket;
	int error;	     /* 0, or -errno of the failed call */
	const char *message; /* why it failed, or NULL */
	const char *data;
	size_t len;
	const char *meta;    /* e.g. the negotiated API version */
};

/* A runtime state file as read (state.json, config.json, ...). */
struct ct_state_file {
	const char *path;
	const char *data; /* NULL if unreadable */
	size_t len;
	int error;
};

struct ct_snapshot {
	struct ct_arena arena; /* every string and array below lives here */
	struct ct_host host;
	struct ct_proc *procs; /* sorted by pid */
	size_t n_procs;

	/* Runtime facts, collected after the processes (collect-runtime.c). */
	struct ct_unix_socket *sockets;
	size_t n_sockets;
	struct ct_proc_sockets *proc_sockets;
	size_t n_proc_sockets;
	struct ct_api_reply *api;
	size_t n_api;
	struct ct_state_file *files;
	size_t n_files;
	bool runtime_collected;
};

enum {
	CT_COLLECT_THREADS = 1 << 0,
};

struct ct_collect_opts {
	unsigned flags;
	const char *proc_root; /* default "/proc" */
	size_t cmdline_cap;    /* default CT_CMDLINE_CAP */
};

#define CT_CMDLINE_CAP (256 * 1024)

/* Collect a snapshot of the running host.  0 or -errno. */
int ct_snapshot_collect(const struct ct_collect_opts *opts, struct ct_snapshot **ret);

struct ct_snapshot *ct_snapshot_free(struct ct_snapshot *s);

/* Index of pid in s->procs, or -1. */
ssize_t ct_snapshot_find(const struct ct_snapshot *s, int pid);

/* Save to / load from the file format (JSON "ctrtree-snapshot/1"). */
int ct_snapshot_save(const struct ct_snapshot *s, int fd);
/* On a parse error, *ret_error describes it (static or arena string). */
int ct_snapshot_load(const char *path, struct ct_snapshot **ret, const char **ret_error);

/*
 * The parsers, exported for unit tests and the fuzzers.  Each parses text
 * the kernel (or a hostile process) produced; strings go into the arena.
 */
int ct_parse_stat(const char *buf, size_t len, struct ct_arena *a, struct ct_proc *p);
int ct_parse_status(const char *buf, size_t len, struct ct_arena *a, struct ct_proc *p);
int ct_parse_cmdline(const char *buf, size_t len, struct ct_arena *a, struct ct_proc *p);
int ct_parse_cgroup(const char *buf, size_t len, struct ct_arena *a, struct ct_proc *p);
/* "net:[4026531840]" -> inode; 0 or -EINVAL. */
int ct_parse_ns_link(const char *buf, size_t len, const char *type, uint64_t *ret_ino);

/* The cgroup path to show for a process: the v2 path unless it is "/",
 * else the first v1 path that is not "/", else "/" (NULL if none). */
const char *ct_proc_main_cgroup(const struct ct_proc *p);

#endif
