# nsenter-lite/: enter a container's namespaces; run the probes.
PROGRAMS += $(B)/nsenter-lite
NSENTER_LITE_OBJS := $(patsubst %.c,$(B)/obj/%.o,$(wildcard nsenter-lite/*.c))

$(NSENTER_LITE_OBJS): ALL_CFLAGS += -Iprobes

$(B)/nsenter-lite: $(NSENTER_LITE_OBJS) $(LIBPROBES) $(LIBCT)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS)
