/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <netlink/errno.h>

#include "pidfd.h"
#include "probes.h"
#include "util.h"

int ct_netns_run(int netns_fd, int (*fn)(void *arg), void *arg)
{
	_cleanup_close_ int self = -1;
	int r;

	if (prctl(PR_GET_DUMPABLE, 0, 0, 0, 0) != 0 && prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
		return -errno;
	self = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	if (self < 0)
		return -errno;
	if (setns(netns_fd, CLONE_NEWNET) < 0)
		return -errno;
	r = fn(arg);
	if (setns(self, CLONE_NEWNET) < 0)
		abort();
	return r;
}

int ct_nl_errno(int nle)
{
	switch (nle < 0 ? -nle : nle) {
	case 0:
		return 0;
	case NLE_NOMEM:
		return -ENOMEM;
	case NLE_PERM:
		return -EPERM;
	case NLE_NOACCESS:
		return -EACCES;
	case NLE_EXIST:
		return -EEXIST;
	case NLE_INVAL:
	case NLE_RANGE:
		return -EINVAL;
	case NLE_OBJ_NOTFOUND:
		return -ENOENT;
	case NLE_AGAIN:
		return -EAGAIN;
	case NLE_BUSY:
		return -EBUSY;
	case NLE_OPNOTSUPP:
	case NLE_PROTO_MISMATCH:
		return -EOPNOTSUPP;
	case NLE_AF_NOSUPPORT:
		return -EAFNOSUPPORT;
	case NLE_MSGSIZE:
		return -EMSGSIZE;
	case NLE_DUMP_INTR:
		return -EINTR;
	case NLE_NODEV:
		return -ENODEV;
	case NLE_BAD_SOCK:
		return -EBADF;
	default:
		return -EIO;
	}
}

int ct_probe_target_open(int pid, uint64_t start_time, struct ct_probe_target *ret)
{
	struct ct_probe_target t = { .pid = pid, .pidfd = -1, .netns_fd = -1, .root_fd = -1 };
	struct stat st;
	char path[64];
	int r;

	r = ct_pidfd_open_checked(pid, start_time, NULL);
	if (r < 0)
		return r;
	t.pidfd = r;
	r = ct_pidfd_ns_open(t.pidfd, pid, "net");
	if (r < 0)
		goto fail;
	t.netns_fd = r;
	if (fstat(t.netns_fd, &st) < 0) {
		r = -errno;
		goto fail;
	}
	t.netns_ino = st.st_ino;
	snprintf(path, sizeof(path), "/proc/%d/root", pid);
	t.root_fd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	/* Only a root opened while the process still lived is its root. */
	if (t.root_fd >= 0 && ct_pidfd_exited(t.pidfd)) {
		r = -ESRCH;
		goto fail;
	}
	*ret = t;
	return 0;
fail:
	ct_probe_target_close(&t);
	return r;
}

void ct_probe_target_close(struct ct_probe_target *t)
{
	if (t->root_fd >= 0)
		close(t->root_fd);
	if (t->netns_fd >= 0)
		close(t->netns_fd);
	if (t->pidfd >= 0)
		close(t->pidfd);
	t->root_fd = t->netns_fd = t->pidfd = -1;
}
