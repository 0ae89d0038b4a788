# ctrtree: non-recursive build.  Each folder contributes a Makemodule.mk.
#
#   make                 build everything into $(BUILDDIR) (default build/)
#   make check           unit, golden and live tests, then again under ASan+UBSan
#   make run             build and run ctrtree on this host
#   make deps            install the Debian packages the build needs
#   make test-deps       ... and those the tests need
#   make install         PREFIX=/usr/local DESTDIR=
#   make SANITIZE=1      ASan+UBSan build into build-asan/
#   make fuzz-check      libFuzzer harnesses (clang) into build-fuzz/: replay
#                        every seed and regression, fuzz FUZZ_SECONDS each

PREFIX     ?= /usr/local
BINDIR     ?= $(PREFIX)/bin
SBINDIR    ?= $(PREFIX)/sbin
MANDIR     ?= $(PREFIX)/share/man
DATADIR    ?= $(PREFIX)/share
DESTDIR    ?=

CC         ?= cc
PKG_CONFIG ?= pkg-config
CFLAGS     ?= -O2 -g

# libnftables (the port probe's DNAT rules) is dlopen()ed, only its header used.
PKGS := libproc2 json-c smartcols libcurl libprotobuf-c libnl-3.0 libnl-route-3.0 libnl-idiag-3.0 ncursesw

WARNINGS := -Wall -Wextra -Wmissing-prototypes -Wstrict-prototypes \
	-Wformat=2 -Wformat-security -Wpointer-arith -Wsign-compare \
	-Wtype-limits -Wvla -Wshadow -Wno-unused-parameter

# CI builds with warnings as errors; so can anyone with WERROR=1.
ifneq ($(CI),)
WERROR ?= 1
endif
ifeq ($(WERROR),1)
WARNINGS += -Werror
endif

ifeq ($(FUZZ),1)
# libFuzzer harnesses (tests/fuzz/): clang, ASan+UBSan, coverage for the fuzzer.
BUILDDIR ?= build-fuzz
CC := clang
SAN := -fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer \
	-fno-sanitize-recover=undefined
HARDEN :=
else ifeq ($(SANITIZE),1)
BUILDDIR ?= build-asan
SAN := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
HARDEN := -fstack-protector-strong
else
BUILDDIR ?= build
SAN :=
HARDEN := -U_FORTIFY_SOURCE -D_FORTIFY_SOURCE=3 -fstack-protector-strong \
	-fstack-clash-protection -fcf-protection
endif

PKG_CFLAGS := $(shell $(PKG_CONFIG) --cflags $(PKGS) libnftables 2>/dev/null)
# libresolv (glibc) builds and parses the dns probe's messages.
PKG_LIBS   := $(shell $(PKG_CONFIG) --libs $(PKGS) 2>/dev/null) -lresolv

ALL_CFLAGS  = -std=gnu11 -D_GNU_SOURCE -fPIE $(HARDEN) $(WARNINGS) $(SAN) \
	$(PKG_CFLAGS) -Ilib $(CFLAGS) -MMD -MP
ALL_LDFLAGS = -pie -Wl,-z,relro,-z,now -Wl,--as-needed $(SAN) $(LDFLAGS)

B := $(BUILDDIR)

PROGRAMS :=
TEST_PROGRAMS :=
MANPAGES :=
CLEAN :=

all:

include lib/Makemodule.mk
include probes/Makemodule.mk
include ctrtree/Makemodule.mk
include nsenter-lite/Makemodule.mk
include tui/Makemodule.mk
include tests/Makemodule.mk
include bench/Makemodule.mk
include man/Makemodule.mk

all: $(PROGRAMS) $(TEST_PROGRAMS)

# Objects of the tools' own folders go under obj/ so that a binary can be
# called like its folder (build/ctrtree from ctrtree/).
$(B)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(B)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

deps:
	scripts/install-deps build

test-deps:
	scripts/install-deps build test

run: $(B)/ctrtree
	$(B)/ctrtree

check: all
	tests/run --builddir $(B)
ifneq ($(SANITIZE),1)
	$(MAKE) --no-print-directory SANITIZE=1 check-asan
	$(MAKE) --no-print-directory fuzz-check
endif

check-asan: all
	tests/run --builddir $(B) --asan

asan:
	$(MAKE) SANITIZE=1 all

install: $(PROGRAMS)
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(MANDIR)/man7 \
		$(DESTDIR)$(DATADIR)/ctrtree
	install -m 0755 $(PROGRAMS) $(DESTDIR)$(BINDIR)/
	install -m 0644 $(filter %.1,$(MANPAGES)) $(DESTDIR)$(MANDIR)/man1/
	install -m 0644 $(filter %.5,$(MANPAGES)) $(DESTDIR)$(MANDIR)/man5/
	install -m 0644 $(filter %.7,$(MANPAGES)) $(DESTDIR)$(MANDIR)/man7/
	install -m 0644 lib/ctrtree.schema.json $(DESTDIR)$(DATADIR)/ctrtree/

uninstall:
	rm -f $(addprefix $(DESTDIR)$(BINDIR)/,$(notdir $(PROGRAMS)))
	rm -f $(addprefix $(DESTDIR)$(MANDIR)/man1/,$(notdir $(filter %.1,$(MANPAGES))))
	rm -f $(addprefix $(DESTDIR)$(MANDIR)/man5/,$(notdir $(filter %.5,$(MANPAGES))))
	rm -f $(addprefix $(DESTDIR)$(MANDIR)/man7/,$(notdir $(filter %.7,$(MANPAGES))))
	rm -rf $(DESTDIR)$(DATADIR)/ctrtree

clean:
	rm -rf build build-asan $(CLEAN)

.PHONY: all deps test-deps run check check-asan asan install uninstall clean
.DELETE_ON_ERROR:
.SECONDARY:

-include $(shell find $(B) -name '*.d' 2>/dev/null)

# make print-VAR: a variable's value (tests/live/hardening.t reads the flags).
print-%:
	@printf '%s\n' '$($*)'
