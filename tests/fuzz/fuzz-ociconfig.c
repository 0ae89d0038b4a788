/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * An OCI bundle's config.json, as the resolver (lib/resolve.c) reads its
 * annotations from a snapshot's files: the input is the bundle config of a
 * docker, a Kubernetes (containerd) and a podman container of the host in
 * fuzz-world.h; the world is then rendered: its containers as JSON, the
 * tree as text.
 */
#include "fuzz-world.h"

static const char *const paths[] = {
	"/run/docker/containerd/daemon/io.containerd.runtime.v2.task/moby/" FZ_DOCKER_ID "/config.json",
	"/run/containerd/io.containerd.runtime.v2.task/k8s.io/" FZ_K8S_ID "/config.json",
	"/var/lib/containers/storage/overlay-containers/" FZ_PODMAN_ID "/userdata/config.json",
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fz_each_path(paths, ARRAY_SIZE(paths), data, size);
	return 0;
}
