# ctrtree on real containers of the bundled runtime: every fact, namespace
# and cgroup it reports is checked against what the kernel says through
# stat(2) and /proc, read here independently; the runtime's own state is
# used only to find the containers' pids.
. "$TOP/tests/lib/tap.sh"
. "$TOP/tests/lib/rootfs.sh"
need_root
CHECK="python3 $TOP/tests/lib/check.py"

tmp=$(mktemp -d)
state=$tmp/state
on_exit rm -rf "$tmp"
run() { "$CTRRUN" --state-dir "$state" "$@"; }
id=ct$$

make_busybox_rootfs "$tmp/rootfs" >/dev/null || { echo "1..0 # SKIP no static busybox"; exit 0; }
on_exit "run delete -f $id-a; run delete -f $id-b; run delete -f $id-c"
run run -d "$id-a" -- sh -c 'sleep 1000 & sleep 1000'
ok $? "start container a (built-in init)"
run run -d --rootfs "$tmp/rootfs" --userns "$id-b" -- sh -c 'sleep 1000 & exec sleep 1001'
ok $? "start container b (busybox rootfs, user namespace)"
run run -d --no-init --timens "$id-c" -- sleep 1002 2>/dev/null ||
	run run -d --no-init "$id-c" -- sleep 1002
ok $? "start container c (no init)"
sleep 0.5

ino() { stat -L -c %i "/proc/$1/ns/$2" 2>/dev/null; }
ppid_of() { awk '{ sub(/.*\) /, ""); print $2 }' "/proc/$1/stat"; }
# Processes in the pid namespace of $1, found by stat(2) of every /proc entry.
members() {
	local want p
	want=$(ino "$1" pid)
	for p in /proc/[0-9]*; do
		[ "$(stat -L -c %i "$p/ns/pid" 2>/dev/null)" = "$want" ] && echo "${p#/proc/}"
	done | sort -n
}
json_pids() { jq -r '.processes[].pid' "$1" | sort -n; }

"$CTRTREE" --json >"$tmp/all.json"
ok $? "ctrtree --json with three containers running"

for c in a b c; do
	init=$(run inspect "$id-$c" | jq -r .init_pid)
	sup=$(run inspect "$id-$c" | jq -r .supervisor_pid)
	mem=$(members "$init")
	diag "container $c: supervisor $sup, init $init, members $(echo $mem)"
	[ -n "$mem" ]
	ok $? "container $c: has processes"
	bad=0
	for p in $sup $mem; do
		$CHECK proc-matches "$tmp/all.json" "$p" || bad=1
	done
	ok $bad "container $c: pid, ppid, start, comm, argv, uid, nspid, 8 namespaces and every cgroup line match /proc"

	# What the init left: the types where stat(2) differs from its parent's.
	parent=$(ppid_of "$init")
	want=""
	for t in cgroup ipc mnt net pid time user uts; do
		[ "$(ino "$init" $t)" != "$(ino "$parent" $t)" ] && want="$want${want:+,}$t"
	done
	got=$(jq -r ".processes[] | select(.pid == $init) | .ns_changed | join(\",\")" "$tmp/all.json")
	is "$got" "$want" "container $c: ns_changed of the init is what stat(2) shows"

	# The text tree: the same marks, and the supervisor's subtree.
	row=$("$CTRTREE" -p "$sup" -r -n -o PID,NS | awk -v p="$init" '$1 == p { print $2 }')
	is "$row" "$want" "container $c: NS column of the init"
	sub=$("$CTRTREE" -p "$sup" -r -n -o PID | sort -n)
	is "$(echo $sub)" "$(echo $(echo "$sup"; echo "$mem") | tr ' ' '\n' | sort -n | tr '\n' ' ' | sed 's/ $//')" \
		"container $c: -p shows the supervisor and exactly the container's processes"

	net=$(ino "$init" net)
	"$CTRTREE" --json --ns "net:$net" >"$tmp/ns.json"
	is "$(json_pids "$tmp/ns.json" | tr '\n' ' ')" "$(echo "$mem" | tr '\n' ' ')" \
		"container $c: --ns net:$net selects exactly the processes stat(2) puts there"
	"$CTRTREE" --json --ns "$net" >"$tmp/ns2.json"
	is "$(json_pids "$tmp/ns2.json" | tr '\n' ' ')" "$(json_pids "$tmp/ns.json" | tr '\n' ' ')" \
		"container $c: --ns INODE without a type selects the same"

	v2=/sys/fs/cgroup/unified/ctrrun/$id-$c
	[ -d "$v2" ] || v2=/sys/fs/cgroup/ctrrun/$id-$c
	"$CTRTREE" --json --cgroup "/ctrrun/$id-$c" >"$tmp/cg.json"
	is "$(json_pids "$tmp/cg.json" | tr '\n' ' ')" "$(sort -n "$v2/cgroup.procs" | tr '\n' ' ')" \
		"container $c: --cgroup selects exactly the cgroup's cgroup.procs"

	n=$("$CTRTREE" -N -r -n | awk -v i="$net" '$1 == i && $2 == "net" { print $3 }')
	is "$n" "$(echo "$mem" | wc -l)" "container $c: -N counts the net namespace's members"
	nspid=$(grep '^NSpid:' "/proc/$init/status" | cut -f2- | tr '\t' ',')
	is "$("$CTRTREE" -p "$init" -r -n -o PID,NSPID | awk -v p="$init" '$1 == p { print $2 }')" "$nspid" \
		"container $c: NSPID column of the init"
done

# Threads on request: a process with three extra threads shows them, each
# with its own TID, as children of the process.
python3 -c 'import threading, time
for _ in range(3): threading.Thread(target=time.sleep, args=(1000,), daemon=True).start()
time.sleep(1000)' &
py=$!
on_exit "kill $py"
sleep 0.5
"$CTRTREE" --json -T -p "$py" >"$tmp/t.json"
ok $? "ctrtree --json -T"
want=$(ls "/proc/$py/task" | grep -vx "$py" | sort -n | tr '\n' ' ')
is "$(jq -r ".processes[] | select(.thread == true and .ppid == $py) | .pid" "$tmp/t.json" | sort -n | tr '\n' ' ')" \
	"$want" "-T lists exactly the threads /proc/PID/task holds, under their process"
is "$(jq "[.processes[] | select(.thread == true)] | length" <("$CTRTREE" --json -p "$py"))" 0 \
	"no threads without -T"
done_testing
