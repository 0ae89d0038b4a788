# The engine fixtures (tests/fixtures/*.json with a "fixture_expect": the
# chain each real system has, written down from its sources, see
# tests/fixtures/gen/) against what ctrtree reconstructs from them: engines
# and sockets, logical parents, containers, inits, shims, pods, members,
# exec sessions and docker-proxies.
. "$TOP/tests/lib/tap.sh"
cd "$TOP" || exit 1

python3 tests/fixtures/gen/gen-engine-fixtures.py --check >/dev/null 2>&1
ok $? "the fixtures are what tests/fixtures/gen/gen-engine-fixtures.py writes"

for f in tests/fixtures/*.json; do
	grep -q '"fixture_expect"' "$f" || continue
	out=$(python3 tests/fixtures/gen/check-expect.py "$CTRTREE" "$f" 2>&1)
	ok $? "$(basename "$f" .json): the chain its sources describe"
	[ -n "$out" ] && printf '%s\n' "$out" | grep '^  ' | sed 's/^/#   /'
done
done_testing
