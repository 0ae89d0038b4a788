/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The state directory (DIR/ID/state.json and friends) and the /proc facts
 * that identify a recorded process: start time and namespace inodes.
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>

#include "ctrrun.h"
#include "pidfd.h"

#define STATE_MAX (1024 * 1024)

bool cr_valid_id(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > CTRRUN_ID_MAX)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			     (c >= '0' && c <= '9');

		if (!alnum && (i == 0 || (c != '_' && c != '.' && c != '-')))
			return false;
	}
	return true;
}

int cr_proc_start_time(pid_t pid, uint64_t *ret)
{
	return ct_proc_start_time((int)pid, ret);
}

int cr_pidfd_open_checked(pid_t pid, uint64_t start, int *ret_fd)
{
	int fd;

	/* A state file without a start time proves nothing. */
	if (start == 0)
		return -ESRCH;
	fd = ct_pidfd_open_checked((int)pid, start, NULL);
	if (fd < 0)
		return fd == -ESTALE ? -ESRCH : fd;
	*ret_fd = fd;
	return 0;
}

int cr_ns_inode(pid_t pid, const char *type, uint64_t *ret)
{
	char path[64];
	struct stat st;

	snprintf(path, sizeof(path), "/proc/%d/ns/%s", (int)pid, type);
	if (stat(path, &st) < 0)
		return -errno;
	*ret = (uint64_t)st.st_ino;
	return 0;
}

void cr_now_rfc3339(char *buf, size_t size)
{
	time_t t = time(NULL);
	struct tm tm;

	if (!gmtime_r(&t, &tm) || !strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm))
		snprintf(buf, size, "1970-01-01T00:00:00Z");
}

int cr_state_write(const char *state_dir, const char *id, json_object *st,
		   struct cr_error *e)
{
	_cleanup_free_ char *tmp = NULL, *path = NULL;
	_cleanup_close_ int fd = -1;
	const char *txt;
	int r;

	if (asprintf(&tmp, "%s/%s/.%s.tmp", state_dir, id, STATE_FILE) < 0 ||
	    asprintf(&path, "%s/%s/%s", state_dir, id, STATE_FILE) < 0)
		return cr_fail(e, -ENOMEM, "state of %s", id);
	txt = json_object_to_json_string_ext(
		st, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
			    JSON_C_TO_STRING_NOSLASHESCAPE);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW,
		  0644);
	if (fd < 0)
		return cr_fail(e, -errno, "create %s", tmp);
	r = ct_write_all(fd, txt, strlen(txt));
	if (r == 0)
		r = ct_write_all(fd, "\n", 1);
	if (r < 0)
		return cr_fail(e, r, "write %s", tmp);
	r = close(TAKE_FD(fd));
	if (r < 0)
		return cr_fail(e, -errno, "write %s", tmp);
	/* Readers see the old or the new file, never half of one. */
	if (rename(tmp, path) < 0)
		return cr_fail(e, -errno, "rename %s", tmp);
	return 0;
}

static bool is_int(json_object *st, const char *key, bool nullable)
{
	json_object *v;

	if (!json_object_object_get_ex(st, key, &v) || !v)
		return nullable;
	return json_object_is_type(v, json_type_int) &&
	       json_object_get_int64(v) >= 0;
}

static bool is_str(json_object *st, const char *key, bool nullable)
{
	json_object *v;

	if (!json_object_object_get_ex(st, key, &v) || !v)
		return nullable;
	return json_object_is_type(v, json_type_string);
}

int cr_state_read(const char *state_dir, const char *id, json_object **ret,
		  struct cr_error *e)
{
	static const char *const ints[] = { "supervisor_pid",
					    "supervisor_start_time", "init_pid",
					    "init_start_time" };
	static const char *const strs[] = { "id", "status", "created" };
	static const char *const optstrs[] = { "name",	 "rootfs", "veth",
					       "bridge_netns", "cgroup_parent",
					       "hostname" };
	_cleanup_free_ char *path = NULL, *buf = NULL;
	_cleanup_json_ json_object *st = NULL;
	json_object *cg;
	size_t len;
	bool truncated;
	int r;

	if (asprintf(&path, "%s/%s/%s", state_dir, id, STATE_FILE) < 0)
		return cr_fail(e, -ENOMEM, "state of %s", id);
	r = ct_read_file_at(AT_FDCWD, path, STATE_MAX, &buf, &len, &truncated);
	if (r < 0)
		return cr_fail(e, r, "%s", path);
	if (truncated)
		return cr_fail(e, -EFBIG, "%s", path);
	st = json_tokener_parse(buf);
	if (!st || !json_object_is_type(st, json_type_object))
		return cr_fail(e, -EINVAL, "%s: not a JSON object", path);
	for (size_t i = 0; i < ARRAY_SIZE(ints); i++)
		if (!is_int(st, ints[i], false))
			return cr_fail(e, -EINVAL, "%s: bad %s", path, ints[i]);
	for (size_t i = 0; i < ARRAY_SIZE(strs); i++)
		if (!is_str(st, strs[i], false))
			return cr_fail(e, -EINVAL, "%s: bad %s", path, strs[i]);
	for (size_t i = 0; i < ARRAY_SIZE(optstrs); i++)
		if (!is_str(st, optstrs[i], true))
			return cr_fail(e, -EINVAL, "%s: bad %s", path,
				       optstrs[i]);
	/* is_str() checked "id" above: cr_state_str() cannot be NULL here. */
	if (strcmp(cr_state_str(st, "id") ?: "", id) != 0)
		return cr_fail(e, -EINVAL, "%s: id does not match", path);
	if (cr_state_pid(st, "supervisor_pid") <= 0 ||
	    cr_state_pid(st, "init_pid") <= 0)
		return cr_fail(e, -EINVAL, "%s: bad pid", path);
	if (!json_object_object_get_ex(st, "cgroups", &cg) ||
	    !json_object_is_type(cg, json_type_object))
		return cr_fail(e, -EINVAL, "%s: bad cgroups", path);
	json_object_object_foreach(cg, key, val)
	{
		(void)key;
		if (!json_object_is_type(val, json_type_string))
			return cr_fail(e, -EINVAL, "%s: bad cgroups", path);
	}
	*ret = TAKE_PTR(st);
	return 0;
}

const char *cr_state_str(json_object *st, const char *key)
{
	json_object *v;

	if (!json_object_object_get_ex(st, key, &v) ||
	    !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

uint64_t cr_state_u64(json_object *st, const char *key)
{
	json_object *v;
	int64_t n;

	if (!json_object_object_get_ex(st, key, &v) ||
	    !json_object_is_type(v, json_type_int))
		return 0;
	n = json_object_get_int64(v);
	return n < 0 ? 0 : (uint64_t)n;
}

pid_t cr_state_pid(json_object *st, const char *key)
{
	uint64_t v = cr_state_u64(st, key);

	return v > INT32_MAX ? 0 : (pid_t)v;
}

int cr_state_pidfd(json_object *st, const char *which, int *ret_fd)
{
	char pidkey[32], startkey[32];

	snprintf(pidkey, sizeof(pidkey), "%s_pid", which);
	snprintf(startkey, sizeof(startkey), "%s_start_time", which);
	return cr_pidfd_open_checked(cr_state_pid(st, pidkey),
				     cr_state_u64(st, startkey), ret_fd);
}

const char *cr_state_live_status(json_object *st)
{
	const char *status = cr_state_str(st, "status");
	uint64_t start;

	if (!status || strcmp(status, "running") != 0)
		return "stopped";
	/* The supervisor may have died without recording the end. */
	if (cr_proc_start_time(cr_state_pid(st, "init_pid"), &start) < 0 ||
	    start != cr_state_u64(st, "init_start_time"))
		return "stopped";
	return "running";
}

int cr_state_remove(const char *state_dir, const char *id, struct cr_error *e)
{
	_cleanup_free_ char *path = NULL;
	_cleanup_closedir_ DIR *d = NULL;
	struct dirent *de;
	int dfd;

	if (asprintf(&path, "%s/%s", state_dir, id) < 0)
		return cr_fail(e, -ENOMEM, "state of %s", id);
	dfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	if (dfd < 0)
		return errno == ENOENT ? 0 : cr_fail(e, -errno, "%s", path);
	d = fdopendir(dfd);
	if (!d) {
		close(dfd);
		return cr_fail(e, -errno, "%s", path);
	}
	/* Only files live here (state, logs, the exec socket). */
	while ((de = readdir(d))) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (unlinkat(dirfd(d), de->d_name, 0) < 0 && errno != ENOENT)
			return cr_fail(e, -errno, "remove %s/%s", path,
				       de->d_name);
	}
	if (rmdir(path) < 0 && errno != ENOENT)
		return cr_fail(e, -errno, "remove %s", path);
	return 0;
}
