#!/bin/bash
# Live test of ctrrun, the bundled runtime: real namespaces, cgroups, veths.
# Every expected value comes from the kernel (/proc, cgroupfs, ip), never
# from ctrrun's own output; the state file only says which pids to look at.
#
#   TOP=. BUILDDIR=build CTRRUN=build/tests/ctrrun/ctrrun bash tests/live/ctrrun.t
set -u
TOP=${TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
BUILDDIR=${BUILDDIR:-$TOP/build}
CTRRUN=${CTRRUN:-$BUILDDIR/tests/ctrrun/ctrrun}
. "$TOP/tests/lib/tap.sh"
. "$TOP/tests/lib/rootfs.sh"

need_root
for tool in jq ip; do
	if ! command -v $tool >/dev/null; then
		echo "1..0 # SKIP $tool not installed"
		exit 0
	fi
done
if [ ! -x "$CTRRUN" ]; then
	echo "1..0 # SKIP $CTRRUN not built"
	exit 0
fi

tmp=$(mktemp -d /tmp/ctrrun-t.XXXXXX)
STATE=$tmp/state
ROOTFS=$tmp/rootfs
NETNS=ctb$$ # holds the test bridge: no address outside our namespaces
HBR=ctb$$h # a bridge in the host netns, without any address
P=t$$ # id prefix: unique per run
SUBNET=10.200.$((RANDOM % 200)) HSUBNET=10.201.$((RANDOM % 200))
ALL_LOGS=$tmp/shim-logs

cr() { "$CTRRUN" --state-dir "$STATE" "$@"; }

# Keep each supervisor's log (sanitizer reports land there) before delete.
save_log() { cat "$STATE/$1/shim.log" >>"$ALL_LOGS" 2>/dev/null; }
del() { save_log "$1"; cr delete "$@"; }

cleanup_all() {
	local d
	for d in "$STATE"/*/; do
		[ -d "$d" ] || continue
		save_log "$(basename "$d")"
		cr delete -f "$(basename "$d")" 2>&1 | sed 's/^/# /'
	done
	ip netns del "$NETNS" 2>/dev/null
	ip link del "$HBR" 2>/dev/null
}
on_exit "cleanup_all; rm -rf '$tmp'"

field() { jq -r ".$2" "$STATE/$1/state.json"; }
# /proc/PID/stat after the last ')': $1 is field 3.
stat_field() { sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | awk -v f="$2" '{print $(f - 2)}'; }
ppid_of() { stat_field "$1" 4; }
ns_of() { stat -L -c %i "/proc/$1/ns/$2" 2>/dev/null; }
stopped() { [ "$(jq -r .status "$STATE/$1/state.json" 2>/dev/null)" = stopped ]; }
gone() { [ ! -e "/proc/$1" ] || [ "$(stat_field "$1" 3)" = Z ]; }
cgroup_mounts() { findmnt -rn -t cgroup,cgroup2 -o TARGET; }
# Children of a host pid per procps, as "PID STATE COMM" lines.
children_of() { ps -o pid=,stat=,comm= --ppid "$1" 2>/dev/null | awk '{print $1, substr($2, 1, 1), $3}'; }
# Processes whose command line mentions our state directory.
our_procs() {
	local p c
	for p in /proc/[0-9]*; do
		c=$(tr '\0' ' ' <"$p/cmdline" 2>/dev/null)
		case $c in *"$STATE"*) echo "${p#/proc/} $c" ;; esac
	done
}

make_busybox_rootfs "$ROOTFS" || { echo "1..0 # SKIP no busybox rootfs"; exit 0; }
# The rootfs sits below a 0700 mktemp directory on purpose: --userns must
# still reach it (the init does its mounts before taking the mapped uid).
mkdir -p "$STATE"

# ---- a plain container: supervisor, init, namespaces, cgroups ----
C=$P-main
cr run -d "$C" -- sleep 300 </dev/null
ok $? "run -d $C"
SUP=$(field "$C" supervisor_pid)
INIT=$(field "$C" init_pid)
is "$(cat /proc/"$SUP"/comm 2>/dev/null)" ctrrun-shim "supervisor comm is ctrrun-shim"
sup_ppid=$(ppid_of "$SUP")
ancestors=" 1 "
p=$$
while [ "${p:-1}" -gt 1 ]; do p=$(ppid_of "$p"); ancestors+="$p "; done
case "$ancestors" in
*" $sup_ppid "*) ok 0 "supervisor reparented (ppid $sup_ppid: init or a subreaper)" ;;
*) ok 1 "supervisor reparented (ppid $sup_ppid, not in '$ancestors')" ;;
esac
is "$(field "$C" supervisor_start_time)" "$(stat_field "$SUP" 22)" "supervisor start time recorded"
is "$(ppid_of "$INIT")" "$SUP" "init is the supervisor's child"
is "$(cat /proc/"$INIT"/comm 2>/dev/null)" ctrrun-init "init comm is ctrrun-init"
is "$(field "$C" init_start_time)" "$(stat_field "$INIT" 22)" "init start time recorded"
for ns in pid net mnt uts ipc cgroup; do
	host=$(ns_of $$ $ns) ctr=$(ns_of "$INIT" $ns)
	if [ -n "$ctr" ] && [ "$ctr" != "$host" ] &&
		[ "$ctr" = "$(field "$C" namespaces.$ns)" ]; then
		ok 0 "init has its own $ns namespace, as recorded"
	else
		ok 1 "init has its own $ns namespace (host $host, init $ctr, state $(field "$C" namespaces.$ns))"
	fi
done
is "$(ns_of "$INIT" user)/$(ns_of "$INIT" time)" "$(ns_of $$ user)/$(ns_of $$ time)" \
	"user and time namespaces are the host's by default"

# Every hierarchy, found independently of ctrrun: a ctrrun/ID cgroup holding
# the init, and /proc/INIT/cgroup saying so for every line.
bad=""
nmounts=0
for m in $(cgroup_mounts); do
	nmounts=$((nmounts + 1))
	grep -qx "$INIT" "$m/ctrrun/$C/cgroup.procs" 2>/dev/null || bad+=" $m"
done
[ "$nmounts" -gt 0 ] && [ -z "$bad" ]
ok $? "init is in ctrrun/$C in all $nmounts cgroup hierarchies${bad:+ (not in:$bad)}"
lines=$(grep -c . "/proc/$INIT/cgroup")
ours=$(grep -c ":/ctrrun/$C\$" "/proc/$INIT/cgroup")
is "$ours" "$lines" "every line of /proc/INIT/cgroup names /ctrrun/$C"
inside=$(cr exec "$C" -- cat /proc/self/cgroup </dev/null | cut -d: -f3 | sort -u)
is "$inside" "/" "the cgroup namespace is rooted at the container's cgroup"
is "$(cr exec "$C" -- hostname </dev/null)" "$C" "hostname inside is the id"
is "$(cr exec "$C" -- cat /proc/1/comm </dev/null)" ctrrun-init \
	"exec sees the init as PID 1 (same pid namespace, fresh /proc)"

EPID=$(cr exec -d "$C" -- sleep 300 </dev/null)
ok $? "exec -d prints the process's pid"
is "$(ppid_of "$EPID")" "$SUP" "exec'd process is the supervisor's child (as a shim's exec)"
same=1
for ns in pid net mnt uts ipc cgroup; do
	[ "$(ns_of "$EPID" $ns)" = "$(ns_of "$INIT" $ns)" ] || same=0
done
ok $((1 - same)) "exec'd process shares all of the init's namespaces"
is "$(grep -vc ":/ctrrun/$C\$" "/proc/$EPID/cgroup")" 0 "exec'd process is in the container's cgroups"
cr exec "$C" -- sh -c 'exit 5' </dev/null
is $? 5 "exec relays the exit status"
cr exec "$C" -- /no/such/command </dev/null 2>/dev/null
is $? 127 "exec of a missing command exits 127"

list=$(cr list | awk -v id="$C" '$1 == id {print $4, $5}')
is "$list" "$INIT running" "list shows the init pid and running"
is "$(cr list --json | jq -r --arg id "$C" '.[] | select(.id == $id) | .init_pid')" "$INIT" \
	"list --json shows the init pid"

cr run -d "$C" -- true </dev/null 2>/dev/null
ok $((! $?)) "a duplicate id is refused"
cr run -d "bad/id" -- true </dev/null 2>/dev/null
ok $((! $?)) "an invalid id is refused"
del "$C" 2>/dev/null
ok $((! $?)) "delete without -f refuses a running container"
ok "$(kill -0 "$INIT" 2>/dev/null; echo $?)" "... and it keeps running"

cr kill "$C" </dev/null
wait_for 10 stopped "$C"
ok $? "kill (TERM, forwarded by the init) stops the container"
is "$(field "$C" exit_status)" 143 "exit status 128+SIGTERM recorded"
wait_for 10 gone "$SUP"
ok $? "the supervisor exits after the container"
gone "$EPID"
ok $? "the exec'd process died with the pid namespace"
del "$C"
ok $? "delete a stopped container"
bad=""
for m in $(cgroup_mounts); do [ -e "$m/ctrrun/$C" ] && bad+=" $m"; done
is "$bad" "" "delete removed its cgroups"
ok "$([ ! -e "$STATE/$C" ]; echo $?)" "delete removed the state directory"

# ---- exit status relay in the foreground ----
C=$P-fg
cr run "$C" -- sh -c 'exit 7' </dev/null
is $? 7 "run relays the exit status"
is "$(field "$C" status)/$(field "$C" exit_status)" stopped/7 "state records stopped with status 7"
del "$C"
C=$P-k9
cr run "$C" -- sleep 30 </dev/null &
fg=$!
wait_for 10 test -s "$STATE/$C/state.json"
cr kill "$C" KILL
wait $fg
is $? 137 "run relays death by SIGKILL as 137"
del "$C"
cr run --rm "$C" -- true </dev/null
ok $? "run --rm"
bad=""
for m in $(cgroup_mounts); do [ -e "$m/ctrrun/$C" ] && bad+=" $m"; done
ok "$([ ! -e "$STATE/$C" ] && [ -z "$bad" ]; echo $?)" "--rm removed state and cgroups"

# ---- PID 1 duties: orphans are reaped, or not without the init ----
workload='(sleep 2 &); exec sleep 300'
C=$P-reap
cr run -d "$C" -- sh -c "$workload" </dev/null
INIT=$(field "$C" init_pid)
adopted() { children_of "$INIT" | grep -q ' sleep$' && [ "$(children_of "$INIT" | wc -l)" -ge 2 ]; }
wait_for 5 adopted
ok $? "the orphan is reparented to the container's init"
clean() { [ "$(children_of "$INIT" | wc -l)" -eq 1 ] && ! children_of "$INIT" | grep -q ' Z '; }
wait_for 6 clean
ok $? "the init reaped it: no zombies, only the command left"
C=$P-noinit
cr run -d --no-init "$C" -- sh -c "$workload" </dev/null
INIT=$(field "$C" init_pid)
is_sleep() { [ "$(cat /proc/"$INIT"/comm 2>/dev/null)" = sleep ]; }
wait_for 5 is_sleep
ok $? "--no-init: the command is PID 1"
zombie() { children_of "$INIT" | grep -q ' Z '; }
wait_for 6 zombie
ok $? "--no-init: a non-reaping PID 1 leaves the orphan a zombie (control)"

# ---- rootfs ----
C=$P-root
cr run -d --rootfs "$ROOTFS" "$C" -- sleep 300 </dev/null
INIT=$(field "$C" init_pid)
is "$(cr exec "$C" -- ls / </dev/null | sort | tr '\n' ' ')" "$(ls "$ROOTFS" | sort | tr '\n' ' ')" \
	"ls / inside shows the rootfs"
is "$(stat -L -c %d:%i "/proc/$INIT/root/bin/busybox")" "$(stat -c %d:%i "$ROOTFS/bin/busybox")" \
	"the init's root is the rootfs"
cr exec "$C" -- sh -c 'echo x >/dev/null && test -r /proc/1/stat' </dev/null
ok $? "/dev/null and /proc work inside"

# ---- user and time namespaces ----
C=$P-user
cr run -d --userns --rootfs "$ROOTFS" "$C" -- sleep 300 </dev/null
ok $? "run --userns with a rootfs below a 0700 directory"
INIT=$(field "$C" init_pid)
[ -n "$(ns_of "$INIT" user)" ] && [ "$(ns_of "$INIT" user)" != "$(ns_of $$ user)" ]
ok $? "--userns: the init has its own user namespace"
map=$(awk 'NR == 1 {print $1, $2, $3}' "/proc/$INIT/uid_map")
ok "$([ "${map%% *}" = 0 ] && [ "$(echo "$map" | cut -d' ' -f2)" != 0 ]; echo $?)" \
	"--userns: uid_map is not the identity ($map)"
host_uid=$(echo "$map" | cut -d' ' -f2)
is "$(awk '/^Uid:/ {print $2}' "/proc/$INIT/status")" "$host_uid" "the init runs as mapped root on the host"
is "$(cr exec "$C" -- id -u </dev/null)" 0 "exec'd process is root inside"
EPID=$(cr exec -d "$C" -- sleep 300 </dev/null)
is "$(ns_of "$EPID" user):$(awk '/^Uid:/ {print $2}' "/proc/$EPID/status")" \
	"$(ns_of "$INIT" user):$host_uid" "exec joins the user namespace as mapped root"

if [ -e /proc/self/ns/time ]; then
	C=$P-time
	cr run -d --timens "$C" -- sleep 300 </dev/null
	ok $? "run --timens"
	INIT=$(field "$C" init_pid)
	[ -n "$(ns_of "$INIT" time)" ] && [ "$(ns_of "$INIT" time)" != "$(ns_of $$ time)" ]
	ok $? "--timens: the init has its own time namespace"
	EPID=$(cr exec -d "$C" -- sleep 300 </dev/null)
	is "$(ns_of "$EPID" time)" "$(ns_of "$INIT" time)" "exec joins the time namespace"
else
	skip "kernel without time namespaces"
	skip "kernel without time namespaces"
	skip "kernel without time namespaces"
fi

# ---- network: two containers on a bridge inside our own netns ----
ip netns add "$NETNS" && ip -n "$NETNS" link add br0 type bridge &&
	ip -n "$NETNS" link set br0 up
ok $? "test bridge in netns $NETNS"
A=$P-na B=$P-nb
cr run -d --rootfs "$ROOTFS" --bridge br0 --bridge-netns "$NETNS" \
	--ip "$SUBNET.2/24" --gw "$SUBNET.1" "$A" -- sleep 300 </dev/null
ok $? "run $A on the bridge"
cr run -d --userns --rootfs "$ROOTFS" --bridge br0 --bridge-netns "$NETNS" \
	--ip "$SUBNET.3/24" "$B" -- sleep 300 </dev/null
ok $? "run $B (with --userns) on the bridge"
VA=$(field "$A" veth) VB=$(field "$B" veth)
ip -n "$NETNS" -o link show dev "$VA" 2>/dev/null | grep -q "master br0" &&
	ip -n "$NETNS" -o link show dev "$VB" 2>/dev/null | grep -q "master br0"
ok $? "both host-side veths are ports of the bridge"
ia=$(nsenter --net="/proc/$(field "$A" init_pid)/ns/net" ip -o -4 addr show dev eth0 | awk '{print $4}')
is "$ia" "$SUBNET.2/24" "eth0 in $A has its address"
ra=$(nsenter --net="/proc/$(field "$A" init_pid)/ns/net" ip route show default | awk '{print $3}')
is "$ra" "$SUBNET.1" "default route in $A via --gw"
cr exec "$A" -- ping -c 1 -W 3 "$SUBNET.3" </dev/null >/dev/null
ok $? "$A pings $B across the bridge"
cr exec "$B" -- ping -c 1 -W 3 "$SUBNET.2" </dev/null >/dev/null
ok $? "$B pings $A across the bridge"
AINIT=$(field "$A" init_pid) ASUP=$(field "$A" supervisor_pid)
del -f "$A"
ok $? "delete -f a running container"
ok "$(gone "$AINIT" && gone "$ASUP"; echo $?)" "its init and supervisor are gone"
ip -n "$NETNS" link show dev "$VA" >/dev/null 2>&1
ok $((! $?)) "its veth is gone"
bad=""
for m in $(cgroup_mounts); do [ -e "$m/ctrrun/$A" ] && bad+=" $m"; done
is "$bad" "" "its cgroups are gone"
ok "$([ ! -e "$STATE/$A" ]; echo $?)" "its state directory is gone"

# A bridge in the host netns (no address on it) works the same way.
C=$P-hb
ip link add "$HBR" type bridge && ip link set "$HBR" up
cr run -d --bridge "$HBR" --ip "$HSUBNET.2/24" "$C" -- sleep 300 </dev/null
ok $? "run with a bridge in the host netns"
VC=$(field "$C" veth)
ip -o link show dev "$VC" 2>/dev/null | grep -q "master $HBR"
ok $? "host-side veth is a port of $HBR"
del -f "$C"
ip link show dev "$VC" >/dev/null 2>&1
ok $((! $?)) "delete removed the host-side veth"

# ---- nothing left behind ----
cleanup_all
left=$(ls "$STATE")
is "$left" "" "all containers deleted"
bad=""
for m in $(cgroup_mounts); do
	for d in "$m"/ctrrun/"$P"-*; do [ -e "$d" ] && bad+=" $d"; done
done
is "$bad" "" "no cgroups left"
is "$(our_procs)" "" "no ctrrun processes left"
ip netns list | grep -qw "$NETNS"
ok $((! $?)) "test netns removed"
if grep -q -E 'Sanitizer|runtime error' "$ALL_LOGS" 2>/dev/null; then
	ok 1 "supervisor logs are clean"
	sed 's/^/#   /' "$ALL_LOGS" | head -40
else
	ok 0 "supervisor logs are clean"
fi

done_testing
