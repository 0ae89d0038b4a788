# tests/unit/: one TAP binary per file, linked against lib/ and probes/.
UNIT_SRCS := $(wildcard tests/unit/test-*.c)
UNIT_PROGRAMS := $(UNIT_SRCS:tests/unit/%.c=$(B)/tests/unit/%)
TEST_PROGRAMS += $(UNIT_PROGRAMS)

$(UNIT_SRCS:%.c=$(B)/obj/%.o): ALL_CFLAGS += -Iprobes

$(B)/tests/unit/%: $(B)/obj/tests/unit/%.o $(LIBPROBES) $(LIBCT)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS)
