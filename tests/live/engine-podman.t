# ctrtree on rootful podman: a container under runc and one under crun,
# one with --init (catatonit as /run/podman-init), a pod (its infra
# "catatonit -P" and a member) and a "podman exec -d" session.  Podman has
# no daemon: each container's conmon daemonizes (parent PID 1) and is the
# container init's parent.  The expected values come from podman inspect,
# podman pod inspect, /proc and stat(2), never from ctrtree.
#
# Isolation: this podman has its own root, runroot, tmpdir, network config
# directory, volume path, events log and file locks (no shm lock), from a
# private containers.conf and storage.conf, with the cgroupfs manager and
# no network (--network none); it never reads or writes the machine's
# podman state.  containers/image always writes root's blob info cache
# /var/lib/containers/cache: the two commands that copy images (import,
# and the pod create that builds the pause image) run in a mount namespace
# of their own with a tmpfs there.  Not "podman system reset": newer
# podmans also delete that machine-wide cache.
#
# crun refuses a hybrid cgroup layout while hugetlb is still a cgroup2
# controller; then this test mounts hugetlb as a v1 hierarchy, as systemd
# hybrid hosts have it, and unmounts it at the end if it is still empty.
#
# Cleanup runs also when the test fails or is killed: containers and pods,
# conmons and container processes left, mounts under the temporary
# directory, runtime state and cgroups of our ids.  The last checks prove
# nothing is left behind.
. "$TOP/tests/lib/tap.sh"
. "$TOP/tests/lib/rootfs.sh"
need_root

missing=
for c in podman conmon runc crun catatonit jq unshare mountpoint; do
	command -v "$c" >/dev/null 2>&1 || missing="$missing $c"
done
if [ -n "$missing" ]; then
	echo "1..0 # SKIP missing$missing"
	exit 0
fi

tmp=$(mktemp -d /tmp/ctpm.XXXXXX)
# Never into a mount left behind: rm stays on tmp's file system.
on_exit "rm -rf --one-file-system '$tmp'"
n=ctpm$$ # name prefix: unique on this host
cgv1=/sys/fs/cgroup
CG_PARENTS=$(for h in "$cgv1"/*/; do [ -d "${h}libpod_parent" ] && echo "$h"; done)

ms() { echo $(($(date +%s%N) / 1000000)); }
ppid_of() { awk '{ sub(/.*\) /, ""); print $2 }' "/proc/$1/stat"; }
ino() { stat -L -c %i "/proc/$1/ns/$2" 2>/dev/null; }
# The processes in the pid namespace of $1, by stat(2) of every /proc entry.
pidns_members() {
	local want p
	want=$(ino "$1" pid)
	for p in /proc/[0-9]*; do
		[ "$(stat -L -c %i "$p/ns/pid" 2>/dev/null)" = "$want" ] && echo "${p#/proc/}"
	done | sort -n
}
# Our own processes are those whose argv names our directory (conmons,
# "podman container cleanup"); no other process can, as mktemp made it.
our_pids() {
	local d
	for d in /proc/[0-9]*; do
		grep -qzF -- "$tmp/" "$d/cmdline" 2>/dev/null && echo "${d#/proc/}"
	done
}
our_mounts() {
	awk -v t="$tmp/" 'index($2, t) == 1 { print $2 }' /proc/mounts
}
# The 64-digit ids of our containers and pods, as podman printed them.
our_ids() { grep -xE '[0-9a-f]{64}' "$tmp/ids" 2>/dev/null | sort -u; }
our_cgroups() {
	local id
	for id in $(our_ids); do
		find "$cgv1"/*/libpod_parent -maxdepth 2 -type d \
			\( -name "$id" -o -name "libpod-$id" \) 2>/dev/null
	done
}
our_runtime_state() {
	local id
	for id in $(our_ids); do
		ls -d "/run/runc/$id" "/run/crun/$id" 2>/dev/null
	done
}

mkdir -p "$tmp/root" "$tmp/runroot" "$tmp/tmpdir" "$tmp/net"
: >"$tmp/ids"
: >"$tmp/registries.conf"
# Podman gives containers nofile and nproc 1048576 by default, which fails
# without CAP_SYS_RESOURCE (some VMs): the containers get our own limits,
# nproc at most 32768, to which podman 4.3 lowers its own.
lim() { # ulimit OPTION, at most $2
	local v
	v=$(ulimit "$1")
	[ "$v" = unlimited ] && v=${2:--1}
	[ -n "${2-}" ] && [ "$v" -gt "$2" ] && v=$2
	echo "$v"
}
ulimits="\"nofile=$(lim -Sn):$(lim -Hn)\", \"nproc=$(lim -Su 32768):$(lim -Hu 32768)\""
# [engine] last: a runtime line may be appended to it below.
cat >"$tmp/containers.conf" <<EOF
[containers]
default_ulimits = [$ulimits]

[network]
network_config_dir = "$tmp/net"

[engine]
cgroup_manager = "cgroupfs"
events_logger = "file"
events_logfile_path = "$tmp/events.log"
tmp_dir = "$tmp/tmpdir"
lock_type = "file"
num_locks = 64
static_dir = "$tmp/root/libpod"
volume_path = "$tmp/root/volumes"
EOF
cat >"$tmp/storage.conf" <<EOF
[storage]
driver = "overlay"
graphroot = "$tmp/root"
runroot = "$tmp/runroot"
EOF
export CONTAINERS_CONF=$tmp/containers.conf CONTAINERS_STORAGE_CONF=$tmp/storage.conf
export CONTAINERS_REGISTRIES_CONF=$tmp/registries.conf
P() { timeout 120 podman --root "$tmp/root" --runroot "$tmp/runroot" --tmpdir "$tmp/tmpdir" "$@"; }
# P, for the commands that copy images: see the top.
P_private_cache() {
	timeout 120 unshare -m --propagation private sh -ec '
		d=/var/lib/containers/cache
		while [ -n "$d" ] && [ ! -d "$d" ]; do d=${d%/*}; done
		[ -n "$d" ]
		mount -t tmpfs -o mode=0700 ctrtest-cache "$d"
		exec "$@"' sh podman --root "$tmp/root" --runroot "$tmp/runroot" --tmpdir "$tmp/tmpdir" "$@"
}

# The machine's podman state, to prove below that we left it alone.
stamp=$tmp/stamp
touch "$stamp"
sleep 0.01
host_state_touched() {
	find /var/lib/containers /var/lib/containers/cache /var/lib/containers/storage \
		/run/containers /run/containers/storage /run/libpod /dev/shm/libpod_lock \
		/etc/cni/net.d /etc/containers -maxdepth 1 -newer "$stamp" 2>/dev/null
}

# ---- hugetlb for crun.
hugetlb_mounted= hugetlb_made_dir=
if [ -f "$cgv1/unified/cgroup.controllers" ] && grep -qw hugetlb "$cgv1/unified/cgroup.controllers" &&
	! mountpoint -q "$cgv1/hugetlb"; then
	[ -d "$cgv1/hugetlb" ] || { mkdir "$cgv1/hugetlb" && hugetlb_made_dir=1; }
	if mount -t cgroup -o hugetlb cgroup "$cgv1/hugetlb" 2>"$tmp/err"; then
		hugetlb_mounted=1
		diag "mounted a v1 hugetlb hierarchy on $cgv1/hugetlb for crun"
	else
		diag "could not mount hugetlb as v1: $(cat "$tmp/err")"
		[ -n "$hugetlb_made_dir" ] && rmdir "$cgv1/hugetlb"
		hugetlb_made_dir=
	fi
fi
hugetlb_left=
cleanup_hugetlb() {
	[ -n "$hugetlb_mounted" ] || return 0
	# Only when empty: other containers may have been started in it meanwhile.
	if [ -n "$(find "$cgv1/hugetlb" -mindepth 1 -type d 2>/dev/null | head -n 1)" ]; then
		hugetlb_left="in use: $(find "$cgv1/hugetlb" -mindepth 1 -maxdepth 1 -type d | tr '\n' ' ')"
		return 0
	fi
	if umount "$cgv1/hugetlb" 2>"$tmp/err"; then
		[ -n "$hugetlb_made_dir" ] && rmdir "$cgv1/hugetlb"
		hugetlb_mounted=
	else
		hugetlb_left="umount: $(cat "$tmp/err" 2>/dev/null)"
	fi
	return 0
}
on_exit cleanup_hugetlb

cleanup_podman() {
	local p id d h
	P pod rm -af -t 0 >/dev/null 2>&1
	P rm -af -t 0 >/dev/null 2>&1
	P rmi -af >/dev/null 2>&1
	# After a failure: conmons, "podman container cleanup" and then the
	# containers' processes, known by their cgroup.
	for p in $(our_pids); do
		kill -KILL "$p" 2>/dev/null
	done
	for id in $(our_ids); do
		for p in $(grep -lF "libpod-$id" /proc/[0-9]*/cgroup 2>/dev/null); do
			p=${p#/proc/}
			kill -KILL "${p%/cgroup}" 2>/dev/null
		done
	done
	sleep 0.2
	for id in $(our_ids); do
		for d in "/run/runc/$id" "/run/crun/$id"; do
			[ -d "$d" ] && rm -rf "$d"
		done
	done
	# Overlays and shm mounts: deepest first.
	for d in $(our_mounts | sort -r); do
		umount "$d" 2>/dev/null || umount -l "$d" 2>/dev/null
	done
	# Cgroups: our containers', our pods' (with what podman put inside),
	# then the shared parents if they did not exist before us, when empty.
	for d in $(our_cgroups); do
		find "$d" -depth -type d -exec rmdir {} \; 2>/dev/null
	done
	for h in "$cgv1"/*/; do
		[ -d "${h}libpod_parent" ] || continue
		case "
$CG_PARENTS
" in *"
$h
"*) continue ;; esac
		rmdir "${h}libpod_parent/conmon" "${h}libpod_parent" 2>/dev/null
	done
	return 0
}
on_exit cleanup_podman

# ---- a private podman and its image.
P info --format '{{.Host.CgroupManager}} {{.Store.GraphRoot}} {{.Host.EventLogger}}' >"$tmp/info" 2>"$tmp/err"
is "$(cat "$tmp/info")" "cgroupfs $tmp/root file" \
	"private podman: cgroupfs, our root, file events ($(head -c 300 "$tmp/err"))"
if ! make_busybox_rootfs "$tmp/rootfs"; then
	skip "no static busybox"
	done_testing
	exit
fi
tar -C "$tmp/rootfs" -c . | P_private_cache import - ctrtest-bb >/dev/null 2>"$tmp/err"
ok $? "busybox image imported ($(tail -n 1 "$tmp/err"))"

# ---- the containers.
run_ctr() { # NAME ARGS...: podman run -d, its id kept for cleanup
	local name=$1
	shift
	P run -d --name "$name" "$@" >>"$tmp/ids" 2>"$tmp/err"
	local rc=$?
	[ $rc -ne 0 ] && P inspect -f '{{.Id}}' "$name" >>"$tmp/ids" 2>/dev/null
	return $rc
}
t0=$(ms)
run_ctr "$n-runc" --runtime runc --network none ctrtest-bb sh -c 'sleep 7301 & sleep 7302'
ok $? "$n-runc: --runtime runc ($(head -c 300 "$tmp/err"))"
names="$n-runc"
if run_ctr "$n-crun" --runtime crun --network none ctrtest-bb sleep 7303; then
	ok 0 "$n-crun: --runtime crun"
	names="$names $n-crun"
else
	skip "$n-crun: crun does not start containers here: $(head -c 300 "$tmp/err")"
	# The other containers and the pod's infra take podman's default runtime.
	echo 'runtime = "runc"' >>"$tmp/containers.conf"
fi
run_ctr "$n-init" --init --network none ctrtest-bb sh -c 'sleep 7304 & sleep 7305'
ok $? "$n-init: --init ($(head -c 300 "$tmp/err"))"
P_private_cache pod create --name "$n-pod" --network none >>"$tmp/ids" 2>"$tmp/err"
ok $? "pod $n-pod created ($(head -c 300 "$tmp/err"))"
run_ctr "$n-member" --pod "$n-pod" ctrtest-bb sleep 7306
ok $? "$n-member: in pod $n-pod ($(head -c 300 "$tmp/err"))"
infra=$(P pod inspect -f '{{.InfraContainerID}}' "$n-pod" 2>/dev/null)
echo "$infra" >>"$tmp/ids"
infra_name=$(P inspect -f '{{.Name}}' "$infra" 2>/dev/null)
names="$names $n-init $infra_name $n-member"
P exec -d "$n-runc" sleep 7307 >/dev/null 2>"$tmp/err"
ok $? "an exec session in $n-runc ($(head -c 300 "$tmp/err"))"
diag "containers started in $(($(ms) - t0)) ms"
sleep 0.5

# ---- ctrtree --json against podman inspect and /proc.
"$CTRTREE" --json >"$tmp/ct.json" 2>"$tmp/ct.err"
ok $? "ctrtree --json ($(head -c 200 "$tmp/ct.err"))"
ct() { jq -c "$@" "$tmp/ct.json"; }
proc() { # PID FIELDS: one process's fields as ctrtree has them
	ct --argjson p "${1:-0}" ".processes[] | select(.pid == \$p) | $2"
}

for name in $names; do
	P inspect "$name" >"$tmp/insp.json" 2>/dev/null
	id=$(jq -r '.[0].Id' "$tmp/insp.json")
	pid=$(jq -r '.[0].State.Pid' "$tmp/insp.json")
	conmon=$(jq -r '.[0].State.ConmonPid' "$tmp/insp.json")
	if [ -z "$id" ] || [ "$id" = null ] || ! [ "${pid:-0}" -gt 0 ] 2>/dev/null; then
		ok 1 "$name: podman inspect gives its id and pid"
		continue
	fi
	# The fact the chain rests on: conmon is the init's parent.
	is "$(ppid_of "$pid")" "$conmon" "$name: /proc: the parent of its init $pid is its conmon"

	got=$(ct --arg id "$id" '.containers[] | select(.id == $id) |
		[.id, .name, .engine, .init_pid, .shim_pid, .status, .cgroup, .bundle, (.runtime // "" | sub(".*/"; ""))]')
	exp=$(jq -c '.[0] | [.Id, .Name, "podman", .State.Pid, .State.ConmonPid, .State.Status,
		.State.CgroupPath, .StaticDir, .OCIRuntime]' "$tmp/insp.json")
	is "$got" "$exp" "$name: id, name, engine, init pid, conmon pid, status, cgroup, bundle, runtime"

	want=$(for t in cgroup ipc mnt net pid time user uts; do printf '"%s":%s,' $t "$(ino "$pid" $t)"; done)
	is "$(ct --arg id "$id" '.containers[] | select(.id == $id) | .namespaces')" "{${want%,}}" \
		"$name: its namespaces are its init's, as stat(2) shows"
	mem=$(pidns_members "$pid" | tr '\n' ' ')
	is "$(ct --arg id "$id" '.containers[] | select(.id == $id) | .pids | map(tostring) | join(" ")')" \
		"\"${mem% }\"" "$name: its pids are the processes in its pid namespace ($mem)"
	bad=
	for p in $mem; do
		[ "$(proc "$p" '.container')" = "\"$id\"" ] || bad="$bad $p"
	done
	is "$bad" "" "$name: each of those processes belongs to it"
	is "$(proc "$conmon" '[.role, .container]')" '["shim",null]' \
		"$name: its conmon $conmon is a shim, in no container"
	is "$(proc "$pid" '.logical_parent')" "$conmon" "$name: its init hangs under its conmon"
done

# --init: catatonit, bind-mounted as /run/podman-init, is the container's PID 1.
P inspect "$n-init" >"$tmp/insp.json"
pid=$(jq -r '.[0].State.Pid' "$tmp/insp.json")
is "$(jq -r '.[0].Path' "$tmp/insp.json") $(tr '\0' ' ' <"/proc/$pid/cmdline" | cut -d' ' -f1) $(cat "/proc/$pid/comm")" \
	"/run/podman-init /run/podman-init podman-init" "$n-init: podman and /proc say its PID 1 is podman-init"
is "$(proc "$pid" '[.role, .container]')" "$(jq -c '.[0] | ["init", .Id]' "$tmp/insp.json")" \
	"$n-init: ctrtree: its PID 1 $pid has the role init, in the container"
child=$(pgrep -P "$pid" | head -n 1)
is "$(proc "$child" '[.role, .logical_parent]')" "[\"container\",$pid]" \
	"$n-init: the command ($child) runs under podman-init"

# The pod: infra "catatonit -P" and a member that shares its ipc, net, uts.
P pod inspect "$n-pod" >"$tmp/pod.json"
pod=$(jq -r '.Id' "$tmp/pod.json")
ipid=$(P inspect -f '{{.State.Pid}}' "$infra")
mpid=$(P inspect -f '{{.State.Pid}}' "$n-member")
is "$(tr '\0' ' ' <"/proc/$ipid/cmdline")" "/catatonit -P " "pod: /proc: its infra runs catatonit -P"
is "$(proc "$ipid" '[.role, .container]')" "[\"pause\",\"$infra\"]" \
	"pod: ctrtree: the infra's catatonit -P has the role pause, in the infra container"
same=
for t in ipc net uts pid mnt; do
	[ "$(ino "$ipid" $t)" = "$(ino "$mpid" $t)" ] && same="$same $t"
done
is "$same" " ipc net uts" "pod: stat(2): infra and member share ipc, net and uts only"
is "$(ct --arg id "$infra" '.containers[] | select(.id == $id) | .pod.id')" "\"$pod\"" \
	"pod: the infra's pod is podman's pod id ($pod)"
is "$(ct --arg id "$(P inspect -f '{{.Id}}' "$n-member")" '.containers[] | select(.id == $id) | .pod.id')" \
	"\"$pod\"" "pod: the member's pod is podman's pod id, the same"
is "$(ct --arg p "$pod" '[.containers[] | select(.pod.id == $p) | .id] | sort')" \
	"$(jq -c '[.Containers[].Id] | sort' "$tmp/pod.json")" \
	"pod: the containers of pod $pod are the ones podman pod inspect lists"
alone=$(for c in $names; do case $c in "$n-member" | "$infra_name") ;; *) P inspect -f '{{.Id}}' "$c" ;; esac; done |
	jq -R . | jq -sc .)
is "$(ct --argjson ids "$alone" '[.containers[] | select(.id as $c | $ids | index($c)) | .pod] | unique')" "[null]" \
	"pod: the containers outside it have no pod"

# The exec session: its own conmon (-u EXEC-ID), whose child is the process.
P inspect "$n-runc" >"$tmp/insp.json"
rid=$(jq -r '.[0].Id' "$tmp/insp.json")
rconmon=$(jq -r '.[0].State.ConmonPid' "$tmp/insp.json")
exec_id=$(jq -r '.[0].ExecIDs[0] // empty' "$tmp/insp.json")
econmon=
for p in $(our_pids); do
	[ "$(cat "/proc/$p/comm" 2>/dev/null)" = conmon ] &&
		tr '\0' '\n' <"/proc/$p/cmdline" | grep -qx -- "$exec_id" &&
		[ "$p" != "$rconmon" ] && econmon=$p
done
eproc=$(pgrep -P "${econmon:-0}" | head -n 1)
ok $([ -n "$exec_id" ] && [ -n "$econmon" ] && [ -n "$eproc" ]; echo $?) \
	"exec: session ${exec_id:0:12}: conmon $econmon, process $eproc (from podman inspect and /proc)"
is "$(proc "$econmon" '[.role, .container, .logical_parent]')" "[\"shim\",null,$rconmon]" \
	"exec: its conmon is a shim under the container's conmon"
is "$(proc "$eproc" '[.role, .container, .logical_parent]')" "[\"container\",\"$rid\",$rconmon]" \
	"exec: its process belongs to $n-runc and hangs under the container's conmon"

ours=$(our_ids | jq -R . | jq -sc .)
is "$(ct --argjson ids "$ours" '[.anomalies[] | select(.container as $c | $ids | index($c))]')" "[]" \
	"no anomalies about our containers"
is "$(ct --arg t "$tmp/" '[.containers[] | select(.engine == "podman" and (.bundle // "" | startswith($t))) | .id] | sort')" \
	"$(for c in $names; do P inspect -f '{{.Id}}' "$c"; done | sort | jq -R . | jq -sc .)" \
	"the podman containers with a bundle in our root are exactly ours"

# ---- ctrtree NAME: one container's chain, as a tree: the way up from its
# conmon (PID 1: podman has no daemon), the conmon, the conmons of its exec
# sessions (they name it: -c ID) and its processes.
ancestors() { # PID: its ancestors by /proc
	local p
	p=$(ppid_of "$1")
	while [ "${p:-0}" -gt 0 ]; do
		echo "$p"
		p=$(ppid_of "$p")
	done
}
rpid=$(P inspect -f '{{.State.Pid}}' "$n-runc")
"$CTRTREE" -r -n -o PID "$n-runc" >"$tmp/chain.txt" 2>&1
ok $? "ctrtree $n-runc"
want=$(printf '%s\n' $(ancestors "$rconmon") "$rconmon" "$econmon" $(pidns_members "$rpid") | sort -n | tr '\n' ' ')
is "$(grep -E '^[0-9]+$' "$tmp/chain.txt" | sort -n | tr '\n' ' ')" "$want" \
	"ctrtree $n-runc: PID 1, its conmon, the exec session's conmon and its processes"
"$CTRTREE" -r -n -o PID "${rid:0:12}" >"$tmp/chain2.txt" 2>&1
is "$(cat "$tmp/chain2.txt")" "$(cat "$tmp/chain.txt")" "ctrtree ${rid:0:12} (an id prefix): the same"
mconmon=$(P inspect -f '{{.State.ConmonPid}}' "$n-member")
"$CTRTREE" -r -n -o PID "$n-member" >"$tmp/chain3.txt" 2>&1
is "$(grep -E '^[0-9]+$' "$tmp/chain3.txt" | sort -n | tr '\n' ' ')" \
	"$(printf '%s\n' $(ancestors "$mconmon") "$mconmon" "$mpid" | sort -n | tr '\n' ' ')" \
	"ctrtree $n-member: PID 1, its conmon and its process"
"$CTRTREE" -w 200 -o PID,ROLE,NS,COMMAND "$n-runc" >"$tmp/tree.txt" 2>&1
sed 's/^/# /' "$tmp/tree.txt"
# The container's row sits between conmon and the init, and names it.
row=$(grep -n "container $n-runc (.*podman, ${rid:0:12})" "$tmp/tree.txt" | cut -d: -f1)
crow=$(awk -v p="$rconmon" '$1 == p { print NR }' "$tmp/tree.txt")
irow=$(awk -v p="$rpid" '$1 == p { print NR }' "$tmp/tree.txt")
ok $([ -n "$row" ] && [ -n "$crow" ] && [ -n "$irow" ] && [ "$crow" -lt "$row" ] && [ "$row" -lt "$irow" ]; echo $?) \
	"text tree: conmon (line $crow), then the row 'container $n-runc (... podman, ${rid:0:12})' (line $row), then its init (line $irow)"

# ---- after podman rm: ctrtree knows none of them.
P pod rm -f -t 0 "$n-pod" >/dev/null 2>&1
P rm -af -t 0 >/dev/null 2>&1
ok $? "podman rm -af, pod rm"
# The conmons outlive their containers a moment (they run the exit command).
for i in $(seq 200); do
	[ -z "$(our_pids)" ] && break
	sleep 0.1
done
is "$(our_pids | tr '\n' ' ')" "" "removed: the conmons are gone (after $(((i - 1) / 10)).$(((i - 1) % 10)) s)"
"$CTRTREE" --json >"$tmp/ct2.json" 2>/dev/null
is "$(jq -c --argjson ids "$ours" '[.containers[] | select(.id as $c | $ids | index($c)) | .id]' "$tmp/ct2.json")" "[]" \
	"removed: ctrtree lists none of our containers any more"

# ---- leave nothing behind.
cleanup_podman
is "$(our_pids | tr '\n' ' ')" "" "no process of ours left (conmons, podman cleanup, containers)"
is "$(our_mounts | tr '\n' ' ')" "" "no mount left under $tmp"
is "$(our_cgroups | tr '\n' ' ')" "" "no cgroup of our containers or pod left"
is "$(our_runtime_state | tr '\n' ' ')" "" "no runc or crun state of ours left"
is "$(host_state_touched | tr '\n' ' ')" "" "the machine's podman state was not touched"
if [ -n "$hugetlb_mounted" ]; then
	cleanup_hugetlb
	if [ -n "$hugetlb_left" ]; then
		skip "the v1 hugetlb hierarchy this test mounted stays, $hugetlb_left"
	else
		mountpoint -q "$cgv1/hugetlb"
		ok $([ $? -ne 0 ]; echo $?) "the v1 hugetlb hierarchy this test mounted is gone"
	fi
fi
done_testing
