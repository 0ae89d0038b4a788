# lib/proto/*.proto: protobuf-c code generated at build time into $(B)/gen/
# and linked into the library.  Generated code is never committed.
# Needs protoc-c (Debian: protobuf-c-compiler) and libprotobuf-c in PKGS.
# Include it after LIB_OBJS and LIBCT are set (at the end of lib/Makemodule.mk).
PROTOC_C ?= protoc-c

ifeq ($(LIBCT),)
$(error lib/Makemodule-proto.mk: include it after LIBCT and LIB_OBJS are set)
endif

PROTO_SRCS  := $(wildcard lib/proto/*.proto)
PROTO_GEN_C := $(PROTO_SRCS:lib/proto/%.proto=$(B)/gen/%.pb-c.c)
PROTO_GEN_H := $(PROTO_GEN_C:.c=.h)
PROTO_OBJS  := $(PROTO_GEN_C:.c=.o)

ALL_CFLAGS += -I$(B)/gen
LIB_OBJS   += $(PROTO_OBJS)
# The archive rule links $^, which collects prerequisites from every rule.
$(LIBCT): $(PROTO_OBJS)

# A pattern rule with two targets: one protoc-c run writes both files.
$(B)/gen/%.pb-c.c $(B)/gen/%.pb-c.h: lib/proto/%.proto
	@mkdir -p $(B)/gen
	$(PROTOC_C) --proto_path=lib/proto --c_out=$(B)/gen $<

$(B)/gen/%.pb-c.o: $(B)/gen/%.pb-c.c $(B)/gen/%.pb-c.h
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

# Sources that include generated headers must wait for them on a clean build;
# afterwards their .d files track the headers.
$(B)/lib/engine-containerd.o: $(PROTO_GEN_H)

# Every library object may include a generated header: build those first.
$(LIB_OBJS): | $(PROTO_GEN_H)
