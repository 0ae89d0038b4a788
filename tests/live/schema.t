# ctrtree --json, live and from every fixture, validates against the JSON
# Schema shipped in lib/ctrtree.schema.json; a broken document does not.
. "$TOP/tests/lib/tap.sh"

tmp=$(mktemp -d)
on_exit rm -rf "$tmp"
validate() {
	/usr/bin/python3 - "$TOP/lib/ctrtree.schema.json" "$1" <<'PY'
import json, sys, jsonschema
schema = json.load(open(sys.argv[1]))
jsonschema.Draft202012Validator.check_schema(schema)
jsonschema.Draft202012Validator(schema).validate(json.load(open(sys.argv[2])))
PY
}
"$CTRTREE" --json >"$tmp/live.json" && validate "$tmp/live.json"
ok $? "live output validates"
"$CTRTREE" --json -T >"$tmp/threads.json" && validate "$tmp/threads.json"
ok $? "live output with threads validates"
for f in "$TOP"/tests/fixtures/*.json; do
	"$CTRTREE" --load "$f" --json >"$tmp/f.json" && validate "$tmp/f.json"
	ok $? "fixture $(basename "$f") validates"
done
jq '.processes[0].pid = "1"' "$tmp/live.json" >"$tmp/broken.json"
validate "$tmp/broken.json" 2>/dev/null
ok $((! $?)) "a document with a string pid is rejected"
done_testing
