/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * runc's state.json and crun's status, as the resolver (lib/resolve.c)
 * reads them from a snapshot's files: the input is that file under each
 * runtime root ctrtree knows (runc's and crun's own, docker's, containerd's),
 * on a host with live, created, dead and zombie container inits; the world
 * is then rendered: its containers as JSON, the tree as text (the locale
 * UTF-8 or not, by path).
 */
#include "fuzz-world.h"

static const char *const paths[] = {
	"/run/runc/h1fuzz/state.json",
	"/run/crun/h1crun/status",
	"/run/docker/runtime-runc/moby/" FZ_DOCKER_ID "/state.json",
	"/run/containerd/runc/k8s.io/" FZ_K8S_ID "/state.json",
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fz_each_path(paths, ARRAY_SIZE(paths), data, size);
	return 0;
}
