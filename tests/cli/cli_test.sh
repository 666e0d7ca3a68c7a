#!/usr/bin/env bash
# The sluice binary's sub-commands: generate-event feeds invoke; config errors name the field.
set -uo pipefail
sluice=$1 echo_plugin=$2 throws_plugin=$3
failures=0
check() {  # check NAME CONDITION...
  local name=$1; shift
  if "$@"; then echo "ok   $name"; else echo "FAIL $name"; failures=$((failures + 1)); fi
}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

"$sluice" generate-event sqs --body '{"order_id":1001}' --count 2 > "$tmp/event.json"
check "generate-event sqs gives two records" python3 -c "import json,sys; e=json.load(open('$tmp/event.json')); sys.exit(0 if len(e['Records'])==2 and e['Records'][0]['eventSource']=='aws:sqs' else 1)"
out=$("$sluice" invoke --plugin "$echo_plugin" --event - < "$tmp/event.json" 2>"$tmp/logs")
check "invoke answers the handler's payload" test "$(python3 -c "import json,sys; print(json.loads(sys.argv[1])['Records'][0]['body'])" "$out")" = '{"order_id":1001}'
check "invoke prints START/END around the logs" grep -q "^END RequestId:" "$tmp/logs"
"$sluice" generate-event sns --message hi --subject s > "$tmp/sns.json"
check "generate-event sns uses Lambda's spelling" grep -q '"SigningCertUrl"' "$tmp/sns.json"
echo '{"throw": true}' > "$tmp/throw.json"
"$sluice" invoke --plugin "$throws_plugin" --event "$tmp/throw.json" > "$tmp/err.json" 2>/dev/null
check "a throwing handler exits 1" test $? -eq 1
check "a throwing handler answers errorType" grep -q '"errorType"' "$tmp/err.json"
echo '{"functions":[{"FunctionName":"greeter","Handler":"'"$echo_plugin"'","Timeout":5,"Environment":{"Variables":{"STAGE":"test"}}}]}' > "$tmp/functions.json"
out=$("$sluice" invoke greeter --config "$tmp/functions.json" --event "$tmp/event.json" 2>"$tmp/named.txt")
check "invoke runs a declared function by name" test "$(python3 -c "import json,sys; print(len(json.loads(sys.argv[1])['Records']))" "$out")" = 2
check "the declared function's name is used" grep -q "greeter" "$tmp/named.txt"
"$sluice" invoke nobody --config "$tmp/functions.json" > /dev/null 2> "$tmp/nobody.txt"
check "an undeclared function is named" grep -q "no function named nobody" "$tmp/nobody.txt"
"$sluice" invoke --plugin "$tmp/missing.so" > /dev/null 2> "$tmp/missing.txt"
check "a missing plugin is named" grep -q "missing.so" "$tmp/missing.txt"

"$sluice" up --help > "$tmp/up-help.txt" 2>&1
check "up --help prints the usage and exits 0" test $? -eq 0
check "up --help names the browser flags" grep -q -- "--allow-origin ORIGIN" "$tmp/up-help.txt"
"$sluice" up --time-scale fast > /dev/null 2> "$tmp/scale.txt"
check "a bad --time-scale is refused with a reason" grep -q "needs a positive number" "$tmp/scale.txt"

echo '{"queues":[{"QueueName":"a","Attributes":{"VisibilityTimeout":"x"}}]}' > "$tmp/bad-attr.json"
"$sluice" up --in-memory --listen 127.0.0.1:0 "$tmp/bad-attr.json" > /dev/null 2> "$tmp/bad-attr.txt"
check "an invalid attribute stops start-up with AWS's text" grep -q "queue a: Invalid value for the parameter VisibilityTimeout" "$tmp/bad-attr.txt"
echo '{"queues":[{"QueueName":"a","Colour":"red"}]}' > "$tmp/bad-field.json"
"$sluice" up --in-memory --listen 127.0.0.1:0 "$tmp/bad-field.json" > /dev/null 2> "$tmp/bad-field.txt"
check "an unknown field is named" grep -q "queues\[0\].Colour: unknown field" "$tmp/bad-field.txt"
echo '{"functions":[{"FunctionName":"f","Handler":"'"$echo_plugin"'"}],"eventSourceMappings":[{"FunctionName":"f","EventSourceArn":"nope"}]}' > "$tmp/bad-mapping.json"
"$sluice" up --in-memory --listen 127.0.0.1:0 "$tmp/bad-mapping.json" > /dev/null 2> "$tmp/bad-mapping.txt"
check "a mapping to a missing queue is refused as AWS does" grep -q "NonExistentQueue" "$tmp/bad-mapping.txt"
"$sluice" up --auth maybe > /dev/null 2> "$tmp/auth.txt"
check "a bad --auth is refused with the modes" grep -q "needs off, audit or enforce" "$tmp/auth.txt"
check "up --help names --auth" grep -q -- "--auth MODE" "$tmp/up-help.txt"
echo '{"accounts":[{"AccountId":"12345","Users":[]}]}' > "$tmp/bad-account.json"
"$sluice" up --in-memory --listen 127.0.0.1:0 "$tmp/bad-account.json" > /dev/null 2> "$tmp/bad-account.txt"
check "a bad account id is named" grep -q "accounts\[0\].AccountId: must be 12 digits" "$tmp/bad-account.txt"
echo '{"accounts":[{"AccountId":"111122223333","Users":[{"UserName":"a","AccessKeys":[{"AccessKeyId":"AKIADUPLICATE0000001","SecretAccessKey":"x"}]},{"UserName":"b","AccessKeys":[{"AccessKeyId":"AKIADUPLICATE0000001","SecretAccessKey":"y"}]}]}]}' > "$tmp/dup-key.json"
"$sluice" up --in-memory --listen 127.0.0.1:0 "$tmp/dup-key.json" > /dev/null 2> "$tmp/dup-key.txt"
check "an access key declared twice stops start-up" grep -q "access key AKIADUPLICATE0000001 is declared twice" "$tmp/dup-key.txt"
"$sluice" up --bogus > /dev/null 2> "$tmp/flag.txt"
check "a bad flag exits 64" test $? -eq 64
exit $((failures > 0))
