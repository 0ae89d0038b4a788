/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The CRI RuntimeService client: the decoding of real replies saved from
 * containerd 1.6.20's CRI plugin (tests/fixtures/cri/), and hostile bytes.
 *
 *   test-cri                  the TAP tests (fixtures under $TOP)
 *   test-cri --query SOCKET [--api v1|v1alpha2] [--timeout MS]
 *            [--max-message BYTES] [--save DIR]
 *   test-cri --load DIR
 *   test-cri --rpc SOCKET [--api v1|v1alpha2] [--pod NAME/NAMESPACE/UID]
 *            [--cgroup-parent PATH] [--label K=V]... [--annotation K=V]...
 *            COMMAND [ARG...]
 *
 * --query and --load print one JSON line about the runtime and its pods,
 * then one per container record: the live test compares them with ctr.
 * --save keeps the raw replies as a fixture directory.
 *
 * --rpc is the live test's crictl (Debian has none): it makes the pods and
 * containers that --query then reads, through the same gRPC layer but with
 * requests written by the protobuf writer below, and prints the new id:
 *   run-pod                       RunPodSandbox, host network (no CNI)
 *   create POD_ID NAME IMAGE ARG... CreateContainer (ARGs: the command)
 *   start ID | stop ID | remove ID  StartContainer, StopContainer, RemoveContainer
 *   stop-pod ID | remove-pod ID   StopPodSandbox, RemovePodSandbox
 * --pod (the sandbox metadata), --cgroup-parent and --label/--annotation
 * (of the pod for run-pod, of the container for create) shape the config.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <sys/stat.h>
#include <time.h>

#include "engine-cri.h"
#include "escape.h"
#include "grpc.h"
#include "jsonutil.h"
#include "tap.h"
#include "util.h"

/* -------------------------------------------------------------------------
 * A tiny protobuf writer, independent of the generated code: requests for
 * --rpc, hostile and edge-case messages for the tests.
 */

static void pb_varint(struct ct_buf *b, uint64_t v)
{
	do {
		uint8_t c = v & 0x7f;

		v >>= 7;
		ct_buf_putc(b, (char)(c | (v ? 0x80 : 0)));
	} while (v);
}

static void pb_tag(struct ct_buf *b, unsigned field, unsigned wire)
{
	pb_varint(b, (uint64_t)field << 3 | wire);
}

static void pb_bytes(struct ct_buf *b, unsigned field, const void *p, size_t n)
{
	pb_tag(b, field, 2);
	pb_varint(b, n);
	ct_buf_put(b, p, n);
}

static void pb_str(struct ct_buf *b, unsigned field, const char *s)
{
	pb_bytes(b, field, s, strlen(s));
}

/* Append sub as a submessage and free it. */
static void pb_msg(struct ct_buf *b, unsigned field, struct ct_buf *sub)
{
	pb_bytes(b, field, sub->data ? sub->data : "", sub->len);
	ct_buf_free(sub);
}

static void pb_uint(struct ct_buf *b, unsigned field, uint64_t v)
{
	pb_tag(b, field, 0);
	pb_varint(b, v);
}

/* One map<string, string> entry: key = 1, value = 2. */
static void pb_map_entry(struct ct_buf *b, unsigned field, const char *k, const char *v)
{
	struct ct_buf e = { 0 };

	pb_str(&e, 1, k);
	pb_str(&e, 2, v);
	pb_msg(b, field, &e);
}

static struct ct_cri_blob blob_of(struct ct_buf *b)
{
	struct ct_cri_blob r = { (uint8_t *)(b->data ? b->data : xstrdup("")), b->len };

	*b = (struct ct_buf){ 0 };
	return r;
}

static struct ct_cri_blob blob_dup(const void *p, size_t n)
{
	return (struct ct_cri_blob){ (uint8_t *)xmemdup0(p, n), n };
}

static void blob_set(struct ct_cri_blob *b, struct ct_cri_blob v)
{
	free(b->data);
	*b = v;
}

/* -------------------------------------------------------------------------
 * Fixture directories: api (one line, "v1" or "v1alpha2"), version.pb,
 * pods.pb, containers.pb.
 */

static int read_blob(const char *dir, const char *name, struct ct_cri_blob *b)
{
	_cleanup_close_ int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	char *buf;
	size_t len;
	bool trunc;
	int r;

	if (dfd < 0)
		return -errno;
	r = ct_read_file_at(dfd, name, 64u << 20, &buf, &len, &trunc);
	if (r < 0)
		return r;
	if (trunc) {
		free(buf);
		return -EFBIG;
	}
	b->data = (uint8_t *)buf;
	b->len = len;
	return 0;
}

static int load_fixture(const char *dir, struct ct_cri_reply *ret)
{
	struct ct_cri_reply r = { 0 };
	struct ct_cri_blob api = { 0 };

	if (read_blob(dir, "api", &api) < 0 || read_blob(dir, "version.pb", &r.version) < 0 ||
	    read_blob(dir, "pods.pb", &r.pods) < 0 ||
	    read_blob(dir, "containers.pb", &r.containers) < 0) {
		free(api.data);
		ct_cri_reply_clear(&r);
		return -ENOENT;
	}
	r.api = strncmp((char *)api.data, "v1alpha2", 8) == 0 ? CT_CRI_API_V1ALPHA2 : CT_CRI_API_V1;
	free(api.data);
	*ret = r;
	return 0;
}

static int write_file(const char *dir, const char *name, const void *p, size_t len)
{
	_cleanup_free_ char *path = NULL;
	_cleanup_close_ int fd = -1;

	if (asprintf(&path, "%s/%s", dir, name) < 0)
		return -ENOMEM;
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	return ct_write_all(fd, p, len);
}

static int save_fixture(const char *dir, const struct ct_cri_reply *r)
{
	char api[16];
	int ret;

	if (mkdir(dir, 0755) < 0 && errno != EEXIST)
		return -errno;
	snprintf(api, sizeof(api), "%s\n", ct_cri_api_name(r->api));
	ret = write_file(dir, "api", api, strlen(api));
	if (ret == 0)
		ret = write_file(dir, "version.pb", r->version.data, r->version.len);
	if (ret == 0)
		ret = write_file(dir, "pods.pb", r->pods.data, r->pods.len);
	if (ret == 0)
		ret = write_file(dir, "containers.pb", r->containers.data, r->containers.len);
	return ret;
}

/* -------------------------------------------------------------------------
 * JSON lines for the live test.
 */

static struct json_object *kv_object(const struct ct_kv *kv, size_t n)
{
	struct json_object *o = json_object_new_object();

	for (size_t i = 0; i < n; i++) {
		/* A key is bytes from outside too: the same lossless escaping. */
		struct json_object *k = ct_json_str(kv[i].key);

		json_object_object_add(o, json_object_get_string(k), ct_json_str(kv[i].value));
		json_object_put(k);
	}
	return o;
}

static void print_line(struct json_object *o)
{
	puts(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
						       JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
}

static void print_records(const struct ct_container_list *l, const struct ct_cri_pods *p,
			  enum ct_cri_api api, long elapsed_ms)
{
	struct json_object *o = json_object_new_object(), *pods = json_object_new_array();

	json_object_object_add(o, "api", json_object_new_string(ct_cri_api_name(api)));
	json_object_object_add(o, "version", ct_json_str(p->version));
	json_object_object_add(o, "runtime_name", ct_json_str(p->runtime_name));
	json_object_object_add(o, "runtime_version", ct_json_str(p->runtime_version));
	json_object_object_add(o, "runtime_api_version", ct_json_str(p->runtime_api_version));
	json_object_object_add(
		o, "engine",
		json_object_new_string(ct_engine_kind_name(ct_cri_engine_kind(p->runtime_name))));
	for (size_t i = 0; i < p->n_pods; i++) {
		const struct ct_cri_pod *d = &p->pods[i];
		struct json_object *x = json_object_new_object();

		json_object_object_add(x, "id", ct_json_str(d->id));
		json_object_object_add(x, "name", ct_json_str(d->name));
		json_object_object_add(x, "namespace", ct_json_str(d->ns));
		json_object_object_add(x, "uid", ct_json_str(d->uid));
		json_object_object_add(x, "attempt", json_object_new_int64(d->attempt));
		json_object_object_add(x, "state",
				       json_object_new_string(ct_cri_sandbox_state_name(d->state)));
		json_object_object_add(x, "created_at", json_object_new_int64(d->created_at));
		json_object_object_add(x, "runtime_handler", ct_json_str(d->runtime_handler));
		json_object_object_add(x, "labels", kv_object(d->labels, d->n_labels));
		json_object_object_add(x, "annotations",
				       kv_object(d->annotations, d->n_annotations));
		json_object_array_add(pods, x);
	}
	json_object_object_add(o, "pods", pods);
	if (elapsed_ms >= 0)
		json_object_object_add(o, "elapsed_ms", json_object_new_int64(elapsed_ms));
	print_line(o);

	for (size_t i = 0; i < l->n; i++) {
		const struct ct_container_rec *r = &l->recs[i];
		const struct ct_cri_ctr *x = &p->ctrs[i];
		const struct ct_cri_pod *pod = ct_cri_pods_find(p, x->pod_sandbox_id);
		struct json_object *po = NULL;

		o = json_object_new_object();
		json_object_object_add(o, "id", ct_json_str(r->id));
		json_object_object_add(o, "name", ct_json_str(r->name));
		json_object_object_add(o, "image", ct_json_str(r->image));
		json_object_object_add(o, "engine",
				       json_object_new_string(ct_engine_kind_name(r->engine)));
		json_object_object_add(o, "status", ct_json_str(r->status));
		json_object_object_add(o, "init_pid", json_object_new_int(r->init_pid));
		json_object_object_add(o, "labels", kv_object(r->labels, r->n_labels));
		json_object_object_add(o, "source", ct_json_str(r->source));
		json_object_object_add(o, "pod_sandbox_id", ct_json_str(x->pod_sandbox_id));
		if (pod) {
			po = json_object_new_object();
			json_object_object_add(po, "name", ct_json_str(pod->name));
			json_object_object_add(po, "namespace", ct_json_str(pod->ns));
			json_object_object_add(po, "uid", ct_json_str(pod->uid));
		}
		json_object_object_add(o, "pod", po);
		json_object_object_add(o, "attempt", json_object_new_int64(x->attempt));
		json_object_object_add(o, "created_at", json_object_new_int64(x->created_at));
		json_object_object_add(o, "image_spec", ct_json_str(x->image_spec));
		json_object_object_add(o, "image_ref", ct_json_str(x->image_ref));
		json_object_object_add(o, "annotations",
				       kv_object(x->annotations, x->n_annotations));
		print_line(o);
	}
}

static long ms_since(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (t1.tv_sec - t0->tv_sec) * 1000 + (t1.tv_nsec - t0->tv_nsec) / 1000000;
}

static int parse_and_print(const struct ct_cri_reply *reply, long elapsed_ms)
{
	struct ct_container_list list = { 0 };
	struct ct_cri_pods pods = { 0 };
	_cleanup_free_ char *error = NULL;
	int r;

	r = ct_cri_parse(reply, &list, &pods, &error);
	if (r < 0) {
		fprintf(stderr, "test-cri: %s\n", error);
		return 1;
	}
	print_records(&list, &pods, reply->api, elapsed_ms);
	ct_container_list_clear(&list);
	ct_cri_pods_clear(&pods);
	return fflush(stdout) == 0 && !ferror(stdout) ? 0 : 1;
}

/* -------------------------------------------------------------------------
 * --rpc: the calls that make pods and containers.
 */

struct rpc_cfg {
	const char *pod_name, *pod_ns, *pod_uid;
	const char *cgroup_parent;
	char **labels, **annotations; /* "K=V" */
	size_t n_labels, n_annotations;
};

static void put_kvs(struct ct_buf *b, unsigned field, char **kvs, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		_cleanup_free_ char *k = xstrdup(kvs[i]);
		char *eq = strchr(k, '=');

		if (eq)
			*eq++ = '\0';
		pb_map_entry(b, field, k, eq ? eq : "");
	}
}

/* NamespaceOption { network = NODE (2) }: the host's network, no CNI. */
static void put_host_network(struct ct_buf *b, unsigned field)
{
	struct ct_buf ns = { 0 };

	pb_uint(&ns, 1, 2);
	pb_msg(b, field, &ns);
}

/* PodSandboxConfig; with_kvs: the pod's labels and annotations. */
static void put_sandbox_config(struct ct_buf *b, unsigned field, const struct rpc_cfg *c,
			       bool with_kvs)
{
	struct ct_buf cfg = { 0 }, md = { 0 }, linux_ = { 0 }, sc = { 0 };

	pb_str(&md, 1, c->pod_name);
	pb_str(&md, 2, c->pod_uid);
	pb_str(&md, 3, c->pod_ns);
	pb_msg(&cfg, 1, &md);
	/* No hostname: on the host network the pod shares the host's UTS
	 * namespace, where runc refuses to set one. */
	if (with_kvs) {
		put_kvs(&cfg, 6, c->labels, c->n_labels);
		put_kvs(&cfg, 7, c->annotations, c->n_annotations);
	}
	if (c->cgroup_parent)
		pb_str(&linux_, 1, c->cgroup_parent);
	put_host_network(&sc, 1); /* LinuxSandboxSecurityContext.namespace_options */
	pb_msg(&linux_, 2, &sc);  /* LinuxPodSandboxConfig.security_context */
	pb_msg(&cfg, 8, &linux_); /* PodSandboxConfig.linux */
	pb_msg(b, field, &cfg);
}

/* The string field 1 of a response (RunPodSandboxResponse.pod_sandbox_id,
 * CreateContainerResponse.container_id). */
static char *first_string(const uint8_t *p, size_t n)
{
	uint64_t len = 0;
	size_t i = 1;

	if (n < 2 || p[0] != 0x0a)
		return NULL;
	for (unsigned shift = 0; i < n && shift < 64; shift += 7) {
		len |= (uint64_t)(p[i] & 0x7f) << shift;
		if (!(p[i++] & 0x80))
			break;
	}
	if (len > n - i)
		return NULL;
	return xmemdup0(p + i, (size_t)len);
}

static int rpc_main(const char *socket, enum ct_cri_api api, const struct rpc_cfg *c, char **args,
		    int nargs)
{
	_cleanup_free_ char *error = NULL, *path = NULL, *id = NULL;
	_cleanup_free_ uint8_t *resp = NULL;
	struct ct_grpc_channel *ch = NULL;
	struct ct_grpc_opts gopts = { .timeout_ms = 60000 };
	struct ct_buf req = { 0 };
	const char *cmd = args[0], *method;
	size_t resp_len = 0;
	bool want_id = false;
	int r;

	if (!strcmp(cmd, "run-pod") && nargs == 1) {
		method = "RunPodSandbox";
		put_sandbox_config(&req, 1, c, true);
		want_id = true;
	} else if (!strcmp(cmd, "create") && nargs >= 4) {
		struct ct_buf cfg = { 0 }, md = { 0 }, img = { 0 }, linux_ = { 0 }, sc = { 0 };

		method = "CreateContainer";
		pb_str(&req, 1, args[1]);
		pb_str(&md, 1, args[2]);
		pb_msg(&cfg, 1, &md);
		pb_str(&img, 1, args[3]);
		pb_msg(&cfg, 2, &img);
		for (int i = 4; i < nargs; i++)
			pb_str(&cfg, 3, args[i]); /* command */
		put_kvs(&cfg, 9, c->labels, c->n_labels);
		put_kvs(&cfg, 10, c->annotations, c->n_annotations);
		put_host_network(&sc, 3); /* LinuxContainerSecurityContext.namespace_options */
		pb_msg(&linux_, 2, &sc);
		pb_msg(&cfg, 15, &linux_);
		pb_msg(&req, 2, &cfg);
		put_sandbox_config(&req, 3, c, false);
		want_id = true;
	} else if (nargs == 2 &&
		   (!strcmp(cmd, "start") || !strcmp(cmd, "stop") || !strcmp(cmd, "remove") ||
		    !strcmp(cmd, "stop-pod") || !strcmp(cmd, "remove-pod"))) {
		static const struct {
			const char *cmd, *method;
		} simple[] = {
			{ "start", "StartContainer" },	      { "stop", "StopContainer" },
			{ "remove", "RemoveContainer" },      { "stop-pod", "StopPodSandbox" },
			{ "remove-pod", "RemovePodSandbox" },
		};

		method = NULL;
		for (size_t i = 0; i < ARRAY_SIZE(simple); i++)
			if (!strcmp(cmd, simple[i].cmd))
				method = simple[i].method;
		pb_str(&req, 1, args[1]);
	} else {
		fprintf(stderr, "test-cri: --rpc: bad command or arguments\n");
		return 2;
	}

	if (asprintf(&path, "/runtime.%s.RuntimeService/%s",
		     api == CT_CRI_API_V1ALPHA2 ? "v1alpha2" : "v1", method) < 0)
		abort();
	r = ct_grpc_channel_new(socket, &gopts, &ch);
	if (r == 0)
		r = ct_grpc_call(ch, path, NULL, req.data, req.len, &resp, &resp_len, NULL, &error);
	ct_grpc_channel_free(ch);
	ct_buf_free(&req);
	if (r < 0) {
		fprintf(stderr, "test-cri: %s: %s\n", method, error ? error : strerror(-r));
		return 1;
	}
	if (want_id) {
		id = first_string(resp, resp_len);
		if (!id || !*id) {
			fprintf(stderr, "test-cri: %s: no id in the response\n", method);
			return 1;
		}
		printf("%s\n", id);
	}
	return fflush(stdout) == 0 && !ferror(stdout) ? 0 : 1;
}

static int parse_api(const char *s, enum ct_cri_api *ret)
{
	if (!strcmp(s, "v1"))
		*ret = CT_CRI_API_V1;
	else if (!strcmp(s, "v1alpha2"))
		*ret = CT_CRI_API_V1ALPHA2;
	else if (!strcmp(s, "auto"))
		*ret = CT_CRI_API_AUTO;
	else
		return -EINVAL;
	return 0;
}

static int tool_main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "query", required_argument, NULL, 'q' },
		{ "load", required_argument, NULL, 'l' },
		{ "save", required_argument, NULL, 's' },
		{ "api", required_argument, NULL, 'a' },
		{ "timeout", required_argument, NULL, 't' },
		{ "max-message", required_argument, NULL, 'm' },
		{ "rpc", required_argument, NULL, 'r' },
		{ "pod", required_argument, NULL, 'p' },
		{ "cgroup-parent", required_argument, NULL, 'c' },
		{ "label", required_argument, NULL, 'L' },
		{ "annotation", required_argument, NULL, 'A' },
		{ NULL, 0, NULL, 0 },
	};
	struct ct_cri_opts opts = { 0 };
	struct ct_cri_reply reply = { 0 };
	struct rpc_cfg cfg = { .pod_name = "pod", .pod_ns = "default", .pod_uid = "uid" };
	_cleanup_free_ char **labels = NULL, **annotations = NULL;
	const char *query = NULL, *load = NULL, *save = NULL, *rpc = NULL;
	_cleanup_free_ char *error = NULL, *podspec = NULL;
	struct timespec t0;
	uint64_t v;
	long elapsed;
	int c, r;

	labels = xcalloc((size_t)argc + 1, sizeof(*labels));
	annotations = xcalloc((size_t)argc + 1, sizeof(*annotations));
	cfg.labels = labels;
	cfg.annotations = annotations;
	/* "+": stop at the first non-option, the --rpc command. */
	while ((c = getopt_long(argc, argv, "+", longopts, NULL)) != -1) {
		switch (c) {
		case 'q':
			query = optarg;
			break;
		case 'l':
			load = optarg;
			break;
		case 's':
			save = optarg;
			break;
		case 'r':
			rpc = optarg;
			break;
		case 'a':
			if (parse_api(optarg, &opts.api) < 0)
				goto usage;
			break;
		case 't':
			if (ct_parse_u64_str(optarg, &v) < 0 || v > UINT32_MAX)
				goto usage;
			opts.timeout_ms = (unsigned)v;
			break;
		case 'm':
			if (ct_parse_u64_str(optarg, &v) < 0 || v > SIZE_MAX)
				goto usage;
			opts.max_message = (size_t)v;
			break;
		case 'p': {
			char *s1, *s2;

			free(podspec);
			podspec = xstrdup(optarg);
			s1 = strchr(podspec, '/');
			s2 = s1 ? strchr(s1 + 1, '/') : NULL;
			if (!s2)
				goto usage;
			*s1++ = '\0';
			*s2++ = '\0';
			cfg.pod_name = podspec;
			cfg.pod_ns = s1;
			cfg.pod_uid = s2;
			break;
		}
		case 'c':
			cfg.cgroup_parent = optarg;
			break;
		case 'L':
			cfg.labels[cfg.n_labels++] = optarg;
			break;
		case 'A':
			cfg.annotations[cfg.n_annotations++] = optarg;
			break;
		default:
			goto usage;
		}
	}
	if (rpc) {
		if (query || load || optind >= argc)
			goto usage;
		return rpc_main(rpc, opts.api, &cfg, argv + optind, argc - optind);
	}
	if (!query == !load || optind != argc)
		goto usage;

	if (load) {
		r = load_fixture(load, &reply);
		if (r < 0) {
			fprintf(stderr, "test-cri: %s: %s\n", load, strerror(-r));
			return 1;
		}
		r = parse_and_print(&reply, -1);
		ct_cri_reply_clear(&reply);
		return r;
	}

	clock_gettime(CLOCK_MONOTONIC, &t0);
	r = ct_cri_query(query, &opts, &reply, &error);
	elapsed = ms_since(&t0);
	if (r < 0) {
		fprintf(stderr, "test-cri: %s: %s (%s, after %ld ms)\n", query, error, strerror(-r),
			elapsed);
		return 1;
	}
	if (save) {
		r = save_fixture(save, &reply);
		if (r < 0) {
			fprintf(stderr, "test-cri: %s: %s\n", save, strerror(-r));
			ct_cri_reply_clear(&reply);
			return 1;
		}
	}
	r = parse_and_print(&reply, elapsed);
	ct_cri_reply_clear(&reply);
	return r;
usage:
	fprintf(stderr,
		"Usage: test-cri --query SOCKET [--api v1|v1alpha2] [--timeout MS] "
		"[--max-message BYTES] [--save DIR]\n"
		"       test-cri --load DIR\n"
		"       test-cri --rpc SOCKET [--api V] [--pod NAME/NS/UID] [--cgroup-parent P] "
		"[--label K=V]... [--annotation K=V]... COMMAND [ARG...]\n");
	return 2;
}

/* -------------------------------------------------------------------------
 * The tests.
 */

static void diag_error(const char *error)
{
	printf("#   %s\n", error ? error : "(no error)");
}

static void diag_count(const char *what, size_t parsed, size_t refused)
{
	printf("# %s: %zu parsed, %zu refused\n", what, parsed, refused);
}

static const char *fixture_dir(const char *name)
{
	static char path[4096];
	const char *top = getenv("TOP");

	snprintf(path, sizeof(path), "%s/tests/fixtures/cri/%s", top && *top ? top : ".", name);
	return path;
}

static const struct ct_container_rec *find_name(const struct ct_container_list *l, const char *name,
						size_t *ret_i)
{
	for (size_t i = 0; i < l->n; i++)
		if (l->recs[i].name && strcmp(l->recs[i].name, name) == 0) {
			if (ret_i)
				*ret_i = i;
			return &l->recs[i];
		}
	return NULL;
}

static const struct ct_cri_pod *find_pod(const struct ct_cri_pods *p, const char *name)
{
	for (size_t i = 0; i < p->n_pods; i++)
		if (p->pods[i].name && strcmp(p->pods[i].name, name) == 0)
			return &p->pods[i];
	return NULL;
}

static const char *kv_get(const struct ct_kv *kv, size_t n, const char *key)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(kv[i].key, key) == 0)
			return kv[i].value;
	return NULL;
}

static void test_names(void)
{
	is_str(ct_cri_api_name(CT_CRI_API_V1), "v1", "api name v1");
	is_str(ct_cri_api_name(CT_CRI_API_V1ALPHA2), "v1alpha2", "api name v1alpha2");
	is_str(ct_cri_api_name(CT_CRI_API_AUTO), "auto", "api name auto");
	is_str(ct_cri_api_name((enum ct_cri_api)42), "?", "api name out of range");
	is_str(ct_cri_container_state_name(0), "created", "state 0 created");
	is_str(ct_cri_container_state_name(1), "running", "state 1 running");
	is_str(ct_cri_container_state_name(2), "exited", "state 2 exited");
	is_str(ct_cri_container_state_name(3), "unknown", "state 3 unknown");
	is_str(ct_cri_container_state_name(4), "unknown", "state 4 unknown");
	is_str(ct_cri_container_state_name(-1), "unknown", "state -1 unknown");
	is_str(ct_cri_sandbox_state_name(0), "ready", "sandbox 0 ready");
	is_str(ct_cri_sandbox_state_name(1), "notready", "sandbox 1 notready");
	is_str(ct_cri_sandbox_state_name(7), "unknown", "sandbox 7 unknown");
	is_int(ct_cri_engine_kind("containerd"), CT_ENGINE_CONTAINERD, "containerd -> containerd");
	is_int(ct_cri_engine_kind("cri-o"), CT_ENGINE_CRIO, "cri-o -> crio");
	is_int(ct_cri_engine_kind("Containerd"), CT_ENGINE_UNKNOWN, "names compare exactly");
	is_int(ct_cri_engine_kind(NULL), CT_ENGINE_UNKNOWN, "no name -> unknown");
}

static void test_query_errors(void)
{
	struct ct_cri_reply r = { 0 };
	struct ct_cri_opts o = { .api = (enum ct_cri_api)9 };
	char longpath[200];
	char *error = NULL;

	is_int(ct_cri_query("/nonexistent/ctrtree-test.sock", NULL, &r, &error), -ENOENT,
	       "query: missing socket is -ENOENT");
	is_str(error, "Version: no such socket", "query: missing socket, clear error");
	free(error);
	error = NULL;
	is_int(ct_cri_query("/nonexistent/x.sock", &o, &r, &error), -EINVAL,
	       "query: invalid api refused");
	free(error);
	error = NULL;
	memset(longpath, 'x', sizeof(longpath) - 1);
	longpath[0] = '/';
	longpath[sizeof(longpath) - 1] = '\0';
	is_int(ct_cri_query(longpath, NULL, &r, &error), -ENAMETOOLONG, "query: path too long");
	is_str(error, "socket path too long", "query: path too long, clear error");
	free(error);
	ok(!r.version.data && !r.pods.data && !r.containers.data,
	   "query: reply untouched on failure");
}

/*
 * The private containerd 1.6.20 of tests/live/cri-api.t, with the CRI
 * plugin, two pods and four containers made through CRI (see the README
 * for what ctr said at capture).
 */
static void check_private(const char *dir, enum ct_cri_api api)
{
	struct ct_cri_reply reply = { 0 };
	struct ct_container_list list = { 0 };
	struct ct_cri_pods pods = { 0 };
	_cleanup_free_ char *error = NULL;
	const struct ct_container_rec *r;
	const struct ct_cri_pod *web, *gone;
	const char *what = ct_cri_api_name(api);
	size_t i = 0;

	if (load_fixture(fixture_dir(dir), &reply) < 0) {
		ok(0, "fixture %s loads (set TOP to the source tree)", dir);
		return;
	}
	is_int(reply.api, api, "%s: saved from runtime.%s", what, what);
	is_int(ct_cri_parse(&reply, &list, &pods, &error), 0, "%s: parses", what);
	is_str(error, NULL, "%s: no error", what);
	is_str(pods.runtime_name, "containerd", "%s: runtime containerd", what);
	is_str(pods.runtime_version, "1.6.20~ds1", "%s: runtime version", what);
	is_str(pods.runtime_api_version, what, "%s: runtime API version", what);
	is_str(pods.version, "0.1.0", "%s: kubelet API version", what);
	is_int(pods.n_pods, 2, "%s: two pods", what);
	is_int(list.n, 4, "%s: four containers", what);
	is_int(pods.n_ctrs, list.n, "%s: one detail per record", what);

	web = find_pod(&pods, "web");
	gone = find_pod(&pods, "gone");
	ok(web && gone, "%s: pods web and gone found", what);
	if (web) {
		is_str(web->ns, "ctt", "%s: web: namespace", what);
		is_str(web->uid, "uid-web", "%s: web: uid", what);
		is_str(ct_cri_sandbox_state_name(web->state), "ready", "%s: web: ready", what);
		is_int(strlen(web->id), 64, "%s: web: a 64-hex sandbox id", what);
		ok(web->created_at > 1700000000LL * 1000000000, "%s: web: created_at set", what);
		is_str(kv_get(web->labels, web->n_labels, "app"), "web", "%s: web: label app",
		       what);
		is_str(kv_get(web->labels, web->n_labels, "evil"), "a\033[31mb\nc",
		       "%s: web: hostile label kept byte for byte", what);
		is_str(kv_get(web->annotations, web->n_annotations, "team"), "blue",
		       "%s: web: annotation", what);
		ok(ct_cri_pods_find(&pods, web->id) == web, "%s: web: found by its id", what);
	}
	if (gone) {
		is_str(ct_cri_sandbox_state_name(gone->state), "notready",
		       "%s: gone: stopped sandbox is notready", what);
		is_str(gone->ns, "ctt", "%s: gone: namespace", what);
	}
	ok(!ct_cri_pods_find(&pods, "nope") && !ct_cri_pods_find(&pods, "") &&
		   !ct_cri_pods_find(&pods, NULL),
	   "%s: unknown, empty and NULL sandbox ids find nothing", what);

	r = find_name(&list, "app", &i);
	ok(r, "%s: container app found", what);
	if (r && web) {
		is_str(r->status, "running", "%s: app: running", what);
		is_str(r->image, "ctrtree.test/busybox:1", "%s: app: image as created", what);
		is_int(r->engine, CT_ENGINE_UNKNOWN, "%s: app: engine left to the caller", what);
		is_str(r->source, "cri-api", "%s: app: source", what);
		is_int(r->init_pid, 0, "%s: app: no pid from the list calls", what);
		is_int(strlen(r->id), 64, "%s: app: a 64-hex id", what);
		is_str(pods.ctrs[i].pod_sandbox_id, web->id, "%s: app: in pod web", what);
		is_str(kv_get(r->labels, r->n_labels, "tier"), "front", "%s: app: label", what);
		is_str(kv_get(pods.ctrs[i].annotations, pods.ctrs[i].n_annotations, "note"),
		       "hello", "%s: app: annotation", what);
		ok(pods.ctrs[i].image_ref && !strncmp(pods.ctrs[i].image_ref, "sha256:", 7),
		   "%s: app: image_ref is an image id", what);
		ok(pods.ctrs[i].created_at > 1700000000LL * 1000000000, "%s: app: created_at",
		   what);
	}
	r = find_name(&list, "init", &i);
	ok(r && r->status && !strcmp(r->status, "exited"), "%s: init: exited", what);
	r = find_name(&list, "idle", &i);
	ok(r && r->status && !strcmp(r->status, "created"), "%s: idle: created, never started",
	   what);
	r = find_name(&list, "late", &i);
	ok(r && r->status && !strcmp(r->status, "exited") && gone &&
		   !strcmp(pods.ctrs[i].pod_sandbox_id, gone->id),
	   "%s: late: exited with its stopped pod gone", what);

	ct_container_list_clear(&list);
	ct_cri_pods_clear(&pods);
	ct_cri_reply_clear(&reply);
}

static void test_fixture_private(void)
{
	check_private("private-1.6.20", CT_CRI_API_V1);
	check_private("private-1.6.20-v1alpha2", CT_CRI_API_V1ALPHA2);
}

/* An empty containerd: the replies of a node without pods. */
static void test_fixture_empty(void)
{
	struct ct_cri_reply reply = { 0 };
	struct ct_container_list list = { 0 };
	struct ct_cri_pods pods = { 0 };

	if (load_fixture(fixture_dir("empty-1.6.20"), &reply) < 0) {
		ok(0, "fixture empty-1.6.20 loads");
		return;
	}
	is_int(ct_cri_parse(&reply, &list, &pods, NULL), 0, "empty: parses");
	ok(list.n == 0 && pods.n_pods == 0 && pods.n_ctrs == 0, "empty: no pods, no containers");
	is_str(pods.runtime_name, "containerd", "empty: still names the runtime");
	is_int(reply.pods.len + reply.containers.len, 0, "empty: empty lists are zero bytes");
	ct_cri_pods_clear(&pods);
	ct_cri_reply_clear(&reply);
}

static int parse_quiet(const struct ct_cri_reply *r, size_t *ret_n, char **ret_error)
{
	struct ct_container_list list = { 0 };
	struct ct_cri_pods pods = { 0 };
	int ret;

	ret = ct_cri_parse(r, &list, &pods, ret_error);
	if (ret_n)
		*ret_n = list.n;
	ct_container_list_clear(&list);
	ct_cri_pods_clear(&pods);
	return ret;
}

static void test_hostile(void)
{
	struct ct_cri_reply r = { 0 };
	struct ct_container_list list = { 0 };
	struct ct_cri_pods pods = { 0 };
	char *error = NULL;

	/* No blob at all: nothing asked, nothing found. */
	is_int(ct_cri_parse(&r, &list, &pods, &error), 0, "no blobs: parses");
	ok(!list.n && !pods.n_pods && !pods.version, "no blobs: nothing");
	ct_cri_pods_clear(&pods);

	r.containers = blob_dup("\xff\xff\xff", 3);
	list.n = 0;
	is_int(ct_cri_parse(&r, &list, &pods, &error), -EBADMSG, "garbage: -EBADMSG");
	is_str(error, "ListContainers: malformed ListContainersResponse (3 bytes)",
	       "garbage: the error names the call and the size");
	ok(list.n == 0 && !list.recs && !pods.pods, "garbage: nothing appended or filled");
	free(error);
	error = NULL;
	blob_set(&r.containers, blob_dup("", 0));

	r.pods = blob_dup("\x0a\x80\x80\x80\x80\x08", 6);
	ok(parse_quiet(&r, NULL, &error) == -EBADMSG && strstr(error, "ListPodSandbox: malformed"),
	   "length larger than the message: malformed");
	free(error);
	error = NULL;

	blob_set(&r.pods, blob_dup("\x08\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01", 12));
	ok(parse_quiet(&r, NULL, &error) == -EBADMSG, "overlong varint: malformed");
	free(error);
	error = NULL;

	r.version = blob_dup("\x0a\x05", 2);
	blob_set(&r.pods, blob_dup("", 0));
	ok(parse_quiet(&r, NULL, &error) == -EBADMSG && strstr(error, "Version: malformed"),
	   "truncated Version: malformed, named");
	free(error);
	error = NULL;
	blob_set(&r.version, blob_dup("", 0));

	/* A string field sent as a varint (wrong wire type). */
	{
		struct ct_buf c = { 0 }, l = { 0 };

		pb_uint(&c, 1, 7);
		pb_msg(&l, 1, &c);
		blob_set(&r.containers, blob_of(&l));
		ok(parse_quiet(&r, NULL, &error) == -EBADMSG, "wrong wire type for id: malformed");
		free(error);
		error = NULL;
	}

	/* Millions of empty label entries: tiny on the wire, huge decoded. */
	{
		size_t len = 4u << 20;
		uint8_t *big = xmalloc(len);
		struct ct_buf c = { 0 }, l = { 0 };

		for (size_t i = 0; i < len; i += 2) {
			big[i] = 0x42; /* field 8 (labels), wire type 2 */
			big[i + 1] = 0;
		}
		pb_str(&c, 1, "amp");
		ct_buf_put(&c, big, len);
		free(big);
		pb_msg(&l, 1, &c);
		blob_set(&r.containers, blob_of(&l));
		ok(parse_quiet(&r, NULL, &error) == -EBADMSG && strstr(error, "too much memory"),
		   "2M empty labels: refused as too much memory, not allocated");
		diag_error(error);
		free(error);
		error = NULL;
		blob_set(&r.containers, blob_dup("", 0));
	}

	/* Edge cases that must parse: unknown fields and states, missing
	 * metadata, empty and repeated ids, a container whose pod is not listed. */
	{
		struct ct_buf p = { 0 }, md = { 0 }, lp = { 0 }, c = { 0 }, cm = { 0 }, img = { 0 },
			      lc = { 0 };
		const struct ct_container_rec *rec;
		const struct ct_cri_pod *pod;
		size_t i = 0;

		pb_str(&p, 1, "s1");
		pb_str(&md, 1, "first");
		pb_str(&md, 3, "ns1");
		pb_msg(&p, 2, &md);
		pb_uint(&p, 3, 9);	      /* no such sandbox state */
		pb_uint(&p, 4, (uint64_t)-5); /* negative created_at */
		pb_uint(&p, 99, 12345);	      /* unknown field */
		pb_map_entry(&p, 5, "k", ""); /* empty value */
		pb_msg(&lp, 1, &p);
		pb_str(&p, 1, "s1"); /* repeated id: skipped */
		pb_str(&md, 1, "second");
		pb_msg(&p, 2, &md);
		pb_msg(&lp, 1, &p);
		pb_str(&p, 1, ""); /* empty id: skipped */
		pb_msg(&lp, 1, &p);
		pb_str(&p, 1, "s0"); /* no metadata at all */
		pb_msg(&lp, 1, &p);
		blob_set(&r.pods, blob_of(&lp));

		pb_str(&c, 1, "c1");
		pb_str(&c, 2, "s1");
		pb_str(&cm, 1, "one");
		pb_uint(&cm, 2, 4);
		pb_msg(&c, 3, &cm);
		pb_str(&img, 1, "sha256:abc");
		pb_str(&img, 18, "busybox:1"); /* user_specified_image wins */
		pb_msg(&c, 4, &img);
		pb_uint(&c, 6, 77); /* no such state */
		pb_msg(&lc, 1, &c);
		pb_str(&c, 1, "c2"); /* pod not listed, no metadata */
		pb_str(&c, 2, "nopod");
		pb_str(&img, 1, "sha256:def");
		pb_msg(&c, 4, &img);
		pb_uint(&c, 6, 1);
		pb_msg(&lc, 1, &c);
		pb_str(&c, 1, "c1"); /* repeated id: skipped */
		pb_msg(&lc, 1, &c);
		pb_str(&c, 2, "s1"); /* no id: skipped */
		pb_msg(&lc, 1, &c);
		blob_set(&r.containers, blob_of(&lc));

		is_int(ct_cri_parse(&r, &list, &pods, &error), 0, "edge cases: parse");
		is_int(pods.n_pods, 2, "edge cases: two pods (no repeated, no empty id)");
		pod = ct_cri_pods_find(&pods, "s1");
		ok(pod && pod->name && !strcmp(pod->name, "first"),
		   "edge cases: a repeated sandbox id keeps its first entry");
		ok(pod && !strcmp(ct_cri_sandbox_state_name(pod->state), "unknown") &&
			   pod->created_at == 0 && pod->n_labels == 1 &&
			   !strcmp(pod->labels[0].value, ""),
		   "edge cases: state 9 unknown, negative time 0, empty label value kept");
		pod = ct_cri_pods_find(&pods, "s0");
		ok(pod && !pod->name && !pod->ns && !pod->uid, "edge cases: pod without metadata");
		ok(pods.n_pods == 2 && !strcmp(pods.pods[0].id, "s1") &&
			   !strcmp(pods.pods[1].id, "s0"),
		   "edge cases: pods in the runtime's order");
		is_int(list.n, 2, "edge cases: two containers (no repeated, no empty id)");
		rec = find_name(&list, "one", &i);
		ok(rec && rec->image && !strcmp(rec->image, "busybox:1") &&
			   !strcmp(pods.ctrs[i].image_spec, "sha256:abc"),
		   "edge cases: user_specified_image is the image, image.image kept aside");
		ok(rec && !strcmp(rec->status, "unknown") && pods.ctrs[i].attempt == 4,
		   "edge cases: state 77 is unknown; attempt 4");
		ok(list.n == 2 && !list.recs[1].name && !strcmp(list.recs[1].status, "running") &&
			   !strcmp(list.recs[1].image, "sha256:def") &&
			   !ct_cri_pods_find(&pods, pods.ctrs[1].pod_sandbox_id),
		   "edge cases: no metadata, no name; a pod not listed is not found");
		free(error);
		error = NULL;
		ct_container_list_clear(&list);
		ct_cri_pods_clear(&pods);
	}

	/* NULL ret_pods: records only. */
	{
		size_t n = 0;

		is_int(ct_cri_parse(&r, &list, NULL, NULL), 0, "no pod table wanted: parses");
		n = list.n;
		is_int(n, 2, "no pod table wanted: records still appended");
		/* Appending to a list that has records. */
		is_int(ct_cri_parse(&r, &list, NULL, NULL), 0, "appending: parses");
		is_int(list.n, 4, "appending: records added after the old ones");
		ct_container_list_clear(&list);
	}
	ct_cri_reply_clear(&r);
}

/* Many ids, most repeated: the dedupe must not be quadratic. */
static void test_many_ids(void)
{
	struct ct_cri_reply r = { 0 };
	struct ct_buf l = { 0 }, lp = { 0 };
	struct timespec t0;
	char id[32], *error = NULL;
	size_t n = 0;
	long ms;
	int ret;

	for (unsigned i = 0; i < 200000; i++) {
		struct ct_buf c = { 0 }, p = { 0 };

		snprintf(id, sizeof(id), "%u", i % 50000);
		/* A label as real ones look keeps the decoded size realistic. */
		pb_str(&c, 1, id);
		pb_str(&c, 2, id);
		pb_map_entry(&c, 8, "io.kubernetes.pod.namespace", "kube-system");
		pb_msg(&l, 1, &c);
		pb_str(&p, 1, id);
		pb_map_entry(&p, 5, "io.kubernetes.pod.namespace", "kube-system");
		pb_msg(&lp, 1, &p);
	}
	r.containers = blob_of(&l);
	r.pods = blob_of(&lp);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	ret = parse_quiet(&r, &n, &error);
	ms = ms_since(&t0);
	ok(ret == 0 && n == 50000, "200000 containers and pods, 50000 ids: 50000 records");
	if (ret < 0)
		diag_error(error);
	free(error);
	ok(ms < 5000, "... in %ld ms, no quadratic dedupe", ms);
	ct_cri_reply_clear(&r);
}

/* Every truncation and many random flips of a real reply: no crash. */
static void test_mutations(void)
{
	struct ct_cri_reply real = { 0 };
	size_t okays = 0, fails = 0, bad_errors = 0;
	unsigned seed = 4242;

	if (load_fixture(fixture_dir("private-1.6.20"), &real) < 0) {
		ok(0, "mutations: fixture loads");
		return;
	}
	for (int which = 0; which < 3; which++) {
		const struct ct_cri_blob *src = which == 0   ? &real.version
						: which == 1 ? &real.pods
							     : &real.containers;

		for (size_t cut = 0; cut < src->len; cut += cut < 4096 ? 1 : 97) {
			struct ct_cri_reply m = { 0 };
			char *error = NULL;
			struct ct_cri_blob *dst = which == 0   ? &m.version
						  : which == 1 ? &m.pods
							       : &m.containers;
			int ret;

			*dst = blob_dup(src->data, cut);
			ret = parse_quiet(&m, NULL, &error);
			if (ret == 0)
				okays++;
			else if (ret == -EBADMSG && error)
				fails++;
			else
				bad_errors++;
			free(error);
			ct_cri_reply_clear(&m);
		}
	}
	diag_count("truncations", okays, fails);
	is_int(bad_errors, 0, "truncations: each one parses or fails with -EBADMSG and a reason");

	okays = fails = 0;
	for (int iter = 0; iter < 3000; iter++) {
		struct ct_cri_reply m = { 0 };
		struct ct_cri_blob *b;
		char *error = NULL;
		int ret;

		m.version = blob_dup(real.version.data, real.version.len);
		m.pods = blob_dup(real.pods.data, real.pods.len);
		m.containers = blob_dup(real.containers.data, real.containers.len);
		b = iter % 2 ? &m.pods : &m.containers;
		for (int k = 0; k < 1 + iter % 4; k++) {
			size_t pos = b->len ? (size_t)rand_r(&seed) % b->len : 0;

			if (b->len)
				b->data[pos] ^= (uint8_t)(1u << (rand_r(&seed) % 8));
		}
		ret = parse_quiet(&m, NULL, &error);
		if (ret == 0)
			okays++;
		else if (ret == -EBADMSG && error)
			fails++;
		else
			bad_errors++;
		free(error);
		ct_cri_reply_clear(&m);
	}
	diag_count("random flips", okays, fails);
	is_int(bad_errors, 0, "random flips: each one parses or fails with -EBADMSG and a reason");

	/* The pods reply fed as the containers reply, and the other way. */
	{
		struct ct_cri_reply m = { 0 };
		char *error = NULL;
		int ret;

		m.pods = blob_dup(real.containers.data, real.containers.len);
		m.containers = blob_dup(real.pods.data, real.pods.len);
		ret = parse_quiet(&m, NULL, &error);
		ok(ret == 0 || (ret == -EBADMSG && error),
		   "swapped replies: parsed or refused, no crash");
		free(error);
		ct_cri_reply_clear(&m);
	}
	ct_cri_reply_clear(&real);
}

int main(int argc, char **argv)
{
	if (argc > 1)
		return tool_main(argc, argv);
	test_names();
	test_query_errors();
	test_fixture_private();
	test_fixture_empty();
	test_hostile();
	test_many_ids();
	test_mutations();
	return tap_done();
}
