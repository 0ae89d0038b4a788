#!/bin/bash
# A real dockerd that stops answering: a private dockerd (tests/lib/docker.sh)
# with two running containers, then stopped with SIGSTOP, then (after
# SIGCONT) killed with SIGKILL.  Each time ctrtree, pointed at its socket
# with --timeout, must finish within the timeout plus SLACK (plus what a --no-api run
# took just before: the machine's load), exit 0, still
# show both containers from the other sources (its containerd's API, the
# shims, the cgroups, and while it lives, dockerd's own records), and say
# that Docker's API failed: engines[].reachable false and the reason while
# the dockerd process exists, and on stderr for the socket given with
# --docker-socket (a killed dockerd has no engine entry left).  Expected
# ids, names and init PIDs come from docker inspect, taken before the stop.
#
# The containers outlive the killed dockerd (their shims stay): they are
# removed through its containerd (ctr, namespace moby), and the rest by
# docker_cleanup, by PID and cgroup.
#
#   TOP=. BUILDDIR=build bash tests/live/docker-stop.t
set -u
TOP=${TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
BUILDDIR=${BUILDDIR:-$TOP/build}
CTRTREE=${CTRTREE:-$BUILDDIR/ctrtree}
. "$TOP/tests/lib/tap.sh"
need_root

need_built "$CTRTREE"
TIMEOUT=1000
SLACK=1500
[ "${CT_TEST_ASAN:-0}" = 1 ] && SLACK=2500

# Short: unix socket paths (at most 107 bytes) live under it.
tmp=$(mktemp -d /tmp/h6s.XXXXXX)
on_exit "rm -rf '$tmp'"
. "$TOP/tests/lib/docker.sh"
. "$TOP/tests/lib/rootfs.sh"

missing=$(docker_missing)
command -v ctr >/dev/null || missing="$missing ctr"
if [ -n "$missing" ]; then
	skip "no private dockerd: missing$missing"
	done_testing
	exit
fi
docker_names="h6s-a h6s-b"
# Containers of a killed dockerd: through its containerd, before
# docker_cleanup (registered by docker_start, so run after this).
C() { ctr --connect-timeout 2s --timeout 20s -a "$ctrd/containerd.sock" -n moby "$@"; }
remove_via_ctr() {
	local id
	# Only while our containerd runs: ctr would wait on a dead socket.
	[ -n "$cpid" ] && kill -0 "$cpid" 2>/dev/null || return 0
	for id in $(cat "$tmp/ids" 2>/dev/null); do
		C tasks kill -s SIGKILL "$id" >/dev/null 2>&1
	done
	for id in $(cat "$tmp/ids" 2>/dev/null); do
		for _ in $(seq 50); do
			C tasks delete "$id" >/dev/null 2>&1 && break
			C tasks ls -q 2>/dev/null | grep -qx "$id" || break
			sleep 0.1
		done
		C containers delete "$id" >/dev/null 2>&1
	done
}
docker_start
up=$?
on_exit remove_via_ctr
ok $up "private dockerd answers (pid $dpid, containerd $cpid)"
if [ "$up" != 0 ]; then
	done_testing
	exit
fi
make_busybox_rootfs "$tmp/rootfs" && tar -C "$tmp/rootfs" -c . | D import - h6s-bb >/dev/null
ok $? "busybox image imported"
for n in h6s-a h6s-b; do
	D run -d --name "$n" --network none h6s-bb sleep 100000 >>"$tmp/ids"
	ok $? "$n running"
done

# What docker says, before anything is stopped.
want=$(for n in h6s-a h6s-b; do
	D inspect -f '{{.Id}} {{.Name}} {{.State.Pid}}' "$n"
done | jq -Rc 'split(" ") | {id: .[0], name: (.[1] | ltrimstr("/")), init_pid: (.[2] | tonumber)}' |
	jq -sc 'sort_by(.id)')
ok $([ "$(jq length <<<"$want")" = 2 ] && [ "$(jq '[.[] | select(.init_pid > 0)] | length' <<<"$want")" = 2 ]; echo $?) \
	"(fact) docker inspect: $want"
ids=$(jq -c '[.[].id]' <<<"$want")

ms() { echo $(($(date +%s%N) / 1000000)); }
# run_ct NAME: ctrtree --json on the private socket; sets rc, t, and base:
# the ms of a "ctrtree --json --no-api" just before, the cost of the run
# without engines on this machine at this moment.
run_ct() {
	local t0
	t0=$(ms)
	"$CTRTREE" --json --no-api >/dev/null 2>&1
	base=$(($(ms) - t0))
	t0=$(ms)
	"$CTRTREE" --json --docker-socket "$sock" --timeout "$TIMEOUT" >"$tmp/$1.json" 2>"$tmp/$1.err"
	rc=$? t=$(($(ms) - t0))
}
# Our two containers as ctrtree shows them, with or without the name.
ours() { # JSON [name]
	jq -c --argjson ids "$ids" "[.containers[] | select(.id as \$i | \$ids | index(\$i)) |
		{id${2:+, name}, init_pid}] | sort_by(.id)" "$1"
}
want_noname=$(jq -c '[.[] | {id, init_pid}]' <<<"$want")
docker_engine() { jq -c --argjson p "$dpid" '[.engines[] | select(.pid == $p) | .reachable, .error]' "$1"; }

# ---- answering: the reference.
run_ct up
is "$rc/$(cat "$tmp/up.err")" "0/" "dockerd answering: exit 0, nothing on stderr"
is "$(docker_engine "$tmp/up.json")" '[true,null]' "dockerd answering: reachable"
is "$(ours "$tmp/up.json" name)" "$want" "dockerd answering: both containers, names and inits as docker inspect says"

# ---- stopped.
kill -STOP "$dpid"
state() { awk '{ sub(/.*\) /, ""); print $1 }' "/proc/$dpid/stat"; }
stopped() { [ "$(state)" = T ]; }
wait_for 5 stopped
ok $? "(fact) dockerd $dpid is stopped (state $(state))"
run_ct stopped
is "$rc" 0 "dockerd stopped: exit 0"
ok $([ "$t" -lt $((TIMEOUT + SLACK + base)) ]; echo $?) \
	"dockerd stopped: done in $t ms (--timeout $TIMEOUT, allowed < $TIMEOUT + $SLACK + $base ms without engines)"
is "$(docker_engine "$tmp/stopped.json")" '[false,"GET /_ping: timed out after 1000 ms"]' \
	"dockerd stopped: flagged unreachable, with the reason"
grep -qxF "ctrtree: Docker API on $sock: GET /_ping: timed out after 1000 ms" "$tmp/stopped.err"
ok $? "dockerd stopped: stderr names the socket and the timeout ($(head -c 300 "$tmp/stopped.err"))"
is "$(ours "$tmp/stopped.json" name)" "$want" \
	"dockerd stopped: both containers, names (dockerd's records) and inits still shown"
is "$(jq -c --argjson ids "$ids" '[.containers[] | select(.id as $i | $ids | index($i)) | .engine] | unique' "$tmp/stopped.json")" \
	'["docker"]' "dockerd stopped: still Docker's containers"
kill -CONT "$dpid"

# ---- killed: its socket file stays, nobody listens on it.
kill -KILL "$dpid"
wait "$dpid" 2>/dev/null
ok $([ ! -d "/proc/$dpid" ] && [ -S "$sock" ]; echo $?) "(fact) dockerd $dpid is gone, its socket file is left"
dead=$dpid
dpid=
run_ct killed
is "$rc" 0 "dockerd killed: exit 0"
ok $([ "$t" -lt $((TIMEOUT + SLACK + base)) ]; echo $?) \
	"dockerd killed: done in $t ms (--timeout $TIMEOUT, allowed < $TIMEOUT + $SLACK + $base ms without engines)"
grep -qxF "ctrtree: Docker API on $sock: GET /_ping: connect: Connection refused" "$tmp/killed.err"
ok $? "dockerd killed: stderr names the socket and the refusal ($(head -c 300 "$tmp/killed.err"))"
is "$(jq --argjson p "$dead" '[.engines[] | select(.pid == $p)] | length' "$tmp/killed.json")" 0 \
	"dockerd killed: no engine entry for the dead dockerd"
is "$(ours "$tmp/killed.json")" "$want_noname" \
	"dockerd killed: both containers and their inits still shown (containerd, shims, cgroups)"
is "$(jq -c --argjson ids "$ids" '[.containers[] | select(.id as $i | $ids | index($i)) | .engine] | unique' "$tmp/killed.json")" \
	'["docker"]' "dockerd killed: still Docker's containers (containerd namespace moby)"
diag "dockerd killed: names now $(jq -c --argjson ids "$ids" '[.containers[] | select(.id as $i | $ids | index($i)) | .name]' "$tmp/killed.json")"

# ---- leave nothing behind.
remove_via_ctr
docker_cleanup
is "$(our_pids | wc -l)" 0 "no process of ours left (dockerd, containerd, shims, containers)"
is "$(our_mounts | wc -l)" 0 "no mount left under $tmp"
left=0
for id in $(cat "$tmp/ids"); do
	ls -d /sys/fs/cgroup/*/docker/"$id" /sys/fs/cgroup/docker/"$id" 2>/dev/null | grep -q . && left=1
done
is "$left" 0 "no cgroup of our containers left"
done_testing
