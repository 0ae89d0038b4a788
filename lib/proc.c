/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The /proc collector: one pass, one directory fd per process, every read
 * relative to it.  A /proc/PID directory fd stays bound to the process it
 * was opened for: once that process is gone, reads through it fail with
 * ESRCH even if the PID number is reused, so a process is either read
 * whole from one task or skipped, never reported with mixed data.
 */
#include <fcntl.h>
#include <pthread.h>
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

struct cmdline_reader;

struct collector {
	struct ct_snapshot *snap;
	const struct ct_collect_opts *opts;
	size_t cmdline_cap;
	size_t cap_procs;
	struct uid_cache *uids;
	size_t n_uids;
	uint64_t nsfs_dev;
	bool partial;
	struct cmdline_reader *reader; /* see cmdline_post() */
	unsigned stuck;		       /* readers left behind */
	bool no_thread;		       /* none could be started: read in place */
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
static void read_namespaces(int dfd, uint64_t nsfs_dev, struct ct_proc *p, bool *ret_denied, bool *ret_missing)
{
	for (int t = 0; t < CT_NS_COUNT; t++) {
		char buf[64];
		uint64_t ino;
		ssize_t n;

		p->ns[t] = (struct ct_ns_id){ 0, 0 };
		n = readlinkat(dfd, ns_paths[t], buf, sizeof(buf));
		if (n < 0) {
			/* ENOENT: a zombie, a type this kernel lacks, or gone. */
			if (errno == EACCES || errno == EPERM)
				*ret_denied = true;
			else
				*ret_missing = true;
			continue;
		}
		if (ct_parse_ns_link(buf, (size_t)n, ct_ns_names[t], &ino) == 0)
			p->ns[t] = (struct ct_ns_id){ nsfs_dev, ino };
	}
}

/* ---- cmdline, read by a thread that may be left behind ---- */

/*
 * Reading another process's cmdline takes that process's mmap lock, and a
 * process can keep the lock from us as long as it likes: one of its threads
 * faulting on a stalled FUSE mapping holds it, a writer queued behind that
 * bars every new reader.  The wait ends only on a fatal signal.  So the
 * collector opens cmdline (that takes no lock) and queues the fd for a
 * reader thread; the answers are parsed as they come and at the end of the
 * scan.  The reader is woken once per CMDLINE_BATCH fds, so the common path
 * costs a few context switches per batch, not per process.  A reader that
 * makes no progress for CMDLINE_TIMEOUT_MS is left behind (it frees its
 * state if it ever wakes; the process's exit ends it otherwise), the field
 * is marked unavailable and a new reader takes over the rest.  After
 * CMDLINE_MAX_STUCK such readers no more cmdlines are read: a run ends in
 * bounded time whatever the host runs.
 */
#define CMDLINE_TIMEOUT_MS 1000
#define CMDLINE_MAX_STUCK 4
#define CMDLINE_RING 64
#define CMDLINE_BATCH 16
#define CMDLINE_SMALL 4096
/* Collector-private: found gone after the scan, dropped from the snapshot. */
#define CT_PROC_GONE (1u << 31)

struct cmdline_item {
	size_t proc; /* index in snap->procs */
	int fd;	     /* the reader's once queued */
	ssize_t n;   /* the answer: length, or -errno */
	bool trunc;
	char *big;   /* when the cmdline outgrew small */
	char small[CMDLINE_SMALL];
};

/*
 * Processes a reader is still stuck on, from this or an earlier collection
 * (ctrtop collects again and again): not read again until that reader
 * ends, so a process that blocks costs one thread, not one per scan.
 */
#define CMDLINE_BLOCKED_MAX 64
static struct {
	int pid;
	uint64_t start_time;
} cmdline_blocked[CMDLINE_BLOCKED_MAX];
static size_t n_cmdline_blocked;
static pthread_mutex_t cmdline_blocked_lock = PTHREAD_MUTEX_INITIALIZER;

static bool cmdline_is_blocked(const struct ct_proc *p)
{
	bool found = false;

	pthread_mutex_lock(&cmdline_blocked_lock);
	for (size_t i = 0; i < n_cmdline_blocked && !found; i++)
		found = cmdline_blocked[i].pid == p->pid && cmdline_blocked[i].start_time == p->start_time;
	pthread_mutex_unlock(&cmdline_blocked_lock);
	return found;
}

static void cmdline_set_blocked(int pid, uint64_t start_time, bool blocked)
{
	pthread_mutex_lock(&cmdline_blocked_lock);
	for (size_t i = 0; i < n_cmdline_blocked; i++)
		if (cmdline_blocked[i].pid == pid && cmdline_blocked[i].start_time == start_time) {
			if (!blocked)
				cmdline_blocked[i] = cmdline_blocked[--n_cmdline_blocked];
			pthread_mutex_unlock(&cmdline_blocked_lock);
			return;
		}
	if (blocked && n_cmdline_blocked < CMDLINE_BLOCKED_MAX)
		cmdline_blocked[n_cmdline_blocked++] = (__typeof__(cmdline_blocked[0])){ pid, start_time };
	pthread_mutex_unlock(&cmdline_blocked_lock);
}

struct cmdline_reader {
	pthread_mutex_t lock;
	pthread_cond_t wake; /* the reader's: work, or quit */
	pthread_cond_t done; /* the collector's: an item answered */
	pthread_t thread;
	size_t cap;
	/* Counters, slot = counter % CMDLINE_RING: [tail, next) answered,
	 * next being read, [next + 1, head) queued. */
	size_t tail, next, head;
	bool sleeping, quit, abandoned;
	pid_t tid;     /* the reader's, for its state in /proc */
	int stuck_pid; /* once abandoned: the process it is stuck on */
	uint64_t stuck_start;
	struct cmdline_item items[CMDLINE_RING];
};

static void cmdline_read(struct cmdline_item *it, size_t cap)
{
	size_t len;

	it->big = NULL;
	it->trunc = false;
	do
		it->n = read(it->fd, it->small, sizeof(it->small) - 1);
	while (it->n < 0 && errno == EINTR);
	if (it->n < 0) {
		it->n = -errno;
	} else if ((size_t)it->n == sizeof(it->small) - 1) {
		/* One read hands over what fits (see ct_read_small_at()): start over, capped. */
		if (lseek(it->fd, 0, SEEK_SET) < 0)
			it->n = -errno;
		else if ((it->n = ct_read_fd(it->fd, cap, &it->big, &len, &it->trunc)) == 0)
			it->n = (ssize_t)len;
	}
	close(it->fd);
	it->fd = -1;
}

static void *cmdline_reader_run(void *arg)
{
	struct cmdline_reader *r = arg;

	pthread_mutex_lock(&r->lock);
	r->tid = gettid();
	for (;;) {
		struct cmdline_item it;

		while (!r->quit && !r->abandoned && r->next == r->head) {
			r->sleeping = true;
			pthread_cond_wait(&r->wake, &r->lock);
			r->sleeping = false;
		}
		if (r->quit || r->abandoned)
			break;
		it.fd = r->items[r->next % CMDLINE_RING].fd;
		pthread_mutex_unlock(&r->lock);
		cmdline_read(&it, r->cap);
		pthread_mutex_lock(&r->lock);
		if (r->abandoned) {
			free(it.big);
			break;
		}
		struct cmdline_item *dst = &r->items[r->next % CMDLINE_RING];
		dst->n = it.n;
		dst->trunc = it.trunc;
		dst->big = it.big;
		if (it.n > 0 && !it.big)
			memcpy(dst->small, it.small, (size_t)it.n);
		r->next++;
		pthread_cond_signal(&r->done);
	}
	if (r->abandoned) {
		/* Nobody else holds r any more. */
		pthread_mutex_unlock(&r->lock);
		cmdline_set_blocked(r->stuck_pid, r->stuck_start, false);
		free(r);
		return NULL;
	}
	pthread_mutex_unlock(&r->lock);
	return NULL;
}

static struct cmdline_reader *cmdline_reader_new(size_t cap)
{
	struct cmdline_reader *r = xcalloc(1, sizeof(*r));
	pthread_condattr_t ca;

	pthread_mutex_init(&r->lock, NULL);
	pthread_cond_init(&r->wake, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&r->done, &ca);
	pthread_condattr_destroy(&ca);
	r->cap = cap;
	if (pthread_create(&r->thread, NULL, cmdline_reader_run, r) != 0) {
		free(r);
		return NULL;
	}
	return r;
}

/* An answer into its process: the argv, or the field marked unavailable. */
static void cmdline_apply(struct collector *c, struct cmdline_item *it)
{
	struct ct_proc *p = &c->snap->procs[it->proc];

	if (it->n == -ESRCH || it->n == -ENOENT) {
		p->flags |= CT_PROC_GONE; /* dropped at the end of the scan */
	} else if (it->n < 0) {
		p->flags |= CT_PROC_NO_CMDLINE;
		c->partial = true;
	} else {
		ct_parse_cmdline(it->big ? it->big : it->small, (size_t)it->n, &c->snap->arena, p);
		if (it->big && it->trunc)
			p->flags |= CT_PROC_CMDLINE_TRUNCATED;
	}
	free(it->big);
	it->big = NULL;
}

static void cmdline_queue(struct collector *c, size_t proc, int fd);

/*
 * Leave a reader that stopped making progress: its current item is marked
 * unavailable, the ones it had not started go to a new reader.
 */
static void cmdline_abandon(struct collector *c)
{
	struct cmdline_reader *r = c->reader;
	struct cmdline_item stuck;
	struct {
		size_t proc;
		int fd;
	} rest[CMDLINE_RING];
	size_t n_rest = 0;

	/* Called with r->lock held; r belongs to its thread afterwards. */
	stuck = (struct cmdline_item){ .proc = r->items[r->next % CMDLINE_RING].proc, .n = -ETIMEDOUT };
	for (size_t k = r->next + 1; k < r->head; k++, n_rest++) {
		rest[n_rest].proc = r->items[k % CMDLINE_RING].proc;
		rest[n_rest].fd = r->items[k % CMDLINE_RING].fd;
	}
	r->abandoned = true;
	r->stuck_pid = c->snap->procs[stuck.proc].pid;
	r->stuck_start = c->snap->procs[stuck.proc].start_time;
	cmdline_set_blocked(r->stuck_pid, r->stuck_start, true);
	pthread_cond_signal(&r->wake);
	/* Before unlocking: once it sees abandoned, the thread frees r. */
	pthread_detach(r->thread);
	pthread_mutex_unlock(&r->lock);
	c->reader = NULL;
	c->stuck++;
	ct_debug("collect", "pid %d: cmdline read blocked for %d ms, left behind",
		 c->snap->procs[stuck.proc].pid, CMDLINE_TIMEOUT_MS);
	cmdline_apply(c, &stuck);
	for (size_t k = 0; k < n_rest; k++)
		cmdline_queue(c, rest[k].proc, rest[k].fd);
}

/*
 * Is the reader waiting in the kernel (state D or S), rather than merely
 * not scheduled on a loaded host (R)?  Only a waiting reader is stuck.
 */
static bool cmdline_reader_waits(const struct cmdline_reader *r)
{
	char path[64], buf[512];
	const char *close;
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/self/task/%d/stat", (int)r->tid);
	n = ct_read_small_at(AT_FDCWD, path, buf, sizeof(buf));
	if (n < 0 || !(close = memrchr(buf, ')', (size_t)n)) || close + 2 >= buf + n)
		return true;
	return close[2] != 'R';
}

/*
 * Take the answers in: all of them (drain), or at least one slot's worth
 * of room.  Waits at most CMDLINE_TIMEOUT_MS without progress.
 */
static void cmdline_harvest(struct collector *c, bool drain)
{
	struct cmdline_reader *r = c->reader;

	if (!r)
		return;
	pthread_mutex_lock(&r->lock);
	for (;;) {
		while (r->tail < r->next) {
			cmdline_apply(c, &r->items[r->tail % CMDLINE_RING]);
			r->tail++;
		}
		if (r->tail == r->head || (!drain && r->head - r->tail < CMDLINE_RING))
			break;
		if (r->sleeping)
			pthread_cond_signal(&r->wake);

		uint64_t deadline = ct_now_ns() + CMDLINE_TIMEOUT_MS * 1000000ULL;
		struct timespec ts = { (time_t)(deadline / 1000000000ULL), (long)(deadline % 1000000000ULL) };
		size_t before = r->next;

		for (int extra = 0; r->next == before;) {
			if (pthread_cond_timedwait(&r->done, &r->lock, &ts) != ETIMEDOUT)
				continue;
			/* Starved, not stuck: give it more time, within reason. */
			if (extra++ >= 10 || cmdline_reader_waits(r))
				break;
			deadline = ct_now_ns() + CMDLINE_TIMEOUT_MS * 1000000ULL;
			ts = (struct timespec){ (time_t)(deadline / 1000000000ULL), (long)(deadline % 1000000000ULL) };
		}
		if (r->next == before) {
			while (r->tail < r->next) {
				cmdline_apply(c, &r->items[r->tail % CMDLINE_RING]);
				r->tail++;
			}
			cmdline_abandon(c); /* unlocks */
			if (drain)
				cmdline_harvest(c, true);
			return;
		}
	}
	pthread_mutex_unlock(&r->lock);
}

static void cmdline_queue(struct collector *c, size_t proc, int fd)
{
	struct cmdline_reader *r;
	struct cmdline_item *it;

	if (c->stuck >= CMDLINE_MAX_STUCK) {
		close(fd);
		c->snap->procs[proc].flags |= CT_PROC_NO_CMDLINE;
		c->partial = true;
		return;
	}
	if (!c->reader && !c->no_thread && !(c->reader = cmdline_reader_new(c->cmdline_cap)))
		c->no_thread = true;
	if (!c->reader) {
		/* No thread to be had: read here, as a plain read would. */
		struct cmdline_item one = { .proc = proc, .fd = fd };

		cmdline_read(&one, c->cmdline_cap);
		cmdline_apply(c, &one);
		return;
	}
	r = c->reader;
	pthread_mutex_lock(&r->lock);
	if (r->head - r->tail == CMDLINE_RING) {
		pthread_mutex_unlock(&r->lock);
		cmdline_harvest(c, false);
		cmdline_queue(c, proc, fd); /* the reader may have changed */
		return;
	}
	it = &r->items[r->head % CMDLINE_RING];
	it->proc = proc;
	it->fd = fd;
	r->head++;
	if (r->sleeping && r->head - r->next >= CMDLINE_BATCH)
		pthread_cond_signal(&r->wake);
	pthread_mutex_unlock(&r->lock);
}

/* Queue the cmdline of snap->procs[proc], read through dfd. */
static void cmdline_post(struct collector *c, int dfd, size_t proc)
{
	int fd;

	if (c->stuck >= CMDLINE_MAX_STUCK || cmdline_is_blocked(&c->snap->procs[proc])) {
		c->snap->procs[proc].flags |= CT_PROC_NO_CMDLINE;
		c->partial = true;
		return;
	}
	fd = openat(dfd, "cmdline", O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		struct cmdline_item it = { .proc = proc, .n = -errno };

		cmdline_apply(c, &it);
		return;
	}
	cmdline_queue(c, proc, fd);
}

/*
 * The end of the scan: every answer in, the reader stopped, threads given
 * their leader's argv, and the processes found gone meanwhile dropped.
 */
static void cmdline_finish(struct collector *c)
{
	struct ct_snapshot *s = c->snap;
	const struct ct_proc *leader = NULL;
	size_t out = 0;

	cmdline_harvest(c, true);
	if (c->reader) {
		pthread_mutex_lock(&c->reader->lock);
		c->reader->quit = true;
		pthread_cond_signal(&c->reader->wake);
		pthread_mutex_unlock(&c->reader->lock);
		pthread_join(c->reader->thread, NULL);
		free(c->reader);
		c->reader = NULL;
	}
	/* collect_threads() puts a process's threads right after it. */
	for (size_t i = 0; i < s->n_procs; i++) {
		struct ct_proc *p = &s->procs[i];

		if (!(p->flags & CT_PROC_THREAD)) {
			leader = (p->flags & CT_PROC_GONE) ? NULL : p;
		} else if (!leader) {
			p->flags |= CT_PROC_GONE;
		} else {
			p->argv = leader->argv;
			p->argc = leader->argc;
			p->flags |= leader->flags & (CT_PROC_CMDLINE_TRUNCATED | CT_PROC_NO_CMDLINE);
		}
	}
	for (size_t i = 0; i < s->n_procs; i++)
		if (!(s->procs[i].flags & CT_PROC_GONE))
			s->procs[out++] = s->procs[i];
	s->n_procs = out;
}

/* 0: collected; -ESRCH/-ENOENT: gone, skip; other -errno: skip too. */
static int collect_task(struct collector *c, int dfd, struct ct_proc *p, const struct ct_proc *leader)
{
	struct ct_arena *a = &c->snap->arena;
	char buf[8192];
	ssize_t n;
	bool denied = false, missing = false;
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

	read_namespaces(dfd, c->nsfs_dev, p, &denied, &missing);
	/* A read that failed may mean the task died since the ones before it
	 * (its links then fail with ENOENT, not ESRCH): report only a task
	 * still there, not a dead one with its namespaces or files missing. */
	if (missing || (p->flags & (CT_PROC_NO_STATUS | CT_PROC_NO_CMDLINE | CT_PROC_NO_CGROUP))) {
		n = ct_read_small_at(dfd, "stat", buf, sizeof(buf));
		if (n == -ESRCH || n == -ENOENT)
			return -ESRCH;
	}
	if (denied) {
		p->flags |= CT_PROC_NS_PARTIAL;
		c->partial = true;
	}
	if (p->flags & (CT_PROC_NO_STATUS | CT_PROC_NO_CMDLINE | CT_PROC_NO_CGROUP))
		c->partial = true;
	/* The argv comes later (see cmdline_post()); threads get their
	 * process's in cmdline_finish(). */
	if (!leader)
		cmdline_post(c, dfd, (size_t)(p - c->snap->procs));
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
		bool denied = false, missing = false;

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
		read_namespaces(fd, (uint64_t)st.st_dev, &p, &denied, &missing);
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

	cmdline_finish(&c);
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
