# probes/: the network probes, a library (libctprobes.a) that nsenter-lite,
# ctrtree and the live view link.
PROBES_SRCS := $(wildcard probes/*.c)
PROBES_OBJS := $(PROBES_SRCS:%.c=$(B)/obj/%.o)
LIBPROBES   := $(B)/libctprobes.a

$(PROBES_OBJS): ALL_CFLAGS += -Iprobes

$(LIBPROBES): $(PROBES_OBJS)
	@mkdir -p $(dir $@)
	rm -f $@
	$(AR) rcs $@ $^
