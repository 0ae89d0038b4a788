# TAP helpers for the shell test scripts (sourced).  Each script prints
# "1..N"-less TAP ("ok N - name" / "not ok N - name"), ends with
# done_testing, and exits non-zero when anything failed.
#
# Environment from tests/run: BUILDDIR (absolute), TOP (repo root),
# CTRTREE (the binary under test), CTRRUN (the bundled runtime).

_tap_n=0
_tap_fail=0
_tap_cleanups=()

ok() { # ok CONDITION-EXIT-STATUS NAME
	local rc=$1; shift
	_tap_n=$((_tap_n + 1))
	if [ "$rc" -eq 0 ]; then
		echo "ok $_tap_n - $*"
	else
		echo "not ok $_tap_n - $*"
		_tap_fail=$((_tap_fail + 1))
	fi
}

is() { # is GOT EXPECTED NAME
	local got=$1 exp=$2; shift 2
	if [ "$got" = "$exp" ]; then
		ok 0 "$*"
	else
		ok 1 "$*"
		printf '#   got:      %q\n#   expected: %q\n' "$got" "$exp"
	fi
}

skip() { # skip REASON
	_tap_n=$((_tap_n + 1))
	echo "ok $_tap_n # SKIP $*"
}

diag() { printf '# %s\n' "$*"; }

# Run a command at exit (LIFO), also when the script fails or is killed.
on_exit() { _tap_cleanups=("$*" "${_tap_cleanups[@]}"); }
_tap_run_cleanups() {
	local c
	for c in "${_tap_cleanups[@]}"; do eval "$c" >/dev/null 2>&1 || true; done
	_tap_cleanups=()
}
trap _tap_run_cleanups EXIT
trap '_tap_run_cleanups; exit 130' INT TERM

done_testing() {
	echo "1..$_tap_n"
	[ "$_tap_fail" -eq 0 ]
}

# Poll COMMAND every 50 ms until it succeeds: 1 if it did not within SECONDS.
wait_for() { # wait_for SECONDS COMMAND...
	local t=$(($1 * 20)); shift
	while ! "$@"; do
		t=$((t - 1))
		[ $t -le 0 ] && return 1
		sleep 0.05
	done
}

need_root() {
	if [ "$(id -u)" != 0 ]; then
		echo "1..0 # SKIP needs root"
		exit 0
	fi
}

# Skip the whole script unless every COMMAND is installed.
need_tools() { # need_tools COMMAND...
	local t
	for t in "$@"; do
		command -v "$t" >/dev/null || { echo "1..0 # SKIP $t not installed"; exit 0; }
	done
}

# Skip the whole script unless every FILE (our binaries) is built.
need_built() { # need_built FILE...
	local b
	for b in "$@"; do
		[ -x "$b" ] || { echo "1..0 # SKIP $b not built"; exit 0; }
	done
}
