/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The runtime facts behind the logical chain, collected after the process
 * scan: which unix sockets listen where (/proc/net/unix), which of them the
 * engine processes hold (/proc/PID/fd), and (engine-*.c) what the engines'
 * APIs and the runtimes' state say.  Only engine processes' fd tables are
 * read, so the cost stays with the handful of daemons, not with every
 * process on the host.
 */
#include <fcntl.h>
#include <pthread.h>
#include <curl/curl.h>
#include <sys/stat.h>
#include <string.h>

#include "collect-runtime.h"
#include "engine-containerd.h"
#include "engine-cri.h"
#include "engine-docker.h"
#include "jsonutil.h"
#include "pidfd.h"
#include "roles.h"
#include "util.h"

static void read_one_file(struct ct_snapshot *s, const char *path);
static bool hex_id(const char *p, size_t n);

#define SO_ACCEPTCON 0x10000	/* __SO_ACCEPTCON: a listening socket */
#define MAX_SOCKETS 65536
#define MAX_FDS_PER_ENGINE 65536

int ct_parse_net_unix(const char *buf, size_t len, struct ct_arena *a,
		      struct ct_unix_socket **ret, size_t *ret_n)
{
	const char *p = buf, *end = buf + len;
	struct ct_unix_socket *out = NULL;
	size_t n = 0, cap = 0;
	bool header = true;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *f[8];
		size_t fl[8], nf = 0;
		const char *q;
		uint64_t flags, inode;

		if (!nl)
			nl = end;
		if (header) { /* "Num RefCount Protocol Flags Type St Inode Path" */
			header = false;
			p = nl + 1;
			continue;
		}
		/* Seven fields, then the path: the rest of the line, spaces and all. */
		q = p;
		while (nf < 7 && q < nl) {
			while (q < nl && *q == ' ')
				q++;
			f[nf] = q;
			while (q < nl && *q != ' ')
				q++;
			fl[nf] = (size_t)(q - f[nf]);
			nf++;
		}
		while (q < nl && *q == ' ')
			q++;
		if (nf == 7 && q < nl && fl[3] > 0 && fl[3] <= 8) {
			char hex[9];
			char *e;

			memcpy(hex, f[3], fl[3]);
			hex[fl[3]] = '\0';
			flags = strtoull(hex, &e, 16);
			if (*e == '\0' && (flags & SO_ACCEPTCON) &&
			    ct_parse_u64(f[6], fl[6], &inode) == 0 && n < MAX_SOCKETS) {
				if (n == cap) {
					cap = cap ? cap * 2 : 64;
					out = xreallocarray(out, cap, sizeof(*out));
				}
				out[n].inode = inode;
				out[n].path = ct_arena_strndup(a, q, (size_t)(nl - q));
				n++;
			}
		}
		p = nl + 1;
	}
	*ret = out;
	*ret_n = n;
	return 0;
}

/* Socket inodes among the fds of one process; 0 or -errno. */
static int read_socket_fds(int proc_fd, const struct ct_proc *p, struct ct_arena *a,
			   struct ct_proc_sockets *ret)
{
	_cleanup_closedir_ DIR *d = NULL;
	_cleanup_close_ int dir = -1;
	struct dirent *de;
	uint64_t *inodes = NULL;
	size_t n = 0, cap = 0, seen = 0;
	int fd;

	/* The process the scan saw, not one that took its PID since. */
	dir = ct_proc_dir_open_checked(proc_fd, p->pid, p->start_time);
	if (dir < 0)
		return dir;
	fd = openat(dir, "fd", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	d = fdopendir(fd);
	if (!d) {
		close(fd);
		return -errno;
	}
	while ((de = readdir(d)) && seen++ < MAX_FDS_PER_ENGINE) {
		char link[64];
		ssize_t l;
		uint64_t ino;

		if (de->d_name[0] == '.')
			continue;
		l = readlinkat(dirfd(d), de->d_name, link, sizeof(link) - 1);
		if (l < 9 || memcmp(link, "socket:[", 8) != 0 || link[l - 1] != ']')
			continue;
		if (ct_parse_u64(link + 8, (size_t)l - 9, &ino) < 0)
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			inodes = xreallocarray(inodes, cap, sizeof(*inodes));
		}
		inodes[n++] = ino;
	}
	ret->pid = p->pid;
	ret->inodes = ct_arena_memdup(a, inodes, n * sizeof(*inodes));
	ret->n = n;
	free(inodes);
	return 0;
}

int ct_collect_sockets(struct ct_snapshot *s, const struct ct_role_info *roles)
{
	_cleanup_close_ int proc_fd = open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	_cleanup_free_ char *buf = NULL;
	size_t len;
	int r;

	if (proc_fd < 0)
		return -errno;
	r = ct_read_file_at(proc_fd, "net/unix", 64 * 1024 * 1024, &buf, &len, NULL);
	if (r < 0)
		return r;
	ct_parse_net_unix(buf, len, &s->arena, &s->sockets, &s->n_sockets);

	for (size_t i = 0; i < s->n_procs; i++) {
		struct ct_proc_sockets ps;

		if (roles[i].role != CT_ROLE_ENGINE || (s->procs[i].flags & CT_PROC_THREAD))
			continue;
		if (read_socket_fds(proc_fd, &s->procs[i], &s->arena, &ps) < 0)
			continue;
		s->proc_sockets = xreallocarray(s->proc_sockets, s->n_proc_sockets + 1,
						sizeof(*s->proc_sockets));
		s->proc_sockets[s->n_proc_sockets++] = ps;
	}
	return 0;
}

int ct_parse_fib_trie_local(const char *buf, size_t len, char ***ret, size_t *ret_n)
{
	const char *p = buf, *end = buf + len;
	char last[64] = "";
	char **out = NULL;
	size_t n = 0;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *q;

		if (!nl)
			nl = end;
		for (q = p; q < nl && (*q == ' ' || *q == '|' || *q == '+' || *q == '-'); q++)
			;
		if (q > p && q[-1] == ' ' && q - p >= 4 && q[-2] == '-' && q[-3] == '-') {
			/* "  |-- 172.17.0.2": remember the address */
			size_t l = (size_t)(nl - q);

			if (l < sizeof(last)) {
				memcpy(last, q, l);
				last[l] = '\0';
			}
		} else if (last[0] && (size_t)(nl - q) >= 14 && memcmp(q, "/32 host LOCAL", 14) == 0) {
			bool dup = false;

			for (size_t k = 0; k < n && !dup; k++)
				dup = strcmp(out[k], last) == 0;
			if (!dup && n < 256) {
				out = xreallocarray(out, n + 1, sizeof(*out));
				out[n++] = xstrdup(last);
			}
		}
		p = nl + 1;
	}
	*ret = out;
	*ret_n = n;
	return 0;
}

void ct_collect_netns_addrs(struct ct_snapshot *s)
{
	_cleanup_close_ int proc_fd = open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	_cleanup_free_ uint64_t *seen = NULL;
	size_t n_seen = 0;

	if (proc_fd < 0)
		return;
	seen = xcalloc(s->n_procs ? s->n_procs : 1, sizeof(*seen));
	for (size_t i = 0; i < s->n_procs; i++) {
		const struct ct_proc *p = &s->procs[i];
		bool dup = false;
		char path[64];
		struct ct_state_file f = { 0 };
		char *buf = NULL;
		size_t len;
		int dir, r;

		if (!ct_ns_known(&p->ns[CT_NS_NET]) || (p->flags & CT_PROC_THREAD) ||
		    ct_ns_equal(&p->ns[CT_NS_NET], &s->host.host_ns[CT_NS_NET]))
			continue;
		for (size_t k = 0; k < n_seen && !dup; k++)
			dup = seen[k] == p->ns[CT_NS_NET].ino;
		if (dup)
			continue;

		/* /proc/PID/net shows the network namespace of PID: no setns
		 * needed.  Read through the directory of the process the scan
		 * saw (not one that took its PID since); if it is gone, another
		 * process of the namespace may do. */
		dir = ct_proc_dir_open_checked(proc_fd, p->pid, p->start_time);
		if (dir == -ESRCH || dir == -ESTALE)
			continue;
		seen[n_seen++] = p->ns[CT_NS_NET].ino;
		r = dir < 0 ? dir : ct_read_file_at(dir, "net/fib_trie", 1024 * 1024, &buf, &len, NULL);
		if (dir >= 0)
			close(dir);
		snprintf(path, sizeof(path), "/proc/%d/net/fib_trie", p->pid);
		f.path = ct_arena_strdup(&s->arena, path);
		if (r < 0) {
			f.error = r;
		} else {
			f.data = ct_arena_memdup(&s->arena, buf, len + 1);
			f.len = len;
		}
		free(buf);
		s->files = xreallocarray(s->files, s->n_files + 1, sizeof(*s->files));
		s->files[s->n_files++] = f;
	}
}

int ct_socket_owner(const struct ct_snapshot *s, const char *path, uint64_t *ret_inode)
{
	for (size_t i = 0; i < s->n_sockets; i++) {
		if (strcmp(s->sockets[i].path, path) != 0)
			continue;
		for (size_t k = 0; k < s->n_proc_sockets; k++)
			for (size_t j = 0; j < s->proc_sockets[k].n; j++)
				if (s->proc_sockets[k].inodes[j] == s->sockets[i].inode) {
					if (ret_inode)
						*ret_inode = s->sockets[i].inode;
					return s->proc_sockets[k].pid;
				}
	}
	return -ENOENT;
}

static void add_reply(struct ct_snapshot *s, const char *what, const char *socket, int error,
		      const char *message, const char *data, size_t len, const char *meta)
{
	struct ct_api_reply *r;

	s->api = xreallocarray(s->api, s->n_api + 1, sizeof(*s->api));
	r = &s->api[s->n_api++];
	*r = (struct ct_api_reply){
		.what = ct_arena_strdup(&s->arena, what),
		.socket = socket ? ct_arena_strdup(&s->arena, socket) : NULL,
		.error = error,
		.message = message ? ct_arena_strdup(&s->arena, message) : NULL,
		.data = data ? ct_arena_memdup(&s->arena, data, len + 1) : NULL,
		.len = data ? len : 0,
		.meta = meta ? ct_arena_strdup(&s->arena, meta) : NULL,
	};
}

/* kind: "docker" or "podman" (podman serves the same API, compatible). */
static void query_docker(struct ct_snapshot *s, const char *kind, const char *socket,
			 const struct ct_engine_opts *opts)
{
	char what[64];
	struct ct_docker_opts dopts = { .timeout_ms = opts->timeout_ms };
	struct ct_docker_reply reply = { 0 };
	char *why = NULL;
	int r;

	for (size_t i = 0; i < s->n_api; i++)
		if (s->api[i].socket && strcmp(s->api[i].socket, socket) == 0)
			return; /* asked already */
	r = ct_docker_query(socket, &dopts, &reply, &why);
	snprintf(what, sizeof(what), "%s:containers", kind);
	if (r < 0) {
		add_reply(s, what, socket, r, why, NULL, 0, NULL);
		ct_debug("runtime", "%s API on %s: %s", kind, socket, why ? why : strerror(-r));
		free(why);
		return;
	}
	add_reply(s, what, socket, 0, NULL, reply.containers_json, reply.containers_json_len, reply.api_version);
	snprintf(what, sizeof(what), "%s:version", kind);
	add_reply(s, what, socket, 0, NULL, reply.version_json, reply.version_json_len, reply.api_version);
	ct_docker_reply_clear(&reply);
}

/* The API socket of an engine process: from argv, else the listening
 * socket it holds whose name ends in suffix. */
static const char *engine_socket_path(const struct ct_snapshot *s, size_t i, const struct ct_role_info *r,
				      const char *suffix)
{
	size_t sl = strlen(suffix);

	if (r->socket)
		return r->socket;
	for (size_t k = 0; k < s->n_proc_sockets; k++) {
		if (s->proc_sockets[k].pid != s->procs[i].pid)
			continue;
		for (size_t j = 0; j < s->proc_sockets[k].n; j++)
			for (size_t u = 0; u < s->n_sockets; u++) {
				const char *path = s->sockets[u].path;
				size_t pl = strlen(path);

				if (s->sockets[u].inode == s->proc_sockets[k].inodes[j] && pl >= sl &&
				    strcmp(path + pl - sl, suffix) == 0)
					return path;
			}
	}
	return NULL;
}

/* 0 when the engine answered; the error otherwise. */
static int query_containerd(struct ct_snapshot *s, const char *socket, const struct ct_engine_opts *opts)
{
	struct ct_containerd_opts copts = { .timeout_ms = opts->timeout_ms > 0 ? (unsigned)opts->timeout_ms : 2000 };
	struct ct_containerd_reply reply = { 0 };
	char *why = NULL;
	char what[512];
	int r;

	for (size_t i = 0; i < s->n_api; i++)
		if (s->api[i].socket && strcmp(s->api[i].socket, socket) == 0)
			return s->api[i].error;
	r = ct_containerd_query(socket, &copts, &reply, &why);
	if (r < 0) {
		add_reply(s, "containerd:version", socket, r, why, NULL, 0, NULL);
		ct_debug("runtime", "containerd API on %s: %s", socket, why ? why : strerror(-r));
		free(why);
		return r;
	}
	add_reply(s, "containerd:version", socket, 0, NULL, (const char *)reply.version.data, reply.version.len, NULL);
	add_reply(s, "containerd:namespaces", socket, 0, NULL, (const char *)reply.namespaces.data,
		  reply.namespaces.len, NULL);
	for (size_t k = 0; k < reply.n_ns; k++) {
		struct ct_containerd_blob noenv = { 0 };
		const struct ct_containerd_blob *c = &reply.ns[k].containers;
		int d;

		/* The specs' environments are never shown: a snapshot leaves them
		 * out, and keeps no reply it cannot take them out of. */
		snprintf(what, sizeof(what), "containerd:containers:%s", reply.ns[k].name);
		d = ct_containerd_drop_env(c, &noenv);
		if (d > 0)
			c = &noenv;
		if (d < 0)
			add_reply(s, what, socket, d, "a reply that does not unpack: not kept", NULL, 0,
				  reply.ns[k].name);
		else
			add_reply(s, what, socket, 0, NULL, (const char *)c->data, c->len, reply.ns[k].name);
		free(noenv.data);
		snprintf(what, sizeof(what), "containerd:tasks:%s", reply.ns[k].name);
		add_reply(s, what, socket, 0, NULL, (const char *)reply.ns[k].tasks.data, reply.ns[k].tasks.len,
			  reply.ns[k].name);
	}
	ct_containerd_reply_clear(&reply);
	return 0;
}

/* The Kubernetes CRI RuntimeService, where containerd's CRI plugin or CRI-O serve it. */
static void query_cri(struct ct_snapshot *s, const char *socket, const struct ct_engine_opts *opts)
{
	struct ct_cri_opts copts = { .timeout_ms = opts->timeout_ms > 0 ? (unsigned)opts->timeout_ms : 2000 };
	struct ct_cri_reply reply = { 0 };
	char *why = NULL;
	int r;

	for (size_t i = 0; i < s->n_api; i++)
		if (s->api[i].socket && strcmp(s->api[i].socket, socket) == 0 && strncmp(s->api[i].what, "cri:", 4) == 0)
			return;
	r = ct_cri_query(socket, &copts, &reply, &why);
	if (r == -EOPNOTSUPP) {
		/* gRPC, but no CRI here (docker's own containerd): nothing to say. */
		free(why);
		return;
	}
	if (r < 0) {
		add_reply(s, "cri:version", socket, r, why, NULL, 0, NULL);
		ct_debug("runtime", "CRI on %s: %s", socket, why ? why : strerror(-r));
		free(why);
		return;
	}
	add_reply(s, "cri:version", socket, 0, NULL, (const char *)reply.version.data, reply.version.len,
		  ct_cri_api_name(reply.api));
	add_reply(s, "cri:pods", socket, 0, NULL, (const char *)reply.pods.data, reply.pods.len,
		  ct_cri_api_name(reply.api));
	add_reply(s, "cri:containers", socket, 0, NULL, (const char *)reply.containers.data, reply.containers.len,
		  ct_cri_api_name(reply.api));
	ct_cri_reply_clear(&reply);
}

/* dockerd's --data-root (default /var/lib/docker), from its argv. */
static const char *docker_data_root(const struct ct_proc *p)
{
	for (size_t k = 1; k < p->argc; k++) {
		if (strcmp(p->argv[k], "--data-root") == 0 && k + 1 < p->argc)
			return p->argv[k + 1];
		if (strncmp(p->argv[k], "--data-root=", 12) == 0)
			return p->argv[k] + 12;
	}
	return "/var/lib/docker";
}

/*
 * When a dockerd does not answer, its own records still name its
 * containers: DATA-ROOT/containers/ID/config.v2.json, for every container a
 * shim in the "moby" namespace serves.
 */
static void read_docker_records(struct ct_snapshot *s, const struct ct_role_info *roles, const char *data_root)
{
	for (size_t i = 0; i < s->n_procs; i++) {
		const struct ct_role_info *r = &roles[i];
		char path[4096];

		if (r->role != CT_ROLE_SHIM || r->transient || !r->id || !hex_id(r->id, strlen(r->id)) ||
		    (r->engine_ns && strcmp(r->engine_ns, "moby") != 0) || (!r->engine_ns && r->shim != CT_SHIM_DOCKER_17))
			continue;
		if (snprintf(path, sizeof(path), "%s/containers/%s/config.v2.json", data_root, r->id) < (int)sizeof(path))
			read_one_file(s, path);
	}
}

/*
 * One engine to ask.  Engines are asked in parallel, one thread each, so
 * that a hung engine (or one hung behind another: dockerd waits on its
 * containerd) costs the timeout once, not once per engine.  Each thread
 * writes into a scratch snapshot of its own; the replies join the real one
 * afterwards, in a fixed order.
 */
struct engine_job {
	const char *kind; /* "docker", "podman", "containerd" (and its CRI), "cri" */
	char *socket;
	const struct ct_engine_opts *opts;
	struct ct_snapshot scratch;
	pthread_t thread;
	bool started;
};

static void *engine_job_run(void *arg)
{
	struct engine_job *j = arg;

	if (strcmp(j->kind, "docker") == 0 || strcmp(j->kind, "podman") == 0)
		query_docker(&j->scratch, j->kind, j->socket, j->opts);
	else if (strcmp(j->kind, "containerd") == 0) {
		/* A containerd that did not answer is not asked again for its CRI. */
		if (query_containerd(&j->scratch, j->socket, j->opts) == 0)
			query_cri(&j->scratch, j->socket, j->opts);
	} else
		query_cri(&j->scratch, j->socket, j->opts);
	return NULL;
}

static void add_job(struct engine_job **jobs, size_t *n, const char *kind, const char *socket,
		    const struct ct_engine_opts *opts)
{
	for (size_t i = 0; i < *n; i++)
		if (strcmp((*jobs)[i].socket, socket) == 0 && strcmp((*jobs)[i].kind, kind) == 0)
			return;
	*jobs = xreallocarray(*jobs, *n + 1, sizeof(**jobs));
	(*jobs)[*n] = (struct engine_job){ .kind = kind, .socket = xstrdup(socket), .opts = opts };
	(*n)++;
}

/* Root as far as we know: an unreadable status leaves uid 0, not trusted. */
static bool proc_is_root(const struct ct_proc *p)
{
	return p->uid == 0 && !(p->flags & CT_PROC_NO_STATUS);
}

static bool host_mnt(const struct ct_snapshot *s, const struct ct_proc *p)
{
	return !ct_ns_known(&p->ns[CT_NS_MNT]) || ct_ns_equal(&p->ns[CT_NS_MNT], &s->host.host_ns[CT_NS_MNT]);
}

void ct_collect_engines(struct ct_snapshot *s, const struct ct_role_info *roles,
			const struct ct_engine_opts *opts)
{
	struct ct_docker_sockets socks = { 0 };
	struct ct_docker_opts dopts = { .socket_override = opts->docker_socket };
	struct engine_job *jobs = NULL;
	size_t n_jobs = 0;
	bool any_dockerd = false;

	if (opts->no_api)
		return;
	if (!opts->docker_socket) {
		for (size_t i = 0; i < s->n_procs; i++) {
			const struct ct_proc *p = &s->procs[i];

			/* Only the host's own dockerds: a process named dockerd in a
			 * container would point us at paths of its own mount namespace. */
			if (roles[i].role != CT_ROLE_ENGINE || roles[i].engine != CT_ENGINE_DOCKER || !host_mnt(s, p))
				continue;
			any_dockerd = true;
			ct_docker_sockets_from_argv((const char *const *)p->argv, p->argc, &socks);
		}
	}
	/* --docker-socket, or $DOCKER_HOST / the default when a dockerd runs. */
	if (opts->docker_socket || any_dockerd || getenv("DOCKER_HOST"))
		ct_docker_socket_candidates(&dopts, getenv("DOCKER_HOST"), &socks);
	for (size_t i = 0; i < socks.n; i++)
		add_job(&jobs, &n_jobs, "docker", socks.paths[i], opts);
	ct_docker_sockets_clear(&socks);

	for (size_t i = 0; i < s->n_procs; i++) {
		const struct ct_role_info *r = &roles[i];
		const char *sock;

		if (r->role != CT_ROLE_ENGINE || !host_mnt(s, &s->procs[i]))
			continue;
		switch (r->engine) {
		case CT_ENGINE_PODMAN: /* podman system service: the Docker-compatible API */
			add_job(&jobs, &n_jobs, "podman", r->socket ? r->socket : "/run/podman/podman.sock", opts);
			break;
		case CT_ENGINE_CONTAINERD: /* every containerd, on the socket it holds */
			sock = engine_socket_path(s, i, r, "containerd.sock");
			if (sock)
				add_job(&jobs, &n_jobs, "containerd", sock, opts);
			break;
		case CT_ENGINE_CRIO: /* CRI-O: its CRI socket is its only API */
			sock = engine_socket_path(s, i, r, "crio.sock");
			add_job(&jobs, &n_jobs, "cri", sock ? sock : CT_CRI_CRIO_SOCKET, opts);
			break;
		default:
			break;
		}
	}

	curl_global_init(CURL_GLOBAL_DEFAULT); /* before any thread uses libcurl */
	for (size_t k = 0; k < n_jobs; k++)
		jobs[k].started = pthread_create(&jobs[k].thread, NULL, engine_job_run, &jobs[k]) == 0;
	for (size_t k = 0; k < n_jobs; k++) {
		struct ct_snapshot *x = &jobs[k].scratch;

		if (jobs[k].started)
			pthread_join(jobs[k].thread, NULL);
		else
			engine_job_run(&jobs[k]); /* no thread to be had: ask it here */
		for (size_t a = 0; a < x->n_api; a++) {
			const struct ct_api_reply *r = &x->api[a];

			add_reply(s, r->what, r->socket, r->error, r->message, r->data, r->len, r->meta);
		}
		ct_arena_free(&x->arena);
		free(x->api);
		free(jobs[k].socket);
	}
	free(jobs);

	/* dockerd did not answer: its own records still name its containers. */
	for (size_t a = 0; a < s->n_api; a++) {
		if (strncmp(s->api[a].what, "docker:", 7) != 0 || !s->api[a].error)
			continue;
		for (size_t i = 0; i < s->n_procs; i++)
			if (roles[i].role == CT_ROLE_ENGINE && roles[i].engine == CT_ENGINE_DOCKER &&
			    host_mnt(s, &s->procs[i]) && proc_is_root(&s->procs[i]))
				read_docker_records(s, roles, docker_data_root(&s->procs[i]));
		break;
	}
}

/* ---- runtime state directories ---- */

#define MAX_STATE_DIRS 64
#define MAX_STATE_ENTRIES 16384
#define MAX_STATE_FILE (1024 * 1024)

/* Where a file we keep holds a container's environment, a member of its JSON. */
static const char *const *env_member(const char *path)
{
	static const char *const oci[] = { "process", "env", NULL }, *const docker[] = { "Config", "Env", NULL };
	const char *base = strrchr(path, '/');

	base = base ? base + 1 : path;
	if (strcmp(base, "config.json") == 0)
		return oci; /* an OCI bundle's */
	if (strcmp(base, "config.v2.json") == 0)
		return docker;
	return NULL;
}

/* Do the len bytes at s start with prefix? */
static bool starts_with_n(const char *s, size_t len, const char *prefix)
{
	size_t n = strlen(prefix);

	return len >= n && memcmp(s, prefix, n) == 0;
}

/*
 * An LXC config (LXCPATH/NAME/config) without its "lxc.environment = ..."
 * lines, in *ret (NUL-terminated): 1 if any was dropped, else 0.
 */
static int lxc_drop_environment(const char *data, size_t len, char **ret, size_t *ret_len)
{
	struct ct_buf b = { 0 };
	bool dropped = false;

	for (const char *p = data, *end = data + len; p < end;) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		const char *next = eol ? eol + 1 : end, *k = p;

		while (k < next && (*k == ' ' || *k == '\t'))
			k++;
		if (starts_with_n(k, (size_t)(next - k), "lxc.environment"))
			dropped = true;
		else
			ct_buf_put(&b, p, (size_t)(next - p));
		p = next;
	}
	if (!dropped) {
		ct_buf_free(&b);
		return 0;
	}
	ct_buf_putc(&b, '\0');
	*ret = b.data;
	*ret_len = b.len - 1;
	return 1;
}

static void add_file(struct ct_snapshot *s, const char *path, int error, const char *data, size_t len)
{
	const char *const *env = data ? env_member(path) : NULL;
	const char *base = strrchr(path, '/');
	_cleanup_free_ char *kept = NULL;

	/* Environments hold secrets and are never shown: a snapshot leaves them
	 * out, and keeps no file it cannot take them out of. */
	if (env) {
		int d = ct_json_drop_member(data, len, env, &kept, &len);

		if (d > 0) {
			data = kept;
		} else if (d < 0) {
			error = -EBADMSG;
			data = NULL;
		}
	} else if (data && base && strcmp(base, "/config") == 0 && lxc_drop_environment(data, len, &kept, &len) > 0)
		data = kept;
	s->files = xreallocarray(s->files, s->n_files + 1, sizeof(*s->files));
	s->files[s->n_files++] = (struct ct_state_file){
		.path = ct_arena_strdup(&s->arena, path),
		.error = error,
		.data = data ? ct_arena_memdup(&s->arena, data, len + 1) : NULL,
		.len = data ? len : 0,
	};
}

/* Read ROOT/ID/NAME for every ID under one runtime root.  Runtime roots
 * are the host's own directories (a container cannot write there), still
 * read with O_NOFOLLOW, no FIFOs, and a size cap. */
static void read_state_root(struct ct_snapshot *s, const char *root, const char *name, int depth)
{
	_cleanup_closedir_ DIR *d = NULL;
	struct dirent *de;
	size_t n = 0;
	int fd;

	fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return;
	d = fdopendir(fd);
	if (!d) {
		close(fd);
		return;
	}
	while ((de = readdir(d)) && n++ < MAX_STATE_ENTRIES) {
		char path[4096], rel[512];
		_cleanup_free_ char *buf = NULL;
		_cleanup_close_ int ffd = -1;
		struct stat st;
		size_t len;
		bool trunc;
		int r;

		if (de->d_name[0] == '.' || (de->d_type != DT_DIR && de->d_type != DT_UNKNOWN))
			continue;
		if (depth > 0) {
			/* containerd's runc root: ROOT/NAMESPACE/ID */
			snprintf(path, sizeof(path), "%s/%s", root, de->d_name);
			read_state_root(s, path, name, depth - 1);
			continue;
		}
		snprintf(rel, sizeof(rel), "%s/%s", de->d_name, name);
		snprintf(path, sizeof(path), "%s/%s", root, rel);
		ffd = openat(dirfd(d), rel, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY);
		if (ffd < 0) {
			if (errno != ENOENT)
				add_file(s, path, -errno, NULL, 0);
			continue;
		}
		if (fstat(ffd, &st) < 0 || !S_ISREG(st.st_mode))
			continue;
		r = ct_read_fd(ffd, MAX_STATE_FILE, &buf, &len, &trunc);
		add_file(s, path, r < 0 ? r : trunc ? -EFBIG : 0, r < 0 || trunc ? NULL : buf, len);
		/* exec.fifo exists while the container is created, not started. */
		snprintf(rel, sizeof(rel), "%s/exec.fifo", de->d_name);
		if (faccessat(dirfd(d), rel, F_OK, AT_SYMLINK_NOFOLLOW) == 0 &&
		    snprintf(path, sizeof(path), "%s/%s", root, rel) < (int)sizeof(path))
			add_file(s, path, 0, "", 0);
	}
}

static bool have_file(const struct ct_snapshot *s, const char *path)
{
	for (size_t i = 0; i < s->n_files; i++)
		if (strcmp(s->files[i].path, path) == 0)
			return true;
	return false;
}

/*
 * Read one regular file (no symlink, no FIFO, capped) into the snapshot,
 * at a path a process named (argv, cwd): when that process is not root,
 * only a file its own user owns, so that nobody can make us copy a file
 * they could not read themselves.
 */
static void read_named_file(struct ct_snapshot *s, const char *path, const struct ct_proc *by)
{
	_cleanup_close_ int fd = -1;
	_cleanup_free_ char *buf = NULL;
	struct stat st;
	size_t len;
	bool trunc;
	int r;

	if (have_file(s, path))
		return;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY);
	if (fd < 0) {
		if (errno != ENOENT)
			add_file(s, path, -errno, NULL, 0);
		return;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))
		return;
	if (by && !proc_is_root(by) && st.st_uid != by->uid) {
		ct_debug("runtime", "%s: not read, owned by %u, named by pid %d of uid %u", path,
			 (unsigned)st.st_uid, by->pid, (unsigned)by->uid);
		return;
	}
	r = ct_read_fd(fd, MAX_STATE_FILE, &buf, &len, &trunc);
	add_file(s, path, r < 0 ? r : trunc ? -EFBIG : 0, r < 0 || trunc ? NULL : buf, len);
}

/* Read one regular file at a path of our own choosing. */
static void read_one_file(struct ct_snapshot *s, const char *path)
{
	read_named_file(s, path, NULL);
}

static bool hex_id(const char *p, size_t n)
{
	if (n != 64)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((p[i] >= '0' && p[i] <= '9') || (p[i] >= 'a' && p[i] <= 'f')))
			return false;
	return true;
}

/*
 * The container id in the last cgroup component: a 64-hex id inside it
 * ("cri-containerd-ID.scope"), else the component itself when it can be an
 * id (ctr's /NS/ID).
 */
static bool id_in_cgroup(const char *cg, char *ret, size_t size)
{
	const char *last = strrchr(cg, '/');
	size_t len;

	last = last ? last + 1 : cg;
	for (const char *p = last; *p; p++) {
		if (hex_id(p, strspn(p, "0123456789abcdef")) && size > 64) {
			memcpy(ret, p, 64);
			ret[64] = '\0';
			return true;
		}
	}
	len = strlen(last);
	if (len == 0 || len >= size || last[0] == '.' || strspn(last, "abcdefghijklmnopqrstuvwxyz"
				"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-") != len)
		return false;
	memcpy(ret, last, len + 1);
	return true;
}

/*
 * Is a runtime-run container paused?  Its state file does not say: the
 * freezer does.  For each runc/crun state read, the init's freezer cgroup
 * (v1 freezer.state, or cgroup.freeze on cgroup2) joins the snapshot.
 */
static void read_freezers(struct ct_snapshot *s, size_t first_file)
{
	size_t n_files = s->n_files;

	for (size_t f = first_file; f < n_files; f++) {
		const char *path = s->files[f].path, *slash = strrchr(path, '/');
		bool crun = slash && strcmp(slash, "/status") == 0;
		struct json_object *root = NULL;
		const char *why;
		uint64_t pid;
		ssize_t k;

		if (!s->files[f].data || !slash || (strcmp(slash, "/state.json") != 0 && !crun) ||
		    ct_json_parse_buf(s->files[f].data, s->files[f].len, &root, &why) < 0)
			continue;
		if (ct_json_get_u64(ct_json_get(root, crun ? "pid" : "init_process_pid"), &pid) < 0 ||
		    pid > INT32_MAX || (k = ct_snapshot_find(s, (int)pid)) < 0) {
			json_object_put(root);
			continue;
		}
		json_object_put(root);
		for (size_t i = 0; i < s->procs[k].n_cgroups; i++) {
			const struct ct_cgroup_line *l = &s->procs[k].cgroups[i];
			char fpath[4096];
			bool v2 = l->hierarchy == 0 && !l->controllers[0];

			if (!v2 && !strstr(l->controllers, "freezer"))
				continue;
			if (strstr(l->path, "/../") || strncmp(l->path, "/", 1) != 0)
				continue;
			if (snprintf(fpath, sizeof(fpath), "%s%s/%s",
				     v2 ? (s->host.cgroup_mode == CT_CGROUP_UNIFIED ? "/sys/fs/cgroup" : "/sys/fs/cgroup/unified") :
					  "/sys/fs/cgroup/freezer",
				     strcmp(l->path, "/") == 0 ? "" : l->path, v2 ? "cgroup.freeze" : "freezer.state") <
			    (int)sizeof(fpath))
				read_one_file(s, fpath);
		}
	}
}

/*
 * The OCI bundles' config.json: their annotations name the pod (CRI) and the
 * group of containers sharing a shim.  conmon names its bundle (-b); a v2
 * shim runs in the bundle of the container it was started for, and the
 * bundles of the other containers it serves sit beside it, named by id.
 */
static void read_bundles(struct ct_snapshot *s, const struct ct_role_info *roles)
{
	_cleanup_close_ int proc_fd = open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (proc_fd < 0)
		return;
	for (size_t i = 0; i < s->n_procs; i++) {
		const struct ct_role_info *r = &roles[i];
		const struct ct_proc *by = &s->procs[i];
		char path[4096], cwd[4096];
		ssize_t n;
		int dir;

		/* Paths from argv and cwd are the process's own: those of a
		 * container (another mount namespace) mean nothing on the host,
		 * or a host file the container chose. */
		if (!host_mnt(s, by))
			continue;
		/* An LXC container's config: LXCPATH/NAME/config. */
		if (r->role == CT_ROLE_ENGINE && r->engine == CT_ENGINE_LXC && r->root && r->name &&
		    r->root[0] == '/' && !strchr(r->name, '/') && strcmp(r->name, "..") != 0) {
			if (snprintf(path, sizeof(path), "%.*s/%s/config", (int)r->root_len, r->root, r->name) <
			    (int)sizeof(path))
				read_named_file(s, path, by);
			continue;
		}
		if (r->role != CT_ROLE_SHIM || r->transient)
			continue;
		if (r->shim == CT_SHIM_CONMON && r->bundle && r->bundle[0] == '/') {
			if (snprintf(path, sizeof(path), "%s/config.json", r->bundle) < (int)sizeof(path))
				read_named_file(s, path, by);
			continue;
		}
		if (r->shim != CT_SHIM_RUNC_V2 && r->shim != CT_SHIM_OTHER_V2)
			continue;
		/* The cwd of the shim the scan saw, not of one that took its PID. */
		dir = ct_proc_dir_open_checked(proc_fd, by->pid, by->start_time);
		if (dir < 0)
			continue;
		n = readlinkat(dir, "cwd", cwd, sizeof(cwd) - 1);
		close(dir);
		if (n <= 0 || cwd[0] != '/')
			continue;
		cwd[n] = '\0';
		if (snprintf(path, sizeof(path), "%s/config.json", cwd) >= (int)sizeof(path))
			continue;
		read_named_file(s, path, by);
		/* containerd's task directory: init.pid names the container's init. */
		if (snprintf(path, sizeof(path), "%s/init.pid", cwd) < (int)sizeof(path))
			read_named_file(s, path, by);
		/* The other containers this shim serves: its children, by the id in their cgroup. */
		char *slash = strrchr(cwd, '/');
		if (!slash || slash == cwd)
			continue;
		*slash = '\0';
		for (size_t k = 0; k < s->n_procs; k++) {
			const char *cg;
			char id[80];

			if (s->procs[k].ppid != s->procs[i].pid || !(cg = ct_proc_main_cgroup(&s->procs[k])) ||
			    !id_in_cgroup(cg, id, sizeof(id)))
				continue;
			if (snprintf(path, sizeof(path), "%s/%s/config.json", cwd, id) < (int)sizeof(path))
				read_named_file(s, path, by);
		}
	}
}

void ct_collect_state(struct ct_snapshot *s, const struct ct_role_info *roles)
{
	static const struct {
		const char *root, *name;
		int depth;
	} defaults[] = {
		{ "/run/runc", "state.json", 0 },
		{ "/run/crun", "status", 0 },
		{ "/run/docker/runtime-runc/moby", "state.json", 0 },
		{ "/run/containerd/runc", "state.json", 1 },
	};
	const char *seen[MAX_STATE_DIRS];
	size_t n_seen = 0, first = s->n_files;

	for (size_t i = 0; i < ARRAY_SIZE(defaults); i++) {
		read_state_root(s, defaults[i].root, defaults[i].name, defaults[i].depth);
		seen[n_seen++] = defaults[i].root;
	}
	/* Roots that runtimes, conmons and v1 shims name in their argv. */
	for (size_t i = 0; i < s->n_procs && n_seen < MAX_STATE_DIRS; i++) {
		const struct ct_role_info *r = &roles[i];
		char root[4096];
		struct stat st;
		bool dup = false;

		if (!r->root || (r->role != CT_ROLE_RUNTIME && r->role != CT_ROLE_SHIM) || r->root_len >= sizeof(root) ||
		    r->root[0] != '/' || !host_mnt(s, &s->procs[i]))
			continue;
		memcpy(root, r->root, r->root_len);
		root[r->root_len] = '\0';
		/* A root named by a user's process is read only if that user owns it. */
		if (!proc_is_root(&s->procs[i]) && (stat(root, &st) < 0 || st.st_uid != s->procs[i].uid))
			continue;
		for (size_t k = 0; k < n_seen && !dup; k++)
			dup = strcmp(seen[k], root) == 0 ||
			      (strncmp(root, "/var/run/", 9) == 0 && strcmp(seen[k], root + 4) == 0);
		if (dup)
			continue;
		seen[n_seen++] = ct_arena_strdup(&s->arena, root);
		read_state_root(s, root, r->engine == CT_ENGINE_CRUN ? "status" : "state.json", 0);
	}
	read_freezers(s, first);
	read_bundles(s, roles);
}

void ct_collect_runtime(struct ct_snapshot *s, const struct ct_engine_opts *opts)
{
	_cleanup_free_ struct ct_role_info *roles = xcalloc(s->n_procs ? s->n_procs : 1, sizeof(*roles));
	int r;

	for (size_t i = 0; i < s->n_procs; i++)
		if (!(s->procs[i].flags & CT_PROC_THREAD))
			ct_classify(&s->procs[i], &roles[i]);
	r = ct_collect_sockets(s, roles);
	if (r < 0)
		ct_debug("runtime", "cannot read unix sockets: %s", strerror(-r));
	ct_collect_netns_addrs(s);
	ct_collect_state(s, roles);
	ct_collect_engines(s, roles, opts);
	ct_collect_hostnames(s);
	s->runtime_collected = true;
}
