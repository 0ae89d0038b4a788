#!/bin/bash
# Misbehaving daemons: ctrtree against a fake Docker daemon
# (tests/fake/fake-docker.py) and a fake containerd (tests/fake/fake-containerd.py)
# on sockets in a temporary directory, one misbehaviour at a time.
#
#  - Valid replies (also in 1-byte chunks or 1-byte HTTP/2 DATA frames, and
#    a server that wants a newer API): ctrtree's JSON shows exactly the
#    containers the fake sent, compared with the fake's own record of its
#    reply (written by the fake, read here with jq).
#  - Faults (bogus chunk sizes, early EOF, a 200 MiB body, a status line
#    libcurl misreads (HTTP/2 12345), a stall after the headers, an
#    API-version error, a gRPC error, a server running as uid 65534 on a
#    socket root owns): ctrtree exits 0 within --timeout
#    plus SLACK, names the socket and the fault (stderr for the Docker
#    socket given with --docker-socket, engines[].error for the containerd),
#    keeps none of the reply, and still prints the /proc tree (this
#    script's own shell is in it).
#  - Memory: the peak RSS of every run (wait4's rusage) stays under that
#    of --no-api runs just before and after plus 16 MiB, twice the Docker client's
#    8 MiB body limit (the containerd client refuses a message over 16 MiB by its
#    length prefix, before reading it).
#  - The trust rule (ctrtree(1)): a server of another uid is refused unless
#    it owns its socket (the "rootless" fake, uid 65534 on its own socket,
#    is answered).
#
# "In time" is TIMEOUT + SLACK + what a "ctrtree --no-api" run takes at the
# moment (about 150 ms on an idle 2-CPU VM, seconds on a loaded one).  Under
# ASan (CT_TEST_ASAN=1) the same runs, with SLACK 2500 ms and no RSS limit
# (shadow memory and the allocator's quarantine say nothing of our buffers).
#
#   TOP=. BUILDDIR=build bash tests/live/daemons.t
set -u
TOP=${TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
BUILDDIR=${BUILDDIR:-$TOP/build}
CTRTREE=${CTRTREE:-$BUILDDIR/ctrtree}
. "$TOP/tests/lib/tap.sh"
need_root

need_built "$CTRTREE"
# The fakes need python3 (the containerd one also python3-h2, which Debian
# installs for /usr/bin/python3, not for other pythons on PATH).
PY=
for p in /usr/bin/python3 python3; do
	command -v "$p" >/dev/null 2>&1 && { PY=$(command -v "$p"); break; }
done
if [ -z "$PY" ] || ! command -v jq >/dev/null; then
	echo "1..0 # SKIP python3 or jq missing"
	exit 0
fi
PYH2=
for p in /usr/bin/python3 python3; do
	if command -v "$p" >/dev/null 2>&1 && "$p" -c 'import h2' 2>/dev/null; then
		PYH2=$(command -v "$p")
		break
	fi
done

FAKE_D=$TOP/tests/fake/fake-docker.py
FAKE_C=$TOP/tests/fake/fake-containerd.py
TIMEOUT=1000
SLACK=1500
BODY_CAP_KB=$((16 * 1024))
if [ "${CT_TEST_ASAN:-0}" = 1 ]; then
	SLACK=2500
fi

# Short: unix socket paths are at most 107 bytes.
tmp=$(mktemp -d /tmp/h6d.XXXXXX)
on_exit "rm -rf '$tmp'"
FAKEPID=
stop_fake() {
	[ -n "$FAKEPID" ] || return 0
	kill "$FAKEPID" 2>/dev/null
	wait "$FAKEPID" 2>/dev/null
	FAKEPID=
}
on_exit stop_fake

# run_ct OUT ERR ARGS...: ctrtree ARGS >OUT 2>ERR; sets rc, ms, rss (KiB,
# its peak resident set, from wait4's rusage), and base, base_rss: the
# larger of two "ctrtree --json --no-api" runs, just before and just after,
# what a run costs without any engine on this machine at this moment (the
# load and the process count that other tests make move a lot on a shared
# VM, and the /proc scan grows with the process count).
run_ct() {
	local out=$1 err=$2
	shift 2
	read -r rc ms rss base base_rss < <("$PY" - "$out" "$err" "$CTRTREE" "$@" <<'EOF'
import os, subprocess, sys, time
def run(argv, out, err):
    t = time.monotonic()
    p = subprocess.Popen(argv, stdout=out, stderr=err, stdin=subprocess.DEVNULL)
    _, status, ru = os.wait4(p.pid, 0)
    p.returncode = os.waitstatus_to_exitcode(status)
    return p.returncode, int((time.monotonic() - t) * 1000), ru.ru_maxrss
noapi = [sys.argv[3], "--json", "--no-api"]
_, base, base_rss = run(noapi, subprocess.DEVNULL, subprocess.DEVNULL)
with open(sys.argv[1], "w") as out, open(sys.argv[2], "w") as err:
    rc, ms, rss = run(sys.argv[3:], out, err)
_, after, after_rss = run(noapi, subprocess.DEVNULL, subprocess.DEVNULL)
print(rc, ms, rss, max(base, after), max(base_rss, after_rss))
EOF
	)
}
in_time() { [ "$ms" -lt $((TIMEOUT + SLACK + base)) ]; }
limit() { echo "--timeout $TIMEOUT, allowed < $TIMEOUT + $SLACK + $base ms without engines"; }

# The checks every faulty run shares: exit 0 in time, the tree printed, RSS.
common_checks() { # WHAT JSON
	is "$rc" 0 "$1: ctrtree exits 0"
	in_time
	ok $? "$1: done in $ms ms ($(limit))"
	is "$(jq --argjson p $$ '[.processes[] | select(.pid == $p)] | length' "$2" 2>&1)" 1 \
		"$1: the /proc tree is still there (this shell, pid $$)"
	rss_check "$1"
}
rss_check() { # WHAT
	if [ "${CT_TEST_ASAN:-0}" = 1 ]; then
		skip "$1: peak RSS ($rss KiB) is not measured under ASan"
		return
	fi
	ok $([ "$rss" -le $((base_rss + BODY_CAP_KB)) ]; echo $?) \
		"$1: peak RSS $rss KiB <= $base_rss (--no-api) + $BODY_CAP_KB KiB"
}

# ---- the fake Docker daemon
DS=$tmp/d.sock
start_docker() { # MODE
	rm -f "$DS"
	"$PY" "$FAKE_D" "$DS" "$1" "$tmp/d-reply.json" 2>>"$tmp/fake.log" &
	FAKEPID=$!
	wait_for 10 test -S "$DS"
}
# The fake's containers as ctrtree-json(5) describes them, from its record.
want_docker='[.[] | {id: .Id, name: (.Names[0] | ltrimstr("/")), image: .Image, status: .State,
	labels: .Labels, ports: [.Ports[] | {host_ip: .IP, host_port: .PublicPort,
	container_port: .PrivatePort, proto: .Type}]}] | sort_by(.id)'
got_docker='[.containers[] | select(.sources | index("docker-api")) | {id, name, image, status,
	labels, ports: [.ports[] | {host_ip, host_port, container_port, proto}]}] | sort_by(.id)'

for mode in valid chunked1 too-old; do
	if ! start_docker "$mode"; then
		ok 1 "fake docker '$mode' started"
		stop_fake
		continue
	fi
	run_ct "$tmp/out.json" "$tmp/err" --json --docker-socket "$DS" --timeout "$TIMEOUT"
	is "$rc" 0 "docker $mode: ctrtree exits 0"
	is "$(cat "$tmp/err")" "" "docker $mode: nothing on stderr"
	want=$(jq -cS "$want_docker" "$tmp/d-reply.json")
	ok $([ "$(jq '. | length' <<<"$want")" = 3 ]; echo $?) "docker $mode: (fact) the fake sent 3 containers"
	is "$(jq -cS "$got_docker" "$tmp/out.json" 2>&1)" "$want" \
		"docker $mode: exactly the fake's containers (id, name, image, state, labels, ports)"
	in_time
	ok $? "docker $mode: done in $ms ms ($(limit))"
	rss_check "docker $mode"
	diag "docker $mode: $ms ms, peak RSS $rss KiB"
	stop_fake
done

# MODE and the message (grep -E) that must follow "Docker API on SOCKET: ".
while read -r mode pattern; do
	if ! start_docker "$mode"; then
		ok 1 "fake docker '$mode' started"
		stop_fake
		continue
	fi
	run_ct "$tmp/out.json" "$tmp/err" --json --docker-socket "$DS" --timeout "$TIMEOUT"
	common_checks "docker $mode" "$tmp/out.json"
	msg=$(grep -F "Docker API on $DS: " "$tmp/err")
	grep -qE -- "$pattern" <<<"$msg"
	ok $? "docker $mode: says so on stderr: $msg"
	is "$(jq "$got_docker | length" "$tmp/out.json" 2>&1)" 0 "docker $mode: no container from the broken reply"
	diag "docker $mode: $ms ms, peak RSS $rss KiB"
	if [ "$mode" = stall ]; then
		ok $([ "$ms" -ge $((TIMEOUT - 100)) ]; echo $?) "docker stall: waited for the timeout ($ms ms)"
	fi
	if [ "$mode" = early-eof ]; then
		# The text tree too: this shell's line is printed.
		run_ct "$tmp/out.txt" "$tmp/err" -r -n -o PID --docker-socket "$DS" --timeout "$TIMEOUT"
		grep -qx "$$" "$tmp/out.txt"
		ok $? "docker $mode: the text tree still lists this shell (rc $rc, $ms ms)"
	fi
	stop_fake
done <<'EOF'
chunk-nonhex containers/json\?all=1: .*chunked-encoding
chunk-negative containers/json\?all=1: .*chunked-encoding
chunk-huge containers/json\?all=1: .*chunked-encoding
early-eof containers/json\?all=1: .*closed with 1000 bytes remaining
big-length containers/json\?all=1: response larger than 8 MiB
big-chunked containers/json\?all=1: response larger than 8 MiB
stall containers/json\?all=1: timed out after 1000 ms
bad-status containers/json\?all=1: malformed reply: HTTP status 12345
api-version GET /v1.41/version: HTTP 400: client version 1.41 is too new
non-root GET /_ping: refused: the server runs as uid 65534 \(pid [0-9]+\), neither root nor the socket's owner \(uid 0\)
EOF

# A server running as the owner of its socket is trusted (a rootless
# engine's own socket): uid 65534 binds in a directory of its own.
mkdir "$tmp/u" && chown 65534:65534 "$tmp/u" && chmod 711 "$tmp"
DS=$tmp/u/d.sock
if start_docker rootless; then
	is "$(stat -c %u "$DS")" 65534 "docker rootless: (fact) uid 65534 owns the socket"
	run_ct "$tmp/out.json" "$tmp/err" --json --docker-socket "$DS" --timeout "$TIMEOUT"
	is "$rc/$(cat "$tmp/err")" "0/" "docker rootless: exit 0, nothing on stderr"
	is "$(jq -cS "$got_docker" "$tmp/out.json" 2>&1)" "$(jq -cS "$want_docker" "$tmp/d-reply.json")" \
		"docker rootless: trusted: exactly the fake's containers"
else
	ok 1 "fake docker 'rootless' started"
fi
stop_fake

# ---- the fake containerd
if [ -z "$PYH2" ]; then
	skip "python3-h2 missing: no fake containerd"
	done_testing
	exit
fi
CS=$tmp/containerd.sock
NS=h6ns$$
sleep 1000 &
task=$!
on_exit "kill $task"
start_containerd() { # MODE
	rm -f "$CS"
	"$PYH2" "$FAKE_C" "$CS" "$1" "$NS" "$task" "$tmp/c-reply.json" 2>>"$tmp/fake.log" &
	FAKEPID=$!
	wait_for 10 test -S "$CS"
}
# Docker on a missing socket: no real dockerd of the host is asked.
CT_ARGS=(--json --docker-socket "$tmp/no-docker.sock" --timeout "$TIMEOUT")
want_ctrd='[.containers[] | {id, image, runtime, labels,
	status: (if .task == null then null elif .task.status == 2 then "running"
		 elif .task.status == 3 then "stopped" else "?" end),
	init_pid: (if .task != null and .task.status == 2 then .task.pid else null end)}] | sort_by(.id)'
got_ctrd='[.containers[] | select(.engine == "containerd" and .engine_namespace == $ns) |
	{id, image, runtime, labels, status, init_pid}] | sort_by(.id)'
engine() { jq -c --argjson p "$FAKEPID" '[.engines[] | select(.pid == $p) | .kind, .socket, .version, .reachable, .error]' "$1"; }

for mode in valid data1; do
	if ! start_containerd "$mode"; then
		ok 1 "fake containerd '$mode' started ($(tail -n 3 "$tmp/fake.log"))"
		stop_fake
		continue
	fi
	is "$(tr '\0' ' ' </proc/$FAKEPID/cmdline)/$(cat /proc/$FAKEPID/comm)" "containerd --address $CS /containerd" \
		"containerd $mode: (fact) the fake looks like a containerd"
	run_ct "$tmp/out.json" "$tmp/err" "${CT_ARGS[@]}"
	is "$rc" 0 "containerd $mode: ctrtree exits 0"
	is "$(engine "$tmp/out.json")" \
		"$(jq -c --arg s "$CS" '["containerd", $s, .version, true, null]' "$tmp/c-reply.json")" \
		"containerd $mode: the engine, on its --address, with the fake's version, reachable"
	want=$(jq -cS "$want_ctrd" "$tmp/c-reply.json")
	ok $([ "$(jq '. | length' <<<"$want")" = 3 ]; echo $?) "containerd $mode: (fact) the fake sent 3 containers"
	is "$(jq -cS --arg ns "$NS" "$got_ctrd" "$tmp/out.json" 2>&1)" "$want" \
		"containerd $mode: exactly the fake's containers in $NS (id, image, runtime, labels, status, init)"
	is "$(jq -r --argjson p "$task" '.processes[] | select(.pid == $p) | .container' "$tmp/out.json")" h6c-run \
		"containerd $mode: the task's init (pid $task) belongs to h6c-run"
	in_time
	ok $? "containerd $mode: done in $ms ms ($(limit))"
	rss_check "containerd $mode"
	stop_fake
done

while read -r mode pattern; do
	if ! start_containerd "$mode"; then
		ok 1 "fake containerd '$mode' started"
		stop_fake
		continue
	fi
	run_ct "$tmp/out.json" "$tmp/err" "${CT_ARGS[@]}"
	common_checks "containerd $mode" "$tmp/out.json"
	e=$(engine "$tmp/out.json")
	is "$(jq -c '.[0:4]' <<<"$e")" "$(jq -cn --arg s "$CS" '["containerd", $s, null, false]')" \
		"containerd $mode: the engine on $CS is flagged unreachable"
	why=$(jq -r '.[4]' <<<"$e")
	grep -qE -- "$pattern" <<<"$why"
	ok $? "containerd $mode: engines[].error says why: $why"
	is "$(jq --arg ns "$NS" "$got_ctrd | length" "$tmp/out.json" 2>&1)" 0 \
		"containerd $mode: no container from the broken reply"
	diag "containerd $mode: $ms ms, peak RSS $rss KiB"
	stop_fake
done <<'EOF'
eof ^Containers.List in namespace h6ns[0-9]+: the server closed the connection in mid-reply
huge ^Containers.List in namespace h6ns[0-9]+: response message of 209715200 bytes exceeds the limit
stall ^Containers.List in namespace h6ns[0-9]+: timed out after 1000 ms
grpc-error ^Namespaces.List: grpc-status 14 \(UNAVAILABLE\): fake: namespace store unavailable
non-root ^Version: refused: the server runs as uid 65534 \(pid [0-9]+\), neither root nor the socket's owner \(uid 0\)
EOF

kill "$task" 2>/dev/null
wait "$task" 2>/dev/null
done_testing
