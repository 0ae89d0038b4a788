# ctrtree/: the command-line front end.
PROGRAMS += $(B)/ctrtree
CTRTREE_OBJS := $(B)/obj/ctrtree/ctrtree.o

$(B)/ctrtree: $(CTRTREE_OBJS) $(LIBCT)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS)
