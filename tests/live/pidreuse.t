# PID reuse forced inside the tools' own windows (issue 6, points 2a and 6b).
# tests/hostile/pid-reuse runs the tool under ptrace in a fresh PID
# namespace and, at a chosen system call, kills and reaps a victim process
# and forks a replacement onto its PID (ns_last_pid): other comm, argv,
# start time and namespace.  Its manifest has both identities, read from
# /proc and stat(2); what the tool printed is checked against them.
# The sanitizer pass runs 200 trials of each instead of 1,000, without
# LeakSanitizer (it cannot work in a traced process).
. "$TOP/tests/lib/tap.sh"
need_root

reuse=$BUILDDIR/tests/hostile/pid-reuse
if [ ! -x "$reuse" ] || [ ! -w /proc/sys/kernel/ns_last_pid ]; then
	echo "1..0 # SKIP needs $reuse and a writable ns_last_pid"
	exit 0
fi
trials=1000
if [ "${CT_TEST_ASAN:-0}" = 1 ]; then
	trials=200
	# LeakSanitizer stops the world with ptrace, which a traced process
	# cannot: it would fail every run.  Leaks are checked by the other tests.
	export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0
fi

tmp=$(mktemp -d)
on_exit rm -rf "$tmp"

# --- 2a: ctrtree's collector.  Windows: 0 listed but not opened, 1 opened
# but nothing read, 2 stat read but not status, 3 argv read but not the
# cgroup, 4 everything read but the namespaces.
mkdir "$tmp/scan"
start=$SECONDS
"$reuse" -m scan -n "$trials" -o "$tmp/scan" -- "$CTRTREE" --json --no-api 2>"$tmp/scan.err"
ok $? "2a: $trials forced reuses of a scanned PID ran ($((SECONDS - start)) s)"
# Every node each run printed: trial, pid, start time, comm, argv, uts ns.
is "$(jq -n '[inputs | .schema] | length' "$tmp"/scan/*.out 2>&1)" "$trials" "2a: every run printed valid JSON"
jq -r 'input_filename as $f | .processes[] | [($f | sub(".*/"; "") | sub("[.]out$"; "")), .pid, .start_time,
	.comm, (.cmdline | join(" ")), (.namespaces.uts // "none")] | @tsv' "$tmp"/scan/*.out >"$tmp/nodes"
is "$(awk -F'\t' '$13 != 0' "$tmp/scan/manifest" | wc -l)" 0 "2a: every run exited 0"
is "$(awk -F'\t' '$4 == "keeper"' "$tmp/nodes" | wc -l)" "$trials" \
	"2a: the process alive throughout is in every run's output"
# The node at the victim's PID: wholly the victim, wholly the replacement,
# or absent; anything else mixes two processes.
awk -F'\t' '
	NR == FNR { v[$1] = $5 "\t" $6 "\t" $7 "\t" $8; r[$1] = $9 "\t" $10 "\t" $11 "\t" $12
		    pid[$1] = $4; win[$1] = $2; hit[$1] = $3; next }
	$2 == pid[$1] { seen[$1] = $3 "\t" $4 "\t" $5 "\t" $6 }
	END {
		for (t in pid) {
			w = win[t]; hits[w] += hit[t]; n[w]++
			if (!(t in seen)) out = "absent"
			else if (seen[t] == v[t]) out = "victim"
			else if (seen[t] == r[t]) out = "replacement"
			else { out = "mixed"; print "# mixed: trial " t ": " seen[t] > "/dev/stderr" }
			c[w, out]++
		}
		for (w = 0; w < 5; w++)
			printf "%d %d %d %d %d %d %d\n", w, n[w], hits[w], c[w, "victim"] + 0,
			       c[w, "replacement"] + 0, c[w, "absent"] + 0, c[w, "mixed"] + 0
	}' "$tmp/scan/manifest" "$tmp/nodes" >"$tmp/scan.sum" 2>"$tmp/mixed"
head -n 5 "$tmp/mixed" | sed 's/^/# /'
while read -r w n hits victim repl absent mixed; do
	diag "2a window $w: $n trials, $hits hit; victim $victim, replacement $repl, absent $absent, mixed $mixed"
done <"$tmp/scan.sum"
is "$(awk '{ s += $2 - $3 } END { print s }' "$tmp/scan.sum")" 0 \
	"2a: every trial reached its window and the replacement took the PID"
is "$(awk '{ s += $7 } END { print s }' "$tmp/scan.sum")" 0 \
	"2a: never is a node one process's identity with another's data"
# The victim and the replacement must be told apart by each field.
is "$(awk -F'\t' '$3 == 1 && ($5 == $9 || $6 == $10 || $7 == $11 || $8 == $12)' "$tmp/scan/manifest" | wc -l)" 0 \
	"2a: victim and replacement differ in start time, comm, argv and uts namespace"

# --- 6b: nsenter-lite given PID:STARTTIME.  Windows: 0 before pidfd_open,
# 1 after it, 2 stat opened but not read, 3 before the network namespace is
# opened, 4 before setns().  The victim lives in one network namespace, the
# replacement in another; the command prints the one it was run in.
nsa=ct-pidreuse-a-$$ nsb=ct-pidreuse-b-$$
ip netns add "$nsa" && on_exit ip netns del "$nsa"
ip netns add "$nsb" && on_exit ip netns del "$nsb"
ino_a=$(stat -L -c %i "/run/netns/$nsa")
ino_b=$(stat -L -c %i "/run/netns/$nsb")
nsenter_lite=$BUILDDIR/nsenter-lite
enter_trials() { # OUTDIR TARGET [-w W] TRIALS
	local out=$1 target=$2 n=$3
	shift 3
	mkdir "$out"
	"$reuse" -m enter "$@" -n "$n" -o "$out" -A "/run/netns/$nsa" -B "/run/netns/$nsb" -- \
		"$nsenter_lite" -n "$target" -- readlink /proc/self/ns/net
}
start=$SECONDS
enter_trials "$tmp/enter" '{pid}:{start}' "$trials" 2>"$tmp/enter.err"
ok $? "6b: $trials forced reuses of nsenter-lite's target ran ($((SECONDS - start)) s)"
is "$(awk -F'\t' '$8 != '"$ino_a"' || $12 != '"$ino_b"'' "$tmp/enter/manifest" | wc -l)" 0 \
	"6b: victims were in $nsa, replacements in $nsb (stat -L)"
for w in 0 1 2 3 4; do
	diag "6b window $w: $(awk -F'\t' -v w="$w" '$2 == w { n++; h += $3 } END { print n " trials, " h " hit" }' \
		"$tmp/enter/manifest")"
done
is "$(awk -F'\t' '$3 != 1' "$tmp/enter/manifest" | wc -l)" 0 \
	"6b: every trial reached its window and the replacement took the PID"
is "$(cat "$tmp"/enter/*.out | grep -c "^net:\[$ino_b\]$")" 0 \
	"6b: the command never ran in the replacement's network namespace"
is "$(cat "$tmp"/enter/*.out | wc -c)" 0 "6b: the command never ran at all (the target was gone)"
is "$(awk -F'\t' '$13 != 125 * 256' "$tmp/enter/manifest" | wc -l)" 0 "6b: nsenter-lite always exited 125"
unclear=0
for f in "$tmp"/enter/*.err; do
	grep -qE '^nsenter-lite: process [0-9]+ (has exited|is no longer the one started at [0-9]+ \(this one started at [0-9]+\))$' "$f" && continue
	[ "$unclear" = 0 ] && diag "unclear: $(head -c 200 "$f")"
	unclear=$((unclear + 1))
done
is "$unclear" 0 "6b: every refusal names the process and why (exited, or a different start time)"

# The check above can see a wrong join: given a bare PID nothing can tell
# the replacement from the victim, and nsenter-lite joins it.
enter_trials "$tmp/bare" '{pid}' 20 -w 0 2>>"$tmp/enter.err"
is "$(cat "$tmp"/bare/*.out | grep -c "^net:\[$ino_b\]$")" 20 \
	"control: with a bare PID, all 20 reuses before pidfd_open are joined (so a join is seen)"
done_testing
