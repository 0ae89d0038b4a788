/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * For the harnesses that go through the resolver: a small hand-built host
 * (init, kthreadd, dockerd, containerd, shims, conmon, container inits,
 * runc and crun containers, a zombie) to hang one fuzzed runtime file on,
 * and ctrtree's own rendering of a snapshot (JSON, the logical and the
 * kernel tree, the namespace list) with the properties every output must
 * keep: the JSON parses, the text holds no control byte.
 */
#ifndef CT_FUZZ_WORLD_H
#define CT_FUZZ_WORLD_H

#include <locale.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "escape.h"
#include "fuzz-check.h"
#include "render.h"
#include "util.h"

/* The ids the processes below stand for (the seeds name them too). */
#define FZ_DOCKER_ID "3f4c2a9d1e8b7c6a5d4e3f2a1b0c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2c"
#define FZ_K8S_ID "9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b"
#define FZ_PODMAN_ID "264089940d086afdb95a8642e029085d8809161a156b0c4738eacb89803c4d21"

struct fz_proc {
	int pid, ppid;
	uint64_t start;
	char state;
	unsigned flags;
	const char *comm;
	const char *argv[16];
	int nspid[2];	      /* {0}: the host pid only */
	uint64_t ns_base;     /* 0: the host's namespaces */
	const char *cgroup;   /* v2 path; the v1 lines get the same */
};

/* Namespace inodes: the host's from 4026531834 on, a container's from its base. */
#define FZ_HOST_NS 4026531834ULL

static const struct fz_proc fz_procs[] = {
	{ 1, 0, 8, 'S', 0, "init", { "/sbin/init" }, { 0 }, 0, "/" },
	{ 2, 0, 8, 'S', CT_PROC_KTHREAD, "kthreadd", { NULL }, { 0 }, 0, "/" },
	{ 900, 1, 2000, 'S', 0, "dockerd",
	  { "/usr/sbin/dockerd", "-H", "fd://", "--containerd=/run/containerd/containerd.sock" }, { 0 }, 0, "/" },
	{ 950, 1, 2100, 'S', 0, "containerd", { "/usr/bin/containerd" }, { 0 }, 0, "/" },
	{ 2101, 1, 50000, 'S', 0, "sleep", { "sleep", "300" }, { 2101, 1 }, 4026532200ULL, "/web1" },
	{ 2305, 1, 53000, 'S', 0, "runc:[2:INIT]", { "runc", "init" }, { 2305, 1 }, 4026532300ULL, "/pending1" },
	{ 2400, 1, 54000, 'Z', 0, "sleep", { NULL }, { 2400, 1 }, 4026532400ULL, "/gone1" },
	{ 3000, 1, 60000, 'S', 0, "containerd-shim",
	  { "/usr/bin/containerd-shim-runc-v2", "-namespace", "moby", "-id", FZ_DOCKER_ID, "-address",
	    "/run/containerd/containerd.sock" }, { 0 }, 0, "/" },
	{ 3050, 3000, 60100, 'S', 0, "nginx", { "nginx", "-g", "daemon off;" }, { 3050, 1 }, 4026532500ULL,
	  "/docker/" FZ_DOCKER_ID },
	{ 3100, 1, 61000, 'S', 0, "containerd-shim",
	  { "/usr/bin/containerd-shim-runc-v2", "-namespace", "k8s.io", "-id", FZ_K8S_ID, "-address",
	    "/run/containerd/containerd.sock" }, { 0 }, 0, "/" },
	{ 3150, 3100, 61100, 'S', 0, "pause", { "/pause" }, { 3150, 1 }, 4026532600ULL,
	  "/kubepods/besteffort/pod0f1e2d3c/" FZ_K8S_ID },
	{ 4000, 1, 70000, 'S', 0, "conmon",
	  { "/usr/bin/conmon", "--api-version", "1", "-c", FZ_PODMAN_ID, "-u", FZ_PODMAN_ID, "-r", "/usr/bin/crun", "-b",
	    "/var/lib/containers/storage/overlay-containers/" FZ_PODMAN_ID "/userdata", "-n", "web" }, { 0 }, 0, "/" },
	{ 4050, 4000, 70100, 'S', 0, "httpd", { "httpd", "-DFOREGROUND" }, { 4050, 1 }, 4026532700ULL,
	  "/libpod_parent/libpod-" FZ_PODMAN_ID },
	{ 5000, 1, 80000, 'S', 0, "lxc-start", { "[lxc monitor] /var/lib/lxc web2" }, { 0 }, 0, "/" },
	{ 5050, 5000, 80100, 'S', 0, "init", { "/sbin/init" }, { 5050, 1 }, 4026533000ULL, "/lxc.payload.web2" },
	{ 23500, 1, 2903212, 'S', 0, "sleep", { "sleep", "300" }, { 23500, 1 }, 4026532800ULL, "/h1fuzz" },
	{ 23737, 1, 2903523, 'S', 0, "sleep", { "sleep", "300" }, { 23737, 1 }, 4026532900ULL, "/h1crun" },
};

/* The host above with one runtime file: path holding data (size bytes and a NUL). */
static inline struct ct_snapshot *fz_snapshot(const char *path, const uint8_t *data, size_t size)
{
	struct ct_snapshot *s = xcalloc(1, sizeof(*s));
	struct ct_arena *a = &s->arena;

	s->host = (struct ct_host){ .hostname = "deb12", .kernel = "6.1.0-13-amd64",
				    .cgroup_mode = CT_CGROUP_HYBRID, .time = 1764476400,
				    .boot_time = 1764390000, .hertz = 100 };
	for (int t = 0; t < CT_NS_COUNT; t++)
		s->host.host_ns[t] = (struct ct_ns_id){ 4, FZ_HOST_NS + (uint64_t)t };
	s->n_procs = ARRAY_SIZE(fz_procs);
	s->procs = xcalloc(s->n_procs, sizeof(*s->procs));
	for (size_t i = 0; i < s->n_procs; i++) {
		const struct fz_proc *f = &fz_procs[i];
		struct ct_proc *p = &s->procs[i];
		struct ct_cgroup_line *cg = ct_arena_alloc(a, 2 * sizeof(*cg));
		const char **argv;
		int *nspid;
		size_t argc = 0;

		while (f->argv[argc])
			argc++;
		argv = ct_arena_alloc(a, (argc ? argc : 1) * sizeof(*argv));
		memcpy(argv, f->argv, argc * sizeof(*argv));
		nspid = ct_arena_alloc(a, 2 * sizeof(*nspid));
		nspid[0] = f->pid;
		nspid[1] = f->nspid[1];
		cg[0] = (struct ct_cgroup_line){ 4, "pids", f->cgroup };
		cg[1] = (struct ct_cgroup_line){ 0, "", f->cgroup };
		*p = (struct ct_proc){ .pid = f->pid, .ppid = f->ppid, .start_time = f->start,
				       .state = f->state, .flags = f->flags, .comm = f->comm,
				       .argv = argv, .argc = argc, .nspid = nspid,
				       .n_nspid = f->nspid[0] ? 2 : 1, .cgroups = cg, .n_cgroups = 2,
				       .user = "root" };
		for (int t = 0; t < CT_NS_COUNT; t++) {
			bool own = f->ns_base && t != CT_NS_USER && t != CT_NS_CGROUP && t != CT_NS_TIME;

			p->ns[t] = (struct ct_ns_id){ 4, (own ? f->ns_base : FZ_HOST_NS) + (uint64_t)t };
		}
	}
	s->files = xcalloc(1, sizeof(*s->files));
	s->files[0] = (struct ct_state_file){ .path = ct_arena_strdup(a, path),
					      .data = (const char *)data,
					      .len = size };
	s->n_files = 1;
	s->runtime_collected = true;
	return s;
}

/* Run one renderer into memory and check what it wrote: JSON, or text
 * (what: 0 the tree with every column, 1 the namespace list, 2 the tree
 * with the default and the container columns). */
static inline void fz_render_one(const struct ct_model *m, const struct ct_world *w, bool json, bool utf8,
			  const bool *keep, int what)
{
	static const int all_cols[] = {
		CT_COL_PID,	CT_COL_PPID,   CT_COL_USER,   CT_COL_UID,     CT_COL_STATE,	CT_COL_START,
		CT_COL_NS,	CT_COL_NSPID,  CT_COL_CGROUP, CT_COL_CGROUPNS, CT_COL_IPCNS,	CT_COL_MNTNS,
		CT_COL_NETNS,	CT_COL_PIDNS,  CT_COL_TIMENS, CT_COL_USERNS,  CT_COL_UTSNS,	CT_COL_COMM,
		CT_COL_ROLE,	CT_COL_CONTAINER, CT_COL_CID, CT_COL_COMMAND,
	};
	/* ctrtree's default and the container columns: cheaper per input. */
	static const int some_cols[] = {
		CT_COL_PID, CT_COL_USER, CT_COL_NS, CT_COL_CGROUP, CT_COL_ROLE, CT_COL_CONTAINER, CT_COL_CID,
		CT_COL_COMMAND,
	};
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	struct ct_render_opts ro = { .cols = what == 2 ? some_cols : all_cols,
				     .n_cols = what == 2 ? ARRAY_SIZE(some_cols) : ARRAY_SIZE(all_cols),
				     .keep = keep, .out = f, .world = w };
	int r;

	if (!f)
		abort();
	/* As ctrtree: UTF-8 output only in a UTF-8 locale (libsmartcols measures
	 * cells by the locale). */
	if (!setlocale(LC_ALL, utf8 ? "C.UTF-8" : "C"))
		abort();
	ct_escape_set_utf8(utf8);
	if (json)
		r = ct_render_json(m, w, keep, f);
	else if (what == 1)
		r = ct_render_namespaces(m, &ro);
	else
		r = ct_render_tree(m, &ro);
	if (fclose(f) != 0 || r < 0)
		abort(); /* rendering into memory cannot fail */
	if (json)
		fuzz_check_json(buf, len);
	else
		fuzz_check_text(buf, len, utf8, true);
	free(buf);
}

/*
 * What ctrtree does with a snapshot: resolve it, render it as JSON (all:
 * the whole document, else each container's part) and as the logical tree
 * (in a UTF-8 locale or not); with all, also the kernel's tree and the
 * namespace list, in both locales.
 */
static inline void fz_render_snapshot(const struct ct_snapshot *s, bool utf8, bool all)
{
	struct ct_world *w = ct_world_new(s);
	size_t *parents = ct_world_tree_parents(w, true);
	struct ct_model *m = ct_model_new_ex(s, s->n_procs + w->n_containers, parents);

	if (all) {
		fz_render_one(m, w, true, false, NULL, 0);
	} else {
		/* Only the containers' JSON: what a runtime file feeds, for a
		 * fraction of the whole document's allocations. */
		for (size_t c = 0; c < w->n_containers; c++) {
			struct json_object *o = ct_json_container(w, &w->containers[c]);
			size_t n;
			const char *t = json_object_to_json_string_length(o, JSON_C_TO_STRING_PLAIN, &n);

			fuzz_check_json(t, n);
			json_object_put(o);
		}
	}
	fz_render_one(m, w, false, utf8, NULL, all ? 0 : 2);
	if (all)
		fz_render_one(m, w, false, !utf8, NULL, 0);
	ct_model_free(m);
	free(parents);

	if (all) { /* --kernel-tree and --namespaces */
		parents = ct_world_tree_parents(w, false);
		m = ct_model_new_ex(s, s->n_procs, parents);
		fz_render_one(m, w, false, false, NULL, 0);
		fz_render_one(m, w, false, true, NULL, 1);
		ct_model_free(m);
		free(parents);
	}
	ct_world_free(w);
}

/* The host with data at each of paths in turn, resolved and rendered. */
static inline void fz_each_path(const char *const *paths, size_t n, const uint8_t *data, size_t size)
{
	for (size_t i = 0; i < n; i++) {
		/* Its own exact-size copy, not the arena: ASan sees a read past it. */
		char *copy = xmemdup0(data, size);
		struct ct_snapshot *s = fz_snapshot(paths[i], (const uint8_t *)copy, size);

		fz_render_snapshot(s, i % 2, false);
		ct_snapshot_free(s);
		free(copy);
	}
}

#endif
