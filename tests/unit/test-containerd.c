/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * containerd's gRPC API: the framing, the decoding of real replies saved
 * from containerd 1.6.20 (tests/fixtures/containerd/), and hostile bytes.
 *
 *   test-containerd                       the TAP tests (fixtures under $TOP)
 *   test-containerd --query SOCKET [--namespace NS] [--timeout MS]
 *                   [--max-message BYTES] [--save DIR]
 *   test-containerd --load DIR
 *
 * --query and --load print one JSON line about containerd, then one per
 * container record: the live test compares them with ctr.  --save keeps
 * the raw replies as a fixture directory.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <sys/stat.h>
#include <time.h>

#include "engine-containerd.h"
#include "escape.h"
#include "grpc.h"
#include "jsonutil.h"
#include "tap.h"
#include "util.h"

/* -------------------------------------------------------------------------
 * Fixture directories: version.pb, namespaces.pb, and per queried namespace
 * N (in order) ns.N.name, ns.N.containers.pb, ns.N.tasks.pb.
 */

static int read_blob(const char *dir, const char *name, struct ct_containerd_blob *b)
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

static int load_fixture(const char *dir, struct ct_containerd_reply *ret)
{
	struct ct_containerd_reply r = { 0 };
	char name[64];
	int ret_ = 0;

	if (read_blob(dir, "version.pb", &r.version) < 0 ||
	    read_blob(dir, "namespaces.pb", &r.namespaces) < 0) {
		ct_containerd_reply_clear(&r);
		return -ENOENT;
	}
	for (unsigned i = 0;; i++) {
		struct ct_containerd_blob nb = { 0 };
		struct ct_containerd_ns_reply *nr;
		char *nl;

		snprintf(name, sizeof(name), "ns.%u.name", i);
		if (read_blob(dir, name, &nb) < 0)
			break;
		nl = memchr(nb.data, '\n', nb.len);
		if (nl)
			*nl = '\0';
		nr = ct_containerd_reply_add_ns(&r, (char *)nb.data);
		free(nb.data);
		snprintf(name, sizeof(name), "ns.%u.containers.pb", i);
		if (read_blob(dir, name, &nr->containers) < 0)
			ret_ = -ENOENT;
		snprintf(name, sizeof(name), "ns.%u.tasks.pb", i);
		if (read_blob(dir, name, &nr->tasks) < 0)
			ret_ = -ENOENT;
	}
	if (ret_ < 0) {
		ct_containerd_reply_clear(&r);
		return ret_;
	}
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

static int save_fixture(const char *dir, const struct ct_containerd_reply *r)
{
	char name[64];
	int ret;

	if (mkdir(dir, 0755) < 0 && errno != EEXIST)
		return -errno;
	ret = write_file(dir, "version.pb", r->version.data, r->version.len);
	if (ret == 0)
		ret = write_file(dir, "namespaces.pb", r->namespaces.data, r->namespaces.len);
	for (size_t i = 0; ret == 0 && i < r->n_ns; i++) {
		_cleanup_free_ char *line = NULL;

		if (asprintf(&line, "%s\n", r->ns[i].name) < 0)
			return -ENOMEM;
		snprintf(name, sizeof(name), "ns.%zu.name", i);
		ret = write_file(dir, name, line, strlen(line));
		snprintf(name, sizeof(name), "ns.%zu.containers.pb", i);
		if (ret == 0)
			ret = write_file(dir, name, r->ns[i].containers.data,
					 r->ns[i].containers.len);
		snprintf(name, sizeof(name), "ns.%zu.tasks.pb", i);
		if (ret == 0)
			ret = write_file(dir, name, r->ns[i].tasks.data, r->ns[i].tasks.len);
	}
	return ret;
}

/* -------------------------------------------------------------------------
 * JSON lines for the live test.
 */

static struct json_object *kv_object(const struct ct_kv *kv, size_t n)
{
	struct json_object *o = json_object_new_object();

	for (size_t i = 0; i < n; i++)
		json_object_object_add(o, kv[i].key, ct_json_str(kv[i].value));
	return o;
}

static void print_line(struct json_object *o)
{
	puts(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
						       JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
}

static void print_records(const struct ct_container_list *l, const struct ct_containerd_info *info,
			  long elapsed_ms)
{
	struct json_object *o = json_object_new_object(), *ns = json_object_new_array();

	json_object_object_add(o, "version", ct_json_str(info->version));
	json_object_object_add(o, "revision", ct_json_str(info->revision));
	for (size_t i = 0; i < info->n_namespaces; i++) {
		struct json_object *n = json_object_new_object();

		json_object_object_add(n, "name", ct_json_str(info->namespaces[i].name));
		json_object_object_add(
			n, "labels",
			kv_object(info->namespaces[i].labels, info->namespaces[i].n_labels));
		json_object_array_add(ns, n);
	}
	json_object_object_add(o, "namespaces", ns);
	if (elapsed_ms >= 0)
		json_object_object_add(o, "elapsed_ms", json_object_new_int64(elapsed_ms));
	print_line(o);

	for (size_t i = 0; i < l->n; i++) {
		const struct ct_container_rec *r = &l->recs[i];
		const struct ct_containerd_ctr *x = &info->ctrs[i];

		o = json_object_new_object();
		json_object_object_add(o, "id", ct_json_str(r->id));
		json_object_object_add(o, "engine",
				       json_object_new_string(ct_engine_kind_name(r->engine)));
		json_object_object_add(o, "engine_ns", ct_json_str(r->engine_ns));
		json_object_object_add(o, "image", ct_json_str(r->image));
		json_object_object_add(o, "runtime", ct_json_str(r->runtime));
		json_object_object_add(o, "status", ct_json_str(r->status));
		json_object_object_add(o, "init_pid", json_object_new_int(r->init_pid));
		json_object_object_add(o, "labels", kv_object(r->labels, r->n_labels));
		json_object_object_add(o, "source", ct_json_str(r->source));
		json_object_object_add(o, "has_task", json_object_new_boolean(x->has_task));
		json_object_object_add(o, "task_pid", json_object_new_int64(x->task_pid));
		json_object_object_add(o, "exit_status", json_object_new_int64(x->exit_status));
		json_object_object_add(o, "snapshotter", ct_json_str(x->snapshotter));
		json_object_object_add(o, "snapshot_key", ct_json_str(x->snapshot_key));
		json_object_object_add(o, "created_at", json_object_new_int64(x->created_at));
		json_object_object_add(o, "spec_type_url", ct_json_str(x->spec_type_url));
		json_object_object_add(o, "spec_len", json_object_new_int64((int64_t)x->spec_len));
		print_line(o);
	}
}

static long ms_since(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (t1.tv_sec - t0->tv_sec) * 1000 + (t1.tv_nsec - t0->tv_nsec) / 1000000;
}

static int parse_and_print(const struct ct_containerd_reply *reply, long elapsed_ms)
{
	struct ct_container_list list = { 0 };
	struct ct_containerd_info info = { 0 };
	_cleanup_free_ char *error = NULL;
	int r;

	r = ct_containerd_parse(reply, &list, &info, &error);
	if (r < 0) {
		fprintf(stderr, "test-containerd: %s\n", error);
		return 1;
	}
	print_records(&list, &info, elapsed_ms);
	ct_container_list_clear(&list);
	ct_containerd_info_clear(&info);
	return fflush(stdout) == 0 && !ferror(stdout) ? 0 : 1;
}

static int tool_main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "query", required_argument, NULL, 'q' },
		{ "load", required_argument, NULL, 'l' },
		{ "save", required_argument, NULL, 's' },
		{ "namespace", required_argument, NULL, 'n' },
		{ "timeout", required_argument, NULL, 't' },
		{ "max-message", required_argument, NULL, 'm' },
		{ NULL, 0, NULL, 0 },
	};
	struct ct_containerd_opts opts = { 0 };
	struct ct_containerd_reply reply = { 0 };
	const char *query = NULL, *load = NULL, *save = NULL;
	_cleanup_free_ char *error = NULL;
	struct timespec t0;
	uint64_t v;
	long elapsed;
	int c, r;

	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
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
		case 'n':
			opts.only_namespace = optarg;
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
		default:
			goto usage;
		}
	}
	if (!query == !load || optind != argc)
		goto usage;

	if (load) {
		r = load_fixture(load, &reply);
		if (r < 0) {
			fprintf(stderr, "test-containerd: %s: %s\n", load, strerror(-r));
			return 1;
		}
		r = parse_and_print(&reply, -1);
		ct_containerd_reply_clear(&reply);
		return r;
	}

	clock_gettime(CLOCK_MONOTONIC, &t0);
	r = ct_containerd_query(query, &opts, &reply, &error);
	elapsed = ms_since(&t0);
	if (r < 0) {
		fprintf(stderr, "test-containerd: %s: %s (%s, after %ld ms)\n", query, error,
			strerror(-r), elapsed);
		return 1;
	}
	if (save) {
		r = save_fixture(save, &reply);
		if (r < 0) {
			fprintf(stderr, "test-containerd: %s: %s\n", save, strerror(-r));
			ct_containerd_reply_clear(&reply);
			return 1;
		}
	}
	r = parse_and_print(&reply, elapsed);
	ct_containerd_reply_clear(&reply);
	return r;
usage:
	fprintf(stderr, "Usage: test-containerd [--query SOCKET [--namespace NS] [--timeout MS] "
			"[--max-message BYTES] [--save DIR] | --load DIR]\n");
	return 2;
}

/* -------------------------------------------------------------------------
 * A tiny protobuf writer, independent of the generated code, for hostile
 * and edge-case messages.
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

static struct ct_containerd_blob blob_of(struct ct_buf *b)
{
	struct ct_containerd_blob r = { (uint8_t *)b->data, b->len };

	*b = (struct ct_buf){ 0 };
	return r;
}

static struct ct_containerd_blob blob_dup(const void *p, size_t n)
{
	return (struct ct_containerd_blob){ (uint8_t *)xmemdup0(p, n), n };
}

static void blob_clear_free(struct ct_containerd_blob *b)
{
	free(b->data);
	*b = (struct ct_containerd_blob){ 0 };
}

static void diag_error(const char *error)
{
	printf("#   %s\n", error ? error : "(no error)");
}

static void diag_count(const char *what, size_t parsed, size_t refused)
{
	printf("# %s: %zu parsed, %zu refused\n", what, parsed, refused);
}

/* -------------------------------------------------------------------------
 * The tests.
 */

static void test_unframe(void)
{
	static const struct {
		const char *body;
		size_t len;
		int ret;
		const char *error;
	} cases[] = {
		{ "", 0, -EBADMSG, "no response message" },
		{ "\0\0\0", 3, -EBADMSG, "truncated frame header (3 of 5 bytes)" },
		{ "\0\0\0\0\x03"
		  "ab",
		  7, -EBADMSG, "truncated message (2 of 3 bytes)" },
		{ "\0\0\0\0\x01"
		  "ab",
		  7, -EBADMSG, "1 bytes after the message (a unary response has one)" },
		{ "\x01\0\0\0\x02"
		  "ab",
		  7, -EPROTO, "compressed message, but no compression was offered" },
		{ "\x80\0\0\0\x02"
		  "ab",
		  7, -EBADMSG, "invalid frame flags 0x80" },
		{ "\0\xff\xff\xff\xff"
		  "ab",
		  7, -EMSGSIZE, "message of 4294967295 bytes exceeds the limit of 1024" },
		{ "\0\0\0\x04\x01", 5, -EMSGSIZE,
		  "message of 1025 bytes exceeds the limit of 1024" },
		{ "\0\0\0\0\x02"
		  "ab"
		  "\0\0\0\0\0",
		  12, -EBADMSG, "5 bytes after the message (a unary response has one)" },
	};
	size_t off = 99, len = 99;

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		_cleanup_free_ char *error = NULL;
		int r = ct_grpc_unframe((const uint8_t *)cases[i].body, cases[i].len, 1024, &off,
					&len, &error);

		is_int(r, cases[i].ret, "unframe: hostile frame %zu rejected", i);
		is_str(error, cases[i].error, "unframe: hostile frame %zu: clear error", i);
	}
	ok(off == 99 && len == 99, "unframe: out params untouched on failure");

	is_int(ct_grpc_unframe((const uint8_t *)"\0\0\0\0\0", 5, 1024, &off, &len, NULL), 0,
	       "unframe: an empty message is a message");
	ok(off == 5 && len == 0, "unframe: empty message at 5, length 0");
	is_int(ct_grpc_unframe((const uint8_t *)"\0\0\0\x04\0", 5, 1024, &off, &len, NULL),
	       -EBADMSG, "unframe: exactly the limit, but truncated");

	size_t flen;
	_cleanup_free_ uint8_t *f = ct_grpc_frame("hello", 5, &flen);
	is_int(flen, 10, "frame: 5 + 5 bytes");
	ok(memcmp(f, "\0\0\0\0\x05hello", 10) == 0, "frame: flag 0, big-endian length, message");
	is_int(ct_grpc_unframe(f, flen, 5, &off, &len, NULL), 0, "frame: unframes at the limit");
	ok(off == 5 && len == 5, "frame: round trip");
}

static void test_grpc_text(void)
{
	static const struct {
		const char *in, *out;
	} msgs[] = {
		{ "unknown service containerd.services.nope.v1.X",
		  "unknown service containerd.services.nope.v1.X" },
		{ "not%20found%3A x", "not found: x" },
		{ "%1b[31mred%07", "\\x1b[31mred\\x07" },
		{ "bad %zz and %4", "bad %zz and %4" },
		{ "%0a%0d", "\\x0a\\x0d" },
		{ "", "" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(msgs); i++) {
		_cleanup_free_ char *s =
			ct_grpc_decode_message(msgs[i].in, strlen(msgs[i].in), 1024);

		is_str(s, msgs[i].out, "grpc-message: decoded and escaped %zu", i);
	}
	_cleanup_free_ char *cut = ct_grpc_decode_message("abcdefgh", 8, 4);
	is_str(cut, "abcd...", "grpc-message: long text cut at the limit");

	is_str(ct_grpc_status_name(12), "UNIMPLEMENTED", "status 12 is UNIMPLEMENTED");
	is_str(ct_grpc_status_name(17), "?", "status 17 is outside the spec");
	is_int(ct_grpc_status_to_errno(12), -EOPNOTSUPP, "UNIMPLEMENTED -> -EOPNOTSUPP");
	is_int(ct_grpc_status_to_errno(5), -ENOENT, "NOT_FOUND -> -ENOENT");
	is_int(ct_grpc_status_to_errno(4), -ETIMEDOUT, "DEADLINE_EXCEEDED -> -ETIMEDOUT");
	is_int(ct_grpc_status_to_errno(999), -EREMOTEIO, "unknown code -> -EREMOTEIO");
	is_int(ct_grpc_status_to_errno(0), 0, "OK -> 0");
}

static void test_grpc_channel(void)
{
	struct ct_grpc_channel *ch = NULL;
	char longpath[200];
	uint8_t *msg = NULL;
	size_t len = 0;
	int status = 7;
	char *error = NULL;

	memset(longpath, 'x', sizeof(longpath) - 1);
	longpath[0] = '/';
	longpath[sizeof(longpath) - 1] = '\0';
	is_int(ct_grpc_channel_new(longpath, NULL, &ch), -ENAMETOOLONG, "channel: path too long");
	is_int(ct_grpc_channel_new("", NULL, &ch), -EINVAL, "channel: empty path");
	ok(!ch, "channel: untouched on failure");

	is_int(ct_grpc_channel_new("/nonexistent/ctrtree-test.sock", NULL, &ch), 0,
	       "channel: created without connecting");
	is_int(ct_grpc_call(ch, "/a.B/C", NULL, NULL, 0, &msg, &len, &status, &error), -ENOENT,
	       "call: missing socket is -ENOENT");
	is_str(error, "no such socket", "call: missing socket, clear error");
	is_int(status, -1, "call: no grpc-status without a reply");
	free(error);
	error = NULL;

	static const char *const smuggle[] = { "containerd-namespace: a\r\nx-evil: 1", NULL };
	is_int(ct_grpc_call(ch, "/a.B/C", smuggle, NULL, 0, &msg, &len, NULL, &error), -EINVAL,
	       "call: CR/LF in metadata refused");
	free(error);
	error = NULL;
	is_int(ct_grpc_call(ch, "/a.B/C\r\nx: y", NULL, NULL, 0, &msg, &len, NULL, &error), -EINVAL,
	       "call: CR/LF in method refused");
	free(error);
	ok(!msg && len == 0, "call: out params untouched on failure");
	ok(ct_grpc_channel_free(ch) == NULL, "channel: free returns NULL");
	ok(ct_grpc_channel_free(NULL) == NULL, "channel: free accepts NULL");
}

static void test_namespace_valid(void)
{
	static const char *const good[] = {
		"default", "moby", "k8s.io", "a", "A-b_c.d9", "buildkit"
	};
	static const char *const bad[] = { "",	  ".a", "a.",	"a..b",	  "a-_b", "a b",
					   "a/b", "-a", "a\nb", "ümlaut", "a:b" };
	char longname[300];

	for (size_t i = 0; i < ARRAY_SIZE(good); i++)
		ok(ct_containerd_namespace_valid(good[i]), "namespace \"%s\" valid", good[i]);
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
		ok(!ct_containerd_namespace_valid(bad[i]), "namespace %zu invalid", i);
	memset(longname, 'a', sizeof(longname) - 1);
	longname[255] = '\0';
	ok(ct_containerd_namespace_valid(longname), "namespace of 255 bytes valid");
	longname[255] = 'a';
	longname[256] = '\0';
	ok(!ct_containerd_namespace_valid(longname), "namespace of 256 bytes invalid");
}

static const char *fixture_dir(const char *name)
{
	static char path[4096];
	const char *top = getenv("TOP");

	snprintf(path, sizeof(path), "%s/tests/fixtures/containerd/%s", top && *top ? top : ".",
		 name);
	return path;
}

static const struct ct_container_rec *find(const struct ct_container_list *l, const char *ns,
					   const char *id, size_t *ret_i)
{
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->recs[i].id, id) == 0 && strcmp(l->recs[i].engine_ns, ns) == 0) {
			if (ret_i)
				*ret_i = i;
			return &l->recs[i];
		}
	return NULL;
}

static const char *label(const struct ct_container_rec *r, const char *key)
{
	for (size_t i = 0; r && i < r->n_labels; i++)
		if (strcmp(r->labels[i].key, key) == 0)
			return r->labels[i].value;
	return NULL;
}

/*
 * A private containerd 1.6.20 as tests/live/containerd-api.t sets it up:
 * ctt-a holds run1 (running), idle (no task), paused1 (paused), done1
 * (exited 3); ctt-b holds run2 (running, labels app=web and a hostile one).
 * The expected values were read with ctr at capture time (see README).
 */
static void test_fixture_private(void)
{
	struct ct_containerd_reply reply = { 0 };
	struct ct_container_list list = { 0 };
	struct ct_containerd_info info = { 0 };
	_cleanup_free_ char *error = NULL;
	const struct ct_container_rec *r;
	size_t i = 0;

	if (load_fixture(fixture_dir("private-1.6.20"), &reply) < 0) {
		ok(0, "fixture private-1.6.20 loads (set TOP to the source tree)");
		return;
	}
	is_int(ct_containerd_parse(&reply, &list, &info, &error), 0, "private: parses");
	is_str(error, NULL, "private: no error");
	is_str(info.version, "1.6.20~ds1", "private: version");
	is_str(info.revision, "1.6.20~ds1-1+deb12u3", "private: revision");
	is_int(info.n_namespaces, 2, "private: two namespaces");
	if (info.n_namespaces == 2) {
		is_str(info.namespaces[0].name, "ctt-a", "private: namespace ctt-a");
		is_str(info.namespaces[1].name, "ctt-b", "private: namespace ctt-b");
	}
	is_int(list.n, 5, "private: five containers");
	is_int(info.n_ctrs, list.n, "private: one detail per record");

	r = find(&list, "ctt-a", "run1", &i);
	ok(r, "private: run1 found");
	if (r) {
		is_str(r->status, "running", "run1: running");
		is_int(r->init_pid, 421, "run1: init pid as ctr tasks ls said");
		is_str(r->image, "ctrtree.test/busybox:1", "run1: image");
		is_str(r->runtime, "io.containerd.runc.v2", "run1: runtime");
		is_int(r->engine, CT_ENGINE_CONTAINERD, "run1: engine containerd");
		is_str(r->source, "containerd-api", "run1: source");
		is_str(info.ctrs[i].snapshotter, "overlayfs", "run1: snapshotter");
		is_str(info.ctrs[i].spec_type_url,
		       "types.containerd.io/opencontainers/runtime-spec/1/Spec",
		       "run1: spec is an OCI runtime spec");
		ok(info.ctrs[i].spec_len > 100 && info.ctrs[i].spec[0] == '{',
		   "run1: spec kept raw (JSON)");
		ok(info.ctrs[i].created_at > 1700000000LL * 1000000000, "run1: created_at set");
	}
	r = find(&list, "ctt-a", "idle", &i);
	ok(r, "private: idle found");
	if (r) {
		is_str(r->status, NULL, "idle: no task, no status");
		is_int(r->init_pid, 0, "idle: no pid");
		ok(!info.ctrs[i].has_task, "idle: has_task false");
	}
	r = find(&list, "ctt-a", "paused1", &i);
	if (r) {
		is_str(r->status, "paused", "paused1: paused");
		is_int(r->init_pid, 473, "paused1: its process still exists");
	} else {
		ok(0, "private: paused1 found");
	}
	r = find(&list, "ctt-a", "done1", &i);
	if (r) {
		is_str(r->status, "stopped", "done1: stopped");
		is_int(r->init_pid, 0, "done1: a stopped task's pid is not reported as live");
		is_int(info.ctrs[i].task_pid, 529, "done1: the old pid is kept aside");
		is_int(info.ctrs[i].exit_status, 3, "done1: exit status 3");
	} else {
		ok(0, "private: done1 found");
	}
	r = find(&list, "ctt-b", "run2", &i);
	if (r) {
		is_str(r->engine_ns, "ctt-b", "run2: namespace ctt-b");
		is_int(r->init_pid, 577, "run2: init pid");
		is_str(label(r, "app"), "web", "run2: label app=web");
		is_str(label(r, "evil"), "a\033[31mb\nc", "run2: hostile label kept byte for byte");
	} else {
		ok(0, "private: run2 found");
	}
	ct_container_list_clear(&list);
	ct_containerd_info_clear(&info);
	ct_containerd_reply_clear(&reply);
}

/* dockerd's own containerd: namespace "moby", one container per docker one. */
static void test_fixture_moby(void)
{
	struct ct_containerd_reply reply = { 0 };
	struct ct_container_list list = { 0 };
	struct ct_containerd_info info = { 0 };
	_cleanup_free_ char *error = NULL;
	size_t running = 0;

	if (load_fixture(fixture_dir("moby-1.6.20"), &reply) < 0) {
		ok(0, "fixture moby-1.6.20 loads (set TOP to the source tree)");
		return;
	}
	is_int(ct_containerd_parse(&reply, &list, &info, &error), 0, "moby: parses");
	ok(info.n_namespaces == 1 && strcmp(info.namespaces[0].name, "moby") == 0,
	   "moby: the only namespace is moby");
	ok(list.n > 0, "moby: containers listed");
	for (size_t i = 0; i < list.n; i++) {
		const struct ct_container_rec *r = &list.recs[i];

		ok(strlen(r->id) == 64 && strcmp(r->engine_ns, "moby") == 0 &&
			   r->engine == CT_ENGINE_CONTAINERD,
		   "moby: %.12s is a docker id in moby, engine containerd", r->id);
		if (r->status && strcmp(r->status, "running") == 0 && r->init_pid > 0)
			running++;
	}
	is_int(running, list.n, "moby: every docker container has a running task with a pid");
	ct_container_list_clear(&list);
	ct_containerd_info_clear(&info);
	ct_containerd_reply_clear(&reply);
}

/* Parse must fail cleanly or succeed; never crash, never leave half a list. */
static int parse_quiet(const struct ct_containerd_reply *r, size_t *ret_n, char **ret_error)
{
	struct ct_container_list list = { 0 };
	struct ct_containerd_info info = { 0 };
	int ret;

	ret = ct_containerd_parse(r, &list, &info, ret_error);
	if (ret_n)
		*ret_n = list.n;
	ct_container_list_clear(&list);
	ct_containerd_info_clear(&info);
	return ret;
}

static void test_hostile_protobuf(void)
{
	struct ct_containerd_reply r = { 0 };
	struct ct_container_list list = { 0 };
	struct ct_containerd_ns_reply *nr;
	char *error = NULL;
	size_t n;

	nr = ct_containerd_reply_add_ns(&r, "x");
	nr->containers = blob_dup("\xff\xff\xff", 3);
	nr->tasks = blob_dup("", 0);
	list.n = 0;
	is_int(ct_containerd_parse(&r, &list, NULL, &error), -EBADMSG, "garbage: -EBADMSG");
	is_str(error, "Containers.List in namespace x: malformed ListContainersResponse (3 bytes)",
	       "garbage: the error names the call, the namespace and the size");
	ok(list.n == 0 && !list.recs, "garbage: nothing appended");
	free(error);
	error = NULL;

	/* A submessage claiming more bytes than there are. */
	blob_clear_free(&nr->containers);
	nr->containers = blob_dup("\x0a\x80\x80\x80\x80\x08", 6);
	ok(parse_quiet(&r, NULL, &error) == -EBADMSG && strstr(error, "malformed"),
	   "length larger than the message: malformed");
	free(error);
	error = NULL;

	/* A varint of 11 bytes. */
	blob_clear_free(&nr->containers);
	nr->containers = blob_dup("\x08\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01", 12);
	ok(parse_quiet(&r, NULL, &error) == -EBADMSG, "overlong varint: malformed");
	free(error);
	error = NULL;

	/* A string field sent as a varint (wrong wire type). */
	{
		struct ct_buf c = { 0 }, l = { 0 };

		pb_uint(&c, 1, 7);
		pb_msg(&l, 1, &c);
		blob_clear_free(&nr->containers);
		nr->containers = blob_of(&l);
		ok(parse_quiet(&r, NULL, &error) == -EBADMSG, "wrong wire type for id: malformed");
		free(error);
		error = NULL;
	}

	/* Millions of empty map entries: tiny on the wire, huge decoded. */
	{
		size_t len = 4u << 20;
		uint8_t *big = xmalloc(len);
		struct ct_buf c = { 0 }, l = { 0 };

		for (size_t i = 0; i < len; i += 2) {
			big[i] = 0x12; /* field 2, labels */
			big[i + 1] = 0;
		}
		pb_str(&c, 1, "amp");
		ct_buf_put(&c, big, len);
		free(big);
		pb_msg(&l, 1, &c);
		blob_clear_free(&nr->containers);
		nr->containers = blob_of(&l);
		ok(parse_quiet(&r, NULL, &error) == -EBADMSG && strstr(error, "too much memory"),
		   "2M empty labels: refused as too much memory, not allocated");
		diag_error(error);
		free(error);
		error = NULL;
	}

	/* Unknown fields, odd enum values, an impossible pid, no container_id. */
	{
		struct ct_buf c = { 0 }, rt = { 0 }, l = { 0 }, t = { 0 }, tl = { 0 }, ts = { 0 };

		pb_str(&c, 1, "odd");
		pb_uint(&c, 99, 12345); /* unknown field */
		pb_str(&c, 3, "img");
		pb_str(&rt, 1, "io.containerd.runc.v2");
		pb_msg(&c, 4, &rt);
		pb_uint(&ts, 1, (uint64_t)INT64_MAX); /* seconds out of range */
		pb_msg(&c, 8, &ts);
		pb_msg(&l, 1, &c);
		pb_str(&c, 1, ""); /* a container without id: skipped */
		pb_msg(&l, 1, &c);
		blob_clear_free(&nr->containers);
		nr->containers = blob_of(&l);

		pb_str(&t, 2, "odd");	     /* id only, as containerd 1.6 sends */
		pb_uint(&t, 3, 3000000000u); /* pid > INT32_MAX */
		pb_uint(&t, 4, 2);	     /* running */
		pb_msg(&tl, 1, &t);
		pb_str(&t, 1, "orphan"); /* container_id, no container */
		pb_str(&t, 2, "orphan");
		pb_uint(&t, 3, 77);
		pb_uint(&t, 4, 42); /* no such status */
		pb_msg(&tl, 1, &t);
		blob_clear_free(&nr->tasks);
		nr->tasks = blob_of(&tl);

		struct ct_containerd_info info = { 0 };
		const struct ct_container_rec *rec;
		size_t i = 0;

		is_int(ct_containerd_parse(&r, &list, &info, &error), 0, "edge cases: parse");
		is_int(list.n, 2,
		       "edge cases: the container and the orphan task, not the empty id");
		rec = find(&list, "x", "odd", &i);
		ok(rec && rec->init_pid == 0 && info.ctrs[i].task_pid == 3000000000u,
		   "edge cases: a pid above INT32_MAX is not a pid");
		ok(rec && info.ctrs[i].created_at == 0, "edge cases: out-of-range timestamp is 0");
		ok(rec && rec->status && strcmp(rec->status, "running") == 0,
		   "edge cases: task matched by id when container_id is empty");
		rec = find(&list, "x", "orphan", &i);
		ok(rec && !rec->image && rec->status && strcmp(rec->status, "unknown") == 0,
		   "edge cases: orphan task kept, status 42 is unknown");
		ok(rec && rec->init_pid == 0, "edge cases: unknown status gives no live pid");
		ct_containerd_info_clear(&info);
		ct_container_list_clear(&list);
	}

	/* Empty replies: no namespaces, no containers. */
	{
		struct ct_containerd_reply e = { 0 };

		e.version = blob_dup("", 0);
		e.namespaces = blob_dup("", 0);
		ok(parse_quiet(&e, &n, NULL) == 0 && n == 0, "empty replies: no records");
		ct_containerd_reply_clear(&e);
	}
	ct_containerd_reply_clear(&r);
}

/* Every truncation and many random flips of a real reply: no crash. */
static void test_mutations(void)
{
	struct ct_containerd_reply real = { 0 };
	size_t okays = 0, fails = 0, bad_errors = 0;
	unsigned seed = 12345;

	if (load_fixture(fixture_dir("private-1.6.20"), &real) < 0 || real.n_ns < 1) {
		ok(0, "mutations: fixture loads");
		return;
	}
	for (size_t ns = 0; ns < real.n_ns; ns++) {
		for (int which = 0; which < 2; which++) {
			const struct ct_containerd_blob *src =
				which ? &real.ns[ns].tasks : &real.ns[ns].containers;
			/* Every prefix up to 4 KiB, then a sparse sample. */
			for (size_t cut = 0; cut < src->len; cut += cut < 4096 ? 1 : 97) {
				struct ct_containerd_reply m = { 0 };
				struct ct_containerd_ns_reply *nr =
					ct_containerd_reply_add_ns(&m, "m");
				char *error = NULL;
				int ret;

				nr->containers = which ? blob_dup("", 0) : blob_dup(src->data, cut);
				nr->tasks = which ? blob_dup(src->data, cut) : blob_dup("", 0);
				ret = parse_quiet(&m, NULL, &error);
				if (ret == 0)
					okays++;
				else if (ret == -EBADMSG && error)
					fails++;
				else
					bad_errors++;
				free(error);
				ct_containerd_reply_clear(&m);
			}
		}
	}
	diag_count("truncations", okays, fails);
	is_int(bad_errors, 0, "truncations: each one parses or fails with -EBADMSG and a reason");

	okays = fails = 0;
	for (int iter = 0; iter < 3000; iter++) {
		const struct ct_containerd_blob *src = &real.ns[0].containers;
		struct ct_containerd_reply m = { 0 };
		struct ct_containerd_ns_reply *nr = ct_containerd_reply_add_ns(&m, "m");
		char *error = NULL;
		int ret;

		nr->containers = blob_dup(src->data, src->len);
		nr->tasks = blob_dup(real.ns[0].tasks.data, real.ns[0].tasks.len);
		/* Flips near the start hit tags and lengths, not spec JSON. */
		for (int k = 0; k < 1 + iter % 4; k++) {
			size_t span =
				iter % 2 ? nr->containers.len
					 : (nr->containers.len < 512 ? nr->containers.len : 512);
			size_t pos = (size_t)rand_r(&seed) % (span ? span : 1);

			if (nr->containers.len)
				nr->containers.data[pos] ^= (uint8_t)(1u << (rand_r(&seed) % 8));
			if (iter % 3 == 0 && nr->tasks.len)
				nr->tasks.data[(size_t)rand_r(&seed) % nr->tasks.len] ^=
					(uint8_t)rand_r(&seed);
		}
		ret = parse_quiet(&m, NULL, &error);
		if (ret == 0)
			okays++;
		else if (ret == -EBADMSG && error)
			fails++;
		else
			bad_errors++;
		free(error);
		ct_containerd_reply_clear(&m);
	}
	diag_count("random flips", okays, fails);
	is_int(bad_errors, 0, "random flips: each one parses or fails with -EBADMSG and a reason");

	/* The tasks reply fed as a containers reply, and the other way. */
	{
		struct ct_containerd_reply m = { 0 };
		struct ct_containerd_ns_reply *nr = ct_containerd_reply_add_ns(&m, "m");
		char *error = NULL;
		int ret;

		nr->containers = blob_dup(real.ns[0].tasks.data, real.ns[0].tasks.len);
		nr->tasks = blob_dup(real.ns[0].containers.data, real.ns[0].containers.len);
		ret = parse_quiet(&m, NULL, &error);
		ok(ret == 0 || (ret == -EBADMSG && error),
		   "swapped replies: parsed or refused, no crash");
		free(error);
		ct_containerd_reply_clear(&m);
	}
	ct_containerd_reply_clear(&real);
}

int main(int argc, char **argv)
{
	if (argc > 1)
		return tool_main(argc, argv);
	test_unframe();
	test_grpc_text();
	test_grpc_channel();
	test_namespace_valid();
	test_fixture_private();
	test_fixture_moby();
	test_hostile_protobuf();
	test_mutations();
	return tap_done();
}
