# LXC: a container in a private lxcpath, started with lxc-start -d.  The
# monitor daemonizes (parent PID 1) and rewrites its argv to
# "[lxc monitor] LXCPATH NAME"; the container's init is its child, in new
# namespaces (cgroup included) and the cgroup /lxc.payload.NAME.  What
# ctrtree reports is checked against lxc-info and against /proc and stat(2),
# read here independently:
#
#  - the monitor is an engine process (not listed as an engine: it is the
#    container's supervisor), the container's shim_pid;
#  - the container: name, engine, init (lxc-info -p), namespaces, cgroup,
#    members, including processes lxc-attach started (one whose parent is
#    lxc-attach, one reparented to the container's init);
#  - ctrtree NAME: the chain, monitor down;
#  - the same NAME in a second lxcpath (with a space in it): two containers,
#    not one (LXC gives the second the cgroups lxc.payload.NAME-1 and
#    lxc.monitor.NAME-1);
#  - a container whose cgroup lxc.payload.NAME was left behind (by a crash):
#    LXC runs it in lxc.payload.NAME-1; still one container NAME.
#
# Cleanup runs also when the test fails or is killed: lxc-stop -k, the
# processes this script started (by their cgroups, or by their argv naming
# our directory), the cgroups lxc.payload.NAME* and lxc.monitor.NAME* in every
# hierarchy, lxc.pivot if LXC created it for us, the lock directory.  The
# last checks prove that nothing is left.
. "$TOP/tests/lib/tap.sh"
. "$TOP/tests/lib/rootfs.sh"
need_root
CHECK="python3 $TOP/tests/lib/check.py"

missing=
for c in lxc-start lxc-stop lxc-info lxc-attach jq python3; do
	command -v "$c" >/dev/null 2>&1 || missing="$missing $c"
done
if [ -n "$missing" ]; then
	echo "1..0 # SKIP missing:$missing"
	exit 0
fi

tmp=$(mktemp -d /tmp/ctlxc.XXXXXX)
on_exit "rm -rf '$tmp'"
name=ctlx$$		# at most 11 characters: the container row shows 12
name2=${name}b		# the one with a leftover cgroup
P1=$tmp/p1		# two lxcpaths; the second has a space in it
P2="$tmp/p 2"

# ---- helpers

ispid() { case $1 in '' | *[!0-9]* | 0) return 1 ;; esac; }
ino() { ispid "$1" && stat -L -c %i "/proc/$1/ns/$2" 2>/dev/null; }
statf() { ispid "$1" && awk -v f="$2" '{ sub(/.*\) /, ""); print $(f - 2) }' "/proc/$1/stat" 2>/dev/null; }
ppid_of() { statf "$1" 4; }
pstate() { statf "$1" 3; }
cg2() { ispid "$1" && sed -n 's/^0:://p' "/proc/$1/cgroup" 2>/dev/null; }
kill_pid() { # SIGNAL PID: never 0 (our process group), 1 or ourselves
	ispid "$2" && [ "$2" != 1 ] && [ "$2" != "$$" ] && kill "-$1" "$2" 2>/dev/null
}
members() { # the processes in the pid namespace of $1 (stat(2)), a JSON array
	local want
	want=$(ino "$1" pid)
	[ -n "$want" ] || { echo '[]'; return; }
	stat -L -c '%i %n' /proc/[0-9]*/ns/pid 2>/dev/null |
		awk -v w="$want" '$1 == w { split($2, f, "/"); print f[3] }' | sort -n | jq -sc .
}
ns_json() { # the 8 namespaces of $1 (stat(2)), as ctrtree's JSON object
	local t args=()
	for t in cgroup ipc mnt net pid time user uts; do
		args+=(--argjson "$t" "$(ino "$1" "$t" || echo null)")
	done
	jq -cnS "${args[@]}" '{$cgroup, $ipc, $mnt, $net, $pid, $time, $user, $uts}'
}
ns_changed() { # the types where $1's namespace differs from its parent's
	local t out= parent
	parent=$(ppid_of "$1")
	for t in cgroup ipc mnt net pid time user uts; do
		[ "$(ino "$1" $t)" != "$(ino "$parent" $t)" ] && out="$out${out:+,}$t"
	done
	echo "$out"
}
wait_for() { # CONDITION: up to 10 s
	local i
	for i in $(seq 100); do
		eval "$1" && return 0
		sleep 0.1
	done
	return 1
}

J=
snap() { J=$1; "$CTRTREE" --json >"$J" 2>"$J.err"; }
proc() { jq -c --argjson p "${1:-0}" ".processes[] | select(.pid == \$p) | $2" "$J"; }
by_init() { jq -c --argjson p "${1:-0}" ".containers[] | select(.init_pid == \$p) | $2" "$J"; }

# Ours: processes in our cgroups or whose argv names $tmp (the monitors,
# lxc-attach); no other process can, as mktemp made the directory.
our_pids() {
	local f p
	for f in $( (grep -lE -- ":/lxc\.(payload|monitor)\.${name}b?(-[0-9]+)?(/|\$)" /proc/[0-9]*/cgroup
		grep -lzF -- "$tmp/" /proc/[0-9]*/cmdline) 2>/dev/null); do
		p=${f#/proc/}
		p=${p%%/*}
		# (The grep that matched its own argument has exited by now.)
		[ "$p" != "$$" ] && [ -e "/proc/$p" ] && [ "$(pstate "$p")" != Z ] && echo "$p"
	done | sort -un
}
hierarchies() {
	local h
	for h in /sys/fs/cgroup /sys/fs/cgroup/*; do
		[ -d "$h" ] && mountpoint -q "$h" && echo "$h"
	done
}
our_cgroups() {
	local h n
	for h in $(hierarchies); do
		for n in "$name" "$name2"; do
			find "$h" -maxdepth 1 -type d \( -name "lxc.payload.$n" -o -name "lxc.payload.$n-[0-9]*" \
				-o -name "lxc.monitor.$n" -o -name "lxc.monitor.$n-[0-9]*" \) 2>/dev/null
		done
	done
}
# LXC moves its monitor into lxc.pivot to clean up, and leaves it: remove it
# (when empty) only where it did not exist before.
pivots_before=$(for h in $(hierarchies); do [ -d "$h/lxc.pivot" ] && echo "$h"; done)
# LXC's lock directory for an lxcpath is /run/lxc/lock/LXCPATH.
lockparent=/run/lxc/lock${tmp%/*}
[ -d "$lockparent" ] && lockparent=

cleanup_lxc() {
	local p d h
	for p in "$P1/$name" "$P2/$name" "$P1/$name2"; do
		[ -f "$p/config" ] && timeout 20 lxc-stop -P "${p%/*}" -n "${p##*/}" -k >/dev/null 2>&1
	done
	for p in $(our_pids); do
		kill_pid KILL "$p"
	done
	wait_for '[ -z "$(our_pids)" ]'
	for d in $(our_cgroups); do
		find "$d" -depth -type d -exec rmdir {} + 2>/dev/null
	done
	for h in $(hierarchies); do
		grep -qxF "$h" <<<"$pivots_before" || rmdir "$h/lxc.pivot" 2>/dev/null
	done
	rm -rf "/run/lxc/lock$tmp"
	[ -n "$lockparent" ] && rmdir "$lockparent" 2>/dev/null
	return 0
}
on_exit cleanup_lxc

# An environment value of the containers: a snapshot must never hold it.
secret=lxcsecret-$$-$RANDOM$RANDOM
mkct() { # LXCPATH [NAME]: the container NAME ($name) there, running sleep 1000
	local n=${2:-$name}
	local dir=$1/$n
	mkdir -p "$dir" && make_busybox_rootfs "$dir/rootfs" >/dev/null || return
	cat >"$dir/config" <<EOF
lxc.uts.name = $n
lxc.rootfs.path = dir:$dir/rootfs
lxc.net.0.type = empty
lxc.init.cmd = /bin/sleep 1000
lxc.mount.auto = proc:mixed sys:ro
lxc.apparmor.profile = unconfined
lxc.environment = LXC_SECRET=$secret
EOF
}

# ==== one container

if ! mkct "$P1"; then
	echo "1..0 # SKIP no static busybox"
	exit 0
fi
lxc-start -P "$P1" -n "$name" -d -l DEBUG -o "$tmp/start1.log" </dev/null >/dev/null 2>"$tmp/err"
ok $? "lxc-start -P $P1 -n $name -d ($(head -c 200 "$tmp/err"))"
wait_for '[ "$(lxc-info -P "$P1" -n "$name" -sH 2>/dev/null)" = RUNNING ]'
is "$(lxc-info -P "$P1" -n "$name" -sH 2>/dev/null)" RUNNING "lxc-info: RUNNING"
init=$(lxc-info -P "$P1" -n "$name" -pH 2>/dev/null)
mon=$(ppid_of "$init")
if ! ispid "$init"; then
	grep -E 'ERROR|WARN' "$tmp/start1.log" | tail -n 20 | sed 's/^/# /'
	skip "the container did not start"
	done_testing
	exit
fi
is "$(tr '\0' '|' <"/proc/$mon/cmdline" | sed 's/|*$//')" "[lxc monitor] $P1 $name" \
	"(fact) the init $init's parent $mon is the monitor, argv '[lxc monitor] $P1 $name'"
is "$(ppid_of "$mon")" 1 "(fact) the monitor's parent is PID 1"
is "$(cg2 "$init")" "/lxc.payload.$name" "(fact) the init's cgroup is /lxc.payload.$name"

# Two processes through lxc-attach: one stays lxc-attach's child, one is
# orphaned and reparented to the container's init.
lxc-attach -P "$P1" -n "$name" -- /bin/sleep 1012 </dev/null >/dev/null 2>&1 &
attach=$!
disown "$attach"
lxc-attach -P "$P1" -n "$name" -- /bin/sh -c 'sleep 1011 </dev/null >/dev/null 2>&1 &' </dev/null >/dev/null 2>"$tmp/err"
ok $? "lxc-attach ... sh -c 'sleep 1011 &' ($(head -c 200 "$tmp/err"))"
orphan_of() { local p; for p in $(jq -r '.[]' <<<"$(members "$1")"); do [ "$(ppid_of "$p")" = "$1" ] && echo "$p"; done; }
wait_for '[ -n "$(orphan_of "$init")" ] && [ -n "$(pgrep -P "$attach")" ]'
orphan=$(orphan_of "$init")
attached=$(pgrep -P "$attach")
wait_for '[ "$(ino "$attached" pid)" = "$(ino "$init" pid)" ] && [ "$(cat "/proc/$attached/comm")" = sleep ]'
is "$(ino "${attached:-0}" pid)" "$(ino "$init" pid)" "(fact) lxc-attach $attach's child $attached is in the container's pid namespace"

snap "$tmp/1.json"
ok $? "ctrtree --json ($(head -c 200 "$J.err"))"
mem=$(members "$init")
diag "monitor $mon, init $init, members $mem"

is "$(proc "$mon" '[.role, .container, .logical_parent]')" '["engine",null,1]' \
	"the monitor $mon: role engine, in no container, under PID 1"
is "$(jq -c --argjson p "$mon" '[.engines[] | select(.pid == $p)] | length' "$J")" 0 \
	"the monitor is not listed among the engines (it is the container's supervisor)"
is "$(jq -c --arg n "$name" '[.containers[] | select(.name == $n or .id == $n)] | length' "$J")" 1 \
	"one container $name"
is "$(by_init "$init" '[.id, .name, .engine, .init_pid, .shim_pid]')" \
	"$(jq -cn --arg n "$name" --argjson i "$init" --argjson m "$mon" '[$n, $n, "lxc", $i, $m]')" \
	"$name: id and name $name, engine lxc, init_pid as lxc-info -p, shim_pid the monitor"
is "$(by_init "$init" '[.bundle, .labels["lxc.rootfs.path"]]')" \
	"$(jq -cn --arg b "$P1/$name/config" --arg r "$(sed -n 's/^lxc.rootfs.path = //p' "$P1/$name/config")" '[$b, $r]')" \
	"$name: its config (LXCPATH/NAME/config) and the rootfs it names"
st=$(by_init "$init" '.status')
ok $([ "$st" = null ] || [ "$st" = '"running"' ]; echo $?) \
	"$name: status null (no source tells) or running, as lxc-info says ($st)"
is "$(by_init "$init" '.pids')" "$mem" "$name: pids = the processes of its pid namespace (stat(2))"
is "$(jq -c --arg n "$name" '[.processes[] | select(.container == $n and (.thread | not)) | .pid] | sort' "$J")" \
	"$mem" "$name: exactly those processes name it as their container"
is "$(by_init "$init" '.namespaces' | jq -cS .)" "$(ns_json "$init")" \
	"$name: namespaces are the init's, as stat(2) shows"
is "$(proc "$init" '.ns_changed | join(",")' | jq -r .)" "$(ns_changed "$init")" \
	"$name: ns_changed of the init (against the monitor), as stat(2) shows (cgroup included)"
is "$(by_init "$init" '.cgroup' | jq -r .)" "$(cg2 "$init")" "$name: cgroup is the init's"
is "$(by_init "$init" '.sources | index("lxc-monitor-argv") != null')" true "$name: sources include lxc-monitor-argv"
is "$(jq -c --arg n "$name" '[.anomalies[] | select(.container == $n)]' "$J")" "[]" "$name: no anomaly"
is "$(proc "$init" '[.role, .container, .logical_parent]')" \
	"$(jq -cn --arg n "$name" --argjson m "$mon" '["container", $n, $m]')" \
	"$name: the init has role container, under the monitor"
is "$(proc "${orphan:-0}" '[.role, .container, .logical_parent]')" \
	"$(jq -cn --arg n "$name" --argjson i "$init" '["container", $n, $i]')" \
	"$name: the orphan $orphan of lxc-attach's shell belongs to it, under its init"
is "$(proc "${attached:-0}" '[.role, .container, .logical_parent]')" \
	"$(jq -cn --arg n "$name" --argjson m "$mon" '["container", $n, $m]')" \
	"$name: the process lxc-attach runs ($attached, parent $attach) belongs to it, under the monitor"
is "$(proc "${attached:-0}" '.evidence | length > 0 and (. != ["ppid"])')" true \
	"$name: ... with evidence ($(proc "${attached:-0}" .evidence))"
is "$(proc "$attach" '.container')" null "lxc-attach $attach itself is in no container"
bad=0
for p in $mon $(jq -r '.[]' <<<"$mem"); do
	$CHECK proc-matches "$J" "$p" || bad=1
done
ok $bad "the monitor's and each member's pid, ppid, start, comm, argv, nspid, namespaces and cgroups match /proc"

# ctrtree NAME: PID 1, the monitor, the container's processes; nothing else.
"$CTRTREE" -r -n -o PID "$name" >"$tmp/chain" 2>"$tmp/chain.err"
sed 's/^/# stderr: /' "$tmp/chain.err"
is "$(grep -v '^$' "$tmp/chain" | sort -n | jq -sc .)" \
	"$(jq -c --argjson m "$mon" '. + [1, $m] | sort' <<<"$mem")" \
	"ctrtree $name: PID 1, the monitor and exactly the container's processes"
"$CTRTREE" -r -n -o PID -p "$mon" >"$tmp/sub" 2>"$tmp/sub.err"
sed "s/^/# stderr: /" "$tmp/sub.err"
is "$(grep -v '^$' "$tmp/sub" | sort -n | jq -sc .)" "$(jq -c --argjson m "$mon" '. + [$m] | sort' <<<"$mem")" \
	"ctrtree -p $mon: the monitor and exactly the container's processes"
"$CTRTREE" -w 200 -o PID,ROLE,NS,CGROUP,COMMAND "$name" >"$tmp/chain" 2>&1
grep -qF "container $name (lxc, $name)" "$tmp/chain"
ok $? "ctrtree $name has the row 'container $name (lxc, $name)'"
sed 's/^/# /' "$tmp/chain"

# The environment reaches the container (its init's environ) but never a
# snapshot, although the config that sets it is kept there.
tr '\0' '\n' <"/proc/$init/environ" | grep -qxF "LXC_SECRET=$secret"
ok $? "(fact) the container's init has LXC_SECRET in its environment"
"$CTRTREE" --save "$tmp/lxc.snap" 2>"$tmp/save.err"
ok $? "ctrtree --save"
is "$(jq -r --arg b "$P1/$name/config" '[.runtime.files[] | select(.path == $b)] | length' "$tmp/lxc.snap")" 1 \
	"the snapshot keeps $name's config"
! grep -qF "$secret" "$tmp/lxc.snap" && ! grep -qF "$(printf %s "$secret" | od -An -tx1 | tr -d ' \n')" "$tmp/lxc.snap"
ok $? "the snapshot holds no lxc.environment value (raw or hex)"

kill_pid KILL "$attach"

# ==== the same name in a second lxcpath

mkct "$P2" && lxc-start -P "$P2" -n "$name" -d -l DEBUG -o "$tmp/start2.log" </dev/null >/dev/null 2>"$tmp/err"
ok $? "lxc-start -P '$P2' -n $name -d ($(head -c 200 "$tmp/err"))"
wait_for '[ "$(lxc-info -P "$P2" -n "$name" -sH 2>/dev/null)" = RUNNING ]'
init2=$(lxc-info -P "$P2" -n "$name" -pH 2>/dev/null)
mon2=$(ppid_of "$init2")
is "$(tr '\0' '|' <"/proc/${mon2:-0}/cmdline" 2>/dev/null | sed 's/|*$//')" "[lxc monitor] $P2 $name" \
	"(fact) the second monitor $mon2: '[lxc monitor] $P2 $name'"
diag "second container: init $init2, cgroup $(cg2 "$init2"), monitor's $(cg2 "$mon2")"
snap "$tmp/2.json"
mem=$(members "$init")
mem2=$(members "$init2")
is "$(jq -c --arg n "$name" '[.containers[] | select(.name == $n)] | length' "$J")" 2 \
	"two containers named $name"
is "$(by_init "$init" '[.name, .engine, .shim_pid, .pids]')" \
	"$(jq -cn --arg n "$name" --argjson m "$mon" --argjson p "$mem" '[$n, "lxc", $m, $p]')" \
	"the first: its monitor $mon, its members"
is "$(by_init "$init2" '[.name, .engine, .shim_pid, .pids]')" \
	"$(jq -cn --arg n "$name" --argjson m "$mon2" --argjson p "$mem2" '[$n, "lxc", $m, $p]')" \
	"the second: its monitor $mon2, its members"
# A container is (engine namespace, id): here the namespace is the lxcpath.
c1=$(proc "$init" '[.container, .container_namespace]') c2=$(proc "$init2" '[.container, .container_namespace]')
ok $([ "$c1" != '[null,null]' ] && [ "$c2" != '[null,null]' ] && [ "$c1" != "$c2" ]; echo $?) \
	"the two inits belong to two different containers ($c1, $c2)"
is "$(jq -c --arg n "$name-1" '[.containers[] | select(.id == $n or .name == $n)] | length' "$J")" 0 \
	"no container $name-1 (that is the second one's cgroup suffix, not a container)"
is "$(jq -c --arg n "$name" '[.anomalies[] | select(.container | tostring | startswith($n))]' "$J")" "[]" \
	"no anomaly"

# ==== a leftover cgroup lxc.payload.$name2: LXC takes lxc.payload.$name2-1

for h in $(hierarchies); do
	mkdir "$h/lxc.payload.$name2" || break
done
ok $? "a leftover empty cgroup lxc.payload.$name2 in every hierarchy"
mkct "$P1" "$name2" && lxc-start -P "$P1" -n "$name2" -d -l DEBUG -o "$tmp/start3.log" </dev/null >/dev/null 2>"$tmp/err"
ok $? "lxc-start -P $P1 -n $name2 -d ($(head -c 200 "$tmp/err"))"
wait_for '[ "$(lxc-info -P "$P1" -n "$name2" -sH 2>/dev/null)" = RUNNING ]'
init3=$(lxc-info -P "$P1" -n "$name2" -pH 2>/dev/null)
mon3=$(ppid_of "$init3")
is "$(cg2 "$init3")" "/lxc.payload.$name2-1" "(fact) LXC runs it in /lxc.payload.$name2-1"
snap "$tmp/3.json"
mem3=$(members "$init3")
is "$(jq -c --arg n "$name2" '[.containers[] | select(.name == $n or (.id | startswith($n)))] | length' "$J")" 1 \
	"leftover cgroup: one container $name2 (no second one named by the cgroup $name2-1)"
is "$(jq -c --arg n "$name2" '.containers[] | select(.name == $n) | [.engine, .init_pid, .shim_pid, .pids]' "$J")" \
	"$(jq -cn --argjson i "${init3:-0}" --argjson m "${mon3:-0}" --argjson p "$mem3" '["lxc", $i, $m, $p]')" \
	"leftover cgroup: $name2 has its init, its monitor and its members"
is "$(proc "$init3" '.container')" "\"$name2\"" "leftover cgroup: the init $init3 belongs to $name2"
is "$(jq -c --arg n "$name2" '.containers[] | select(.name == $n) | .cgroup' "$J")" "\"/lxc.payload.$name2-1\"" \
	"leftover cgroup: its cgroup is /lxc.payload.$name2-1"

# ==== stopped
timeout 30 lxc-stop -P "$P1" -n "$name2" -k
ok $? "lxc-stop -k $name2"
timeout 30 lxc-stop -P "$P2" -n "$name" -k
ok $? "lxc-stop -k the second"
timeout 30 lxc-stop -P "$P1" -n "$name" -k
ok $? "lxc-stop -k the first"
wait_for '[ -z "$(our_pids)" ]'
snap "$tmp/4.json"
is "$(jq -c --arg n "$name" '[.containers[] | select(.name == $n or (.id | startswith($n)))] | length' "$J")" 0 \
	"stopped: no container $name or $name2 any more"

# ==== leave nothing behind
cleanup_lxc
left=$(our_pids)
is "$(echo $left | wc -w)" 0 "no process of ours left"
for p in $left; do
	diag "left: $p $(tr '\0' ' ' <"/proc/$p/cmdline")"
done
is "$(our_cgroups | wc -l)" 0 "no cgroup lxc.payload.$name* or lxc.monitor.$name* left in any hierarchy"
is "$(for h in $(hierarchies); do grep -qxF "$h" <<<"$pivots_before" || [ ! -d "$h/lxc.pivot" ] || echo "$h"; done | wc -l)" 0 \
	"no lxc.pivot left that was not there before"
ok $([ ! -e "/run/lxc/lock$tmp" ]; echo $?) "no lock directory /run/lxc/lock$tmp left"
if [ -n "$lockparent" ]; then
	ok $([ ! -e "$lockparent" ]; echo $?) "no $lockparent left (it was not there before)"
fi
done_testing
