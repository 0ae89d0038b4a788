# tests/unit/probe-run-reach: the driver tests/live/probes-reach.t runs the
# dns, connect, ping, mtu, port and all probes with (and, as "docker-proxy",
# a stand-in for Docker's userland proxy).

PROBE_RUN_REACH := $(B)/tests/unit/probe-run-reach
TEST_PROGRAMS += $(PROBE_RUN_REACH)

$(B)/obj/tests/unit/probe-run-reach.o: ALL_CFLAGS += -Iprobes

$(PROBE_RUN_REACH): $(B)/obj/tests/unit/probe-run-reach.o $(LIBPROBES) $(LIBCT)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS)
