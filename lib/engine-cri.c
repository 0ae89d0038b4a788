/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The CRI RuntimeService: Version, ListPodSandbox and ListContainers, in
 * runtime.v1 or runtime.v1alpha2.  The messages are decoded with protobuf-c
 * from lib/proto/cri.proto, a subset of kubernetes' cri-api api.proto with
 * the same field numbers (the two service versions share them).
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <protobuf-c/protobuf-c.h>

#include "cri.pb-c.h"
#include "engine-cri.h"
#include "grpc.h"
#include "util.h"

#define SERVICE_V1	 "runtime.v1.RuntimeService"
#define SERVICE_V1ALPHA2 "runtime.v1alpha2.RuntimeService"
/* What the kubelet sends in VersionRequest (kubeRuntimeAPIVersion). */
#define KUBELET_API_VERSION "0.1.0"

const char *ct_cri_api_name(enum ct_cri_api api)
{
	switch (api) {
	case CT_CRI_API_AUTO:
		return "auto";
	case CT_CRI_API_V1:
		return "v1";
	case CT_CRI_API_V1ALPHA2:
		return "v1alpha2";
	}
	return "?";
}

static const char *service_of(enum ct_cri_api api)
{
	return api == CT_CRI_API_V1ALPHA2 ? SERVICE_V1ALPHA2 : SERVICE_V1;
}

const char *ct_cri_sandbox_state_name(int state)
{
	switch (state) {
	case CT_CRI_SANDBOX_READY:
		return "ready";
	case CT_CRI_SANDBOX_NOTREADY:
		return "notready";
	}
	return "unknown";
}

const char *ct_cri_container_state_name(int state)
{
	static const char *const names[] = {
		[CT_CRI_CONTAINER_CREATED] = "created",
		[CT_CRI_CONTAINER_RUNNING] = "running",
		[CT_CRI_CONTAINER_EXITED] = "exited",
		[CT_CRI_CONTAINER_UNKNOWN] = "unknown",
	};

	return state >= 0 && (size_t)state < ARRAY_SIZE(names) ? names[state] : "unknown";
}

enum ct_engine_kind ct_cri_engine_kind(const char *runtime_name)
{
	if (!runtime_name)
		return CT_ENGINE_UNKNOWN;
	if (strcmp(runtime_name, "containerd") == 0)
		return CT_ENGINE_CONTAINERD;
	if (strcmp(runtime_name, "cri-o") == 0)
		return CT_ENGINE_CRIO;
	return CT_ENGINE_UNKNOWN;
}

static void blob_clear(struct ct_cri_blob *b)
{
	free(b->data);
	*b = (struct ct_cri_blob){ 0 };
}

void ct_cri_reply_clear(struct ct_cri_reply *r)
{
	blob_clear(&r->version);
	blob_clear(&r->pods);
	blob_clear(&r->containers);
	*r = (struct ct_cri_reply){ 0 };
}


/* -------------------------------------------------------------------------
 * The query.
 */

static void channel_freep(struct ct_grpc_channel **ch)
{
	ct_grpc_channel_free(*ch);
}

static void reply_clearp(struct ct_cri_reply *r)
{
	ct_cri_reply_clear(r);
}

/* One unary call of RuntimeService/method in the given service version. */
static int call(struct ct_grpc_channel *ch, enum ct_cri_api api, const char *method,
		const void *req, size_t req_len, struct ct_cri_blob *ret, int *ret_status,
		char **ret_error)
{
	_cleanup_free_ char *path = NULL;

	if (asprintf(&path, "/%s/%s", service_of(api), method) < 0)
		abort();
	return ct_grpc_call(ch, path, NULL, req, req_len, &ret->data, &ret->len, ret_status,
			    ret_error);
}

/*
 * A grpc-go server (containerd, CRI-O) answers a method it does not serve
 * at once, from the request headers: a Trailers-Only UNIMPLEMENTED, then
 * RST_STREAM(NO_ERROR) because the request body is still unread.  When both
 * frames arrive before libcurl 7.88 has sent that body, it fails the
 * transfer ("stream 1 closed", CURLE_HTTP2_STREAM: -EPROTO without a
 * grpc-status here) and the UNIMPLEMENTED is lost.  Measured against
 * containerd 1.6 without CRI: one call in five, in runs of up to 19 in a
 * row when retried at once.  Retried after 1, 2, 4, 8, 16, 16... ms (at
 * most ~150 ms in all, and never past the channel's deadline), no query of
 * a thousand lost it; a real non-gRPC peer fails the same way each time,
 * quickly.  The fallback below also takes a lost status for what it almost
 * surely was.  Only a request without a message (END_STREAM on the HEADERS
 * frame, which lib/grpc.c cannot send yet) avoids the race: grpc-go then
 * never resets the stream (measured: 300 of 300 clean UNIMPLEMENTED).
 */
#define LOST_STATUS_RETRIES 8

static bool lost_status(int r, int status)
{
	return r == -EPROTO && status == -1;
}

static int call_unary_retry(struct ct_grpc_channel *ch, enum ct_cri_api api, const char *method,
			    const void *req, size_t req_len, struct ct_cri_blob *ret,
			    int *ret_status, char **ret_error)
{
	int r;

	for (unsigned i = 0;; i++) {
		_cleanup_free_ char *error = NULL;

		*ret_status = -1;
		r = call(ch, api, method, req, req_len, ret, ret_status, &error);
		if (!lost_status(r, *ret_status) || i == LOST_STATUS_RETRIES) {
			if (r < 0 && ret_error)
				*ret_error = TAKE_PTR(error);
			return r;
		}
		ct_debug("cri", "runtime.%s %s: %s; retrying", ct_cri_api_name(api), method, error);
		/* Failures come in runs: a pause, growing, breaks them. */
		nanosleep(&(struct timespec){ .tv_nsec = 1000000L << (i < 4 ? i : 4) }, NULL);
	}
}

/*
 * Version, in the service version asked for, or with CT_CRI_API_AUTO in v1
 * and then v1alpha2.  Sets *ret_api to the one that answered.
 */
static int call_version(struct ct_grpc_channel *ch, enum ct_cri_api want, struct ct_cri_blob *ret,
			enum ct_cri_api *ret_api, char **ret_error)
{
	_cleanup_free_ char *error = NULL, *error1 = NULL;
	Ctcri__VersionRequest vreq = CTCRI__VERSION_REQUEST__INIT;
	uint8_t req[64];
	size_t req_len;
	enum ct_cri_api api = want == CT_CRI_API_AUTO ? CT_CRI_API_V1 : want;
	int status = -1, r;

	vreq.version = (char *)KUBELET_API_VERSION;
	req_len = protobuf_c_message_get_packed_size(&vreq.base);
	if (req_len > sizeof(req))
		return ct_fail(ret_error, -EINVAL, "Version: request too large");
	protobuf_c_message_pack(&vreq.base, req);

	r = call_unary_retry(ch, api, "Version", req, req_len, ret, &status, &error);
	if (want == CT_CRI_API_AUTO &&
	    (status == CT_GRPC_UNIMPLEMENTED || lost_status(r, status))) {
		bool unimplemented = status == CT_GRPC_UNIMPLEMENTED;

		ct_debug("cri", "runtime.v1: %s; trying runtime.v1alpha2", error);
		error1 = TAKE_PTR(error);
		api = CT_CRI_API_V1ALPHA2;
		r = call_unary_retry(ch, api, "Version", req, req_len, ret, &status, &error);
		/* One clear UNIMPLEMENTED and one lost status: not CRI. */
		if (status == CT_GRPC_UNIMPLEMENTED || (unimplemented && lost_status(r, status)))
			return ct_fail(ret_error, -EOPNOTSUPP,
				       "Version: no CRI RuntimeService, neither runtime.v1 nor "
				       "runtime.v1alpha2 (%s)",
				       status == CT_GRPC_UNIMPLEMENTED ? error : error1);
	}
	if (r < 0 && status == CT_GRPC_UNIMPLEMENTED)
		return ct_fail(ret_error, -EOPNOTSUPP, "Version: no runtime.%s RuntimeService (%s)",
			       ct_cri_api_name(api), error);
	if (r < 0)
		return ct_fail(ret_error, r, "Version: %s", error);
	*ret_api = api;
	return 0;
}

int ct_cri_query(const char *socket, const struct ct_cri_opts *opts, struct ct_cri_reply *ret,
		 char **ret_error)
{
	_cleanup_(channel_freep) struct ct_grpc_channel *ch = NULL;
	_cleanup_(reply_clearp) struct ct_cri_reply reply = { 0 };
	struct ct_grpc_opts gopts = {
		.timeout_ms = opts ? opts->timeout_ms : 0,
		.max_message = opts ? opts->max_message : 0,
	};
	enum ct_cri_api want = opts ? opts->api : CT_CRI_API_AUTO;
	static const struct {
		const char *method;
		size_t off;
	} lists[] = {
		{ "ListPodSandbox", offsetof(struct ct_cri_reply, pods) },
		{ "ListContainers", offsetof(struct ct_cri_reply, containers) },
	};
	int r;

	if (want != CT_CRI_API_AUTO && want != CT_CRI_API_V1 && want != CT_CRI_API_V1ALPHA2)
		return ct_fail(ret_error, -EINVAL, "invalid CRI API version");
	r = ct_grpc_channel_new(socket, &gopts, &ch);
	if (r == -ENAMETOOLONG)
		return ct_fail(ret_error, r, "socket path too long");
	if (r < 0)
		return ct_fail(ret_error, r, "cannot set up a gRPC channel: %s", strerror(-r));

	r = call_version(ch, want, &reply.version, &reply.api, ret_error);
	if (r < 0)
		return r;
	/* The requests carry no filter: zero bytes. */
	for (size_t i = 0; i < ARRAY_SIZE(lists); i++) {
		struct ct_cri_blob *b = (struct ct_cri_blob *)((char *)&reply + lists[i].off);
		_cleanup_free_ char *error = NULL;

		r = call(ch, reply.api, lists[i].method, NULL, 0, b, NULL, &error);
		if (r < 0)
			return ct_fail(ret_error, r, "%s: %s", lists[i].method, error);
	}
	*ret = reply;
	reply = (struct ct_cri_reply){ 0 };
	return 0;
}

/* -------------------------------------------------------------------------
 * The parse.
 */

static void pod_clear(struct ct_cri_pod *p)
{
	free(p->id);
	free(p->name);
	free(p->ns);
	free(p->uid);
	free(p->runtime_handler);
	ct_kv_free(p->labels, p->n_labels);
	ct_kv_free(p->annotations, p->n_annotations);
}

static void ctr_clear(struct ct_cri_ctr *c)
{
	free(c->pod_sandbox_id);
	free(c->image_spec);
	free(c->image_ref);
	ct_kv_free(c->annotations, c->n_annotations);
}

void ct_cri_pods_clear(struct ct_cri_pods *p)
{
	free(p->version);
	free(p->runtime_name);
	free(p->runtime_version);
	free(p->runtime_api_version);
	for (size_t i = 0; i < p->n_pods; i++)
		pod_clear(&p->pods[i]);
	free(p->pods);
	free(p->sorted);
	for (size_t i = 0; i < p->n_ctrs; i++)
		ctr_clear(&p->ctrs[i]);
	free(p->ctrs);
	*p = (struct ct_cri_pods){ 0 };
}

static void pods_clearp(struct ct_cri_pods *p)
{
	ct_cri_pods_clear(p);
}

/* Nanoseconds since the epoch; a negative time is taken as unset. */
static int64_t ns_or_zero(int64_t t)
{
	return t > 0 ? t : 0;
}

/*
 * A map<string, string> into key-value pairs.  Each map field has its own
 * generated entry type (with key and value alike): a macro serves them all.
 */
#define ADD_MAP(kv, n, entries, count)                                                             \
	do {                                                                                       \
		for (size_t i_ = 0; i_ < (count); i_++)                                            \
			ct_kv_add(kv, n, (entries)[i_]->key ? (entries)[i_]->key : "",             \
				  (entries)[i_]->value);                                           \
	} while (0)

struct id_at {
	const char *id;
	size_t i;
};

static int id_at_cmp(const void *a, const void *b)
{
	const struct id_at *x = a, *y = b;
	int c = strcmp(x->id, y->id);

	if (c)
		return c;
	return x->i < y->i ? -1 : x->i > y->i;
}

/*
 * Which of n ids to keep: the non-empty ones, each at its first position
 * only.  O(n log n): a hostile list of millions of ids costs no quadratic
 * time.  Returns a malloc'd mask; *ret_sorted (if not NULL) receives the
 * kept positions sorted by id.
 */
static bool *keep_first(const char *const *ids, size_t n, size_t **ret_sorted, size_t *ret_kept)
{
	_cleanup_free_ struct id_at *v = xcalloc(n + 1, sizeof(*v));
	bool *keep = xcalloc(n + 1, sizeof(*keep));
	size_t m = 0, kept = 0, *sorted = NULL;

	for (size_t i = 0; i < n; i++)
		if (ids[i] && *ids[i])
			v[m++] = (struct id_at){ ids[i], i };
	qsort(v, m, sizeof(*v), id_at_cmp);
	if (ret_sorted)
		sorted = xcalloc(m + 1, sizeof(*sorted));
	for (size_t j = 0; j < m; j++) {
		if (j > 0 && strcmp(v[j].id, v[j - 1].id) == 0) {
			ct_debug("cri", "id listed twice, the later one skipped");
			continue;
		}
		keep[v[j].i] = true;
		if (sorted)
			sorted[kept] = v[j].i;
		kept++;
	}
	if (ret_sorted)
		*ret_sorted = sorted;
	*ret_kept = kept;
	return keep;
}

static int parse_version(const struct ct_cri_blob *blob, struct ct_cri_pods *p, char **ret_error)
{
	struct ct_pb_budget budget;
	ProtobufCMessage *m;
	Ctcri__VersionResponse *v;
	int r;

	if (!blob->data)
		return 0;
	r = ct_pb_unpack(&ctcri__version_response__descriptor, blob->data, blob->len, &budget, &m, ret_error,
		      "Version");
	if (r < 0)
		return r;
	v = (Ctcri__VersionResponse *)m;
	p->version = ct_strdup_nonempty(v->version);
	p->runtime_name = ct_strdup_nonempty(v->runtime_name);
	p->runtime_version = ct_strdup_nonempty(v->runtime_version);
	p->runtime_api_version = ct_strdup_nonempty(v->runtime_api_version);
	ct_pb_free_msg(m, &budget);
	return 0;
}

static int parse_pods(const struct ct_cri_blob *blob, struct ct_cri_pods *p, char **ret_error)
{
	_cleanup_free_ const char **ids = NULL;
	_cleanup_free_ bool *keep = NULL;
	_cleanup_free_ size_t *pos = NULL;
	struct ct_pb_budget budget;
	ProtobufCMessage *m;
	Ctcri__ListPodSandboxResponse *l;
	size_t kept;
	int r;

	if (!blob->data)
		return 0;
	r = ct_pb_unpack(&ctcri__list_pod_sandbox_response__descriptor, blob->data, blob->len, &budget, &m, ret_error,
		      "ListPodSandbox");
	if (r < 0)
		return r;
	l = (Ctcri__ListPodSandboxResponse *)m;

	ids = xcalloc(l->n_items + 1, sizeof(*ids));
	for (size_t i = 0; i < l->n_items; i++)
		ids[i] = l->items[i]->id;
	keep = keep_first(ids, l->n_items, &p->sorted, &kept);
	p->pods = xcalloc(kept + 1, sizeof(*p->pods));
	/* Where each kept item lands in p->pods, to renumber p->sorted. */
	pos = xcalloc(l->n_items + 1, sizeof(*pos));

	for (size_t i = 0; i < l->n_items; i++) {
		const Ctcri__PodSandbox *s = l->items[i];
		struct ct_cri_pod *d;

		if (!keep[i]) {
			ct_debug("cri", "ListPodSandbox: item %zu skipped (no id or a repeated id)",
				 i);
			continue;
		}
		pos[i] = p->n_pods;
		d = &p->pods[p->n_pods++];
		d->id = xstrdup(s->id);
		if (s->metadata) {
			d->name = ct_strdup_nonempty(s->metadata->name);
			d->ns = ct_strdup_nonempty(s->metadata->namespace_);
			d->uid = ct_strdup_nonempty(s->metadata->uid);
			d->attempt = s->metadata->attempt;
		}
		d->state = (int)s->state;
		d->created_at = ns_or_zero(s->created_at);
		d->runtime_handler = ct_strdup_nonempty(s->runtime_handler);
		ADD_MAP(&d->labels, &d->n_labels, s->labels, s->n_labels);
		ADD_MAP(&d->annotations, &d->n_annotations, s->annotations, s->n_annotations);
	}
	for (size_t j = 0; j < kept; j++)
		p->sorted[j] = pos[p->sorted[j]];
	ct_pb_free_msg(m, &budget);
	return 0;
}

struct parse_out {
	struct ct_container_list list;
	struct ct_cri_ctr *ctrs;
	size_t n_ctrs;
};

static void parse_out_clear(struct parse_out *o)
{
	ct_container_list_clear(&o->list);
	for (size_t i = 0; i < o->n_ctrs; i++)
		ctr_clear(&o->ctrs[i]);
	free(o->ctrs);
}

static int parse_containers(const struct ct_cri_blob *blob, struct parse_out *o, char **ret_error)
{
	_cleanup_free_ const char **ids = NULL;
	_cleanup_free_ bool *keep = NULL;
	struct ct_pb_budget budget;
	ProtobufCMessage *m;
	Ctcri__ListContainersResponse *l;
	size_t kept;
	int r;

	if (!blob->data)
		return 0;
	r = ct_pb_unpack(&ctcri__list_containers_response__descriptor, blob->data, blob->len, &budget, &m, ret_error,
		      "ListContainers");
	if (r < 0)
		return r;
	l = (Ctcri__ListContainersResponse *)m;

	ids = xcalloc(l->n_containers + 1, sizeof(*ids));
	for (size_t i = 0; i < l->n_containers; i++)
		ids[i] = l->containers[i]->id;
	keep = keep_first(ids, l->n_containers, NULL, &kept);
	o->list.recs = xcalloc(kept + 1, sizeof(*o->list.recs));
	o->ctrs = xcalloc(kept + 1, sizeof(*o->ctrs));

	for (size_t i = 0; i < l->n_containers; i++) {
		const Ctcri__Container *c = l->containers[i];
		struct ct_container_rec *rec;
		struct ct_cri_ctr *x;
		const char *image = NULL;

		if (!keep[i]) {
			ct_debug("cri", "ListContainers: item %zu skipped (no id or a repeated id)",
				 i);
			continue;
		}
		rec = &o->list.recs[o->list.n++];
		x = &o->ctrs[o->n_ctrs++];
		rec->id = xstrdup(c->id);
		rec->engine = CT_ENGINE_UNKNOWN;
		rec->source = "cri-api";
		if (c->metadata) {
			rec->name = ct_strdup_nonempty(c->metadata->name);
			x->attempt = c->metadata->attempt;
		}
		if (c->image) {
			image = c->image->user_specified_image;
			if (!image || !*image)
				image = c->image->image;
			x->image_spec = ct_strdup_nonempty(c->image->image);
		}
		rec->image = ct_strdup_nonempty(image);
		rec->status = xstrdup(ct_cri_container_state_name((int)c->state));
		ADD_MAP(&rec->labels, &rec->n_labels, c->labels, c->n_labels);
		x->pod_sandbox_id = ct_strdup_nonempty(c->pod_sandbox_id);
		x->state = (int)c->state;
		x->created_at = ns_or_zero(c->created_at);
		x->image_ref = ct_strdup_nonempty(c->image_ref);
		ADD_MAP(&x->annotations, &x->n_annotations, c->annotations, c->n_annotations);
	}
	ct_pb_free_msg(m, &budget);
	return 0;
}

int ct_cri_parse(const struct ct_cri_reply *r, struct ct_container_list *out,
		 struct ct_cri_pods *ret_pods, char **ret_error)
{
	_cleanup_(pods_clearp) struct ct_cri_pods pods = { 0 };
	_cleanup_(parse_out_clear) struct parse_out o = { 0 };
	int ret;

	ret = parse_version(&r->version, &pods, ret_error);
	if (ret < 0)
		return ret;
	ret = parse_pods(&r->pods, &pods, ret_error);
	if (ret < 0)
		return ret;
	ret = parse_containers(&r->containers, &o, ret_error);
	if (ret < 0)
		return ret;

	/* Success: move the records over, nothing can fail from here. */
	ct_container_list_move(out, &o.list);
	if (ret_pods) {
		pods.ctrs = TAKE_PTR(o.ctrs);
		pods.n_ctrs = o.n_ctrs;
		o.n_ctrs = 0;
		*ret_pods = pods;
		pods = (struct ct_cri_pods){ 0 };
	}
	return 0;
}

const struct ct_cri_pod *ct_cri_pods_find(const struct ct_cri_pods *p, const char *sandbox_id)
{
	if (!p || !sandbox_id || !*sandbox_id)
		return NULL;
	if (p->sorted) {
		size_t lo = 0, hi = p->n_pods;

		/* bsearch() has no context argument for p->pods: by hand. */
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;
			int c = strcmp(sandbox_id, p->pods[p->sorted[mid]].id);

			if (c == 0)
				return &p->pods[p->sorted[mid]];
			if (c < 0)
				hi = mid;
			else
				lo = mid + 1;
		}
		return NULL;
	}
	for (size_t i = 0; i < p->n_pods; i++)
		if (p->pods[i].id && strcmp(p->pods[i].id, sandbox_id) == 0)
			return &p->pods[i];
	return NULL;
}
