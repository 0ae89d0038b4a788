# tui/: ctrtop, the live view (ncursesw).
PROGRAMS += $(B)/ctrtop
CTRTOP_OBJS := $(patsubst %.c,$(B)/obj/%.o,$(wildcard tui/*.c))

$(CTRTOP_OBJS): ALL_CFLAGS += -Iprobes

$(B)/ctrtop: $(CTRTOP_OBJS) $(LIBPROBES) $(LIBCT)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS)
