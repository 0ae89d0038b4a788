#!/bin/bash
# The network probes links, addrs, routes, neigh and sockets on real
# containers of the bundled runtime.  Every value they report is compared
# with what iproute2 says from inside the same network namespace (ip -j,
# ss), run here through nsenter --net: the independent truth.  Hostile
# interface names, unix socket names and comms must come out escaped in
# text and byte-exact in JSON.
#
#   TOP=. BUILDDIR=build CTRRUN=build/tests/ctrrun/ctrrun bash tests/live/probes-net.t
set -u
TOP=${TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
BUILDDIR=${BUILDDIR:-$TOP/build}
CTRRUN=${CTRRUN:-$BUILDDIR/tests/ctrrun/ctrrun}
PROBE=$BUILDDIR/tests/unit/probe-run
. "$TOP/tests/lib/tap.sh"
. "$TOP/tests/lib/rootfs.sh"

need_root
for tool in jq ip ss nsenter python3; do
	if ! command -v $tool >/dev/null; then
		echo "1..0 # SKIP $tool not installed"
		exit 0
	fi
done
for b in "$CTRRUN" "$PROBE"; do
	if [ ! -x "$b" ]; then
		echo "1..0 # SKIP $b not built"
		exit 0
	fi
done
PY=python3
[ -x /usr/bin/python3 ] && PY=/usr/bin/python3

tmp=$(mktemp -d /tmp/probes-net.XXXXXX)
STATE=$tmp/state
ROOTFS=$tmp/rootfs
NETNS=pnt$$ # holds the bridge: nothing of this test touches the host's network
P=pn$$
SUBNET=10.210.$((RANDOM % 200))
V6=fd42:$((RANDOM % 9000 + 1000))
HOLDER_PID=

cr() { "$CTRRUN" --state-dir "$STATE" "$@"; }
cleanup_all() {
	local d
	[ -n "$HOLDER_PID" ] && kill "$HOLDER_PID" 2>/dev/null
	for d in "$STATE"/*/; do
		[ -d "$d" ] && cr delete -f "$(basename "$d")"
	done
	ip netns del "$NETNS" 2>/dev/null
}
on_exit "cleanup_all; rm -rf '$tmp'"

field() { jq -r ".$2" "$STATE/$1/state.json"; }

make_busybox_rootfs "$ROOTFS" >/dev/null 2>&1 || { echo "1..0 # SKIP no static busybox"; exit 0; }
# The containers have no network tools: the probes must not need any.
rm -f "$ROOTFS"/bin/{ip,ss,netstat,ifconfig,route,arp} "$ROOTFS"/sbin/{ip,ss,ifconfig,route}
mkdir -p "$STATE"

# ---- two containers on a bridge in our own network namespace ----
ip netns add "$NETNS" && ip -n "$NETNS" link add br0 type bridge && ip -n "$NETNS" link set br0 up
ok $? "test bridge in netns $NETNS"
A=$P-a B=$P-b
cr run -d --rootfs "$ROOTFS" --bridge br0 --bridge-netns "$NETNS" \
	--ip "$SUBNET.2/24" --gw "$SUBNET.1" "$A" -- sleep 600 </dev/null
ok $? "run $A on the bridge"
cr run -d --rootfs "$ROOTFS" --bridge br0 --bridge-netns "$NETNS" \
	--ip "$SUBNET.3/24" "$B" -- sleep 600 </dev/null
ok $? "run $B on the bridge"
AINIT=$(field "$A" init_pid)
BINIT=$(field "$B" init_pid)
ok "$([ ! -e "/proc/$AINIT/root/bin/ip" ] && [ ! -e "/proc/$AINIT/root/sbin/ip" ]; echo $?)" \
	"$A has no ip binary inside"
AN="nsenter --net=/proc/$AINIT/ns/net"

# ---- what a container's network can hold, made from outside ----
esc=$(printf '\033[31mevil')  # ESC is a valid byte in an interface name
bidi=$(printf 'bd\342\200\256ok') # so is U+202E RIGHT-TO-LEFT OVERRIDE
(
	set -e
	# No IPv6 autoconfiguration on the links made below: their routes
	# would come and go while the probes and ip look.
	$AN sysctl -qw net.ipv6.conf.default.disable_ipv6=1
	$AN ip addr add "$SUBNET.12/24" dev eth0
	$AN ip addr add "$V6::2/64" dev eth0 nodad
	$AN ip route add 10.97.0.0/16 via "$SUBNET.1" metric 77
	$AN ip route add 10.99.0.0/16 via "$SUBNET.1" table 100
	$AN ip route add blackhole 10.98.0.0/16 table 100
	$AN ip -6 route add "$V6:1::/64" via "$V6::1" dev eth0 table 100
	$AN ip rule add from "$SUBNET.12" lookup 100 pref 1000
	$AN ip rule add fwmark 7 lookup 100 pref 1001
	$AN ip rule add prohibit to 10.96.0.0/16 pref 1003
	$AN ip rule add iif lo lookup main pref 1004
	$AN ip -6 rule add from "$V6::/64" lookup 100 pref 1005
	$AN ip neigh add "$SUBNET.77" lladdr 02:11:22:33:44:55 dev eth0 nud permanent
	$AN ip link add odd0 mtu 1234 type veth peer name odd1
	$AN ip link add brx type bridge
	$AN ip link set odd1 master brx
	$AN ip link set odd0 up
	$AN ip link set odd1 up
	$AN ip link set brx up
	$AN ip link add "$esc" type veth peer name "$bidi"
	$AN ip link set "$esc" up
	$AN ip addr add 10.95.0.1/24 dev "$esc" # its route is linkdown: the peer is down
)
ok $? "addresses, routes in table 100, rules, a static neighbour, odd links in $A"
# eth0's link-local address and its routes arrive once DAD is done.
settled() {
	$AN ip -6 addr show dev eth0 scope link | grep -q fe80 &&
		! $AN ip -6 addr show tentative | grep -q . &&
		$AN ip -6 route show table local | grep -q '^local fe80'
}
wait_for 10 settled
ok $? "IPv6 on eth0 settled (link-local address, no tentative address)"

# ---- sockets: busybox nc in the containers, python for the rest ----
cr exec -d "$A" -- nc -l -p 8080 </dev/null >/dev/null
ok $? "a TCP listener (nc) in $A"
cr exec -d "$A" -- sh -c 'sleep 600 | nc -l -p 8081' </dev/null >/dev/null
listening() { $AN ss -Htln "sport = :$1" | grep -q .; }
wait_for 5 listening 8081
cr exec -d "$B" -- sh -c "sleep 600 | nc $SUBNET.2 8081" </dev/null >/dev/null
established() { $AN ss -Htn state established "sport = :8081" | grep -q .; }
wait_for 5 established
ok $? "an established TCP connection from $B to $A"

upath=$tmp/$(printf 'u\033[31mred\342\200\256.sock')
cat >"$tmp/holder.py" <<'EOF'
# Sockets held in the container's network namespace by a host process
# with a hostile comm: UDP, IPv6, a loopback connection, unix names with
# escape bytes.
import ctypes, os, signal, socket, sys
tmp, upath, v6 = sys.argv[1], os.fsencode(sys.argv[2]), sys.argv[3]
libc = ctypes.CDLL(None)
libc.prctl(15, b"\x1b[31mpy\xe2\x80\xaecomm", 0, 0, 0)  # PR_SET_NAME
keep = []
u4 = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u4.bind(("0.0.0.0", 5353)); keep.append(u4)
u6 = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM); u6.bind(("::", 5354)); keep.append(u6)
os.seteuid(1234)  # a socket takes the creator's fsuid
uu = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); uu.bind(("127.0.0.1", 5355)); keep.append(uu)
os.seteuid(0)
t6 = socket.socket(socket.AF_INET6, socket.SOCK_STREAM); t6.bind((v6 + "::2", 9090)); t6.listen(7); keep.append(t6)
l = socket.socket(); l.bind(("127.0.0.1", 9091)); l.listen(3); keep.append(l)
c = socket.create_connection(("127.0.0.1", 9091)); keep.append(c)
s, _ = l.accept(); keep.append(s)
c.send(b"x" * 10)  # 10 bytes waiting in s's receive queue
ux = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM); ux.bind(upath); ux.listen(5); keep.append(ux)
ab = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
ab.bind(b"\0ct-\x1b[31m\xe2\x80\xae-abs\0x"); keep.append(ab)
uc = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM); uc.connect(upath); keep.append(uc)
keep.append(ux.accept()[0])  # named like the listener: the client's remote
keep.extend(socket.socketpair())
open(tmp + "/ready", "w").write("%d\n" % os.getpid())
signal.pause()
EOF
$AN "$PY" "$tmp/holder.py" "$tmp" "$upath" "$V6" </dev/null &
HOLDER_PID=$!
wait_for 5 test -s "$tmp/ready"
ok $? "python holds UDP, IPv6, loopback TCP and unix sockets in $A"

# ---- run the probes, then ask iproute2 ----
# Neighbour entries come and go on their own (NDP, MLD): ask before and after.
$AN ip -j neigh show nud all >"$tmp/ip-neigh0.json"
"$PROBE" --json --world "$AINIT" links,addrs,routes,neigh,sockets >"$tmp/probe.json" 2>"$tmp/probe.err"
ok $? "probe-run --json links,addrs,routes,neigh,sockets"
"$PROBE" "$AINIT" links,addrs,routes,neigh,sockets >"$tmp/probe.txt" 2>>"$tmp/probe.err"
ok $? "probe-run (text) links,addrs,routes,neigh,sockets"
[ -s "$tmp/probe.err" ] && sed 's/^/#   stderr: /' "$tmp/probe.err" | head -5
$AN ip -j -d link show >"$tmp/ip-link.json"
$AN ip -j addr show >"$tmp/ip-addr.json"
$AN ip -j -4 route show table all >"$tmp/ip-route4.json"
$AN ip -j -6 route show table all >"$tmp/ip-route6.json"
$AN ip -j -4 rule show >"$tmp/ip-rule4.json"
$AN ip -j -6 rule show >"$tmp/ip-rule6.json"
$AN ip -j neigh show nud all >"$tmp/ip-neigh.json"
$AN ss -H -4 -tuanpe >"$tmp/ss-inet4.txt"
$AN ss -H -6 -tuanpe >"$tmp/ss-inet6.txt"
$AN ss -H -xanpe >"$tmp/ss-unix.txt"

cat >"$tmp/check.py" <<'EOF'
# Compare the probes' JSON with iproute2's view; print "RC<TAB>NAME" lines.
import json, re, sys
d, upath, aid, aname = sys.argv[1], sys.argv[2].encode("utf-8", "surrogateescape"), sys.argv[3], sys.argv[4]
esc, bidi = sys.argv[5].encode(), sys.argv[6].encode()
out = []
def check(cond, name, detail=""):
    out.append("%d\t%s" % (0 if cond else 1, name))
    if not cond and detail:
        out.append("#\t" + str(detail)[:1500])
# strict=False: iproute2 6.1 writes an ESC in a name raw, which JSON forbids.
def load(n): return json.load(open(d + "/" + n), strict=False)
def raw(s): return s.encode("utf-8", "surrogateescape") if isinstance(s, str) else s
probe = load("probe.json")

# links
links = probe["links"]["links"]
ip_links = load("ip-link.json")
byname = {l["ifname"]: l["ifindex"] for l in ip_links}
def ip_link(l):
    lk = l.get("link_index")
    if lk is None and l.get("link"):
        lk = byname.get(l["link"])
    return dict(ifindex=l["ifindex"], name=l["ifname"], mtu=l["mtu"], operstate=l["operstate"],
                mac=l.get("address"), kind=(l.get("linkinfo") or {}).get("info_kind") or l.get("link_type"),
                flags=[f for f in l["flags"] if f != "M-DOWN"], master=l.get("master"),
                link_ifindex=lk, link_netnsid=l.get("link_netnsid"))
want = sorted((ip_link(l) for l in ip_links), key=lambda x: x["ifindex"])
got = [{k: l[k] for k in want[0]} for l in links] if want else []
check(len(want) >= 6, "ip shows the %d links we made" % len(want))
for k in ("ifindex", "name", "mtu", "operstate", "mac", "kind", "flags", "master", "link_ifindex", "link_netnsid"):
    w, g = [x[k] for x in want], [x[k] for x in got]
    check(w == g and any(v not in (None, []) for v in w), "links: %s of every link" % k, (w, g))
odd = [l for l in links if l["name"] == "odd0"]
check(odd and odd[0]["mtu"] == 1234 and odd[0]["kind"] == "veth", "links: odd0 has MTU 1234")
eth0 = [l for l in links if l["name"] == "eth0"]
check(eth0 and eth0[0]["link_netnsid"] is not None and eth0[0]["link_ifindex"] is not None,
      "links: eth0's peer is in another namespace (ifindex and netnsid)", eth0)
check([l["master"] for l in links if l["name"] == "odd1"] == ["brx"], "links: odd1's master is brx")
check(any(raw(l["name"]) == esc for l in links) and any(raw(l["name"]) == bidi for l in links),
      "links: hostile names decode to their exact bytes")

# addrs
want = sorted((l["ifname"], a["family"], a["local"], a["prefixlen"], a["scope"])
              for l in load("ip-addr.json") for a in l["addr_info"])
got = sorted((a["ifname"], a["family"], a["address"], a["prefixlen"], a["scope"]) for a in probe["addrs"]["addrs"])
check(want == got and len(want) >= 5, "addrs: every address with ifname, family, prefix and scope (%d)" % len(want),
      (want, got))

# routes
def norm_table(t): return str(t)
def full(dst, fam):
    if dst == "default" or "/" in dst: return dst
    return dst + ("/32" if fam == "inet" else "/128")
def ip_route(r, fam):
    m = r.get("metric") or None
    return (norm_table(r.get("table", "main")), fam, full(r["dst"], fam), r.get("gateway"), r.get("dev"),
            r.get("prefsrc"), r.get("protocol", "boot"), r.get("scope", "global"), m, r.get("type", "unicast"),
            sorted(r.get("flags", [])))
want = sorted([ip_route(r, "inet") for r in load("ip-route4.json")] +
              [ip_route(r, "inet6") for r in load("ip-route6.json")], key=repr)
got = sorted(((norm_table(r["table"]), r["family"], r["dst"], r["gateway"], r["dev"], r["prefsrc"],
               str(r["protocol"]), str(r["scope"]), r["metric"] or None, r["type"], sorted(r["flags"]))
              for r in probe["routes"]["routes"]), key=repr)
check(want == got and len(want) >= 10, "routes: every route of every table, both families (%d)" % len(want),
      [x for x in want if x not in got] + ["<->"] + [x for x in got if x not in want])
tables = {r[0] for r in got}
check({"main", "local", "100"} <= tables, "routes: tables main, local and 100 are all there", tables)
check(("100", "inet", "10.98.0.0/16", None, None, None, "boot", "global", None, "blackhole", []) in got,
      "routes: the blackhole route in table 100")
check(any(r[2] == "10.95.0.0/24" and r[10] == ["linkdown"] and raw(r[4]) == esc for r in got),
      "routes: a linkdown route through a hostile-named link")
check(any(r[2] == "10.97.0.0/16" and r[8] == 77 for r in got), "routes: metric 77")

def ip_rule(r, fam):
    def pfx(a, l):
        if a is None or a == "all": return None
        return "%s/%d" % (a, l if l is not None else (32 if fam == "inet" else 128))
    act = r.get("action", "lookup")
    return (r.get("priority", 0), fam, norm_table(r["table"]) if act == "lookup" else None,
            pfx(r.get("src"), r.get("srclen")), pfx(r.get("dst"), r.get("dstlen")), r.get("iif"), r.get("oif"),
            int(r["fwmark"], 16) if "fwmark" in r else None, act)
want = sorted([ip_rule(r, "inet") for r in load("ip-rule4.json")] + [ip_rule(r, "inet6") for r in load("ip-rule6.json")],
              key=repr)
got = sorted(((r["priority"], r["family"], None if r["table"] is None else norm_table(r["table"]), r["from"], r["to"],
               r["iif"], r["oif"], r["fwmark"], r["action"]) for r in probe["routes"]["rules"]), key=repr)
check(want == got and len(want) >= 9, "rules: every rule of both families (%d)" % len(want), (want, got))

# neigh: what ip saw both before and after must be there, nothing it never saw
# (the states of learnt entries may move on between two dumps: not compared)
def neighs(n): return {(e.get("dev"), e["dst"], e.get("lladdr")) for e in load(n)}
before, after = neighs("ip-neigh0.json"), neighs("ip-neigh.json")
got = {(n["ifname"], n["address"], n["lladdr"]) for n in probe["neigh"]["neigh"]}
check(before & after <= got <= before | after and len(before & after) >= 1,
      "neigh: every entry with dev, address and lladdr (%d)" % len(after), (before, after, got))
perm = [n for n in probe["neigh"]["neigh"] if n["lladdr"] == "02:11:22:33:44:55"]
check(len(perm) == 1 and perm[0]["state"] == "PERMANENT" and perm[0]["ifname"] == "eth0",
      "neigh: the static entry is PERMANENT on eth0", perm)

# sockets
socks = probe["sockets"]["sockets"]
def users(s):
    return sorted({int(p) for p in re.findall(rb"pid=(\d+)", s)})
def ino(s):
    m = re.search(rb"\bino:(\d+)", s)
    return int(m.group(1)) if m else 0
def uid(s):  # ss -e writes only a uid that is not 0
    m = re.search(rb"\buid:(\d+)", s)
    return int(m.group(1)) if m else 0
states = {"ESTAB": "ESTABLISHED"}
def addr(a, v6):
    if a in ("0.0.0.0:*", "[::]:*", "*:*", "*"): return None
    # ss writes the unspecified address of a dual-stack socket as "*"
    return ("[::]" if v6 else "0.0.0.0") + a[1:] if a.startswith("*:") else a
want = []
for fam in ("4", "6"):
    for line in open(d + "/ss-inet%s.txt" % fam, "rb"):
        f = line.split()
        v6 = fam == "6"
        want.append((f[0].decode() + ("6" if v6 else ""), states.get(f[1].decode(), f[1].decode()), int(f[2]),
                     int(f[3]), addr(f[4].decode(), v6), addr(f[5].decode(), v6), ino(line), uid(line), users(line)))
want.sort(key=repr)
got = sorted(((s["proto"], s["state"], s["recv_q"], s["send_q"], s["local"], s["remote"], s["inode"], s["uid"],
               sorted(p["pid"] for p in s["processes"])) for s in socks if s["proto"] != "unix"), key=repr)
check(want == got and len(want) >= 8,
      "sockets: every TCP/UDP socket: proto, state, queues, addresses, inode, uid, owners (%d)"
      % len(want), [x for x in want if x not in got] + ["<->"] + [x for x in got if x not in want])
names = {(s["proto"], s["state"], s["local"]) for s in socks}
for w in (("tcp6", "LISTEN", "[::]:8080"), ("udp", "UNCONN", "0.0.0.0:5353"), ("udp6", "UNCONN", "[::]:5354"),
          ("tcp6", "LISTEN", "[%s::2]:9090" % sys.argv[7]), ("tcp", "ESTABLISHED", "127.0.0.1:9091")):
    check(w in names, "sockets: %s %s %s" % w)
check([s["uid"] for s in socks if s["local"] == "127.0.0.1:5355"] == [1234], "sockets: uid 1234 of a socket")
est = [s for s in socks if s["proto"].startswith("tcp") and s["state"] == "ESTABLISHED" and s["local"].endswith(":8081")]
check(len(est) == 1 and est[0]["processes"] and est[0]["processes"][0]["comm"] == "nc",
      "sockets: the connection from the other container is owned by nc", est)
check(est and est[0]["processes"][0]["container"] == aid and est[0]["processes"][0]["container_name"] == aname,
      "sockets: ... in container %s (%s, as ctrtree names it)" % (aid, aname), est)
q = [s for s in socks if s["state"] == "ESTABLISHED" and s["local"] == "127.0.0.1:9091"]
check(len(q) == 1 and q[0]["recv_q"] == 10, "sockets: 10 bytes in a receive queue", q)

want = {}
for line in open(d + "/ss-unix.txt", "rb"):
    f = line.split()
    # u_str STATE RQ SQ LOCAL INODE PEER PEER-INODE [users:...] [...]
    want[int(f[5])] = (states.get(f[1].decode(), f[1].decode()), int(f[2]), int(f[3]),
                       None if f[4] == b"*" else f[4], int(f[7]), users(line))
got = {}
for s in socks:
    if s["proto"] != "unix": continue
    local = raw(s["local"]).replace(b"\0", b"@") if s["local"] is not None else None
    got[s["inode"]] = (s["state"], s["recv_q"], s["send_q"], local, s["peer_inode"] or 0,
                       sorted(p["pid"] for p in s["processes"]))
check(want == got and len(want) >= 5, "sockets: every unix socket: state, queues, name, peer, owners (%d)" % len(want),
      [(k, want.get(k), got.get(k)) for k in set(want) | set(got) if want.get(k) != got.get(k)])
locals_ = {raw(s["local"]) for s in socks if s["proto"] == "unix" and s["local"] is not None}
check(upath in locals_, "sockets: a unix path with ESC and U+202E decodes to its exact bytes")
check(b"@ct-\x1b[31m\xe2\x80\xae-abs\0x" in locals_, "sockets: an abstract name keeps its NUL and escape bytes")
conn = [s for s in socks if s["proto"] == "unix" and s["remote"] is not None and raw(s["remote"]) == upath]
check(len(conn) == 1 and conn[0]["type"] == "stream", "sockets: the client's remote is the listener's path", conn)
py = [p for s in socks for p in s["processes"] if raw(p["comm"]) == b"\x1b[31mpy\xe2\x80\xaecomm"]
check(len(py) >= 5 and all(p["container"] is None for p in py),
      "sockets: the python holder's hostile comm, exact, in no container (%d sockets)" % len(py))
print("\n".join(out))
EOF
# The container's name as ctrtree resolves it: the probes use the same world.
aname=$("${CTRTREE:-$BUILDDIR/ctrtree}" --json --no-api 2>/dev/null |
	jq -r --arg id "$A" '.containers[] | select(.id == $id) | .name')
"$PY" "$tmp/check.py" "$tmp" "$upath" "$A" "$aname" "$esc" "$bidi" "$V6" >"$tmp/check.out" 2>&1
rc=$?
while IFS=$'\t' read -r c name; do
	case $c in
	0 | 1) ok "$c" "$name" ;;
	*) diag "$c $name" ;;
	esac
done <"$tmp/check.out"
ok $rc "the comparison itself ran to its end"

# ---- text: everything escaped ----
controls() { LC_ALL=C grep -caP '[\x00-\x08\x0b-\x1f\x7f]|\xe2\x80[\xaa-\xae]|\xe2\x81[\xa6-\xa9]|\xc2[\x80-\x9f]' "$1"; }
is "$(controls "$tmp/probe.txt")" 0 "text output has no control bytes, C1 or bidi characters"
grep -qF '\x1b[31mevil' "$tmp/probe.txt" && grep -qF 'bd\u{202e}ok' "$tmp/probe.txt"
ok $? "text: hostile interface names are shown escaped"
grep -qF 'u\x1b[31mred\u{202e}.sock' "$tmp/probe.txt" && grep -qF '@ct-\x1b[31m\u{202e}-abs\x00x' "$tmp/probe.txt"
ok $? "text: hostile unix names are shown escaped"
grep -qF '\x1b[31mpy\u{202e}comm' "$tmp/probe.txt"
ok $? "text: a hostile comm is shown escaped"
for sec in "IDX NAME" "IFNAME" "TABLE DST" "PRIO FAMILY" "PROTO STATE"; do
	grep -q "^ *$sec" "$tmp/probe.txt" || break
done
ok $? "text: a table for links, addrs, routes, rules, neigh and sockets"
is "$(grep -cE '^ *[0-9]+ odd0 +veth +[A-Z]+ +1234 ' "$tmp/probe.txt")" 1 "text: odd0 with MTU 1234"
grep -qE '^main +10\.95\.0\.0/24 .* unicast,linkdown$' "$tmp/probe.txt"
ok $? "text: a linkdown route says so"

# ---- nothing executed, and one probe after another on another container ----
if command -v strace >/dev/null; then
	# LeakSanitizer cannot run under ptrace (it forks a tracer of its own).
	ASAN_OPTIONS=${ASAN_OPTIONS:-}:detect_leaks=0 \
		strace -f -qq -e trace=execve,execveat,fork,vfork,clone,clone3 -o "$tmp/trace" \
		"$PROBE" "$AINIT" links,addrs,routes,neigh,sockets >/dev/null 2>&1
	is "$(grep -vc '^[0-9]* *execve("'"$PROBE"'"' "$tmp/trace")" 0 "the probes fork and execute nothing"
else
	skip "no strace"
fi
"$PROBE" --json "$BINIT" links,addrs >"$tmp/b.json"
ok $? "probe-run on $B"
is "$(jq -r '[.addrs.addrs[] | select(.ifname == "eth0" and .family == "inet") | "\(.address)/\(.prefixlen)"] | join(" ")' "$tmp/b.json")" \
	"$(nsenter --net=/proc/$BINIT/ns/net ip -j addr show dev eth0 | jq -r '[.[].addr_info[] | select(.family == "inet") | "\(.local)/\(.prefixlen)"] | join(" ")')" \
	"$B: eth0's IPv4 addresses"

# ---- errors ----
"$PROBE" "$AINIT" links,nosuch >/dev/null 2>"$tmp/err"
ok "$([ $? -ne 0 ] && grep -q "unknown probe 'nosuch'" "$tmp/err"; echo $?)" "an unknown probe is refused"
"$PROBE" "$AINIT" links=x >/dev/null 2>"$tmp/err"
ok "$([ $? -ne 0 ] && grep -q "takes no argument" "$tmp/err"; echo $?)" "an argument to links is refused"

done_testing
