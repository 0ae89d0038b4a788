#!/bin/bash
# nsenter-lite on containers of the bundled runtime.  Every expected value
# comes from the kernel, read here independently: stat(2) of
# /proc/PID/ns/TYPE (of the target, of this shell, and of the command
# nsenter-lite started), /proc/PID/stat, and util-linux nsenter for the
# addresses.  The hostile part: a container whose sh and ip are marker
# programs (never run without -m), and one whose process tries to ptrace
# and read every nsenter-lite it can see while we enter it 100 times
# (attack.t does the full 1,000).
#
#   TOP=. BUILDDIR=build CTRRUN=build/tests/ctrrun/ctrrun bash tests/live/nsenter.t
set -u
TOP=${TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
BUILDDIR=${BUILDDIR:-$TOP/build}
CTRRUN=${CTRRUN:-$BUILDDIR/tests/ctrrun/ctrrun}
NSL=$BUILDDIR/nsenter-lite
FDREPORT=$BUILDDIR/tests/hostile/fd-report
ATTACKER=$BUILDDIR/tests/hostile/ns-attacker
. "$TOP/tests/lib/tap.sh"
. "$TOP/tests/lib/rootfs.sh"

need_root
for tool in jq ip nsenter script setpriv; do
	if ! command -v $tool >/dev/null; then
		echo "1..0 # SKIP $tool not installed"
		exit 0
	fi
done
for bin in "$NSL" "$CTRRUN" "$FDREPORT" "$ATTACKER"; do
	if [ ! -x "$bin" ]; then
		echo "1..0 # SKIP $bin not built"
		exit 0
	fi
done
BUSYBOX=/bin/busybox
[ -x $BUSYBOX ] || BUSYBOX=/usr/bin/busybox

tmp=$(mktemp -d /tmp/nsenter-t.XXXXXX)
STATE=$tmp/state
P=nl$$ # id prefix: unique per run
NETNS=nlb$$
SUBNET=10.211.$((RANDOM % 200))
TOKEN=nsl-secret-$$-$RANDOM
MARK=ns-marker-$P

cleanup_all() {
	cr_delete_all
	ip netns del "$NETNS"
	rm -f "/tmp/$MARK"
}
on_exit "cleanup_all; rm -rf '$tmp'"

ns_of() { stat -L -c %i "/proc/$1/ns/$2" 2>/dev/null; }
stat_field() { sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | awk -v f="$2" '{print $(f - 2)}'; }
init_of() { jq -r .init_pid "$STATE/$1/state.json"; }
wait_for() { # wait_for SECONDS COMMAND...
	local t=$(($1 * 10))
	shift
	while ! "$@"; do
		t=$((t - 1))
		[ $t -le 0 ] && return 1
		sleep 0.1
	done
}
# bash reports a job killed by a signal on stderr: not for the ones we kill.
quiet() { "$@"; }
TYPES="cgroup ipc mnt net pid time user uts"
# "type=inode ..." of the 8 namespaces of a process, as stat(2) sees them.
ns_line() {
	local t out=""
	for t in $TYPES; do out+="$t=$(ns_of "$1" $t) "; done
	echo "$out"
}
# What the command must be in: the target's namespaces for the types given,
# this shell's for the others ("private" for a namespace of its own).
want_line() { # want_line TARGET-PID "TYPES-JOINED" ["TYPES-PRIVATE"]
	local t out=""
	for t in $TYPES; do
		case " ${3:-} " in *" $t "*) out+="$t=private " && continue ;; esac
		case " $2 " in
		*" $t "*) out+="$t=$(ns_of "$1" $t) " ;;
		*) out+="$t=$(ns_of $$ $t) " ;;
		esac
	done
	echo "$out"
}
# Run "nsenter-lite ARGS... sleep 30" in the background; once the sleep
# runs, SL is its PID (nsenter-lite itself when it execs directly, else
# its child) and NSLPID nsenter-lite's.  Not in a subshell: wait needs it.
spawn_sleep() {
	local p t=50
	"$NSL" "$@" sleep 30 </dev/null >/dev/null 2>"$tmp/spawn.err" &
	NSLPID=$!
	while [ $t -gt 0 ]; do
		for p in $NSLPID $(ps -o pid= --ppid $NSLPID 2>/dev/null); do
			if [ "$(cat "/proc/$p/comm" 2>/dev/null)" = sleep ]; then
				SL=$p
				return 0
			fi
		done
		t=$((t - 1))
		sleep 0.1
	done
	return 1
}
# ns_line of a command started with the options given, with "private" for
# a mount namespace that is neither the target's nor ours.
entered_line() { # entered_line TARGET-PID OPTIONS...
	local target=$1 line t out=""
	shift
	spawn_sleep "$@" "$target" || { echo "did not start: $(cat "$tmp/spawn.err")"; return; }
	line=$(ns_line "$SL")
	kill "$SL"
	wait "$NSLPID" 2>/dev/null
	for t in $line; do
		if [ "${t%%=*}" = mnt ] && [ "${t#mnt=}" != "$(ns_of $$ mnt)" ] &&
			[ "${t#mnt=}" != "$(ns_of "$target" mnt)" ]; then
			out+="mnt=private "
		else
			out+="$t "
		fi
	done
	echo "$out"
}

make_busybox_rootfs "$tmp/rootfs" >/dev/null || { echo "1..0 # SKIP no static busybox"; exit 0; }
mkdir -p "$STATE"

# ---- the containers ----
# A: on a bridge in a netns of ours; its command waits in /etc (for --wd).
ip netns add "$NETNS" && ip -n "$NETNS" link add br0 type bridge && ip -n "$NETNS" link set br0 up
ok $? "test bridge in netns $NETNS"
A=$P-a
cr run -d --rootfs "$tmp/rootfs" --bridge br0 --bridge-netns "$NETNS" --ip "$SUBNET.2/24" \
	"$A" -- sh -c 'cd /etc && exec sleep 100000' </dev/null
ok $? "container $A (rootfs, bridge)"
AINIT=$(init_of "$A")
acmd() { ACMD=$(ps -o pid= --ppid "$AINIT" | tr -d ' '); [ "$(cat "/proc/$ACMD/comm" 2>/dev/null)" = sleep ]; }
wait_for 5 acmd
ok $? "$A: its command runs in /etc (pid $ACMD)"
# U: every namespace its own, the user and time namespaces too.
U=$P-user
cr run -d --userns --timens --rootfs "$tmp/rootfs" "$U" -- sleep 100000 </dev/null
ok $? "container $U (user and time namespaces)"
UINIT=$(init_of "$U")
bad=""
for t in $TYPES; do [ "$(ns_of "$UINIT" $t)" = "$(ns_of $$ $t)" ] && bad+=" $t"; done
is "$bad" "" "$U shares no namespace with us (the tests below would prove nothing)"

# ---- usage ----
out=$("$NSL" --help)
ok $? "--help exits 0"
case $out in *"Usage:"*"--probe"*) ok 0 "--help prints the usage on stdout" ;; *) ok 1 "--help prints the usage" ;; esac
"$NSL" >/dev/null 2>"$tmp/err"
is "$?/$(grep -c "Try 'nsenter-lite --help'" "$tmp/err")" "125/1" "no target: exit 125, pointing to --help"
"$NSL" --bogus "$AINIT" true >/dev/null 2>&1
is $? 125 "unknown option: exit 125"

# ---- the target: PID, PID:START, names ----
is "$("$NSL" "$AINIT" readlink /proc/self/ns/net)" "net:[$(ns_of "$AINIT" net)]" \
	"by PID: the command is in the target's network namespace"
START=$(stat_field "$AINIT" 22)
is "$("$NSL" "$AINIT:$START" readlink /proc/self/ns/net)" "net:[$(ns_of "$AINIT" net)]" \
	"by PID:STARTTIME"
"$NSL" "$AINIT:$((START + 1))" true 2>"$tmp/err"
is "$?/$(cat "$tmp/err")" \
	"125/nsenter-lite: process $AINIT is no longer the one started at $((START + 1)) (this one started at $START)" \
	"a wrong start time is refused"
sleep 100 &
gone=$!
gstart=$(stat_field $gone 22)
kill $gone
wait $gone 2>/dev/null
"$NSL" "$gone:$gstart" true 2>"$tmp/err"
is "$?/$(cat "$tmp/err")" "125/nsenter-lite: process $gone has exited" "a process that exited"
is "$("$NSL" "$A" readlink /proc/self/ns/net)" "net:[$(ns_of "$AINIT" net)]" \
	"by name: a ctrrun container is named by its hostname"
is "$("$NSL" "$U" readlink /proc/self/ns/net)" "net:[$(ns_of "$UINIT" net)]" \
	"by name: a second container"
is "$("$NSL" "$P-us" readlink /proc/self/ns/net 2>&1)" "net:[$(ns_of "$UINIT" net)]" \
	"by a unique prefix ($P-us)"
"$NSL" "$P-" true 2>"$tmp/err"
rc=$?
ok "$([ $rc = 125 ] && grep -q "^nsenter-lite: '$P-' matches [0-9]* containers: .*$A (unknown ${A:0:12})" "$tmp/err" &&
	grep -q "$U (unknown ${U:0:12})" "$tmp/err"; echo $?)" "an ambiguous prefix lists the candidates ($(cat "$tmp/err"))"
"$NSL" "$P-nosuch" true 2>"$tmp/err"
is "$?/$(cat "$tmp/err")" "125/nsenter-lite: no container named '$P-nosuch' or with that id" "an unknown name"
"$NSL" --container "$AINIT" true 2>"$tmp/err"
is "$?/$(cat "$tmp/err")" "125/nsenter-lite: no container named '$AINIT' or with that id" \
	"--container: digits are a name"
setpriv --reuid=65534 --regid=65534 --clear-groups "$NSL" "$AINIT" true 2>"$tmp/err"
is "$?/$(cat "$tmp/err")" \
	"125/nsenter-lite: cannot open the network namespace of process $AINIT: Permission denied" \
	"not permitted (as nobody)"

# Hostile names: two containers renamed from inside to escape sequences.
if [ -x /usr/bin/python3 ]; then
	for n in 1 2; do
		cr run -d "$P-h$n" -- sleep 100000 </dev/null
		"$NSL" -u "$(init_of "$P-h$n")" /usr/bin/python3 -c \
			"import socket; socket.sethostname(b'ev\x1b]0;pwn\x07-$P-$n')"
	done
	"$NSL" $'ev\e]0;pwn\a-'"$P" true 2>"$tmp/err"
	rc=$?
	ok "$([ $rc = 125 ] && ! grep -q $'[\e\a]' "$tmp/err" &&
		grep -qF "ev\\x1b]0;pwn\\x07-$P-1 (unknown ev\\x1b]0;pwn\\x07" "$tmp/err"; echo $?)" \
		"hostile names are escaped in the error ($(cat "$tmp/err"))"
	"$NSL" --json $'ev\e]0;pwn\a-'"$P-2" true >"$tmp/h.json"
	is "$(jq -r .container.name "$tmp/h.json")" $'ev\e]0;pwn\a-'"$P-2" \
		"--json gives the hostile name back exactly"
	is "$(jq .pid "$tmp/h.json")" "$(init_of "$P-h2")" "... and the right process"
else
	skip "no /usr/bin/python3 to set hostile hostnames"
	skip "no /usr/bin/python3"
	skip "no /usr/bin/python3"
fi

# ---- which namespaces: seen by stat(2) of the command from outside ----
is "$(entered_line "$UINIT")" "$(want_line "$UINIT" "net")" "default: the network namespace alone"
for opt in -n:net -m:mnt -u:uts -i:ipc -U:user -C:cgroup -T:time; do
	is "$(entered_line "$UINIT" "${opt%%:*}")" "$(want_line "$UINIT" "${opt#*:}")" \
		"${opt%%:*} joins the ${opt#*:} namespace alone"
done
is "$(entered_line "$UINIT" -p)" "$(want_line "$UINIT" "pid" "mnt")" \
	"-p joins the pid namespace, with a mount namespace of its own for /proc"
is "$(entered_line "$UINIT" -a)" "$(want_line "$UINIT" "$TYPES")" \
	"-a joins all 8 (the time namespace owned by the host's user namespace included)"
is "$(entered_line "$UINIT" -U -T -n)" "$(want_line "$UINIT" "user time net")" "-U -T -n"
is "$(entered_line "$AINIT" -a)" "$(want_line "$AINIT" "$TYPES")" \
	"-a on a container that shares our user and time namespaces"
is "$("$NSL" "$AINIT" sh -c 'for t in mnt pid uts ipc user; do readlink /proc/self/ns/$t; done' | tr '\n' ' ')" \
	"$(for t in mnt pid uts ipc user; do printf '%s:[%s] ' $t "$(ns_of $$ $t)"; done)" \
	"default: the command itself reads the host's mnt, pid, uts, ipc, user"
is "$("$NSL" -U "$UINIT" id -u)" 0 "-U: uid 0 in the user namespace"
is "$("$NSL" -u "$UINIT" hostname)" "$U" "-u: the container's hostname, from the host's hostname(1)"

# Rootless: an unprivileged user and the user namespace it made.  Only
# once in that user namespace may it join the others: the user namespace
# must come first here, and last for -a on $U above (its time namespace
# belongs to our user namespace).
NOBODY="setpriv --reuid=65534 --regid=65534 --clear-groups"
$NOBODY unshare --user --map-root-user --net --uts --mount sleep 100 </dev/null &
RL=$!
on_exit "kill $RL"
wait_for 5 test "$(ns_of $RL user)" != "$(ns_of $$ user)"
is "$($NOBODY "$NSL" -a "$RL" sh -c 'for t in net uts mnt user; do readlink /proc/self/ns/$t; done; id -u' | tr '\n' ' ')" \
	"$(for t in net uts mnt user; do printf '%s:[%s] ' $t "$(ns_of $RL $t)"; done)0 " \
	"rootless: nobody enters its own user namespace's net, uts and mnt with -a, as uid 0 there"
$NOBODY "$NSL" "$RL" true 2>"$tmp/err"
is "$?/$(cat "$tmp/err")" \
	"125/nsenter-lite: cannot join the network namespace of process $RL: Operation not permitted (it belongs to another user namespace: add -U to join that first)" \
	"rootless without -U: refused, with the hint"
is "$($NOBODY "$NSL" -U -n "$RL" readlink /proc/self/ns/net)" "net:[$(ns_of $RL net)]" "rootless: -U -n"

# The host's ip(8), in the container's network.
want=$(nsenter --net="/proc/$AINIT/ns/net" ip -j -4 addr show dev eth0 | jq -r '.[0].addr_info[0].local')
got=$("$NSL" "$AINIT" ip -j -4 addr show dev eth0 | jq -r '.[0].addr_info[0].local')
ok "$([ "$got" = "$SUBNET.2" ] && [ "$got" = "$want" ]; echo $?)" \
	"ip -j addr: eth0 has $got (util-linux nsenter: $want)"

# ---- a private /proc for -p without -m ----
host_procs=$(grep -c ' - proc ' /proc/self/mountinfo)
ctr_procs=$(grep -c ' - proc ' "/proc/$AINIT/mountinfo")
host_init=$(cat /proc/1/comm)
out=$("$NSL" -p "$AINIT" ps -e -o pid=,comm=)
is "$(echo "$out" | awk '$1 == 1 {print $2}')" ctrrun-init "-p: ps (the host's) shows the container's init as PID 1"
ok "$([ "$(echo "$out" | wc -l)" -lt 10 ]; echo $?)" "-p: and only the container's processes ($(echo $out))"
is "$("$NSL" -p "$AINIT" cat /proc/1/comm)" ctrrun-init "-p: /proc/1 is the container's init"
is "$(grep -c ' - proc ' /proc/self/mountinfo)/$(cat /proc/1/comm)" "$host_procs/$host_init" \
	"the host's mounts and /proc are unchanged afterwards"
is "$(grep -c ' - proc ' "/proc/$AINIT/mountinfo")" "$ctr_procs" "the container's mounts are unchanged"

# ---- --root and --wd ----
is "$("$NSL" -r "$AINIT" $BUSYBOX stat -c %d:%i /)" "$(stat -L -c %d:%i "/proc/$AINIT/root")" \
	"--root: / is the target's root (the host's static busybox)"
is "$("$NSL" -r "$AINIT" $BUSYBOX ls / | tr '\n' ' ')" "$(ls "$tmp/rootfs" | tr '\n' ' ')" \
	"--root: ls / lists the rootfs"
is "$("$NSL" -w "$ACMD" sh -c 'stat -c %d:%i .' 2>/dev/null)" "$(stat -L -c %d:%i "/proc/$ACMD/cwd")" \
	"--wd: the working directory is the target's"
is "$("$NSL" -r -w "$ACMD" $BUSYBOX pwd)" /etc "--root --wd: pwd says /etc"
"$NSL" -r "$AINIT" ls / >/dev/null 2>"$tmp/err"
rc=$?
ok "$([ $rc = 126 ] && grep -q 'is dynamically linked: with --root its loader and libraries would be the container' "$tmp/err"; echo $?)" \
	"--root refuses a dynamic host binary (exit $rc: $(cat "$tmp/err"))"
printf '#!/bin/sh\necho hi\n' >"$tmp/hi.sh"
chmod +x "$tmp/hi.sh"
"$NSL" -r "$AINIT" "$tmp/hi.sh" >/dev/null 2>"$tmp/err"
rc=$?
ok "$([ $rc = 126 ] && grep -q 'is a script' "$tmp/err"; echo $?)" "--root refuses a script (exit $rc)"
is "$("$NSL" -r "$AINIT" "$tmp/hi.sh" 2>/dev/null; "$NSL" "$AINIT" "$tmp/hi.sh")" hi "a host script runs without --root"
is "$("$NSL" -m -r "$AINIT" ls / | tr '\n' ' ')" "$(ls "$tmp/rootfs" | tr '\n' ' ')" \
	"-m --root: the container's own ls"

# ---- exit status ----
"$NSL" "$AINIT" sh -c 'exit 7'
is $? 7 "exit status relayed"
quiet "$NSL" "$AINIT" sh -c 'kill -9 $$' 2>/dev/null
is $? 137 "killed by SIGKILL: 137"
"$NSL" -p "$AINIT" sh -c 'exit 7'
is $? 7 "exit status relayed through the pid namespace's fork"
"$NSL" -p "$AINIT" sh -c 'kill -9 $$'
is $? 137 "killed by SIGKILL through the fork: 137"
"$NSL" "$AINIT" "no-such-command-$P" 2>"$tmp/err"
is "$?/$(cat "$tmp/err")" \
	"127/nsenter-lite: cannot run no-such-command-$P: not found on the host in /usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" \
	"a command not found: 127"
"$NSL" "$AINIT" /etc/hostname 2>/dev/null
is $? 126 "a file that is not executable: 126"
"$NSL" -m "$AINIT" "no-such-command-$P" 2>/dev/null
is $? 127 "-m: not found in the container: 127"
spawn_sleep -p "$AINIT"
kill -TERM "$NSLPID"
wait "$NSLPID"
rc=$?
ok "$([ $rc = 143 ] && wait_for 3 test ! -e "/proc/$SL"; echo $?)" "SIGTERM to nsenter-lite reaches the command (exit $rc)"
spawn_sleep -p "$AINIT"
kill -KILL "$NSLPID"
wait "$NSLPID" 2>/dev/null
wait_for 3 test ! -e "/proc/$SL"
ok $? "the command dies with a killed nsenter-lite"

# ---- --json ----
"$NSL" --json "$AINIT" true >"$tmp/j.json"
ok $? "--json PID true"
is "$(jq -c '[.pid, .start_time, .container]' "$tmp/j.json")" "[$AINIT,$START,null]" "--json: pid, start_time, no container"
is "$(jq -r '[.namespaces | to_entries[] | "\(.key)=\(.value.inode)"] | join(" ")' "$tmp/j.json") " \
	"$(for t in $TYPES; do printf '%s=%s ' $t "$(ns_of "$AINIT" $t)"; done)" "--json: the 8 inodes are the target's"
is "$(jq -r '[.namespaces | to_entries[] | select(.value.joined) | .key] | join(",")' "$tmp/j.json")" net \
	"--json: only net joined"
is "$(jq -r '[.namespaces | to_entries[] | select(.value.shared) | .key] | join(",")' "$tmp/j.json")" time,user \
	"--json: the target shares our time and user namespaces"
is "$(jq -c '[.command, .executable, .root, .wd, .private_proc, .environment]' "$tmp/j.json")" \
	"[[\"true\"],\"$(PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin type -P true)\",false,false,false,\"sanitised\"]" \
	"--json: command, host executable, options"
"$NSL" --json -a -r -w "$UINIT" true >"$tmp/j.json"
is "$(jq -c '[.namespaces | to_entries[] | select(.value.joined) | .key], .executable, .root, .wd' "$tmp/j.json" | tr '\n' ' ')" \
	'["cgroup","ipc","mnt","net","pid","time","user","uts"] null true true ' \
	"--json -a -r -w: all joined, the command is the container's"
"$NSL" --json "$A" true >"$tmp/j.json"
is "$(jq -c '[.pid, .container.id, .container.name, .container.engine]' "$tmp/j.json")" \
	"[$AINIT,\"$A\",\"$A\",\"unknown\"]" "--json by name: the container's id, name and engine"

# ---- environment ----
env -i FOO=bar "LD_PRELOAD=/nonexistent/$P.so" "SECRET=$TOKEN" TERM=dumb LC_ALL=C HOME=/root \
	PATH=/usr/bin:/bin "$NSL" "$AINIT" /usr/bin/env 2>/dev/null | sort >"$tmp/env"
is "$(tr '\n' ' ' <"$tmp/env")" \
	"HOME=/root LC_ALL=C PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin TERM=dumb " \
	"the environment is sanitised: FOO, LD_PRELOAD, SECRET dropped, PATH fixed"
env -i FOO=bar PATH=/usr/bin:/bin "$NSL" --keep-env "$AINIT" /usr/bin/env | sort | tr '\n' ' ' >"$tmp/env"
is "$(cat "$tmp/env")" "FOO=bar PATH=/usr/bin:/bin " "--keep-env keeps it all"

# ---- file descriptors: only 0, 1 and 2 reach the command ----
exec 9</etc/hostname
is "$(ls /proc/$$/fd | grep -cx 9)" 1 "(fd 9 is open in the caller)"
is "$("$NSL" "$AINIT" "$FDREPORT")" "0 1 2" "fds at exec: 0 1 2 (direct exec)"
is "$("$NSL" -p "$AINIT" "$FDREPORT")" "0 1 2" "fds at exec: 0 1 2 (after the fork for -p)"
is "$("$NSL" -r "$AINIT" "$FDREPORT")" "0 1 2" "fds at exec: 0 1 2 (--root: the binary run from an fd)"
is "$("$NSL" --json "$AINIT" "$FDREPORT" | tail -1)" "0 1 2" "fds at exec: 0 1 2 (--json)"
cp "$FDREPORT" "$tmp/rootfs/fd-report"
is "$("$NSL" -a "$UINIT" /fd-report)" "0 1 2" "fds at exec: 0 1 2 (-a, the container's copy)"
is "$(script -qec "'$NSL' '$AINIT' '$FDREPORT'" /dev/null | tr -d '\r')" "0 1 2" "fds at exec: 0 1 2 (on a terminal)"
exec 9<&-

# ---- a terminal: a new session without it ----
printf '#!/bin/sh\nset -- $(sed "s/.*) //" /proc/$$/stat)\necho "pid=$$ session=$4 tty=$5"\n' >"$tmp/sess.sh"
chmod +x "$tmp/sess.sh"
out=$(script -qec "'$NSL' '$AINIT' '$tmp/sess.sh'" /dev/null | tr -d '\r')
pid=${out#pid=}
pid=${pid%% *}
is "$out" "pid=$pid session=$pid tty=0" "on a terminal: the command leads a new session with no terminal"
out=$("$NSL" "$AINIT" "$tmp/sess.sh" </dev/null 2>/dev/null)
pid=${out#pid=}
pid=${pid%% *}
ok "$([ -n "$pid" ] && [ "$out" != "pid=$pid session=$pid tty=0" ]; echo $?)" "without a terminal: the session is kept ($out)"

# ---- probes ----
out=$("$NSL" "$AINIT" --probe links --json 2>&1)
if echo "$out" | grep -q 'not part of this build'; then
	skip "--probe: no probes in this build"
else
	is "$(echo "$out" | jq -r '[.pid, (.probes.links.links[].name)] | join(" ")')" \
		"$AINIT $(nsenter --net="/proc/$AINIT/ns/net" ip -j link | jq -r '[.[].ifname] | join(" ")')" \
		"--probe links --json: the container's interfaces, as ip(8) lists them"
fi
"$NSL" "$AINIT" --probe "nosuch-$P" >/dev/null 2>&1
is $? 125 "--probe with an unknown probe: 125"
"$NSL" "$AINIT" --probe links true >/dev/null 2>&1
is $? 125 "--probe with a command: 125"

# ---- hostile (a): the container's sh and ip are marker programs ----
M=$P-m
make_busybox_rootfs "$tmp/mroot" >/dev/null
for f in sh ip; do
	rm -f "$tmp/mroot/bin/$f"
	printf '#!/bin/busybox sh\necho "hit $0 $*" >>/tmp/%s\necho MARKER\nexit 99\n' "$MARK" >"$tmp/mroot/bin/$f"
	chmod 755 "$tmp/mroot/bin/$f"
done
cr run -d --rootfs "$tmp/mroot" "$M" -- sleep 100000 </dev/null
ok $? "container $M with marker programs for sh and ip"
MINIT=$(init_of "$M")
marked() { [ -e "$tmp/mroot/tmp/$MARK" ] || [ -e "/tmp/$MARK" ]; }
out=$("$NSL" "$MINIT" ip -br link 2>&1)
rc=$?
ok "$([ $rc = 0 ] && ! marked && ! echo "$out" | grep -q MARKER && echo "$out" | grep -q '^lo '; echo $?)" \
	"ip: the host's ip ran, not the container's (exit $rc)"
out=$("$NSL" "$MINIT" sh -c 'echo host-sh' 2>&1)
ok "$([ "$out" = host-sh ] && ! marked; echo $?)" "sh -c: the host's sh ran"
out=$(echo 'echo shell-ok' | SHELL=/bin/sh "$NSL" "$MINIT" 2>&1)
ok "$([ "$out" = shell-ok ] && ! marked; echo $?)" "the default shell is the host's"
out=$(cd "$tmp" && "$NSL" -w "$MINIT" bin/sh -c true 2>&1)
rc=$?
ok "$([ $rc = 127 ] && ! marked; echo $?)" "--wd: a relative command is looked up on the host, before the chdir (exit $rc)"
"$NSL" -r "$MINIT" sh -c true 2>/dev/null
rc=$?
ok "$([ $rc = 126 ] && ! marked; echo $?)" "--root: the host's (dynamic) sh is refused, the container's not run (exit $rc)"
out=$("$NSL" -p -u -i -n "$MINIT" ip -br link 2>&1)
ok "$(! marked && ! echo "$out" | grep -q MARKER; echo $?)" "-p -u -i -n: still the host's ip"
ok "$(! marked; echo $?)" "no marker after all of the above"
out=$("$NSL" -m "$MINIT" ip addr 2>&1)
rc=$?
ok "$([ $rc = 99 ] && [ "$out" = MARKER ] && grep -q 'hit /bin/ip addr' "$tmp/mroot/tmp/$MARK"; echo $?)" \
	"-m: the container's ip ran, as asked (exit $rc, marker written)"
rm -f "$tmp/mroot/tmp/$MARK"
echo true | SHELL=/bin/sh "$NSL" -a "$MINIT" >/dev/null 2>&1
ok "$(grep -q 'hit /bin/sh' "$tmp/mroot/tmp/$MARK"; echo $?)" "-a: the default shell is the container's /bin/sh"

# ---- hostile (b): a process in the container attacks what nsenter-lite forks into it ----
# A user namespace of its own: the attacker is root there, not on the host,
# and after -a nsenter-lite's child has the same uid: only being
# non-dumpable protects it.
ATT=$P-att
make_busybox_rootfs "$tmp/aroot" >/dev/null
cp "$ATTACKER" "$tmp/aroot/ns-attacker"
mkfifo "$tmp/aroot/tmp/ctl.fifo"
cr run -d --userns --rootfs "$tmp/aroot" "$ATT" -- /ns-attacker /tmp/report /tmp/stop "$TOKEN" </dev/null
ok $? "container $ATT running ns-attacker"
ATTINIT=$(init_of "$ATT")
REPORT=$tmp/aroot/tmp/report
wait_for 5 grep -q '^started' "$REPORT"
ok $? "the attacker runs"
# Control: what the attacker must manage against a dumpable process with the
# same credentials and the same comm, forked (not exec'd) like ours and
# holding the token in its environment: otherwise zero below proves nothing.
SECRET=$TOKEN "$NSL" --keep-env -a "$ATTINIT" \
	sh -c 'printf nsenter-lite >/proc/$$/comm; read x </tmp/ctl.fifo & echo "$$ $!" >/tmp/control; wait' </dev/null &
ctl=$!
wait_for 5 test -s "$tmp/aroot/tmp/control"
read -r ctl_sh ctl_pid <"$tmp/aroot/tmp/control"
wait_for 10 grep -q "^success fd $ctl_pid\$" "$REPORT"
missing=""
for kind in seize attach environ token mem root cwd fd; do
	grep -q "^success $kind $ctl_pid\$" "$REPORT" || missing+=" $kind"
done
is "$missing" "" "control: the attacker ptraces a dumpable look-alike (container pid $ctl_pid), reads its environ (the token), mem, root, cwd and fds"
echo >"$tmp/aroot/tmp/ctl.fifo"
wait $ctl
is $? 0 "control done"

# The full 1,000 entries, with a control built on the same join, are
# attack.t's: here a short run keeps this check beside the others.
fails=0
begin=$SECONDS
for i in $(seq 100); do
	SECRET=$TOKEN timeout 10 "$NSL" -a "$ATTINIT" /bin/true </dev/null || fails=$((fails + 1))
done
diag "100 entries in $((SECONDS - begin)) s"
is "$fails" 0 "100 times -a into the attacker's container: every one exits 0"
touch "$tmp/aroot/tmp/stop"
wait_for 10 grep -q '^done' "$REPORT"
ok $? "the attacker wrote its report"
attempts=$(awk '$1 == "attempts" {print $2}' "$REPORT")
seen=$(awk -v c="$ctl_pid" '$1 == "seen" && $2 != c' "$REPORT" | wc -l)
diag "attacker: $attempts attempts on $seen nsenter-lite children caught between fork and exec"
ok "$([ "${attempts:-0}" -gt 0 ] && [ "$seen" -gt 0 ]; echo $?)" \
	"the attacker saw nsenter-lite's children before their exec ($seen of 100) and tried them"
hits=$(awk -v a="$ctl_sh" -v b="$ctl_pid" '$1 == "success" && $3 != a && $3 != b' "$REPORT")
is "$hits" "" "zero successes: no ptrace, environ, mem, root, cwd or fd of nsenter-lite, no token anywhere"

# ---- nothing left behind ----
ok "$([ ! -e "/tmp/$MARK" ]; echo $?)" "no marker file on the host"
cleanup_all
is "$(ls "$STATE")" "" "all containers deleted"

done_testing
