#!/bin/bash
# Live test of the CRI RuntimeService client (lib/engine-cri.c through
# test-cri --query) against a PRIVATE containerd started here with its CRI
# plugin enabled (own root, state, sockets, runc root, CNI dirs; pods on the
# host network, so no CNI plugin is needed; images imported from OCI
# archives, so no registry is needed).  Debian 12 has no crictl: the pods
# and containers are made by test-cri --rpc, and the expected values come
# from ctr (containerd's own view of the same objects: namespace k8s.io,
# labels, OCI spec annotations, tasks), from the kernel and from what the
# test itself asked for, never from the code under test.  Also: a containerd
# without the CRI plugin, a runtime that only serves runtime.v1alpha2, a
# socket that never answers.
#
#   TOP=. BUILDDIR=build bash tests/live/cri-api.t
#
# CTRTREE_CRI_SAVE=DIR keeps the raw replies as fixture directories
# DIR/empty-1.6.20, DIR/private-1.6.20, DIR/private-1.6.20-v1alpha2 (see
# tests/fixtures/cri/README).
set -u
TOP=${TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
BUILDDIR=${BUILDDIR:-$TOP/build}
. "$TOP/tests/lib/tap.sh"
. "$TOP/tests/lib/rootfs.sh"

need_root
TC=$BUILDDIR/tests/unit/test-cri
FAKE=$TOP/tests/fixtures/containerd/fake-grpc-server.py
CFAKE=$TOP/tests/fixtures/cri/fake-cri-server.py
if [ ! -x "$TC" ]; then
	echo "1..0 # SKIP $TC not built"
	exit 0
fi
for tool in containerd ctr runc containerd-shim-runc-v2 jq; do
	if ! command -v $tool >/dev/null; then
		echo "1..0 # SKIP $tool not installed"
		exit 0
	fi
done
PY=$(command -v python3 || true)

# A short path: sun_path holds 107 bytes.
tmp=$(mktemp -d /tmp/cri-t.XXXXXX)
SOCK=$tmp/c.sock   # containerd with CRI
NSOCK=$tmp/n.sock  # containerd without CRI
CG=ctrtree-cri-$$  # the pods' cgroup parent, unique per run
KNS=k8s.io         # the containerd namespace of the CRI plugin
# Fixed names: the containerd is private, and the fixtures keep them.
PAUSE=ctrtree.test/pause:1
IMG=ctrtree.test/busybox:1
CPID= NPID=
FAKEPIDS=()
: >"$tmp/ids" # every sandbox and container id made, for the cleanup

c() { ctr -a "$SOCK" -n "$KNS" "$@"; }
rpc() { "$TC" --rpc "$SOCK" "$@"; }
# Processes with one of our sockets as a whole argument: containerds, shims.
procs_of_sock() {
	local p
	for p in /proc/[0-9]*; do
		tr '\0' '\n' 2>/dev/null <"$p/cmdline" | grep -qxF -e "$SOCK" -e "$NSOCK" && echo "${p#/proc/}"
	done
}
# Processes in our pods' cgroups.
procs_of_cg() {
	local p
	for p in /proc/[0-9]*; do
		grep -sq "/$CG/" "$p/cgroup" && echo "${p#/proc/}"
	done
}
our_mounts() { awk -v t="$tmp" 'index($2, t) == 1 { print $2 }' /proc/mounts; }
our_cgroups() { ls -d /sys/fs/cgroup/*/"$CG" /sys/fs/cgroup/"$CG" 2>/dev/null; }
# A shim listens on /run/containerd/s/sha256(ADDRESS/NS/GROUP), GROUP being
# the sandbox id for CRI's containers (containerd 1.6
# runtime/v2/shim/util_unix.go SocketAddress, runc/v2 groupLabels).
shim_sockets() {
	local id h
	for id in $(sort -u "$tmp/ids"); do
		h=$(printf '%s' "$SOCK/$KNS/$id" | sha256sum | cut -d' ' -f1)
		[ -e "/run/containerd/s/$h" ] && echo "/run/containerd/s/$h"
	done
}
stop_containerd() { # stop_containerd PID
	kill "$1" 2>/dev/null
	wait_for 10 sh -c "! kill -0 $1 2>/dev/null" || kill -9 "$1" 2>/dev/null
	wait "$1" 2>/dev/null
}

cleanup_all() {
	local id p m i d
	if [ -n "$CPID" ] && kill -0 "$CPID" 2>/dev/null; then
		# Through CRI first: it knows its sandboxes, mounts and state.
		for id in $(c containers ls -q 2>/dev/null) $(cat "$tmp/ids"); do
			echo "$id" >>"$tmp/ids"
		done
		for id in $(sort -u "$tmp/ids"); do
			rpc stop-pod "$id" && rpc remove-pod "$id"
		done 2>/dev/null
		# Then whatever containerd still holds, by force.
		for id in $(c tasks ls -q 2>/dev/null); do
			c tasks kill -s SIGKILL "$id" 2>/dev/null
		done
		for id in $(c tasks ls -q 2>/dev/null); do
			wait_for 5 sh -c "! ctr -a '$SOCK' -n '$KNS' tasks ls | grep -q '^$id .*RUNNING'"
			c tasks delete -f "$id" 2>/dev/null
		done
		for id in $(c containers ls -q 2>/dev/null); do
			c containers delete "$id" 2>/dev/null
		done
		stop_containerd "$CPID"
	fi
	[ -n "$NPID" ] && stop_containerd "$NPID"
	for p in "${FAKEPIDS[@]}"; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
	FAKEPIDS=()
	# Whatever survived (a shim, a container process): by identity, not name.
	for i in 1 2 3; do
		for p in $(procs_of_sock) $(procs_of_cg); do kill -9 "$p" 2>/dev/null; done
		[ -z "$(procs_of_sock)$(procs_of_cg)" ] && break
		sleep 0.5
	done
	for m in $(our_mounts | sort -r); do umount -l "$m" 2>/dev/null; done
	for m in $(shim_sockets); do rm -f "$m"; done
	for d in $(our_cgroups); do
		find "$d" -depth -type d -exec rmdir {} \; 2>/dev/null
	done
}
on_exit "cleanup_all; rm -rf '$tmp'"

# ---- a private containerd with the CRI plugin ------------------------------
# start_containerd NAME SOCKET EXTRA-TOML: sets $! to its pid.
write_config() { # write_config DIR SOCKET EXTRA
	mkdir -p "$1/root" "$1/state" "$1/opt"
	cat >"$1/config.toml" <<EOF
version = 2
root = "$1/root"
state = "$1/state"
$3
[grpc]
  address = "$2"
[ttrpc]
  address = "$2.ttrpc"
[debug]
  address = ""
[metrics]
  address = ""
[plugins."io.containerd.internal.v1.opt"]
  path = "$1/opt"
EOF
}
mkdir -p "$tmp/cri/cni/conf" "$tmp/cri/cni/bin" "$tmp/cri/runc"
write_config "$tmp/cri" "$SOCK" ""
# No registry: the sandbox image is imported.  No CNI: pods use the host
# network.  runc's state in our tree, not /run/containerd/runc/k8s.io; no
# AppArmor profile loaded into the host's kernel; no stream server on a
# fixed port.  restrict_oom_score_adj: the sandbox's oom_score_adj of -998
# needs CAP_SYS_RESOURCE, which a test host in a container may lack (runc
# then dies with "failed to update /proc/self/oom_score_adj").
cat >>"$tmp/cri/config.toml" <<EOF
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "$PAUSE"
  disable_apparmor = true
  restrict_oom_score_adj = true
  stream_server_address = "127.0.0.1"
  stream_server_port = "0"
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "$tmp/cri/cni/bin"
    conf_dir = "$tmp/cri/cni/conf"
  [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
    runtime_type = "io.containerd.runc.v2"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
      Root = "$tmp/cri/runc"
EOF
containerd -c "$tmp/cri/config.toml" >"$tmp/cri/containerd.log" 2>&1 &
CPID=$!
wait_for 20 sh -c "ctr -a '$SOCK' version >/dev/null 2>&1"
ok $? "private containerd with CRI (pid $CPID) answers on $SOCK"
grep -q 'loading plugin \\"io.containerd.grpc.v1.cri\\"' "$tmp/cri/containerd.log" &&
	! grep -q 'failed to load plugin io.containerd.grpc.v1.cri' "$tmp/cri/containerd.log"
ok $? "its CRI plugin loaded"

server_version=$(ctr -a "$SOCK" version | awk '/^Server:/ { s = 1 } s && $1 == "Version:" { print $2; exit }')

# A node without pods: Version and two empty lists from the real server.
"$TC" --query "$SOCK" >"$tmp/e.jsonl" 2>"$tmp/e.err"
ok $? "empty node: query exits 0 $(cat "$tmp/e.err")"
is "$(head -1 "$tmp/e.jsonl" | jq -r '"\(.api) \(.runtime_name) \(.runtime_api_version) \(.version) \(.engine)"')" \
	"v1 containerd v1 0.1.0 containerd" "empty node: runtime.v1, containerd, as its CRI plugin says"
is "$(head -1 "$tmp/e.jsonl" | jq -r .runtime_version)" "$server_version" \
	"empty node: runtime version is what ctr version says"
is "$(head -1 "$tmp/e.jsonl" | jq -r '.pods | length')/$(($(wc -l <"$tmp/e.jsonl") - 1))" "0/0" \
	"empty node: no pods, no containers"
"$TC" --query "$SOCK" --api v1alpha2 >"$tmp/e2.jsonl"
is "$(head -1 "$tmp/e2.jsonl" | jq -r '"\(.api) \(.runtime_api_version) \(.pods | length)"')" "v1alpha2 v1alpha2 0" \
	"empty node: containerd 1.6 serves runtime.v1alpha2 too"
if [ -n "${CTRTREE_CRI_SAVE:-}" ]; then
	mkdir -p "$CTRTREE_CRI_SAVE"
	"$TC" --query "$SOCK" --save "$CTRTREE_CRI_SAVE/empty-1.6.20" >/dev/null
	ok $? "empty replies saved to $CTRTREE_CRI_SAVE/empty-1.6.20"
fi

# ---- images from a busybox-static rootfs, no registry ----------------------
# make_oci_archive ROOTFS NAME CONFIG-JSON OUT.tar: an OCI image layout
# archive with one gzip layer, for `ctr image import` (as in
# tests/live/containerd-api.t, plus the image config).  Sets IMAGE_ID to
# the config's digest: the image id CRI reports.
make_oci_archive() {
	local rootfs=$1 name=$2 config=$3 out=$4 w arch diffid layer lsize cfg csize man msize rc
	w=$(mktemp -d "$tmp/oci.XXXXXX") || return
	mkdir -p "$w/blobs/sha256"
	arch=$(dpkg --print-architecture 2>/dev/null || uname -m)
	tar -C "$rootfs" --numeric-owner --owner=0 --group=0 -cf "$w/layer.tar" . || return
	diffid=$(sha256sum <"$w/layer.tar" | cut -d' ' -f1)
	gzip -n -c "$w/layer.tar" >"$w/layer.tgz" || return
	layer=$(sha256sum <"$w/layer.tgz" | cut -d' ' -f1)
	lsize=$(stat -c %s "$w/layer.tgz")
	mv "$w/layer.tgz" "$w/blobs/sha256/$layer"
	printf '{"architecture":"%s","os":"linux","config":%s,"rootfs":{"type":"layers","diff_ids":["sha256:%s"]}}' \
		"$arch" "$config" "$diffid" >"$w/config"
	cfg=$(sha256sum <"$w/config" | cut -d' ' -f1)
	csize=$(stat -c %s "$w/config")
	mv "$w/config" "$w/blobs/sha256/$cfg"
	IMAGE_ID=sha256:$cfg
	printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:%s","size":%s},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"sha256:%s","size":%s}]}' \
		"$cfg" "$csize" "$layer" "$lsize" >"$w/manifest"
	man=$(sha256sum <"$w/manifest" | cut -d' ' -f1)
	msize=$(stat -c %s "$w/manifest")
	mv "$w/manifest" "$w/blobs/sha256/$man"
	printf '{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:%s","size":%s,"annotations":{"io.containerd.image.name":"%s","org.opencontainers.image.ref.name":"%s"}}]}' \
		"$man" "$msize" "$name" "${name##*:}" >"$w/index.json"
	printf '{"imageLayoutVersion":"1.0.0"}' >"$w/oci-layout"
	tar -C "$w" -cf "$out" oci-layout index.json blobs
	rc=$?
	rm -rf "$w"
	return $rc
}

have_image=0
if make_busybox_rootfs "$tmp/rootfs" 2>"$tmp/rootfs.err" &&
	make_oci_archive "$tmp/rootfs" "$PAUSE" '{"Entrypoint":["/bin/sleep","inf"]}' "$tmp/pause.tar" &&
	make_oci_archive "$tmp/rootfs" "$IMG" '{"Cmd":["/bin/sh"]}' "$tmp/image.tar"; then
	IMG_ID=$IMAGE_ID
	c images import "$tmp/pause.tar" >/dev/null && c images import "$tmp/image.tar" >/dev/null
	ok $? "OCI archives of a busybox rootfs imported in $KNS: $PAUSE (the sandbox image) and $IMG"
	have_image=1
else
	skip "no busybox-static rootfs: $(cat "$tmp/rootfs.err")"
fi

# ---- pods and containers through CRI ---------------------------------------
EVIL=$(printf 'a\033[31mb\nc')
made=0
if [ "$have_image" = 1 ]; then
	# run_pod VAR ARGS...: RunPodSandbox, retried while the CRI plugin has
	# not yet seen the imported sandbox image (it learns of images by event).
	run_pod() {
		local var=$1 id t; shift
		for t in 1 2 3 4 5; do
			id=$(rpc "$@" run-pod 2>"$tmp/rpc.err") && break
			sleep 1
		done
		[ -n "$id" ] && echo "$id" >>"$tmp/ids"
		printf -v "$var" '%s' "$id"
		[ -n "$id" ]
	}
	# The CRI plugin's own checkpoint of a container's state (containerd 1.6
	# pkg/cri/store/container/status.go): JSON with CreatedAt, StartedAt,
	# FinishedAt (ns, 0 if not yet) and ExitCode.
	cri_status() { cat "$tmp/cri/root/io.containerd.grpc.v1.cri/containers/$1/status" 2>/dev/null; }
	finished() { [ "$(cri_status "$1" | jq -r .FinishedAt)" != 0 ] 2>/dev/null; }
	create() { # create VAR ARGS...
		local var=$1 id; shift
		id=$(rpc "$@" 2>"$tmp/rpc.err")
		[ -n "$id" ] && echo "$id" >>"$tmp/ids"
		printf -v "$var" '%s' "$id"
		[ -n "$id" ]
	}
	WEBP=(--pod web/ctt/uid-web --cgroup-parent "/$CG")
	GONEP=(--pod gone/ctt/uid-gone --cgroup-parent "/$CG")
	# web: app running, init exited 3, idle created; gone: stopped, with
	# late killed by the stop.
	run_pod WEB "${WEBP[@]}" --label app=web --label "evil=$EVIL" --annotation team=blue &&
		create APP "${WEBP[@]}" --label tier=front --annotation note=hello \
			create "$WEB" app "$IMG" sleep 1000 &&
		rpc start "$APP" &&
		create INIT "${WEBP[@]}" create "$WEB" init "$IMG" sh -c 'exit 3' &&
		rpc start "$INIT" &&
		create IDLE "${WEBP[@]}" create "$WEB" idle "$IMG" sleep 1000 &&
		run_pod GONE "${GONEP[@]}" &&
		create LATE "${GONEP[@]}" create "$GONE" late "$IMG" sleep 1000 &&
		rpc start "$LATE" &&
		wait_for 10 finished "$INIT" &&
		rpc stop-pod "$GONE"
	ok $? "2 pods and 4 containers made through CRI $(cat "$tmp/rpc.err")"
	wait_for 10 finished "$LATE"
	ok $? "late was stopped with its pod"
	[ -n "${LATE:-}" ] && made=1
fi

if [ "$made" = 1 ]; then
	if [ -n "${CTRTREE_CRI_SAVE:-}" ]; then
		"$TC" --query "$SOCK" --save "$CTRTREE_CRI_SAVE/private-1.6.20" >/dev/null &&
			"$TC" --query "$SOCK" --api v1alpha2 --save "$CTRTREE_CRI_SAVE/private-1.6.20-v1alpha2" >/dev/null
		ok $? "replies saved to $CTRTREE_CRI_SAVE"
	fi
	"$TC" --query "$SOCK" >"$tmp/q.jsonl" 2>"$tmp/q.err"
	ok $? "query exits 0 $(cat "$tmp/q.err")"
	head -1 "$tmp/q.jsonl" >"$tmp/info.json"
	tail -n +2 "$tmp/q.jsonl" >"$tmp/recs.jsonl"
	diag "query of $(jq '.pods | length' "$tmp/info.json") pods, $(wc -l <"$tmp/recs.jsonl") containers: $(jq -r .elapsed_ms "$tmp/info.json") ms"
	rec() { jq -r --arg id "$1" "select(.id == \$id) | $2" "$tmp/recs.jsonl"; }
	pod() { jq -r --arg id "$1" ".pods[] | select(.id == \$id) | $2" "$tmp/info.json"; }

	# containerd's own view: every CRI object is a container in k8s.io,
	# labelled io.cri-containerd.kind, with CRI's annotations in its spec.
	for id in $(c containers ls -q); do
		c containers info "$id" >"$tmp/ctr.$id.json"
	done
	kind_ids() { # the ids of one io.cri-containerd.kind, sorted
		local f
		for f in "$tmp"/ctr.*.json; do
			jq -r --arg k "$1" 'select(.Labels["io.cri-containerd.kind"] == $k) | .ID' "$f"
		done | sort | tr '\n' ' '
	}
	ann() { jq -r --arg k "$2" '.Spec.annotations[$k] // empty' "$tmp/ctr.$1.json"; }
	c tasks ls | tail -n +2 >"$tmp/tasks"
	task_status() { awk -v id="$1" '$1 == id { print $3 }' "$tmp/tasks"; }

	is "$(jq -r '.pods[].id' "$tmp/info.json" | sort | tr '\n' ' ')" "$(kind_ids sandbox)" \
		"pods are ctr's sandbox containers in $KNS"
	is "$(jq -r .id "$tmp/recs.jsonl" | sort | tr '\n' ' ')" "$(kind_ids container)" \
		"containers are ctr's CRI containers in $KNS"
	is "$(printf '%s\n' "$WEB" "$GONE" | sort | tr '\n' ' ')" "$(kind_ids sandbox)" \
		"... and the sandboxes are the ones RunPodSandbox returned"

	for id in $(jq -r '.pods[].id' "$tmp/info.json"); do
		is "$(pod "$id" '"\(.name) \(.namespace)"')" \
			"$(ann "$id" io.kubernetes.cri.sandbox-name) $(ann "$id" io.kubernetes.cri.sandbox-namespace)" \
			"pod ${id:0:12}: name and namespace as its spec annotations"
		case $(task_status "$id") in
		RUNNING) want=ready ;;
		*) want=notready ;;
		esac
		is "$(pod "$id" .state)" "$want" "pod ${id:0:12}: $want, its pause task $(task_status "$id")"
	done
	is "$(pod "$WEB" '"\(.name) \(.namespace) \(.uid) \(.attempt)"')" "web ctt uid-web 0" \
		"web: metadata as the test asked"
	is "$(pod "$WEB" '.labels.app + " " + .annotations.team')" "web blue" "web: label and annotation as asked"
	is "$(pod "$WEB" .labels.evil)" "$EVIL" "web: a hostile label value is kept byte for byte"
	is "$(pod "$GONE" .state)" notready "gone: stopped by StopPodSandbox, notready"
	sandbox_task_pid=$(awk -v id="$WEB" '$1 == id { print $2 }' "$tmp/tasks")
	[ "$(cat "/proc/$sandbox_task_pid/comm" 2>/dev/null)" = sleep ] &&
		grep -q "/$CG/$WEB\$" "/proc/$sandbox_task_pid/cgroup"
	ok $? "web: its pause process $sandbox_task_pid is a sleep in cgroup /$CG/${WEB:0:12}... per /proc"

	for id in $(jq -r .id "$tmp/recs.jsonl"); do
		is "$(rec "$id" '"\(.name) \(.pod_sandbox_id)"')" \
			"$(ann "$id" io.kubernetes.cri.container-name) $(ann "$id" io.kubernetes.cri.sandbox-id)" \
			"container ${id:0:12}: name and sandbox as its spec annotations"
		# containerd deletes the task of an exited CRI container: the
		# state is the CRI plugin's checkpoint, written by containerd.
		cri_status "$id" >"$tmp/st.json"
		if [ "$(jq .StartedAt "$tmp/st.json")" = 0 ]; then
			want=created
		elif [ "$(jq .FinishedAt "$tmp/st.json")" != 0 ]; then
			want=exited
		else
			want=running
		fi
		# Exact integers: jq would round nanoseconds to a double.
		is "$(rec "$id" .status) $(grep -F "\"id\":\"$id\"" "$tmp/recs.jsonl" | grep -o '"created_at":[0-9]*' | cut -d: -f2)" \
			"$want $(grep -o '"CreatedAt":[0-9]*' "$tmp/st.json" | cut -d: -f2)" \
			"container ${id:0:12}: $want and created_at as the CRI plugin's checkpoint"
		is "$(rec "$id" '.labels' | jq -S -c .)" \
			"$(jq -S -c '.Labels | del(.["io.cri-containerd.kind"])' "$tmp/ctr.$id.json")" \
			"container ${id:0:12}: labels as ctr's, less containerd's own kind label"
		is "$(rec "$id" '"\(.image) \(.image_ref)"')" "$(jq -r .Image "$tmp/ctr.$id.json") $IMG_ID" \
			"container ${id:0:12}: image as ctr's, image_ref the id of the image the test built"
	done
	is "$(rec "$APP" '"\(.name) \(.status) \(.pod.name) \(.pod.namespace) \(.pod.uid)"')" \
		"app running web ctt uid-web" "app: running, in pod web"
	is "$(rec "$APP" '.labels.tier + " " + .annotations.note')" "front hello" "app: label and annotation as asked"
	is "$(rec "$INIT" .status)/$(rec "$IDLE" .status)/$(rec "$LATE" .status)" "exited/created/exited" \
		"init exited, idle never started, late stopped with its pod"
	is "$(cri_status "$INIT" | jq .ExitCode)" 3 "init: exit code 3 (the checkpoint agrees with what the test ran)"
	is "$(rec "$LATE" .pod.name)" gone "late: in pod gone"
	is "$(jq -r 'select(.engine != "unknown" or .source != "cri-api" or .init_pid != 0) | .id' "$tmp/recs.jsonl")" "" \
		"every record: engine left to the caller, source cri-api, no pid"
	app_pid=$(awk -v id="$APP" '$1 == id { print $2 }' "$tmp/tasks")
	grep -q "/$CG/$APP\$" "/proc/$app_pid/cgroup" && [ "$(cat "/proc/$app_pid/comm")" = sleep ]
	ok $? "app: its task $app_pid is a sleep in cgroup /$CG/${APP:0:12}... per /proc"

	# The older service: the same records.
	"$TC" --query "$SOCK" --api v1alpha2 >"$tmp/qa.jsonl" 2>"$tmp/qa.err"
	ok $? "runtime.v1alpha2: query exits 0 $(cat "$tmp/qa.err")"
	is "$(head -1 "$tmp/qa.jsonl" | jq -r '"\(.api) \(.runtime_api_version)"')" "v1alpha2 v1alpha2" \
		"runtime.v1alpha2: asked and answered"
	# containerd lists from a Go map: the order varies from call to call.
	is "$(head -1 "$tmp/qa.jsonl" | jq -S -c '.pods | sort_by(.id)')" "$(jq -S -c '.pods | sort_by(.id)' "$tmp/info.json")" \
		"runtime.v1alpha2: the same pods"
	is "$(tail -n +2 "$tmp/qa.jsonl" | jq -S -c . | sort | md5sum)" \
		"$(jq -S -c . "$tmp/recs.jsonl" | sort | md5sum)" "runtime.v1alpha2: the same containers"

	"$TC" --query "$SOCK" --save "$tmp/saved" >"$tmp/q2.jsonl" &&
		"$TC" --load "$tmp/saved" >"$tmp/l2.jsonl"
	ok $? "the raw replies save and load"
	is "$(tail -n +2 "$tmp/l2.jsonl" | md5sum)" "$(tail -n +2 "$tmp/q2.jsonl" | md5sum)" \
		"the saved replies parse to the same records"
	is "$(head -1 "$tmp/l2.jsonl" | jq -c 'del(.elapsed_ms)')" "$(head -1 "$tmp/q2.jsonl" | jq -c 'del(.elapsed_ms)')" \
		"... and the same runtime and pods"

	"$TC" --query "$SOCK" --max-message 500 >/dev/null 2>"$tmp/big.err"
	is "$?" 1 "a reply above --max-message fails"
	grep -q "exceeds the limit of 500" "$tmp/big.err"
	ok $? "... and says so: $(cat "$tmp/big.err")"

	# Timing: the median of 10 queries, for the record.
	for i in 1 2 3 4 5 6 7 8 9 10; do
		"$TC" --query "$SOCK" | head -1 | jq -r .elapsed_ms
	done | sort -n | sed -n 5p >"$tmp/median"
	diag "median query time over 10 runs: $(cat "$tmp/median") ms"
fi

# ---- a containerd without CRI: gRPC, but not the service -------------------
write_config "$tmp/nocri" "$NSOCK" 'disabled_plugins = ["io.containerd.grpc.v1.cri"]'
containerd -c "$tmp/nocri/config.toml" >"$tmp/nocri/containerd.log" 2>&1 &
NPID=$!
wait_for 20 sh -c "ctr -a '$NSOCK' version >/dev/null 2>&1"
ok $? "private containerd without CRI (pid $NPID) answers on $NSOCK"
t0=$(date +%s%N)
CTRTREE_DEBUG=grpc "$TC" --query "$NSOCK" >/dev/null 2>"$tmp/n.err"
rc=$?
ms=$((($(date +%s%N) - t0) / 1000000))
[ "$rc" = 1 ] && [ "$ms" -lt 1500 ] &&
	grep -q "Version: no CRI RuntimeService, neither runtime.v1 nor runtime.v1alpha2 (grpc-status 12 (UNIMPLEMENTED)" "$tmp/n.err" &&
	grep -q "Operation not supported" "$tmp/n.err"
ok $? "no CRI plugin: fails at once ($ms ms), -EOPNOTSUPP: $(grep -v debug "$tmp/n.err")"
is "$(grep -o '/runtime[^:]*' "$tmp/n.err" | uniq | tr '\n' ' ')" \
	"/runtime.v1.RuntimeService/Version /runtime.v1alpha2.RuntimeService/Version " \
	"no CRI plugin: v1 asked, then v1alpha2, nothing more"
# grpc-go answers an unknown service before reading the request body and
# then resets the stream; libcurl 7.88 then loses the reply one time in
# five (lib/engine-cri.c, LOST_STATUS_RETRIES).  Every query must still see
# the UNIMPLEMENTED.
: >"$tmp/n100.err"
for i in $(seq 100); do
	CTRTREE_DEBUG=cri "$TC" --query "$NSOCK" >/dev/null 2>>"$tmp/n100.err"
done
is "$(grep -c 'Version: no CRI RuntimeService, neither' "$tmp/n100.err")" 100 \
	"no CRI plugin: 100 queries in a row, each one -EOPNOTSUPP ($(grep -c retrying "$tmp/n100.err") lost replies retried)"
"$TC" --query "$NSOCK" --api v1 >/dev/null 2>"$tmp/n1.err"
grep -q "Version: no runtime.v1 RuntimeService (grpc-status 12" "$tmp/n1.err"
ok $? "no CRI plugin, --api v1: no fallback, says which ($(cat "$tmp/n1.err"))"

# ---- sockets that are not a CRI runtime ------------------------------------
"$TC" --query "$tmp/nothing.sock" >/dev/null 2>"$tmp/e"
grep -q "Version: no such socket" "$tmp/e"
ok $? "missing socket: clear error ($(cat "$tmp/e"))"

fake() { # fake SCRIPT MODE
	rm -f "$tmp/fake.sock"
	"$PY" "$1" "$tmp/fake.sock" "$2" 2>/dev/null &
	FAKEPIDS+=($!)
	wait_for 5 test -S "$tmp/fake.sock"
}
stop_fake() {
	local p
	for p in "${FAKEPIDS[@]}"; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
	FAKEPIDS=()
}
query_ms() { # query_ms TIMEOUT [ARGS]: sets $rc and $ms
	local t0=$(date +%s%N) t=$1; shift
	"$TC" --query "$tmp/fake.sock" --timeout "$t" "$@" >"$tmp/f.out" 2>"$tmp/f.err"
	rc=$?
	ms=$((($(date +%s%N) - t0) / 1000000))
}

if [ -n "$PY" ]; then
	# Listening, never accepting, never answering: the deadline holds,
	# across the fallback too.
	fake "$FAKE" hang
	query_ms 1500
	[ "$rc" = 1 ] && [ "$ms" -ge 1400 ] && [ "$ms" -lt 3000 ] && grep -q "timed out after 1500 ms" "$tmp/f.err"
	ok $? "hung socket: fails after the 1500 ms timeout (took $ms ms): $(cat "$tmp/f.err")"
	stop_fake

	fake "$FAKE" slow
	query_ms 1500
	[ "$rc" = 1 ] && [ "$ms" -lt 3000 ] && grep -q "timed out after 1500 ms" "$tmp/f.err"
	ok $? "a server dripping a byte a second: timed out ($ms ms)"
	stop_fake

	fake "$FAKE" http1
	query_ms 3000
	[ "$rc" = 1 ] && [ "$ms" -lt 1000 ] && grep -qE "not a gRPC server|not an HTTP/2" "$tmp/f.err"
	ok $? "HTTP/1 server: fails at once and says why ($(cat "$tmp/f.err"))"
	stop_fake

	# containerd 1.5's behaviour: runtime.v1 unknown, runtime.v1alpha2 served.
	fake "$CFAKE" v1alpha2-only
	t0=$(date +%s%N)
	CTRTREE_DEBUG=grpc "$TC" --query "$tmp/fake.sock" >"$tmp/f.out" 2>"$tmp/f.err"
	ok $? "v1alpha2-only runtime: query exits 0 ($((($(date +%s%N) - t0) / 1000000)) ms)"
	is "$(grep -o '/runtime[^:]*' "$tmp/f.err" | tr '\n' ' ')" \
		"/runtime.v1.RuntimeService/Version /runtime.v1alpha2.RuntimeService/Version /runtime.v1alpha2.RuntimeService/ListPodSandbox /runtime.v1alpha2.RuntimeService/ListContainers " \
		"v1alpha2-only runtime: falls back after UNIMPLEMENTED, then stays on v1alpha2"
	is "$(head -1 "$tmp/f.out" | jq -r '"\(.api) \(.runtime_name) \(.runtime_version) \(.pods[0].name) \(.pods[0].state)"')" \
		"v1alpha2 fakecri 1.5.0-fake fakepod notready" "v1alpha2-only runtime: version and pod decoded"
	is "$(tail -n +2 "$tmp/f.out" | jq -r '"\(.name) \(.status) \(.pod.name) \(.attempt) \(.image)"')" \
		"fakectr running fakepod 3 fake.test/image:1" "v1alpha2-only runtime: container decoded, in its pod"
	stop_fake

	: >"$tmp/all.err"
	while IFS='|' read -r script mode expect; do
		fake "$TOP/tests/fixtures/$script" "$mode"
		query_ms 3000 --max-message 1000000
		cat "$tmp/f.err" >>"$tmp/all.err"
		[ "$rc" = 1 ] && [ "$ms" -lt 1500 ] && grep -qF -- "$expect" "$tmp/f.err"
		ok $? "fake server '$mode': fails cleanly: $(cat "$tmp/f.err")"
		stop_fake
	done <<'EOF'
cri/fake-cri-server.py|unimplemented|Version: no CRI RuntimeService
containerd/fake-grpc-server.py|status|Version: no CRI RuntimeService
containerd/fake-grpc-server.py|huge-length|exceeds the limit of 1000000
containerd/fake-grpc-server.py|truncated|truncated message
containerd/fake-grpc-server.py|not-grpc|content-type "text/html"
containerd/fake-grpc-server.py|goaway|Version:
EOF
	"$PY" "$TOP/tests/lib/check.py" safe-text "$tmp/all.err" >/dev/null 2>&1
	ok $? "error messages carry no raw control bytes"

	# The fake 'ok' server answers Version with a containerd VersionResponse
	# (field 1 "9.9.9-fake", field 2 "fake"): decodes as CRI's version and
	# runtime_name, and its empty lists as no pods.
	fake "$FAKE" ok
	query_ms 3000
	is "$rc/$(jq -r '"\(.version) \(.runtime_name) \(.pods | length)"' "$tmp/f.out")" "0/9.9.9-fake fake 0" \
		"a gRPC server answering anything: decoded as far as the fields go"
	stop_fake
else
	skip "python3 missing: no fake servers"
fi

# ---- nothing of ours is left -----------------------------------------------
cleanup_all >/dev/null 2>&1
is "$(procs_of_sock | tr '\n' ' ')" "" "after cleanup: no containerd or shim of ours runs"
is "$(procs_of_cg | tr '\n' ' ')" "" "after cleanup: no process in our pods' cgroups"
is "$(our_mounts | tr '\n' ' ')" "" "after cleanup: nothing mounted under $tmp"
is "$(shim_sockets | tr '\n' ' ')" "" "after cleanup: no shim socket of ours in /run/containerd/s"
is "$(our_cgroups | tr '\n' ' ')" "" "after cleanup: no cgroup /$CG"
left=""
for id in $(sort -u "$tmp/ids"); do
	[ -e "/run/containerd/runc/$KNS/$id" ] && left="$left $id"
done
is "$left" "" "after cleanup: no runc state of ours in /run/containerd/runc/$KNS"
done_testing
