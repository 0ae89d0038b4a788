# Fork/exit churn of thousands of processes a second for 60 s (issue 6,
# point 2b): every ctrtree --json run in that time, at least 100 in a row,
# exits 0 with JSON that jq accepts, and reports every process alive
# throughout with its own start time (read here from /proc by awk).
# The sanitizer pass churns for 15 s and needs 30 runs.
. "$TOP/tests/lib/tap.sh"

churn=$BUILDDIR/tests/hostile/churn
if [ ! -x "$churn" ]; then
	echo "1..0 # SKIP needs $churn"
	exit 0
fi
secs=60 min_runs=100
[ "${CT_TEST_ASAN:-0}" = 1 ] && secs=15 min_runs=30

tmp=$(mktemp -d)
on_exit rm -rf "$tmp"

# "PID START-TIME" of every process now, by awk from /proc/PID/stat.
stable_starts() {
	cat /proc/[0-9]*/stat 2>/dev/null | awk '{ p = $1; sub(/.*\) /, ""); print p, $20 }' | sort
}
stable_starts >"$tmp/before"
pids=()
for i in 1 2 3; do
	"$churn" "$secs" >"$tmp/churn$i" 2>&1 &
	pids+=($!)
	on_exit "kill ${pids[-1]}"
done
runs=0 fails=0 bad_json=0
# Runs until the churners are done, so that all of them ran under churn.
while kill -0 "${pids[@]}" 2>/dev/null; do
	runs=$((runs + 1))
	"$CTRTREE" --json >"$tmp/r$runs.json" 2>"$tmp/r$runs.err"
	rc=$?
	if [ "$rc" != 0 ]; then
		[ "$fails" = 0 ] && diag "run $runs exited $rc: $(head -c 300 "$tmp/r$runs.err")"
		fails=$((fails + 1))
	fi
	# jq -e . accepts an empty file: there must be one object too.
	{ jq -e . "$tmp/r$runs.json" && jq -n -e 'input | type == "object"' "$tmp/r$runs.json"; } >/dev/null 2>&1 ||
		bad_json=$((bad_json + 1))
done
# The last run may have started as the churners ended: not counted.
rm -f "$tmp/r$runs.json"
runs=$((runs - 1))
wait "${pids[@]}"
stable_starts >"$tmp/after"
forks=$(cat "$tmp"/churn[123] | awk '{ s += $1 } END { print s + 0 }')
diag "3 churners forked and reaped $forks processes in $secs s: $((forks / secs))/s; $runs ctrtree runs"
ok $([ $((forks / secs)) -ge 2000 ]; echo $?) "the churn was thousands of processes a second ($((forks / secs))/s)"
ok $([ "$runs" -ge "$min_runs" ]; echo $?) "at least $min_runs ctrtree runs under churn ($runs)"
is "$fails" 0 "every ctrtree --json run under churn exited 0"
is "$bad_json" 0 "every run's output is JSON that jq -e accepts"

comm -12 "$tmp/before" "$tmp/after" >"$tmp/stable"
# One jq for all runs: "RUN PID START" lines.
jq -r 'input_filename as $f | .processes[] | "\($f | sub(".*/r"; "") | sub("[.]json$"; "")) \(.pid) \(.start_time)"' \
	"$tmp"/r*.json >"$tmp/got" 2>/dev/null
# For each run, every stable (pid, start time) pair must be there.
missing=$(awk -v runs="$runs" 'NR == FNR { want[$1 " " $2] = 1; n++; next }
	($2 " " $3) in want { have[$1]++ }
	END { for (i = 1; i <= runs; i++) m += n - have[i]; print m + 0 }' "$tmp/stable" "$tmp/got")
diag "$(wc -l <"$tmp/stable") processes alive throughout, checked in each of $runs runs"
is "$missing" 0 "every run reports every stable process, with its own start time"
done_testing
