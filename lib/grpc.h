/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A minimal unary gRPC client for engines that listen on a unix socket
 * (containerd): HTTP/2 cleartext with prior knowledge through libcurl, the
 * 5-byte length-prefixed message framing, grpc-status and grpc-message from
 * the headers or trailers.  No compression, no streaming, no TLS.
 *
 * The peer is hostile: every response is bounded in size and time, and
 * every text it sends back is escaped before it lands in an error message.
 */
#ifndef CT_GRPC_H
#define CT_GRPC_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include <protobuf-c/protobuf-c.h>

#define CT_GRPC_DEFAULT_TIMEOUT_MS 5000u
/* containerd's own default limit for the messages it sends. */
#define CT_GRPC_DEFAULT_MAX_MESSAGE (16u << 20)
/* The length prefix: a compressed flag and a 32-bit big-endian length. */
#define CT_GRPC_FRAME_HEADER 5u

/* gRPC status codes used by name (https://grpc.github.io/grpc/core/md_doc_statuscodes.html). */
enum {
	CT_GRPC_OK = 0,
	CT_GRPC_DEADLINE_EXCEEDED = 4,
	CT_GRPC_NOT_FOUND = 5,
	CT_GRPC_UNIMPLEMENTED = 12,
	CT_GRPC_UNAVAILABLE = 14,
};

struct ct_grpc_opts {
	/*
	 * Deadline for everything done through one channel, counted from
	 * ct_grpc_channel_new(): connecting and all calls together.
	 * 0: CT_GRPC_DEFAULT_TIMEOUT_MS.
	 */
	unsigned timeout_ms;
	/* Largest response message accepted.  0: CT_GRPC_DEFAULT_MAX_MESSAGE. */
	size_t max_message;
};

struct ct_grpc_channel;

/*
 * A channel to the gRPC server listening on the unix socket socket_path.
 * Nothing is connected yet: the first call connects, later calls reuse the
 * connection (except with libcurl < 7.89, whose reuse of prior-knowledge
 * HTTP/2 connections is broken: one connection per call).  opts may be NULL.  Returns 0,
 * -ENAMETOOLONG (the path does not fit a sockaddr_un), -EINVAL or -ENOMEM (libcurl failed to set
 * up).
 */
int ct_grpc_channel_new(const char *socket_path, const struct ct_grpc_opts *opts,
			struct ct_grpc_channel **ret);

/* Close the connection and free the channel.  Accepts NULL, returns NULL. */
struct ct_grpc_channel *ct_grpc_channel_free(struct ct_grpc_channel *ch);

/*
 * One unary call.  method is the HTTP/2 path, "/package.Service/Method".
 * metadata is NULL or a NULL-terminated array of "name: value" request
 * headers (e.g. containerd's "containerd-namespace: moby").  req is the
 * serialized request message (req_len may be 0: an empty message).
 *
 * On success *ret_msg is the serialized response message (malloc'd, also
 * when empty) and *ret_len its length.  On failure returns -errno and, if
 * ret_error is not NULL, a one-line reason in *ret_error (malloc'd, safe to
 * print): -ECONNREFUSED, -ENOENT and the like from connect(); -ETIMEDOUT
 * when the deadline passed; -EPROTO when the peer does not speak gRPC over
 * HTTP/2; -EMSGSIZE when the response exceeds max_message; -EBADMSG for a
 * malformed frame; for a non-zero grpc-status the errno of
 * ct_grpc_status_to_errno() with "grpc-status N (NAME): message", and the
 * status in *ret_grpc_status if that is not NULL (-1 when there was none).
 */
int ct_grpc_call(struct ct_grpc_channel *ch, const char *method, const char *const *metadata,
		 const void *req, size_t req_len, uint8_t **ret_msg, size_t *ret_len,
		 int *ret_grpc_status, char **ret_error);

/*
 * Pure: find the one message of a unary response body.  The body must hold
 * exactly one uncompressed length-prefixed message of at most max_message
 * bytes; on success its offset and length in body are stored.  On failure
 * returns -EBADMSG (truncated, trailing bytes, a second message), -EPROTO
 * (compressed flag set: we never offer compression) or -EMSGSIZE, with the
 * reason in *ret_error if that is not NULL.
 */
int ct_grpc_unframe(const uint8_t *body, size_t len, size_t max_message, size_t *ret_off,
		    size_t *ret_len, char **ret_error);

/* Frame one message: CT_GRPC_FRAME_HEADER + len bytes, malloc'd. */
uint8_t *ct_grpc_frame(const void *msg, size_t len, size_t *ret_len);

/* "OK", "CANCELLED", ... or "?" for a code outside the spec. */
const char *ct_grpc_status_name(unsigned code);

/* The -errno that best describes a gRPC status code (-EREMOTEIO if none). */
int ct_grpc_status_to_errno(unsigned code);

/*
 * Pure: percent-decode a grpc-message header value (the spec encodes bytes
 * outside 0x20-0x7e as %XX) into a terminal-safe, malloc'd string of at most
 * about max bytes of decoded text.
 */
char *ct_grpc_decode_message(const char *s, size_t len, size_t max);

/*
 * Decoding replies with protobuf-c under a memory budget.  protobuf-c
 * allocates a C struct per submessage and map entry: a 2-byte empty entry
 * on the wire costs ~50 bytes decoded.  A budget proportional to the input
 * (1 MiB + 8x its size) keeps a hostile message from turning 16 MiB into
 * gigabytes; real replies need 1-3x their size (CTRTREE_DEBUG=protobuf
 * shows it).  Running out of memory for real still aborts, as xmalloc()
 * does, so a failed unpack means a bad or hostile message.
 */
struct ct_pb_budget {
	ProtobufCAllocator alloc;
	size_t left;
	bool exceeded;
};

/* Decode data as desc ("what" names the call in errors); free the message
 * with ct_pb_free_msg() and the same budget.  0 or -EBADMSG. */
int ct_pb_unpack(const ProtobufCMessageDescriptor *desc, const uint8_t *data, size_t len,
		 struct ct_pb_budget *budget, ProtobufCMessage **ret, char **ret_error, const char *what);
void ct_pb_free_msg(ProtobufCMessage *m, struct ct_pb_budget *budget);

#endif
