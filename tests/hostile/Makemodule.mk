# tests/hostile/: small programs the live tests run inside containers or
# hand to nsenter-lite.  Static, so that they run in a busybox rootfs and
# after a chroot, and never sanitized: ASan cannot link statically.
HOSTILE_PROGRAMS := $(patsubst tests/hostile/%.c,$(B)/tests/hostile/%,$(wildcard tests/hostile/*.c))
TEST_PROGRAMS += $(HOSTILE_PROGRAMS)
HOSTILE_CFLAGS = -std=gnu11 -D_GNU_SOURCE -O2 $(WARNINGS)

$(HOSTILE_PROGRAMS): $(B)/tests/hostile/%: tests/hostile/%.c
	@mkdir -p $(dir $@)
	$(CC) $(HOSTILE_CFLAGS) -static -o $@ $<
