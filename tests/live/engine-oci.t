# runc and crun run by hand: no engine, no shim.  `runc run -d` leaves the
# container's init with parent PID 1; only the runtime's state directory
# (/run/runc/ID/state.json, /run/crun/ID/status) names it.  Each container
# ctrtree reports is checked against the runtime's own answer (`runc state`,
# `crun state`) and against /proc and stat(2), read here independently:
#
#  - runc, default root: run -d; exec -d (a process whose parent is PID 1
#    outside the container, and an orphan reparented to the container's
#    init); create (runc init blocked in runc:[2:INIT]); an init killed and
#    left a zombie, then reaped (state kept: stopped, state-pid-dead); a
#    state file whose init PID is another process now (state-pid-reused);
#    paused (freezer).
#  - runc, a private --root: what ctrtree sees with and without a runc
#    process that names the root in its argv.
#  - crun, default root: run -d, exec -d, create, a killed init.
#
# Cleanup runs also when the test fails or is killed: the containers (runc
# and crun delete -f), the processes this script started (by PID, by their
# cgroup /ctrtest-oci-PID-*, or by their argv naming our directory), the
# state directories of our ids, our cgroups in every hierarchy, and the v1
# hugetlb hierarchy if this script mounted it.  The last checks prove that
# nothing is left.
. "$TOP/tests/lib/tap.sh"
. "$TOP/tests/lib/rootfs.sh"
need_root
CHECK="python3 $TOP/tests/lib/check.py"

missing=
for c in runc jq python3 mountpoint; do
	command -v "$c" >/dev/null 2>&1 || missing="$missing $c"
done
if [ -n "$missing" ]; then
	echo "1..0 # SKIP missing:$missing"
	exit 0
fi

tmp=$(mktemp -d /tmp/ctoci.XXXXXX)
id=ctoci$$		# container ids $id-a, $id-b, ...
cgp=ctrtest-oci-$$	# cgroups /$cgp-a, ...
R=$tmp/runc-root	# the private runc root
victim= hugetlb_mounted= hugetlb_mkdir= we_mounted=
on_exit "rm -rf '$tmp'"

make_busybox_rootfs "$tmp/rootfs" >/dev/null || { echo "1..0 # SKIP no static busybox"; exit 0; }

# ---- helpers

# Each takes a PID; an empty one must not read /proc//stat (= /proc/stat).
ispid() { case $1 in '' | *[!0-9]* | 0) return 1 ;; esac; }
ino() { ispid "$1" && stat -L -c %i "/proc/$1/ns/$2" 2>/dev/null; }
statf() { ispid "$1" && awk -v f="$2" '{ sub(/.*\) /, ""); print $(f - 2) }' "/proc/$1/stat" 2>/dev/null; }
ppid_of() { statf "$1" 4; }
pstate() { statf "$1" 3; }
starttime() { statf "$1" 22; }
cg2() { ispid "$1" && sed -n 's/^0:://p' "/proc/$1/cgroup" 2>/dev/null; }
# kill(1) with 0 or an empty PID would hit our process group: never.
kill_pid() { # SIGNAL PID
	ispid "$2" && [ "$2" != 1 ] && [ "$2" != "$$" ] && kill "-$1" "$2" 2>/dev/null
}
# The processes in the pid namespace of $1, by stat(2) of every /proc entry,
# as a JSON array in ascending order.
members() {
	local want
	want=$(ino "$1" pid)
	[ -n "$want" ] || { echo '[]'; return; }
	stat -L -c '%i %n' /proc/[0-9]*/ns/pid 2>/dev/null |
		awk -v w="$want" '$1 == w { split($2, f, "/"); print f[3] }' | sort -n | jq -sc .
}
# The 8 namespaces of $1 as stat(2) shows them, as ctrtree's JSON object.
ns_json() {
	local t args=()
	for t in cgroup ipc mnt net pid time user uts; do
		args+=(--argjson "$t" "$(ino "$1" "$t" || echo null)")
	done
	jq -cnS "${args[@]}" '{$cgroup, $ipc, $mnt, $net, $pid, $time, $user, $uts}'
}
# Wait up to 10 s for a condition.
wait_for() {
	local i
	for i in $(seq 100); do
		eval "$1" && return 0
		sleep 0.1
	done
	return 1
}

# A bundle per container, all on the one rootfs.
bundle() { # NAME: $tmp/b-NAME with args sleep 1000, cgroup /$cgp-NAME
	local b=$tmp/b-$1
	mkdir -p "$b"
	(cd "$b" && rm -f config.json && runc spec) || return
	jq --arg root "$tmp/rootfs" --arg cg "/$cgp-$1" '
		.process.args = ["sleep", "1000"] | .process.terminal = false |
		.root = {path: $root, readonly: false} | .linux.cgroupsPath = $cg' \
		"$b/config.json" >"$b/config.new" && mv "$b/config.new" "$b/config.json"
}

J=
snap() { # FILE: ctrtree --json into FILE, which later checks read
	J=$1
	"$CTRTREE" --json >"$J" 2>"$J.err"
}
cont() { jq -c --arg id "$1" ".containers[] | select(.id == \$id) | $2" "$J"; }
proc() { jq -c --argjson p "$1" ".processes[] | select(.pid == \$p) | $2" "$J"; }
anoms() { jq -c --arg id "$1" '[.anomalies[] | select(.container == $id) | [.kind, .pid]]' "$J"; }

# Our processes: those in our cgroups, and those whose argv names $tmp (the
# runc processes with --root, the subreapers); no other process can, as
# mktemp made it.
our_pids() {
	local f p
	for f in $( (grep -l -- ":/$cgp-" /proc/[0-9]*/cgroup; grep -lzF -- "$tmp/" /proc/[0-9]*/cmdline) 2>/dev/null); do
		p=${f#/proc/}
		p=${p%%/*}
		# (The grep that matched its own argument has exited by now.)
		[ "$p" != "$$" ] && [ -e "/proc/$p" ] && [ "$(pstate "$p")" != Z ] && echo "$p"
	done | sort -un
}
our_cgroups() {
	local h
	for h in /sys/fs/cgroup /sys/fs/cgroup/*; do
		[ -d "$h" ] && find "$h" -maxdepth 1 -type d -name "$cgp-*" 2>/dev/null
	done
}
our_state() { ls -d /run/runc/"$id"-* /run/crun/"$id"-* "$R"/"$id"-* 2>/dev/null; }

ids="a b p f r z ca cb cz"
cleanup_oci() {
	local i p d
	# The crafted state of $id-r names a process that is not a container's.
	rm -rf "/run/runc/$id-r"
	for i in $ids; do
		runc delete -f "$id-$i" >/dev/null 2>&1
		runc --root "$R" delete -f "$id-$i" >/dev/null 2>&1
		command -v crun >/dev/null && crun delete -f "$id-$i" >/dev/null 2>&1
	done
	kill_pid KILL "$victim"
	for p in $(our_pids); do
		kill_pid KILL "$p"
	done
	wait_for '[ -z "$(our_pids)" ]'
	for i in $ids; do
		rm -rf "/run/runc/$id-$i" "/run/crun/$id-$i"
	done
	for d in $(our_cgroups); do
		find "$d" -depth -type d -exec rmdir {} + 2>/dev/null
	done
	if [ -n "$hugetlb_mounted" ] &&
		[ -z "$(find /sys/fs/cgroup/hugetlb -mindepth 1 -maxdepth 1 -type d 2>/dev/null)" ]; then
		umount /sys/fs/cgroup/hugetlb && hugetlb_mounted=
		[ -n "$hugetlb_mkdir" ] && rmdir /sys/fs/cgroup/hugetlb 2>/dev/null
	fi
	return 0
}
on_exit cleanup_oci

# A subreaper that runs a command, then keeps the orphans it inherits as
# zombies until SIGUSR1 makes it reap them (writes FILE.reaped).
cat >"$tmp/subreaper.py" <<'EOF'
import ctypes, os, signal, subprocess, sys, time
if ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0) != 0:  # PR_SET_CHILD_SUBREAPER
    sys.exit("prctl failed")
def reap(*_):
    try:
        while os.waitpid(-1, os.WNOHANG)[0] > 0:
            pass
    except ChildProcessError:
        pass
    open(sys.argv[1] + ".reaped", "w").close()
signal.signal(signal.SIGUSR1, reap)
with open(sys.argv[1] + ".err", "w") as err:
    rc = subprocess.run(sys.argv[3:], cwd=sys.argv[2], stdin=subprocess.DEVNULL,
                        stdout=subprocess.DEVNULL, stderr=err).returncode
with open(sys.argv[1], "w") as f:
    f.write(str(rc))
while True:
    time.sleep(1000)
EOF

# The checks of a running container, against `RUNTIME state` and /proc.
#   check_running LABEL ID ENGINE SOURCE STATE-JSON
check_running() {
	local label=$1 cid=$2 engine=$3 source=$4 state=$5 init mem got exp p bad
	init=$(jq -r .pid <<<"$state")
	is "$(jq -r .status <<<"$state")" running "$label: $engine state says running (pid $init)"
	is "$(jq -c '[.containers[] | select(.id == $id)] | length' --arg id "$cid" "$J")" 1 \
		"$label: one container $cid"
	is "$(cont "$cid" '[.name, .engine, .runtime, .status, .init_pid, .shim_pid]')" \
		"$(jq -cn --arg id "$cid" --arg e "$engine" --argjson p "$init" '[$id, $e, $e, "running", $p, null]')" \
		"$label: name = id, engine and runtime $engine, running, init_pid = state's pid, no shim"
	is "$(ppid_of "$init")" 1 "$label: (fact) the init's parent is PID 1"
	is "$(proc "$init" '[.role, .container, .logical_parent]')" \
		"$(jq -cn --arg id "$cid" '["container", $id, 1]')" \
		"$label: the init has role container, belongs to $cid, logical parent PID 1"
	mem=$(members "$init")
	is "$(cont "$cid" '.pids')" "$mem" "$label: pids = the processes of its pid namespace (stat(2))"
	is "$(jq -c --arg id "$cid" '[.processes[] | select(.container == $id and (.thread | not)) | .pid] | sort' "$J")" \
		"$mem" "$label: exactly those processes name it as their container"
	is "$(cont "$cid" '.namespaces' | jq -cS .)" "$(ns_json "$init")" \
		"$label: namespaces are the init's, as stat(2) shows"
	is "$(cont "$cid" '.cgroup' | jq -r .)" "$(cg2 "$init")" \
		"$label: cgroup is the init's (/proc/PID/cgroup 0::)"
	is "$(cont "$cid" "(.sources | index(\"$source\") != null)")" true "$label: sources include $source"
	is "$(anoms "$cid")" "[]" "$label: no anomaly"
	bad=0
	for p in $(jq -r '.[]' <<<"$mem"); do
		$CHECK proc-matches "$J" "$p" || bad=1
	done
	ok $bad "$label: each member's pid, ppid, start, comm, argv, nspid, namespaces and cgroups match /proc"
	# ctrtree ID: the container's processes, and above them only PID 1.
	"$CTRTREE" -r -n -o PID "$cid" >"$tmp/chain" 2>"$tmp/chain.err"
	sed 's/^/# stderr: /' "$tmp/chain.err"
	got=$(grep -v '^$' "$tmp/chain" | sort -n | jq -sc .)
	exp=$(jq -c '. + [1] | sort' <<<"$mem")
	is "$got" "$exp" "$label: ctrtree $cid shows PID 1 and exactly the container's processes"
	"$CTRTREE" -w 200 "$cid" >"$tmp/chain" 2>&1
	grep -qF "container $cid ($engine, ${cid:0:12})" "$tmp/chain"
	ok $? "$label: ctrtree $cid has the row 'container $cid ($engine, ${cid:0:12})'"
	sed 's/^/# /' "$tmp/chain"
}

# ==== runc, default root /run/runc

for n in a b r z; do
	bundle "$n" || break
done
ok $? "bundles with runc spec"

# -- $id-a: run -d, then two exec -d.
runc run -d --bundle "$tmp/b-a" "$id-a" </dev/null >/dev/null 2>"$tmp/err"
ok $? "runc run -d $id-a ($(head -c 200 "$tmp/err"))"
runc exec -d --pid-file "$tmp/e1.pid" "$id-a" sleep 1001 </dev/null >/dev/null 2>"$tmp/err"
ok $? "runc exec -d $id-a sleep 1001 ($(head -c 200 "$tmp/err"))"
runc exec -d "$id-a" sh -c 'sleep 1002 </dev/null >/dev/null 2>&1 &' </dev/null >/dev/null 2>"$tmp/err"
ok $? "runc exec -d $id-a sh -c 'sleep 1002 &' ($(head -c 200 "$tmp/err"))"
sa=$(runc state "$id-a")
ia=$(jq -r .pid <<<"$sa")
e1=$(cat "$tmp/e1.pid" 2>/dev/null)
# The orphan: the one process whose parent is the container's init.
orphan_of() { local p; for p in $(jq -r '.[]' <<<"$(members "$1")"); do [ "$(ppid_of "$p")" = "$1" ] && echo "$p"; done; }
wait_for '[ -n "$(orphan_of "$ia")" ]'
e2=$(orphan_of "$ia")
# The exec'd shell is a zombie until PID 1 reaps it: wait, so that the
# members do not change between ctrtree's look and ours.
zombies_in() { local p; for p in $(jq -r '.[]' <<<"$(members "$1")"); do [ "$(pstate "$p")" = Z ] && echo "$p"; done; }
wait_for '[ -z "$(zombies_in "$ia")" ]' || diag "zombies left in $id-a: $(zombies_in "$ia")"

# -- $id-b: created, not started.
runc create --bundle "$tmp/b-b" "$id-b" </dev/null >/dev/null 2>"$tmp/err"
ok $? "runc create $id-b ($(head -c 200 "$tmp/err"))"

# -- $id-r: a state file whose init PID belongs to another process now.  A
# real state.json (runc's own), kept while the container is deleted, then
# put back with the PID of a host process of ours started earlier.
sleep 1000 </dev/null >/dev/null 2>&1 &
victim=$!
disown "$victim"
sleep 0.3 # another clock tick: another start time
runc run -d --bundle "$tmp/b-r" "$id-r" </dev/null >/dev/null 2>"$tmp/err" &&
	cp "/run/runc/$id-r/state.json" "$tmp/r-state.json" &&
	runc delete -f "$id-r" &&
	mkdir -m 0711 "/run/runc/$id-r" &&
	jq -c --argjson p "$victim" '.init_process_pid = $p' "$tmp/r-state.json" >"/run/runc/$id-r/state.json"
ok $? "a state.json for $id-r that names pid $victim ($(head -c 200 "$tmp/err"))"
rstart=$(jq -r .init_process_start "$tmp/r-state.json")
ok $([ -n "$rstart" ] && [ "$rstart" != "$(starttime "$victim")" ]; echo $?) \
	"(fact) its init_process_start $rstart is not pid $victim's start time $(starttime "$victim")"

# -- $id-z: its init's parent is a subreaper of ours that does not reap.
python3 "$tmp/subreaper.py" "$tmp/z" "$tmp/b-z" runc run -d --bundle "$tmp/b-z" "$id-z" &
zreaper=$!
disown "$zreaper"
wait_for '[ -s "$tmp/z" ]'
is "$(cat "$tmp/z" 2>/dev/null)" 0 "runc run -d $id-z under a subreaper ($(head -c 200 "$tmp/z.err" 2>/dev/null))"
sz=$(runc state "$id-z" 2>/dev/null)
iz=$(jq -r .pid <<<"$sz")

snap "$tmp/1.json"
ok $? "ctrtree --json ($(head -c 200 "$J.err"))"

# -- checks: $id-a
check_running "runc run -d" "$id-a" runc runc-state "$sa"
is "$(ppid_of "${e1:-0}")" 1 "(fact) runc exec -d: the exec'd process $e1 has parent PID 1, outside the container"
is "$(proc "${e1:-0}" '[.role, .container, .logical_parent]')" \
	"$(jq -cn --arg id "$id-a" --argjson i "$ia" '["container", $id, $i]')" \
	"runc exec -d: the exec'd process belongs to $id-a and hangs under its init"
is "$(proc "${e1:-0}" '.evidence | length > 0 and (. != ["ppid"])')" true \
	"runc exec -d: its link to the init has evidence ($(proc "${e1:-0}" .evidence))"
is "$(ppid_of "${e2:-0}")" "$ia" "(fact) the orphan $e2 of an exec'd shell was reparented to the container's init"
is "$(proc "${e2:-0}" '[.role, .container, .logical_parent]')" \
	"$(jq -cn --arg id "$id-a" --argjson i "$ia" '["container", $id, $i]')" \
	"the orphan belongs to $id-a, under the init"
"$CTRTREE" --no-api --json >"$tmp/noapi.json" 2>/dev/null
is "$(jq -c --arg id "$id-a" '.containers[] | select(.id == $id) | [.name, .status, .init_pid, .pids]' "$tmp/noapi.json")" \
	"$(cont "$id-a" '[.name, .status, .init_pid, .pids]')" "--no-api: the same for $id-a (no engine involved)"

# -- checks: $id-b, created
sb=$(runc state "$id-b")
ib=$(jq -r .pid <<<"$sb")
is "$(jq -r .status <<<"$sb")" created "runc create: runc state says created (pid $ib)"
is "$(cat "/proc/$ib/comm" 2>/dev/null)" "runc:[2:INIT]" "(fact) runc create: pid $ib is runc:[2:INIT]"
is "$(cont "$id-b" '[.name, .engine, .status, .init_pid, .shim_pid]')" \
	"$(jq -cn --arg id "$id-b" --argjson p "$ib" '[$id, "runc", "created", $p, null]')" \
	"runc create: $id-b is created, its init the runc:[2:INIT]"
is "$(proc "$ib" '[.role, .container]')" "$(jq -cn --arg id "$id-b" '["runtime-init", $id]')" \
	"runc create: runc:[2:INIT] has role runtime-init and belongs to $id-b"
is "$(cont "$id-b" '.pids')" "$(members "$ib")" "runc create: pids = its pid namespace"
is "$(cont "$id-b" '.namespaces' | jq -cS .)" "$(ns_json "$ib")" "runc create: namespaces are runc init's"
is "$(anoms "$id-b")" "[]" "runc create: no anomaly"
"$CTRTREE" -r -n -o PID "$id-b" 2>&1 | grep -qx "$ib"
ok $? "runc create: ctrtree $id-b shows runc init $ib"

# -- checks: $id-r, a reused pid
is "$(runc state "$id-r" 2>/dev/null | jq -r .status)" stopped "(fact) runc state $id-r: stopped (start time differs)"
is "$(cont "$id-r" '[.name, .status, .init_pid, .pids]')" \
	"$(jq -cn --arg id "$id-r" '[$id, "stopped", null, []]')" \
	"state pid reused: $id-r is stopped, without init or members"
is "$(anoms "$id-r")" "$(jq -cn --argjson p "$victim" '[["state-pid-reused", $p]]')" \
	"state pid reused: one anomaly state-pid-reused for pid $victim"
is "$(proc "$victim" '[.role, .container]')" '[null,null]' "state pid reused: pid $victim is in no container"

# -- checks: $id-z, running, then its init a zombie, then reaped
is "$(jq -r .status <<<"$sz")" running "(fact) runc state $id-z: running (pid $iz)"
is "$(cont "$id-z" '[.name, .status, .init_pid, .pids]')" \
	"$(jq -cn --arg id "$id-z" --argjson p "${iz:-0}" --argjson m "$(members "${iz:-0}")" '[$id, "running", $p, $m]')" \
	"runc run -d under a subreaper: $id-z running, its init, its members"
kill_pid KILL "$iz"
wait_for '[ "$(pstate "$iz")" = Z ]'
is "$(pstate "$iz")" Z "(fact) $id-z: its init $iz killed, a zombie its subreaper keeps"
is "$(runc state "$id-z" 2>/dev/null | jq -r .status)" stopped "(fact) runc state $id-z: stopped"
snap "$tmp/2.json"
is "$(cont "$id-z" '.status')" '"stopped"' "init a zombie: $id-z is stopped, as runc state says"
kill_pid USR1 "$zreaper"
wait_for '[ ! -e "/proc/$iz" ]'
ok $([ ! -e "/proc/$iz" ]; echo $?) "(fact) $id-z: its init $iz reaped; the state directory stays"
snap "$tmp/3.json"
is "$(cont "$id-z" '[.name, .status, .init_pid, .pids]')" \
	"$(jq -cn --arg id "$id-z" '[$id, "stopped", null, []]')" \
	"init gone: $id-z is stopped, without init or members"
is "$(anoms "$id-z")" "$(jq -cn --argjson p "$iz" '[["state-pid-dead", $p]]')" \
	"init gone: one anomaly state-pid-dead for pid $iz"

# -- paused: the freezer holds it; runc state says paused.
if runc pause "$id-a" 2>"$tmp/err"; then
	snap "$tmp/4.json"
	got=$(cont "$id-a" '.status' | jq -r .)
	exp=$(runc state "$id-a" | jq -r .status)
	is "$exp" paused "(fact) runc state $id-a: paused"
	is "$got" "$exp" "runc pause: $id-a is $exp, as runc state says (ctrtree reads the freezer)"
	runc resume "$id-a"
else
	skip "runc pause failed: $(head -c 200 "$tmp/err")"
fi

# ==== runc, a private --root

mkdir -p "$R"
bundle p && bundle f
# Its own hostname: once runc exits, the UTS hostname is all that names it.
jq --arg h "$id-p-host" '.hostname = $h' "$tmp/b-p/config.json" >"$tmp/b-p/config.new" &&
	mv "$tmp/b-p/config.new" "$tmp/b-p/config.json"
runc --root "$R" run -d --bundle "$tmp/b-p" "$id-p" </dev/null >/dev/null 2>"$tmp/err"
ok $? "runc --root $R run -d $id-p ($(head -c 200 "$tmp/err"))"
sp=$(runc --root "$R" state "$id-p")
ip=$(jq -r .pid <<<"$sp")
snap "$tmp/5.json"
# Nothing on the host names a private root once runc has exited: the init
# is a process in new namespaces, a container nobody named.  Expected: the
# hostname as nsenter reads it, the members of its pid namespace by stat.
host_p=$(nsenter -t "$ip" -u hostname)
is "$host_p" "$id-p-host" "(fact) nsenter -u: $id-p's hostname is $id-p-host"
pidns_p=$(stat -L -c %i "/proc/$ip/ns/pid")
members_p=$(for d in /proc/[0-9]*; do
	[ "$(stat -L -c %i "$d/ns/pid" 2>/dev/null)" = "$pidns_p" ] && [ "$(awk '/^Tgid/{print $2}' "$d/status" 2>/dev/null)" = "${d#/proc/}" ] && echo "${d#/proc/}"
done | sort -n | jq -sc .)
is "$(cont "$host_p" '[.id, .name, .engine, .sources, .init_pid, .shim_pid, .pids]')" \
	"$(jq -cn --arg h "$host_p" --argjson p "$ip" --argjson m "$members_p" '[$h, $h, "unknown", ["uts-hostname"], $p, null, $m]')" \
	"private root, no runc process: $id-p is the unnamed container $host_p (its UTS hostname), init $ip, members $members_p"
is "$(proc "$ip" '[.role, .container]')" "$(jq -cn --arg h "$host_p" '["container", $h]')" \
	"private root, no runc process: the init $ip belongs to $host_p"
"$CTRTREE" "$host_p" >"$tmp/p.txt" 2>&1
ok $? "ctrtree $host_p finds the unnamed container"
grep -q "^ *$ip " "$tmp/p.txt"
ok $? "ctrtree $host_p shows its init $ip"
"$CTRTREE" --save "$tmp/p.snap" && "$CTRTREE" --load "$tmp/p.snap" --json >"$tmp/p-load.json"
is "$(jq -c --arg h "$host_p" '.containers[] | select(.id == $h) | [.name, .init_pid]' "$tmp/p-load.json")" \
	"$(jq -cn --arg h "$host_p" --argjson p "$ip" '[$h, $p]')" "a saved snapshot keeps the hostname: --load finds $host_p again"

# A runc exec in the foreground names the root while it runs.
runc --root "$R" exec "$id-p" sleep 1003 </dev/null >/dev/null 2>&1 &
rexec=$!
wait_for '[ "$(cat "/proc/$(pgrep -P "$rexec")/comm" 2>/dev/null)" = sleep ]'
e3=$(pgrep -P "$rexec")
snap "$tmp/6.json"
check_running "private root while runc exec runs" "$id-p" runc runc-state "$sp"
is "$(proc "$rexec" '[.role, .container]')" '["runtime",null]' \
	"private root: the runc exec process $rexec is a runtime, in no container"
is "$(proc "${e3:-0}" '[.container, .role]')" "$(jq -cn --arg id "$id-p" '[$id, "container"]')" \
	"private root: the process runc exec runs ($e3) belongs to $id-p"
is "$(cont "$host_p" '.id')" "" "private root while runc exec runs: named by runc's state, not again by its hostname"
kill_pid KILL "$e3"
wait_for '! kill -0 "$rexec" 2>/dev/null' && wait "$rexec" 2>/dev/null

# runc run in the foreground: runc is the init's parent for as long as it runs.
runc --root "$R" run --bundle "$tmp/b-f" "$id-f" </dev/null >/dev/null 2>"$tmp/err-f" &
rrun=$!
wait_for 'runc --root "$R" state "$id-f" 2>/dev/null | grep -q "\"running\""'
sf=$(runc --root "$R" state "$id-f" 2>/dev/null)
if_=$(jq -r .pid <<<"$sf")
snap "$tmp/7.json"
is "$(ppid_of "${if_:-0}")" "$rrun" "(fact) runc run (foreground): the init $if_ is runc's child"
is "$(cont "$id-f" '[.name, .engine, .status, .init_pid, .shim_pid, .pids]')" \
	"$(jq -cn --arg id "$id-f" --argjson p "${if_:-0}" --argjson m "$(members "${if_:-0}")" \
		'[$id, "runc", "running", $p, null, $m]')" \
	"runc run (foreground), private root: $id-f, running, its init, its members"
is "$(proc "$rrun" '[.role, .container]')" '["runtime",null]' \
	"runc run (foreground): runc $rrun is a runtime, in no container"
"$CTRTREE" -r -n -o PID "$id-f" >"$tmp/chain" 2>&1
grep -qx "$rrun" "$tmp/chain" && grep -qx "${if_:-0}" "$tmp/chain"
ok $? "runc run (foreground): ctrtree $id-f shows runc $rrun above the init $if_"
runc --root "$R" kill "$id-f" KILL 2>/dev/null
wait_for '! kill -0 "$rrun" 2>/dev/null' && wait "$rrun" 2>/dev/null

# ==== crun, default root /run/crun

if ! command -v crun >/dev/null 2>&1; then
	skip "crun is not installed"
else
	# crun refuses the hybrid layout while hugetlb is a cgroup2 controller:
	# give hugetlb a v1 hierarchy, as systemd's hybrid hosts have it.
	if grep -qw hugetlb /sys/fs/cgroup/unified/cgroup.controllers 2>/dev/null &&
		! mountpoint -q /sys/fs/cgroup/hugetlb; then
		[ -d /sys/fs/cgroup/hugetlb ] || { mkdir /sys/fs/cgroup/hugetlb && hugetlb_mkdir=1; }
		mount -t cgroup -o hugetlb cgroup /sys/fs/cgroup/hugetlb && hugetlb_mounted=1 we_mounted=1
		diag "mounted a v1 hugetlb hierarchy on /sys/fs/cgroup/hugetlb for crun"
	fi
	bundle ca && bundle cb && bundle cz
	if ! crun run -d --bundle "$tmp/b-ca" "$id-ca" </dev/null >/dev/null 2>"$tmp/err"; then
		skip "crun run -d fails here: $(head -c 300 "$tmp/err")"
	else
		ok 0 "crun run -d $id-ca"
		crun exec -d "$id-ca" sleep 1001 </dev/null >/dev/null 2>"$tmp/err"
		ok $? "crun exec -d $id-ca sleep 1001 ($(head -c 200 "$tmp/err"))"
		crun create --bundle "$tmp/b-cb" "$id-cb" </dev/null >/dev/null 2>"$tmp/err"
		ok $? "crun create $id-cb ($(head -c 200 "$tmp/err"))"
		python3 "$tmp/subreaper.py" "$tmp/cz" "$tmp/b-cz" crun run -d --bundle "$tmp/b-cz" "$id-cz" &
		czreaper=$!
		disown "$czreaper"
		wait_for '[ -s "$tmp/cz" ]'
		is "$(cat "$tmp/cz" 2>/dev/null)" 0 "crun run -d $id-cz under a subreaper ($(head -c 200 "$tmp/cz.err" 2>/dev/null))"
		sca=$(crun state "$id-ca")
		ica=$(jq -r .pid <<<"$sca")
		wait_for '[ "$(jq length <<<"$(members "$ica")")" -ge 2 ]'
		snap "$tmp/c1.json"
		check_running "crun run -d" "$id-ca" crun crun-state "$sca"
		ec=$(jq -r --argjson i "$ica" '.[] | select(. != $i)' <<<"$(members "$ica")" | head -n 1)
		is "$(proc "${ec:-0}" '[.role, .container, .logical_parent]')" \
			"$(jq -cn --arg id "$id-ca" --argjson i "$ica" '["container", $id, $i]')" \
			"crun exec -d: the exec'd process $ec belongs to $id-ca and hangs under its init"

		scb=$(crun state "$id-cb")
		icb=$(jq -r .pid <<<"$scb")
		is "$(jq -r .status <<<"$scb")" created "crun create: crun state says created (pid $icb)"
		is "$(cont "$id-cb" '[.name, .engine, .status, .init_pid, .shim_pid]')" \
			"$(jq -cn --arg id "$id-cb" --argjson p "$icb" '[$id, "crun", "created", $p, null]')" \
			"crun create: $id-cb is created, its init the waiting crun process"
		is "$(proc "$icb" '.container')" "\"$id-cb\"" "crun create: the waiting process $icb belongs to $id-cb"
		diag "crun create: the waiting process: comm $(cat "/proc/$icb/comm"), argv $(tr '\0' ' ' <"/proc/$icb/cmdline"), role $(proc "$icb" .role)"

		scz=$(crun state "$id-cz")
		icz=$(jq -r .pid <<<"$scz")
		kill_pid KILL "$icz"
		wait_for '[ "$(pstate "$icz")" = Z ]'
		snap "$tmp/c2.json"
		is "$(crun state "$id-cz" 2>/dev/null | jq -r .status)" stopped "(fact) crun state $id-cz: stopped, its init $icz a zombie"
		is "$(cont "$id-cz" '.status')" '"stopped"' "crun, init a zombie: $id-cz is stopped, as crun state says"
		kill_pid USR1 "$czreaper"
		wait_for '[ ! -e "/proc/$icz" ]'
		snap "$tmp/c3.json"
		is "$(cont "$id-cz" '[.name, .engine, .status, .init_pid, .pids]')" \
			"$(jq -cn --arg id "$id-cz" '[$id, "crun", "stopped", null, []]')" \
			"crun, init gone: $id-cz is stopped, without init or members"
		is "$(anoms "$id-cz")" "$(jq -cn --argjson p "$icz" '[["state-pid-dead", $p]]')" \
			"crun, init gone: one anomaly state-pid-dead for pid $icz"
	fi
fi

# ==== leave nothing behind
cleanup_oci
left=$(our_pids)
is "$(echo $left | wc -w)" 0 "no process of ours left"
for p in $left; do
	diag "left: $p $(tr '\0' ' ' <"/proc/$p/cmdline") $(grep -E '^(State|PPid)' "/proc/$p/status" | tr '\n\t' '  ')"
done
is "$(our_cgroups | wc -l)" 0 "no cgroup /$cgp-* left in any hierarchy"
is "$(our_state | wc -l)" 0 "no state directory of ours left"
if [ -n "$we_mounted" ]; then
	if [ -n "$hugetlb_mounted" ] && [ -n "$(find /sys/fs/cgroup/hugetlb -mindepth 1 -maxdepth 1 -type d)" ]; then
		skip "the hugetlb hierarchy we mounted stays: others' cgroups are in it now"
	else
		ok $(! mountpoint -q /sys/fs/cgroup/hugetlb; echo $?) "the hugetlb hierarchy we mounted is unmounted"
	fi
fi
done_testing
