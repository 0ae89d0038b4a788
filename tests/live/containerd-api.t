#!/bin/bash
# Live test of the containerd gRPC client (lib/engine-containerd.c through
# test-containerd --query) against a PRIVATE containerd started here, with
# containers in two namespaces.  Expected values come from ctr (containerd's
# own client), the kernel (/proc) and what the test itself ran, never from
# the code under test.  Also: a socket that never answers, an HTTP/1 server
# and a misbehaving HTTP/2 server must fail cleanly within the timeout.
# Then ctrtree itself on that containerd: the engine, every live container
# (also two sharing one shim through the io.containerd.runc.v2.group
# annotation), exec sessions, and the containerd hung with SIGSTOP.
#
#   TOP=. BUILDDIR=build bash tests/live/containerd-api.t
#
# CTRTREE_CONTAINERD_SAVE=DIR keeps the raw replies of the private
# containerd as a fixture directory (see tests/fixtures/containerd/README).
set -u
TOP=${TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
BUILDDIR=${BUILDDIR:-$TOP/build}
. "$TOP/tests/lib/tap.sh"
. "$TOP/tests/lib/rootfs.sh"

need_root
TC=$BUILDDIR/tests/unit/test-containerd
FAKE=$TOP/tests/fixtures/containerd/fake-grpc-server.py
if [ ! -x "$TC" ]; then
	echo "1..0 # SKIP $TC not built"
	exit 0
fi
for tool in containerd ctr runc containerd-shim-runc-v2 jq; do
	if ! command -v $tool >/dev/null; then
		echo "1..0 # SKIP $tool not installed"
		exit 0
	fi
done
PY=$(command -v python3 || true)

# A short path: sun_path holds 107 bytes, the shims' sockets live elsewhere.
tmp=$(mktemp -d /tmp/ctd-t.XXXXXX)
SOCK=$tmp/c.sock
NSA=ctt$$a NSB=ctt$$b # unique per run: runc roots and cgroups are /NS/ID
IMG=ctrtree.test/busybox:$$
GRP=grp-$$ # io.containerd.runc.v2.group of grp1 and grp2 in $NSB
CPID=
FAKEPIDS=()

c() { ctr -a "$SOCK" "$@"; }
# Processes with SOCK as a whole argument: our containerd, its shims.
procs_of_sock() {
	local p
	for p in /proc/[0-9]*; do
		tr '\0' '\n' 2>/dev/null <"$p/cmdline" | grep -qxF -- "$SOCK" && echo "${p#/proc/}"
	done
}
# Processes in a cgroup of one of our namespaces (ctr's default /NS/ID).
procs_of_ns() {
	local p
	for p in /proc/[0-9]*; do
		grep -sqE ":/($NSA|$NSB)(/|\$)" "$p/cgroup" && echo "${p#/proc/}"
	done
}
our_mounts() { awk -v t="$tmp" 'index($2, t) == 1 { print $2 }' /proc/mounts; }
IDS="$NSA/run1 $NSA/idle $NSA/paused1 $NSA/done1 $NSB/run2 $NSB/grp1 $NSB/grp2 $NSB/$GRP $NSA/twin $NSB/twin"
# A shim listens on /run/containerd/s/sha256(ADDRESS/NS/ID) (containerd 1.6
# runtime/v2/shim/util_unix.go SocketAddress); a group's shared shim on
# sha256(ADDRESS/NS/GROUP) (runtime/v2/runc/v2/service.go StartShim).
shim_sockets() {
	local x h
	for x in $IDS; do
		h=$(printf '%s' "$SOCK/$x" | sha256sum | cut -d' ' -f1)
		[ -e "/run/containerd/s/$h" ] && echo "/run/containerd/s/$h"
	done
}

cleanup_all() {
	local ns id p m i d
	# A containerd left stopped (the hung-engine check) would hang every ctr.
	[ -n "$CPID" ] && kill -CONT "$CPID" 2>/dev/null
	if [ -n "$CPID" ] && kill -0 "$CPID" 2>/dev/null; then
		for ns in $NSA $NSB; do
			for id in $(c -n "$ns" tasks ls -q 2>/dev/null); do
				c -n "$ns" tasks resume "$id" 2>/dev/null
				c -n "$ns" tasks kill -s SIGKILL "$id" 2>/dev/null
			done
			for id in $(c -n "$ns" tasks ls -q 2>/dev/null); do
				wait_for 5 sh -c "ctr -a '$SOCK' -n '$ns' tasks ls | grep -q '^$id .*STOPPED'"
				c -n "$ns" tasks delete -f "$id" 2>/dev/null
			done
			for id in $(c -n "$ns" containers ls -q 2>/dev/null); do
				c -n "$ns" containers delete "$id" 2>/dev/null
			done
			for id in $(c -n "$ns" images ls -q 2>/dev/null); do
				c -n "$ns" images rm --sync "$id" 2>/dev/null
			done
			c namespaces rm "$ns" 2>/dev/null
		done
		kill "$CPID" 2>/dev/null
		wait_for 10 sh -c "! kill -0 $CPID 2>/dev/null" || kill -9 "$CPID" 2>/dev/null
		wait "$CPID" 2>/dev/null
	fi
	for p in "${FAKEPIDS[@]}"; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
	FAKEPIDS=()
	# Whatever survived (a shim, a container process): by identity, not name.
	for i in 1 2 3; do
		for p in $(procs_of_sock) $(procs_of_ns); do kill -9 "$p" 2>/dev/null; done
		[ -z "$(procs_of_sock)$(procs_of_ns)" ] && break
		sleep 0.5
	done
	for m in $(our_mounts | sort -r); do umount -l "$m" 2>/dev/null; done
	for m in $(shim_sockets); do rm -f "$m"; done
	for ns in $NSA $NSB; do
		rm -rf "/run/containerd/runc/$ns"
		for d in /sys/fs/cgroup/*/"$ns" /sys/fs/cgroup/"$ns"; do
			[ -d "$d" ] || continue
			find "$d" -depth -type d -exec rmdir {} \; 2>/dev/null
		done
	done
}
on_exit "cleanup_all; rm -rf '$tmp'"

# ---- a private containerd: own root, state, sockets; no CRI -----------------
mkdir -p "$tmp/root" "$tmp/state" "$tmp/opt"
cat >"$tmp/config.toml" <<EOF
version = 2
root = "$tmp/root"
state = "$tmp/state"
disabled_plugins = ["io.containerd.grpc.v1.cri"]
[grpc]
  address = "$SOCK"
[ttrpc]
  address = "$SOCK.ttrpc"
[debug]
  address = ""
[metrics]
  address = ""
[plugins."io.containerd.internal.v1.opt"]
  path = "$tmp/opt"
EOF
containerd -c "$tmp/config.toml" --root "$tmp/root" --state "$tmp/state" \
	--address "$SOCK" >"$tmp/containerd.log" 2>&1 &
CPID=$!
wait_for 20 sh -c "ctr -a '$SOCK' version >/dev/null 2>&1"
ok $? "private containerd (pid $CPID) answers on $SOCK"

# ---- an image from a busybox-static rootfs, no registry -------------------
# make_oci_archive ROOTFS NAME OUT.tar: an OCI image layout archive with one
# gzip layer, for `ctr image import`.
make_oci_archive() {
	local rootfs=$1 name=$2 out=$3 w arch diffid layer lsize cfg csize man msize rc
	w=$(mktemp -d "$tmp/oci.XXXXXX") || return
	mkdir -p "$w/blobs/sha256"
	arch=$(dpkg --print-architecture 2>/dev/null || uname -m)
	tar -C "$rootfs" --numeric-owner --owner=0 --group=0 -cf "$w/layer.tar" . || return
	diffid=$(sha256sum <"$w/layer.tar" | cut -d' ' -f1)
	gzip -n -c "$w/layer.tar" >"$w/layer.tgz" || return
	layer=$(sha256sum <"$w/layer.tgz" | cut -d' ' -f1)
	lsize=$(stat -c %s "$w/layer.tgz")
	mv "$w/layer.tgz" "$w/blobs/sha256/$layer"
	printf '{"architecture":"%s","os":"linux","config":{"Cmd":["/bin/sh"]},"rootfs":{"type":"layers","diff_ids":["sha256:%s"]}}' \
		"$arch" "$diffid" >"$w/config"
	cfg=$(sha256sum <"$w/config" | cut -d' ' -f1)
	csize=$(stat -c %s "$w/config")
	mv "$w/config" "$w/blobs/sha256/$cfg"
	printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:%s","size":%s},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"sha256:%s","size":%s}]}' \
		"$cfg" "$csize" "$layer" "$lsize" >"$w/manifest"
	man=$(sha256sum <"$w/manifest" | cut -d' ' -f1)
	msize=$(stat -c %s "$w/manifest")
	mv "$w/manifest" "$w/blobs/sha256/$man"
	printf '{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:%s","size":%s,"annotations":{"io.containerd.image.name":"%s","org.opencontainers.image.ref.name":"%s"}}]}' \
		"$man" "$msize" "$name" "${name##*:}" >"$w/index.json"
	printf '{"imageLayoutVersion":"1.0.0"}' >"$w/oci-layout"
	tar -C "$w" -cf "$out" oci-layout index.json blobs
	rc=$?
	rm -rf "$w"
	return $rc
}

have_image=0
if make_busybox_rootfs "$tmp/rootfs" 2>"$tmp/rootfs.err" &&
	make_oci_archive "$tmp/rootfs" "$IMG" "$tmp/image.tar"; then
	c -n "$NSA" images import "$tmp/image.tar" >/dev/null &&
		c -n "$NSB" images import "$tmp/image.tar" >/dev/null
	ok $? "OCI archive of a busybox rootfs imported in $NSA and $NSB"
	have_image=1
else
	skip "no busybox-static rootfs: $(cat "$tmp/rootfs.err")"
fi

if [ "$have_image" = 1 ] && [ -n "$CPID" ]; then
	# $NSA: running, created without a task, paused, exited 3; $NSB: running
	# with labels, one of them hostile (ESC, newline).
	EVIL=$(printf 'a\033[31mb\nc')
	c -n "$NSA" run -d --null-io --label role=web "$IMG" run1 sleep 1000 &&
		c -n "$NSA" containers create "$IMG" idle sleep 1000 &&
		c -n "$NSA" run -d --null-io "$IMG" paused1 sleep 1000 &&
		c -n "$NSA" tasks pause paused1 &&
		c -n "$NSA" run -d --null-io "$IMG" done1 sh -c 'exit 3' &&
		c -n "$NSB" run -d --null-io --label app=db --label "evil=$EVIL" "$IMG" run2 sleep 1000
	ok $? "containers created and started with ctr"
	wait_for 10 sh -c "ctr -a '$SOCK' -n '$NSA' tasks ls | grep -q '^done1 .*STOPPED'"
	ok $? "done1 has exited"

	if [ -n "${CTRTREE_CONTAINERD_SAVE:-}" ]; then
		"$TC" --query "$SOCK" --save "$CTRTREE_CONTAINERD_SAVE" >/dev/null
		ok $? "replies saved to $CTRTREE_CONTAINERD_SAVE"
	fi
	"$TC" --query "$SOCK" >"$tmp/q.jsonl" 2>"$tmp/q.err"
	ok $? "query exits 0 $(cat "$tmp/q.err")"
	diag "query of $(grep -c '"id"' "$tmp/q.jsonl") containers: $(head -1 "$tmp/q.jsonl" | jq -r .elapsed_ms) ms"
	head -1 "$tmp/q.jsonl" >"$tmp/info.json"
	grep '"id"' "$tmp/q.jsonl" >"$tmp/recs.jsonl"
	rec() { jq -r --arg ns "$1" --arg id "$2" "select(.engine_ns == \$ns and .id == \$id) | $3" "$tmp/recs.jsonl"; }

	server_version=$(c version | awk '/^Server:/ { s = 1 } s && $1 == "Version:" { print $2; exit }')
	is "$(jq -r .version "$tmp/info.json")" "$server_version" "version is what ctr version says"
	is "$(jq -r '.namespaces[].name' "$tmp/info.json" | sort | tr '\n' ' ')" \
		"$(c namespaces ls -q | sort | tr '\n' ' ')" "namespaces are ctr namespaces ls's"

	for ns in $NSA $NSB; do
		is "$(jq -r --arg ns "$ns" 'select(.engine_ns == $ns) | .id' "$tmp/recs.jsonl" | sort | tr '\n' ' ')" \
			"$(c -n "$ns" containers ls -q | sort | tr '\n' ' ')" "$ns: containers are ctr containers ls's"
		# ctr tasks ls: TASK PID STATUS.
		c -n "$ns" tasks ls | tail -n +2 >"$tmp/tasks.$ns"
		is "$(jq -r --arg ns "$ns" 'select(.engine_ns == $ns and .has_task) | .id' "$tmp/recs.jsonl" | sort | tr '\n' ' ')" \
			"$(awk '{ print $1 }' "$tmp/tasks.$ns" | sort | tr '\n' ' ')" "$ns: the containers with a task are ctr tasks ls's"
		while read -r id pid status; do
			is "$(rec "$ns" "$id" '"\(.task_pid) \(.status | ascii_upcase)"')" "$pid $status" \
				"$ns/$id: task pid and status as ctr tasks ls"
			case $status in
			STOPPED) is "$(rec "$ns" "$id" .init_pid)" 0 "$ns/$id: a stopped task has no live init pid" ;;
			*) is "$(rec "$ns" "$id" .init_pid)" "$pid" "$ns/$id: init pid is the task's" ;;
			esac
		done <"$tmp/tasks.$ns"
		for id in $(c -n "$ns" containers ls -q); do
			c -n "$ns" containers info "$id" >"$tmp/info.$id.json"
			is "$(rec "$ns" "$id" '"\(.image) \(.runtime)"')" \
				"$(jq -r '"\(.Image) \(.Runtime.Name)"' "$tmp/info.$id.json")" \
				"$ns/$id: image and runtime as ctr containers info"
			is "$(rec "$ns" "$id" '.labels' | jq -S -c .)" \
				"$(jq -S -c '.Labels // {}' "$tmp/info.$id.json")" \
				"$ns/$id: labels as ctr containers info"
		done
	done
	is "$(rec "$NSB" run2 '.labels.evil')" "$EVIL" "a hostile label value is kept byte for byte"
	is "$(rec "$NSA" done1 .exit_status)" 3 "done1: exit status 3, as the test ran it"
	is "$(rec "$NSA" idle '"\(.status) \(.has_task) \(.init_pid)"')" "null false 0" \
		"idle: a container without a task has no status and no pid"
	is "$(jq -r 'select(.engine != "containerd" or .source != "containerd-api") | .id' "$tmp/recs.jsonl")" "" \
		"every record: engine containerd, source containerd-api"
	# The kernel's view of the init pids: ctr puts a container in /NS/ID.
	for pair in "$NSA run1" "$NSA paused1" "$NSB run2"; do
		set -- $pair
		pid=$(rec "$1" "$2" .init_pid)
		grep -qE ":/$1/$2\$" "/proc/$pid/cgroup" 2>/dev/null &&
			[ "$(cat "/proc/$pid/comm" 2>/dev/null)" = sleep ]
		ok $? "$1/$2: pid $pid is a sleep in cgroup /$1/$2 per /proc"
	done

	"$TC" --query "$SOCK" --namespace "$NSB" >"$tmp/qb.jsonl"
	is "$(grep '"id"' "$tmp/qb.jsonl" | jq -r '"\(.engine_ns)/\(.id)"' | tr '\n' ' ')" "$NSB/run2 " \
		"--namespace: only that namespace is listed"

	"$TC" --query "$SOCK" --save "$tmp/saved" >"$tmp/q2.jsonl" &&
		"$TC" --load "$tmp/saved" >"$tmp/l2.jsonl"
	ok $? "the raw replies save and load"
	is "$(tail -n +2 "$tmp/l2.jsonl" | md5sum)" "$(tail -n +2 "$tmp/q2.jsonl" | md5sum)" \
		"the saved replies parse to the same records"

	"$TC" --query "$SOCK" --max-message 1000 >/dev/null 2>"$tmp/big.err"
	is "$?" 1 "a reply above --max-message fails"
	grep -q "exceeds the limit of 1000" "$tmp/big.err"
	ok $? "... and says so: $(cat "$tmp/big.err")"
fi

# ---- ctrtree itself on the private containerd ------------------------------
# The chain as ctrtree reconstructs it, against ctr, /proc and stat(2).
# Added: two containers in $NSB whose specs carry the same
# io.containerd.runc.v2.group annotation (one shim serves both; its -id names
# only the first), one id in both namespaces (twin: ids are unique per
# namespace only), and exec sessions (ctr tasks exec -d) in run1 and grp2.
ppid_of() { awk '{ sub(/.*\) /, ""); print $2 }' "/proc/$1/stat" 2>/dev/null; }
ns_json() { # the 8 namespace inodes of PID as ctrtree's ns_set, from stat -L
	local t out=
	for t in cgroup ipc mnt net pid time user uts; do
		out+=$(printf '"%s":%s,' $t "$(stat -L -c %i "/proc/$1/ns/$t" 2>/dev/null || echo null)")
	done
	printf '{%s}' "${out%,}"
}
# ctrtree's cgroup_path from /proc/PID/cgroup: the v2 path unless "/", else
# the first v1 path that is not "/", else "/".
main_cgroup() {
	awk '{ h = $0; sub(/:.*/, "", h); p = $0; sub(/^[^:]*:[^:]*:/, "", p) }
	     h == "0" { v2 = p; next } p != "/" && v1 == "" { v1 = p }
	     END { print (v2 != "" && v2 != "/") ? v2 : (v1 != "" ? v1 : "/") }' "/proc/$1/cgroup"
}
argv_value() { # argv_value PID FLAG: the argument after FLAG in PID's argv
	tr '\0' '\n' <"/proc/$1/cmdline" 2>/dev/null | awk -v f="$2" 'p { print; exit } $0 == f { p = 1 }'
}
ms() { echo $(($(date +%s%N) / 1000000)); }
CTRTREE=${CTRTREE:-$BUILDDIR/ctrtree}

if [ "$have_image" = 1 ] && [ -n "$CPID" ] && [ -x "$CTRTREE" ]; then
	c -n "$NSB" run -d --null-io --annotation "io.containerd.runc.v2.group=$GRP" "$IMG" grp1 sleep 1000 &&
		c -n "$NSB" run -d --null-io --annotation "io.containerd.runc.v2.group=$GRP" "$IMG" grp2 sleep 1000
	ok $? "grp1 and grp2 started with annotation io.containerd.runc.v2.group=$GRP"
	c -n "$NSA" run -d --null-io "$IMG" twin sleep 1003 &&
		c -n "$NSB" run -d --null-io --label side=b "$IMG" twin sleep 1004
	ok $? "twin started in $NSA and in $NSB"
	is "$(for id in grp1 grp2; do c -n "$NSB" containers info "$id" | jq -r '.Spec.annotations["io.containerd.runc.v2.group"]'; done | tr '\n' ' ')" \
		"$GRP $GRP " "ctr containers info: both specs carry the group annotation"
	c -n "$NSA" tasks exec -d --fifo-dir "$tmp/fifo" --exec-id "ex-$$" run1 sleep 1001 &&
		c -n "$NSB" tasks exec -d --fifo-dir "$tmp/fifo" --exec-id "ex-$$" grp2 sleep 1002
	ok $? "exec sessions ex-$$ in $NSA/run1 and $NSB/grp2 (ctr tasks exec -d)"

	# What ctr says: NS ID PID STATUS of every task whose process lives.
	: >"$tmp/live"
	for ns in $NSA $NSB; do
		c -n "$ns" tasks ls | tail -n +2 | awk -v ns="$ns" '$3 == "RUNNING" || $3 == "PAUSED" { print ns, $1, $2, tolower($3) }' >>"$tmp/live"
	done
	is "$(awk '{ print $1 "/" $2 }' "$tmp/live" | sort | tr '\n' ' ')" \
		"$(printf '%s\n' "$NSA/paused1" "$NSA/run1" "$NSA/twin" "$NSB/grp1" "$NSB/grp2" "$NSB/run2" "$NSB/twin" | sort | tr '\n' ' ')" \
		"ctr tasks ls: the live tasks are the ones this test started"
	task_pid() { awk -v ns="$1" -v id="$2" '$1 == ns && $2 == id { print $3 }' "$tmp/live"; }
	exec_pid() { # exec_pid NS ID EXEC-ID, from ctr tasks ps
		c -n "$1" tasks ps "$2" | awk -v e="ExecID:$3," 'index($0, e) { print $1 }'
	}
	g1=$(task_pid "$NSB" grp1) g2=$(task_pid "$NSB" grp2) r1=$(task_pid "$NSA" run1)
	gshim=$(ppid_of "$g1")
	e1=$(exec_pid "$NSA" run1 "ex-$$") e2=$(exec_pid "$NSB" grp2 "ex-$$")

	# The kernel's view of the shared shim and the exec sessions.
	[ -n "$gshim" ] && [ "$(ppid_of "$g2")" = "$gshim" ] && [ "$g1" != "$g2" ]
	ok $? "/proc: grp1 ($g1) and grp2 ($g2) are children of one shim ($gshim)"
	is "$(argv_value "$gshim" -namespace) $(argv_value "$gshim" -id)" "$NSB grp1" \
		"/proc: the shared shim's argv names $NSB and grp1 only"
	is "$(ppid_of "${e1:-0}") $(stat -L -c %i "/proc/${e1:-0}/ns/pid" 2>/dev/null)" \
		"$(ppid_of "$r1") $(stat -L -c %i "/proc/$r1/ns/pid")" \
		"/proc: run1's exec ($e1) is a child of run1's shim, in run1's pid namespace"
	is "$(ppid_of "${e2:-0}") $(stat -L -c %i "/proc/${e2:-0}/ns/pid" 2>/dev/null)" \
		"$gshim $(stat -L -c %i "/proc/$g2/ns/pid")" \
		"/proc: grp2's exec ($e2) is a child of the shared shim, in grp2's pid namespace"

	t0=$(ms)
	"$CTRTREE" --json >"$tmp/ct.json" 2>"$tmp/ct.err"
	ok $? "ctrtree --json exits 0 in $(($(ms) - t0)) ms $(head -c 300 "$tmp/ct.err")"
	ct() { jq -c "$@" "$tmp/ct.json"; }
	proc() { ct --argjson p "$1" "${@:3}" ".processes[] | select(.pid == \$p) | $2"; }
	ctr_rec() { ct --arg ns "$1" --arg id "$2" ".containers[] | select(.id == \$id and .engine_namespace == \$ns) | $3"; }
	# pid-namespace inode of every process now, for the expected members.
	for p in /proc/[0-9]*; do
		i=$(stat -L -c %i "$p/ns/pid" 2>/dev/null) && echo "${p#/proc/} $i"
	done >"$tmp/pidns"

	# (1) the private containerd is an engine, reachable, with ctr's version.
	server_version=$(c version | awk '/^Server:/ { s = 1 } s && $1 == "Version:" { print $2; exit }')
	is "$(ct --argjson p "$CPID" '[.engines[] | select(.pid == $p) | [.kind, .socket, .reachable, .version, .error]]')" \
		"$(jq -cn --arg s "$SOCK" --arg v "$server_version" '[["containerd", $s, true, $v, null]]')" \
		"engine: containerd pid $CPID, socket $SOCK, reachable, version $server_version (ctr version)"

	# (2) every live container of both namespaces (twin: below).
	while read -r ns id pid status; do
		[ "$id" = twin ] && continue
		c -n "$ns" containers info "$id" >"$tmp/ci.json"
		shim=$(ppid_of "$pid")
		is "$(ct --arg id "$id" --arg ns "$ns" '[.containers[] | select(.id == $id and .engine_namespace == $ns)] | length')" 1 \
			"$ns/$id: listed once"
		is "$(ctr_rec "$ns" "$id" '[.engine, .engine_namespace, .image, .runtime, .status, .init_pid, .shim_pid]')" \
			"$(jq -c --arg ns "$ns" --arg st "$status" --argjson p "$pid" --argjson s "${shim:-null}" \
				'["containerd", $ns, .Image, .Runtime.Name, $st, $p, $s]' "$tmp/ci.json")" \
			"$ns/$id: engine, namespace, image and runtime (ctr containers info), status and init pid (ctr tasks ls), shim (its parent)"
		# The group annotation may be shown among the labels (see below).
		is "$(ctr_rec "$ns" "$id" '.labels | del(."io.containerd.runc.v2.group")' | jq -S -c .)" \
			"$(jq -S -c '.Labels // {}' "$tmp/ci.json")" "$ns/$id: labels as ctr containers info"
		is "$(ctr_rec "$ns" "$id" .namespaces)" "$(ns_json "$pid")" "$ns/$id: namespaces are its init's (stat -L)"
		is "$(ctr_rec "$ns" "$id" .cgroup)" "$(jq -cn --arg c "$(main_cgroup "$pid")" '$c')" \
			"$ns/$id: cgroup is its init's (/proc/$pid/cgroup)"
		pidns=$(stat -L -c %i "/proc/$pid/ns/pid")
		is "$(ctr_rec "$ns" "$id" '.pids')" \
			"$(awk -v n="$pidns" '$2 == n { print $1 }' "$tmp/pidns" | sort -n | jq -sc .)" \
			"$ns/$id: pids are the processes of its pid namespace"
		is "$(proc "$pid" '[.role, .container]')" "$(jq -cn --arg id "$id" '["container", $id]')" \
			"$ns/$id: its init ($pid) is a container process of it"
		addr=$(argv_value "$shim" -address)
		is "$(proc "${shim:-0}" '[.role, .container, .logical_parent, (.evidence | map(select(contains($a) and contains($c))) | length > 0)]' \
			--arg a "$addr" --arg c "$CPID")" "[\"shim\",null,$CPID,true]" \
			"$ns/$id: its shim ($shim, -address $addr): logical parent containerd $CPID, evidence names the address"
	done <"$tmp/live"

	# The containers without a live process: as ctr says, without pids.
	is "$(ctr_rec "$NSA" done1 '[.status, .init_pid, .pids]')" '["stopped",null,[]]' \
		"$NSA/done1: stopped (ctr tasks ls), no init, no pids"
	is "$(ctr_rec "$NSA" idle '[.status, .init_pid, .shim_pid, .pids, .image]')" \
		"$(c -n "$NSA" containers info idle | jq -c '[null, null, null, [], .Image]')" \
		"$NSA/idle: no task: no status, init, shim or pids; its image"

	# One id in two namespaces: two containers, each with its own init and shim.
	ta=$(task_pid "$NSA" twin) tb=$(task_pid "$NSB" twin)
	twin_want=$(jq -cn --arg a "$NSA" --arg b "$NSB" --argjson pa "$ta" --argjson pb "$tb" \
		--argjson sa "$(ppid_of "$ta")" --argjson sb "$(ppid_of "$tb")" \
		'[[$a, $pa, $sa, null], [$b, $pb, $sb, "b"]] | sort')
	twin_got() { jq -c '[.containers[] | select(.id == "twin") | [.engine_namespace, .init_pid, .shim_pid, .labels.side]] | sort' "$1"; }
	is "$(twin_got "$tmp/ct.json")" "$twin_want" \
		"twin: one record per namespace: namespace, init pid (ctr tasks ls), shim (its parent), label side (ctr run --label)"
	is "$(ct --argjson a "$(ppid_of "$ta")" --argjson b "$(ppid_of "$tb")" '[.processes[] | select(.pid == $a or .pid == $b) | .logical_parent]')" \
		"[$CPID,$CPID]" "twin: both shims hang under containerd $CPID"

	# (3) the shared shim, as ctrtree shows it.
	is "$(ct --arg ns "$NSB" '[.containers[] | select(.engine_namespace == $ns and (.id == "grp1" or .id == "grp2")) | [.id, .shim_pid, .init_pid]] | sort')" \
		"$(jq -cn --argjson s "$gshim" --argjson a "$g1" --argjson b "$g2" '[["grp1", $s, $a], ["grp2", $s, $b]]')" \
		"grp1 and grp2: one shim_pid ($gshim), each its own init"
	is "$(ct --argjson s "$gshim" '[.containers[] | select(.shim_pid == $s) | .id] | sort')" '["grp1","grp2"]' \
		"the shared shim serves exactly grp1 and grp2"
	# Both specs carry the annotation: ctrtree shows it for both or for neither.
	is "$(ctr_rec "$NSB" grp2 '.labels["io.containerd.runc.v2.group"]')" \
		"$(ctr_rec "$NSB" grp1 '.labels["io.containerd.runc.v2.group"]')" \
		"grp1 and grp2: the group annotation shown alike ($(ctr_rec "$NSB" grp1 '.labels["io.containerd.runc.v2.group"]'))"
	is "$(proc "$g2" '[.logical_parent, .container]')" "[$gshim,\"grp2\"]" \
		"grp2's init hangs under the shared shim and belongs to grp2"
	is "$(ct --arg ns "$NSB" '[.anomalies[] | select(.container != null and (.container == "grp1" or .container == "grp2" or .container == "run1" or .container == "run2" or .container == "paused1")) | .message]')" \
		'[]' "no anomaly about a live container"
	"$CTRTREE" -r -n -o PID grp2 >"$tmp/chain.txt" 2>&1
	for want in "$CPID" "$gshim" "$g2" "$e2"; do
		grep -qx -- "$want" "$tmp/chain.txt"
		ok $? "ctrtree grp2 shows pid $want of its chain (containerd, shared shim, init, exec)"
	done
	grep -qx -- "$g1" "$tmp/chain.txt"
	ok $((!$?)) "ctrtree grp2 does not show grp1's init $g1"
	"$CTRTREE" -w 200 -o PID,ROLE,CONTAINER,COMMAND grp2 2>&1 | sed 's/^/# /'

	# (4) the exec sessions: in their containers, under the shim.
	is "$(proc "${e1:-0}" '[.role, .container, .logical_parent]')" "$(jq -cn --argjson s "$(ppid_of "$r1")" '["container", "run1", $s]')" \
		"run1's exec ($e1): a container process of run1 under run1's shim"
	is "$(proc "${e2:-0}" '[.role, .container, .logical_parent]')" "$(jq -cn --argjson s "$gshim" '["container", "grp2", $s]')" \
		"grp2's exec ($e2): a container process of grp2 under the shared shim"

	# (5) a hung containerd: stopped, it costs the timeout and no more; the
	# containers still show, from their shims' argv, cgroups and state.
	kill -STOP "$CPID"
	t0=$(ms)
	"$CTRTREE" --timeout 1000 --json >"$tmp/hung.json" 2>"$tmp/hung.err"
	rc=$? t=$(($(ms) - t0))
	kill -CONT "$CPID"
	is "$rc" 0 "containerd stopped: ctrtree still exits 0 $(head -c 300 "$tmp/hung.err")"
	ok $([ "$t" -lt 3000 ]; echo $?) "containerd stopped: done in $t ms (timeout 1000)"
	is "$(jq -c --argjson p "$CPID" '[.engines[] | select(.pid == $p) | [.reachable, .error != null, .version]]' "$tmp/hung.json")" \
		'[[false,true,null]]' "containerd stopped: unreachable, with an error ($(jq -r --argjson p "$CPID" '.engines[] | select(.pid == $p) | .error' "$tmp/hung.json"))"
	while read -r ns id pid status; do
		[ "$id" = twin ] && continue
		shim=$(ppid_of "$pid")
		is "$(jq -c --argjson p "$pid" '[.containers[] | select(.init_pid == $p) | [.id, .engine, .engine_namespace, .shim_pid]]' "$tmp/hung.json")" \
			"$(jq -cn --arg id "$id" --arg ns "$ns" --argjson s "${shim:-null}" '[[$id, "containerd", $ns, $s]]')" \
			"containerd stopped: $ns/$id still shown: init $pid, engine, namespace and shim"
		# Without the API the status may be unknown (null), not another one.
		got=$(jq -r --argjson p "$pid" '.containers[] | select(.init_pid == $p) | .status' "$tmp/hung.json")
		ok $([ "$got" = "$status" ] || [ "$got" = null ]; echo $?) \
			"containerd stopped: $ns/$id status ${got:-(none)} is ctr's ($status) or unknown"
		is "$(jq -c --argjson s "${shim:-0}" '.processes[] | select(.pid == $s) | .logical_parent' "$tmp/hung.json")" "$CPID" \
			"containerd stopped: $ns/$id's shim $shim still hangs under containerd $CPID (its socket)"
	done <"$tmp/live"
	is "$(twin_got "$tmp/hung.json" | jq -c 'map(.[0:3])')" "$(jq -c 'map(.[0:3])' <<<"$twin_want")" \
		"containerd stopped: twin: still one record per namespace, with its init and shim"
	is "$(jq -c --argjson a "${e1:-0}" --argjson b "${e2:-0}" '[(.processes[] | select(.pid == $a) | .container), (.processes[] | select(.pid == $b) | .container)]' "$tmp/hung.json")" \
		'["run1","grp2"]' "containerd stopped: the exec sessions still belong to run1 and grp2"
	wait_for 10 sh -c "ctr -a '$SOCK' version >/dev/null 2>&1"
	ok $? "containerd answers again after SIGCONT"
elif [ "$have_image" = 1 ] && [ -n "$CPID" ]; then
	skip "$CTRTREE not built"
fi

# dockerd's containerd, if one answers: read-only.  Containers come and go
# under other users: the ids must match ctr's list taken between two queries.
# A socket file alone proves nothing: a stopped dockerd leaves its managed
# containerd's socket behind, so ask ctr first.
DSOCK=/var/run/docker/containerd/containerd.sock
if [ -S "$DSOCK" ] && timeout 10 ctr -a "$DSOCK" version >/dev/null 2>&1; then
	"$TC" --query "$DSOCK" --namespace moby >"$tmp/m1.jsonl" 2>"$tmp/m.err"
	ok $? "docker's containerd: query exits 0 $(cat "$tmp/m.err")"
	ctr -a "$DSOCK" -n moby containers ls -q | sort >"$tmp/mctr"
	"$TC" --query "$DSOCK" --namespace moby >"$tmp/m2.jsonl" 2>/dev/null
	m1=$(grep '"id"' "$tmp/m1.jsonl" | jq -r .id | sort)
	m2=$(grep '"id"' "$tmp/m2.jsonl" | jq -r .id | sort)
	[ "$m1" = "$(cat "$tmp/mctr")" ] || [ "$m2" = "$(cat "$tmp/mctr")" ]
	ok $? "docker's containerd: moby containers are ctr's ($(wc -l <"$tmp/mctr"))"
else
	skip "no dockerd containerd at $DSOCK"
fi

# ---- sockets that are not containerd -------------------------------------
"$TC" --query "$tmp/nothing.sock" >/dev/null 2>"$tmp/e"
is "$?" 1 "missing socket: exit 1"
grep -q "Version: no such socket" "$tmp/e"
ok $? "missing socket: clear error ($(cat "$tmp/e"))"

# Start a fake server; wait until its socket exists.
fake() { # fake MODE
	rm -f "$tmp/fake.sock"
	"$PY" "$FAKE" "$tmp/fake.sock" "$1" 2>/dev/null &
	FAKEPIDS+=($!)
	wait_for 5 test -S "$tmp/fake.sock"
}
stop_fake() {
	local p
	for p in "${FAKEPIDS[@]}"; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
	FAKEPIDS=()
}
# query_ms TIMEOUT: run a query on the fake socket, set $rc and $ms.
query_ms() {
	local t0=$(date +%s%N)
	"$TC" --query "$tmp/fake.sock" --timeout "$1" --max-message 1000000 >"$tmp/f.out" 2>"$tmp/f.err"
	rc=$?
	ms=$((($(date +%s%N) - t0) / 1000000))
}

if [ -n "$PY" ]; then
	# A socket file nobody listens on any more.
	"$PY" -c 'import socket, sys; s = socket.socket(socket.AF_UNIX); s.bind(sys.argv[1])' "$tmp/dead.sock"
	"$TC" --query "$tmp/dead.sock" >/dev/null 2>"$tmp/e"
	grep -q "Version: connection refused" "$tmp/e"
	ok $? "dead socket: connection refused ($(cat "$tmp/e"))"

	# Listening, never accepting, never answering: the deadline holds.
	fake hang
	query_ms 1500
	[ "$rc" = 1 ] && [ "$ms" -ge 1400 ] && [ "$ms" -lt 3000 ]
	ok $? "hung socket: fails after the 1500 ms timeout (took $ms ms)"
	grep -q "timed out after 1500 ms" "$tmp/f.err"
	ok $? "hung socket: says it timed out ($(cat "$tmp/f.err"))"
	stop_fake

	fake slow
	query_ms 1500
	[ "$rc" = 1 ] && [ "$ms" -lt 3000 ] && grep -q "timed out after 1500 ms" "$tmp/f.err"
	ok $? "a server dripping a byte a second: timed out ($ms ms)"
	stop_fake

	fake http1
	query_ms 3000
	[ "$rc" = 1 ] && [ "$ms" -lt 1000 ] && grep -qE "not a gRPC server|not an HTTP/2" "$tmp/f.err"
	ok $? "HTTP/1 server: fails at once and says why ($(cat "$tmp/f.err"))"
	stop_fake

	fake ok
	query_ms 3000
	is "$rc/$(jq -r .version "$tmp/f.out")" "0/9.9.9-fake" "fake server, well-formed replies: parsed"
	stop_fake

	: >"$tmp/all.err"
	while IFS='|' read -r mode expect; do
		fake "$mode"
		query_ms 3000
		cat "$tmp/f.err" >>"$tmp/all.err"
		[ "$rc" = 1 ] && [ "$ms" -lt 1500 ] && grep -qF -- "$expect" "$tmp/f.err"
		ok $? "fake server '$mode': fails cleanly: $(cat "$tmp/f.err")"
		stop_fake
	done <<'EOF'
huge-length|exceeds the limit of 1000000
compressed|compressed message
truncated|truncated message (10 of 100 bytes)
two|bytes after the message
no-trailers|no grpc-status
status|grpc-status 12 (UNIMPLEMENTED): unknown service fake\x0a\x1b[31mred
bad-status|malformed grpc-status
http-500|HTTP status 500
not-grpc|content-type "text/html"
endless|response larger than the limit
goaway|Version:
close|Version:
EOF
	"$PY" "$TOP/tests/lib/check.py" safe-text "$tmp/all.err" >/dev/null 2>&1
	ok $? "error messages carry no raw control bytes"
else
	skip "python3 missing: no fake servers"
fi

# ---- nothing of ours is left ------------------------------------------------
cleanup_all >/dev/null 2>&1
is "$(procs_of_sock | tr '\n' ' ')" "" "after cleanup: no containerd or shim of ours runs"
is "$(procs_of_ns | tr '\n' ' ')" "" "after cleanup: no process in our namespaces' cgroups"
is "$(our_mounts | tr '\n' ' ')" "" "after cleanup: nothing mounted under $tmp"
is "$(shim_sockets | tr '\n' ' ')" "" "after cleanup: no shim socket of ours in /run/containerd/s"
is "$(ls -d /run/containerd/runc/$NSA /run/containerd/runc/$NSB /sys/fs/cgroup/*/$NSA /sys/fs/cgroup/*/$NSB 2>/dev/null | tr '\n' ' ')" "" \
	"after cleanup: no runc state or cgroup of ours"
done_testing
