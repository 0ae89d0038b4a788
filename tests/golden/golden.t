# Golden-output tests: ctrtree on saved snapshots, compared byte for byte
# under LC_ALL=C, TZ=UTC and a fixed width.  Each case is
# tests/golden/cases/NAME.cmd (the arguments; $FIXTURES names the fixture
# folder; a first line "#locale L" runs it under another locale) with the
# expected output beside it in NAME.out.  UPDATE=1 rewrites the .out files;
# review the diff before committing one.
. "$TOP/tests/lib/tap.sh"

cd "$TOP" || exit 1
FIXTURES=tests/fixtures
for cmd in "$TOP"/tests/golden/cases/*.cmd; do
	name=$(basename "$cmd" .cmd)
	exp=${cmd%.cmd}.out
	locale=C
	if head -n1 "$cmd" | grep -q '^#locale '; then
		locale=$(head -n1 "$cmd" | cut -d' ' -f2)
	fi
	args=$(grep -v '^#' "$cmd")
	got=$(eval "LC_ALL=$locale TZ=UTC COLUMNS=100 \"\$CTRTREE\" $args" 2>&1; echo "exit=$?")
	if [ "${UPDATE:-0}" = 1 ]; then
		printf '%s\n' "$got" >"$exp"
	fi
	if [ -f "$exp" ] && [ "$got" = "$(cat "$exp")" ]; then
		ok 0 "golden: $name"
	else
		ok 1 "golden: $name"
		diff -u "$exp" <(printf '%s\n' "$got") | sed 's/^/#   /' | head -40
	fi
done

# A snapshot survives save -> load -> save unchanged.
tmp=$(mktemp -d)
on_exit rm -rf "$tmp"
for f in "$FIXTURES"/*.json; do
	"$CTRTREE" --load "$f" --save "$tmp/a.json" && "$CTRTREE" --load "$tmp/a.json" --save "$tmp/b.json"
	cmp -s "$tmp/a.json" "$tmp/b.json"
	ok $? "snapshot round trip is stable: $(basename "$f")"
	"$CTRTREE" --load "$f" --json >"$tmp/a.out" && "$CTRTREE" --load "$tmp/a.json" --json >"$tmp/b.out"
	cmp -s "$tmp/a.out" "$tmp/b.out"
	ok $? "snapshot round trip renders the same JSON: $(basename "$f")"
done
done_testing
