/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The proc connector datagrams the live view reads (tui/events.c:
 * tui_events_parse(), the loop of tui_events_read()), on arbitrary bytes
 * in a buffer of their own exact size, so any read past what the kernel
 * sent is caught.  Seeds: real datagrams (fork, exec, comm, exit, the
 * listen acknowledgement) captured by tests/fuzz/make-seeds.
 *
 * Checked: never more events counted than proc_event-sized messages fit
 * in the datagram; an input without one changes nothing.
 */
#include <linux/cn_proc.h>
#include <linux/connector.h>
#include <linux/netlink.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tui.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const size_t least = NLMSG_LENGTH(sizeof(struct cn_msg) + sizeof(struct proc_event));
	struct tui_events e = { .fd = -1 };
	uint8_t *buf = malloc(size ? size : 1);
	bool changed;

	if (!buf)
		abort();
	memcpy(buf, data, size);
	changed = tui_events_parse(&e, buf, size);
	if (e.n_events > size / least || (changed && e.n_events == 0))
		abort();
	free(buf);
	return 0;
}
