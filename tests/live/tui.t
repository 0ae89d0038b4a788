#!/bin/bash
# ctrtop, the live view, driven through tmux on a server of its own (-L,
# -f /dev/null): keys in with send-keys, the screen out with capture-pane,
# and every byte ctrtop writes to its terminal logged with pipe-pane.
# Expected values never come from ctrtop or ctrtree: the containers are
# ours (ctrrun, a private dockerd), their processes counted from
# /proc/PID/ns/pid, the namespace an action ran in read with stat(2), the
# terminal modes with stty(1), the hostile bytes checked on the raw stream.
#
#   TOP=. BUILDDIR=build CTRRUN=build/tests/ctrrun/ctrrun bash tests/live/tui.t
set -u
TOP=${TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
BUILDDIR=${BUILDDIR:-$TOP/build}
CTRRUN=${CTRRUN:-$BUILDDIR/tests/ctrrun/ctrrun}
CTRTOP=$BUILDDIR/ctrtop
CHECK="python3 $TOP/tests/lib/check.py"
. "$TOP/tests/lib/tap.sh"
. "$TOP/tests/lib/rootfs.sh"
# ok and is with the check's status, so that "ok ... || dump" shows the screen.
eval "_tap_ok() $(declare -f ok | tail -n +2)"
ok() { _tap_ok "$@"; return "$1"; }

need_root
for bin in "$CTRTOP" "$CTRRUN" "$BUILDDIR/nsenter-lite"; do
	if [ ! -x "$bin" ]; then
		echo "1..0 # SKIP $bin not built"
		exit 0
	fi
done
for tool in tmux jq python3 nsenter stty; do
	if ! command -v $tool >/dev/null; then
		echo "1..0 # SKIP $tool not installed"
		exit 0
	fi
done

# Short: the private dockerd's socket lives under it.
tmp=$(mktemp -d /tmp/tui-t.XXXXXX)
on_exit "rm -rf '$tmp'"
STATE=$tmp/state
P=tt$$ # container id prefix: unique per run
SOCK=ctrtop$$
REFRESH=0.5 # -d 5
RESCAN=1    # the default --rescan (a collection here takes milliseconds)
mkdir -p "$STATE"

on_exit cr_delete_all
tm() { tmux -L "$SOCK" "$@"; }
# Only our own server: -L names its socket, kill-server ends it alone.
# tmux 3.3 leaves a killed server's socket behind: ours goes too.
kill_server() { tmux -L "$SOCK" kill-server; rm -f "${TMUX_TMPDIR:-/tmp}/tmux-$(id -u)/$SOCK"; }
on_exit kill_server

init_of() { jq -r .init_pid "$STATE/$1/state.json" 2>/dev/null; }
ns_of() { stat -L -c %i "/proc/$1/ns/$2" 2>/dev/null; }
now_ms() { echo $(($(date +%s%N) / 1000000)); }
# Processes in the pid namespace of PID, counted by stat(2) of /proc.
pids_in() {
	local want n=0 p
	want=$(ns_of "$1" pid)
	for p in /proc/[0-9]*; do
		[ "$(stat -L -c %i "$p/ns/pid" 2>/dev/null)" = "$want" ] && n=$((n + 1))
	done
	echo $n
}

# ---- driving a session ----
# The wrapper records the terminal modes before and after ctrtop and keeps
# the pane open afterwards; it waits for $tmp/go.TAG so that pipe-pane is
# in place before ctrtop writes its first byte.
cat >"$tmp/run-top" <<'EOF'
#!/bin/sh
tag=$1 dir=$2 top=$3
shift 3
while [ ! -e "$dir/go.$tag" ]; do sleep 0.05; done
stty -g >"$dir/stty.before.$tag"
env TERM=xterm-256color SHELL=/bin/sh "$@" "$top" -d 5 --log "$dir/log.$tag"
echo $? >"$dir/rc.$tag"
stty -g >"$dir/stty.after.$tag"
exec sleep 1000000
EOF
chmod +x "$tmp/run-top"
start_top() { # start_top TAG [ENV=VALUE...]: session TAG, 120x40
	local tag=$1
	shift
	if tm has-session 2>/dev/null; then
		tm new-session -d -s "$tag" -x 120 -y 40 "$tmp/run-top $tag $tmp $CTRTOP $*" || return
	else
		tm -f /dev/null new-session -d -s "$tag" -x 120 -y 40 "$tmp/run-top $tag $tmp $CTRTOP $*" || return
		# An OSC 52 that reached tmux would become a paste buffer.
		tm set-option -g set-clipboard on
	fi
	tm pipe-pane -t "$tag" -o "cat >>$tmp/raw.$tag" || return
	touch "$tmp/go.$tag"
}
top_pid() { # ctrtop's PID: the child of the pane's sh
	local sh p
	sh=$(tm display -p -t "$1" '#{pane_pid}') || return
	for p in $(ps -o pid= --ppid "$sh"); do
		[ "$(cat "/proc/$p/comm" 2>/dev/null)" = ctrtop ] && echo "$p"
	done
}
screen() { tm capture-pane -p -t "${S:-t}" 2>/dev/null; }
# A drawn screen: at least 3 lines with text.
drawn() { [ "$(screen | grep -c '[^[:space:]]')" -ge 3 ]; }
shows() { screen | grep -qF -- "$1"; }
hides() { drawn && ! shows "$1"; }
keys() { tm send-keys -t "${S:-t}" "$@"; }
type_text() { tm send-keys -t "${S:-t}" -l -- "$1"; }
# First screen line holding TEXT (0 if none).
line_of() { screen | grep -nF -- "$1" | head -1 | cut -d: -f1 | grep . || echo 0; }
above() { # above A B: A's row is above B's, both shown
	local a b
	a=$(line_of "$1") b=$(line_of "$2")
	[ "$a" -gt 0 ] && [ "$b" -gt 0 ] && [ "$a" -lt "$b" ]
}
dump() { # on failure: the screen and the end of the log
	screen | sed 's/^/#   | /'
	tail -n 5 "$tmp/log.${S:-t}" 2>/dev/null | sed 's/^/#   log: /'
}

# ---- containers that exist before ctrtop starts ----
make_busybox_rootfs "$tmp/rootfs" >/dev/null || { echo "1..0 # SKIP no static busybox"; exit 0; }
SA=$P-sa SB=$P-sb EV=$P-evil
cr run -d --no-init "$SA" -- sleep 100000 </dev/null
ok $? "container $SA: one process"
cr run -d "$SB" -- sh -c 'sleep 100000 & sleep 100000 & sleep 100000 & sleep 100000 & wait' </dev/null
ok $? "container $SB: init, sh and 4 sleeps"
SAINIT=$(init_of "$SA") SBINIT=$(init_of "$SB")
wait_for 5 test "$(pids_in "$SBINIT")" -ge 6
na=$(pids_in "$SAINIT") nb=$(pids_in "$SBINIT")
ok "$([ "$nb" -gt "$na" ]; echo $?)" "(fact) $SB has more processes than $SA ($nb > $na, by /proc/*/ns/pid)"

# Hostile: processes whose comm (the name of the file exec'd, 15 bytes
# kept) carries OSC 52, an SGR and a bidi override, in a container whose
# hostname (its name here) sets the window title.
EVIL_OSC=$'\e]52;c;AAAA\a' EVIL_SGR=$'\e[31mred' EVIL_BIDI=$'\xe2\x80\xaeevil.txt'
for n in "$EVIL_OSC" "$EVIL_SGR" "$EVIL_BIDI"; do
	ln -s "$(command -v sleep)" "$tmp/$n"
done
cr run -d "$EV" -- sleep 100000 </dev/null
ok $? "container $EV"
EVINIT=$(init_of "$EV")
for n in "$EVIL_OSC" "$EVIL_SGR" "$EVIL_BIDI"; do
	cr exec -d "$EV" -- "$tmp/$n" 100000 </dev/null >/dev/null
done
nsenter -t "$EVINIT" -u python3 -c "import socket; socket.sethostname(b'ev\x1b]0;pwn\x07-$EV')"
evil_comms=$(for p in /proc/[0-9]*; do [ "$(ns_of "${p#/proc/}" pid)" = "$(ns_of "$EVINIT" pid)" ] && cat "$p/comm"; done 2>/dev/null)
ok "$(for n in "$EVIL_OSC" "$EVIL_SGR" "$EVIL_BIDI"; do echo "$evil_comms" | grep -qxF -- "$n" || exit 1; done; echo 0)" \
	"(fact) $EV runs the three hostile comms; its hostname is $(nsenter -t "$EVINIT" -u hostname | od -An -c | tr -s ' \n' ' ')"

# ---- a private dockerd, if there is one to start ----
have_docker=0
. "$TOP/tests/lib/docker.sh"
missing=$(docker_missing)
if [ -z "$missing" ]; then
	docker_names="tui-web"
	if docker_start && tar -C "$tmp/rootfs" -c . | D import - tui-bb >/dev/null; then
		have_docker=1
	else
		diag "the private dockerd did not start"
	fi
else
	diag "no private dockerd: missing$missing"
fi

# ---- start ----
start_top t DOCKER_HOST=unix://$sock
ok $? "ctrtop started in tmux (server -L $SOCK)"
wait_for 10 drawn
ok $? "the screen is drawn"
wait_for 10 shows "$SA"
ok $? "a container that ran before the start is shown by name ($SA)" || dump
header=$(screen | head -1 | awk '{print $1}')
diag "first screen line: $(screen | head -1)"
esc_osc='\x1b]52;c;AAAA\x07' esc_sgr='\x1b[31mred' esc_bidi='\u{202e}evil.txt'
ok "$(shows "$EV" && ! shows "$esc_sgr" && ! shows "$esc_osc"; echo $?)" \
	"collapsed by default: $EV's row, none of its processes' rows" || dump

# ---- 1: a ctrrun container appears within a refresh + a rescan, and goes ----
NEW=$P-new
limit=$(awk -v r=$REFRESH -v s=$RESCAN 'BEGIN { print int((r + s + 2) * 1000) }')
t0=$(now_ms)
cr run -d "$NEW" -- sleep 100000 </dev/null
wait_for 15 shows "$NEW"
rc=$?
dt=$(($(now_ms) - t0))
ok "$([ $rc = 0 ] && [ $dt -lt "$limit" ]; echo $?)" \
	"ctrrun container $NEW appears in $dt ms (< $limit: refresh + rescan + 2 s)" || dump
t0=$(now_ms)
cr kill "$NEW" KILL && wait_for 5 sh -c "[ \"\$(jq -r .status '$STATE/$NEW/state.json')\" = stopped ]"
cr delete -f "$NEW"
wait_for 15 hides "$NEW"
rc=$?
dt=$(($(now_ms) - t0))
ok "$([ $rc = 0 ] && [ $dt -lt "$limit" ]; echo $?)" "... and vanishes $dt ms after kill + delete" || dump

# ---- 2: a docker container, by docker's name ----
if [ $have_docker = 1 ]; then
	t0=$(now_ms)
	D run -d --name tui-web --network none tui-bb sleep 100000 >>"$tmp/ids"
	ok $? "docker run tui-web (private dockerd)"
	wait_for 15 shows tui-web
	rc=$?
	ok $rc "tui-web appears by name, in $(($(now_ms) - t0)) ms" || dump
	D rm -f tui-web >/dev/null
	wait_for 15 hides tui-web
	ok $? "... and vanishes after docker rm -f" || dump
else
	skip "no private dockerd"
	skip "no private dockerd"
	skip "no private dockerd"
fi

# ---- 3: filter and sort ----
keys /
type_text "$SB"
wait_for 5 hides "$SA"
ok "$([ $? = 0 ] && shows "$SB"; echo $?)" "/ $SB: only $SB, $SA hidden (before Enter)" || dump
keys Escape
wait_for 5 shows "$SA"
ok "$([ $? = 0 ] && shows "$SB" && shows "$EV"; echo $?)" "Esc: every container back" || dump

keys /
type_text "$P-s"
keys Enter
wait_for 5 hides "$EV"
ok "$([ $? = 0 ] && shows "$SA" && shows "$SB"; echo $?)" "/ $P-s Enter: $SA and $SB kept, $EV hidden" || dump
wait_for 5 above "$SA" "$SB"
ok $? "default order by name: $SA above $SB" || dump
keys s s s # name -> cpu -> mem -> pids
wait_for 5 above "$SB" "$SA"
ok $? "s s s (pids): $SB ($nb processes) above $SA ($na)" || dump
keys r
wait_for 5 above "$SA" "$SB"
ok $? "r reverses: $SA above $SB" || dump
keys r s # back to the name order
wait_for 5 above "$SA" "$SB"
ok $? "r s: by name again" || dump

# ---- 4: x and e run in the selected container's network namespace ----
keys /
keys Escape
wait_for 5 shows "$SA"
keys /
type_text "$SB"
keys Enter
wait_for 5 hides "$SA"
ok $? "/ $SB Enter: $SB alone, selected" || dump
want="net:[$(ns_of "$SBINIT" net)]"
ok "$([ "$want" != "net:[$(ns_of $$ net)]" ]; echo $?)" "(fact) $SB has its own network namespace ($want)"
keys x
sleep 0.5
type_text "sh -c 'readlink /proc/self/ns/net >$tmp/x.out'"
keys Enter
wait_for 10 test -s "$tmp/x.out"
is "$(cat "$tmp/x.out" 2>/dev/null)" "$want" "x: the command ran in $SB's network namespace (stat -L of /proc/$SBINIT/ns/net)"
wait_for 5 sh -c "tmux -L '$SOCK' capture-pane -p -t t | grep -qi 'press enter'"
ok $? "x: 'press Enter to return' after the command" || dump
keys Enter
wait_for 5 shows "$SB"
ok "$([ $? = 0 ] && ! screen | grep -qi 'press enter'; echo $?)" "x: Enter brings the tree back" || dump

keys e
sleep 1
type_text "readlink /proc/self/ns/net >$tmp/e.out; exit"
keys Enter
wait_for 10 test -s "$tmp/e.out"
is "$(cat "$tmp/e.out" 2>/dev/null)" "$want" "e: \$SHELL runs in $SB's network namespace"
wait_for 5 shows "$SB"
ok $? "e: the tree is back after the shell exits" || dump
keys /
keys Escape
wait_for 5 shows "$SA"

# ---- 5: hostile names ----
keys /
# By its network namespace's inode: every process of the container matches
# (a pid would keep only that process, not the hostile ones beside it).
EVNET=$(ns_of "$EVINIT" net)
type_text "$EVNET"
keys Enter
wait_for 5 hides "$SA"
ok $? "/ $EVNET (its net namespace inode, stat -L): $EV alone" || dump
all_escaped() { shows "$esc_osc" && shows "$esc_sgr" && shows "$esc_bidi"; }
# Right expands the selected row one level; Down walks into what it opened.
for i in 1 2 3 4 5; do
	keys Right
	wait_for 2 all_escaped && break
	keys Down
done
ok "$(all_escaped; echo $?)" "expanded: the hostile comms are shown escaped ($esc_osc, $esc_sgr, $esc_bidi)" || dump
wait_for 5 shows "ev\\x1b]0;pwn\\x07-$EV"
ok $? "the hostile hostname is shown escaped (ev\\x1b]0;pwn\\x07-$EV)" || dump
screen >"$tmp/plain"
$CHECK safe-text "$tmp/plain"
ok $? "capture-pane: no control bytes, no bidi override on the screen"
tm capture-pane -p -e -t t >"$tmp/esc"
ok "$(sed 's/\x1b\[[0-9;:]*m//g' "$tmp/esc" | grep -c $'\e' | grep -qx 0; echo $?)" \
	"capture-pane -e: no ESC but tmux's own SGR"
for n in "$EVIL_OSC" "$EVIL_SGR" "$EVIL_BIDI" $'\e]0;pwn'; do
	LC_ALL=C grep -qF -- "$n" "$tmp/raw.t" && echo "$n"
done >"$tmp/raw-hits"
is "$(od -An -c "$tmp/raw-hits" | tr -s ' ')" "" "raw bytes ctrtop wrote (pipe-pane): none of the hostile sequences"
is "$(tm list-buffers 2>&1)" "" "no OSC 52 reached the terminal (tmux made no paste buffer)"
keys /
keys Escape
wait_for 5 shows "$SA"

# ---- 6: resize, NO_COLOR ----
sed 's/\x1b\[[0-9;:]*m/\n&\n/g' "$tmp/esc" | grep -qE $'^\e\\[([0-9;]*;)?(3[0-7]|38[;:]5|38[;:]2|4[0-7]|48[;:]5)'
ok $? "(control) with colours: capture-pane -e shows colour SGRs"
tm resize-window -t t -x 80 -y 24
wait_for 5 sh -c "[ \"\$(tmux -L '$SOCK' display -p -t t '#{window_width}x#{window_height}')\" = 80x24 ]"
sleep 1
wait_for 5 drawn
ok "$([ $? = 0 ] && [ "$(screen | head -1 | awk '{print $1}')" = "$header" ] && shows "$SA"; echo $?)" \
	"resized to 80x24: still drawn, the header ($header) on top, $SA shown" || dump

start_top nc NO_COLOR=1
S=nc wait_for 10 drawn && S=nc wait_for 10 shows "$SA"
ok $? "NO_COLOR=1: drawn, $SA shown" || S=nc dump
tm capture-pane -p -e -t nc >"$tmp/esc.nc"
sed 's/\x1b\[[0-9;:]*m/\n&\n/g' "$tmp/esc.nc" |
	grep -E $'^\e\\[([0-9;]*;)?(3[0-8]|4[0-8]|9[0-7]|10[0-7])' | sort -u | od -An -c | tr -s ' ' >"$tmp/colours.nc"
is "$(cat "$tmp/colours.nc")" "" "NO_COLOR=1: no colour SGR on the screen"

# ---- 7: the terminal is given back: after q and after SIGTERM ----
keys q
wait_for 5 test -e "$tmp/rc.t"
is "$(cat "$tmp/rc.t" 2>/dev/null)" 0 "q: ctrtop exits with status 0"
is "$(cat "$tmp/stty.after.t" 2>/dev/null)" "$(cat "$tmp/stty.before.t")" "q: the terminal modes are restored (stty -g)"
pid=$(top_pid nc)
ok "$([ -n "$pid" ]; echo $?)" "(fact) ctrtop of the NO_COLOR session is pid ${pid:-none}"
[ -n "$pid" ] && kill -TERM "$pid"
wait_for 5 test -e "$tmp/rc.nc"
ok $? "SIGTERM: ctrtop exits (status $(cat "$tmp/rc.nc" 2>/dev/null))"
is "$(cat "$tmp/stty.after.nc" 2>/dev/null)" "$(cat "$tmp/stty.before.nc")" "SIGTERM: the terminal modes are restored (stty -g)"
stty_a=$(stty -a <"$(tm display -p -t nc '#{pane_tty}')" 2>/dev/null)
ok "$(echo "$stty_a" | grep -qw icanon && echo "$stty_a" | grep -qw echo; echo $?)" "SIGTERM: icanon and echo are on again"

# ---- nothing left ----
kill_server
cr_delete_all
[ $have_docker = 1 ] && docker_cleanup
is "$(ls "$STATE")" "" "all containers deleted"
ours() { for p in /proc/[0-9]*; do grep -qzF -- "$tmp/" "$p/cmdline" 2>/dev/null && echo "${p#/proc/}"; done; }
wait_for 5 test -z "$(ours)"
is "$(ours)" "" "no process of ours left"
done_testing
