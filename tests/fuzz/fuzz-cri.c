/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The CRI RuntimeService replies (lib/engine-cri.c): the input is a struct
 * ct_cri_reply, its messages in fuzz-check.h's length-prefixed form, in
 * this order:
 *
 *   VersionResponse, ListPodSandboxResponse, ListContainersResponse
 *
 * and ct_cri_parse() decodes it with protobuf-c, as for a live or saved
 * reply; every pod sandbox id of a record is looked up in the pod table.
 * The seeds are containerd 1.6.20's CRI plugin's own replies from
 * tests/fixtures/cri/ (tests/fuzz/make-seeds writes them).
 *
 * Checked: a failure says why and appends nothing; a success gives one
 * detail entry per record, unique non-empty ids, a state name crictl
 * would print, a pod table whose every id is found again.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "engine-cri.h"
#include "fuzz-check.h"

static void check(const struct ct_cri_reply *r, size_t size)
{
	struct ct_container_list l = { 0 };
	struct ct_cri_pods pods = { 0 };
	char *err = NULL;
	int ret = ct_cri_parse(r, &l, &pods, &err);

	if (!fuzz_check_ret(ret, -EBADMSG, err, !l.n && !pods.n_pods && !pods.version))
		return;
	if (pods.n_ctrs != l.n)
		abort();
	fuzz_check_list(&l, size);
	fuzz_check_unique_ids(&l);
	fuzz_check_str(pods.version, size);
	fuzz_check_str(pods.runtime_name, size);
	fuzz_check_str(pods.runtime_version, size);
	fuzz_check_str(pods.runtime_api_version, size);
	for (size_t i = 0; i < pods.n_pods; i++) {
		const struct ct_cri_pod *d = &pods.pods[i];

		if (!d->id || !*d->id || ct_cri_pods_find(&pods, d->id) != d)
			abort(); /* ids are unique and all found */
		fuzz_check_str(d->name, size);
		fuzz_check_str(d->ns, size);
		fuzz_check_str(d->uid, size);
		fuzz_check_str(d->runtime_handler, size);
		fuzz_check_kv(d->labels, d->n_labels, size);
		fuzz_check_kv(d->annotations, d->n_annotations, size);
	}
	for (size_t i = 0; i < l.n; i++) {
		const struct ct_container_rec *c = &l.recs[i];
		const struct ct_cri_ctr *x = &pods.ctrs[i];
		const struct ct_cri_pod *pod = ct_cri_pods_find(&pods, x->pod_sandbox_id);

		if (strcmp(c->source, "cri-api") || c->engine != CT_ENGINE_UNKNOWN || c->init_pid)
			abort();
		if (!c->status || strcmp(c->status, ct_cri_container_state_name(x->state)))
			abort();
		if (pod && strcmp(pod->id, x->pod_sandbox_id))
			abort();
		fuzz_check_str(x->pod_sandbox_id, size);
		fuzz_check_str(x->image_spec, size);
		fuzz_check_str(x->image_ref, size);
		fuzz_check_kv(x->annotations, x->n_annotations, size);
	}
	ct_container_list_clear(&l);
	ct_cri_pods_clear(&pods);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ct_cri_reply r = { .api = CT_CRI_API_V1 };
	const uint8_t *p = data;
	size_t left = size;

	fuzz_next_blob(&p, &left, &r.version.data, &r.version.len);
	fuzz_next_blob(&p, &left, &r.pods.data, &r.pods.len);
	fuzz_next_blob(&p, &left, &r.containers.data, &r.containers.len);
	check(&r, size);
	ct_cri_reply_clear(&r);
	return 0;
}
