# Depth (issue 6, point 2c): a real chain of 50,000 processes, each the
# parent of the next, and a saved snapshot with a 50,000-deep chain and a
# PPID cycle, rendered as text and JSON under the default 8 MB stack and a
# time limit.  The chain's depth is checked against a walk of /proc by awk.
. "$TOP/tests/lib/tap.sh"
need_root

chain=$BUILDDIR/tests/hostile/chain
if [ ! -x "$chain" ]; then
	echo "1..0 # SKIP needs $chain"
	exit 0
fi
depth=50000
limit=120 # seconds per ctrtree run: "bounded time"

tmp=$(mktemp -d)
on_exit rm -rf "$tmp"

# Deepest-to-ROOT hops + 1 over "pid ppid" lines on stdin.
chain_len() { # DEEPEST ROOT
	awk -v p="$1" -v root="$2" '{ up[$1] = $2 }
		END { n = 1; while (p != root && (p in up) && n <= 1000000) { p = up[p]; n++ }
		      print p == root ? n : -1 }'
}
# A run of ctrtree under the default 8 MB stack, with a time limit.
ctrtree_run() { # OUT ARGS...
	local out=$1 t0
	shift
	t0=$(date +%s%N)
	(ulimit -s 8192 && timeout "$limit" "$CTRTREE" "$@") >"$out" 2>"$out.err"
	rc=$?
	took=$(($(date +%s%N) - t0))
	took=$((took / 1000000000)).$(printf %03d $((took / 1000000 % 1000)))
}

# --- the snapshot: its own process table, so it needs no pids.
python3 - "$TOP/tests/fixtures/ppid-cycle.json" "$depth" >"$tmp/deep.json" <<'EOF'
import copy, json, sys
snap = json.load(open(sys.argv[1]))
depth = int(sys.argv[2])
tmpl = next(p for p in snap["processes"] if p["comm"] == "sshd")
for k in range(depth):
    p = copy.deepcopy(tmpl)
    p.update(pid=100000 + k, ppid=100000 + k - 1 if k else tmpl["pid"], start_time=600 + k,
             comm="deep", cmdline=["deep", str(k)])
    snap["processes"].append(p)
json.dump(snap, sys.stdout)
EOF
ok $? "a snapshot with a $depth-deep chain and the fixture's PPID cycle"
ctrtree_run "$tmp/load.txt" --load "$tmp/deep.json" -o PID,PPID,COMM
is "$rc" 0 "--load, text: exit 0 (${took}s)"
is "$(awk '$3 == "deep"' "$tmp/load.txt" | wc -l)" "$depth" "--load, text: all $depth of the chain shown"
is "$(awk '$1 ~ /^31[123]$/' "$tmp/load.txt" | wc -l)" 3 "--load, text: the three processes of the cycle shown"
ctrtree_run "$tmp/load.json" --load "$tmp/deep.json" --json
is "$rc" 0 "--load, JSON: exit 0 (${took}s)"
is "$(jq -r '.processes[] | "\(.pid) \(.ppid)"' "$tmp/load.json" | chain_len $((100000 + depth - 1)) 100000)" \
	"$depth" "--load, JSON: the chain is $depth deep by its ppids"
# The lowest pid of a cycle has its link cut and marked (ctrtree.schema.json).
is "$(jq -c '[.processes[] | select(.ppid_cycle == true) | .pid]' "$tmp/load.json")" '[311]' \
	"--load, JSON: the cycle 311 <-> 312 is cut at 311, and only there"

# --- the real chain.  The sanitizer pass builds a 10,000-deep one: the
# full 50,000 runs in the plain pass (the snapshot above is full in both).
[ "${CT_TEST_ASAN:-0}" = 1 ] && depth=10000
old_max=$(cat /proc/sys/kernel/pid_max)
nprocs=$(ls -d /proc/[0-9]* 2>/dev/null | wc -l)
need=$((nprocs + depth + 20000))
if [ "$(cat /proc/sys/kernel/threads-max)" -lt "$need" ]; then
	skip "threads-max is below $need"
	done_testing
	exit
fi
if [ "$old_max" -lt "$need" ]; then
	# Room for the chain and for everyone else; put back at the end.
	echo $((need * 2)) >/proc/sys/kernel/pid_max
	on_exit "echo $old_max >/proc/sys/kernel/pid_max"
	diag "pid_max raised from $old_max to $((need * 2)) for the test"
fi
t0=$SECONDS
"$chain" "$depth" >"$tmp/deepest" 2>"$tmp/chain.err" &
root=$!
on_exit "kill -KILL -- -$root"
# Killing the deepest unwinds the chain, each process reaped by its own
# parent; killing all at once would leave 50,000 orphans to PID 1.
unwind() {
	kill -KILL "$(cat "$tmp/deepest")" && wait "$root"
}
wait_for 300 test -s "$tmp/deepest"
ok $? "a chain of $depth processes built ($((SECONDS - t0)) s)"
deepest=$(cat "$tmp/deepest")
cat /proc/[0-9]*/stat 2>/dev/null | awk '{ p = $1; sub(/.*\) /, ""); print p, $2 }' >"$tmp/proc-ppids"
is "$(chain_len "$deepest" "$root" <"$tmp/proc-ppids")" "$depth" \
	"the chain is $depth deep by /proc's ppids (an awk walk)"

ctrtree_run "$tmp/live.txt" -o PID,PPID,COMM
is "$rc" 0 "live, text: exit 0 (${took}s)"
is "$(awk '$3 == "chain"' "$tmp/live.txt" | wc -l)" "$depth" "live, text: all $depth of the chain shown"
ctrtree_run "$tmp/live.json" --json
is "$rc" 0 "live, JSON: exit 0 (${took}s)"
jq -e . "$tmp/live.json" >/dev/null 2>&1
ok $? "live, JSON: jq accepts it"
is "$(jq -r '.processes[] | "\(.pid) \(.ppid)"' "$tmp/live.json" | chain_len "$deepest" "$root")" "$depth" \
	"live, JSON: the chain is $depth deep by its ppids"
ctrtree_run "$tmp/root.json" --json -p "$root"
is "$rc" 0 "live, JSON, -p the chain's first: exit 0 (${took}s)"
is "$(jq '.processes | length' "$tmp/root.json")" "$depth" "live, JSON, -p the chain's first: $depth processes"
ctrtree_run "$tmp/deepest.txt" -p "$deepest" -o PID,COMM
is "$rc" 0 "live, text, -p the deepest: exit 0 (${took}s)"
is "$(awk 'NR > 1 { print $1 }' "$tmp/deepest.txt")" "$deepest" "live, text, -p the deepest: that one process"
t0=$SECONDS
unwind
ok $? "the chain unwound ($((SECONDS - t0)) s)"
done_testing
