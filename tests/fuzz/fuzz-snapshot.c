/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The snapshot loader (ct_snapshot_load, lib/snapshot-io.c) on an arbitrary
 * file: a loaded snapshot has distinct pids in order and no process without
 * a comm, and it resolves and renders (fuzz-world.h) as ctrtree --load does.
 */
#include <sys/mman.h>
#include <unistd.h>

#include "fuzz-world.h"

static int fd = -1;
static char path[64];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ct_snapshot *s = NULL;
	const char *why = NULL;

	if (fd < 0) {
		fd = memfd_create("fuzz-snapshot", MFD_CLOEXEC);
		if (fd < 0)
			abort();
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	}
	if (ftruncate(fd, 0) < 0 || ct_write_all(fd, data, size) < 0 || lseek(fd, 0, SEEK_SET) < 0)
		abort();
	if (ct_snapshot_load(path, &s, &why) < 0) {
		if (s)
			abort(); /* failed, yet a snapshot came back */
		return 0;
	}
	for (size_t i = 0; i < s->n_procs; i++)
		if (!s->procs[i].comm || s->procs[i].pid <= 0 || (i && s->procs[i].pid <= s->procs[i - 1].pid))
			abort(); /* the processes are not sorted, distinct, complete */
	fz_render_snapshot(s, false, true);
	ct_snapshot_free(s);
	return 0;
}
