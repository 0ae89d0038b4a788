/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The kernel's process events connector (NETLINK_CONNECTOR, CN_IDX_PROC):
 * fork, exec, exit and comm changes of processes (threads are ignored:
 * the view shows processes).  An event only marks the snapshot dirty; the
 * main loop collects again at most every --rescan seconds.  Needs
 * CAP_NET_ADMIN; without it the main loop falls back to rescanning.
 */
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/cn_proc.h>
#include <linux/connector.h>
#include <linux/netlink.h>

#include "tui.h"

int tui_events_open(struct tui_events *e)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK, .nl_groups = CN_IDX_PROC, .nl_pid = 0 };
	union {
		char buf[NLMSG_SPACE(sizeof(struct cn_msg) + sizeof(enum proc_cn_mcast_op))];
		struct nlmsghdr align;
	} u;
	struct nlmsghdr *nl = &u.align;
	struct cn_msg *cn;
	enum proc_cn_mcast_op op = PROC_CN_MCAST_LISTEN;
	int rcvbuf = 4 << 20;
	_cleanup_close_ int fd = -1;

	*e = (struct tui_events){ .fd = -1 };
	fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, NETLINK_CONNECTOR);
	if (fd < 0)
		return e->error = -errno;
	/* A burst of forks must not overflow the queue between two reads;
	 * if it does anyway, ENOBUFS just means "dirty". */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof(rcvbuf)) < 0)
		(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return e->error = -errno;

	memset(&u, 0, sizeof(u));
	nl->nlmsg_len = NLMSG_LENGTH(sizeof(struct cn_msg) + sizeof(op));
	nl->nlmsg_type = NLMSG_DONE;
	nl->nlmsg_pid = 0;
	cn = NLMSG_DATA(nl);
	cn->id.idx = CN_IDX_PROC;
	cn->id.val = CN_VAL_PROC;
	cn->len = sizeof(op);
	memcpy(cn->data, &op, sizeof(op));
	if (send(fd, u.buf, nl->nlmsg_len, 0) < 0)
		return e->error = -errno;
	e->fd = TAKE_FD(fd);
	return 0;
}

/*
 * Whether the event may change the view.  Not our own children: each
 * collection forks a hostname helper (lib/collect-uts.c), whose fork and
 * exit would otherwise mark the view stale again, and a quiet host would
 * be collected every --rescan seconds for nothing.
 */
static bool interesting(const struct proc_event *ev)
{
	const pid_t self = getpid();

	switch (ev->what) {
	case PROC_EVENT_FORK:
		return ev->event_data.fork.child_pid == ev->event_data.fork.child_tgid &&
		       ev->event_data.fork.parent_tgid != self;
	case PROC_EVENT_EXEC:
		return true;
	case PROC_EVENT_EXIT:
		return ev->event_data.exit.process_pid == ev->event_data.exit.process_tgid &&
		       ev->event_data.exit.parent_tgid != self;
	case PROC_EVENT_COMM:
		return ev->event_data.comm.process_pid == ev->event_data.comm.process_tgid;
	default:
		return false;
	}
}

bool tui_events_parse(struct tui_events *e, const void *buf, size_t size)
{
	ssize_t n = (ssize_t)size;
	bool changed = false;

	/* n goes negative past a last message whose length is not aligned:
	 * compared as a size_t it would let the walk run off the datagram. */
	for (struct nlmsghdr *nl = (struct nlmsghdr *)buf; NLMSG_OK(nl, n); nl = NLMSG_NEXT(nl, n)) {
		const struct cn_msg *cn;
		struct proc_event ev;

		if (nl->nlmsg_type == NLMSG_ERROR || nl->nlmsg_type == NLMSG_NOOP)
			continue;
		if (nl->nlmsg_len < NLMSG_LENGTH(sizeof(*cn) + sizeof(struct proc_event)))
			continue;
		cn = NLMSG_DATA(nl);
		if (cn->id.idx != CN_IDX_PROC || cn->id.val != CN_VAL_PROC)
			continue;
		e->n_events++;
		/* The event sits at offset 36 of the message: copy it out
		 * rather than read its 64-bit fields misaligned. */
		memcpy(&ev, cn->data, sizeof(ev));
		if (interesting(&ev))
			changed = true;
	}
	return changed;
}

bool tui_events_read(struct tui_events *e)
{
	union {
		char buf[16384];
		struct nlmsghdr align;
	} u;
	bool changed = false;

	if (e->fd < 0)
		return false;
	for (;;) {
		ssize_t n = recv(e->fd, u.buf, sizeof(u.buf), 0);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == ENOBUFS) {
				/* Events were lost: whatever they were, collect again. */
				e->overflow = true;
				changed = true;
				continue;
			}
			break;
		}
		if (n == 0)
			break;
		if (tui_events_parse(e, u.buf, (size_t)n))
			changed = true;
	}
	return changed;
}

void tui_events_close(struct tui_events *e)
{
	closep(&e->fd);
	e->fd = -1;
}
