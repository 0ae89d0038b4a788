# The Docker API client (lib/http.c, lib/engine-docker.c) through its test
# driver, "test-docker --query SOCKET", which prints what ct_docker_query()
# and ct_docker_parse_containers() made of a live reply.
#
#  - Sockets that fail: missing, never answering, refusing by a full listen
#    queue: each a clear message within the time limit.
#  - A private dockerd (own data root, exec root, socket, pid file, and its
#    own containerd: dockerd 20.10 would silently use a containerd found at
#    /run/containerd/containerd.sock rather than start one, sharing its
#    "moby" namespace with whatever else uses it) with containers this test
#    makes; the expected values come from the docker CLI (ps, inspect).
#
# Cleanup runs also when the test fails or is killed: containers, the
# daemons (by the PIDs this script started), mounts under the temporary
# directory, the bridge.  The last checks prove nothing is left behind.
. "$TOP/tests/lib/tap.sh"
need_root

Q=$BUILDDIR/tests/unit/test-docker
if [ ! -x "$Q" ]; then
	echo "1..0 # SKIP $Q is not built"
	exit 0
fi

# Short: unix socket paths (at most 107 bytes) live under it.
tmp=$(mktemp -d /tmp/dapi.XXXXXX)
on_exit "rm -rf '$tmp'"
. "$TOP/tests/lib/docker.sh"

ms() { echo $(($(date +%s%N) / 1000000)); }

# ---- sockets that fail, no dockerd needed.

t0=$(ms)
"$Q" --query "$tmp/missing.sock" >/dev/null 2>"$tmp/err"
rc=$? t=$(($(ms) - t0))
is "$rc" 1 "missing socket: exit 1"
grep -q "No such file or directory" "$tmp/err"
ok $? "missing socket: 'No such file or directory' ($(cat "$tmp/err"))"
ok $([ "$t" -lt 1000 ]; echo $?) "missing socket: fails fast ($t ms)"

# Listening, never accepting: connect() succeeds into the queue, the
# request is buffered, and no reply ever comes.
python3 - "$tmp/hang.sock" <<'EOF' &
import socket, sys, time
s = socket.socket(socket.AF_UNIX)
s.bind(sys.argv[1])
s.listen(8)
time.sleep(300)
EOF
hang=$!
on_exit "kill $hang; wait $hang"
if wait_for_socket "$tmp/hang.sock" "$hang"; then
	t0=$(ms)
	"$Q" --query "$tmp/hang.sock" --timeout 2000 >/dev/null 2>"$tmp/err"
	rc=$? t=$(($(ms) - t0))
	is "$rc" 1 "silent server: exit 1"
	grep -q "timed out after 2000 ms" "$tmp/err"
	ok $? "silent server: 'timed out after 2000 ms' ($(cat "$tmp/err"))"
	ok $([ "$t" -ge 1900 ] && [ "$t" -lt 3000 ]; echo $?) \
		"silent server: gave up after $t ms (limit 2000, allowed < 3000)"
else
	ok 1 "silent server: python3 listener started"
fi
kill "$hang" 2>/dev/null
wait "$hang" 2>/dev/null

# A full listen queue: a non-blocking connect() to a unix socket fails with
# EAGAIN at once.
python3 - "$tmp/full.sock" "$tmp/full.ready" <<'EOF' &
import socket, sys, time
s = socket.socket(socket.AF_UNIX)
s.bind(sys.argv[1])
s.listen(0)
held = []
for i in range(16):
    c = socket.socket(socket.AF_UNIX)
    c.setblocking(False)
    try:
        c.connect(sys.argv[1])
    except BlockingIOError:
        break
    held.append(c)
open(sys.argv[2], "w").close()
time.sleep(300)
EOF
full=$!
on_exit "kill $full; wait $full"
for i in $(seq 100); do
	[ -e "$tmp/full.ready" ] && break
	sleep 0.1
done
t0=$(ms)
"$Q" --query "$tmp/full.sock" --timeout 2000 >/dev/null 2>"$tmp/err"
rc=$? t=$(($(ms) - t0))
is "$rc" 1 "full listen queue: exit 1"
grep -q "accepts no connections" "$tmp/err"
ok $? "full listen queue: says so ($(cat "$tmp/err"))"
ok $([ "$t" -lt 1000 ]; echo $?) "full listen queue: fails fast ($t ms)"
kill "$full" 2>/dev/null
wait "$full" 2>/dev/null

# ---- a private dockerd.

missing=$(docker_missing)
if [ -n "$missing" ]; then
	skip "no private dockerd: missing$missing"
	done_testing
	exit
fi

net=dapi-net
br=dapibr$$
br=${br:0:15}
docker_names="dapi-a dapi-b dapi-c dapi-d"
docker_nets=$net
docker_bridges=$br

docker_start
up=$?
ok $up "private dockerd answers /_ping (pid $dpid, containerd $cpid, after about ${docker_up_after:-?} s)"
if [ "$up" != 0 ]; then
	docker_cleanup
	done_testing
	exit
fi

. "$TOP/tests/lib/rootfs.sh"
make_busybox_rootfs "$tmp/rootfs" && tar -C "$tmp/rootfs" -c . | D import - ctrtest-bb >/dev/null
ok $? "busybox image imported"

# A /24 and a bridge name nobody uses.
subnet=$(free_subnet).0/24
D network create --driver bridge --subnet "$subnet" \
	-o com.docker.network.bridge.name="$br" "$net" >/dev/null
ok $? "network $net ($subnet, bridge $br)"

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])')
esc=$(printf 'red\033[31m\tx')
uni=$(printf 'gr\303\274\303\237e \342\200\256rtl') # U+00FC U+00DF, U+202E
D run -d --name dapi-a --network "$net" \
	-l com.docker.compose.project=shop -l com.docker.compose.service=web \
	-l 'odd=a "quoted" \ value' -l "esc=$esc" -l "uni=$uni" \
	-p "127.0.0.1:$port:80" ctrtest-bb sleep 1000 >>"$tmp/ids"
ok $? "dapi-a: labels and 127.0.0.1:$port->80/tcp"
D run -d --name dapi-b --network "$net" ctrtest-bb sleep 1000 >>"$tmp/ids"
ok $? "dapi-b: plain"
D create --name dapi-c --network none ctrtest-bb true >>"$tmp/ids"
ok $? "dapi-c: created, never started"
D run --name dapi-d --network none ctrtest-bb true && D inspect -f '{{.Id}}' dapi-d >>"$tmp/ids"
ok $? "dapi-d: ran and exited"

t0=$(ms)
"$Q" --query "$sock" >"$tmp/q.jsonl" 2>"$tmp/err"
rc=$? t=$(($(ms) - t0))
is "$rc" 0 "query succeeds ($(cat "$tmp/err"))"
ok $([ "$t" -lt 2000 ]; echo $?) "query took $t ms"
head=$(head -n 1 "$tmp/q.jsonl")
diag "$head"
srv_api=$(D version --format '{{.Server.APIVersion}}')
want_api=$(printf '%s\n1.41\n' "$srv_api" | sort -V | head -n 1)
is "$(jq -r .api_version <<<"$head")" "$want_api" "API version: min(server's $srv_api, 1.41)"
is "$(jq -r .engine_version <<<"$head")" "$(D version --format '{{.Server.Version}}')" \
	"engine version as docker version says"
is "$(jq -r '"\(.requests) \(.connects)"' <<<"$head")" "3 1" \
	"three requests over one kept-alive connection"

recs() { tail -n +2 "$tmp/q.jsonl"; }
is "$(recs | jq -r '"\(.id) \(.name)"' | sort)" \
	"$(D ps -a --no-trunc --format '{{.ID}} {{.Names}}' | sort)" \
	"ids and names: as docker ps -a"
is "$(recs | jq -r '"\(.engine) \(.engine_ns) \(.source)"' | sort -u)" "docker moby docker-api" \
	"engine, namespace and source of every record"

for n in $docker_names; do
	got=$(recs | jq -c --arg n "$n" 'select(.name == $n) |
		{id, image, status, labels: (.labels | to_entries | sort_by(.key) | from_entries)}')
	exp=$(D inspect "$n" | jq -c '.[0] | {id: .Id, image: .Config.Image, status: .State.Status,
		labels: (.Config.Labels // {} | to_entries | sort_by(.key) | from_entries)}')
	is "$got" "$exp" "$n: id, image, status, labels as docker inspect"
	got=$(recs | jq -r --arg n "$n" 'select(.name == $n) | .ports[] | select(.host_port != 0) |
		"\(.host_ip) \(.host_port) \(.container_port)/\(.proto)"' | sort)
	exp=$(D inspect "$n" | jq -r '.[0].NetworkSettings.Ports // {} | to_entries[] |
		.key as $k | (.value // [])[] | "\(.HostIp) \(.HostPort) \($k)"' | sort)
	is "$got" "$exp" "$n: published ports as docker inspect"
done
is "$(recs | jq -r 'select(.name == "dapi-a") | .labels.esc')" "$esc" \
	"dapi-a: a label with ESC and TAB comes back byte for byte"
ip_got=$(recs | jq -r 'select(.name == "dapi-a") | .ports[0].container_ip')
ip_exp=$(D inspect -f "{{(index .NetworkSettings.Networks \"$net\").IPAddress}}" dapi-a)
ok $([ -n "$ip_exp" ] && [ "$ip_got" = "$ip_exp" ]; echo $?) \
	"dapi-a: container_ip $ip_got as docker inspect ($ip_exp)"
# The userland proxy: one docker-proxy per published host address; we
# published one, 127.0.0.1.
is "$(recs | jq -r 'select(.name == "dapi-a") | .ports[] | select(.host_port != 0) |
	"\(.host_ip):\(.host_port)"')" "127.0.0.1:$port" "dapi-a: one published entry, 127.0.0.1:$port"
is "$(pgrep -P "$dpid" -f "docker-proxy .*-host-ip 127.0.0.1 -host-port $port " | wc -l)" 1 \
	"dapi-a: one docker-proxy, a child of dockerd, for it"

# A second client on the same daemon while it is busy listing: still fine.
"$Q" --query "$sock" >"$tmp/q2.jsonl" 2>&1 &
q2=$!
"$Q" --query "$sock" >"$tmp/q3.jsonl" 2>&1
r3=$?
wait "$q2"
r2=$?
ok $([ "$r2" = 0 ] && [ "$r3" = 0 ]; echo $?) "two concurrent queries both succeed"

# ---- ctrtree on this docker: the chain, against docker inspect and /proc.
D run -d --name dapi-e --network "$net" --init ctrtest-bb sh -c 'sleep 1000 & sleep 1001' >>"$tmp/ids"
ok $? "dapi-e: --init"
D run -d --name dapi-f --network container:dapi-b ctrtest-bb sleep 1002 >>"$tmp/ids"
ok $? "dapi-f: --network container:dapi-b"
D run -d --name dapi-g --network none --pid host ctrtest-bb sleep 1003 >>"$tmp/ids"
ok $? "dapi-g: --pid host, --network none"
D exec -d dapi-e sleep 1004
ok $? "an exec session in dapi-e"
docker_names="$docker_names dapi-e dapi-f dapi-g"
sleep 1
ppid_of() { awk '{ sub(/.*\) /, ""); print $2 }' "/proc/$1/stat"; }

"$CTRTREE" --docker-socket "$sock" --json >"$tmp/ct.json" 2>"$tmp/ct.err"
ok $? "ctrtree --docker-socket --json ($(head -c 200 "$tmp/ct.err"))"
ct() { jq -c "$@" "$tmp/ct.json"; }
is "$(ct --argjson p "$dpid" '[.engines[] | select(.pid == $p) | .kind, .reachable, .version]')" \
	"$(jq -cn --arg v "$(D version --format '{{.Server.Version}}')" '["docker", true, $v]')" \
	"the private dockerd: an engine, reachable, with docker version's version"
for n in dapi-a dapi-b dapi-e dapi-f dapi-g; do
	id=$(D inspect -f '{{.Id}}' "$n")
	pid=$(D inspect -f '{{.State.Pid}}' "$n")
	shim=$(ppid_of "$pid")
	got=$(ct --arg id "$id" '.containers[] | select(.id == $id) | [.name, .image, .engine, .init_pid, .shim_pid]')
	exp=$(jq -cn --arg n "$n" --argjson p "$pid" --argjson s "$shim" '[$n, "ctrtest-bb", "docker", $p, $s]')
	is "$got" "$exp" "$n: name, image, engine, init pid (State.Pid) and shim pid (its parent)"
	want=$(for t in cgroup ipc mnt net pid time user uts; do printf '"%s":%s,' $t "$(stat -L -c %i /proc/$pid/ns/$t)"; done)
	is "$(ct --arg id "$id" '.containers[] | select(.id == $id) | .namespaces')" "{${want%,}}" \
		"$n: the container's namespaces are its init's, as stat(2) shows"
	is "$(ct --argjson s "$shim" '.processes[] | select(.pid == $s) | [.role, .logical_parent]')" \
		"$(jq -cn --argjson c "$cpid" '["shim", $c]')" \
		"$n: its shim is a shim whose logical parent is the containerd on its -address"
	is "$(ct --argjson p "$pid" --arg id "$id" '.processes[] | select(.pid == $p) | .container == $id')" true \
		"$n: its init belongs to it"
done
pe=$(D inspect -f '{{.State.Pid}}' dapi-e)
is "$(ct --argjson p "$pe" '.processes[] | select(.pid == $p) | .comm')" '"docker-init"' \
	"dapi-e: --init makes docker-init its PID 1"
# The exec'd process: "sleep 1004" in dapi-e's pid namespace (stat(2)).
exec_pid=
for p in $(pgrep -f '^sleep 1004$'); do
	[ "$(stat -L -c %i /proc/$p/ns/pid)" = "$(stat -L -c %i /proc/$pe/ns/pid)" ] && exec_pid=$p
done
ide=$(D inspect -f '{{.Id}}' dapi-e)
is "$(ct --argjson p "${exec_pid:-0}" '.processes[] | select(.pid == $p) | [.container, .role]')" \
	"$(jq -cn --arg id "$ide" '[$id, "container"]')" "the exec session's process belongs to dapi-e"
ida=$(D inspect -f '{{.Id}}' dapi-a)
is "$(ct --arg id "$ida" '.containers[] | select(.id == $id) | [.labels["com.docker.compose.project"], .labels["com.docker.compose.service"]]')" \
	'["shop","web"]' "dapi-a: its docker labels (compose project and service), as docker run set them"
proxy=$(pgrep -P "$dpid" -f "docker-proxy .*-host-ip 127.0.0.1 -host-port $port ")
is "$(ct --arg id "$ida" '.containers[] | select(.id == $id) | [.ports[] | select(.host_port != null) | .host_ip, .host_port, .container_port, .proto, .proxy_pid]')" \
	"$(jq -cn --argjson port "$port" --argjson p "${proxy:-0}" '["127.0.0.1", $port, 80, "tcp", $p]')" \
	"dapi-a: the published port and its docker-proxy pid"
# Only what concerns this engine: other things on the host are not ours to judge.
ours=$(D ps -aq --no-trunc | jq -R . | jq -sc .)
mine=$(ct --argjson ids "$ours" --argjson d "$dpid" --argjson c "$cpid" \
	'[.anomalies[] | select((.container as $x | $ids | index($x)) or .pid == $d or .pid == $c)]')
is "$mine" "[]" "no anomalies about this healthy engine and its containers"
# The text tree of one container: from the engine down.
"$CTRTREE" --docker-socket "$sock" -r -n -o PID dapi-a >"$tmp/chain.txt"
pa=$(D inspect -f '{{.State.Pid}}' dapi-a)
for want in "$cpid" "$(ppid_of "$pa")" "$pa" "$dpid" "$proxy"; do
	grep -qx "$want" "$tmp/chain.txt"
	ok $? "ctrtree dapi-a shows pid $want of its chain"
done
"$CTRTREE" --docker-socket "$sock" -w 200 dapi-a | sed 's/^/# /'

# A hung engine: stopped with SIGSTOP, it costs the timeout and no more.
kill -STOP "$dpid"
t0=$(ms)
"$CTRTREE" --docker-socket "$sock" --timeout 1000 --json >"$tmp/hung.json" 2>/dev/null
rc=$? t=$(($(ms) - t0))
kill -CONT "$dpid"
is "$rc" 0 "dockerd stopped: ctrtree still exits 0"
ok $([ "$t" -lt 3000 ]; echo $?) "dockerd stopped: done in $t ms (timeout 1000)"
is "$(jq --argjson p "$dpid" '.engines[] | select(.pid == $p) | .reachable' "$tmp/hung.json")" false \
	"dockerd stopped: flagged unreachable"
is "$(jq --arg id "$ida" '[.containers[] | select(.id == $id)] | length' "$tmp/hung.json")" 1 \
	"dockerd stopped: dapi-a still shown, from its shim and cgroup"
is "$(jq -c --arg id "$ida" '.containers[] | select(.id == $id) | [.name, .image, (.sources | index("docker-state") != null)]' "$tmp/hung.json")" \
	'["dapi-a","ctrtest-bb",true]' "dockerd stopped: its own records (config.v2.json) still name dapi-a and its image"

# ---- leave nothing behind.
docker_cleanup
is "$(our_pids | wc -l)" 0 "no process of ours left (dockerd, containerd, shims)"
is "$(our_mounts | wc -l)" 0 "no mount left under $tmp"
ip link show "$br" >/dev/null 2>&1
ok $([ $? -ne 0 ]; echo $?) "bridge $br is gone"
done_testing
