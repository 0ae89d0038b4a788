/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "enter.h"
#include "escape.h"
#include "pidfd.h"
#include "jsonutil.h"
#include "runtime.h"
#include "util.h"

#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif
#ifndef SYS_close_range
#define SYS_close_range 436
#endif
#ifndef SYS_execveat
#define SYS_execveat 322
#endif
#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

const struct ct_enter_ns_type ct_enter_ns_types[CT_NS_COUNT] = {
	/* The order is the join order; see ct_enter_ns_join(). */
	{ CT_NS_USER, CLONE_NEWUSER, 'U', "user", "user" }, { CT_NS_CGROUP, CLONE_NEWCGROUP, 'C', "cgroup", "cgroup" },
	{ CT_NS_IPC, CLONE_NEWIPC, 'i', "ipc", "IPC" },     { CT_NS_UTS, CLONE_NEWUTS, 'u', "uts", "UTS" },
	{ CT_NS_NET, CLONE_NEWNET, 'n', "net", "network" }, { CT_NS_PID, CLONE_NEWPID, 'p', "pid", "PID" },
	{ CT_NS_MNT, CLONE_NEWNS, 'm', "mount", "mount" },  { CT_NS_TIME, CLONE_NEWTIME, 'T', "time", "time" },
};

int ct_enter_parse_pid(const char *spec, int *ret_pid, uint64_t *ret_start_time, bool *ret_has_start)
{
	const char *colon = strchr(spec, ':');
	uint64_t start = 0;
	int pid;

	if (ct_parse_pid(spec, colon ? (size_t)(colon - spec) : strlen(spec), &pid) < 0 || pid <= 0)
		return -EINVAL;
	if (colon && ct_parse_u64_str(colon + 1, &start) < 0)
		return -EINVAL;
	*ret_pid = pid;
	*ret_start_time = start;
	*ret_has_start = colon != NULL;
	return 0;
}

int ct_enter_target_open(int pid, uint64_t start_time, bool check_start, struct ct_enter_target *ret, char **ret_error)
{
	_cleanup_close_ int fd = -1;
	uint64_t st = 0;

	/* No start time to ct_pidfd_open_checked(): 0 would mean "any", and
	 * a process started in the first tick after boot has 0. */
	fd = ct_pidfd_open_checked(pid, 0, &st);
	if (fd == -ESRCH)
		return check_start ? ct_fail(ret_error, fd, "process %d has exited", pid)
				   : ct_fail(ret_error, fd, "no process with PID %d", pid);
	if (fd == -EINVAL)
		return ct_fail(ret_error, fd, "%d is a thread, not a process", pid);
	if (fd == -ENOSYS)
		return ct_fail(ret_error, fd, "this kernel has no pidfd_open(2) (Linux 5.3 or later is needed)");
	if (fd < 0)
		return ct_fail(ret_error, fd, "cannot open process %d: %s", pid, strerror(-fd));
	if (check_start && st != start_time)
		return ct_fail(ret_error, -ESTALE,
			       "process %d is no longer the one started at %llu (this one started at %llu)", pid,
			       (unsigned long long)start_time, (unsigned long long)st);
	*ret = (struct ct_enter_target){ .pid = pid, .start_time = st, .pidfd = TAKE_FD(fd) };
	return 0;
}

/* "name (engine 0123456789ab)" for a list of candidates, escaped. */
/* "name (engine id12)" of one match of ctrtree --lookup, escaped. */
static void describe_match(struct ct_buf *b, struct json_object *m)
{
	const char *id = json_object_get_string(ct_json_get(m, "id"));
	const char *name = json_object_get_string(ct_json_get(m, "name"));
	const char *engine = json_object_get_string(ct_json_get(m, "engine"));

	if (name) {
		ct_escape_term(b, name, strlen(name));
		ct_buf_puts(b, " (");
	} else {
		ct_buf_puts(b, "(");
	}
	ct_escape_term(b, engine ? engine : "?", strlen(engine ? engine : "?"));
	ct_buf_putc(b, ' ');
	ct_escape_term(b, id ? id : "", id ? strnlen(id, 12) : 0);
	ct_buf_puts(b, ")");
}

static char *json_strdup(struct json_object *o, const char *key)
{
	const char *v = json_object_get_string(ct_json_get(o, key));

	return v && json_object_is_type(ct_json_get(o, key), json_type_string) ? xstrdup(v) : NULL;
}

int ct_enter_target_from_lookup(struct json_object *lookup, const char *what, struct ct_enter_target *ret,
				char **ret_error)
{
	_cleanup_free_ char *safe = ct_escape_term_dup(what, strlen(what));
	struct json_object *matches = ct_json_get(lookup, "matches"), *m;
	const char *engine;
	uint64_t start = 0;
	int64_t pid = 0;
	size_t n;
	int fd;

	if (!json_object_is_type(matches, json_type_array))
		return ct_fail(ret_error, -EBADMSG, "the container lookup gave no list of matches");
	n = json_object_array_length(matches);
	if (n == 0)
		return ct_fail(ret_error, -ENOENT, "no container named '%s' or with that id", safe);
	if (n > 1) {
		struct ct_buf b = { 0 };
		int r;

		ct_buf_printf(&b, "'%s' matches %zu containers: ", safe, n);
		for (size_t k = 0; k < n && k < 8; k++) {
			if (k)
				ct_buf_puts(&b, ", ");
			describe_match(&b, json_object_array_get_idx(matches, k));
		}
		if (n > 8)
			ct_buf_puts(&b, ", ...");
		r = ct_fail(ret_error, -ENOTUNIQ, "%s", b.data);
		ct_buf_free(&b);
		return r;
	}
	m = json_object_array_get_idx(matches, 0);
	if (ct_json_get_i64(ct_json_get(m, "init_pid"), &pid) < 0 || pid <= 0 || pid > INT32_MAX ||
	    ct_json_get_u64(ct_json_get(m, "init_start_time"), &start) < 0)
		return ct_fail(ret_error, -ESRCH, "container '%s' has no running process", safe);
	fd = ct_pidfd_open_checked((int)pid, start, NULL);
	if (fd == -ESRCH)
		return ct_fail(ret_error, fd, "process %d (the init of container '%s') has exited", (int)pid, safe);
	if (fd == -ESTALE)
		return ct_fail(ret_error, fd, "process %d is no longer the one started at %llu (container '%s' restarted?)",
			       (int)pid, (unsigned long long)start, safe);
	if (fd < 0)
		return ct_fail(ret_error, fd, "cannot open process %d (the init of container '%s'): %s", (int)pid, safe,
			       strerror(-fd));
	engine = json_object_get_string(ct_json_get(m, "engine"));
	*ret = (struct ct_enter_target){
		.pid = (int)pid,
		.start_time = start,
		.pidfd = fd,
		.container_id = json_strdup(m, "id"),
		.container_name = json_strdup(m, "name"),
		.engine = engine ? ct_engine_kind_name(ct_engine_kind_from_name(engine)) : NULL,
	};
	return 0;
}

int ct_enter_open_dir(const struct ct_enter_target *t, const char *which, char **ret_error)
{
	_cleanup_close_ int fd = -1;
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/%s", t->pid, which);
	fd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 || ct_pidfd_exited(t->pidfd)) {
		int r = fd < 0 ? -errno : -ESRCH;

		if (r == -ESRCH || (r == -ENOENT && ct_pidfd_exited(t->pidfd)))
			return ct_fail(ret_error, -ESRCH, "process %d has exited", t->pid);
		return ct_fail(ret_error, r, "cannot open the %s directory of process %d: %s",
			       strcmp(which, "cwd") == 0 ? "working" : which, t->pid, strerror(-r));
	}
	return TAKE_FD(fd);
}

void ct_enter_target_clear(struct ct_enter_target *t)
{
	if (t->pidfd >= 0)
		close(t->pidfd);
	free(t->container_id);
	free(t->container_name);
	*t = (struct ct_enter_target)CT_ENTER_TARGET_INIT;
}

void ct_enter_nsset_clear(struct ct_enter_nsset *s)
{
	for (int i = 0; i < CT_NS_COUNT; i++) {
		if (s->ns[i].fd >= 0)
			close(s->ns[i].fd);
		s->ns[i].fd = -1;
	}
}

int ct_enter_ns_open(const struct ct_enter_target *t, unsigned mask, unsigned flags, struct ct_enter_nsset *ret,
		     char **ret_error)
{
	struct ct_enter_nsset s;
	int r;

	for (int i = 0; i < CT_NS_COUNT; i++)
		s.ns[i] = (struct ct_enter_ns){ .fd = -1 };
	for (size_t k = 0; k < CT_NS_COUNT; k++) {
		const struct ct_enter_ns_type *ty = &ct_enter_ns_types[k];
		struct ct_enter_ns *n = &s.ns[ty->type];
		const char *name = ct_ns_names[ty->type];
		bool want = mask & CT_ENTER_NS_BIT(ty->type);
		_cleanup_close_ int fd = -1;
		struct stat self, st;
		char path[64];

		/* The user namespace is always looked at: it explains a refusal. */
		if (!want && !(flags & CT_ENTER_DESCRIBE) && ty->type != CT_NS_USER)
			continue;
		snprintf(path, sizeof(path), "/proc/self/ns/%s", name);
		if (stat(path, &self) < 0) {
			if (errno == ENOENT && want && !(flags & CT_ENTER_SKIP_UNSUPPORTED)) {
				r = ct_fail(ret_error, -EOPNOTSUPP, "this kernel has no %s namespaces", ty->what);
				goto fail;
			}
			if (errno != ENOENT && want) {
				r = ct_fail(ret_error, -errno, "cannot read our own %s namespace: %m", ty->what);
				goto fail;
			}
			continue;
		}
		n->supported = true;
		fd = ct_pidfd_ns_open(t->pidfd, t->pid, name);
		if (fd < 0) {
			if (!want)
				continue;
			if (fd == -ESRCH)
				r = ct_fail(ret_error, fd, "process %d has exited", t->pid);
			else
				r = ct_fail(ret_error, fd, "cannot open the %s namespace of process %d: %s", ty->what,
					    t->pid, strerror(-fd));
			goto fail;
		}
		if (fstat(fd, &st) < 0) {
			r = ct_fail(ret_error, -errno, "cannot stat the %s namespace of process %d: %m", ty->what,
				    t->pid);
			goto fail;
		}
		n->dev = st.st_dev;
		n->ino = st.st_ino;
		n->requested = want;
		/* Joining our own namespace is a no-op at best (setns() into
		 * our own user namespace fails, into our own mount namespace it
		 * resets the root and cwd): leave those out. */
		n->shared = st.st_dev == self.st_dev && st.st_ino == self.st_ino;
		if (want && !n->shared)
			n->fd = TAKE_FD(fd);
	}
	*ret = s;
	return 0;
fail:
	ct_enter_nsset_clear(&s);
	return r;
}

static int join_one(struct ct_enter_ns *n, const struct ct_enter_ns_type *ty)
{
	if (setns(n->fd, ty->clone_flag) < 0)
		return -errno;
	close(n->fd);
	n->fd = -1;
	n->joined = true;
	return 0;
}

/*
 * Through the pidfd, where the kernel allows it (5.8): every namespace in
 * one atomic setns(), the kernel ordering the user namespace itself and
 * checking the others against our original credentials.  It joins the
 * namespaces the process is in now, so each is then checked against the
 * one opened (and reported) before; a target that moved in between is
 * refused.  -EINVAL or -EPERM when the kernel will not (nothing was
 * joined: setns is all or nothing), and the caller uses the fds.
 */
static int join_by_pidfd(struct ct_enter_nsset *s, const struct ct_enter_target *t, char **ret_error)
{
	_cleanup_close_ int self = open("/proc/thread-self/ns", O_PATH | O_DIRECTORY | O_CLOEXEC);
	int flags = 0;

	for (size_t k = 0; k < CT_NS_COUNT; k++)
		if (s->ns[ct_enter_ns_types[k].type].fd >= 0)
			flags |= ct_enter_ns_types[k].clone_flag;
	if (!flags || t->pidfd < 0 || self < 0)
		return -EINVAL;
	if (setns(t->pidfd, flags) < 0) {
		/* The target exited after its namespaces were opened. */
		if (errno == ESRCH)
			return ct_fail(ret_error, -ESRCH, "process %d has exited", t->pid);
		return -errno;
	}
	for (size_t k = 0; k < CT_NS_COUNT; k++) {
		const struct ct_enter_ns_type *ty = &ct_enter_ns_types[k];
		struct ct_enter_ns *n = &s->ns[ty->type];
		const char *link;
		struct stat st;

		if (n->fd < 0)
			continue;
		/* Our own task's links, through the host's /proc opened before;
		 * pid and time namespaces are joined for our children only. */
		link = ty->type == CT_NS_PID ? "pid_for_children" :
		       ty->type == CT_NS_TIME ? "time_for_children" : ct_ns_names[ty->type];
		if (fstatat(self, link, &st, 0) < 0 || st.st_ino != n->ino || st.st_dev != n->dev)
			return ct_fail(ret_error, -ESTALE,
				       "process %d changed its %s namespace while it was being entered", t->pid,
				       ty->what);
		close(n->fd);
		n->fd = -1;
		n->joined = true;
	}
	return 0;
}

/* uid and gid 0 in the user namespace just joined, as nsenter does. */
static int become_root(bool groups_dropped, const struct ct_enter_target *t, char **ret_error)
{
	if (setresgid(0, 0, 0) < 0)
		return ct_fail(ret_error, -errno, "cannot take gid 0 in the user namespace of process %d: %s", t->pid,
			       errno == EINVAL ? "it has no mapping for gid 0" : strerror(errno));
	/* Denied when the namespace's setgroups is "deny" (a rootless
	 * container): the groups are then the unprivileged caller's own, and
	 * keeping them gives the command nothing the caller did not have. */
	if (!groups_dropped && setgroups(0, NULL) < 0 && errno != EPERM)
		return ct_fail(ret_error, -errno, "cannot drop the supplementary groups: %m");
	if (setresuid(0, 0, 0) < 0)
		return ct_fail(ret_error, -errno, "cannot take uid 0 in the user namespace of process %d: %s", t->pid,
			       errno == EINVAL ? "it has no mapping for uid 0" : strerror(errno));
	/* A change of uid resets dumpability to fs.suid_dumpable, which may be 1. */
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
		return ct_fail(ret_error, -errno, "cannot make the process non-dumpable: %m");
	return 0;
}

int ct_enter_ns_join(struct ct_enter_nsset *s, const struct ct_enter_target *t, char **ret_error)
{
	struct ct_enter_ns *user = &s->ns[CT_NS_USER];
	bool groups_dropped = false;
	int r;

	/* Before any namespace of the container can see us: once in its pid
	 * or user namespace, a dumpable process with our credentials could be
	 * ptraced, or have its fds and memory read through /proc, by the
	 * container's root. */
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
		return ct_fail(ret_error, -errno, "cannot make the process non-dumpable: %m");
	if (user->fd >= 0)
		/* Still allowed here; in the user namespace setgroups may be denied. */
		groups_dropped = getgroups(0, NULL) == 0 || setgroups(0, NULL) == 0;

	r = join_by_pidfd(s, t, ret_error);
	if (r == 0 && user->joined)
		return become_root(groups_dropped, t, ret_error);
	if (r == 0 || (r != -EINVAL && r != -EPERM))
		return r;
	/* One fd at a time, in nsenter's two passes. */
	for (size_t k = 0; k < CT_NS_COUNT; k++) {
		const struct ct_enter_ns_type *ty = &ct_enter_ns_types[k];

		if (ty->type != CT_NS_USER && s->ns[ty->type].fd >= 0)
			(void)join_one(&s->ns[ty->type], ty); /* retried below */
	}
	if (user->fd >= 0) {
		r = join_one(user, &ct_enter_ns_types[0]);
		if (r < 0)
			return ct_fail(ret_error, r, "cannot join the user namespace of process %d: %s", t->pid,
				       strerror(-r));
		r = become_root(groups_dropped, t, ret_error);
		if (r < 0)
			return r;
	}
	for (size_t k = 0; k < CT_NS_COUNT; k++) {
		const struct ct_enter_ns_type *ty = &ct_enter_ns_types[k];

		if (s->ns[ty->type].fd < 0)
			continue;
		r = join_one(&s->ns[ty->type], ty);
		/* Without CAP_SYS_ADMIN here, a namespace of another user
		 * namespace (a rootless container's) is entered through it. */
		if (r == -EPERM && !user->requested && user->ino && !user->shared)
			return ct_fail(ret_error, r,
				       "cannot join the %s namespace of process %d: %s (it belongs to another user "
				       "namespace: add -U to join that first)",
				       ty->what, t->pid, strerror(-r));
		if (r < 0)
			return ct_fail(ret_error, r, "cannot join the %s namespace of process %d: %s", ty->what, t->pid,
				       strerror(-r));
	}
	return 0;
}

static bool env_kept(const char *e)
{
	static const char *const names[] = { "TERM", "LANG", "TZ", "HOME", "USER", "LOGNAME", "SHELL" };
	const char *eq = strchr(e, '=');
	size_t n;

	if (!eq)
		return false;
	n = (size_t)(eq - e);
	if (n > 3 && strncmp(e, "LC_", 3) == 0)
		return true;
	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		if (strlen(names[i]) == n && strncmp(e, names[i], n) == 0)
			return true;
	return false;
}

char **ct_enter_env(char *const *env, bool keep_all)
{
	static char safe_path[] = "PATH=" CT_ENTER_SAFE_PATH;
	size_t n = 0, k = 0;
	char **out;

	while (env && env[n])
		n++;
	out = xcalloc(n + 2, sizeof(char *));
	for (size_t i = 0; i < n; i++)
		if (keep_all || env_kept(env[i]))
			out[k++] = env[i];
	if (!keep_all)
		out[k++] = safe_path;
	out[k] = NULL;
	return out;
}

static int check_executable(const char *path)
{
	struct stat st;

	if (stat(path, &st) < 0)
		return errno == ENOTDIR ? -ENOENT : -errno;
	if (!S_ISREG(st.st_mode))
		return -EACCES;
	if (faccessat(AT_FDCWD, path, X_OK, AT_EACCESS) < 0)
		return -errno;
	return 0;
}

int ct_enter_find_command(const char *file, const char *path, char **ret)
{
	bool denied = false;
	int r;

	if (!*file)
		return -ENOENT;
	if (strchr(file, '/')) {
		_cleanup_free_ char *abs = NULL;

		if (file[0] == '/') {
			abs = xstrdup(file);
		} else {
			_cleanup_free_ char *cwd = getcwd(NULL, 0);

			if (!cwd)
				return -errno;
			if (asprintf(&abs, "%s/%s", cwd, file) < 0)
				return -ENOMEM;
		}
		r = check_executable(abs);
		if (r < 0)
			return r;
		*ret = TAKE_PTR(abs);
		return 0;
	}
	for (const char *p = path; p && *p;) {
		const char *e = strchrnul(p, ':');
		_cleanup_free_ char *cand = NULL;

		/* Relative entries would depend on the cwd: never on the host. */
		if (*p == '/') {
			if (asprintf(&cand, "%.*s/%s", (int)(e - p), p, file) < 0)
				return -ENOMEM;
			r = check_executable(cand);
			if (r == 0) {
				*ret = TAKE_PTR(cand);
				return 0;
			}
			if (r == -EACCES)
				denied = true;
		}
		p = *e ? e + 1 : e;
	}
	return denied ? -EACCES : -ENOENT;
}

/* Does the ELF file at fd ask for a program interpreter (the dynamic loader)? */
static int elf_has_interp(int fd, const unsigned char *ident, bool *ret)
{
	uint64_t phoff;
	size_t phentsize, phnum;

	if (ident[EI_DATA] != (__BYTE_ORDER == __LITTLE_ENDIAN ? ELFDATA2LSB : ELFDATA2MSB))
		return -ENOEXEC;
	if (ident[EI_CLASS] == ELFCLASS64) {
		Elf64_Ehdr eh;

		if (pread(fd, &eh, sizeof(eh), 0) != (ssize_t)sizeof(eh))
			return -ENOEXEC;
		phoff = eh.e_phoff, phentsize = eh.e_phentsize, phnum = eh.e_phnum;
		if (phentsize < sizeof(Elf64_Phdr))
			return -ENOEXEC;
	} else if (ident[EI_CLASS] == ELFCLASS32) {
		Elf32_Ehdr eh;

		if (pread(fd, &eh, sizeof(eh), 0) != (ssize_t)sizeof(eh))
			return -ENOEXEC;
		phoff = eh.e_phoff, phentsize = eh.e_phentsize, phnum = eh.e_phnum;
		if (phentsize < sizeof(Elf32_Phdr))
			return -ENOEXEC;
	} else {
		return -ENOEXEC;
	}
	for (size_t i = 0; i < phnum; i++) {
		union {
			Elf64_Phdr p64;
			Elf32_Phdr p32;
		} ph;
		size_t want = ident[EI_CLASS] == ELFCLASS64 ? sizeof(Elf64_Phdr) : sizeof(Elf32_Phdr);
		uint32_t type;

		if (pread(fd, &ph, want, (off_t)(phoff + i * phentsize)) != (ssize_t)want)
			return -ENOEXEC;
		type = ident[EI_CLASS] == ELFCLASS64 ? ph.p64.p_type : ph.p32.p_type;
		if (type == PT_INTERP) {
			*ret = true;
			return 0;
		}
	}
	*ret = false;
	return 0;
}

int ct_enter_open_static_exe(const char *path, char **ret_error)
{
	_cleanup_free_ char *safe = ct_escape_term_dup(path, strlen(path));
	_cleanup_close_ int fd = -1;
	unsigned char ident[EI_NIDENT];
	struct stat st;
	bool interp;
	ssize_t n;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return ct_fail(ret_error, -errno, "cannot open %s: %m", safe);
	if (fstat(fd, &st) < 0)
		return ct_fail(ret_error, -errno, "cannot stat %s: %m", safe);
	if (!S_ISREG(st.st_mode))
		return ct_fail(ret_error, -EACCES, "%s is not a regular file", safe);
	n = pread(fd, ident, sizeof(ident), 0);
	if (n < 0)
		return ct_fail(ret_error, -errno, "cannot read %s: %m", safe);
	if (n >= 2 && ident[0] == '#' && ident[1] == '!')
		return ct_fail(ret_error, -ENOEXEC,
			       "%s is a script: with --root its interpreter would be the container's; "
			       "give a static binary, or -m to run the container's own programs",
			       safe);
	if (n < (ssize_t)sizeof(ident) || memcmp(ident, ELFMAG, SELFMAG) != 0 || elf_has_interp(fd, ident, &interp) < 0)
		return ct_fail(ret_error, -ENOEXEC, "%s is not an ELF binary for this machine", safe);
	if (interp)
		return ct_fail(ret_error, -ENOEXEC,
			       "%s is dynamically linked: with --root its loader and libraries would be the "
			       "container's; give a static binary (busybox), or -m to run the container's own programs",
			       safe);
	return TAKE_FD(fd);
}

int ct_enter_cloexec_from3(void)
{
	long max;

	if (syscall(SYS_close_range, 3U, ~0U, CLOSE_RANGE_CLOEXEC) == 0)
		return 0;
	if (errno != ENOSYS && errno != EINVAL)
		return -errno;
	/* Before Linux 5.11: every fd up to the limit, as /proc may not be ours. */
	max = sysconf(_SC_OPEN_MAX);
	if (max < 0 || max > (1L << 20))
		max = 1L << 20;
	for (int fd = 3; fd < max; fd++) {
		int fl = fcntl(fd, F_GETFD);

		if (fl >= 0 && !(fl & FD_CLOEXEC) && fcntl(fd, F_SETFD, fl | FD_CLOEXEC) < 0)
			return -errno;
	}
	return 0;
}

/* execvp() over path with envp, in whatever mount namespace and root we
 * are in now.  Returns -errno: -ENOENT if nowhere, -EACCES if only found
 * unusable. */
static int exec_search(const char *file, char *const *argv, char *const *envp, const char *path)
{
	bool denied = false;

	if (strchr(file, '/')) {
		execve(file, argv, envp);
		return -errno;
	}
	for (const char *p = path; p && *p;) {
		const char *e = strchrnul(p, ':');
		_cleanup_free_ char *cand = NULL;

		if (e > p && asprintf(&cand, "%.*s/%s", (int)(e - p), p, file) >= 0) {
			execve(cand, argv, envp);
			if (errno == EACCES)
				denied = true;
			else if (errno != ENOENT && errno != ENOTDIR)
				return -errno;
		}
		p = *e ? e + 1 : e;
	}
	return denied ? -EACCES : -ENOENT;
}

int ct_enter_exec(const struct ct_enter_exec *x, int *ret_status, char **ret_error)
{
	_cleanup_free_ char *safe = ct_escape_term_dup(x->argv[0], strlen(x->argv[0]));
	int r;

	*ret_status = 125;
	if (x->new_session && setsid() < 0)
		return ct_fail(ret_error, -errno, "cannot start a new session: %m");
	if (x->private_proc) {
		if (unshare(CLONE_NEWNS) < 0)
			return ct_fail(ret_error, -errno, "cannot create a mount namespace for a private /proc: %m");
		/* Nothing mounted here may propagate back to the host's (or the
		 * container's) mount namespace. */
		if (mount(NULL, "/", NULL, MS_REC | MS_SLAVE, NULL) < 0)
			return ct_fail(ret_error, -errno, "cannot make / a slave mount: %m");
	}
	if (x->root_fd >= 0 && (fchdir(x->root_fd) < 0 || chroot(".") < 0 || chdir("/") < 0))
		return ct_fail(ret_error, -errno, "cannot change the root directory: %m");
	/* procfs shows the pid namespace of whoever mounts it: ours, joined. */
	if (x->private_proc && mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
		return ct_fail(ret_error, -errno, "cannot mount a private /proc: %m");
	if (x->wd_fd >= 0 && fchdir(x->wd_fd) < 0)
		return ct_fail(ret_error, -errno, "cannot change the working directory: %m");
	r = ct_enter_cloexec_from3();
	if (r < 0)
		return ct_fail(ret_error, r, "cannot mark file descriptors close-on-exec: %s", strerror(-r));

	if (x->exe_fd >= 0) {
		syscall(SYS_execveat, x->exe_fd, "", x->argv, x->envp, AT_EMPTY_PATH);
		r = -errno;
	} else if (x->host_exe) {
		execve(x->host_exe, x->argv, x->envp);
		r = -errno;
	} else {
		r = exec_search(x->argv[0], x->argv, x->envp, x->path);
		if (r == -ENOENT && x->fallback) {
			char *const fb[] = { (char *)x->fallback, NULL };

			r = exec_search(x->fallback, fb, x->envp, x->path);
		}
	}
	*ret_status = r == -ENOENT ? 127 : 126;
	return ct_fail(ret_error, r, "cannot run %s: %s", safe, strerror(-r));
}
