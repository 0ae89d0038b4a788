/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What a refresh reads, and nothing more: a container's numbers from its
 * cgroup's files (kept open and read again from offset 0, so a refresh
 * costs one pread per file), a process's from /proc/PID/stat, and only for
 * rows on the screen.  CPU % is the delta of cumulative time over the
 * delta of the monotonic clock.
 */
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "tui.h"

/* Is ctl one of the comma-separated controllers? */
static bool has_controller(const char *list, const char *ctl)
{
	size_t n = strlen(ctl);

	for (const char *p = list; *p;) {
		const char *e = strchrnul(p, ',');

		if ((size_t)(e - p) == n && strncmp(p, ctl, n) == 0)
			return true;
		p = *e ? e + 1 : e;
	}
	return false;
}

static int open_cg_file(const char *base, const char *ctl, const char *path, const char *file)
{
	char buf[PATH_MAX];
	int n;

	/* The path comes from the kernel (/proc/PID/cgroup in our cgroup
	 * namespace): cgroup names cannot be "." or "..", nor hold a '/'. */
	n = snprintf(buf, sizeof(buf), "%s%s%s%s/%s", base, ctl ? "/" : "", ctl ? ctl : "", path, file);
	if (n < 0 || (size_t)n >= sizeof(buf))
		return -1;
	return open(buf, O_RDONLY | O_CLOEXEC | O_NOCTTY);
}

static void open_container(struct tui_host *h, size_t c)
{
	const struct ct_container *ct = &h->world->containers[c];
	struct tui_cg_metrics *m = &h->cg[c];
	const struct ct_proc *p;
	const char *v2base;

	m->fd_cpu = m->fd_mem = m->fd_pids = -1;
	m->cpu_pct = -1;
	m->mem = m->pids = -1;
	if (ct->init < 0)
		return;
	p = &h->snap->procs[ct->init];
	v2base = h->snap->host.cgroup_mode == CT_CGROUP_UNIFIED ? "/sys/fs/cgroup" : "/sys/fs/cgroup/unified";
	/* v1 controllers first: on a hybrid host they are where the accounting is. */
	for (size_t k = 0; k < p->n_cgroups; k++) {
		const struct ct_cgroup_line *l = &p->cgroups[k];

		/* The root is the whole host's, not the container's. */
		if (!*l->controllers || strchr(l->controllers, '=') || strcmp(l->path, "/") == 0)
			continue;
		if (m->fd_cpu < 0 && has_controller(l->controllers, "cpuacct"))
			m->fd_cpu = open_cg_file("/sys/fs/cgroup", l->controllers, l->path, "cpuacct.usage");
		if (m->fd_mem < 0 && has_controller(l->controllers, "memory"))
			m->fd_mem = open_cg_file("/sys/fs/cgroup", l->controllers, l->path, "memory.usage_in_bytes");
		if (m->fd_pids < 0 && has_controller(l->controllers, "pids"))
			m->fd_pids = open_cg_file("/sys/fs/cgroup", l->controllers, l->path, "pids.current");
	}
	for (size_t k = 0; k < p->n_cgroups; k++) {
		const struct ct_cgroup_line *l = &p->cgroups[k];

		if (l->hierarchy != 0 || *l->controllers || strcmp(l->path, "/") == 0)
			continue;
		if (m->fd_cpu < 0) {
			m->fd_cpu = open_cg_file(v2base, NULL, l->path, "cpu.stat");
			m->v2_cpu = m->fd_cpu >= 0;
		}
		if (m->fd_mem < 0)
			m->fd_mem = open_cg_file(v2base, NULL, l->path, "memory.current");
		if (m->fd_pids < 0)
			m->fd_pids = open_cg_file(v2base, NULL, l->path, "pids.current");
	}
}

void tui_metrics_open(struct tui_host *h, const struct tui_host *old)
{
	for (size_t c = 0; c < h->world->n_containers; c++) {
		const char *id = h->world->containers[c].rec.id;

		open_container(h, c);
		if (!old || !id)
			continue;
		/* Keep the last reading, so CPU % goes on across a rescan. */
		for (size_t k = 0; k < old->world->n_containers; k++) {
			const struct tui_cg_metrics *om = &old->cg[k];

			if (!old->world->containers[k].rec.id || strcmp(old->world->containers[k].rec.id, id) != 0)
				continue;
			h->cg[c].last_usage_ns = om->last_usage_ns;
			h->cg[c].last_time_ns = om->last_time_ns;
			h->cg[c].cpu_pct = om->cpu_pct;
			h->cg[c].mem = om->mem;
			h->cg[c].pids = om->pids;
			break;
		}
	}
	for (size_t i = 0; i < h->snap->n_procs; i++) {
		h->pm[i].cpu_pct = -1;
		h->pm[i].rss = -1;
	}
	if (!old)
		return;
	for (size_t i = 0; i < old->snap->n_procs; i++) {
		ssize_t j;

		if (!old->pm[i].last_time_ns)
			continue;
		j = ct_snapshot_find(h->snap, old->snap->procs[i].pid);
		if (j >= 0 && h->snap->procs[j].start_time == old->snap->procs[i].start_time)
			h->pm[j] = old->pm[i];
	}
}

void tui_metrics_close(struct tui_host *h)
{
	for (size_t c = 0; h->cg && c < h->world->n_containers; c++) {
		closep(&h->cg[c].fd_cpu);
		closep(&h->cg[c].fd_mem);
		closep(&h->cg[c].fd_pids);
	}
}

/* Read a small file again from its start; the length, or -errno. */
static ssize_t reread(int fd, char *buf, size_t size)
{
	ssize_t n;

	if (fd < 0)
		return -EBADF;
	n = pread(fd, buf, size - 1, 0);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	return n;
}

static int read_u64_file(int fd, uint64_t *ret)
{
	char buf[64];
	ssize_t n = reread(fd, buf, sizeof(buf));

	if (n < 0)
		return (int)n;
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		n--;
	return ct_parse_u64(buf, (size_t)n, ret);
}

static int read_cpu_stat_usage(int fd, uint64_t *ret_ns)
{
	char buf[1024];
	ssize_t n = reread(fd, buf, sizeof(buf));
	const char *p;
	uint64_t usec;

	if (n < 0)
		return (int)n;
	p = strstr(buf, "usage_usec ");
	if (!p || (p != buf && p[-1] != '\n'))
		return -EINVAL;
	p += strlen("usage_usec ");
	if (ct_parse_u64(p, strcspn(p, "\n"), &usec) < 0)
		return -EINVAL;
	*ret_ns = usec * 1000;
	return 0;
}

void tui_metrics_read_container(struct tui_host *h, size_t c, uint64_t now)
{
	struct tui_cg_metrics *m = &h->cg[c];
	uint64_t v;

	if (m->fd_cpu >= 0 && (m->v2_cpu ? read_cpu_stat_usage(m->fd_cpu, &v) : read_u64_file(m->fd_cpu, &v)) == 0) {
		if (m->last_time_ns && now > m->last_time_ns && v >= m->last_usage_ns)
			m->cpu_pct = 100.0 * (double)(v - m->last_usage_ns) / (double)(now - m->last_time_ns);
		m->last_usage_ns = v;
		m->last_time_ns = now;
	}
	if (m->fd_mem >= 0)
		m->mem = read_u64_file(m->fd_mem, &v) == 0 ? (int64_t)v : -1;
	if (m->fd_pids >= 0)
		m->pids = read_u64_file(m->fd_pids, &v) == 0 ? (int64_t)v : -1;
}

void tui_metrics_read_proc(struct tui_host *h, size_t i, uint64_t now)
{
	const struct ct_proc *p = &h->snap->procs[i];
	struct tui_proc_metrics *m = &h->pm[i];
	char name[32], buf[1024];
	uint64_t utime = 0, stime = 0, start = 0, rss = 0;
	const char *s;
	ssize_t n;
	int field = 3;

	if (m->gone)
		return;
	snprintf(name, sizeof(name), "%d/stat", p->pid);
	n = ct_read_small_at(h->proc_fd, name, buf, sizeof(buf));
	if (n < 0) {
		if (n == -ENOENT || n == -ESRCH)
			m->gone = true;
		m->cpu_pct = -1;
		m->rss = -1;
		return;
	}
	/* comm may hold anything, ')' too: the fields start after the last one. */
	s = strrchr(buf, ')');
	if (!s)
		return;
	for (s += 2; *s && field <= 24; field++) {
		size_t len = strcspn(s, " \n");
		uint64_t v = 0;

		if (field == 14 || field == 15 || field == 22 || field == 24)
			if (ct_parse_u64(s, len, &v) < 0)
				return;
		if (field == 14)
			utime = v;
		else if (field == 15)
			stime = v;
		else if (field == 22)
			start = v;
		else if (field == 24)
			rss = v;
		s += len;
		if (*s)
			s++;
	}
	if (field <= 24)
		return;
	if (start != p->start_time) {
		/* The PID names another process now. */
		m->gone = true;
		m->cpu_pct = -1;
		m->rss = -1;
		return;
	}
	if (m->last_time_ns && now > m->last_time_ns && utime + stime >= m->last_ticks) {
		double secs = (double)(now - m->last_time_ns) / 1e9;
		long hz = h->snap->host.hertz > 0 ? h->snap->host.hertz : 100;

		m->cpu_pct = 100.0 * (double)(utime + stime - m->last_ticks) / (double)hz / secs;
	}
	m->last_ticks = utime + stime;
	m->last_time_ns = now;
	m->rss = (int64_t)rss * h->page_size;
}
