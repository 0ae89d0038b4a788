#!/bin/bash
# nsenter-lite under attack (issue 6, 6a).  A process inside a container
# with a user namespace of its own (root there, not on the host) watches
# for the children nsenter-lite forks into the container and tries to
# ptrace them, read their environ (holding a secret token), mem, root, cwd
# and fd links (tests/hostile/ns-attacker).  First the harness is shown to
# catch a deliberately unsafe control: tests/unit/enter-dumpable, the same
# lib/enter.c join as "nsenter-lite -a", made dumpable again after the
# join.  Then the real nsenter-lite enters the same way 1,000 times: zero
# successes.  The counts are the attacker's own report, read from its
# rootfs; the pids it names are checked against what the kernel shows.
#
#   TOP=. BUILDDIR=build CTRRUN=build/tests/ctrrun/ctrrun bash tests/live/attack.t
set -u
TOP=${TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
BUILDDIR=${BUILDDIR:-$TOP/build}
CTRRUN=${CTRRUN:-$BUILDDIR/tests/ctrrun/ctrrun}
NSL=$BUILDDIR/nsenter-lite
CONTROL=$BUILDDIR/tests/unit/enter-dumpable
ATTACKER=$BUILDDIR/tests/hostile/ns-attacker
. "$TOP/tests/lib/tap.sh"
. "$TOP/tests/lib/rootfs.sh"

need_root
need_built "$NSL" "$CTRRUN" "$CONTROL" "$ATTACKER"
need_tools jq

# The full count in the plain pass; the sanitizer pass runs a short form.
ENTRIES=1000
CONTROL_ENTRIES=200
if [ "${CT_TEST_ASAN:-0}" = 1 ]; then
	ENTRIES=100
	CONTROL_ENTRIES=100
fi

tmp=$(mktemp -d /tmp/attack-t.XXXXXX)
STATE=$tmp/state
P=at$$
TOKEN=nsl-secret-$$-$RANDOM
on_exit "cr_delete_all; rm -rf '$tmp'"
make_busybox_rootfs "$tmp/rootfs" >/dev/null || { echo "1..0 # SKIP no static busybox"; exit 0; }
cp "$ATTACKER" "$tmp/rootfs/ns-attacker"
mkdir -p "$STATE"

# attack NAME ENTRIES COMMAND...: a fresh attacker container NAME (its own
# rootfs copy), COMMAND run ENTRIES times with "PID /bin/true" appended
# (PID: the attacker's init), then the attacker stopped.  Sets REPORT,
# FAILS (entries that did not exit 0) and SECS.
attack() {
	local name=$1 n=$2 i begin
	shift 2
	cp -a "$tmp/rootfs" "$tmp/root-$name"
	REPORT=$tmp/root-$name/tmp/report
	cr run -d --userns --rootfs "$tmp/root-$name" "$P-$name" -- \
		/ns-attacker /tmp/report /tmp/stop "$TOKEN" </dev/null
	ok $? "$name: container $P-$name (own user namespace) running ns-attacker"
	ATTINIT=$(jq -r .init_pid "$STATE/$P-$name/state.json")
	wait_for 5 grep -q '^started' "$REPORT"
	ok $? "$name: the attacker runs"
	FAILS=0
	begin=$SECONDS
	for ((i = 0; i < n; i++)); do
		SECRET=$TOKEN timeout 10 "$@" "$ATTINIT" /bin/true </dev/null || FAILS=$((FAILS + 1))
	done
	SECS=$((SECONDS - begin))
	touch "$tmp/root-$name/tmp/stop"
	wait_for 10 grep -q '^done' "$REPORT"
	ok $? "$name: the attacker wrote its report"
	cr delete -f "$P-$name"
}
attempts() { awk '$1 == "attempts" {print $2}' "$REPORT"; }
caught() { grep -c '^seen ' "$REPORT"; }
successes() { grep -c '^success ' "$REPORT"; }

# ---- the control: same join, dumpable ----
attack control "$CONTROL_ENTRIES" "$CONTROL"
is "$FAILS" 0 "control: $CONTROL_ENTRIES entries of enter-dumpable, every one exits 0"
diag "control: $CONTROL_ENTRIES entries in $SECS s; attempts $(attempts), children caught $(caught), successes $(successes): $(awk '$1 == "success" {print $2}' "$REPORT" | sort | uniq -c | tr -s ' \n' ' ')"
ok "$([ "$(caught)" -gt 0 ] && [ "$(successes)" -gt 0 ]; echo $?)" \
	"control: the harness catches the dumpable look-alike and succeeds ($(successes) successes on $(caught) children)"
# The kinds that need only dumpability, not a slow victim: ptrace and
# /proc/PID/environ with the token (nsenter-lite's own environ before exec).
missing=""
for kind in seize attach environ token; do
	grep -q "^success $kind " "$REPORT" || missing+=" $kind"
done
is "$missing" "" "control: ptrace (seize, attach), environ and the token all succeed at least once"

# ---- the real nsenter-lite, the same way ----
attack nsenter-lite "$ENTRIES" "$NSL" -a
is "$FAILS" 0 "$ENTRIES entries of nsenter-lite -a into the attacker's container: every one exits 0"
diag "nsenter-lite: $ENTRIES entries in $SECS s; attempts $(attempts), children caught $(caught), successes $(successes)"
ok "$([ "$(attempts)" -gt 0 ] && [ "$(caught)" -gt 0 ]; echo $?)" \
	"the attacker caught nsenter-lite's children between fork and exec ($(caught) of $ENTRIES) and tried them ($(attempts) attempts)"
is "$(grep '^success ' "$REPORT")" "" \
	"zero successes: no ptrace, environ, mem, root, cwd or fd of nsenter-lite, no token anywhere"

cr_delete_all
is "$(ls "$STATE")" "" "all containers deleted"
done_testing
