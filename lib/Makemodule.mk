# lib/: the core every tool links.
LIB_SRCS := $(wildcard lib/*.c)
LIB_OBJS := $(LIB_SRCS:%.c=$(B)/%.o)
LIBCT    := $(B)/libctrtree.a

$(LIBCT): $(LIB_OBJS)
	@mkdir -p $(dir $@)
	rm -f $@
	$(AR) rcs $@ $^
include lib/Makemodule-proto.mk
