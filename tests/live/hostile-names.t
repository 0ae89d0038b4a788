#!/bin/bash
# Hostile names and bytes everywhere a container controls them: a process's
# comm, argv and thread name, cgroup directories (every v1 hierarchy but
# cpuset, and the cgroup2 at /sys/fs/cgroup/unified), a container named by
# its UTS hostname (sethostname takes any bytes), docker labels, interface
# names and aliases in a network namespace of ours.  The payload carries
# CSI and OSC sequences (OSC 52 too), raw and UTF-8 C1, bidi overrides and
# invalid UTF-8.  What ctrtree, nsenter-lite and ctrtop write to a pty
# (captured raw) holds none of it, yet shows it escaped; every JSON parses
# strictly and gives back the exact bytes the kernel or the engine holds.
# An environment variable holding a sentinel appears in no output: none of
# the three tools has an option that shows environments (nsenter-lite's
# --keep-env passes ours to its command, it prints nothing).
#
#   TOP=. BUILDDIR=build CTRTREE=build/ctrtree bash tests/live/hostile-names.t
set -u
TOP=${TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
BUILDDIR=${BUILDDIR:-$TOP/build}
CTRTREE=${CTRTREE:-$BUILDDIR/ctrtree}
NSL=$BUILDDIR/nsenter-lite
CTRTOP=$BUILDDIR/ctrtop
. "$TOP/tests/lib/tap.sh"
. "$TOP/tests/lib/rootfs.sh"
# ok with the check's status, so that "ok ... || dump" shows the screen.
eval "_tap_ok() $(declare -f ok | tail -n +2)"
ok() { _tap_ok "$@"; return "$1"; }
need_root
need_tools jq python3 unshare nsenter ip
need_built "$CTRTREE" "$NSL"

# Short: the private dockerd's socket lives under it.
tmp=$(mktemp -d /tmp/hn-t.XXXXXX)
on_exit "rm -rf '$tmp'"
mkdir "$tmp/out"
# Only ever in environments, never in an argv.
SENT=hn-secret-$$-$RANDOM$RANDOM

# ---- the payloads ----
# Bytes: OSC 52 (set the clipboard), CSI 21t (report the window title),
# CSI 2J, a raw C1 CSI, a UTF-8 C1 CSI and OSC, RLO, LRI, invalid UTF-8.
PAY=$'\e]52;c;SE5QV04=\a\e[21t\e[2J\x9b31m\xc2\x9b7m\xc2\x9d0;t\a\xe2\x80\xae\xe2\x81\xa6\xff\xfe'
# The same, as valid UTF-8 (docker takes nothing else).
UPAY=$'\e]52;c;SE5QV04=\a\e[21t\e[2J\u009b31m\u009d0;t\a\u202e\u2066'
# Sequences that must never reach a terminal, and how ctrtree shows PAY.
NEEDLES=($'\e]52' $'\e[21t' $'\e[2J' $'\x9b31m' $'\xc2\x9b' $'\xc2\x9d' $'\xe2\x80\xae' $'\xe2\x81\xa6')
ESC_PAY='\x1b]52;c;SE5QV04=\x07\x1b[21t\x1b[2J\x9b31m\u{009b}7m\u{009d}0;t\x07\u{202e}\u{2066}\xff\xfe'
HOST=hn$$$PAY     # 46 bytes: a hostname takes 64
CG=hncg$$$PAY     # a cgroup directory
COMM=$'c\e[21t\xc2\x9b\xe2\x80\xae\xff' # 15 bytes: TASK_COMM_LEN
TNAME=$'t\e]52;c;QQ==\a'
ESC_COMM='c\x1b[21t\u{009b}\u{202e}\xff' ESC_TNAME='t\x1b]52;c;QQ==\x07'
IFN=$'v\e[21t\xe2\x80\xae' # an interface name: 15 bytes at most

# rawcheck FILE [--term]: no ESC at all (--term: a terminal's own CSI and
# SGR are fine, but no OSC, DCS, APC or PM), no C1 raw or in UTF-8, no
# bidi control, valid UTF-8, none of NEEDLES.
cat >"$tmp/rawcheck.py" <<'EOF'
import sys
path, term, needles = sys.argv[1], sys.argv[2] == "--term", sys.argv[3:]
data = open(path, "rb").read()
bad = []
if not term and b"\x1b" in data:
    bad.append("ESC at %d" % data.index(b"\x1b"))
for intro in (b"\x1b]", b"\x1bP", b"\x1b_", b"\x1b^"):
    if intro in data:
        bad.append("string sequence %r at %d" % (intro, data.index(intro)))
text = data.decode("utf-8", "surrogateescape")
for i, ch in enumerate(text):
    cp = ord(ch)
    if 0xdc80 <= cp <= 0xdcff:
        bad.append("%s byte 0x%02x at char %d" % ("raw C1" if cp <= 0xdc9f else "invalid UTF-8", cp - 0xdc00, i))
    elif 0x80 <= cp <= 0x9f:
        bad.append("UTF-8 C1 U+%04X at char %d" % (cp, i))
    elif 0x202a <= cp <= 0x202e or 0x2066 <= cp <= 0x2069:
        bad.append("bidi control U+%04X at char %d" % (cp, i))
for n in needles:
    b = n.encode("utf-8", "surrogateescape")
    if b in data:
        bad.append("payload sequence %r at %d" % (b, data.index(b)))
for b in bad[:5]:
    print("#   " + b)
sys.exit(1 if bad else 0)
EOF
rawcheck() { python3 "$tmp/rawcheck.py" "$1" --no-term "${NEEDLES[@]}"; }
# A terminal's own CSI 2J (ncurses clears the screen with it) is not ours to judge.
rawcheck_term() { python3 "$tmp/rawcheck.py" "$1" --term "${NEEDLES[@]:0:2}" "${NEEDLES[@]:3}"; }
# strict JSON: jq and python (no raw control characters in strings)
json_ok() { jq -e . "$1" >/dev/null && python3 -c 'import json, sys; json.loads(open(sys.argv[1], "rb").read().decode("utf-8"), strict=True)' "$1"; }
# on_pty FILE COMMAND...: COMMAND on a pty of 400 columns, every byte it
# writes there saved raw in FILE (script(1) would add a header that quotes
# the command line); the command's exit status.
cat >"$tmp/ptycap.py" <<'EOF'
import fcntl, os, pty, struct, sys, termios
pid, fd = pty.fork()
if pid == 0:
    fcntl.ioctl(1, termios.TIOCSWINSZ, struct.pack("HHHH", 50, 400, 0, 0))
    os.execvp(sys.argv[2], sys.argv[2:])
with open(sys.argv[1], "wb") as out:
    while True:
        try:
            b = os.read(fd, 65536)
        except OSError:
            break
        if not b:
            break
        out.write(b)
sys.exit(os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]))
EOF
on_pty() { python3 "$tmp/ptycap.py" "$@"; }

# ---- the hostname container: pid, mount, UTS and network namespaces ----
cat >"$tmp/init.py" <<'EOF'
import ctypes, socket, sys, threading, time
arg = lambda s: s.encode("utf-8", "surrogateescape")
libc = ctypes.CDLL(None, use_errno=True)
socket.sethostname(arg(sys.argv[1]))
libc.prctl(15, ctypes.c_char_p(arg(sys.argv[2])))  # PR_SET_NAME
def named():
    libc.prctl(15, ctypes.c_char_p(arg(sys.argv[3])))
    time.sleep(100000)
threading.Thread(target=named, daemon=True).start()
open(sys.argv[4], "w").close()
time.sleep(100000)
EOF
# The secret reaches it through the environment only.
HN_SECRET=$SENT unshare -fpmun --mount-proc --kill-child python3 "$tmp/init.py" "$HOST" "$COMM" "$TNAME" "$tmp/ready" "$PAY" 2>"$tmp/unshare.err" &
ush=$!
on_exit "kill $ush"
wait_for 10 test -e "$tmp/ready"
ok $? "hostname container started (unshare $ush)"
init=$(ps -o pid= --ppid $ush | tr -d ' ')
# PID 1 of its namespace ignores a TERM it has no handler for.
on_exit "kill -KILL $init"
tid=$(ls "/proc/$init/task" 2>/dev/null | grep -vx "$init" | head -1)
# Facts, read with the kernel's own files: the hostname, comm and thread name.
ok "$([ -n "$init" ] && [ "$(nsenter -t "$init" -u cat /proc/sys/kernel/hostname)" = "$HOST" ] &&
	[ "$(cat "/proc/$init/comm")" = "$COMM" ] && [ "$(cat "/proc/$init/task/$tid/comm")" = "$TNAME" ]; echo $?)" \
	"(fact) init $init: hostname, comm and thread $tid's name are the payloads"
grep -qzF "HN_SECRET=$SENT" "/proc/$init/environ"
ok $? "(fact) the secret is in init $init's environment"

# Interfaces: a veth pair in its network namespace, hostile name and alias.
nsenter -t "$init" -n ip link add "$IFN" type veth peer name "w$$" &&
	nsenter -t "$init" -n ip link set dev "$IFN" alias "$PAY"
ok $? "veth '$(printf %q "$IFN")' with the payload as alias in init's network namespace"
nsenter -t "$init" -n unshare -m sh -c 'mount -t sysfs none /sys && cat "/sys/class/net/$1/ifalias"' - "$IFN" >"$tmp/ifalias"
ok "$([ "$(cat "$tmp/ifalias")" = "$PAY" ]; echo $?)" "(fact) sysfs in that namespace has the alias"

# ---- cgroups named by the payload, init moved in ----
cgdirs=()
while read -r mp type opts; do
	case $type,$opts in
	cgroup,*cpuset*) ;; # a task needs cpuset.cpus and .mems set first
	cgroup,* | cgroup2,*) cgdirs+=("$mp/$CG") ;;
	esac
done < <(awk '{ for (i = 7; $i != "-"; i++); t = $(i + 1) } # the type follows the optional fields
	t == "cgroup" || (t == "cgroup2" && ($5 == "/sys/fs/cgroup/unified" || $5 == "/sys/fs/cgroup")) { print $5, t, $NF }' /proc/self/mountinfo)
rm_cgroups() {
	local d i
	for d in "${cgdirs[@]}"; do
		for i in $(seq 50); do
			[ -d "$d" ] || break
			rmdir "$d" 2>/dev/null || sleep 0.1
		done
	done
}
on_exit rm_cgroups
bad=0
for d in "${cgdirs[@]}"; do
	mkdir "$d" && echo "$init" >"$d/cgroup.procs" || bad=1
done
ok "$([ $bad = 0 ] && [ ${#cgdirs[@]} -ge 2 ]; echo $?)" "init $init moved into ${#cgdirs[@]} cgroups named by the payload"
ok "$(grep -cF -- "/$CG" "/proc/$init/cgroup" | grep -qx ${#cgdirs[@]}; echo $?)" "(fact) /proc/$init/cgroup names them all"

# ---- a private dockerd: hostile labels, a secret in the environment ----
have_docker=0
. "$TOP/tests/lib/docker.sh"
missing=$(docker_missing)
DN=hn-lab$$
if [ -z "$missing" ]; then
	docker_names=$DN
	if docker_start && make_busybox_rootfs "$tmp/rootfs" >/dev/null &&
		tar -C "$tmp/rootfs" -c . | D import - hn-bb >/dev/null; then
		# The CLI's argv holds the secret until it exits, before anything looks.
		D run -d --name "$DN" --network none -e "HN_SECRET=$SENT" --label "evil=$UPAY" \
			--label $'k\e[21t\u202e=v' hn-bb sleep 100000 >>"$tmp/ids" && have_docker=1
	fi
	[ $have_docker = 1 ] || diag "the private dockerd or its container did not start"
else
	diag "no private dockerd: missing$missing"
fi
if [ $have_docker = 1 ]; then
	D inspect "$DN" >"$tmp/inspect.json"
	dinit=$(jq -r '.[0].State.Pid' "$tmp/inspect.json")
	ok "$(grep -qzF "HN_SECRET=$SENT" "/proc/$dinit/environ"; echo $?)" \
		"(fact) docker container $DN (init $dinit) has the secret in its environment"
else
	skip "no private dockerd"
fi

# ---- ctrtree ----
"$CTRTREE" --json >"$tmp/out/tree.json" 2>"$tmp/out/tree.err"
ok $? "ctrtree --json"
json_ok "$tmp/out/tree.json"
ok $? "ctrtree --json: jq and strict python parse it"
python3 "$TOP/tests/lib/check.py" proc-matches "$tmp/out/tree.json" "$init"
ok $? "init $init: comm, argv and every cgroup line decode to /proc's exact bytes"
python3 - "$tmp/out/tree.json" "$init" "$HOST" <<'EOF'
import json, sys
doc = json.load(open(sys.argv[1], encoding="utf-8"))
host = sys.argv[3].encode("utf-8", "surrogateescape")
got = [c for c in doc["containers"] if c.get("init_pid") == int(sys.argv[2])]
names = [c["name"].encode("utf-8", "surrogateescape") for c in got]
print("# containers with init %s: %r" % (sys.argv[2], names))
sys.exit(0 if names == [host] else 1)
EOF
ok $? "the container's name decodes to the exact hostname (nsenter -u)"
if [ $have_docker = 1 ]; then
	python3 - "$tmp/out/tree.json" "$tmp/inspect.json" <<'EOF'
import json, sys
doc = json.load(open(sys.argv[1], encoding="utf-8"))
ins = json.load(open(sys.argv[2], encoding="utf-8"))[0]
got = [c for c in doc["containers"] if c["id"] == ins["Id"]]
if len(got) != 1:
    print("# container %s: %d entries" % (ins["Id"], len(got)))
    sys.exit(1)
labels, want = got[0].get("labels", {}), ins["Config"]["Labels"]
bad = labels.get("evil") != want["evil"]
# A hostile label name is written as ctrtree's escaped text (ctrtree-json(5)).
bad |= labels.get("k\\x1b[21t\\u{202e}") != "v"
print("# labels: ctrtree %r, docker inspect %r" % (labels, want))
sys.exit(1 if bad else 0)
EOF
	ok $? "docker labels: the value decodes to docker inspect's, the hostile name is escaped text"
else
	skip "no private dockerd"
fi

"$CTRTREE" --save "$tmp/out/snap.json" 2>>"$tmp/out/tree.err"
ok $? "ctrtree --save"
json_ok "$tmp/out/snap.json"
ok $? "--save: jq and strict python parse the snapshot"
"$CTRTREE" --load "$tmp/out/snap.json" --json >"$tmp/out/load.json" 2>>"$tmp/out/tree.err" &&
	python3 "$TOP/tests/lib/check.py" proc-matches "$tmp/out/load.json" "$init"
ok $? "--load of the snapshot: init $init's comm, argv and cgroups still /proc's exact bytes"
is "$(jq -c "[.containers[] | select(.init_pid == $init) | .name]" "$tmp/out/load.json")" \
	"$(jq -c "[.containers[] | select(.init_pid == $init) | .name]" "$tmp/out/tree.json")" \
	"--load: the hostname container's name is the live one"

on_pty "$tmp/out/tree.pty" "$CTRTREE" -o PID,CGROUP,COMM,COMMAND
ok $? "ctrtree on a pty"
rawcheck "$tmp/out/tree.pty"
ok $? "ctrtree on a pty: no ESC, C1, bidi control or payload sequence in the raw bytes"
grep -aE -- "^ *$init " "$tmp/out/tree.pty" | grep -aF -- "$ESC_COMM" | grep -qaF -- "$ESC_PAY"
ok $? "... init's row shows comm and argv escaped"
# Alone, the column is not cut short by the others.
on_pty "$tmp/out/cg.pty" "$CTRTREE" -l -o PID,CGROUP
rawcheck "$tmp/out/cg.pty"
ok "$([ $? = 0 ] && grep -aE -- "^ *$init " "$tmp/out/cg.pty" | grep -qaF -- "/hncg$$$ESC_PAY"; echo $?)" \
	"ctrtree -o PID,CGROUP on a pty: init's cgroup escaped, clean raw bytes"
grep -qaF -- "container hn$$$ESC_PAY" "$tmp/out/tree.pty"
ok $? "... the container row shows its hostname escaped"
on_pty "$tmp/out/threads.pty" "$CTRTREE" -T -o PID,COMM
rawcheck "$tmp/out/threads.pty"
ok $? "ctrtree -T on a pty: clean raw bytes"
grep -qaE -- "^ *$tid .*$(printf %s "$ESC_TNAME" | sed 's/[][\\.*^$]/\\&/g')" "$tmp/out/threads.pty"
ok $? "... thread $tid's name is shown escaped"
on_pty "$tmp/out/one.pty" "$CTRTREE" -l "$HOST"
rawcheck "$tmp/out/one.pty"
ok "$([ $? = 0 ] && grep -qaF -- "$ESC_PAY" "$tmp/out/one.pty"; echo $?)" "ctrtree NAME (the hostile hostname) on a pty: its chain, escaped"

# ---- nsenter-lite: describe, and the links probe ----
on_pty "$tmp/out/links.pty" "$NSL" "$init" --probe links
ok $? "nsenter-lite $init --probe links on a pty"
rawcheck "$tmp/out/links.pty"
ok $? "... clean raw bytes"
ok "$(grep -qaF -- 'v\x1b[21t\u{202e}' "$tmp/out/links.pty" && grep -qaF -- "$ESC_PAY" "$tmp/out/links.pty"; echo $?)" \
	"... the interface's name and alias are shown escaped"
"$NSL" --json "$init" --probe links,addrs >"$tmp/out/links.json" 2>"$tmp/out/nsl.err"
ok $? "nsenter-lite --json --probe links,addrs"
json_ok "$tmp/out/links.json"
ok $? "... jq and strict python parse it"
python3 - "$tmp/out/links.json" "$IFN" "$tmp/ifalias" <<'EOF'
import json, sys
doc = json.load(open(sys.argv[1], encoding="utf-8"))
b = lambda s: s.encode("utf-8", "surrogateescape") if s is not None else None
want = (sys.argv[2].encode("utf-8", "surrogateescape"), open(sys.argv[3], "rb").read().rstrip(b"\n"))
got = [(b(l["name"]), b(l.get("alias"))) for l in doc["probes"]["links"]["links"]]
print("# links: %r" % got)
sys.exit(0 if want in got else 1)
EOF
ok $? "... name and alias decode to the exact bytes (sysfs ifalias)"
"$NSL" --json "$init" -- true >"$tmp/out/nsl.json" 2>>"$tmp/out/nsl.err"
ok "$([ $? = 0 ] && json_ok "$tmp/out/nsl.json"; echo $?)" "nsenter-lite --json $init -- true: valid JSON"
on_pty "$tmp/out/nsl-name.pty" "$NSL" --probe links "$HOST"
rawcheck "$tmp/out/nsl-name.pty"
ok "$([ $? = 0 ] && grep -qaF -- 'v\x1b[21t\u{202e}' "$tmp/out/nsl-name.pty"; echo $?)" \
	"nsenter-lite with the hostile hostname as TARGET on a pty: that namespace's links, clean raw bytes"

# ---- ctrtop: the row, the detail pane, the probe pager ----
if [ -x "$CTRTOP" ] && command -v tmux >/dev/null; then
	SOCK=hn$$
	tm() { tmux -L "$SOCK" "$@"; }
	kill_server() { tmux -L "$SOCK" kill-server; rm -f "${TMUX_TMPDIR:-/tmp}/tmux-$(id -u)/$SOCK"; }
	on_exit kill_server
	cat >"$tmp/run-top" <<'EOF'
#!/bin/sh
while [ ! -e "$1/go" ]; do sleep 0.05; done
env TERM=xterm-256color "$2" -d 5
echo $? >"$1/rc"
exec sleep 1000000
EOF
	chmod +x "$tmp/run-top"
	tm -f /dev/null new-session -d -s t -x 200 -y 50 "$tmp/run-top $tmp $CTRTOP" &&
		tm set-option -g set-clipboard on && tm pipe-pane -t t -o "cat >>$tmp/out/top.raw" && touch "$tmp/go"
	ok $? "ctrtop started in tmux (-L $SOCK)"
	screen() { tm capture-pane -p -t t -S 0 -E 49 2>/dev/null; }
	shows() { screen | grep -qF -- "$1"; }
	keys() { tm send-keys -t t "$@"; }
	n=0
	snap() { n=$((n + 1)); screen >"$tmp/out/screen.$n"; }
	dump() { screen | sed 's/^/#   | /'; }
	wait_for 10 shows "hn$$\\x1b"
	ok $? "the hostname container's row shows its name escaped" || dump
	snap
	# Each key waits for the screen it leads to: a loaded host redraws late.
	filtered() { shows "[hn$$\\x1b]52" && ! shows "[kthreadd]"; }
	keys /
	tm send-keys -t t -l -- "$(stat -L -c %i "/proc/$init/ns/net")"
	keys Enter
	wait_for 20 filtered
	ok $? "/ its net namespace inode (stat -L) Enter: the hostname container alone" || dump
	keys Enter
	wait_for 20 shows "name       hn$$$ESC_PAY"
	ok $? "Enter: the detail pane shows the hostname escaped" || dump
	ok "$(shows "/hncg$$$ESC_PAY"; echo $?)" "... and its init's cgroup" || dump
	snap
	keys Enter
	wait_for 20 sh -c "! tmux -L '$SOCK' capture-pane -p -t t | grep -q 'Detail (Enter closes)'"
	# A process row shows its command line.
	for i in 1 2 3; do
		keys Right
		wait_for 5 shows "init.py hn$$\\x1b]52" && break
		keys Down
	done
	ok "$(shows "init.py hn$$\\x1b]52"; echo $?)" "expanded: init's argv shown escaped" || dump
	snap
	keys p
	wait_for 20 shows "probes: all"
	keys BSpace BSpace BSpace # the default, "all"
	tm send-keys -t t -l -- "links"
	keys Enter
	wait_for 30 shows "ALIAS"
	ok "$(shows 'v\x1b[21t\u{202e}' && shows "$ESC_PAY"; echo $?)" \
		"p links: the pager shows the interface's name and alias escaped" || dump
	ok "$(shows "($ESC_COMM) in container hn$$\\x1b]52"; echo $?)" "... its title names init by its comm, escaped" || dump
	snap
	keys q
	wait_for 20 sh -c "! tmux -L '$SOCK' capture-pane -p -t t | grep -q ALIAS"
	keys q
	wait_for 20 test -e "$tmp/rc"
	is "$(cat "$tmp/rc" 2>/dev/null)" 0 "ctrtop quits with status 0"
	rawcheck_term "$tmp/out/top.raw"
	ok $? "ctrtop's raw bytes (pipe-pane): no OSC/DCS, C1, bidi control or payload sequence"
	is "$(tm list-buffers 2>&1)" "" "no OSC 52 reached the terminal (tmux made no paste buffer)"
	for f in "$tmp"/out/screen.*; do
		rawcheck "$f" || echo "$f"
	done >"$tmp/screens.bad"
	is "$(cat "$tmp/screens.bad")" "" "the $n captured screens hold no control bytes"
	kill_server
else
	skip "ctrtop or tmux missing"
fi

# ---- the secret: in no output ----
ls "$tmp"/out/* >"$tmp/outputs"
diag "outputs: $(wc -l <"$tmp/outputs") files, $(cat "$tmp"/out/* | wc -c) bytes"
is "$(grep -laF -- "$SENT" "$tmp"/out/* | xargs -r -n1 basename | tr '\n' ' ')" "" \
	"the environment secret is in no output (text, pty, --json, --save, probes, ctrtop)"
# Engine replies are kept as hex or base64 in a snapshot.
is "$(python3 - "$SENT" "$tmp"/out/* <<'EOF'
import base64, sys
sent = sys.argv[1].encode()
forms = [sent.hex().encode(), sent.hex().upper().encode()]
for k in range(3):  # base64 at each alignment: the part that does not depend on the neighbours
    forms.append(base64.b64encode(b"\0" * k + sent)[(4 * k + 2) // 3 + 1:-4])
for f in sys.argv[2:]:
    data = open(f, "rb").read()
    if any(x in data for x in forms):
        print(f.rsplit("/", 1)[1])
EOF
)" "" "... nor hex or base64 encoded"

[ -n "${HN_KEEP:-}" ] && cp -r "$tmp/out" "$HN_KEEP"
# ---- nothing left ----
kill -KILL "$init"
wait_for 5 test ! -e "/proc/$init"
rm_cgroups
left=0
for d in "${cgdirs[@]}"; do
	[ -d "$d" ] && left=$((left + 1))
done
is "$left" 0 "the hostile cgroups are removed"
[ $have_docker = 1 ] && docker_cleanup
done_testing
