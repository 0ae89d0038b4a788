# make install honours PREFIX and DESTDIR and installs what it says.
. "$TOP/tests/lib/tap.sh"

tmp=$(mktemp -d)
on_exit rm -rf "$tmp"
make -s -C "$TOP" BUILDDIR="$BUILDDIR" install PREFIX=/usr DESTDIR="$tmp/root" >"$tmp/log" 2>&1
ok $? "make install PREFIX=/usr DESTDIR=... succeeds"
test -x "$tmp/root/usr/bin/ctrtree" && test -x "$tmp/root/usr/bin/nsenter-lite"
ok $? "ctrtree and nsenter-lite installed in DESTDIR/PREFIX/bin"
test -f "$tmp/root/usr/share/man/man1/ctrtree.1" && test -f "$tmp/root/usr/share/man/man5/ctrtree-json.5" &&
	test -f "$tmp/root/usr/share/man/man1/nsenter-lite.1" && test -f "$tmp/root/usr/share/man/man7/ctrtree-probes.7"
ok $? "man pages installed in DESTDIR/PREFIX/share/man"
test -f "$tmp/root/usr/share/ctrtree/ctrtree.schema.json"
ok $? "JSON schema installed"
"$tmp/root/usr/bin/ctrtree" -V | grep -q '^ctrtree '
ok $? "the installed binary runs"
make -s -C "$TOP" BUILDDIR="$BUILDDIR" uninstall PREFIX=/usr DESTDIR="$tmp/root" >>"$tmp/log" 2>&1
is "$(find "$tmp/root" -type f | wc -l)" 0 "make uninstall removes every installed file"
done_testing
