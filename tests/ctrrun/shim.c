/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The supervisor ("ctrrun-shim").  Forked by `run` (run.c) and daemonized
 * there (setsid, double fork: reparented to init or the nearest subreaper,
 * as a containerd shim or conmon is), it creates the cgroups, clones the
 * container init into new namespaces, records the state and then stays as
 * the init's parent: it reaps it, serves `exec` over a unix socket (exec'd
 * processes are its children, as a shim's are) and records the exit status.
 *
 * To the run client, one line each over a pipe:
 *   "S PID"                   the supervisor runs
 *   "R PID STARTTIME"         the init runs the command, state.json written
 *   "E ERRNO\tCODE\tMESSAGE"  start failed (CODE 126/127: the command could
 *                             not be executed, else 0); cleaned up, exiting
 *   "X CODE"                  the container exited (foreground run only)
 *
 * Exec, over SOCK_SEQPACKET DIR/ID/exec.sock: one request, 'X', 'd' or 'f'
 * (detached or not), u32 argc, u32 envc, then the NUL-terminated strings,
 * with the client's stdin, stdout and stderr as SCM_RIGHTS.  Answers:
 * "S PID" once it has exec'd, or "E ERRNO\tCODE\tMESSAGE"; "X CODE" when
 * it exits (not for detached ones).
 */
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>

#include "ctrrun.h"

#define REQ_MAX CTRRUN_EXEC_REQ_MAX
#define REQ_HDR CTRRUN_EXEC_REQ_HDR

struct session {
	pid_t pid;
	int conn; /* the exec client; -1 once it needs no more answers */
	int start_fd; /* CLOEXEC pipe from the child; -1 once it exec'd */
	bool detach;
};

struct shim {
	const struct cr_config *cfg;
	char *dir; /* DIR/ID */
	int report_fd; /* to the run client, -1 once it no longer listens */
	int stdio[3]; /* the container's stdio until the init has it */
	struct cr_cgroups cg;
	bool cg_created;
	pid_t init_pid;
	uint64_t init_start;
	int init_pidfd, init_procfd, init_pidns_fd, self_pidns_fd;
	int ns_flags; /* what exec joins */
	json_object *state;
	int listen_fd, sig_fd;
	struct session *sess;
	size_t nsess;
	bool init_done;
	int exit_code;
};

static void report(struct shim *s, const char *fmt, ...) _printf_(2, 3);
static void report(struct shim *s, const char *fmt, ...)
{
	char buf[640];
	va_list ap;
	int n;

	if (s->report_fd < 0)
		return;
	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf) - 1, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n > sizeof(buf) - 2)
		n = sizeof(buf) - 2;
	buf[n++] = '\n';
	/* Below PIPE_BUF: one atomic write.  EPIPE: the client left. */
	if (write(s->report_fd, buf, (size_t)n) < 0 && errno == EPIPE) {
		close(s->report_fd);
		s->report_fd = -1;
	}
}

/* Diagnostics after the client has gone go to DIR/ID/shim.log (stderr). */
static void shim_log(const char *what, const struct cr_error *e)
{
	char ts[32];

	cr_now_rfc3339(ts, sizeof(ts));
	fprintf(stderr, "%s ctrrun-shim: %s: %s%s%s\n", ts, what, e->msg,
		e->errnum ? ": " : "", e->errnum ? strerror(e->errnum) : "");
}

static json_object *json_str_or_null(const char *s)
{
	return s ? json_object_new_string(s) : NULL;
}

static json_object *namespaces_json(pid_t pid)
{
	static const char *const types[] = { "cgroup", "ipc",  "mnt",  "net",
					     "pid",    "time", "user", "uts" };
	json_object *o = json_object_new_object();

	for (size_t i = 0; i < ARRAY_SIZE(types); i++) {
		uint64_t ino;

		/* A command that already exited leaves a zombie: no ns. */
		json_object_object_add(o, types[i],
				       cr_ns_inode(pid, types[i], &ino) == 0 ?
					       json_object_new_int64((int64_t)ino) :
					       NULL);
	}
	return o;
}

static json_object *build_state(struct shim *s)
{
	const struct cr_config *cfg = s->cfg;
	json_object *st = json_object_new_object(), *cmd;
	uint64_t sup_start = 0;
	char now[32];

	cr_now_rfc3339(now, sizeof(now));
	(void)cr_proc_start_time(getpid(), &sup_start);
	cmd = json_object_new_array();
	for (char **a = cfg->argv; *a; a++)
		json_object_array_add(cmd, json_object_new_string(*a));

	json_object_object_add(st, "id", json_object_new_string(cfg->id));
	json_object_object_add(st, "name", json_object_new_string(cfg->name));
	json_object_object_add(st, "status", json_object_new_string("running"));
	json_object_object_add(st, "supervisor_pid", json_object_new_int64(getpid()));
	json_object_object_add(st, "supervisor_start_time",
			       json_object_new_int64((int64_t)sup_start));
	json_object_object_add(st, "init_pid", json_object_new_int64(s->init_pid));
	json_object_object_add(st, "init_start_time",
			       json_object_new_int64((int64_t)s->init_start));
	json_object_object_add(st, "created", json_object_new_string(now));
	json_object_object_add(st, "finished", NULL);
	json_object_object_add(st, "rootfs", json_str_or_null(cfg->rootfs));
	json_object_object_add(st, "bundle", NULL);
	json_object_object_add(st, "hostname", json_object_new_string(cfg->hostname));
	json_object_object_add(st, "command", cmd);
	json_object_object_add(st, "init", json_object_new_boolean(!cfg->no_init));
	json_object_object_add(st, "detached", json_object_new_boolean(cfg->detach));
	json_object_object_add(st, "cgroup_parent",
			       json_object_new_string(cfg->cgroup_parent));
	json_object_object_add(st, "cgroup_path",
			       json_object_new_string(cfg->cgroup_path));
	json_object_object_add(st, "cgroups", cr_cgroups_to_json(&s->cg));
	json_object_object_add(st, "namespaces", namespaces_json(s->init_pid));
	json_object_object_add(st, "userns_map",
			       cfg->userns ? json_object_new_string("0 100000 65536") :
					     NULL);
	json_object_object_add(st, "veth", json_str_or_null(cfg->veth));
	json_object_object_add(st, "bridge", json_str_or_null(cfg->bridge));
	json_object_object_add(st, "bridge_netns",
			       json_str_or_null(cfg->bridge_netns));
	json_object_object_add(st, "ip", json_str_or_null(cfg->ip));
	json_object_object_add(st, "gw", json_str_or_null(cfg->gw));
	json_object_object_add(st, "exit_status", NULL);
	return st;
}

static int write_id_map(int procfd, const char *file, struct cr_error *e)
{
	_cleanup_close_ int fd = -1;
	char map[64];
	int n, r;

	n = snprintf(map, sizeof(map), "0 %d %d\n", CTRRUN_USERNS_BASE,
		     CTRRUN_USERNS_RANGE);
	fd = openat(procfd, file, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return cr_fail(e, -errno, "open %s", file);
	r = ct_write_all(fd, map, (size_t)n);
	if (r < 0)
		return cr_fail(e, r, "write %s", file);
	return 0;
}

/* Wait for the init's word: EOF = the command runs, a message = failure. */
static int wait_init_ready(int sync, struct cr_error *e)
{
	struct pollfd p = { .fd = sync, .events = POLLIN };
	char buf[sizeof(e->msg) + 16];
	ssize_t n;
	int r;

	do
		r = poll(&p, 1, CTRRUN_TIMEOUT_MS);
	while (r < 0 && errno == EINTR);
	if (r < 0)
		return cr_fail(e, -errno, "poll");
	if (r == 0)
		return cr_fail(e, -ETIMEDOUT, "container init did not start");
	n = recv(sync, buf, sizeof(buf) - 1, 0);
	if (n < 0)
		return cr_fail(e, -errno, "read from container init");
	if (n == 0)
		return 0;
	if (!cr_parse_error(buf, (size_t)n, e))
		return cr_fail(e, -EPROTO, "bad message from container init");
	return -(e->errnum ? e->errnum : EIO);
}

static pid_t raw_clone(unsigned long flags)
{
	/*
	 * fork() semantics (no new stack) with namespace flags: the child
	 * is PID 1 of the new pid namespace and owned by the new user
	 * namespace, which unshare() in a forked child could not give.
	 */
	return (pid_t)syscall(SYS_clone, flags | SIGCHLD, 0, NULL, NULL, 0);
}

static int start_container(struct shim *s, struct cr_error *e)
{
	const struct cr_config *cfg = s->cfg;
	unsigned long flags = CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWNS |
			      CLONE_NEWUTS | CLONE_NEWIPC;
	_cleanup_close_ int sync = -1;
	char path[32];
	int sv[2], r;
	pid_t pid;

	r = cr_cgroups_discover(&s->cg, e);
	if (r < 0)
		return r;
	cr_cgroups_resolve(&s->cg, cfg->cgroup_path);
	r = cr_cgroups_create(&s->cg, e);
	if (r < 0)
		return r;
	s->cg_created = true;

	/* Only children enter a new time namespace: ours go first. */
	if (cfg->timens && unshare(CLONE_NEWTIME) < 0)
		return cr_fail(e, -errno, "unshare time namespace");
	if (cfg->userns)
		flags |= CLONE_NEWUSER;
	s->ns_flags = CLONE_NEWNET | CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC |
		      CLONE_NEWCGROUP | (cfg->userns ? CLONE_NEWUSER : 0) |
		      (cfg->timens ? CLONE_NEWTIME : 0);

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		return cr_fail(e, -errno, "socketpair");
	sync = sv[0];
	pid = raw_clone(flags);
	if (pid < 0) {
		close(sv[1]);
		return cr_fail(e, -errno, "clone container init");
	}
	if (pid == 0) {
		struct cr_init_args a = {
			.cfg = cfg,
			.sync_fd = sv[1],
			.stdio = { s->stdio[0], s->stdio[1], s->stdio[2] },
		};

		cr_init_main(&a);
	}
	close(sv[1]);
	s->init_pid = pid;
	for (int i = 0; i < 3; i++) {
		close(s->stdio[i]);
		s->stdio[i] = -1;
	}
	s->init_pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	snprintf(path, sizeof(path), "/proc/%d", (int)pid);
	s->init_procfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (s->init_pidfd < 0 || s->init_procfd < 0)
		return cr_fail(e, -errno, "open container init %d", (int)pid);
	s->init_pidns_fd = openat(s->init_procfd, "ns/pid", O_RDONLY | O_CLOEXEC);
	if (s->init_pidns_fd < 0)
		return cr_fail(e, -errno, "pid namespace of %d", (int)pid);
	if (cfg->userns) {
		r = write_id_map(s->init_procfd, "uid_map", e);
		if (r == 0)
			r = write_id_map(s->init_procfd, "gid_map", e);
		if (r < 0)
			return r;
	}
	r = cr_cgroups_attach(&s->cg, pid, e);
	if (r < 0)
		return r;
	if (cfg->bridge) {
		r = cr_net_setup(cfg, pid, e);
		if (r < 0)
			return r;
	}
	if (send(sync, "G", 1, MSG_NOSIGNAL) != 1)
		return cr_fail(e, -errno, "wake container init");
	r = wait_init_ready(sync, e);
	if (r < 0)
		return r;
	/* Not reaped yet (SIGCHLD is blocked): stat is there even if it exited. */
	r = cr_proc_start_time(pid, &s->init_start);
	if (r < 0)
		return cr_fail(e, r, "start time of %d", (int)pid);
	return 0;
}

static int listen_exec(struct shim *s, struct cr_error *e)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	_cleanup_close_ int dfd = -1, fd = -1;

	/* Through /proc/self/fd: DIR/ID may be longer than sun_path. */
	dfd = open(s->dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return cr_fail(e, -errno, "%s", s->dir);
	snprintf(sa.sun_path, sizeof(sa.sun_path), "/proc/self/fd/%d/%s", dfd,
		 EXEC_SOCKET);
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return cr_fail(e, -errno, "socket");
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return cr_fail(e, -errno, "bind %s/%s", s->dir, EXEC_SOCKET);
	if (listen(fd, 16) < 0)
		return cr_fail(e, -errno, "listen");
	s->listen_fd = TAKE_FD(fd);
	return 0;
}

static void stop_listening(struct shim *s)
{
	_cleanup_free_ char *path = NULL;

	if (s->listen_fd < 0)
		return;
	close(s->listen_fd);
	s->listen_fd = -1;
	if (asprintf(&path, "%s/%s", s->dir, EXEC_SOCKET) >= 0)
		(void)unlink(path);
}

static void reply(int conn, const char *fmt, ...) _printf_(2, 3);
static void reply(int conn, const char *fmt, ...)
{
	char buf[640];
	va_list ap;
	int n;

	if (conn < 0)
		return;
	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof(buf))
		n = sizeof(buf) - 1;
	/* A client that went away must not stop (or block) the supervisor. */
	(void)send(conn, buf, (size_t)n, MSG_NOSIGNAL | MSG_DONTWAIT);
}

static void reply_error(int conn, const struct cr_error *e)
{
	reply(conn, "E %d\t%d\t%s", e->errnum, e->exit_code, e->msg);
}

/* The request's strings, NUL-terminated, in place; NULL-terminated arrays. */
static char **parse_strings(char **p, const char *end, uint32_t count)
{
	char **v;

	if (count > 4096)
		return NULL;
	v = xcalloc(count + 1, sizeof(*v));
	for (uint32_t i = 0; i < count; i++) {
		char *nul = memchr(*p, '\0', (size_t)(end - *p));

		if (!nul) {
			free(v);
			return NULL;
		}
		v[i] = *p;
		*p = nul + 1;
	}
	return v;
}

static void start_exec(struct shim *s, int conn, bool detach, char **argv,
		       char **env, const int fds[3])
{
	struct cr_error e = { 0 };
	int pfd[2];
	pid_t pid;

	if (s->init_done || !argv[0]) {
		cr_fail(&e, -ESRCH, "container %s is not running", s->cfg->id);
		goto fail;
	}
	if (pipe2(pfd, O_CLOEXEC) < 0) {
		cr_fail(&e, -errno, "pipe");
		goto fail;
	}
	/*
	 * Fork straight into the container's pid namespace, so the exec'd
	 * process is our child, as a shim's exec is; then switch back.
	 */
	if (setns(s->init_pidns_fd, CLONE_NEWPID) < 0) {
		cr_fail(&e, -errno, "enter pid namespace");
		close(pfd[0]);
		close(pfd[1]);
		goto fail;
	}
	pid = fork();
	if (pid == 0) {
		struct cr_exec_args a = {
			.init_pidfd = s->init_pidfd,
			.init_procfd = s->init_procfd,
			.ns_flags = s->ns_flags,
			.userns = s->cfg->userns,
			.cgroups = &s->cg,
			.stdio = { fds[0], fds[1], fds[2] },
			.argv = argv,
			.env = env,
			.report_fd = pfd[1],
		};

		close(pfd[0]);
		cr_exec_child(&a);
	}
	if (pid < 0)
		cr_fail(&e, -errno, "fork into container");
	if (setns(s->self_pidns_fd, CLONE_NEWPID) < 0) {
		struct cr_error e2 = { 0 };

		cr_fail(&e2, -errno, "return to own pid namespace");
		shim_log("exec", &e2);
	}
	close(pfd[1]);
	if (pid < 0) {
		close(pfd[0]);
		goto fail;
	}
	s->sess = xreallocarray(s->sess, s->nsess + 1, sizeof(*s->sess));
	s->sess[s->nsess++] = (struct session){
		.pid = pid, .conn = conn, .start_fd = pfd[0], .detach = detach
	};
	return;
fail:
	reply_error(conn, &e);
	close(conn);
}

/* One exec request: header, argv, env, and the client's stdio as fds. */
static void handle_connection(struct shim *s, int conn)
{
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(sizeof(int) * 3)];
	} cm;
	_cleanup_free_ char *buf = xmalloc(REQ_MAX);
	_cleanup_free_ char **argv = NULL, **env = NULL;
	struct iovec iov = { .iov_base = buf, .iov_len = REQ_MAX };
	struct msghdr msg = { .msg_iov = &iov,
			      .msg_iovlen = 1,
			      .msg_control = cm.buf,
			      .msg_controllen = sizeof(cm.buf) };
	struct timeval tv = { .tv_sec = 2 };
	struct cr_error e = { 0 };
	int fds[3] = { -1, -1, -1 }, nfds = 0;
	struct ucred cred;
	socklen_t clen = sizeof(cred);
	uint32_t argc, envc;
	char *p;
	ssize_t n;

	/* The request follows the connect at once; don't wait forever. */
	setsockopt(conn, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (getsockopt(conn, SOL_SOCKET, SO_PEERCRED, &cred, &clen) < 0 ||
	    (cred.uid != 0 && cred.uid != geteuid())) {
		cr_fail(&e, -EPERM, "exec request");
		goto fail;
	}
	n = recvmsg(conn, &msg, MSG_CMSG_CLOEXEC);
	for (struct cmsghdr *c = n >= 0 ? CMSG_FIRSTHDR(&msg) : NULL; c;
	     c = CMSG_NXTHDR(&msg, c)) {
		size_t k;

		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
			continue;
		k = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (size_t i = 0; i < k; i++) {
			int fd;

			memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof(fd));
			if (nfds < 3)
				fds[nfds++] = fd;
			else
				close(fd);
		}
	}
	if (n < REQ_HDR || nfds != 3 || (msg.msg_flags & (MSG_TRUNC | MSG_CTRUNC)) ||
	    buf[0] != 'X') {
		cr_fail(&e, -EPROTO, "bad exec request");
		goto fail;
	}
	memcpy(&argc, buf + 2, sizeof(argc));
	memcpy(&envc, buf + 6, sizeof(envc));
	p = buf + REQ_HDR;
	argv = parse_strings(&p, buf + n, argc);
	env = argv ? parse_strings(&p, buf + n, envc) : NULL;
	if (!argv || !env || argc == 0) {
		cr_fail(&e, -EPROTO, "bad exec request");
		goto fail;
	}
	start_exec(s, conn, buf[1] == 'd', argv, env, fds);
	for (int i = 0; i < 3; i++)
		close(fds[i]);
	return;
fail:
	for (int i = 0; i < nfds; i++)
		close(fds[i]);
	reply_error(conn, &e);
	close(conn);
}

/* The exec'd child has exec'd (EOF) or reported why not. */
static void session_started(struct session *ss)
{
	char buf[sizeof(((struct cr_error *)0)->msg) + 16];
	struct cr_error e = { 0 };
	ssize_t n;

	do
		n = read(ss->start_fd, buf, sizeof(buf) - 1);
	while (n < 0 && errno == EINTR);
	close(ss->start_fd);
	ss->start_fd = -1;
	if (n > 0 && cr_parse_error(buf, (size_t)n, &e)) {
		reply_error(ss->conn, &e);
	} else {
		reply(ss->conn, "S %d", (int)ss->pid);
		if (!ss->detach)
			return;
	}
	close(ss->conn);
	ss->conn = -1;
}

static void reap(struct shim *s, bool *ret_no_children)
{
	for (;;) {
		int st;
		pid_t pid = waitpid(-1, &st, WNOHANG);

		if (pid < 0 && errno == EINTR)
			continue;
		if (pid < 0) {
			*ret_no_children = errno == ECHILD;
			return;
		}
		if (pid == 0)
			return;
		if (pid == s->init_pid) {
			s->init_done = true;
			s->exit_code = cr_exit_code(st);
			stop_listening(s);
			continue;
		}
		for (size_t i = 0; i < s->nsess; i++) {
			struct session *ss = &s->sess[i];

			if (ss->pid != pid)
				continue;
			if (ss->start_fd >= 0)
				session_started(ss);
			if (ss->conn >= 0) {
				reply(ss->conn, "X %d", cr_exit_code(st));
				close(ss->conn);
			}
			s->sess[i] = s->sess[--s->nsess];
			break;
		}
		/* Otherwise an orphan we adopted as subreaper: just reaped. */
	}
}

static void event_loop(struct shim *s)
{
	bool no_children = false;

	for (;;) {
		struct pollfd *p = xcalloc(s->nsess + 2, sizeof(*p));
		size_t np = 0;
		int r;

		reap(s, &no_children);
		if (s->init_done && no_children) {
			free(p);
			return;
		}
		p[np++] = (struct pollfd){ .fd = s->sig_fd, .events = POLLIN };
		p[np++] = (struct pollfd){ .fd = s->listen_fd, .events = POLLIN };
		for (size_t i = 0; i < s->nsess; i++)
			p[np++] = (struct pollfd){ .fd = s->sess[i].start_fd,
						   .events = POLLIN };
		r = poll(p, np, -1);
		if (r < 0) {
			free(p);
			continue; /* EINTR */
		}
		if (p[0].revents) {
			struct signalfd_siginfo si;

			while (read(s->sig_fd, &si, sizeof(si)) == sizeof(si))
				;
		}
		/* Sessions first: accepting may reallocate the array. */
		for (size_t i = 2; i < np; i++) {
			if (!p[i].revents)
				continue;
			for (size_t j = 0; j < s->nsess; j++)
				if (s->sess[j].start_fd == p[i].fd)
					session_started(&s->sess[j]);
		}
		if (p[1].revents && s->listen_fd >= 0) {
			int conn;

			while ((conn = accept4(s->listen_fd, NULL, NULL,
					       SOCK_CLOEXEC)) >= 0)
				handle_connection(s, conn);
		}
		free(p);
	}
}

static void finish(struct shim *s)
{
	const struct cr_config *cfg = s->cfg;
	struct cr_error e = { 0 };
	char now[32];

	cr_now_rfc3339(now, sizeof(now));
	json_object_object_add(s->state, "status", json_object_new_string("stopped"));
	json_object_object_add(s->state, "finished", json_object_new_string(now));
	json_object_object_add(s->state, "exit_status",
			       json_object_new_int(s->exit_code));
	if (cr_state_write(cfg->state_dir, cfg->id, s->state, &e) < 0)
		shim_log("record exit", &e);
	if (cfg->rm) {
		if (cr_cgroups_remove(&s->cg, cfg->cgroup_default_parent, &e) < 0)
			shim_log("--rm", &e);
		if (cfg->veth && cr_net_remove(cfg->veth, cfg->bridge_netns, &e) < 0)
			shim_log("--rm", &e);
		if (cr_state_remove(cfg->state_dir, cfg->id, &e) < 0)
			shim_log("--rm", &e);
	}
	report(s, "X %d", s->exit_code);
}

/* Start failed: undo what we made, tell the client, exit. */
static _Noreturn void abort_start(struct shim *s, const struct cr_error *e)
{
	struct cr_error e2 = { 0 };

	if (s->init_pid > 0) {
		kill(s->init_pid, SIGKILL);
		while (waitpid(s->init_pid, NULL, 0) < 0 && errno == EINTR)
			;
	}
	/*
	 * No veth to remove: its peer lived in the init's netns, and the
	 * kernel destroys the pair with it.  A name clash with someone
	 * else's link must not make us delete theirs.
	 */
	if (s->cg_created)
		(void)cr_cgroups_remove(&s->cg, s->cfg->cgroup_default_parent,
					&e2);
	report(s, "E %d\t%d\t%s", e->errnum, e->exit_code, e->msg);
	shim_log("start", e);
	_exit(125);
}

/* Detach from the client's session and stdio, keep the container's stdio. */
static int shim_stdio(struct shim *s, struct cr_error *e)
{
	_cleanup_free_ char *log = NULL, *out = NULL;
	int null, logfd;

	if (asprintf(&log, "%s/%s", s->dir, SHIM_LOG) < 0 ||
	    asprintf(&out, "%s/%s", s->dir, CONTAINER_LOG) < 0)
		return cr_fail(e, -ENOMEM, "log");
	if (s->cfg->detach) {
		s->stdio[0] = open("/dev/null", O_RDONLY | O_CLOEXEC);
		s->stdio[1] = open(out, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC,
				   0640);
		s->stdio[2] = s->stdio[1] < 0 ? -1 :
						fcntl(s->stdio[1], F_DUPFD_CLOEXEC, 3);
	} else {
		for (int i = 0; i < 3; i++)
			s->stdio[i] = fcntl(i, F_DUPFD_CLOEXEC, 3);
	}
	for (int i = 0; i < 3; i++)
		if (s->stdio[i] < 0)
			return cr_fail(e, -errno, "container stdio");
	null = open("/dev/null", O_RDWR | O_CLOEXEC);
	logfd = open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
	if (null < 0 || logfd < 0 || dup2(null, 0) < 0 || dup2(null, 1) < 0 ||
	    dup2(logfd, 2) < 0)
		return cr_fail(e, -errno, "supervisor stdio");
	close(null);
	close(logfd);
	return 0;
}

_Noreturn void cr_shim_main(const struct cr_config *cfg, int report_fd)
{
	struct shim s = {
		.cfg = cfg,
		.report_fd = report_fd,
		.stdio = { -1, -1, -1 },
		.init_pidfd = -1,
		.init_procfd = -1,
		.init_pidns_fd = -1,
		.self_pidns_fd = -1,
		.listen_fd = -1,
		.sig_fd = -1,
	};
	struct cr_error e = { 0 };
	sigset_t mask;

	/* Recognizable in ps, like containerd-shim or conmon. */
	prctl(PR_SET_NAME, "ctrrun-shim");
	/* Orphans of exec'd processes come back to us, not to PID 1. */
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	signal(SIGPIPE, SIG_IGN);
	umask(022);
	if (chdir("/") < 0 ||
	    asprintf(&s.dir, "%s/%s", cfg->state_dir, cfg->id) < 0)
		_exit(125);
	if (shim_stdio(&s, &e) < 0)
		abort_start(&s, &e);
	{
		int keep[] = { 0,	  1,	     2,		report_fd,
			       s.stdio[0], s.stdio[1], s.stdio[2] };

		if (cr_close_fds_except(keep, ARRAY_SIZE(keep)) < 0) {
			cr_fail(&e, -errno, "close inherited fds");
			abort_start(&s, &e);
		}
	}
	/* Blocked before the clone, so no SIGCHLD gets lost. */
	sigemptyset(&mask);
	sigaddset(&mask, SIGCHLD);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	s.sig_fd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
	s.self_pidns_fd = open("/proc/self/ns/pid", O_RDONLY | O_CLOEXEC);
	if (s.sig_fd < 0 || s.self_pidns_fd < 0) {
		cr_fail(&e, -errno, "supervisor setup");
		abort_start(&s, &e);
	}
	report(&s, "S %d", (int)getpid());

	/* Listening before the state says "running": exec works at once. */
	if (start_container(&s, &e) < 0 || listen_exec(&s, &e) < 0)
		abort_start(&s, &e);
	s.state = build_state(&s);
	if (cr_state_write(cfg->state_dir, cfg->id, s.state, &e) < 0)
		abort_start(&s, &e);
	report(&s, "R %d %llu", (int)s.init_pid,
	       (unsigned long long)s.init_start);
	if (cfg->detach && s.report_fd >= 0) {
		close(s.report_fd);
		s.report_fd = -1;
	}

	event_loop(&s);
	finish(&s);
	json_object_put(s.state);
	cr_cgroups_free(&s.cg);
	free(s.sess);
	free(s.dir);
	exit(0);
}
