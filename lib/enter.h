/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Stepping into a container: the target process held by a pidfd that was
 * checked by start time, its namespaces opened first and joined in the
 * order that works for privileged and rootless targets alike, and the
 * last steps before exec (environment, fds, root, a private /proc) done so
 * that nothing of the container runs unless asked for.  nsenter-lite is
 * built on it, and so is the live view's "enter" action.  Nothing here
 * prints: failures come back as -errno and a text for the caller to show,
 * with every hostile string in it already escaped for a terminal.
 */
#ifndef CT_ENTER_H
#define CT_ENTER_H

#include <stdbool.h>
#include <stdint.h>

#include "snapshot.h"

struct json_object;

/* What a command run in a container finds in PATH, whatever the caller had. */
#define CT_ENTER_SAFE_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

/* The process to enter. */
struct ct_enter_target {
	int pid;              /* in our pid namespace */
	uint64_t start_time;  /* clock ticks after boot, as checked through the pidfd */
	int pidfd;            /* close-on-exec; -1 when not open */
	char *container_id;   /* raw bytes from the engines; NULL for a PID target */
	char *container_name; /* raw; NULL if none or a PID target */
	const char *engine;   /* static "docker", ...; NULL for a PID target */
};

#define CT_ENTER_TARGET_INIT \
	{                    \
		.pidfd = -1  \
	}

/*
 * Parse "PID" or "PID:STARTTIME" (decimal digits only).  *ret_start_time
 * is 0 and *ret_has_start false for a bare PID.  0, or -EINVAL when spec
 * is not of that form (so it names a container).
 */
int ct_enter_parse_pid(const char *spec, int *ret_pid, uint64_t *ret_start_time, bool *ret_has_start);

/*
 * Open pid through a pidfd.  With check_start, the process must be the
 * one that started at start_time.  No /proc walk, no engine: the fast
 * path.  0, or -ESRCH (no such process, or it exited), -ESTALE (the PID
 * names another process now), -errno.
 */
int ct_enter_target_open(int pid, uint64_t start_time, bool check_start, struct ct_enter_target *ret, char **ret_error);

/*
 * The target from what "ctrtree --lookup WHAT" printed (the containers
 * called what: exact id, else exact name, else id prefix, across every
 * engine): its one match's init, opened and checked by the start time
 * ctrtree saw.  0, -ENOENT (no such container), -ENOTUNIQ (several match;
 * the text lists them), -ESRCH (no running process, or it exited since),
 * -ESTALE (the PID names another process now), -EBADMSG.
 */
int ct_enter_target_from_lookup(struct json_object *lookup, const char *what, struct ct_enter_target *ret,
				char **ret_error);

/*
 * An O_PATH fd of the target's "root" or "cwd" (--root, --wd), opened
 * while the pidfd shows the process alive: a directory of the container
 * reached without resolving any path inside it.  The fd or -errno.
 */
int ct_enter_open_dir(const struct ct_enter_target *t, const char *which, char **ret_error);

/* Close and free what the target holds; it can be cleared again. */
void ct_enter_target_clear(struct ct_enter_target *t);

/* One namespace type: the table drives options, opening and the join order. */
struct ct_enter_ns_type {
	enum ct_ns_type type;
	int clone_flag; /* CLONE_NEWNET, ... */
	char opt;       /* nsenter's short option: 'n', 'm', ... */
	const char *long_opt;
	const char *what; /* for messages: "network", "mount", ... */
};

/* All eight types in join order: the user namespace first, the mount
 * namespace late (after it, /proc paths would be the container's). */
extern const struct ct_enter_ns_type ct_enter_ns_types[CT_NS_COUNT];

#define CT_ENTER_NS_BIT(t) (1u << (t))
#define CT_ENTER_NS_ALL    ((1u << CT_NS_COUNT) - 1)

struct ct_enter_ns {
	int fd;            /* open for setns(), or -1 */
	uint64_t dev, ino; /* the target's namespace; ino 0: not known */
	bool supported;    /* this kernel has the type */
	bool requested;
	bool shared; /* the caller is in that namespace already: nothing to join */
	bool joined; /* setns() into it succeeded */
};

/* The target's namespaces, indexed by enum ct_ns_type. */
struct ct_enter_nsset {
	struct ct_enter_ns ns[CT_NS_COUNT];
};

enum {
	/* Types this kernel lacks are left out rather than failing (-a). */
	CT_ENTER_SKIP_UNSUPPORTED = 1 << 0,
	/* Also note the inode of every type not requested (--json). */
	CT_ENTER_DESCRIBE = 1 << 1,
};

/*
 * Open the target's namespaces of the types in mask (CT_ENTER_NS_BIT),
 * each through /proc/PID/ns and kept only if the pidfd shows the process
 * still alive afterwards, so a recycled PID cannot hand us its namespace.
 * Nothing is joined yet.  0, or -EOPNOTSUPP (the kernel lacks a requested
 * type), -ESRCH, -EACCES, -errno.
 */
int ct_enter_ns_open(const struct ct_enter_target *t, unsigned mask, unsigned flags, struct ct_enter_nsset *ret,
		     char **ret_error);

/*
 * Join every opened namespace, the calling process made non-dumpable
 * first.  As util-linux nsenter does: everything but the user namespace
 * first, ignoring failures (as root on the host that is all of them, and
 * joining the user namespace first would drop the capabilities the others
 * need when they are owned by an outer user namespace, e.g. a time
 * namespace made before the user namespace); then the user namespace;
 * then, with the capabilities it gave, whatever failed before (a rootless
 * caller entering its own container).  After a user namespace the process
 * takes uid and gid 0 in it and no supplementary groups, as nsenter does.
 *
 * One setns() per namespace fd, not setns(pidfd, flags): that would join
 * whatever namespaces the process is in by then, not the ones opened (and
 * reported) here, and would not say which type failed.
 *
 * Must be single-threaded.  0 or -errno; a failure leaves the process in
 * some of the namespaces: fork before calling when that matters.
 */
int ct_enter_ns_join(struct ct_enter_nsset *set, const struct ct_enter_target *t, char **ret_error);

/* Close the fds still open in set. */
void ct_enter_nsset_clear(struct ct_enter_nsset *set);

/*
 * The environment for a command run in a container: TERM, LANG, LC_*, TZ,
 * HOME, USER, LOGNAME and SHELL from env, and PATH=CT_ENTER_SAFE_PATH;
 * everything else (LD_PRELOAD, secrets, proxies) is dropped.  With
 * keep_all, all of env.  A NULL-terminated array whose strings are env's
 * or static: free() only the array.
 */
char **ct_enter_env(char *const *env, bool keep_all);

/*
 * Resolve file as execvp() would, on the host and before anything is
 * joined: a name with a slash is made absolute against the current
 * directory, any other is looked up in path (':'-separated).  0 with a
 * malloc'd absolute path, -ENOENT (not found), -EACCES (found, not
 * executable).
 */
int ct_enter_find_command(const char *file, const char *path, char **ret);

/*
 * Open the host binary at path for running it after a chroot into the
 * container (--root without the mount namespace).  Only a static ELF
 * binary qualifies: the kernel would look up a script's interpreter, or a
 * dynamic binary's loader and the loader its libraries, inside the new
 * root, that is run the container's code.  Returns the fd (close-on-exec:
 * execveat() of an ELF file does not need it to stay open), -ENOEXEC with
 * the reason, or -errno.
 */
int ct_enter_open_static_exe(const char *path, char **ret_error);

/* The last steps before exec, in the process that will become the command. */
struct ct_enter_exec {
	char *const *argv; /* argv[0] is what is looked up */
	char *const *envp;
	const char *path;     /* where to look argv[0] up when host_exe is NULL */
	const char *host_exe; /* absolute host path resolved before joining, or NULL:
			       * look argv[0] up where we are now (the container's mount
			       * namespace or root, as asked) */
	int exe_fd;           /* ct_enter_open_static_exe() fd, run after the chroot; or -1 */
	const char *fallback; /* tried when argv[0] is not found (the shell: "/bin/sh"), or NULL */
	int root_fd;          /* chroot to this directory, or -1 */
	int wd_fd;            /* then chdir to this one, or -1 */
	bool private_proc;    /* own mount namespace with a /proc for our pid namespace */
	bool new_session;     /* setsid(): no controlling terminal */
};

/*
 * Set up as x says, mark every fd but 0, 1 and 2 close-on-exec and exec.
 * Returns only on failure: -errno, with the exit status to use in
 * *ret_status (125 set-up failed, 126 cannot execute, 127 not found).
 */
int ct_enter_exec(const struct ct_enter_exec *x, int *ret_status, char **ret_error);

/* Mark every fd from 3 up close-on-exec.  0 or -errno. */
int ct_enter_cloexec_from3(void);

#endif
