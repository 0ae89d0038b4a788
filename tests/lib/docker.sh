# A private dockerd for the live tests (sourced after tap.sh).
#
# Its own containerd (dockerd 20.10 would silently use a containerd found at
# /run/containerd/containerd.sock rather than start one, sharing its "moby"
# namespace with whatever else uses it), data root, exec root, socket and
# pid file, all under the test's temporary directory $tmp, which mktemp made:
# no other process can name it in its argv, which is how leftovers are found.
#
#   docker_start            start both; 0 when dockerd answers /_ping
#   D ARGS...               the docker CLI on the private socket (60 s bound)
#   docker_cleanup          remove $docker_names and $docker_nets, stop the
#                           daemons by their PIDs, kill leftovers (shims,
#                           container processes by cgroup), unmount, delete
#                           $docker_bridges; registered with on_exit
#   our_pids, our_mounts    what is left of ours
#   wait_for_socket PATH PID  up to 10 s for PATH to be a socket while PID lives
#
# Set before docker_start: tmp (short: unix socket paths are at most 107
# bytes), docker_names, docker_nets, docker_bridges (space-separated lists
# to remove at cleanup); container ids to kill by cgroup go to $tmp/ids.

sock=$tmp/docker.sock
ctrd=$tmp/ctrd
dpid= cpid=
: "${docker_names:=}" "${docker_nets:=}" "${docker_bridges:=}"
export DOCKER_CONFIG=$tmp/cli
D() { timeout 60 docker -H "unix://$sock" "$@"; }

docker_missing() { # prints what is missing to run a private dockerd
	local c missing=
	for c in dockerd containerd docker curl jq ip; do
		command -v "$c" >/dev/null 2>&1 || missing="$missing $c"
	done
	echo "$missing"
}

our_pids() {
	local d
	for d in /proc/[0-9]*; do
		grep -qzF -- "$tmp/" "$d/cmdline" 2>/dev/null && echo "${d#/proc/}"
	done
	return 0
}
our_mounts() {
	awk -v t="$tmp/" 'index($2, t) == 1 { print $2 }' /proc/mounts
}

stop_pid() { # PID: TERM, up to 20 s, then KILL; it is our child
	local i
	[ -n "$1" ] || return 0
	if kill -0 "$1" 2>/dev/null; then
		kill -CONT "$1" 2>/dev/null
		kill -TERM "$1"
		for i in $(seq 200); do
			kill -0 "$1" 2>/dev/null || break
			sleep 0.1
		done
		kill -0 "$1" 2>/dev/null && kill -KILL "$1"
	fi
	wait "$1" 2>/dev/null
	return 0
}

docker_cleanup() {
	local p m id n
	if [ -n "$dpid" ] && kill -0 "$dpid" 2>/dev/null; then
		[ -n "$docker_names" ] && D rm -f $docker_names >/dev/null 2>&1
		for n in $docker_nets; do
			D network rm "$n" >/dev/null 2>&1
		done
	fi
	stop_pid "$dpid"
	stop_pid "$cpid"
	dpid= cpid=
	# After a failure: shims (argv -address $ctrd/...) and, with a shim
	# gone, the container processes, known by their cgroup.
	for id in $(cat "$tmp/ids" 2>/dev/null); do
		for p in $(grep -lF "/docker/$id" /proc/[0-9]*/cgroup 2>/dev/null); do
			p=${p#/proc/}
			kill -KILL "${p%/cgroup}" 2>/dev/null
		done
	done
	for p in $(our_pids); do
		kill -KILL "$p" 2>/dev/null
	done
	# Shim sockets live in /run/containerd/s/ whoever the containerd.
	for m in "$ctrd"/state/io.containerd.runtime.v2.task/*/*/address; do
		[ -f "$m" ] || continue
		m=$(cat "$m")
		case $m in unix:///run/containerd/s/*) rm -f "${m#unix://}" ;; esac
	done
	# Overlays, netns bind mounts, the data root bind mount: deepest first.
	for m in $(our_mounts | sort -r); do
		umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null
	done
	for n in $docker_bridges; do
		ip link del "$n" 2>/dev/null
	done
	return 0
}

wait_for_socket() { # PATH PID: up to 10 s
	local i
	for i in $(seq 100); do
		[ -S "$1" ] && return 0
		kill -0 "$2" 2>/dev/null || return 1
		sleep 0.1
	done
	return 1
}

# Start containerd, then dockerd on it: no iptables, no default bridge.
# Sets cpid, dpid; docker_up_after (seconds).  0 when dockerd answers.
docker_start() {
	local i
	on_exit docker_cleanup
	mkdir -p "$ctrd"
	cat >"$ctrd/config.toml" <<EOF
version = 2
root = "$ctrd/root"
state = "$ctrd/state"
disabled_plugins = ["io.containerd.grpc.v1.cri"]
[grpc]
  address = "$ctrd/containerd.sock"
[ttrpc]
  address = "$ctrd/containerd.sock.ttrpc"
[debug]
  address = "$ctrd/debug.sock"
[plugins."io.containerd.internal.v1.opt"]
  path = "$ctrd/opt"
EOF
	containerd --config "$ctrd/config.toml" >"$tmp/containerd.log" 2>&1 &
	cpid=$!
	wait_for_socket "$ctrd/containerd.sock" "$cpid" || return 1
	echo '{}' >"$tmp/daemon.json"
	dockerd --config-file "$tmp/daemon.json" --data-root "$tmp/data" --exec-root "$tmp/exec" \
		--pidfile "$tmp/dockerd.pid" -H "unix://$sock" --containerd "$ctrd/containerd.sock" \
		--iptables=false --ip-forward=false --ip-masq=false --bridge=none \
		>"$tmp/dockerd.log" 2>&1 &
	dpid=$!
	for i in $(seq 150); do
		if [ "$(curl -s --max-time 2 --unix-socket "$sock" http://d/_ping 2>/dev/null)" = OK ]; then
			docker_up_after=$((i / 5))
			return 0
		fi
		kill -0 "$dpid" 2>/dev/null || break
		sleep 0.2
	done
	tail -n 20 "$tmp/dockerd.log" "$tmp/containerd.log" | sed 's/^/# /'
	return 1
}

# A /24 nobody routes, as "10.251.N": prints N's prefix "10.251.N".
free_subnet() {
	local i s
	for i in $(seq 20); do
		s=10.251.$((RANDOM % 200 + 20))
		ip -4 route | grep -q "^$s\." || { echo "$s"; return 0; }
	done
	return 1
}
