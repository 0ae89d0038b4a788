# tests/fuzz/: libFuzzer harnesses, one per parser (fuzz-NAME.c, seeds in
# corpus/NAME/, every input that once crashed in regress/NAME/).  They need
# clang, so they build in their own tree (make FUZZ=1, build-fuzz/), never
# as part of `all`.
#
#   make fuzz-check                  replay seeds and regressions, then fuzz
#                                    each target FUZZ_SECONDS (60 in CI, else 0)
#   make fuzz-check FUZZ_SECONDS=600 FUZZ_TARGETS="stat docker"
#   make fuzz-check FUZZ_SECONDS=600 FUZZ_SEED=0   explore: a new seed each
#                                    run (default 1: CI fuzzes repeatably)
FUZZ_SRCS     := $(wildcard tests/fuzz/fuzz-*.c)
FUZZ_PROGRAMS := $(FUZZ_SRCS:tests/fuzz/%.c=$(B)/tests/fuzz/%)
FUZZ_SECONDS  ?= $(if $(CI),60,0)
FUZZ_TARGETS  ?=
FUZZ_SEED     ?= 1

# The bundled runtime's code without its main(), for its parsers' harnesses.
LIBCTRRUN := $(B)/libctrrun.a
$(LIBCTRRUN): $(filter-out %/ctrrun.o,$(CTRRUN_OBJS))
	@mkdir -p $(dir $@)
	rm -f $@
	$(AR) rcs $@ $^

$(FUZZ_PROGRAMS:$(B)/tests/fuzz/%=$(B)/obj/tests/fuzz/%.o): ALL_CFLAGS += -Iprobes -Itests/ctrrun

$(FUZZ_PROGRAMS): $(B)/tests/fuzz/%: $(B)/obj/tests/fuzz/%.o $(LIBPROBES) $(LIBCTRRUN) $(LIBCT)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -fsanitize=fuzzer -o $@ $^ $(PKG_LIBS)

# What single harnesses need beyond that: the generated protobuf headers,
# and the live view's proc connector reader (tui/ is a program, no archive).
$(B)/obj/tests/fuzz/fuzz-grpc.o: | $(PROTO_GEN_H)
$(B)/obj/tests/fuzz/fuzz-procconn.o: ALL_CFLAGS += -Itui
$(B)/tests/fuzz/fuzz-procconn: $(B)/obj/tui/events.o

fuzz-targets: $(FUZZ_PROGRAMS)

ifeq ($(FUZZ),1)
fuzz-check: fuzz-targets
	tests/fuzz/run --builddir $(B) --seconds $(FUZZ_SECONDS) --seed $(FUZZ_SEED) $(FUZZ_TARGETS)
else
fuzz-check:
	$(MAKE) --no-print-directory FUZZ=1 fuzz-check
endif

.PHONY: fuzz-targets fuzz-check
