/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The container's cgroup in every hierarchy the host mounts: each v1
 * hierarchy and the unified one, found in /proc/self/mountinfo rather than
 * assumed under /sys/fs/cgroup, so hybrid, pure v2 and odd layouts all work.
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "ctrrun.h"

#define MOUNTINFO_MAX (4 * 1024 * 1024)

/* Undo mountinfo's octal escapes (\040 for a space, ...) in place. */
static void unescape(char *s)
{
	char *w = s;

	for (char *r = s; *r;) {
		if (r[0] == '\\' && r[1] >= '0' && r[1] <= '3' && r[2] >= '0' &&
		    r[2] <= '7' && r[3] >= '0' && r[3] <= '7') {
			*w++ = (char)((r[1] - '0') * 64 + (r[2] - '0') * 8 +
				      (r[3] - '0'));
			r += 4;
		} else {
			*w++ = *r++;
		}
	}
	*w = '\0';
}

/* Is [name, name+len) a controller listed in /proc/cgroups? */
static bool is_controller(const char *cgroups, const char *name, size_t len)
{
	if (len == 0) /* "rw,,cpu": no name, though a blank line would match it */
		return false;
	for (const char *l = cgroups; *l;) {
		const char *eol = strchrnul(l, '\n');
		size_t n = strcspn(l, "\t \n");

		if (l[0] != '#' && n == len && strncmp(l, name, len) == 0)
			return true;
		l = *eol ? eol + 1 : eol;
	}
	return false;
}

/* The controllers (and name=) among a v1 mount's super options. */
static char *v1_key(const char *cgroups, const char *superopts)
{
	struct ct_buf b = { 0 };

	for (const char *p = superopts; *p;) {
		size_t n = strcspn(p, ",");

		if ((n > 5 && strncmp(p, "name=", 5) == 0) ||
		    is_controller(cgroups, p, n)) {
			if (b.len)
				ct_buf_putc(&b, ',');
			ct_buf_put(&b, p, n);
		}
		p += n;
		if (*p == ',')
			p++;
	}
	return b.data;
}

static bool key_has(const char *key, const char *ctrl)
{
	size_t n = strlen(ctrl);

	for (const char *p = key; *p;) {
		size_t len = strcspn(p, ",");

		if (len == n && strncmp(p, ctrl, n) == 0)
			return true;
		p += len;
		if (*p == ',')
			p++;
	}
	return false;
}

void cr_cgroups_parse(char *info, const char *cgroups, struct cr_cgroups *ret)
{
	struct cr_cgroups cg = { 0 };
	char **seen = NULL;
	size_t nseen = 0;

	for (char *line = info, *next; *line; line = next) {
		char *f[6] = { 0 }, *sep, *fstype, *superopts, *save = NULL;
		_cleanup_free_ char *key = NULL;
		size_t nf = 0;
		bool dup = false;

		next = strchrnul(line, '\n');
		if (*next)
			*next++ = '\0';
		/* ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTS [OPTIONAL...] - TYPE SRC SUPER */
		for (nf = 0; nf < 6; nf++) {
			f[nf] = strtok_r(nf ? NULL : line, " ", &save);
			if (!f[nf])
				break;
		}
		if (nf < 6)
			continue;
		while ((sep = strtok_r(NULL, " ", &save)) && strcmp(sep, "-"))
			;
		fstype = strtok_r(NULL, " ", &save);
		if (!sep || !fstype || !strtok_r(NULL, " ", &save))
			continue;
		superopts = strtok_r(NULL, " ", &save);
		if (!superopts)
			continue;
		if (strcmp(fstype, "cgroup2") == 0)
			key = xstrdup("unified");
		else if (strcmp(fstype, "cgroup") == 0)
			key = v1_key(cgroups, superopts);
		if (!key)
			continue;
		/* A hierarchy mounted twice (bind mounts) counts once. */
		for (size_t i = 0; i < nseen; i++)
			dup |= strcmp(seen[i], f[2]) == 0;
		if (dup)
			continue;
		seen = xreallocarray(seen, nseen + 1, sizeof(*seen));
		seen[nseen++] = f[2];
		unescape(f[3]);
		unescape(f[4]);
		cg.v = xreallocarray(cg.v, cg.n + 1, sizeof(*cg.v));
		cg.v[cg.n++] = (struct cr_cgroup){
			.key = TAKE_PTR(key),
			.root = xstrdup(f[3]),
			.mnt = xstrdup(f[4]),
		};
		cg.v[cg.n - 1].is_cpuset = key_has(cg.v[cg.n - 1].key, "cpuset");
	}
	free(seen);
	*ret = cg;
}

int cr_cgroups_discover(struct cr_cgroups *ret, struct cr_error *e)
{
	_cleanup_free_ char *info = NULL, *cgroups = NULL;
	size_t len;
	int r;

	r = ct_read_file_at(AT_FDCWD, "/proc/cgroups", 65536, &cgroups, &len,
			    NULL);
	if (r < 0 && r != -ENOENT) /* no v1 support at all is fine */
		return cr_fail(e, r, "/proc/cgroups");
	if (r < 0)
		cgroups = xstrdup("");
	r = ct_read_file_at(AT_FDCWD, "/proc/self/mountinfo", MOUNTINFO_MAX,
			    &info, &len, NULL);
	if (r < 0)
		return cr_fail(e, r, "/proc/self/mountinfo");
	cr_cgroups_parse(info, cgroups, ret);
	return 0;
}

static char *join_root(const char *root, const char *rel)
{
	char *p;

	if (asprintf(&p, "%s/%s", strcmp(root, "/") == 0 ? "" : root, rel) < 0)
		abort();
	return p;
}

void cr_cgroups_resolve(struct cr_cgroups *cg, const char *relpath)
{
	for (size_t i = 0; i < cg->n; i++) {
		struct cr_cgroup *c = &cg->v[i];

		free(c->dir);
		free(c->path);
		if (asprintf(&c->dir, "%s/%s", c->mnt, relpath) < 0)
			abort();
		/* The mount may show a subtree: the hierarchy path includes it. */
		c->path = join_root(c->root, relpath);
	}
}

/* No "..", no empty components: the path is ours to mkdir and rmdir. */
static bool safe_relpath(const char *p)
{
	if (!*p)
		return false;
	for (const char *s = p; *s;) {
		size_t n = strcspn(s, "/");

		if (n == 0 || (n == 1 && s[0] == '.') ||
		    (n == 2 && s[0] == '.' && s[1] == '.'))
			return false;
		s += n;
		if (*s == '/' && *++s == '\0')
			return false;
	}
	return true;
}

static void cgroup_clear(struct cr_cgroup *c)
{
	free(c->key);
	free(c->mnt);
	free(c->root);
	free(c->dir);
	free(c->path);
	*c = (struct cr_cgroup){ 0 };
}

int cr_cgroups_from_state(struct cr_cgroups *cg, json_object *cgroups,
			  struct cr_error *e)
{
	size_t n = 0;
	int ret = 0;

	for (size_t i = 0; i < cg->n; i++) {
		struct cr_cgroup *c = &cg->v[i];
		size_t rlen = strcmp(c->root, "/") == 0 ? 0 : strlen(c->root);
		const char *path;
		json_object *v;

		/* Hierarchies mounted since the container started: not ours. */
		if (!json_object_object_get_ex(cgroups, c->key, &v) ||
		    !json_object_is_type(v, json_type_string)) {
			cgroup_clear(c);
			continue;
		}
		path = json_object_get_string(v);
		if (strncmp(path, c->root, rlen) != 0 || path[rlen] != '/' ||
		    !safe_relpath(path + rlen + 1)) {
			if (ret == 0)
				ret = cr_fail(e, -EINVAL,
					      "cgroup path %s outside %s:%s",
					      path, c->key, c->root);
			cgroup_clear(c);
			continue;
		}
		free(c->dir);
		free(c->path);
		if (asprintf(&c->dir, "%s/%s", c->mnt, path + rlen + 1) < 0)
			abort();
		c->path = xstrdup(path);
		cg->v[n++] = *c;
	}
	cg->n = n;
	return ret;
}

static int copy_file(const char *from_dir, const char *to_dir, const char *name)
{
	_cleanup_free_ char *from = NULL, *to = NULL, *buf = NULL;
	_cleanup_close_ int fd = -1;
	size_t len;
	int r;

	if (asprintf(&from, "%s/%s", from_dir, name) < 0 ||
	    asprintf(&to, "%s/%s", to_dir, name) < 0)
		return -ENOMEM;
	r = ct_read_file_at(AT_FDCWD, from, 65536, &buf, &len, NULL);
	if (r < 0)
		return r;
	fd = open(to, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	return ct_write_all(fd, buf, len);
}

/*
 * A new v1 cpuset starts with no cpus and mems and refuses tasks until
 * they are set: inherit the parent's.  "noprefix" mounts drop "cpuset.".
 */
static int cpuset_inherit(const char *parent, const char *dir)
{
	static const char *const names[][2] = { { "cpuset.cpus", "cpus" },
						{ "cpuset.mems", "mems" } };

	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		int r = copy_file(parent, dir, names[i][0]);

		if (r == -ENOENT)
			r = copy_file(parent, dir, names[i][1]);
		if (r < 0)
			return r;
	}
	return 0;
}

static int rmdir_wait(const char *dir)
{
	/* A cgroup stays busy for a moment after its last task exited. */
	for (int i = 0; i < 250; i++) {
		if (rmdir(dir) == 0 || errno == ENOENT)
			return 0;
		if (errno != EBUSY)
			return -errno;
		nanosleep(&(struct timespec){ .tv_nsec = 20 * 1000 * 1000 },
			  NULL);
	}
	return -EBUSY;
}

/* rmdir a cgroup and the ones below it, deepest first. */
static int rm_tree(const char *dir)
{
	_cleanup_closedir_ DIR *d = opendir(dir);
	struct dirent *de;
	int r = 0;

	if (!d)
		return errno == ENOENT ? 0 : -errno;
	while ((de = readdir(d))) {
		_cleanup_free_ char *sub = NULL;
		int k;

		if (de->d_type != DT_DIR || strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		if (asprintf(&sub, "%s/%s", dir, de->d_name) < 0)
			return -ENOMEM;
		k = rm_tree(sub);
		if (k < 0 && r == 0)
			r = k;
	}
	if (r < 0)
		return r;
	return rmdir_wait(dir);
}

/* mkdir -p below the mount; the last component must be new. */
static int mkdir_cgroup(const struct cr_cgroup *c, struct cr_error *e)
{
	size_t mlen = strlen(c->mnt);
	_cleanup_free_ char *p = xstrdup(c->dir);

	for (char *s = p + mlen + 1;; s++) {
		bool last;

		s = strchrnul(s, '/');
		last = *s == '\0';
		*s = '\0';
		if (mkdir(p, 0755) < 0) {
			if (errno != EEXIST || last)
				return cr_fail(e, -errno, "create cgroup %s",
					       p);
		} else if (c->is_cpuset) {
			_cleanup_free_ char *parent =
				xmemdup0(p, (size_t)(strrchr(p, '/') - p));
			int r = cpuset_inherit(parent, p);

			if (r < 0) {
				cr_fail(e, r, "cpuset of %s", p);
				(void)rmdir(p);
				return r;
			}
		}
		if (last)
			return 0;
		*s = '/';
	}
}

int cr_cgroups_create(struct cr_cgroups *cg, struct cr_error *e)
{
	for (size_t i = 0; i < cg->n; i++) {
		int r = 0;

		/* A concurrent delete may prune the shared parent under us. */
		for (int attempt = 0; attempt < 3; attempt++) {
			r = mkdir_cgroup(&cg->v[i], e);
			if (r != -ENOENT)
				break;
		}
		if (r < 0) {
			/* Undo ours; never someone else's existing cgroup. */
			for (size_t j = 0; j < i; j++)
				(void)rm_tree(cg->v[j].dir);
			return r;
		}
	}
	return 0;
}

int cr_cgroups_attach(const struct cr_cgroups *cg, pid_t pid,
		      struct cr_error *e)
{
	char buf[16];
	int n = snprintf(buf, sizeof(buf), "%d\n", (int)pid);

	for (size_t i = 0; i < cg->n; i++) {
		_cleanup_free_ char *procs = NULL;
		_cleanup_close_ int fd = -1;
		int r;

		if (asprintf(&procs, "%s/cgroup.procs", cg->v[i].dir) < 0)
			return cr_fail(e, -ENOMEM, "cgroup");
		fd = open(procs, O_WRONLY | O_CLOEXEC);
		if (fd < 0)
			return cr_fail(e, -errno, "open %s", procs);
		r = ct_write_all(fd, buf, (size_t)n);
		if (r < 0)
			return cr_fail(e, r, "join %s", cg->v[i].dir);
	}
	return 0;
}

int cr_cgroups_remove(const struct cr_cgroups *cg, bool prune,
		      struct cr_error *e)
{
	int ret = 0;

	for (size_t i = 0; i < cg->n; i++) {
		int r = rm_tree(cg->v[i].dir);

		if (r < 0 && ret == 0)
			ret = cr_fail(e, r, "remove cgroup %s", cg->v[i].dir);
		if (r == 0 && prune) {
			_cleanup_free_ char *parent = xstrdup(cg->v[i].dir);

			/* Shared by all containers: only if now empty. */
			*strrchr(parent, '/') = '\0';
			(void)rmdir(parent);
		}
	}
	return ret;
}

json_object *cr_cgroups_to_json(const struct cr_cgroups *cg)
{
	json_object *o = json_object_new_object();

	for (size_t i = 0; i < cg->n; i++)
		json_object_object_add(o, cg->v[i].key,
				       json_object_new_string(cg->v[i].path));
	return o;
}

void cr_cgroups_free(struct cr_cgroups *cg)
{
	for (size_t i = 0; i < cg->n; i++)
		cgroup_clear(&cg->v[i]);
	free(cg->v);
	*cg = (struct cr_cgroups){ 0 };
}
