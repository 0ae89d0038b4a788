# Blocking and hostile files.  Every file a tool opens at a path that a
# container, or an unprivileged process, chooses: the container's
# /etc/resolv.conf and /etc/hosts (nsenter-lite --probe dns, all), the
# bundle, runtime root, data root and cwd that processes posing as conmon,
# containerd-shim-runc-v2, runc and dockerd name (ctrtree's runtime
# collection), and the cmdline of a process whose read blocks.  Each is
# made a FIFO nobody writes, /dev/zero or a symlink to it, a symlink to a
# host sentinel file, a '..' chain out of the root, a huge file.  Every run
# must end within its deadline, mark the field unavailable, and no output
# (stdout, stderr, the --save snapshot) may hold the sentinel's string.
. "$TOP/tests/lib/tap.sh"
. "$TOP/tests/lib/rootfs.sh"
need_root

NSENTER=$BUILDDIR/nsenter-lite
CTRTOP=$BUILDDIR/ctrtop
POSE=$BUILDDIR/tests/hostile/pose
STALL=$BUILDDIR/tests/hostile/stall-argv

tmp=$(mktemp -d /tmp/hostile-files.XXXXXX)
on_exit rm -rf "$tmp"
state=$tmp/state
run() { "$CTRRUN" --state-dir "$state" "$@"; }
id=hf$$

# The host's secrets: a file, and a directory laid out as a bundle, a
# runtime root and a docker data root, each file holding the string.
secret=SENTINEL-$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')
sent=$(mktemp /tmp/sentinel-XXXXXXXX)
sdir=$(mktemp -d /tmp/sentinel-dir-XXXXXXXX)
on_exit rm -rf "$sent" "$sdir"
hexid=$(printf '%064x' $$)
mkdir -p "$sdir/root/ct1" "$sdir/containers/$hexid"
for f in "$sent" "$sdir/config.json" "$sdir/init.pid" "$sdir/root/ct1/state.json" \
	"$sdir/containers/$hexid/config.v2.json"; do
	printf '{"id":"%s","annotations":{"x":"%s"}}\n' "$secret" "$secret" >"$f"
	chmod 600 "$f"
done
chmod 700 "$sdir"

# No output may hold the string; prints the files that do.
leaks() { grep -l -r -F -e "$secret" "$@" 2>/dev/null; }

# ---- the container: a busybox rootfs with the hostile files ----
rootfs=$tmp/rootfs
make_busybox_rootfs "$rootfs" >/dev/null || { echo "1..0 # SKIP no static busybox"; exit 0; }
for name in conmon containerd-shim-runc-v2 runc dockerd; do
	cp "$POSE" "$rootfs/bin/$name"
done
# The same absolute paths as the host's secrets, inside the container,
# each of the hostile kinds: the host must never read its own file there.
mkdir -p "$rootfs$sdir/root/ct1" "$rootfs$sdir/containers/$hexid" "$rootfs/fifo" "$rootfs/zero" "$rootfs/huge"
mkfifo "$rootfs$sdir/config.json" "$rootfs/fifo/config.json" "$rootfs/fifo/state.json"
ln -s /dev/zero "$rootfs$sdir/init.pid"
ln -s "$sent" "$rootfs$sdir/root/ct1/state.json"
ln -s "../../../../../../../../..$sent" "$rootfs$sdir/containers/$hexid/config.v2.json"
ln -s /dev/zero "$rootfs/zero/config.json"
truncate -s 200M "$rootfs/huge/config.json"

on_exit "run delete -f $id"
run run -d --rootfs "$rootfs" "$id" -- sh -c '
	cd '"$sdir"' && /bin/containerd-shim-runc-v2 -namespace moby -id '"$hexid"' -address /run/x.sock &
	cd /fifo && /bin/containerd-shim-runc-v2 -namespace moby -id '"$hexid"' -address /fifo/state.json &
	cd /zero && /bin/containerd-shim-runc-v2 -namespace k8s.io -id zero -address /zero/config.json &
	/bin/conmon -c c1 -u c1 -b '"$sdir"' -r /bin/runc &
	/bin/conmon -c c2 -u c2 -b /../../../../..'"$sdir"' -r /bin/runc &
	/bin/conmon -c c3 -u c3 -b /huge -r /bin/runc &
	/bin/runc --root '"$sdir"'/root state ct1 &
	/bin/runc --root /fifo state ct1 &
	/bin/dockerd --data-root '"$sdir"' -H unix:///fifo/state.json &
	exec sleep 1000'
ok $? "container started with processes posing as shims, conmon, runc, dockerd"
init=$(run inspect "$id" | jq -r .init_pid)
# The container's processes: those in its pid namespace, by stat(2).
members() {
	local want p
	want=$(stat -L -c %i "/proc/$init/ns/pid")
	for p in /proc/[0-9]*; do
		[ "$(stat -L -c %i "$p/ns/pid" 2>/dev/null)" = "$want" ] && echo "${p#/proc/}"
	done | sort -n
}
# The posers are the children of the container's shell (now sleep).
sh_pid=$(pgrep -P "$init" | head -1)
wait_for 5 sh -c "[ \$(pgrep -P $sh_pid | wc -l) -ge 9 ]"
mem=$(members)
posers=$(for p in $mem; do grep -qxE 'conmon|containerd-shim|runc|dockerd' "/proc/$p/comm" && echo "$p"; done)
ok "$([ "$(echo "$posers" | wc -l)" = 9 ]; echo $?)" "the nine posers run in the container"
diag "posers: $(for p in $posers; do echo -n "$p $(cat /proc/$p/comm) "; done)"
# What the host reads: a shim's cwd is the container's own path.
shim=$(for p in $posers; do grep -qx containerd-shim "/proc/$p/comm" && echo "$p"; done | head -1)
diag "a shim's cwd as the host reads it: $(readlink "/proc/$shim/cwd")"

# ---- host processes of an unprivileged user posing the same way ----
# nobody may name the root-only secrets; its own files it may.
if command -v setpriv >/dev/null; then
	nob() { setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all "$@"; }
	mkdir -p "$tmp/nobody"
	cp "$POSE" "$tmp/nobody/conmon"
	cp "$POSE" "$tmp/nobody/runc"
	chmod 755 "$tmp" "$tmp/nobody"
	(cd / && exec setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all \
		"$tmp/nobody/conmon" -c n1 -u n1 -b "$sdir" -r /bin/runc) &
	nob1=$!
	(cd / && exec setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all \
		"$tmp/nobody/runc" --root "$sdir/root" state ct1) &
	nob2=$!
	on_exit "kill $nob1 $nob2"
fi

# ---- host processes of root naming FIFOs, /dev/zero and huge files ----
hb=$tmp/hostbundle
mkdir -p "$hb/fifo/c1" "$hb/zero/c1" "$hb/huge/c1"
mkfifo "$hb/fifo/config.json" "$hb/fifo/init.pid" "$hb/fifo/c1/state.json"
ln -s /dev/zero "$hb/zero/config.json"
mknod "$hb/zero/init.pid" c 1 5
ln -s /dev/zero "$hb/zero/c1/state.json"
truncate -s 200M "$hb/huge/config.json" "$hb/huge/c1/state.json"
cp "$POSE" "$tmp/conmon"
cp "$POSE" "$tmp/runc"
cp "$POSE" "$tmp/containerd-shim-runc-v2"
hostpids=""
for k in fifo zero huge; do
	"$tmp/conmon" -c "h$k" -u "h$k" -b "$hb/$k" -r /bin/runc &
	hostpids="$hostpids $!"
	"$tmp/runc" --root "$hb/$k" state c1 &
	hostpids="$hostpids $!"
	(cd "$hb/$k" && exec "$tmp/containerd-shim-runc-v2" -namespace moby -id "h$k" -address "$hb/fifo/init.pid") &
	hostpids="$hostpids $!"
done
on_exit "kill $hostpids"
wait_for 5 sh -c "for p in $hostpids; do grep -qxE 'conmon|runc|containerd-shim' /proc/\$p/comm || exit 1; done"
ok $? "the nine host posers run"

# ---- ctrtree over all of it ----
# Deadline: the engines' --timeout (500 ms here) per engine asked in
# parallel, and 1 s per blocked cmdline read; 20 s is far above both.
limit=20
tree() { # tree NAME ARGS...: run ctrtree, output in $tmp/NAME.{out,err}, seconds in $tmp/NAME.s
	local name=$1 t0 t1 rc
	shift
	t0=$(date +%s%N)
	timeout -s KILL $limit "$CTRTREE" --timeout 500 "$@" >"$tmp/$name.out" 2>"$tmp/$name.err"
	rc=$?
	t1=$(date +%s%N)
	echo "$(((t1 - t0) / 1000000))" >"$tmp/$name.ms"
	return $rc
}
tree json --json
ok $? "ctrtree --json: exit 0 within ${limit}s ($(cat "$tmp/json.ms") ms)"
tree save --save "$tmp/snap.json"
ok $? "ctrtree --save: exit 0 within ${limit}s ($(cat "$tmp/save.ms") ms)"
jq -e . "$tmp/json.out" >/dev/null
ok $? "the JSON is valid"
tree text
ok $? "ctrtree (text): exit 0 within ${limit}s ($(cat "$tmp/text.ms") ms)"
tree name "$id"
ok $? "ctrtree NAME: exit 0 within ${limit}s ($(cat "$tmp/name.ms") ms)"
tree sub -p "$init" --json
ok $? "ctrtree -p INIT --json: exit 0"

# Every member of the container is in the output, with its own argv.
want=$(echo $mem)
got=$(jq -r '.processes[].pid' "$tmp/json.out" | grep -xF "$mem" | sort -n | tr '\n' ' ' | sed 's/ $//')
is "$got" "$want" "every process of the container is reported (pid namespace by stat(2))"
bad=0
for p in $posers; do
	[ "$(jq -c ".processes[] | select(.pid == $p) | .cmdline" "$tmp/json.out")" = \
		"$(python3 -c 'import json,sys; print(json.dumps(open(sys.argv[1],"rb").read().decode().rstrip("\0").split("\0"), separators=(",",":")))' "/proc/$p/cmdline")" ] || bad=1
done
ok $bad "every poser's argv is the one /proc holds"

# The files the snapshot holds: none from a path a container or nobody named.
jq -r '.runtime.files[]?.path' "$tmp/snap.json" | sort -u >"$tmp/files"
diag "files in the snapshot: $(wc -l <"$tmp/files")"
is "$(grep -F "$sdir" "$tmp/files" | tr '\n' ' ')" "" "no file under the secret directory was read"
# Root's own posers may name host files; their FIFOs, devices, symlinks
# and huge files are listed at most with an error, never with data.
is "$(jq -r --arg hb "$hb" '.runtime.files[] | select(.path | startswith($hb)) | select(.data != null or (.error // 0) == 0) | .path' "$tmp/snap.json")" "" \
	"no FIFO, device, symlink or huge file a host poser named has data in the snapshot"
diag "their entries: $(jq -c --arg hb "$hb" '[.runtime.files[] | select(.path | startswith($hb)) | [(.path | sub($hb; "")), .error]]' "$tmp/snap.json")"
# ... and they were looked at: the 200 MB config.json is there, refused
# as too big (-EFBIG: 27 in errno-base.h).
is "$(jq -r --arg p "$hb/huge/config.json" '.runtime.files[] | select(.path == $p) | .error' "$tmp/snap.json")" -27 \
	"the host posers were read: their 200 MB config.json is listed as too big"
is "$(leaks "$tmp"/*.out "$tmp"/*.err "$tmp/snap.json" | tr '\n' ' ')" "" \
	"the sentinel's string is in no output of ctrtree (stdout, stderr, --save)"

# ---- nsenter-lite's probes in the container ----
# resolv.conf and hosts of each hostile kind, one after the other; each
# probe ends in time, says why the file was not read, and leaks nothing.
kinds="fifo zero-link abs-link dotdot-link huge proc-link"
make_kind() { # make_kind KIND FILE
	rm -f "$2"
	case $1 in
	fifo) mkfifo "$2" ;;
	zero-link) ln -s /dev/zero "$2" ;;
	abs-link) ln -s "$sent" "$2" ;;
	dotdot-link) ln -s "../../../../../../../../../..$sent" "$2" ;;
	huge) head -c 300000 /dev/zero | tr '\0' '#' >"$2"; printf '\nnameserver 127.0.0.1\n' >>"$2" ;;
	proc-link) ln -s "/proc/$$/root$sent" "$2" ;;
	esac
}
for k in $kinds; do
	make_kind "$k" "$rootfs/etc/resolv.conf"
	make_kind "$k" "$rootfs/etc/hosts"
	for probe in dns all; do
		t0=$(date +%s%N)
		timeout -s KILL 30 "$NSENTER" --probe "$probe" --json "$init" >"$tmp/p-$k-$probe.out" 2>"$tmp/p-$k-$probe.err"
		rc=$?
		ms=$((($(date +%s%N) - t0) / 1000000))
		ok "$([ $rc -le 1 ] && [ $ms -lt 30000 ] && jq -e . "$tmp/p-$k-$probe.out" >/dev/null; echo $?)" \
			"nsenter-lite --probe $probe, resolv.conf and hosts: $k: ends in time with JSON (exit $rc, $ms ms)"
	done
	f=$tmp/p-$k-dns.out
	case $k in
	huge)
		is "$(jq -r '.. | objects | select(has("resolv_conf")) | .resolv_conf.truncated' "$f" | head -1)" true \
			"$k: resolv.conf marked truncated" ;;
	*)
		err=$(jq -r '.. | objects | select(has("resolv_conf")) | .resolv_conf.error // empty' "$f" | head -1)
		ok "$([ -n "$err" ]; echo $?)" "$k: resolv.conf unavailable, with a reason: $err"
		herr=$(jq -r '.. | objects | select(has("hosts_error")) | .hosts_error // empty' "$f" | head -1)
		ok "$([ -n "$herr" ]; echo $?)" "$k: hosts unavailable, with a reason: $herr" ;;
	esac
done
is "$(leaks "$tmp"/p-*.out "$tmp"/p-*.err | tr '\n' ' ')" "" "the sentinel's string is in no probe output"
make_busybox_rootfs "$rootfs" >/dev/null

# ---- a process whose cmdline read blocks ----
# A reader thread stuck in the kernel cannot be stopped by ptrace, and
# LeakSanitizer stops every thread at exit: in the sanitizer pass, leak
# checking is off for these runs (ASan and UBSan stay on).
[ "${CT_TEST_ASAN:-0}" = 1 ] && export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
mkdir -p "$tmp/fuse"
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$STALL" "$tmp/fuse" "$tmp/stall.pid" 300 "$port" 2>"$tmp/stall.err" &
daemon=$!
# The daemon first: its end frees every reader; then the victim, the mount.
on_exit "umount -l $tmp/fuse"
on_exit "kill \$(cat $tmp/stall.pid)"
on_exit "kill $daemon; sleep 0.2"
wait_for 5 test -s "$tmp/stall.pid"
ok $? "stall-argv set up a blocked process"
victim=$(cat "$tmp/stall.pid")
sleep 0.3
timeout 2 cat "/proc/$victim/cmdline" >/dev/null
is "$?" 124 "(fact) timeout 2 cat /proc/$victim/cmdline: still blocked after 2 s"
timeout 2 cat "/proc/$victim/stat" >/dev/null
ok $? "(fact) its stat reads at once"

tree bj --json
ok $? "blocked cmdline: ctrtree --json exits 0 within ${limit}s ($(cat "$tmp/bj.ms") ms)"
tree bs --save "$tmp/bsnap.json"
ok $? "blocked cmdline: ctrtree --save exits 0 within ${limit}s ($(cat "$tmp/bs.ms") ms)"
# CT_PROC_NO_CMDLINE is 1 << 3 in lib/snapshot.h.
is "$(jq -r ".processes[] | select(.pid == $victim) | \"\(.cmdline | length) \(.flags / 8 | floor % 2)\"" "$tmp/bsnap.json")" \
	"0 1" "blocked cmdline: the snapshot holds the process, no argv, flagged NO_CMDLINE"
is "$(jq -c ".processes[] | select(.pid == $victim) | .unavailable" "$tmp/bj.out")" '["cmdline"]' \
	"blocked cmdline: the process is reported, its cmdline marked unavailable"
is "$(jq -r ".processes[] | select(.pid == $victim) | .comm" "$tmp/bj.out")" \
	"$(cat "/proc/$victim/comm")" "blocked cmdline: its comm is still there (/proc/PID/comm)"
is "$(jq -r .host.partial "$tmp/bj.out")" true "blocked cmdline: host.partial is true"
# The host runs other work: the processes alive before and after the run
# are the ones it must have reported.
ps -e -o pid= | tr -d ' ' | sort >"$tmp/before"
tree bj2 --json
ps -e -o pid= | tr -d ' ' | sort >"$tmp/after"
comm -12 "$tmp/before" "$tmp/after" >"$tmp/stable"
jq -r '.processes[].pid' "$tmp/bj2.out" | sort >"$tmp/got"
is "$(comm -23 "$tmp/stable" "$tmp/got" | tr '\n' ' ')" "" \
	"blocked cmdline: every other process alive throughout is reported ($(wc -l <"$tmp/stable") of them)"
tree bt
ok $? "blocked cmdline: ctrtree (text) exits 0 within ${limit}s ($(cat "$tmp/bt.ms") ms)"
awk -v p="$victim" '$1 == p' <("$CTRTREE" --no-api -r -o PID,COMMAND -p "$victim") | grep -q '\[stall-argv\]'
ok $? "blocked cmdline: text shows [comm], as for a process without argv"
tree bp -p "$victim" -T --json
ok $? "blocked cmdline: ctrtree -p PID -T --json exits 0 ($(cat "$tmp/bp.ms") ms)"
is "$(jq -c "[.processes[] | select(.ppid == $victim and .thread == true) | .unavailable] | unique" "$tmp/bp.out")" \
	'[["cmdline"]]' "blocked cmdline: its threads have the cmdline unavailable too"

# The port probe looks up who holds a host port and reads its cmdline:
# the blocked process listens on 127.0.0.1:$port.
t0=$(date +%s%N)
timeout -s KILL $limit "$NSENTER" --probe "port=$port" --json "$init" >"$tmp/bport.out" 2>"$tmp/bport.err"
rc=$?
ms=$((($(date +%s%N) - t0) / 1000000))
ok "$([ $rc -le 1 ] && jq -e . "$tmp/bport.out" >/dev/null; echo $?)" \
	"blocked cmdline: nsenter-lite --probe port=$port ends within ${limit}s with JSON (exit $rc, $ms ms)"
holder=$(ss -Htlnp "sport = :$port" | grep -o 'pid=[0-9]*' | head -1)
is "$(jq -r '[.. | objects | select(.hop? == "host-listener") | .pid] | first // empty' "$tmp/bport.out")" \
	"${holder#pid=}" "blocked cmdline: the port probe names the holder ss(8) shows (pid $victim)"

# ctrtop collects the same way: it must stay responsive and quit on 'q'.
if command -v script >/dev/null; then
	t0=$(date +%s%N)
	(sleep 4; printf q) | timeout -s KILL 20 script -qfec "TERM=xterm $CTRTOP --no-api" /dev/null >/dev/null 2>&1
	rc=$?
	ms=$((($(date +%s%N) - t0) / 1000000))
	ok "$([ $rc = 0 ] && [ $ms -lt 15000 ]; echo $?)" "blocked cmdline: ctrtop quits on 'q' (exit $rc, $ms ms)"
else
	skip "no script(1) for ctrtop"
fi
is "$(leaks "$tmp"/b*.out "$tmp"/b*.err "$tmp/bsnap.json" | tr '\n' ' ')" "" \
	"the sentinel's string is in no output of the blocked runs"
done_testing
