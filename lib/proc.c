/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The /proc collector: one pass, one directory fd per process, every read
 * relative to it.  A /proc/PID directory fd stays bound to the process it
 * was opened for: once that process is gone, reads through it fail with
 * ESRCH even if the PID number is reused, so a process is either read
 * whole from one task or skipped, never reported with mixed data.
 */
#include <fcntl.h>
#include <pwd.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/utsname.h>
#include <linux/magic.h>
#include <time.h>

#include <libproc2/misc.h>
#include <libproc2/stat.h>

#include "snapshot.h"
#include "util.h"

static const char *const ns_paths[CT_NS_COUNT] = {
	[CT_NS_CGROUP] = "ns/cgroup", [CT_NS_IPC] = "ns/ipc",	[CT_NS_MNT] = "ns/mnt",
	[CT_NS_NET] = "ns/net",	      [CT_NS_PID] = "ns/pid",	[CT_NS_TIME] = "ns/time",
	[CT_NS_USER] = "ns/user",     [CT_NS_UTS] = "ns/uts",
};

/* ---- the collector ---- */

struct uid_cache {
	uint32_t uid;
	const char *name;
};

struct collector {
	struct ct_snapshot *snap;
	const struct ct_collect_opts *opts;
	size_t cmdline_cap;
	size_t cap_procs;
	struct uid_cache *uids;
	size_t n_uids;
	uint64_t nsfs_dev;
	bool partial;
};

static const char *uid_name(struct collector *c, uint32_t uid)
{
	struct passwd *pw;
	const char *name = NULL;

	for (size_t i = 0; i < c->n_uids; i++)
		if (c->uids[i].uid == uid)
			return c->uids[i].name;
	pw = getpwuid(uid);
	if (pw && pw->pw_name)
		name = ct_arena_strdup(&c->snap->arena, pw->pw_name);
	c->uids = xreallocarray(c->uids, c->n_uids + 1, sizeof(*c->uids));
	c->uids[c->n_uids++] = (struct uid_cache){ uid, name };
	return name;
}

/*
 * Every namespace lives on the one nsfs superblock: read the inode from the
 * link text (readlinkat is much cheaper than a stat through the magic
 * link) and take the device from one stat of the host's reference.
 */
static void read_namespaces(int dfd, uint64_t nsfs_dev, struct ct_proc *p, bool *ret_denied)
{
	for (int t = 0; t < CT_NS_COUNT; t++) {
		char buf[64];
		uint64_t ino;
		ssize_t n;

		p->ns[t] = (struct ct_ns_id){ 0, 0 };
		n = readlinkat(dfd, ns_paths[t], buf, sizeof(buf));
		if (n < 0) {
			/* ENOENT: a zombie, or a type this kernel lacks. */
			if (errno == EACCES || errno == EPERM)
				*ret_denied = true;
			continue;
		}
		if (ct_parse_ns_link(buf, (size_t)n, ct_ns_names[t], &ino) == 0)
			p->ns[t] = (struct ct_ns_id){ nsfs_dev, ino };
	}
}

/* 0: collected; -ESRCH/-ENOENT: gone, skip; other -errno: skip too. */
static int collect_task(struct collector *c, int dfd, struct ct_proc *p, const struct ct_proc *leader)
{
	struct ct_arena *a = &c->snap->arena;
	char buf[8192];
	ssize_t n;
	bool denied = false;
	int r;

	*p = (struct ct_proc){ 0 };

	n = ct_read_small_at(dfd, "stat", buf, sizeof(buf));
	if (n < 0)
		return (int)n;
	r = ct_parse_stat(buf, (size_t)n, a, p);
	if (r < 0)
		return r;

	n = ct_read_small_at(dfd, "status", buf, sizeof(buf));
	if (n == -ESRCH || n == -ENOENT)
		return (int)n;
	if (n < 0 || ct_parse_status(buf, (size_t)n, a, p) < 0)
		p->flags |= CT_PROC_NO_STATUS;
	else
		p->user = uid_name(c, p->uid);

	if (leader) {
		/* Threads share their process's argv. */
		p->argv = leader->argv;
		p->argc = leader->argc;
		p->flags |= leader->flags & (CT_PROC_CMDLINE_TRUNCATED | CT_PROC_NO_CMDLINE);
	} else {
		n = ct_read_small_at(dfd, "cmdline", buf, sizeof(buf));
		if (n == -EFBIG) {
			_cleanup_free_ char *big = NULL;
			size_t len;
			bool trunc;

			r = ct_read_file_at(dfd, "cmdline", c->cmdline_cap, &big, &len, &trunc);
			if (r == -ESRCH || r == -ENOENT)
				return r;
			if (r < 0) {
				p->flags |= CT_PROC_NO_CMDLINE;
			} else {
				ct_parse_cmdline(big, len, a, p);
				if (trunc)
					p->flags |= CT_PROC_CMDLINE_TRUNCATED;
			}
		} else if (n == -ESRCH || n == -ENOENT) {
			return (int)n;
		} else if (n < 0) {
			p->flags |= CT_PROC_NO_CMDLINE;
		} else {
			ct_parse_cmdline(buf, (size_t)n, a, p);
		}
	}

	n = ct_read_small_at(dfd, "cgroup", buf, sizeof(buf));
	if (n == -EFBIG) {
		_cleanup_free_ char *big = NULL;
		size_t len;

		r = ct_read_file_at(dfd, "cgroup", 1024 * 1024, &big, &len, NULL);
		if (r < 0 || ct_parse_cgroup(big, len, a, p) < 0)
			p->flags |= CT_PROC_NO_CGROUP;
	} else if (n == -ESRCH) {
		return (int)n;
	} else if (n < 0 || ct_parse_cgroup(buf, (size_t)n, a, p) < 0) {
		p->flags |= CT_PROC_NO_CGROUP;
	}

	read_namespaces(dfd, c->nsfs_dev, p, &denied);
	if (denied) {
		p->flags |= CT_PROC_NS_PARTIAL;
		c->partial = true;
	}
	if (p->flags & (CT_PROC_NO_STATUS | CT_PROC_NO_CMDLINE | CT_PROC_NO_CGROUP))
		c->partial = true;
	return 0;
}

static struct ct_proc *new_proc(struct collector *c)
{
	struct ct_snapshot *s = c->snap;

	if (s->n_procs == c->cap_procs) {
		c->cap_procs = c->cap_procs ? c->cap_procs * 2 : 1024;
		s->procs = xreallocarray(s->procs, c->cap_procs, sizeof(*s->procs));
	}
	return &s->procs[s->n_procs];
}

static bool dirent_pid(const struct dirent *de, int *ret_pid)
{
	if (de->d_name[0] < '1' || de->d_name[0] > '9')
		return false;
	return ct_parse_pid(de->d_name, strlen(de->d_name), ret_pid) == 0;
}

static void collect_threads(struct collector *c, int dfd, size_t leader_idx)
{
	_cleanup_closedir_ DIR *d = NULL;
	struct dirent *de;
	int tfd = openat(dfd, "task", O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (tfd < 0)
		return;
	d = fdopendir(tfd);
	if (!d) {
		close(tfd);
		return;
	}
	while ((de = readdir(d))) {
		_cleanup_close_ int fd = -1;
		struct ct_proc *p;
		int tid;

		if (!dirent_pid(de, &tid) || tid == c->snap->procs[leader_idx].pid)
			continue;
		fd = openat(dirfd(d), de->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (fd < 0)
			continue;
		p = new_proc(c);
		if (collect_task(c, fd, p, &c->snap->procs[leader_idx]) < 0)
			continue;
		p->pid = tid;
		p->ppid = c->snap->procs[leader_idx].pid;
		p->flags |= CT_PROC_THREAD;
		c->snap->n_procs++;
	}
}

static void collect_host(struct ct_snapshot *s, int proc_fd, uint64_t *ret_nsfs_dev)
{
	struct ct_host *h = &s->host;
	struct utsname u;
	struct statfs sfs;
	struct stat_info *si = NULL;

	if (uname(&u) == 0) {
		h->hostname = ct_arena_strdup(&s->arena, u.nodename);
		h->kernel = ct_arena_strdup(&s->arena, u.release);
	}
	h->time = (int64_t)time(NULL);
	h->collector_uid = geteuid();
	h->hertz = procps_hertz_get();
	if (procps_stat_new(&si) >= 0) {
		h->boot_time = (int64_t)STAT_GET(si, STAT_SYS_TIME_OF_BOOT, ul_int);
		procps_stat_unref(&si);
	}

	h->cgroup_mode = CT_CGROUP_UNKNOWN;
	if (statfs("/sys/fs/cgroup", &sfs) == 0) {
		if (sfs.f_type == CGROUP2_SUPER_MAGIC)
			h->cgroup_mode = CT_CGROUP_UNIFIED;
		else if (statfs("/sys/fs/cgroup/unified", &sfs) == 0 &&
			 sfs.f_type == CGROUP2_SUPER_MAGIC)
			h->cgroup_mode = CT_CGROUP_HYBRID;
		else
			h->cgroup_mode = CT_CGROUP_LEGACY;
	}

	/*
	 * The host's own namespaces: kthreadd (PID 2) never leaves the initial
	 * ones and, unlike PID 1, is never non-dumpable.  Inside a PID
	 * namespace there is no kthreadd: fall back to PID 1, then ourselves.
	 */
	static const char *const refs[] = { "2", "1", "self" };
	for (size_t i = 0; i < ARRAY_SIZE(refs); i++) {
		_cleanup_close_ int fd = openat(proc_fd, refs[i], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		struct ct_proc p = { 0 };
		char buf[1024];
		ssize_t n;
		bool denied = false;

		if (fd < 0)
			continue;
		if (i == 0) {
			struct ct_arena tmp = { 0 };

			n = ct_read_small_at(fd, "stat", buf, sizeof(buf));
			if (n < 0 || ct_parse_stat(buf, (size_t)n, &tmp, &p) < 0 ||
			    !(p.flags & CT_PROC_KTHREAD)) {
				ct_arena_free(&tmp);
				continue;
			}
			ct_arena_free(&tmp);
		}
		struct stat st;

		if (fstatat(fd, "ns/net", &st, 0) < 0)
			continue;
		read_namespaces(fd, (uint64_t)st.st_dev, &p, &denied);
		if (!ct_ns_known(&p.ns[CT_NS_NET]))
			continue;
		memcpy(h->host_ns, p.ns, sizeof(h->host_ns));
		*ret_nsfs_dev = (uint64_t)st.st_dev;
		break;
	}
}

static int cmp_proc(const void *a, const void *b)
{
	const struct ct_proc *x = a, *y = b;

	return (x->pid > y->pid) - (x->pid < y->pid);
}

int ct_snapshot_collect(const struct ct_collect_opts *opts, struct ct_snapshot **ret)
{
	static const struct ct_collect_opts defaults = { 0 };
	struct collector c = { 0 };
	_cleanup_close_ int proc_fd = -1;
	_cleanup_closedir_ DIR *d = NULL;
	struct ct_snapshot *s;
	struct dirent *de;
	int r;

	if (!opts)
		opts = &defaults;
	proc_fd = open(opts->proc_root ? opts->proc_root : "/proc",
		       O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (proc_fd < 0)
		return -errno;
	d = fdopendir(dup(proc_fd));
	if (!d)
		return -errno;

	s = xcalloc(1, sizeof(*s));
	c.snap = s;
	c.opts = opts;
	c.cmdline_cap = opts->cmdline_cap ? opts->cmdline_cap : CT_CMDLINE_CAP;
	collect_host(s, proc_fd, &c.nsfs_dev);
	s->host.threads = opts->flags & CT_COLLECT_THREADS;

	while ((de = readdir(d))) {
		_cleanup_close_ int fd = -1;
		struct ct_proc *p;
		int pid;

		if (!dirent_pid(de, &pid))
			continue;
		fd = openat(proc_fd, de->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (fd < 0)
			continue; /* gone since readdir */
		p = new_proc(&c);
		r = collect_task(&c, fd, p, NULL);
		if (r < 0) {
			ct_debug("collect", "pid %d skipped: %s", pid, strerror(-r));
			continue;
		}
		s->n_procs++;
		if (opts->flags & CT_COLLECT_THREADS)
			collect_threads(&c, fd, s->n_procs - 1);
	}

	qsort(s->procs, s->n_procs, sizeof(*s->procs), cmp_proc);
	s->host.partial = c.partial;
	free(c.uids);
	*ret = s;
	return 0;
}

struct ct_snapshot *ct_snapshot_free(struct ct_snapshot *s)
{
	if (!s)
		return NULL;
	ct_arena_free(&s->arena);
	free(s->procs);
	free(s->sockets);
	free(s->proc_sockets);
	free(s->api);
	free(s->files);
	free(s);
	return NULL;
}
