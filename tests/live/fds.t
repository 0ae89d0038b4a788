#!/bin/bash
# Every tool with stdin, stdout and stderr closed, and with 1,000 inherited
# fds (issue 6, 6c).  Closed: each of fds 0, 1, 2 alone and all three;
# the tool must exit as it should (no signal; output meant for a closed
# stdout fails with "write error", as coreutils' does), what goes to files
# must be right, and, seen by strace -y (the kernel's view of every write), no
# process of the tool may write to a closed fd 0-2 unless it holds
# /dev/null there: no file it opened took stdout's or stderr's place.
# Inherited: a python3 parent opens 1,000 fds without O_CLOEXEC (900 of
# one marker file, the rest /, /etc, /etc/hostname) and execs the tool;
# each tool must work, and the processes they start (nsenter-lite's
# command, its ctrtree --lookup, ctrtree's forked hostname helper,
# ctrtop's x action, the runtime's container) hold nothing beyond 0-2
# (fd-report, or /proc/PID/fd read while the process lives).
#
#   TOP=. BUILDDIR=build CTRRUN=build/tests/ctrrun/ctrrun bash tests/live/fds.t
set -u
TOP=${TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
BUILDDIR=${BUILDDIR:-$TOP/build}
CTRTREE=${CTRTREE:-$BUILDDIR/ctrtree}
CTRRUN=${CTRRUN:-$BUILDDIR/tests/ctrrun/ctrrun}
NSL=$BUILDDIR/nsenter-lite
CTRTOP=$BUILDDIR/ctrtop
FDREPORT=$BUILDDIR/tests/hostile/fd-report
. "$TOP/tests/lib/tap.sh"
. "$TOP/tests/lib/rootfs.sh"

need_root
need_tools jq python3 strace tmux nsenter ip
need_built "$CTRTREE" "$NSL" "$CTRTOP" "$CTRRUN" "$FDREPORT"
# The interpreter itself, not a wrapper script (pyenv's shim) that would
# add its own fds and writes.
PYTHON=$(python3 -c 'import sys; print(sys.executable)')

tmp=$(mktemp -d /tmp/fds-t.XXXXXX)
STATE=$tmp/state
P=fd$$
SOCK=fdst$$
tm() { tmux -L "$SOCK" "$@"; }
on_exit "rm -rf '$tmp'"
on_exit cr_delete_all
on_exit "tmux -L $SOCK kill-server; rm -f '${TMUX_TMPDIR:-/tmp}/tmux-$(id -u)/$SOCK'"
make_busybox_rootfs "$tmp/rootfs" >/dev/null || { echo "1..0 # SKIP no static busybox"; exit 0; }
cp "$FDREPORT" "$tmp/rootfs/fd-report"
mkdir -p "$STATE"

sleep 100000 </dev/null >/dev/null 2>&1 &
SLEEP=$!
on_exit "kill $SLEEP"
C=$P-c
cr run -d --rootfs "$tmp/rootfs" "$C" -- sleep 100000 </dev/null
ok $? "container $C"
CINIT=$(jq -r .init_pid "$STATE/$C/state.json")
ok "$([ "$(stat -L -c %i /proc/$CINIT/ns/uts)" != "$(stat -L -c %i /proc/self/ns/uts)" ]; echo $?)" \
	"$C has a UTS namespace of its own (for ctrtree's hostname helper)"
echo stdin-file >"$tmp/in"

# ---- 1. fds 0, 1, 2 closed ----
# closed MODE OUT CMD...: CMD under strace with the fds in MODE (e.g.
# "02") closed, stdin from $tmp/in, stdout to OUT, stderr to $tmp/err
# otherwise.  RC: its exit status; BAD: strace lines where a process
# wrote to (or read, past the dynamic loader's reads of libraries) a
# closed fd that is not /dev/null.
cat >"$tmp/closer" <<'EOF2'
#!/bin/bash
mode=$1
shift
case $mode in *0*) exec 0<&- ;; esac
case $mode in *1*) exec 1>&- ;; esac
case $mode in *2*) exec 2>&- ;; esac
exec "$@"
EOF2
chmod +x "$tmp/closer"
# The sanitizer pass traces only the run with all three closed (strace of
# a sanitized build is slow), and without LeakSanitizer, which cannot run
# under ptrace.
STRACE=(strace -f -qq --seccomp-bpf)
[ "${CT_TEST_ASAN:-0}" = 1 ] && export ASAN_OPTIONS=${ASAN_OPTIONS:-}:detect_leaks=0
closed() {
	local mode=$1 out=$2 fds
	shift 2
	rm -f "$tmp/st"
	touch "$tmp/st"
	if [ "${CT_TEST_ASAN:-0}" = 1 ] && [ "$mode" != 012 ]; then
		"$tmp/closer" "$mode" "$@" <"$tmp/in" >"$out" 2>"$tmp/err"
	else
		"${STRACE[@]}" -y -o "$tmp/st" -e trace=read,readv,pread64,write,writev,pwrite64,sendto,sendmsg \
			"$tmp/closer" "$mode" "$@" <"$tmp/in" >"$out" 2>"$tmp/err"
	fi
	RC=$?
	fds=$(echo "$mode" | sed 's/./&|/g; s/|$//')
	BAD=$(grep -E "^[0-9]+ +[a-z0-9]+\(($fds)[<,)]" "$tmp/st" | grep -vE "\(($fds)</dev/null(<char 1:3>)?>" |
		grep -vE '^[0-9]+ +(read|pread64)\([0-9]+<[^>]*\.so(\.[0-9]+)*>' | head -3)
}
MODES="0 1 2 012"
# check NAME MODE VERDICT: one test per run, with what went wrong.
check() {
	local name=$1 mode=$2 verdict=$3
	ok "$([ "$RC" -lt 128 ] && [ -z "$BAD" ] && [ "$verdict" = 0 ]; echo $?)" \
		"fds $mode closed: $name (exit $RC)"
	[ -n "$BAD" ] && diag "written or read past /dev/null: $BAD"
	[ "$verdict" = 0 ] || diag "output wrong: $(head -c 300 "$tmp/out"; head -c 300 "$tmp/err")"
}
# The verdict on a run whose output goes to stdout: with stdout closed the
# write fails as on the closed fd (the tools hold /dev/null read-only
# there), so the tool must fail with FAILSTATUS and say "write error"
# (coreutils' convention); otherwise it must exit 0 and CHECK must hold.
stdout_verdict() { # FAILSTATUS CHECK...
	local fail=$1
	shift
	if [[ $m = *1* ]]; then
		[ "$RC" = "$fail" ] && { [[ $m = *2* ]] || grep -q 'write error' "$tmp/err"; }
	else
		[ "$RC" = 0 ] && "$@"
	fi
	echo $?
}
sleep_in_text() { awk -v p=$SLEEP '$1 == p' "$tmp/out" | grep -q sleep; }
sleep_in_json() { [ "$(jq -r ".processes[] | select(.pid == $SLEEP) | .comm" "$tmp/out")" = sleep ]; }
lookup_init() { [ "$(jq -r '.matches[0].init_pid' "$tmp/out")" = "$CINIT" ]; }
enter_json_pid() { [ "$(jq .pid "$tmp/out")" = "$CINIT" ]; }
links_as_ip() {
	[ "$(jq -r '[.probes.links.links[].name] | join(" ")' "$tmp/out")" = \
		"$(nsenter --net=/proc/$CINIT/ns/net ip -j link | jq -r '[.[].ifname] | join(" ")')" ]
}
for m in $MODES; do
	closed $m "$tmp/out" "$CTRTREE"
	check "ctrtree (text): our sleep's line" $m "$(stdout_verdict 1 sleep_in_text)"
	closed $m "$tmp/out" "$CTRTREE" --json
	check "ctrtree --json: our sleep" $m "$(stdout_verdict 1 sleep_in_json)"
	rm -f "$tmp/snap"
	closed $m "$tmp/out" "$CTRTREE" --save "$tmp/snap"
	check "ctrtree --save FILE: FILE holds our sleep, stdout nothing" $m \
		"$([ $RC = 0 ] && [ "$(jq -r ".processes[] | select(.pid == $SLEEP) | .comm" "$tmp/snap")" = sleep ] && [ ! -s "$tmp/out" ]; echo $?)"
	closed $m "$tmp/out" "$CTRTREE" --lookup "$C" --no-api
	check "ctrtree --lookup: the container's init, as the runtime's state says" $m \
		"$(stdout_verdict 1 lookup_init)"
	# The command's own fds, read by readlink (the kernel's view): what
	# was closed must be /dev/null, not a file of nsenter-lite's.
	want="$([[ $m = *0* ]] && echo /dev/null || echo "$tmp/in") $([[ $m = *1* ]] && echo /dev/null || echo "$tmp/out") $([[ $m = *2* ]] && echo /dev/null || echo "$tmp/err")"
	closed $m "$tmp/out" "$NSL" "$CINIT" "$PYTHON" -c 'import os, sys
open(sys.argv[1], "w").write(" ".join(os.readlink("/proc/self/fd/%d" % i) for i in range(3)) + " ")' "$tmp/fds"
	check "nsenter-lite PID cmd: the command's 0 1 2 are $want" $m \
		"$([ $RC = 0 ] && [ "$(cat "$tmp/fds")" = "$want " ]; echo $?)"
	closed $m "$tmp/out" "$NSL" --json "$CINIT" /bin/true
	check "nsenter-lite --json" $m "$(stdout_verdict 125 enter_json_pid)"
	closed $m "$tmp/out" "$NSL" "$CINIT" --probe links --json
	check "nsenter-lite --probe links --json" $m "$(stdout_verdict 125 links_as_ip)"
	# ctrtop needs a terminal on 0 and 1: without, it says so and exits 1.
	if [[ $m = *[01]* ]]; then
		closed $m "$tmp/out" "$CTRTOP"
		check "ctrtop without a terminal: exit 1, saying so" $m \
			"$([ $RC = 1 ] && { [[ $m = *2* ]] || grep -q 'needs a terminal' "$tmp/err"; }; echo $?)"
	fi
	# The runtime (no strace: its supervisor outlives the command).
	"$tmp/closer" $m "$CTRRUN" --state-dir "$STATE" run -d --rootfs "$tmp/rootfs" "$P-r$m" -- sleep 100000 \
		<"$tmp/in" >"$tmp/out" 2>"$tmp/err"
	rc1=$?
	"$tmp/closer" $m "$CTRRUN" --state-dir "$STATE" exec "$P-r$m" -- /bin/sh -c 'echo hi-$0 >/tmp/x' "$m" \
		<"$tmp/in" >"$tmp/out" 2>"$tmp/err"
	rc2=$?
	"$tmp/closer" $m "$CTRRUN" --state-dir "$STATE" delete -f "$P-r$m" <"$tmp/in" >"$tmp/out" 2>"$tmp/err"
	rc3=$?
	RC=$((rc1 > rc2 ? rc1 : rc2)) BAD=""
	RC=$((RC > rc3 ? RC : rc3))
	check "ctrrun run -d, exec, delete: exit 0 0 0 ($rc1 $rc2 $rc3), exec wrote its file, state gone" $m \
		"$([ "$rc1$rc2$rc3" = 000 ] && [ "$(cat "$tmp/rootfs/tmp/x" 2>/dev/null)" = "hi-$m" ] && [ ! -e "$STATE/$P-r$m" ]; echo $?)"
	rm -f "$tmp/rootfs/tmp/x"
done
# ctrtop with stderr closed: in tmux (below, with the inherited fds too).

# ---- 2. 1,000 inherited fds ----
touch "$tmp/marker"
cat >"$tmp/open.py" <<'EOF2'
import os, sys
marker, n, argv = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
for i in range(n):
    if i % 10:
        fd = os.open(marker, os.O_RDWR)
    else:
        fd = os.open(("/", "/etc", "/etc/hostname")[(i // 10) % 3], os.O_RDONLY)
    os.set_inheritable(fd, True)
os.execvp(argv[0], argv)
EOF2
inherit() { "$PYTHON" "$tmp/open.py" "$tmp/marker" 1000 "$@"; }
# The fds of PID that lead to what the python parent opened.
leaks() {
	find "/proc/$1/fd" \( -lname "$tmp/marker" -o -lname / -o -lname /etc -o -lname /etc/hostname \) 2>/dev/null | wc -l
}
n=$(inherit "$FDREPORT" | wc -w)
ok "$([ "$n" -ge 1003 ]; echo $?)" "the harness works: fd-report started by it sees $n fds"

inherit "$CTRTREE" >"$tmp/out" 2>"$tmp/err"
ok "$([ $? = 0 ] && awk -v p=$SLEEP '$1 == p' "$tmp/out" | grep -q sleep; echo $?)" "inherited: ctrtree (text) shows our sleep"
inherit "$CTRTREE" --json >"$tmp/out" 2>"$tmp/err"
is "$?/$(jq -r ".processes[] | select(.pid == $SLEEP) | .comm" "$tmp/out")" 0/sleep "inherited: ctrtree --json"
inherit "$CTRTREE" --save "$tmp/snap" >"$tmp/out" 2>"$tmp/err"
is "$?/$(jq -r ".processes[] | select(.pid == $SLEEP) | .comm" "$tmp/snap")" 0/sleep "inherited: ctrtree --save FILE"
inherit "$CTRTREE" --lookup "$C" --no-api >"$tmp/out" 2>"$tmp/err"
is "$?/$(jq -r '.matches[0].init_pid' "$tmp/out")" "0/$CINIT" "inherited: ctrtree --lookup"

# The hostname helper is forked, not exec'd: held in its setns() by
# strace, its /proc/PID/fd is read while it lives.  It may hold its pipe
# and the pidfds of the processes it visits, nothing else.
"${STRACE[@]}" -o /dev/null -e trace=setns -e inject=setns:delay_exit=1500000 \
	"$PYTHON" "$tmp/open.py" "$tmp/marker" 1000 "$CTRTREE" >"$tmp/out" 2>"$tmp/err" &
st=$!
SYS_SETNS=$(printf '#include <sys/syscall.h>\nSYS_setns\n' | ${CC:-cc} -E -P - | tail -1)
helper_fds() {
	local top p
	# strace's child is ctrtree (python exec'd it); ctrtree forks nothing else.
	top=$(pgrep -P "$st") || return 1
	for p in $(pgrep -P "$top"); do
		# Held in a setns() (a new child also starts in a tracing stop,
		# before it ran a line of ours).
		grep -q '^State:.*tracing stop' "/proc/$p/status" 2>/dev/null || continue
		[ "$(cut -d' ' -f1 "/proc/$p/syscall" 2>/dev/null)" = "$SYS_SETNS" ] || continue
		HELPER=$p
		HLIST=$(ls -l "/proc/$p/fd" | awk 'NR > 1 && $9 > 2 {print $11}')
		HFDS=$(echo "$HLIST" | sed 's/pipe:.*/pipe/' | sort | uniq -c | tr -s ' \n' ' ')
		HLEAKS=$(leaks "$p")
		return 0
	done
	return 1
}
HFDS="" HLEAKS="" HLIST=""
# Until found or ctrtree is done (a loaded host may take long to get there).
while ! helper_fds && kill -0 $st 2>/dev/null; do sleep 0.02; done
ok "$(echo "$HLIST" | grep -q '^pipe:' && [ "$HLEAKS" = 0 ] &&
	[ -z "$(echo "$HLIST" | grep -vE '^(anon_inode:\[pidfd\]|pipe:)')" ]; echo $?)" \
	"inherited: ctrtree's hostname helper (pid ${HELPER:-?}) holds only its pidfds and pipe beyond 0-2 ($HFDS; $HLEAKS of the inherited)"
wait $st
ok $? "... and that ctrtree exits 0"

is "$(inherit "$NSL" "$CINIT" "$FDREPORT")" "0 1 2" "inherited: nsenter-lite PID fd-report: 0 1 2"
is "$(inherit "$NSL" -p "$CINIT" "$FDREPORT")" "0 1 2" "inherited: nsenter-lite -p (a fork) fd-report: 0 1 2"
is "$(inherit "$NSL" -r "$CINIT" "$FDREPORT")" "0 1 2" "inherited: nsenter-lite --root fd-report: 0 1 2"
is "$(inherit "$NSL" -a "$CINIT" /fd-report)" "0 1 2" "inherited: nsenter-lite -a, the container's fd-report: 0 1 2"
is "$(inherit "$NSL" --json "$CINIT" "$FDREPORT" | tail -1)" "0 1 2" "inherited: nsenter-lite --json fd-report: 0 1 2"
inherit "$NSL" "$CINIT" --probe links --json >"$tmp/out" 2>"$tmp/err"
is "$?/$(jq -r '[.probes.links.links[].name] | join(" ")' "$tmp/out")" \
	"0/$(nsenter --net=/proc/$CINIT/ns/net ip -j link | jq -r '[.[].ifname] | join(" ")')" "inherited: nsenter-lite --probe links --json"
# By name: nsenter-lite runs "ctrtree --lookup" from its own directory; a
# stand-in there notes the fds it was started with that survive an exec,
# then runs the real ctrtree.
mkdir "$tmp/bin"
cp "$NSL" "$tmp/bin/nsenter-lite"
cat >"$tmp/bin/ctrtree" <<EOF2
#!$PYTHON
import fcntl, os, sys
fds = [fd for fd in range(4096) if (lambda f: f >= 0 and not f & fcntl.FD_CLOEXEC)(
    (lambda fd: (lambda: fcntl.fcntl(fd, fcntl.F_GETFD)) )(fd)() if os.path.exists("/proc/self/fd/%d" % fd) else -1)]
open("$tmp/lookup.fds", "w").write(" ".join(map(str, fds)))
os.execv("$CTRTREE", ["ctrtree"] + sys.argv[1:])
EOF2
chmod +x "$tmp/bin/ctrtree"
out=$(inherit "$tmp/bin/nsenter-lite" --no-api "$C" "$FDREPORT" 2>"$tmp/err")
is "$out/$(cat "$tmp/lookup.fds" 2>/dev/null)" "0 1 2/0 1 2" \
	"inherited: nsenter-lite by name: the command and its ctrtree --lookup have only 0 1 2"

# ctrtop, stderr closed, started with the inherited fds: its x action runs
# nsenter-lite, whose command notes its own fds and nsenter-lite's.
cat >"$tmp/top.sh" <<EOF2
#!/bin/sh
'$PYTHON' '$tmp/open.py' '$tmp/marker' 1000 env TERM=xterm-256color SHELL=/bin/sh '$CTRTOP' -d 5 2>&-
echo \$? >'$tmp/top.rc'
exec sleep 1000000
EOF2
chmod +x "$tmp/top.sh"
tm -f /dev/null new-session -d -s top -x 160 -y 40 "$tmp/top.sh"
ok $? "ctrtop in tmux (stderr closed, 1,000 inherited fds)"
screen() { tm capture-pane -p -t top 2>/dev/null; }
wait_for 10 eval 'screen | grep -q "$C"'
ok $? "ctrtop shows $C"
# A key that comes while a busy host is being collected may be lost: again.
for i in 1 2 3 4 5; do
	tm send-keys -t top x
	wait_for 5 eval 'screen | grep -q "command (host"' && break
done
screen | grep -q "command (host"
ok $? "ctrtop x: the prompt for a command"
tm send-keys -t top -l "$FDREPORT >$tmp/x.fds; cat /proc/\$PPID/comm >$tmp/x.comm; ls /proc/\$PPID/fd | sort -n | tr '\\n' ' ' >$tmp/x.parent"
tm send-keys -t top Enter
wait_for 30 test -s "$tmp/x.parent" || diag "$(screen | grep -v '^ *$' | tail -5)"
is "$(cat "$tmp/x.fds" 2>/dev/null)" "0 1 2" "ctrtop x: the command's fds are 0 1 2"
is "$(cat "$tmp/x.comm" 2>/dev/null)/$(cat "$tmp/x.parent" 2>/dev/null)" "nsenter-lite/0 1 2 " \
	"ctrtop x: nsenter-lite, ctrtop's child, holds only 0 1 2"
tm send-keys -t top Enter
sleep 0.3
tm send-keys -t top q
wait_for 10 test -s "$tmp/top.rc"
is "$(cat "$tmp/top.rc" 2>/dev/null)" 0 "ctrtop quits with q: exit 0 (no signal)"

# The runtime: its supervisor and the container's processes.
inherit "$CTRRUN" --state-dir "$STATE" run -d --rootfs "$tmp/rootfs" "$P-i" -- \
	/bin/sh -c '/fd-report >/tmp/fds; exec sleep 100000' </dev/null >"$tmp/out" 2>"$tmp/err"
ok $? "inherited: ctrrun run -d"
wait_for 5 test -s "$tmp/rootfs/tmp/fds"
is "$(cat "$tmp/rootfs/tmp/fds")" "0 1 2" "inherited: the container's command starts with 0 1 2"
IINIT=$(jq -r .init_pid "$STATE/$P-i/state.json")
n=0
for p in $IINIT $(ps -o pid= --ppid "$IINIT") $(ps -o ppid= "$IINIT"); do n=$((n + $(leaks $p))); done
is "$n" 0 "inherited: none of them in the container's init, its child or the supervisor ($(ps -o ppid= "$IINIT" | tr -d ' '))"
is "$(inherit "$CTRRUN" --state-dir "$STATE" exec "$P-i" -- /fd-report)" "0 1 2" "inherited: ctrrun exec fd-report: 0 1 2"
inherit "$CTRRUN" --state-dir "$STATE" delete -f "$P-i" >/dev/null 2>&1
is "$?/$(ls "$STATE" | grep -c -- "-i$")" 0/0 "inherited: ctrrun delete"

cr_delete_all
is "$(ls "$STATE")" "" "all containers deleted"
done_testing
