#!/bin/bash
# Live test of the reachability probes (dns, connect, ping, mtu, port, all)
# through tests/unit/probe-run-reach, on a network built here and nowhere
# else: a "hostsim" netns with a bridge (the containers' host and router),
# a "far" netns behind a 1280-byte link with a dnsmasq, and ctrrun
# containers on the bridge.  Only loopback and addresses on interfaces made
# here are used.  Expected values come from the kernel and other tools (ss,
# ip route get, busybox nslookup and ping, dnsmasq's configuration), never
# from the probes themselves.
#
#   TOP=. BUILDDIR=build CTRRUN=build/tests/ctrrun/ctrrun bash tests/live/probes-reach.t
set -u
TOP=${TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
BUILDDIR=${BUILDDIR:-$TOP/build}
CTRRUN=${CTRRUN:-$BUILDDIR/tests/ctrrun/ctrrun}
PROBE=$BUILDDIR/tests/unit/probe-run-reach
. "$TOP/tests/lib/tap.sh"
. "$TOP/tests/lib/rootfs.sh"

need_root
for tool in jq ip ss nsenter dnsmasq busybox nft iptables-nft; do
	if ! command -v $tool >/dev/null; then
		echo "1..0 # SKIP $tool not installed"
		exit 0
	fi
done
for bin in "$CTRRUN" "$PROBE"; do
	if [ ! -x "$bin" ]; then
		echo "1..0 # SKIP $bin not built"
		exit 0
	fi
done

tmp=$(mktemp -d /tmp/probes-reach.XXXXXX)
chmod 755 "$tmp"
STATE=$tmp/state
ROOTFS=$tmp/rootfs
HS=prh$$ # hostsim: the bridge, the router, the "host" of the port probe
FAR=prf$$ # behind a 1280-byte link: dnsmasq and the path MTU target
P=pr$$
S=10.210.$((RANDOM % 200)) # the bridge's subnet
F=10.211.$((RANDOM % 200)) # the far subnet
DEAD=$S.250 # in the bridge's subnet, no host
LOGS=$tmp/logs

cr() { "$CTRRUN" --state-dir "$STATE" "$@"; }
field() { jq -r ".$2" "$STATE/$1/state.json"; }
cleanup_all() {
	local d
	[ -n "${DNSMASQ_PID:-}" ] && kill "$DNSMASQ_PID" 2>/dev/null
	for d in "${PROXY_PIDS[@]}"; do kill "$d" 2>/dev/null; done
	for d in "$STATE"/*/; do
		[ -d "$d" ] || continue
		cat "$d/shim.log" >>"$LOGS" 2>/dev/null
		cr delete -f "$(basename "$d")" 2>&1 | sed 's/^/# /'
	done
	ip netns del "$HS" 2>/dev/null
	ip netns del "$FAR" 2>/dev/null
}
on_exit "cleanup_all; rm -rf '$tmp'"
PROXY_PIDS=()

now_ms() { echo $(($(date +%s%N) / 1000000)); }
# probe [--in NETNS] ARGS...: run the driver, JSON to $tmp/out, stderr to
# $tmp/err, exit status in $rc and elapsed milliseconds in $ms.
probe() {
	local pre=()
	if [ "$1" = --in ]; then pre=(ip netns exec "$2"); shift 2; fi
	local t0; t0=$(now_ms)
	"${pre[@]}" "$PROBE" "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	ms=$(($(now_ms) - t0))
	cat "$tmp/err" >>"$LOGS"
}
j() { jq -r "$1" "$tmp/out" 2>/dev/null; }
within() { # within MAX-MS NAME
	if [ "$ms" -le "$1" ]; then ok 0 "$2 (${ms} ms)"; else ok 1 "$2 (${ms} ms > $1 ms)"; fi
}
netns_of() { echo "/proc/$1/ns/net"; }
in_ns() { local pid=$1; shift; nsenter --net="$(netns_of "$pid")" "$@"; }
# The pid of the process listening on TCP port $2 in the netns of pid $1 (per ss).
ss_listener_pid() {
	in_ns "$1" ss -Hltnp "sport = :$2" 2>/dev/null | grep -o 'pid=[0-9]*' | head -1 | cut -d= -f2
}
hs_listener_pid() {
	ip netns exec "$HS" ss -Hltnp "sport = :$1" 2>/dev/null | grep -o 'pid=[0-9]*' | head -1 | cut -d= -f2
}

make_busybox_rootfs "$ROOTFS" || { echo "1..0 # SKIP no busybox rootfs"; exit 0; }
mkdir -p "$STATE"
printf '127.0.0.1\tlocalhost\n%s\tweb.probe.test web\n' "$S.2" >"$ROOTFS/etc/hosts"
RESOLV="nameserver $F.2
nameserver $S.99
search probe.test
options ndots:2 timeout:1
"
printf '%s' "$RESOLV" >"$ROOTFS/etc/resolv.conf"

# ---- the network ----
ip netns add "$HS" && ip netns add "$FAR" &&
	ip -n "$HS" link set lo up && ip -n "$FAR" link set lo up &&
	ip -n "$HS" link add br0 type bridge && ip -n "$HS" addr add "$S.1/24" dev br0 &&
	ip -n "$HS" link set br0 up &&
	ip -n "$HS" link add far0 mtu 1280 type veth peer name eth0 netns "$FAR" &&
	ip -n "$HS" addr add "$F.1/24" dev far0 && ip -n "$HS" link set far0 up &&
	ip -n "$FAR" link set eth0 mtu 1280 && ip -n "$FAR" addr add "$F.2/24" dev eth0 &&
	ip -n "$FAR" link set eth0 up && ip -n "$FAR" route add default via "$F.1" &&
	ip netns exec "$HS" sh -c 'echo 1 >/proc/sys/net/ipv4/ip_forward'
ok $? "test network: bridge $S.0/24 in $HS, routed to $F.0/24 (MTU 1280) in $FAR"

A=$P-a B=$P-b
cr run -d --rootfs "$ROOTFS" --bridge br0 --bridge-netns "$HS" --ip "$S.2/24" --gw "$S.1" \
	"$A" -- httpd -f -p 80 -h /tmp </dev/null
ok $? "container $A ($S.2) with httpd on port 80"
cr run -d --rootfs "$ROOTFS" --bridge br0 --bridge-netns "$HS" --ip "$S.3/24" --gw "$S.1" \
	"$B" -- sleep 300 </dev/null
ok $? "container $B ($S.3)"
AI=$(field "$A" init_pid) BI=$(field "$B" init_pid)
cr exec -d "$A" -- httpd -f -p 127.0.0.1:82 -h /tmp </dev/null >/dev/null
HTTPD=""
wait_for 5 test -n "$(ss_listener_pid "$AI" 80)"
HTTPD=$(ss_listener_pid "$AI" 80)
ok "$([ -n "$HTTPD" ]; echo $?)" "ss sees httpd listening on :80 in $A (pid ${HTTPD:-none})"
wait_for 5 test -n "$(ss_listener_pid "$AI" 82)"

ip netns exec "$FAR" dnsmasq --keep-in-foreground --conf-file=/dev/null --no-resolv --no-hosts \
	--bind-interfaces --listen-address="$F.2" --port 53 --user=root --group=root \
	--pid-file="$tmp/dnsmasq.pid" --log-queries --log-facility="$tmp/dnsmasq.log" \
	--address=/probe.test/10.99.1.2 --address=/probe.test/fd00:99::2 --address=/nx.test/ &
DNSMASQ_PID=$!
dns_up() { ip netns exec "$FAR" ss -Hlun "sport = :53" | grep -q "$F.2"; }
wait_for 5 dns_up
ok $? "dnsmasq listens on $F.2:53 in $FAR (pid $DNSMASQ_PID)"

# ---- dns: configuration ----
probe --json --timeout 1000 "$AI" dns=probe.test
is "$rc" 0 "dns runs"
is "$(j '.resolv_conf.nameservers | join(" ")')" "$F.2 $S.99" "dns: nameservers from the container's resolv.conf"
is "$(j '.resolv_conf.search | join(" ")')" "probe.test" "dns: search"
is "$(j '.resolv_conf.options | join(" ")')" "ndots:2 timeout:1" "dns: options"
is "$(j '.resolv_conf.error')" null "dns: resolv.conf read without error"
is "$(j '.hosts[] | select(.address == "'"$S.2"'") | .names | join(" ")')" "web.probe.test web" \
	"dns: the container's /etc/hosts entry"

# ---- dns: answers, against dnsmasq's configuration and busybox nslookup ----
ns_a=$(in_ns "$AI" busybox nslookup -type=a probe.test "$F.2" 2>/dev/null |
	awk '/^Name:/ {n = 1} n && /^Address/ {print $2}' | sort | tr '\n' ' ')
ns_aaaa=$(in_ns "$AI" busybox nslookup -type=aaaa probe.test "$F.2" 2>/dev/null |
	awk '/^Name:/ {n = 1} n && /^Address/ {print $2}' | sort | tr '\n' ' ')
is "$ns_a" "10.99.1.2 " "nslookup (from the container's netns) gets dnsmasq's A record"
q() { j ".queries[] | select(.server == \"$1\" and .type == \"$2\") | $3"; }
is "$(q "$F.2" A '.answers | sort | join(" ")') " "$ns_a" "dns: A answers from $F.2 equal nslookup's"
is "$(q "$F.2" AAAA '.answers | sort | join(" ")') " "$ns_aaaa" "dns: AAAA answers equal nslookup's ($ns_aaaa)"
is "$(q "$F.2" A .answers[0])" 10.99.1.2 "dns: ... which is dnsmasq's configured address"
is "$(q "$F.2" A .rcode)/$(q "$F.2" A .ok)" NOERROR/true "dns: $F.2 NOERROR"
ms_ok=$(q "$F.2" A '.ms | type == "number" and . >= 0 and . < 1000')
is "$ms_ok" true "dns: latency measured"
is "$(q "$S.99" A .answered)/$(q "$S.99" A .ok)" false/false "dns: the dead server $S.99 does not answer"
is "$(q "$S.99" A .error)" "no answer within 1000 ms" "dns: ... and says why"
within 2500 "dns: all queries bounded by one timeout (1000 ms)"
grep -q 'query\[A\] probe.test' "$tmp/dnsmasq.log" 2>/dev/null || grep -q 'probe.test' "$tmp/dnsmasq.log" 2>/dev/null
ok $? "dnsmasq logged our query"

probe --json --timeout 1000 "$AI" dns=www.nx.test
is "$(q "$F.2" A .rcode)/$(q "$F.2" A .ok)" NXDOMAIN/false "dns: NXDOMAIN reported as such"
probe --timeout 1000 "$AI" dns=probe.test
is "$rc" 0 "dns text output"
grep -q "10.99.1.2" "$tmp/out" && grep -q "nameserver $S.99" "$tmp/out"
ok $? "dns text shows the answer and the servers"
probe "$AI" dns
is "$rc" 0 "dns without NAME runs"
grep -q "queries:" "$tmp/out"
ok $((! $?)) "dns without NAME sends no query"

# ---- dns: hostile resolv.conf ----
printf 'nameserver %s\nsearch a\033[31mb\n' "$F.2" >"$ROOTFS/etc/resolv.conf"
probe --json --timeout 500 "$AI" dns
is "$(j '.resolv_conf.search[0]')" "$(printf 'a\033[31mb')" "dns: escape bytes kept losslessly in JSON"
probe --timeout 500 "$AI" dns
grep -q $'\033' "$tmp/out"
ok $((! $?)) "dns: ... and never raw on the terminal"
grep -qF 'a\x1b[31mb' "$tmp/out"
ok $? "dns: ... shown escaped"

echo "nameserver 10.123.0.1" >"$ROOTFS/etc/hostname"
rm -f "$ROOTFS/etc/resolv.conf"
ln -s /etc/hostname "$ROOTFS/etc/resolv.conf"
probe --json "$AI" dns
is "$(j '.resolv_conf.nameservers | join(" ")')" 10.123.0.1 \
	"dns: an absolute symlink resolves inside the container's root"
grep -q "nameserver 10.123.0.1" /etc/hostname
ok $((! $?)) "dns: ... (the host's /etc/hostname says otherwise)"
rm -f "$ROOTFS/etc/resolv.conf"
ln -s ../../../../../../../../etc/hostname "$ROOTFS/etc/resolv.conf"
probe --json "$AI" dns
is "$(j '.resolv_conf.nameservers | join(" ")')" 10.123.0.1 "dns: a ../ symlink cannot climb out of the root"
rm -f "$ROOTFS/etc/resolv.conf"
ln -s /proc/1/root/etc/hostname "$ROOTFS/etc/resolv.conf"
probe --json "$AI" dns
ok "$([ "$(j '.resolv_conf.error')" != null ] && [ "$(j '.resolv_conf.nameservers | length')" = 0 ]; echo $?)" \
	"dns: a symlink through a /proc magic link is refused ($(j .resolv_conf.error))"
rm -f "$ROOTFS/etc/resolv.conf"
mkfifo "$ROOTFS/etc/resolv.conf"
probe --json "$AI" dns
is "$rc/$(j '.resolv_conf.error')" "0//etc/resolv.conf in the container is not a regular file (a FIFO): not read" \
	"dns: a FIFO is not opened for reading"
within 1000 "dns: ... and does not hang"
rm -f "$ROOTFS/etc/resolv.conf"
ln -s /dev/zero "$ROOTFS/etc/resolv.conf"
probe --json "$AI" dns
case $(j '.resolv_conf.error') in
*"not a regular file (a character device)"* | *"No such file"*) ok 0 "dns: a device is not read" ;;
*) ok 1 "dns: a device is not read ($(j '.resolv_conf.error'))" ;;
esac
rm -f "$ROOTFS/etc/resolv.conf"
{
	echo "nameserver 10.124.0.1"
	head -c 1048576 /dev/zero | tr '\0' '#' | fold -w 100
} >"$ROOTFS/etc/resolv.conf"
probe --json "$AI" dns
is "$(j .resolv_conf.truncated)/$(j '.resolv_conf.nameservers | join(" ")')" "true/10.124.0.1" \
	"dns: a 1 MiB resolv.conf is read up to the cap and flagged"
within 2000 "dns: ... quickly"
printf '%s' "$RESOLV" >"$ROOTFS/etc/resolv.conf.new" && mv -f "$ROOTFS/etc/resolv.conf.new" "$ROOTFS/etc/resolv.conf"

# ---- connect ----
probe --json --timeout 1000 "$BI" "connect=$S.2:80"
is "$rc/$(j .ok)/$(j .error)/$(j .address)/$(j .port)" "0/true/null/$S.2/80" "connect $B -> $A:80 (httpd)"
is "$(j '.ms | type')" number "connect: time measured"
probe --json --timeout 1000 "$BI" "connect=$S.2:81"
is "$(j .ok)/$(j .error)" "false/connection refused" "connect to a closed port: refused"
probe --json --timeout 1000 "$BI" "connect=$DEAD:80"
case $(j .error) in
"timed out after 1000 ms" | "no route to host") ok 0 "connect to $DEAD (no host): $(j .error)" ;;
*) ok 1 "connect to $DEAD (no host): $(j .error)" ;;
esac
is "$(j .ok)" false "connect: ... not ok"
within 2500 "connect: bounded by the timeout"
probe --json "$AI" "connect=127.0.0.1:82"
is "$(j .ok)" true "connect inside $A to its 127.0.0.1-only listener"
probe --json "$BI" "connect=127.0.0.1:82"
is "$(j .error)" "connection refused" "connect: ... which $B (another netns) cannot reach"
probe --json "$AI" "connect=[::1]:1"
case $(j .error) in
"connection refused" | "address not available" | "network unreachable") ok 0 "connect [::1]:1 parsed as IPv6 ($(j .error))" ;;
*) ok 1 "connect [::1]:1 parsed as IPv6 ($(j .error))" ;;
esac
probe "$AI" "connect=example.com:80"
ok "$([ "$rc" != 0 ] && grep -q "not an IPv4 or IPv6 address" "$tmp/err"; echo $?)" \
	"connect refuses a name (no host resolver)"
probe "$AI" "connect=$S.2:99999"
ok "$([ "$rc" != 0 ] && grep -q "bad port" "$tmp/err"; echo $?)" "connect refuses a bad port"
probe "$BI" "connect=$S.2:80"
grep -q "^connect $S.2:80: connected" "$tmp/out"
ok $? "connect text output"

# ---- ping ----
bb_recv=$(in_ns "$AI" busybox ping -c 3 -W 2 "$S.1" 2>/dev/null | sed -n 's/.* \([0-9]*\) packets received.*/\1/p')
probe --json --count 3 --timeout 1000 "$AI" "ping=$S.1"
is "$(j .sent)/$(j .received)" "3/${bb_recv:-?}" "ping $A -> the bridge $S.1: as busybox ping"
is "$(j .ok)/$(j .socket)" true/raw "ping: raw socket (ping_group_range forbids datagram ICMP here)"
is "$(j '[.rtt_min, .rtt_avg, .rtt_max] | map(type) | join(",")')" number,number,number "ping: rtt min/avg/max"
is "$(j '.replies | map(select(.ok)) | length')" 3 "ping: every reply listed"
in_ns "$AI" sh -c 'echo "0 2147483647" >/proc/sys/net/ipv4/ping_group_range'
probe --json --count 2 --timeout 1000 "$AI" "ping=$S.3"
is "$(j .sent)/$(j .received)/$(j .socket)" 2/2/icmp-datagram "ping $A -> $B over an ICMP datagram socket"
probe --json --count 2 --timeout 1000 "$AI" "ping=$DEAD"
is "$(j .sent)/$(j .received)/$(j .ok)" 2/0/false "ping a dead address: nothing back"
within 2500 "ping: bounded by (count - 1) * 200 ms + timeout"
probe --json --count 2 --timeout 1000 "$AI" "ping=::1"
is "$(j .sent)/$(j .received)" 2/2 "ping ::1 (ICMPv6) inside $A"
probe --count 2 "$AI" "ping=$S.3"
grep -q "2 sent, 2 received" "$tmp/out"
ok $? "ping text output"

# ---- mtu ----
far_mtu=$(ip -n "$FAR" -o link show eth0 | sed -n 's/.* mtu \([0-9]*\) .*/\1/p')
if_mtu=$(in_ns "$AI" ip -o link show eth0 | sed -n 's/.* mtu \([0-9]*\) .*/\1/p')
probe --json --timeout 1000 "$AI" "mtu=$F.2"
is "$rc/$(j .path_mtu)" "0/$far_mtu" "mtu: path MTU to $F.2 is the far link's ($far_mtu)"
is "$(j .interface)/$(j .interface_mtu)" "eth0/$if_mtu" "mtu: the route's interface and its MTU"
is "$(j .confirmed)" true "mtu: confirmed by the destination"
is "$(j '.steps[] | select(.mtu != null) | "\(.mtu) \(.from)"' | head -1)" "$far_mtu $S.1" \
	"mtu: the router $S.1 asked for $far_mtu"
kernel_pmtu=$(in_ns "$AI" ip route get "$F.2" | sed -n 's/.* mtu \([0-9]*\).*/\1/p')
is "$kernel_pmtu" "$far_mtu" "mtu: the kernel's route cache agrees (ip route get)"
probe --json --timeout 1000 "$AI" "mtu=$S.3"
is "$(j .path_mtu)" "$if_mtu" "mtu: on the bridge the path MTU is the interface's"
probe --timeout 1000 "$AI" "mtu=$F.2"
grep -q "path MTU $far_mtu" "$tmp/out"
ok $? "mtu text output"

# ---- port: docker-proxy ----
ln -s "$PROBE" "$tmp/docker-proxy"
start_proxy() { # start_proxy HOSTPORT CIP CPORT
	ip netns exec "$HS" "$tmp/docker-proxy" -proto tcp -host-ip 0.0.0.0 -host-port "$1" \
		-container-ip "$2" -container-port "$3" </dev/null >>"$LOGS" 2>&1 &
	PROXY_PIDS+=($!)
	wait_for 5 test -n "$(hs_listener_pid "$1")"
}
start_proxy 8080 "$S.2" 80
PX=$(hs_listener_pid 8080)
is "$(cat /proc/"${PX:-0}"/comm 2>/dev/null)" docker-proxy "the stand-in proxy runs as docker-proxy (pid ${PX:-none})"
probe --in "$HS" --json --timeout 1000 "$AI" port=8080
h() { j ".hops[] | select(.hop == \"$1\") | $2"; }
is "$rc/$(j .ok)/$(j .broken_at)" "0/true/null" "port 8080 works end to end"
is "$(j '[.hops[].hop] | join(" ")')" \
	"host-listener docker-proxy container-address container-listener connect-host connect-container" "port: hops"
is "$(h host-listener .pid)/$(h host-listener .comm)" "$PX/docker-proxy" "port: host listener is ss's pid, docker-proxy"
is "$(h docker-proxy .container_ip):$(h docker-proxy .container_port)" "$S.2:80" "port: proxy's target from its argv"
is "$(h container-address .interface)" eth0 "port: $S.2 is on the container's eth0"
is "$(h container-listener .pid)/$(h container-listener .comm)" "$HTTPD/httpd" \
	"port: container listener is ss's pid ($HTTPD), httpd"
is "$(h connect-host .ok)/$(h connect-host .address)" true/127.0.0.1 "port: connect from the host side"
is "$(h connect-container .ok)" true "port: connect inside the container"
probe --in "$HS" --timeout 1000 "$AI" port=8080
grep -q "the port works end to end" "$tmp/out"
ok $? "port text output"

probe --in "$HS" --json --timeout 1000 "$AI" port=8099
is "$(j .broken_at)/$(j .error)" \
	"host-listener/nothing listens on host port 8099, and no DNAT rule forwards it" "port: nothing on the host port"
within 2500 "port: ... quickly"
start_proxy 8081 "$S.77" 80
probe --in "$HS" --json --timeout 1000 "$AI" port=8081
is "$(j .broken_at)/$(j .error)" \
	"container-address/docker-proxy forwards to $S.77:80, which is not an address of this container" \
	"port: proxy to an address that is not the container's"
within 3500 "port: ... bounded"
start_proxy 8082 "$S.2" 81
probe --in "$HS" --json --timeout 1000 "$AI" port=8082
is "$(j .broken_at)/$(j .error)" "container-listener/nothing listens on port 81 in the container" \
	"port: nothing listens in the container"
is "$(h connect-container .error)" "connect failed: connection refused" "port: ... and the connect inside is refused"
within 2500 "port: ... bounded"
start_proxy 8083 "$S.2" 82
probe --in "$HS" --json --timeout 1000 "$AI" port=8083
is "$(j .broken_at)/$(j .error)" \
	"container-listener/port 82 in the container listens on 127.0.0.1 only, not on $S.2:82" \
	"port: a listener on loopback only"
within 2500 "port: ... bounded"
ip netns exec "$HS" busybox httpd -f -p 8085 -h /tmp </dev/null >>"$LOGS" 2>&1 &
PROXY_PIDS+=($!)
wait_for 5 test -n "$(hs_listener_pid 8085)"
HP=$(hs_listener_pid 8085)
probe --in "$HS" --json --timeout 1000 "$AI" port=8085
is "$(j .broken_at)/$(j .error)" \
	"dnat/host port 8085 is served by PID $HP (busybox) on the host: not docker-proxy, and no DNAT rule forwards it" \
	"port: a host port served by something else than docker-proxy"
is "$(h host-listener .ok)/$(h host-listener .pid)" "true/$HP" "port: ... whose pid is ss's"

# ---- port: DNAT, native nftables and iptables-nft ----
ip netns exec "$HS" nft -f - <<EOF
table ip ctnat {
	chain prerouting { type nat hook prerouting priority -100; tcp dport 9090 dnat to $S.2:80; }
	chain output { type nat hook output priority -100; tcp dport 9090 dnat to $S.2:80; tcp dport 9091 dnat to $S.77; }
}
EOF
ok $? "nft DNAT rules in $HS"
ip netns exec "$HS" iptables-nft -t nat -A OUTPUT -p tcp --dport 9092 -j DNAT --to-destination "$S.2:80"
ok $? "iptables-nft DNAT rule in $HS"
probe --in "$HS" --json --timeout 1000 "$AI" port=9090
is "$rc/$(j .ok)/$(j .broken_at)" "0/true/null" "port 9090 (nft DNAT) works end to end"
is "$(h host-listener .listening)/$(h dnat .target)" "false/$S.2:80" "port: no listener, the DNAT rule's target"
case $(h dnat .rule) in "ip ctnat "*) ok 0 "port: names the rule ($(h dnat .rule))" ;; *) ok 1 "port: names the rule ($(h dnat .rule))" ;; esac
is "$(h container-listener .pid)" "$HTTPD" "port: ... to httpd in the container"
is "$(h connect-host .ok)" true "port: connect from the host side through the DNAT ($(h connect-host .address))"
probe --in "$HS" --json --timeout 1000 "$AI" port=9091
is "$(j .broken_at)/$(j .error)" \
	"container-address/the DNAT rule forwards to $S.77:9091, which is not an address of this container" \
	"port: DNAT to an address that is not the container's"
within 2500 "port: ... bounded"
probe --in "$HS" --json --timeout 1000 "$AI" port=9092
is "$rc/$(j .ok)/$(h dnat .target)" "0/true/$S.2:80" "port 9092 (iptables-nft DNAT) read through nft's translation"

# ---- all ----
probe --json --timeout 1000 --count 2 "$AI" all
is "$rc/$(j 'keys | sort | join(",")')" "0/addrs,dns,gateway,links,routes,sockets" "all: every section present"
gw=$(in_ns "$AI" ip route show default | awk '{print $3}')
is "$(j '.gateway[0].address')/$(j '.gateway[0].ping.received')" "$gw/2" "all: the default gateway ($gw) answers"
is "$(j '[.dns.queries[].server] | join(" ")')" "$F.2 $S.99" "all: each nameserver checked"
is "$(j '[.dns.queries[].answered] | join(" ")')" "true false" "all: ... $F.2 answers, $S.99 does not"
within 3500 "all: bounded"
probe --timeout 1000 --count 2 "$AI" all
ok "$([ "$rc" = 0 ] && grep -q "nameserver $S.99: FAILED" "$tmp/out" && grep -q "$gw dev eth0: 2/2 replies" "$tmp/out"; echo $?)" \
	"all: text summary"

# ---- errors ----
probe "$AI" ping
ok "$([ "$rc" != 0 ] && grep -q "needs HOST" "$tmp/err"; echo $?)" "ping without HOST: a clear error"
probe "$AI" port=http
ok "$([ "$rc" != 0 ] && grep -q "not a TCP port" "$tmp/err"; echo $?)" "port with a bad HOSTPORT: a clear error"

# ---- nothing left behind ----
cleanup_all
ip netns list | grep -qE "^($HS|$FAR)( |\$)"
ok $((! $?)) "test netns removed"
kill -0 "$DNSMASQ_PID" 2>/dev/null
ok $((! $?)) "dnsmasq stopped"
if grep -qE 'Sanitizer|runtime error' "$LOGS" 2>/dev/null; then
	ok 1 "no sanitizer reports"
	sed 's/^/#   /' "$LOGS" | head -40
else
	ok 0 "no sanitizer reports"
fi

done_testing
