/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The engines' own records, as the resolver (lib/resolve.c) reads them from
 * a snapshot's files: dockerd's config.v2.json of a container (used when
 * its API did not answer) and an LXC container's config
 * (LXCPATH/NAME/config, "key = value" lines).  The input is each in turn,
 * for the docker and the LXC container of the host in fuzz-world.h; the
 * world is then rendered: its containers as JSON, the tree as text.
 */
#include "fuzz-world.h"

static const char *const paths[] = {
	"/var/lib/docker/containers/" FZ_DOCKER_ID "/config.v2.json",
	"/var/lib/lxc/web2/config",
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fz_each_path(paths, ARRAY_SIZE(paths), data, size);
	return 0;
}
