/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The gRPC pieces of lib/grpc.c that see the peer's bytes, on arbitrary
 * input: the unary response body unframer (with containerd's limit and a
 * small one), the budgeted protobuf-c decoder on the unframed message as
 * every response type we decode, and the grpc-message percent-decoder.
 * (grpc-status is read inside libcurl's header callback, no pure function:
 * fuzz-http reaches that path's HTTP side.)
 *
 * Checked: the unframer returns exactly the bytes after one 5-byte prefix
 * or one of its three errors with a reason, and undoes ct_grpc_frame(); a
 * decoded message passes protobuf-c's own check; a decoded grpc-message is
 * terminal-safe text (fuzz_check_text) with either locale's escaping.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "containerd.pb-c.h"
#include "cri.pb-c.h"
#include "fuzz-check.h"
#include "grpc.h"
#include "util.h"

static const ProtobufCMessageDescriptor *const replies[] = {
	&ctcd__version_response__descriptor,	      &ctcd__list_namespaces_response__descriptor,
	&ctcd__list_containers_response__descriptor,  &ctcd__list_tasks_response__descriptor,
	&ctcri__version_response__descriptor,	      &ctcri__list_pod_sandbox_response__descriptor,
	&ctcri__list_containers_response__descriptor,
};

/*
 * No re-encoding round trip: protobuf-c keeps unknown fields it cannot
 * write back readably (regress/grpc/crash-4236...), which is its business,
 * not ours: we never re-encode a reply, snapshots keep the bytes received.
 */
static void check_unpack(const ProtobufCMessageDescriptor *desc, const uint8_t *msg, size_t len)
{
	struct ct_pb_budget budget;
	ProtobufCMessage *m = NULL;
	char *err = NULL;

	if (!fuzz_check_ret(ct_pb_unpack(desc, msg, len, &budget, &m, &err, "fuzz"), -EBADMSG, err, !m))
		return;
	if (!m || !protobuf_c_message_check(m))
		abort();
	ct_pb_free_msg(m, &budget);
}

static void check_unframe(const uint8_t *data, size_t size, size_t max)
{
	size_t off = 0, len = 0;
	char *err = NULL;
	int r = ct_grpc_unframe(data, size, max, &off, &len, &err);

	if (r < 0) {
		if ((r != -EBADMSG && r != -EPROTO && r != -EMSGSIZE) || !err)
			abort();
		fuzz_check_str(err, 4096);
		free(err);
		return;
	}
	if (r != 0 || err || off != CT_GRPC_FRAME_HEADER || off + len != size || len > max)
		abort();
	if (max != CT_GRPC_DEFAULT_MAX_MESSAGE)
		return;
	for (size_t i = 0; i < ARRAY_SIZE(replies); i++) {
		/* Its own buffer: reading past the message is caught. */
		uint8_t *msg = malloc(len ? len : 1);

		if (!msg)
			abort();
		memcpy(msg, data + off, len);
		check_unpack(replies[i], msg, len);
		free(msg);
	}
}

static void check_roundtrip(const uint8_t *data, size_t size)
{
	size_t flen = 0, off = 0, len = 0;
	uint8_t *f = ct_grpc_frame(data, size, &flen);

	if (flen != size + CT_GRPC_FRAME_HEADER ||
	    ct_grpc_unframe(f, flen, size, &off, &len, NULL) != 0 || len != size ||
	    memcmp(f + off, data, size) != 0)
		abort();
	free(f);
}

static void check_message(const char *s, size_t len, size_t max)
{
	char *m;

	/* Escaped for a terminal, in a UTF-8 locale (ctrtree's default) or not. */
	for (int utf8 = 0; utf8 <= 1; utf8++) {
		ct_escape_set_utf8(utf8);
		m = ct_grpc_decode_message(s, len, max);
		fuzz_check_text(m, strlen(m), utf8, false);
		free(m);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	check_unframe(data, size, CT_GRPC_DEFAULT_MAX_MESSAGE);
	check_unframe(data, size, 64);
	check_roundtrip(data, size);
	check_message((const char *)data, size, 200);
	check_message((const char *)data, size, 8);
	if (size >= 4) {
		uint32_t code;

		memcpy(&code, data, 4);
		if (!ct_grpc_status_name(code) || ct_grpc_status_to_errno(code) > 0 ||
		    (ct_grpc_status_to_errno(code) == 0) != (code == CT_GRPC_OK))
			abort();
	}
	return 0;
}
