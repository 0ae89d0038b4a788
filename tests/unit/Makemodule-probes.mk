# tests/unit/: the probes' unit tests (test-probes-*.c, TAP, run by
# tests/run) and probe-run, the driver the live test probes-net.t uses.
PROBES_UNIT_SRCS := $(wildcard tests/unit/test-probes-*.c)
PROBES_UNIT_PROGRAMS := $(PROBES_UNIT_SRCS:tests/unit/%.c=$(B)/tests/unit/%)
PROBE_RUN := $(B)/tests/unit/probe-run
TEST_PROGRAMS += $(PROBES_UNIT_PROGRAMS) $(PROBE_RUN)

$(PROBES_UNIT_SRCS:%.c=$(B)/obj/%.o) $(B)/obj/tests/unit/probe-run.o: ALL_CFLAGS += -Iprobes

# Explicit rules: the probes library before lib/, whatever the generic
# unit rule links.
$(PROBES_UNIT_PROGRAMS) $(PROBE_RUN): $(B)/tests/unit/%: $(B)/obj/tests/unit/%.o $(LIBPROBES) $(LIBCT)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS)
