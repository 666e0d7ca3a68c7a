#!/usr/bin/env bash
# A new user's first commands: every subcommand answers --help / -h with its own options, a bad
# command line names the flag, --listen takes a name, conflicting flags are refused, and start-up
# errors point into the user's own files (line and column of a JSON error, the undeclared queue,
# the handler file as the user named it).
set -uo pipefail
sluice=$1 echo_plugin=$2
failures=0
check() {  # check NAME CONDITION...
  local name=$1; shift
  if "$@"; then echo "ok   $name"; else echo "FAIL $name"; failures=$((failures + 1)); fi
}
tmp=$(mktemp -d)
pid=
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$tmp"' EXIT

# --help and -h, per subcommand, each naming options of its own.
help_names() {  # help_names FLAG WORDS... -- OPTION...: the help exits 0 and names every OPTION
  local flag=$1; shift
  local words=()
  while [ "$1" != -- ]; do words+=("$1"); shift; done
  shift
  "$sluice" "${words[@]}" "$flag" > "$tmp/help.txt" 2>&1 || return 1
  for option in "$@"; do grep -q -- "$option" "$tmp/help.txt" || return 1; done
}
for flag in --help -h; do
  check "sluice $flag lists the commands" help_names "$flag" -- up invoke generate-event new version
  check "up $flag names its flags" help_names "$flag" up -- --listen --data --in-memory --recover --auth --tls-cert --log-format \
    --loops --durability
  check "invoke $flag names its flags" help_names "$flag" invoke -- --config --plugin --event --timeout --isolated --in-process
  check "generate-event sqs $flag names its flags" help_names "$flag" generate-event sqs -- --body --queue-arn --count --region
  check "new handler $flag names its flags" help_names "$flag" new handler -- NAME --lang --dir
done
"$sluice" > /dev/null 2> "$tmp/bare.txt"
check "sluice alone exits 64 with the commands on stderr" test $? -eq 64
check "  ... and lists them" grep -q "generate-event" "$tmp/bare.txt"
check "sluice --version" test "$("$sluice" --version)" = "sluice 0.1.0"
check "sluice version" test "$("$sluice" version)" = "sluice 0.1.0"

# A bad command line names the flag, exit 64.
"$sluice" up --bogus > /dev/null 2> "$tmp/bogus.txt"
check "an unknown flag exits 64" test $? -eq 64
check "  ... and is named" grep -q -- "--bogus" "$tmp/bogus.txt"
"$sluice" up --listen > /dev/null 2> "$tmp/novalue.txt"
check "a flag without its value is named" grep -q -- "--listen" "$tmp/novalue.txt"
"$sluice" up --account 12 > /dev/null 2> "$tmp/account.txt"
check "a bad --account is named with the rule" grep -q -- "--account.*12-digit" "$tmp/account.txt"
# (A name that does not resolve is not tried here: looking it up would leave the machine.)
"$sluice" up --listen :9 > /dev/null 2> "$tmp/nohost.txt"
check "a --listen without a host is named" grep -q -- "--listen.*needs a host before the port" "$tmp/nohost.txt"
"$sluice" up --in-memory --data "$tmp/data" > /dev/null 2> "$tmp/conflict.txt"
check "--in-memory with --data is refused" test $? -eq 64
check "  ... as conflicting, naming both" grep -q -- "--in-memory.*--data\|--data.*--in-memory" "$tmp/conflict.txt"
check "  ... and creates no data directory" test ! -e "$tmp/data"
"$sluice" up --recover --in-memory > /dev/null 2> "$tmp/recover.txt"
check "--recover with --in-memory is refused" grep -q -- "--recover.*--in-memory\|--in-memory.*--recover" "$tmp/recover.txt"
"$sluice" invoke --isolated --in-process --plugin "$echo_plugin" > /dev/null 2> "$tmp/isolation.txt"
check "--isolated with --in-process is refused" grep -q -- "--isolated.*--in-process\|--in-process.*--isolated" "$tmp/isolation.txt"
"$sluice" invoke --timeout 0 --plugin "$echo_plugin" > /dev/null 2> "$tmp/timeout.txt"
check "a bad --timeout is named" grep -q -- "--timeout" "$tmp/timeout.txt"
check "repeatable --allow-origin leaves CONFIG alone" bash -c \
  "'$sluice' up --in-memory --listen 127.0.0.1:0 --allow-origin http://a:1 --allow-origin http://b:2 '$tmp/absent.json' 2>&1 | grep -q 'absent.json: cannot be read'"

# --listen resolves names: localhost serves on the loopback address it resolves to.
"$sluice" up --in-memory --listen localhost:0 > "$tmp/up.out" 2> "$tmp/up.err" &
pid=$!
port=
for _ in $(seq 600); do  # up to 60 s on a loaded machine
  port=$(sed -n 's|^sluice listening on http://127.0.0.1:\([0-9]*\) .*|\1|p' "$tmp/up.out")
  [ -n "$port" ] && break
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.1
done
check "--listen localhost:0 starts on 127.0.0.1" test -n "$port"
if [ -n "$port" ]; then
  check "  ... and answers there" bash -c "curl -fs http://localhost:$port/health | grep -q ok"
fi
kill -TERM "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; pid=

# --durability power-loss reaches the store (GET /health says what SQLite reports it syncs), and
# --loops the front door.
"$sluice" up --data "$tmp/power" --durability power-loss --loops 2 --listen 127.0.0.1:0 > "$tmp/up.out" 2> "$tmp/up.err" &
pid=$!
port=
for _ in $(seq 600); do  # up to 60 s on a loaded machine
  port=$(sed -n 's|^sluice listening on http://127.0.0.1:\([0-9]*\) .*|\1|p' "$tmp/up.out")
  [ -n "$port" ] && break
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.1
done
check "--durability power-loss --loops 2 starts" test -n "$port"
if [ -n "$port" ]; then
  check "  ... its store syncs for power loss" bash -c \
    "curl -fs http://127.0.0.1:$port/health | grep -q '\"store\":{[^}]*\"durability\":\"power-loss\"'"
  check "  ... with two front-door loops" grep -q "2 front-door loops" "$tmp/up.out"
fi
kill -TERM "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; pid=
timeout 20 "$sluice" up --durability power-loss --in-memory --listen 127.0.0.1:0 > /dev/null 2> "$tmp/durability.txt"
check "--durability with --in-memory is refused" grep -q -- "--durability.*--in-memory\|--in-memory.*--durability" "$tmp/durability.txt"
timeout 20 "$sluice" up --durability fast --data "$tmp/never" --listen 127.0.0.1:0 > /dev/null 2> "$tmp/durability.txt"
check "a bad --durability is named with its values" grep -q -- "--durability.*kill-9 or power-loss" "$tmp/durability.txt"
timeout 20 "$sluice" up --loops 0 --in-memory --listen 127.0.0.1:0 > /dev/null 2> "$tmp/loops.txt"
check "a bad --loops is named" grep -q -- "--loops" "$tmp/loops.txt"

# Configuration errors point into the user's file.
printf '{\n  "queues": [\n    {"QueueName": "a"}\n    {"QueueName": "b"}\n  ]\n}\n' > "$tmp/syntax.json"
"$sluice" up --in-memory --listen 127.0.0.1:0 "$tmp/syntax.json" > /dev/null 2> "$tmp/syntax.txt"
check "a JSON syntax error exits 78" test $? -eq 78
check "  ... naming the file, line and column" grep -q "syntax.json: not valid JSON: line 4, column 5" "$tmp/syntax.txt"
echo '{"functions":[{"FunctionName":"f","Handler":"'"$echo_plugin"'"}],"eventSourceMappings":[{"FunctionName":"f","EventSourceArn":"orders"}]}' > "$tmp/undeclared.json"
"$sluice" up --in-memory --listen 127.0.0.1:0 "$tmp/undeclared.json" > /dev/null 2> "$tmp/undeclared.txt"
check "a mapping to an undeclared queue names the queue" grep -q "queue orders is not declared under queues" "$tmp/undeclared.txt"
head -c 4096 /dev/zero > "$tmp/broken.so"  # no ELF header
"$sluice" invoke --plugin "$tmp/broken.so" --in-process > /dev/null 2> "$tmp/broken.txt"
check "a handler that cannot be loaded is named as the user wrote it" grep -q "cannot be loaded: $tmp/broken.so: " "$tmp/broken.txt"
check "  ... not as the private copy loaded" bash -c "! grep -q 'sluice-handler-' '$tmp/broken.txt'"
"$sluice" invoke --plugin "$tmp/broken.so" --isolated > /dev/null 2> "$tmp/broken-isolated.txt"
check "  ... also from an execution environment" bash -c "grep -q '$tmp/broken.so' '$tmp/broken-isolated.txt' && ! grep -q 'sluice-handler-' '$tmp/broken-isolated.txt'"
exit $((failures > 0))
