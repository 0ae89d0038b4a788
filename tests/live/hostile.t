# Hostile names and sizes: a process whose comm and argv carry escape
# sequences (OSC 52, CSI), bidi overrides, invalid UTF-8, newlines, ')'
# and spaces, and one with an argv of several MB.  ctrtree's text (also as
# a terminal sees it, through a pty) holds no control bytes; its JSON is
# valid and, decoded, gives back the exact bytes /proc holds.
. "$TOP/tests/lib/tap.sh"
CHECK="python3 $TOP/tests/lib/check.py"

tmp=$(mktemp -d)
on_exit rm -rf "$tmp"

evil_comm=$'a) (\e]52;c;cHduZWQ=\a'
evil_args=($'\e[2J\e[H\e]0;owned\a' $'\u202etxt.exe' $'line\nbreak' $'\xff\x9b[31m\xc2\x9b' 'two words' ')(')
# The comm is set from inside (it outlives no exec); argv is bash's own.
bash -c 'printf "%s" "$0" >/proc/$$/comm; while :; do sleep 1; done' "$evil_comm" "${evil_args[@]}" &
evil=$!
on_exit "kill $evil"

# ~3 MB of argv in 100 KB arguments (MAX_ARG_STRLEN is 128 KB).
big=$(head -c 100000 /dev/zero | tr '\0' A)
(ulimit -s 65536; exec -a bigargv bash -c 'while :; do sleep 1; done' $(for i in $(seq 30); do echo "$big"; done)) &
bigpid=$!
on_exit "kill $bigpid"
sleep 0.5

"$CTRTREE" --json >"$tmp/out.json" 2>"$tmp/err"
ok $? "ctrtree --json exits 0"
$CHECK json-valid "$tmp/out.json"
ok $? "JSON is valid UTF-8 with no raw control code points"
jq -e . "$tmp/out.json" >/dev/null
ok $? "jq accepts the JSON"
$CHECK proc-matches "$tmp/out.json" "$evil"
ok $? "hostile process: JSON decodes to the exact comm, argv, ppid, ns, cgroup of /proc"
$CHECK proc-matches "$tmp/out.json" "$bigpid"
ok $? "3 MB argv: a long exact prefix, the rest marked truncated"
is "$(jq -r ".processes[] | select(.pid == $bigpid) | .cmdline_truncated" "$tmp/out.json")" true \
	"3 MB argv: cmdline_truncated is set"

"$CTRTREE" >"$tmp/out.txt" 2>&1
ok $? "ctrtree (text) exits 0"
$CHECK safe-text "$tmp/out.txt"
ok $? "text output holds no control bytes or bidi overrides"
grep -q '\\x1b\]52;c;cHduZWQ=\\x07' "$tmp/out.txt"
ok $? "the OSC 52 payload is shown escaped, not dropped"

# What a terminal receives: ctrtree on a pty at 80 columns.
script -qfec "stty cols 80 rows 50; \"$CTRTREE\" -o PID,COMM,COMMAND" "$tmp/pty.txt" >/dev/null 2>&1
ok $? "ctrtree on a pty exits 0"
$CHECK safe-text "$tmp/pty.txt"
ok $? "bytes written to the pty hold no control sequences"
awk -v p="$evil" '$1 == p' "$tmp/pty.txt" | grep -q 'a) (\\x1b'
ok $? "the hostile comm appears escaped on the pty"

for mode in "-o PID,USER,NS,CGROUP,COMM,COMMAND -w 120" "-N" "-r" "-l" "-T"; do
	"$CTRTREE" $mode >"$tmp/m.txt" 2>&1 && $CHECK safe-text "$tmp/m.txt"
	ok $? "safe text with ctrtree $mode"
done
done_testing
