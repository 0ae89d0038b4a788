# Build hardening, checked on what the build produced: the compiler flags
# (FORTIFY_SOURCE=3, stack protector, stack clash protection, PIE, full
# RELRO, -Wformat=2 as an error in CI), the ELF properties of every program
# (readelf: PIE, BIND_NOW, GNU_RELRO, the fortified and stack-protected
# calls it makes), the flags recorded in its debug information, and that
# the toolchain's FORTIFY_SOURCE=3 really catches a dynamically sized
# overflow that level 2 lets through.  The sanitizer build is another
# build: only the plain pass checks.
. "$TOP/tests/lib/tap.sh"

if [ "${CT_TEST_ASAN:-0}" = 1 ]; then
	echo "1..0 # SKIP the ASan build is not the hardened one (checked in the plain pass)"
	exit 0
fi
command -v readelf >/dev/null || { echo "1..0 # SKIP no readelf"; exit 0; }

tmp=$(mktemp -d)
on_exit rm -rf "$tmp"
mk() { make -s --no-print-directory -C "$TOP" BUILDDIR="$BUILDDIR" "print-$1"; }

cflags=" $(mk ALL_CFLAGS) "
ldflags=" $(mk ALL_LDFLAGS) "
for f in -D_FORTIFY_SOURCE=3 -fstack-protector-strong -fstack-clash-protection -fcf-protection \
	-fPIE -Wformat=2 -Wformat-security; do
	case $cflags in *" $f "*) ok 0 "compiled with $f" ;; *) ok 1 "compiled with $f" ;; esac
done
case $cflags in *" -O"[1-3s]*) ok 0 "optimised (FORTIFY_SOURCE needs -O)" ;; *) ok 1 "optimised (FORTIFY_SOURCE needs -O)" ;; esac
for f in -pie -Wl,-z,relro,-z,now; do
	case $ldflags in *" $f "*) ok 0 "linked with $f" ;; *) ok 1 "linked with $f" ;; esac
done
if [ -n "${CI:-}" ]; then
	case $cflags in *" -Werror "*) ok 0 "CI builds with -Werror (so -Wformat=2 is clean)" ;;
	*) ok 1 "CI builds with -Werror (so -Wformat=2 is clean)" ;; esac
fi

progs=$(mk PROGRAMS)
progs="$progs $BUILDDIR/tests/ctrrun/ctrrun"
for p in $progs; do
	name=${p##*/}
	case $p in /*) ;; *) p=$TOP/$p ;; esac
	[ -x "$p" ] || { ok 1 "$name: built"; continue; }
	readelf -hW "$p" >"$tmp/h" 2>&1
	grep -q 'Type:.*DYN' "$tmp/h"
	ok $? "$name: position-independent executable"
	readelf -dW "$p" >"$tmp/d" 2>&1
	grep -qE 'FLAGS_1.*PIE' "$tmp/d"
	ok $? "$name: DF_1_PIE set"
	grep -qE '\(FLAGS\).*BIND_NOW|FLAGS_1.*NOW' "$tmp/d"
	ok $? "$name: BIND_NOW (full RELRO)"
	readelf -lW "$p" | grep -q GNU_RELRO
	ok $? "$name: GNU_RELRO segment"
	readelf -lW "$p" | grep -E 'GNU_STACK' | grep -qE ' RW +0x'
	ok $? "$name: non-executable stack (a GNU_STACK header, RW)"
	nm -D "$p" >"$tmp/syms" 2>/dev/null
	grep -q ' U __stack_chk_fail' "$tmp/syms"
	ok $? "$name: calls the stack protector"
	grep -qE ' U __[a-z]+_chk(@|$)' "$tmp/syms"
	ok $? "$name: calls fortified libc functions"
	! grep -qE ' U (gets|sprintf|vsprintf)(@|$)' "$tmp/syms"
	ok $? "$name: no gets or unfortified sprintf"
	if readelf --debug-dump=info "$p" 2>/dev/null | grep -m1 DW_AT_producer >"$tmp/prod" && [ -s "$tmp/prod" ]; then
		grep -q -- '-fstack-clash-protection' "$tmp/prod"
		ok $? "$name: debug info records -fstack-clash-protection"
	else
		skip "$name: built without debug information"
	fi
done

# The toolchain honours level 3: a copy one byte past a malloc()ed buffer
# whose size is known only at run time aborts (level 2 misses it).
cat >"$tmp/f.c" <<'C'
#include <stdlib.h>
#include <string.h>
int main(int argc, char **argv)
{
	size_t n = strlen(argv[0]) + (size_t)argc;
	char *p = malloc(n);
	memset(p, 'x', n + 1);
	return p[0] == 'x' ? 0 : 1;
}
C
fortify_cc() { # LEVEL
	cc -O2 -U_FORTIFY_SOURCE -D_FORTIFY_SOURCE="$1" -o "$tmp/f$1" "$tmp/f.c" 2>/dev/null
}
if fortify_cc 3 && fortify_cc 2; then
	sh -c '"$0"' "$tmp/f3" >/dev/null 2>&1
	is "$?" 134 "FORTIFY_SOURCE=3 aborts a run-time-sized overflow (SIGABRT)"
	"$tmp/f2" >/dev/null 2>&1
	is "$?" 0 "(control) FORTIFY_SOURCE=2 does not see it"
else
	ok 1 "compile the FORTIFY_SOURCE probe"
fi

# Static analysis: gcc -fanalyzer and cppcheck, findings fixed or explained.
if command -v cppcheck >/dev/null && gcc -fanalyzer -x c -c -o /dev/null /dev/null 2>/dev/null; then
	python3 "$TOP/tests/analyze/run" --builddir "$BUILDDIR" >"$tmp/an" 2>&1
	rc=$?
	sed 's/^\(ok\|not ok\) [0-9]* - /# analyze: \1: /' "$tmp/an"
	ok $rc "gcc -fanalyzer and cppcheck: every finding fixed or explained in tests/analyze/known"
else
	ok 1 "gcc -fanalyzer and cppcheck are installed"
fi
done_testing
