#!/usr/bin/env bash
# count_instructions.sh
# The server's instructions per message in the http-cycle workload, counted by callgrind: exact,
# and the same however busy the machine is, where wall-clock figures on a shared machine move by
# ±20%. For each protocol (JSON 1.0, then Query) and each binary ($SLUICE_BIN, then
# $SLUICE_BASELINE_BIN when set), `sluice up --in-memory` runs under valgrind --tool=callgrind;
# once it answers, its counts are zeroed, `bench_http cycle` drives it (2 clients, 6 s, no
# warm-up), and the counts are dumped. The figure is the instructions counted
# over that window divided by the messages the generator counted (each sent, received and deleted
# once). Prints one JSON object per line per figure; the callgrind files stay in $CALLGRIND_DIR
# (default: a temporary directory that is removed) for callgrind_annotate.
# With $SIGNED=1 every request is SigV4-signed, and $SLUICE_UP_ARGS (e.g. "--auth enforce
# bench/http/auth_accounts.json") are added to `sluice up`; $TARGET names the figures (default
# sluice). bench/run auth-instructions uses these to count the cost of authorization.
# With $STORE=data-dir the server keeps a data directory (the default of `sluice up`: SQLite WAL, the
# group commit, the checkpointer's thread) instead of --in-memory, and the figures are named
# <target>-data-dir: bench/run http-instructions-durable. Every thread of the server is counted, so
# the figure includes the commits and checkpoints.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
sluice_bin=${SLUICE_BIN:-build-release/bin/sluice}
bench_bin=${BENCH_HTTP_BIN:-build-release/bench/http/bench_http}
command -v valgrind >/dev/null || { echo "valgrind is not installed" >&2; exit 1; }
command -v callgrind_control >/dev/null || { echo "callgrind_control is not installed" >&2; exit 1; }

out_dir=${CALLGRIND_DIR:-}
keep=1
if [ -z "$out_dir" ]; then
  out_dir=$(mktemp -d)
  keep=0
fi
mkdir -p "$out_dir"

pid=
cleanup() {
  if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  if [ "$keep" = 0 ]; then rm -rf "$out_dir"; fi
}
trap cleanup EXIT

free_port() {
  local p
  for _ in $(seq 50); do
    p=$((20000 + RANDOM % 12000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then echo "$p"; return 0; fi
  done
  return 1
}

# count TARGET BINARY PROTOCOL
count() {
  local target=$1 bin=$2 protocol=$3
  local port file
  port=$(free_port)
  file="$out_dir/callgrind.$target.$protocol"
  # shellcheck disable=SC2086 # SLUICE_UP_ARGS is a list of words
  local store_args=(--in-memory)
  if [ "${STORE:-memory}" = data-dir ]; then
    rm -rf "$out_dir/data.$target.$protocol"
    store_args=(--data "$out_dir/data.$target.$protocol")
  fi
  valgrind --tool=callgrind --callgrind-out-file="$file.%p" "$bin" up --listen "127.0.0.1:$port" "${store_args[@]}" \
    ${SLUICE_UP_ARGS:-} >/dev/null 2>"$file.log" &
  pid=$!
  for _ in $(seq 600); do
    curl -sf "http://127.0.0.1:$port/health" >/dev/null 2>&1 && break
    kill -0 "$pid" 2>/dev/null || { echo "$target did not start (see $file.log)" >&2; exit 1; }
    sleep 0.1
  done
  callgrind_control --zero "$pid" >/dev/null
  local figures messages
  local suffix=
  if [ "${SIGNED:-0}" = 1 ]; then suffix=:signed; fi
  figures=$("$bench_bin" cycle --endpoint "$target:$protocol:$port$suffix" --clients 2 --seconds 6 --warmup 0)
  callgrind_control --dump "$pid" >/dev/null
  kill "$pid"
  wait "$pid" 2>/dev/null || true
  pid=
  messages=$(printf '%s\n' "$figures" | sed -n 's/.*"figure":"messages_per_second","value":\([0-9.e+]*\).*/\1/p')
  # The dump taken on request is the one with a part number; its totals line counts instructions.
  local instructions
  instructions=$(sed -n 's/^totals: \([0-9]*\).*/\1/p' "$(ls "$file".*.[0-9]* | head -1)")
  awk -v t="$target" -v p="$protocol" -v i="$instructions" -v r="$messages" -v s=6 'BEGIN {
    printf "{\"bench\":\"http-instructions\",\"figure\":\"instructions_per_message\",\"value\":%.0f,\"unit\":\"instructions\",\"target\":\"%s\",\"protocol\":\"%s\",\"messages\":%.0f}\n",
      i / (r * s), t, p, r * s }'
}

suffix_store=
if [ "${STORE:-memory}" = data-dir ]; then suffix_store=-data-dir; fi
for protocol in json query; do
  count "${TARGET:-sluice}$suffix_store" "$sluice_bin" "$protocol"
  if [ -n "${SLUICE_BASELINE_BIN:-}" ]; then count "sluice-baseline$suffix_store" "$SLUICE_BASELINE_BIN" "$protocol"; fi
done
