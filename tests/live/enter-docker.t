#!/bin/bash
# nsenter-lite and the probes on real Docker containers: names and id
# prefixes as docker knows them, the container's addresses, and the
# published-port path through a real docker-proxy.  Expected values come
# from docker inspect, stat(2) of /proc/PID/ns/net, pgrep and ss, never
# from our code.  A private dockerd (tests/lib/docker.sh) on a bridge this
# test creates; only loopback and that bridge's addresses are used.
#
#   TOP=. BUILDDIR=build bash tests/live/enter-docker.t
set -u
TOP=${TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
BUILDDIR=${BUILDDIR:-$TOP/build}
NSL=$BUILDDIR/nsenter-lite
. "$TOP/tests/lib/tap.sh"
need_root

for bin in "$NSL" "$BUILDDIR/ctrtree"; do
	if [ ! -x "$bin" ]; then
		echo "1..0 # SKIP $bin not built"
		exit 0
	fi
done

# Short: unix socket paths (at most 107 bytes) live under it.
tmp=$(mktemp -d /tmp/ented.XXXXXX)
on_exit "rm -rf '$tmp'"
. "$TOP/tests/lib/docker.sh"
. "$TOP/tests/lib/rootfs.sh"

missing=$(docker_missing)
if [ -n "$missing" ]; then
	skip "no private dockerd: missing$missing"
	done_testing
	exit
fi
net=ented-net$$
br=entbr$$
br=${br:0:15}
docker_names="ented-web ented-b"
docker_nets=$net
docker_bridges=$br
docker_start
up=$?
ok $up "private dockerd answers (pid $dpid, containerd $cpid)"
if [ "$up" != 0 ]; then
	done_testing
	exit
fi
make_busybox_rootfs "$tmp/rootfs" && tar -C "$tmp/rootfs" -c . | D import - ented-bb >/dev/null
ok $? "busybox image imported"
subnet=$(free_subnet)
D network create --driver bridge --subnet "$subnet.0/24" -o com.docker.network.bridge.name="$br" "$net" >/dev/null
ok $? "network $net ($subnet.0/24, bridge $br)"
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
# httpd in the background, so that the test can stop it with the
# container still running.
D run -d --name ented-web --network "$net" -p "127.0.0.1:$port:80" ented-bb \
	sh -c 'httpd -p 80 -h /; exec sleep 100000' >>"$tmp/ids"
ok $? "ented-web: httpd behind 127.0.0.1:$port"
D run -d --name ented-b --network "$net" ented-bb sleep 100000 >>"$tmp/ids"
ok $? "ented-b"

NL() { "$NSL" --docker-socket "$sock" "$@"; }
id=$(D inspect -f '{{.Id}}' ented-web)
pid=$(D inspect -f '{{.State.Pid}}' ented-web)
ip=$(D inspect -f "{{(index .NetworkSettings.Networks \"$net\").IPAddress}}" ented-web)
plen=$(D inspect -f "{{(index .NetworkSettings.Networks \"$net\").IPPrefixLen}}" ented-web)
netns="net:[$(stat -L -c %i "/proc/$pid/ns/net")]"
diag "ented-web: id ${id:0:12}, init $pid, $ip/$plen, $netns"

# ---- entering by name and by id prefix
is "$(NL ented-web readlink /proc/self/ns/net 2>&1)" "$netns" \
	"by name: the command runs in ented-web's network namespace (stat -L of docker's init $pid)"
is "$(NL "${id:0:12}" readlink /proc/self/ns/net 2>&1)" "$netns" "by a 12-digit id prefix: the same"
is "$(NL ented-web readlink /proc/self/ns/mnt 2>&1)" "$(readlink /proc/self/ns/mnt)" \
	"by name: the mount namespace stays the host's"
NL -J ented-web true >"$tmp/j.json" 2>"$tmp/j.err"
is "$(jq -c '[.pid, .container.id, .container.name, .container.engine]' "$tmp/j.json" 2>&1)" \
	"$(jq -cn --argjson p "$pid" --arg id "$id" '[$p, $id, "ented-web", "docker"]')" \
	"--json: the target is docker's init, id and name as docker inspect gives them"
NL ented-nosuch true >/dev/null 2>"$tmp/e"
is "$?" 125 "an unknown name: exit 125"
grep -q "no container named 'ented-nosuch'" "$tmp/e"
ok $? "an unknown name: says so ($(cat "$tmp/e"))"

# ---- probes: addresses and sockets against docker and ss
NL ented-web --probe addrs,sockets --json >"$tmp/p.json" 2>"$tmp/p.err"
ok $? "--probe addrs,sockets by name ($(head -c 200 "$tmp/p.err"))"
is "$(jq -r --arg a "$ip" '.probes.addrs.addrs[] | select(.address == $a) | "\(.address)/\(.prefixlen)"' "$tmp/p.json")" \
	"$ip/$plen" "addrs: docker's address $ip/$plen"
hpid=$(pgrep -f '^httpd -p 80 -h /$' | while read -r p; do
	[ "$(readlink "/proc/$p/ns/net")" = "$netns" ] && echo "$p"
done)
ok $([ -n "$hpid" ]; echo $?) "(fact) httpd of ented-web is pid ${hpid:-none}"
is "$(jq -c '[.probes.sockets.sockets[] | select(.state == "LISTEN" and (.local | test(":80$"))) | .processes[].pid] | unique' "$tmp/p.json")" \
	"[${hpid:-0}]" "sockets: the listener on port 80 is httpd, pid ${hpid:-?}"
# ss writes a dual-stack wildcard as "*", sock_diag's family says "[::]".
want=$(nsenter -t "$pid" -n ss -Htln | awk '{ print $4 }' | sed 's/^\*:/[::]:/' | sort | paste -sd,)
got=$(jq -r '.probes.sockets.sockets[] | select(.proto | test("^tcp")) | select(.state == "LISTEN") | .local' "$tmp/p.json" | sort | paste -sd,)
is "$got" "$want" "sockets: the listening TCP sockets are those ss shows in the namespace"

# ---- the published port, end to end through docker-proxy
proxy=$(pgrep -P "$dpid" -f "docker-proxy .*-host-ip 127.0.0.1 -host-port $port ")
ok $([ -n "$proxy" ]; echo $?) "(fact) docker-proxy for $port is pid ${proxy:-none}"
NL ented-web --probe "port=$port" --json >"$tmp/port.json" 2>"$tmp/port.err"
ok $? "--probe port=$port ($(head -c 200 "$tmp/port.err"))"
pj() { jq -c "$1" "$tmp/port.json"; }
is "$(pj '[.probes.port.ok, .probes.port.broken_at]')" '[true,null]' "port $port: every hop works"
is "$(pj '.probes.port.hops[] | select(.hop == "host-listener") | .pid')" "${proxy:-0}" \
	"port $port: the host listener is docker-proxy $proxy"
is "$(pj '.probes.port.hops[] | select(.hop == "docker-proxy") | [.container_ip, .container_port]')" \
	"$(jq -cn --arg ip "$ip" '[$ip, 80]')" "port $port: docker-proxy forwards to $ip:80, docker's address"
is "$(pj '.probes.port.hops[] | select(.hop == "container-listener") | .pid')" "${hpid:-0}" \
	"port $port: in the container, httpd ($hpid) listens"
is "$(pj '[.probes.port.hops[] | select(.hop | startswith("connect")) | .ok]')" '[true,true]' \
	"port $port: connects from the host and inside the container succeed"
NL ented-web --probe "port=$port" >"$tmp/port.txt" 2>&1
ok $([ "$(grep -c . "$tmp/port.txt")" -ge 6 ] && ! grep -q FAIL "$tmp/port.txt"; echo $?) "port $port: the text shows the hops, none failed"

# The listener goes: the path breaks inside the container.
kill "$hpid"
wait_for 5 sh -c "! kill -0 $hpid 2>/dev/null"
NL ented-web --probe "port=$port" --json >"$tmp/port2.json" 2>/dev/null
is "$(jq -c '[.probes.port.ok, .probes.port.broken_at]' "$tmp/port2.json")" '[false,"container-listener"]' \
	"port $port without httpd: broken at the container's listener"

# The other container: its own namespace, entered by name.
pidb=$(D inspect -f '{{.State.Pid}}' ented-b)
is "$(NL ented-b readlink /proc/self/ns/net 2>&1)" "net:[$(stat -L -c %i "/proc/$pidb/ns/net")]" \
	"ented-b by name: its own network namespace"

docker_cleanup
is "$(our_pids | wc -l)" 0 "no process of ours left"
done_testing
