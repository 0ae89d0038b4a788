# The engine fixtures (tests/fixtures/*.json with a "fixture_expect": the
# chain each real system has, written down from its sources, see
# tests/fixtures/gen/) against what ctrtree reconstructs from them.  One
# check per fixture and expected fact.  Facts ctrtree does not derive yet
# are TAP "# TODO" items: listed, counted apart, not hidden; each one is an
# open point of the runtime-chain issue.
. "$TOP/tests/lib/tap.sh"
cd "$TOP" || exit 1

python3 tests/fixtures/gen/gen-engine-fixtures.py --check >/dev/null 2>&1
ok $? "the fixtures are what tests/fixtures/gen/gen-engine-fixtures.py writes"

for f in tests/fixtures/*.json; do
	grep -q '"fixture_expect"' "$f" || continue
	name=$(basename "$f" .json)
	out=$(python3 tests/fixtures/gen/check-expect.py "$CTRTREE" "$f" 2>&1)
	rc=$?
	todo=$(printf '%s\n' "$out" | grep -E '^  container .* pod=' || true)
	rest=$(printf '%s\n' "$out" | grep '^  ' | grep -vE '^  container .* pod=' || true)
	if [ -z "$rest" ] && { [ "$rc" = 0 ] || [ -n "$todo" ]; }; then
		ok 0 "$name: engines, logical parents, containers, inits, shims, members, proxies"
	else
		ok 1 "$name: engines, logical parents, containers, inits, shims, members, proxies"
		printf '%s\n' "$out" | sed 's/^/#   /'
	fi
	if [ -n "$todo" ]; then
		_tap_n=$((_tap_n + 1))
		echo "not ok $_tap_n - $name: pod of each container # TODO pods are not derived yet"
		printf '%s\n' "$todo" | sed 's/^/#   /'
	fi
done
done_testing
