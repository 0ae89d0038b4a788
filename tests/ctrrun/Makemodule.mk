# tests/ctrrun/: ctrrun, the minimal container runtime the live tests use.
CTRRUN_SRCS := $(wildcard tests/ctrrun/*.c)
CTRRUN_OBJS := $(CTRRUN_SRCS:%.c=$(B)/%.o)
CTRRUN_LIBS := $(shell $(PKG_CONFIG) --libs json-c 2>/dev/null || echo -ljson-c)

TEST_PROGRAMS += $(B)/tests/ctrrun/ctrrun

$(B)/tests/ctrrun/ctrrun: $(CTRRUN_OBJS) $(LIBCT)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $(CTRRUN_OBJS) $(LIBCT) $(CTRRUN_LIBS)
