# Build a minimal busybox-static root filesystem (sourced by live tests).
#
#   make_busybox_rootfs DIR
#
# DIR/bin/busybox (a copy of the host's static busybox) with a symlink per
# applet, the mount points a runtime expects (proc dev sys tmp), and an
# /etc with root in passwd/group and localhost in hosts.  Idempotent:
# running it again over the same DIR repairs and changes nothing else.
# Returns non-zero if there is no static busybox.

make_busybox_rootfs() {
	local dir=$1 bb applet
	[ -n "$dir" ] || { echo "make_busybox_rootfs: no directory" >&2; return 2; }

	for bb in /bin/busybox /usr/bin/busybox; do
		[ -x "$bb" ] && break
	done
	if [ ! -x "$bb" ]; then
		echo "make_busybox_rootfs: no busybox (install busybox-static)" >&2
		return 1
	fi
	# A dynamic busybox would need the host's libraries inside the rootfs.
	if command -v file >/dev/null 2>&1 &&
		! file -L "$bb" | grep -q 'statically linked'; then
		echo "make_busybox_rootfs: $bb is not static (install busybox-static)" >&2
		return 1
	fi

	mkdir -p "$dir"/{bin,sbin,proc,dev,sys,tmp,etc,root,usr/bin,usr/sbin} || return
	chmod 1777 "$dir/tmp"
	chmod 0755 "$dir" "$dir/bin" "$dir/etc"
	if ! cmp -s "$bb" "$dir/bin/busybox"; then
		cp "$bb" "$dir/bin/busybox.tmp" &&
			mv -f "$dir/bin/busybox.tmp" "$dir/bin/busybox" || return
	fi
	chmod 0755 "$dir/bin/busybox"

	# Every applet as a relative symlink: valid inside and outside the root.
	for applet in $("$dir/bin/busybox" --list); do
		[ "$applet" = busybox ] && continue
		[ -e "$dir/bin/$applet" ] || [ -L "$dir/bin/$applet" ] ||
			ln -s busybox "$dir/bin/$applet"
	done
	# The few names tests rely on, whatever this busybox's --list says.
	for applet in sh ls cat sleep ps ip hostname ifconfig ping nc wc true \
		false echo id mount; do
		[ -e "$dir/bin/$applet" ] || ln -sf busybox "$dir/bin/$applet"
	done

	printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n' \
		>"$dir/etc/passwd"
	printf 'root:x:0:\nnogroup:x:65534:\n' >"$dir/etc/group"
	printf '127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost\n' >"$dir/etc/hosts"
	: >"$dir/etc/resolv.conf"
}

# The bundled runtime on the test's own state directory ($CTRRUN, $STATE).
cr() { "$CTRRUN" --state-dir "$STATE" "$@"; }
# Delete every container under $STATE: a test's cleanup, also on failure.
cr_delete_all() {
	local d
	for d in "$STATE"/*/; do
		[ -d "$d" ] && cr delete -f "$(basename "$d")"
	done
}
