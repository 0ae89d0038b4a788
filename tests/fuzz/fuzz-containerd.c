/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * containerd's gRPC replies (lib/engine-containerd.c): the input is a
 * struct ct_containerd_reply, its messages in fuzz-check.h's length-prefixed
 * form, in this order:
 *
 *   VersionResponse, ListNamespacesResponse,
 *   then per namespace (at most 8): its name (the bytes up to a NUL),
 *   ListContainersResponse, ListTasksResponse
 *
 * and ct_containerd_parse() decodes it with protobuf-c, as for a live or
 * saved reply.  The seeds are containerd 1.6.20's own replies from
 * tests/fixtures/containerd/ (tests/fuzz/make-seeds writes them).
 *
 * Checked: a failure says why and appends nothing; a success gives one
 * detail entry per record, records of namespaces that were asked, a
 * status only with a task, an init pid only while its process exists;
 * and each containers reply without its environments (what --save keeps)
 * has none left to drop.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "engine-containerd.h"
#include "fuzz-check.h"

#define MAX_NS 8

static bool has_process(int status)
{
	return status == CT_CONTAINERD_TASK_CREATED || status == CT_CONTAINERD_TASK_RUNNING ||
	       status == CT_CONTAINERD_TASK_PAUSED || status == CT_CONTAINERD_TASK_PAUSING;
}

static void check(const struct ct_containerd_reply *r, size_t size)
{
	struct ct_container_list l = { 0 };
	struct ct_containerd_info info = { 0 };
	char *err = NULL;
	int ret = ct_containerd_parse(r, &l, &info, &err);

	if (!fuzz_check_ret(ret, -EBADMSG, err, !l.n && !info.n_ctrs && !info.version))
		return;
	if (info.n_ctrs != l.n)
		abort();
	fuzz_check_list(&l, size);
	fuzz_check_str(info.version, size);
	fuzz_check_str(info.revision, size);
	if (!r->namespaces.data && info.n_namespaces)
		abort();
	for (size_t i = 0; i < info.n_namespaces; i++) {
		if (!info.namespaces[i].name)
			abort();
		fuzz_check_str(info.namespaces[i].name, size);
		fuzz_check_kv(info.namespaces[i].labels, info.namespaces[i].n_labels, size);
	}
	for (size_t i = 0; i < l.n; i++) {
		const struct ct_container_rec *c = &l.recs[i];
		const struct ct_containerd_ctr *x = &info.ctrs[i];
		bool asked = false;

		if (c->engine != CT_ENGINE_CONTAINERD || strcmp(c->source, "containerd-api") != 0)
			abort();
		for (size_t k = 0; k < r->n_ns; k++)
			asked |= c->engine_ns && strcmp(c->engine_ns, r->ns[k].name) == 0;
		if (!asked)
			abort();
		if (!x->has_task != !c->status)
			abort(); /* a status comes from a task only */
		if (c->status && strcmp(c->status, ct_containerd_task_status_name(x->task_status)))
			abort();
		if (c->init_pid && (!x->has_task || !has_process(x->task_status) ||
				    (uint32_t)c->init_pid != x->task_pid))
			abort();
		if (!x->spec != !x->spec_len || (x->spec && x->spec_len > size))
			abort();
		fuzz_check_str(x->snapshotter, size);
		fuzz_check_str(x->snapshot_key, size);
		fuzz_check_str(x->sandbox, size);
		fuzz_check_str(x->spec_type_url, size);
	}
	ct_container_list_clear(&l);
	ct_containerd_info_clear(&info);
}

/* What a snapshot keeps of a containers reply: once the environments are
 * out, none is left to take out (and what does not unpack is refused). */
static void check_drop_env(const struct ct_containerd_blob *b)
{
	struct ct_containerd_blob noenv = { 0 }, again = { 0 };
	int r = ct_containerd_drop_env(b, &noenv);

	if (r != -EBADMSG && r != 0 && r != 1)
		abort();
	if ((r == 1) != (noenv.data != NULL))
		abort(); /* a new message exactly when something was dropped */
	if (r == 1 && ct_containerd_drop_env(&noenv, &again) != 0)
		abort(); /* an environment (or a spec that is not JSON) was kept */
	free(noenv.data);
	free(again.data);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ct_containerd_reply r = { 0 };
	const uint8_t *p = data;
	size_t left = size;

	fuzz_next_blob(&p, &left, &r.version.data, &r.version.len);
	fuzz_next_blob(&p, &left, &r.namespaces.data, &r.namespaces.len);
	while (left >= 4 && r.n_ns < MAX_NS) {
		struct ct_containerd_ns_reply *ns;
		uint8_t *name;
		size_t len;

		fuzz_next_blob(&p, &left, &name, &len);
		name = realloc(name, len + 1);
		if (!name)
			abort();
		name[len] = '\0';
		/* The query asks only valid namespace names (a lying Namespaces.List
		 * gets no further): so does the fuzzer. */
		ns = ct_containerd_reply_add_ns(&r, ct_containerd_namespace_valid((const char *)name)
							    ? (const char *)name : "default");
		free(name);
		fuzz_next_blob(&p, &left, &ns->containers.data, &ns->containers.len);
		fuzz_next_blob(&p, &left, &ns->tasks.data, &ns->tasks.len);
	}
	check(&r, size);
	for (size_t k = 0; k < r.n_ns; k++)
		check_drop_env(&r.ns[k].containers);
	ct_containerd_reply_clear(&r);
	return 0;
}
