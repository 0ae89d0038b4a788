/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * containerd's gRPC API: Version, Namespaces.List, and per namespace
 * Containers.List and Tasks.List.  The messages are decoded with protobuf-c
 * from lib/proto/containerd.proto, a subset of containerd's own .proto files
 * with the same field numbers.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <string.h>
#include <protobuf-c/protobuf-c.h>

#include "containerd.pb-c.h"
#include "engine-containerd.h"
#include "escape.h"
#include "grpc.h"
#include "jsonutil.h"
#include "util.h"

#define M_VERSION     "/containerd.services.version.v1.Version/Version"
#define M_NAMESPACES  "/containerd.services.namespaces.v1.Namespaces/List"
#define M_CONTAINERS  "/containerd.services.containers.v1.Containers/List"
#define M_TASKS	      "/containerd.services.tasks.v1.Tasks/List"
#define NS_HEADER     "containerd-namespace"
#define MAX_NAMESPACE 255


/*
 * ct_escape_term_dup() of an empty string returns an unterminated buffer
 * (ct_escape_term() grows the buffer but writes nothing): never ask it.
 */
static char *escape_dup(const char *s)
{
	return *s ? ct_escape_term_dup(s, strlen(s)) : xstrdup("");
}

static void blob_clear(struct ct_containerd_blob *b)
{
	free(b->data);
	*b = (struct ct_containerd_blob){ 0 };
}

void ct_containerd_reply_clear(struct ct_containerd_reply *r)
{
	blob_clear(&r->version);
	blob_clear(&r->namespaces);
	for (size_t i = 0; i < r->n_ns; i++) {
		free(r->ns[i].name);
		blob_clear(&r->ns[i].containers);
		blob_clear(&r->ns[i].tasks);
	}
	free(r->ns);
	*r = (struct ct_containerd_reply){ 0 };
}

struct ct_containerd_ns_reply *ct_containerd_reply_add_ns(struct ct_containerd_reply *r,
							  const char *name)
{
	r->ns = xreallocarray(r->ns, r->n_ns + 1, sizeof(*r->ns));
	r->ns[r->n_ns] = (struct ct_containerd_ns_reply){ .name = xstrdup(name) };
	return &r->ns[r->n_ns++];
}

bool ct_containerd_namespace_valid(const char *name)
{
	size_t n = strlen(name);
	bool prev_sep = true; /* no separator first */

	if (n == 0 || n > MAX_NAMESPACE)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = name[i];

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
			prev_sep = false;
		} else if (c == '.' || c == '_' || c == '-') {
			if (prev_sep)
				return false;
			prev_sep = true;
		} else {
			return false;
		}
	}
	return !prev_sep;
}

const char *ct_containerd_task_status_name(int status)
{
	static const char *const names[] = {
		[CT_CONTAINERD_TASK_UNKNOWN] = "unknown", [CT_CONTAINERD_TASK_CREATED] = "created",
		[CT_CONTAINERD_TASK_RUNNING] = "running", [CT_CONTAINERD_TASK_STOPPED] = "stopped",
		[CT_CONTAINERD_TASK_PAUSED] = "paused",	  [CT_CONTAINERD_TASK_PAUSING] = "pausing",
	};

	return status >= 0 && (size_t)status < ARRAY_SIZE(names) ? names[status] : "unknown";
}

/* -------------------------------------------------------------------------
 * The query.
 */

static void channel_freep(struct ct_grpc_channel **ch)
{
	ct_grpc_channel_free(*ch);
}

static void reply_clearp(struct ct_containerd_reply *r)
{
	ct_containerd_reply_clear(r);
}

static void strv_freep(char ***v)
{
	for (char **p = *v; p && *p; p++)
		free(*p);
	free(*v);
}

static int call(struct ct_grpc_channel *ch, const char *method, const char *ns,
		struct ct_containerd_blob *ret, const char *what, char **ret_error)
{
	_cleanup_free_ char *header = NULL, *error = NULL;
	const char *md[2] = { NULL, NULL };
	int r;

	if (ns) {
		if (asprintf(&header, NS_HEADER ": %s", ns) < 0)
			abort();
		md[0] = header;
	}
	r = ct_grpc_call(ch, method, md, NULL, 0, &ret->data, &ret->len, NULL, &error);
	if (r < 0) {
		if (ns)
			return ct_fail(ret_error, r, "%s in namespace %s: %s", what, ns, error);
		return ct_fail(ret_error, r, "%s: %s", what, error);
	}
	return 0;
}

/* The namespace names of a ListNamespacesResponse, NULL-terminated. */
static int namespace_names(const struct ct_containerd_blob *blob, char ***ret, char **ret_error)
{
	_cleanup_(strv_freep) char **names = NULL;
	struct ct_pb_budget budget;
	ProtobufCMessage *m;
	Ctcd__ListNamespacesResponse *resp;
	int r;

	r = ct_pb_unpack(&ctcd__list_namespaces_response__descriptor, blob->data, blob->len, &budget, &m, ret_error,
		      "Namespaces.List");
	if (r < 0)
		return r;
	resp = (Ctcd__ListNamespacesResponse *)m;
	names = xcalloc(resp->n_namespaces + 1, sizeof(*names));
	for (size_t i = 0; i < resp->n_namespaces; i++) {
		const char *name = resp->namespaces[i]->name;

		if (!ct_containerd_namespace_valid(name)) {
			_cleanup_free_ char *esc = escape_dup(name);

			ct_pb_free_msg(m, &budget);
			return ct_fail(ret_error, -EBADMSG,
				    "Namespaces.List: invalid namespace name \"%s\"", esc);
		}
		names[i] = xstrdup(name);
	}
	ct_pb_free_msg(m, &budget);
	*ret = TAKE_PTR(names);
	return 0;
}

int ct_containerd_query(const char *socket_path, const struct ct_containerd_opts *opts,
			struct ct_containerd_reply *ret, char **ret_error)
{
	_cleanup_(channel_freep) struct ct_grpc_channel *ch = NULL;
	_cleanup_(reply_clearp) struct ct_containerd_reply reply = { 0 };
	_cleanup_(strv_freep) char **names = NULL;
	struct ct_grpc_opts gopts = {
		.timeout_ms = opts ? opts->timeout_ms : 0,
		.max_message = opts ? opts->max_message : 0,
	};
	int r;

	if (opts && opts->only_namespace && !ct_containerd_namespace_valid(opts->only_namespace))
		return ct_fail(ret_error, -EINVAL, "invalid namespace name");

	r = ct_grpc_channel_new(socket_path, &gopts, &ch);
	if (r == -ENAMETOOLONG)
		return ct_fail(ret_error, r, "socket path too long");
	if (r < 0)
		return ct_fail(ret_error, r, "cannot set up a gRPC channel: %s", strerror(-r));

	r = call(ch, M_VERSION, NULL, &reply.version, "Version", ret_error);
	if (r < 0)
		return r;
	r = call(ch, M_NAMESPACES, NULL, &reply.namespaces, "Namespaces.List", ret_error);
	if (r < 0)
		return r;

	if (opts && opts->only_namespace) {
		names = xcalloc(2, sizeof(*names));
		names[0] = xstrdup(opts->only_namespace);
	} else {
		r = namespace_names(&reply.namespaces, &names, ret_error);
		if (r < 0)
			return r;
	}

	for (size_t i = 0; names[i]; i++) {
		struct ct_containerd_ns_reply *nr = ct_containerd_reply_add_ns(&reply, names[i]);

		/* One call each for the whole namespace, not one per container. */
		r = call(ch, M_CONTAINERS, names[i], &nr->containers, "Containers.List", ret_error);
		if (r < 0)
			return r;
		r = call(ch, M_TASKS, names[i], &nr->tasks, "Tasks.List", ret_error);
		if (r < 0)
			return r;
	}
	*ret = reply;
	reply = (struct ct_containerd_reply){ 0 };
	return 0;
}

/* -------------------------------------------------------------------------
 * The parse.
 */

static void ctr_clear(struct ct_containerd_ctr *c)
{
	free(c->snapshotter);
	free(c->snapshot_key);
	free(c->sandbox);
	free(c->spec_type_url);
	free(c->spec);
}

void ct_containerd_info_clear(struct ct_containerd_info *info)
{
	free(info->version);
	free(info->revision);
	for (size_t i = 0; i < info->n_namespaces; i++) {
		struct ct_containerd_namespace *n = &info->namespaces[i];

		free(n->name);
		ct_kv_free(n->labels, n->n_labels);
	}
	free(info->namespaces);
	for (size_t i = 0; i < info->n_ctrs; i++)
		ctr_clear(&info->ctrs[i]);
	free(info->ctrs);
	*info = (struct ct_containerd_info){ 0 };
}

static void info_clearp(struct ct_containerd_info *info)
{
	ct_containerd_info_clear(info);
}

/* A Timestamp in ns since the epoch; 0 when unset or out of range. */
static int64_t ts_ns(const Ctcd__Timestamp *t)
{
	if (!t || t->nanos < 0 || t->nanos > 999999999)
		return 0;
	if (t->seconds > INT64_MAX / 1000000000 - 1 || t->seconds < INT64_MIN / 1000000000 + 1)
		return 0;
	return t->seconds * 1000000000 + t->nanos;
}

/* Whether a task in this state still has its init process. */
static bool task_has_process(int status)
{
	return status == CT_CONTAINERD_TASK_CREATED || status == CT_CONTAINERD_TASK_RUNNING ||
	       status == CT_CONTAINERD_TASK_PAUSED || status == CT_CONTAINERD_TASK_PAUSING;
}

/*
 * The container a task belongs to: containerd 1.6 leaves container_id
 * empty in Tasks.List and puts the container id in id (an init process is
 * named after its container); other versions may fill container_id.
 */
static const char *task_container(const Ctcd__Process *t)
{
	return t->container_id && *t->container_id ? t->container_id : t->id;
}

static void add_task(struct ct_container_rec *rec, struct ct_containerd_ctr *x,
		     const Ctcd__Process *t)
{
	x->has_task = true;
	x->task_status = (int)t->status;
	x->task_pid = t->pid;
	x->exit_status = t->exit_status;
	x->exited_at = ts_ns(t->exited_at);
	rec->status = xstrdup(ct_containerd_task_status_name(x->task_status));
	/* A stopped task reports its old pid, which may belong to anyone now. */
	if (task_has_process(x->task_status) && t->pid > 0 && t->pid <= INT32_MAX)
		rec->init_pid = (int)t->pid;
}

struct parse_out {
	struct ct_container_list list;
	struct ct_containerd_ctr *ctrs;
	size_t n_ctrs;
};

static void parse_out_clear(struct parse_out *o)
{
	ct_container_list_clear(&o->list);
	for (size_t i = 0; i < o->n_ctrs; i++)
		ctr_clear(&o->ctrs[i]);
	free(o->ctrs);
}

static struct ct_container_rec *new_rec(struct parse_out *o, const char *ns, const char *id,
					struct ct_containerd_ctr **ret_x)
{
	struct ct_container_rec *rec = ct_container_list_add(&o->list);

	o->ctrs = xreallocarray(o->ctrs, o->n_ctrs + 1, sizeof(*o->ctrs));
	*ret_x = &o->ctrs[o->n_ctrs++];
	**ret_x = (struct ct_containerd_ctr){ 0 };
	rec->id = xstrdup(id);
	rec->engine = CT_ENGINE_CONTAINERD;
	rec->engine_ns = xstrdup(ns);
	rec->source = "containerd-api";
	return rec;
}

static int parse_namespace(const struct ct_containerd_ns_reply *nr, struct parse_out *o,
			   char **ret_error)
{
	_cleanup_free_ char *what_c = NULL, *what_t = NULL, *esc = NULL;
	_cleanup_free_ bool *used = NULL;
	struct ct_pb_budget bc, bt;
	ProtobufCMessage *mc = NULL, *mt = NULL;
	Ctcd__ListContainersResponse *cs;
	Ctcd__ListTasksResponse *ts;
	int r;

	esc = escape_dup(nr->name);
	if (asprintf(&what_c, "Containers.List in namespace %s", esc) < 0 ||
	    asprintf(&what_t, "Tasks.List in namespace %s", esc) < 0)
		abort();
	r = ct_pb_unpack(&ctcd__list_containers_response__descriptor, nr->containers.data, nr->containers.len, &bc, &mc,
		      ret_error, what_c);
	if (r < 0)
		return r;
	r = ct_pb_unpack(&ctcd__list_tasks_response__descriptor, nr->tasks.data, nr->tasks.len, &bt, &mt, ret_error,
		      what_t);
	if (r < 0) {
		ct_pb_free_msg(mc, &bc);
		return r;
	}
	cs = (Ctcd__ListContainersResponse *)mc;
	ts = (Ctcd__ListTasksResponse *)mt;
	used = xcalloc(ts->n_tasks + 1, sizeof(*used));

	for (size_t i = 0; i < cs->n_containers; i++) {
		const Ctcd__Container *c = cs->containers[i];
		struct ct_containerd_ctr *x;
		struct ct_container_rec *rec;

		if (!c->id || !*c->id) {
			ct_debug("containerd", "namespace %s: a container without id", esc);
			continue;
		}
		rec = new_rec(o, nr->name, c->id, &x);
		rec->image = ct_strdup_nonempty(c->image);
		if (c->runtime)
			rec->runtime = ct_strdup_nonempty(c->runtime->name);
		for (size_t j = 0; j < c->n_labels; j++)
			ct_kv_add(&rec->labels, &rec->n_labels, c->labels[j]->key,
				  c->labels[j]->value);
		x->snapshotter = ct_strdup_nonempty(c->snapshotter);
		x->snapshot_key = ct_strdup_nonempty(c->snapshot_key);
		x->sandbox = ct_strdup_nonempty(c->sandbox);
		x->created_at = ts_ns(c->created_at);
		x->updated_at = ts_ns(c->updated_at);
		if (c->spec) {
			x->spec_type_url = ct_strdup_nonempty(c->spec->type_url);
			if (c->spec->value.len) {
				x->spec = (uint8_t *)xmemdup0(c->spec->value.data,
							      c->spec->value.len);
				x->spec_len = c->spec->value.len;
			}
		}
		for (size_t j = 0; j < ts->n_tasks; j++) {
			if (used[j] || strcmp(task_container(ts->tasks[j]), c->id) != 0)
				continue;
			used[j] = true;
			add_task(rec, x, ts->tasks[j]);
			break;
		}
	}

	/* Tasks whose container is not listed (deleted meanwhile, or odd). */
	for (size_t j = 0; j < ts->n_tasks; j++) {
		const Ctcd__Process *t = ts->tasks[j];
		struct ct_containerd_ctr *x;
		struct ct_container_rec *rec;

		if (used[j])
			continue;
		if (!*task_container(t)) {
			ct_debug("containerd", "namespace %s: a task without id", esc);
			continue;
		}
		rec = new_rec(o, nr->name, task_container(t), &x);
		add_task(rec, x, t);
	}
	ct_pb_free_msg(mc, &bc);
	ct_pb_free_msg(mt, &bt);
	return 0;
}

int ct_containerd_drop_env(const struct ct_containerd_blob *containers, struct ct_containerd_blob *ret)
{
	static const char *const env[] = { "process", "env", NULL };
	struct ct_pb_budget budget;
	ProtobufCMessage *m;
	Ctcd__ListContainersResponse *cs;
	_cleanup_free_ char **kept = NULL;
	_cleanup_free_ ProtobufCBinaryData *was = NULL;
	char *why = NULL;
	size_t changed = 0;
	int r;

	r = ct_pb_unpack(&ctcd__list_containers_response__descriptor, containers->data, containers->len, &budget, &m,
			 &why, "Containers.List");
	free(why);
	if (r < 0)
		return r;
	cs = (Ctcd__ListContainersResponse *)m;
	kept = xcalloc(cs->n_containers + 1, sizeof(*kept));
	was = xcalloc(cs->n_containers + 1, sizeof(*was));
	for (size_t i = 0; i < cs->n_containers; i++) {
		Ctcd__Any *spec = cs->containers[i]->spec;
		size_t n = 0;
		int d;

		if (!spec || spec->value.len == 0)
			continue;
		d = ct_json_drop_member((const char *)spec->value.data, spec->value.len, env, &kept[i], &n);
		if (d == 0)
			continue;
		/* d < 0: a spec that does not parse may still hold one: kept empty. */
		was[i] = spec->value;
		spec->value = (ProtobufCBinaryData){ .len = n, .data = (uint8_t *)kept[i] };
		changed++;
	}
	if (changed) {
		ret->len = protobuf_c_message_get_packed_size(m);
		ret->data = xmalloc(ret->len + 1);
		protobuf_c_message_pack(m, ret->data);
	}
	/* The message's own buffers go back before it is freed. */
	for (size_t i = 0; i < cs->n_containers; i++) {
		if (was[i].data)
			cs->containers[i]->spec->value = was[i];
		free(kept[i]);
	}
	ct_pb_free_msg(m, &budget);
	return changed > 0;
}

static int parse_header(const struct ct_containerd_reply *r, struct ct_containerd_info *info,
			char **ret_error)
{
	struct ct_pb_budget budget;
	ProtobufCMessage *m;
	int ret;

	if (r->version.data) {
		Ctcd__VersionResponse *v;

		ret = ct_pb_unpack(&ctcd__version_response__descriptor, r->version.data, r->version.len, &budget, &m,
				ret_error, "Version");
		if (ret < 0)
			return ret;
		v = (Ctcd__VersionResponse *)m;
		info->version = ct_strdup_nonempty(v->version);
		info->revision = ct_strdup_nonempty(v->revision);
		ct_pb_free_msg(m, &budget);
	}
	if (r->namespaces.data) {
		Ctcd__ListNamespacesResponse *l;

		ret = ct_pb_unpack(&ctcd__list_namespaces_response__descriptor, r->namespaces.data,
				   r->namespaces.len, &budget, &m, ret_error, "Namespaces.List");
		if (ret < 0)
			return ret;
		l = (Ctcd__ListNamespacesResponse *)m;
		info->namespaces = xcalloc(l->n_namespaces, sizeof(*info->namespaces));
		for (size_t i = 0; i < l->n_namespaces; i++) {
			const Ctcd__Namespace *n = l->namespaces[i];
			struct ct_containerd_namespace *dst =
				&info->namespaces[info->n_namespaces++];

			dst->name = xstrdup(n->name ? n->name : "");
			for (size_t j = 0; j < n->n_labels; j++)
				ct_kv_add(&dst->labels, &dst->n_labels, n->labels[j]->key,
					  n->labels[j]->value);
		}
		ct_pb_free_msg(m, &budget);
	}
	return 0;
}

int ct_containerd_parse(const struct ct_containerd_reply *r, struct ct_container_list *list,
			struct ct_containerd_info *ret_info, char **ret_error)
{
	_cleanup_(info_clearp) struct ct_containerd_info info = { 0 };
	_cleanup_(parse_out_clear) struct parse_out out = { 0 };
	int ret;

	ret = parse_header(r, &info, ret_error);
	if (ret < 0)
		return ret;
	for (size_t i = 0; i < r->n_ns; i++) {
		ret = parse_namespace(&r->ns[i], &out, ret_error);
		if (ret < 0)
			return ret;
	}

	/* Success: move the records over, nothing can fail from here. */
	ct_container_list_move(list, &out.list);
	if (ret_info) {
		info.ctrs = TAKE_PTR(out.ctrs);
		info.n_ctrs = out.n_ctrs;
		out.n_ctrs = 0;
		*ret_info = info;
		info = (struct ct_containerd_info){ 0 };
	}
	return 0;
}
