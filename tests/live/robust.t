# Bad conditions: processes vanishing mid-scan, not root, a closed or full
# stdout.  Never a crash, never a hang, always a clear message.
. "$TOP/tests/lib/tap.sh"

tmp=$(mktemp -d)
on_exit rm -rf "$tmp"

# --- churn: hundreds of short-lived processes a second while we scan.
# The processes alive before and after the scans are the reference: their
# start times, read here from /proc, must be what ctrtree reports.
stable_starts() {
	for d in /proc/[0-9]*; do
		awk '{ p = $1; sub(/.*\) /, ""); print p, $20 }' "$d/stat" 2>/dev/null
	done | sort
}
stable_starts >"$tmp/before"
churn() { while :; do /bin/true; sh -c ':' & wait; done; }
churn & c1=$!
churn & c2=$!
on_exit "kill $c1 $c2"
fails=0 bad_json=0
for i in $(seq 40); do
	if ! "$CTRTREE" --json >"$tmp/c$i.json" 2>"$tmp/c.err"; then
		fails=$((fails + 1))
		continue
	fi
	jq -e . "$tmp/c$i.json" >/dev/null 2>&1 || bad_json=$((bad_json + 1))
done
kill "$c1" "$c2" 2>/dev/null; wait "$c1" "$c2" 2>/dev/null
stable_starts >"$tmp/after"
comm -12 "$tmp/before" "$tmp/after" >"$tmp/stable"
mixed=0 checked=0
for i in $(seq 40); do
	[ -f "$tmp/c$i.json" ] || continue
	jq -r '.processes[] | "\(.pid) \(.start_time)"' "$tmp/c$i.json" | sort >"$tmp/got"
	# Every stable pid must appear with exactly its start time.
	while read -r pid start; do
		checked=$((checked + 1))
		grep -qx "$pid $start" "$tmp/got" || mixed=$((mixed + 1))
	done <"$tmp/stable"
done
diag "checked $checked (pid, start time) pairs of $(wc -l <"$tmp/stable") stable processes"
is "$fails" 0 "40 scans under fork/exit churn all exit 0"
is "$bad_json" 0 "every scan under churn is valid JSON"
is "$mixed" 0 "every stable process reported, with its own start time"

# --- not root: partial data, clearly marked, exit 0.
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
	setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all \
		"$CTRTREE" --json >"$tmp/nr.json" 2>"$tmp/nr.err"
	ok $? "as nobody: exit 0"
	grep -q "not running as root" "$tmp/nr.err"
	ok $? "as nobody: a warning says the data is partial"
	is "$(jq -r .host.partial "$tmp/nr.json")" true "as nobody: host.partial is true"
	is "$(jq -r '[.processes[] | select(.uid == 0 and .kernel_thread != true) | .unavailable // [] | index("namespaces") != null] | all' "$tmp/nr.json")" \
		true "as nobody: root's processes have their namespaces marked unavailable"
	setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all \
		"$CTRTREE" -o PID,NETNS,COMMAND >"$tmp/nr.txt" 2>&1
	ok $? "as nobody: text output exits 0"
	grep -qE '^ +1 +\? ' "$tmp/nr.txt"
	ok $? "as nobody: unreadable namespaces are shown as '?'"
else
	skip "needs root and setpriv to drop to nobody"
fi

# --- stdout trouble.
"$CTRTREE" >&- 2>"$tmp/closed.err"
rc=$?
is "$rc" 1 "closed stdout: exit 1"
grep -q "write error" "$tmp/closed.err"
ok $? "closed stdout: 'write error' on stderr"
"$CTRTREE" --json >/dev/full 2>"$tmp/full.err"
is "$?" 1 "full disk: exit 1"
grep -q "No space left" "$tmp/full.err"
ok $? "full disk: the cause is named"
"$CTRTREE" | head -n 1 >/dev/null
rc=${PIPESTATUS[0]}
ok $([ "$rc" = 0 ] || [ "$rc" = 141 ]; echo $?) "reader closing the pipe early: clean exit or SIGPIPE ($rc)"
"$CTRTREE" </dev/null 2>&- >/dev/null
is "$?" 0 "stdin and stderr closed: exit 0"

# --- usage.
"$CTRTREE" --help | grep -q '^Usage:'
ok $? "--help prints usage to stdout"
"$CTRTREE" --bogus >/dev/null 2>"$tmp/u.err"
is "$?" 1 "an unknown option exits 1"
grep -q "Try 'ctrtree --help'" "$tmp/u.err"
ok $? "an unknown option points to --help"
"$CTRTREE" --list-columns | grep -q NETNS
ok $? "--list-columns lists NETNS"
done_testing
