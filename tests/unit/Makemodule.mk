# tests/unit/: one TAP binary per test-*.c, and the programs the live
# tests run (probe-run for probes-net.t; probe-run-reach, also a
# docker-proxy stand-in, for probes-reach.t; enter-dumpable, attack.t's
# unsafe control); all link lib/ and probes/.
UNIT_SRCS := $(wildcard tests/unit/test-*.c)
UNIT_PROGRAMS := $(UNIT_SRCS:tests/unit/%.c=$(B)/tests/unit/%) \
	$(B)/tests/unit/probe-run $(B)/tests/unit/probe-run-reach \
	$(B)/tests/unit/enter-dumpable
TEST_PROGRAMS += $(UNIT_PROGRAMS)

$(UNIT_PROGRAMS:$(B)/tests/unit/%=$(B)/obj/tests/unit/%.o): ALL_CFLAGS += -Iprobes

$(UNIT_PROGRAMS): $(B)/tests/unit/%: $(B)/obj/tests/unit/%.o $(LIBPROBES) $(LIBCT)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS)
