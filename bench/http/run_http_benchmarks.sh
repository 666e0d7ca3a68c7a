#!/usr/bin/env bash
# run_http_benchmarks.sh NAME [bench_http options...]
# Starts `sluice up --in-memory` (for http-cycle also one with a data directory and one with
# --no-aws-metrics, and for http-cycle and wake-latency the peer emulators that are installed),
# runs the load generator,
# stops everything it started, and prints one JSON object per line per figure. A missing peer gives a {"skipped":true} line instead of figures.
#   NAME: http-cycle | http-ceiling | long-poll-park | wake-latency | startup | auth-overhead |
#         audit-overhead | http-loops | http-durability
# http-ceiling runs the http-cycle against bench_http_ceiling alone (sluice's HTTP server answering
# fixed answers of sluice's size: the loopback ceiling); http-cycle measures it too, first, and
# reports every endpoint's rate as a fraction of it (fraction_of_ceiling).
# auth-overhead runs the signed http-cycle against sluice with --auth off and with --auth enforce
# (the generator's key declared in bench/http/auth_accounts.json, as a user with 20 inline policies,
# so that enforce also evaluates them for every call), side by side in one run.
# audit-overhead runs the signed http-cycle against two sluice servers with data directories (the
# default of `sluice up`, so the trail writes its files), one recording the cycle's calls in the
# audit trail (--audit-data-events: SendMessageBatch, ReceiveMessage and DeleteMessageBatch are data
# events) and one not, side by side in one run; the server CPU per message of each is the figure.
# http-loops runs the http-cycle against sluice in memory with one front-door loop and with two
# (--loops), side by side: each one's server CPU per message is what predicts scaling on more cores.
# http-durability runs it against sluice with a data directory in each --durability mode, side by
# side: kill-9 (the default) and power-loss (an fsync of the log per group commit).
# startup starts its servers itself (bench_http times them from fork): sluice in memory and with
# a data directory (the default of `sluice up`), and fauxqs when it is installed.
# Binaries: $SLUICE_BIN (default build-release/bin/sluice) and $BENCH_HTTP_BIN (default
# build-release/bench/http/bench_http), relative to the repository root. With $SLUICE_BASELINE_BIN
# (another sluice binary, e.g. one built from an earlier commit), http-cycle and wake-latency also
# drive it in memory in the same run as "sluice-baseline", so a change is judged by ratios measured
# side by side rather than by absolute figures from different days. $SLUICE_UP_EXTRA adds flags to
# this tree's `sluice up` only (e.g. "--loops 1" to match the baseline's single loop).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
name=${1:-}
[ -n "$name" ] || { sed -n 2,11p "$0"; exit 64; }
shift
sluice_bin=${SLUICE_BIN:-build-release/bin/sluice}
bench_bin=${BENCH_HTTP_BIN:-build-release/bench/http/bench_http}
ceiling_bin=${BENCH_HTTP_CEILING_BIN:-build-release/bench/http/bench_http_ceiling}
for bin in "$sluice_bin" "$bench_bin"; do
  [ -x "$bin" ] || { echo "missing $bin (build targets sluice and bench_http)" >&2; exit 1; }
done

# 5,000 parked polls need as many descriptors in both processes.
ulimit -n "$(ulimit -Hn)"

pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT

# A port below the kernel's ephemeral range (so earlier client sockets cannot hold it) on which
# nothing answers.
free_port() {
  local p
  for _ in $(seq 50); do
    p=$((20000 + RANDOM % 12000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then echo "$p"; return 0; fi
  done
  return 1
}

skip() {  # bench target reason
  printf '{"bench":"%s","target":"%s","skipped":true,"reason":"%s"}\n' "$1" "$2" "$3"
}

start_sluice() {  # [--data DIR]; retried on another port if the one picked was taken meanwhile
  local storage=("${@:---in-memory}")
  local bin=${start_bin:-$sluice_bin}
  # SLUICE_UP_EXTRA: more `sluice up` flags for this tree's binary (e.g. "--loops 1", to compare a
  # request's cost with the baseline's, which has one loop); the baseline binary never gets them.
  if [ -z "${start_bin:-}" ] && [ -n "${SLUICE_UP_EXTRA:-}" ]; then
    local extra
    read -r -a extra <<<"$SLUICE_UP_EXTRA"
    storage+=("${extra[@]}")
  fi
  for _ in 1 2 3 4 5; do
    sluice_port=$(free_port)
    "$bin" up --listen "127.0.0.1:$sluice_port" "${storage[@]}" >/dev/null 2>"${SLUICE_LOG:-/dev/null}" &
    sluice_pid=$!
    pids+=("$sluice_pid")
    for _ in $(seq 200); do
      kill -0 "$sluice_pid" 2>/dev/null || continue 2
      curl -sf "http://127.0.0.1:$sluice_port/health" >/dev/null 2>&1 && return 0
      sleep 0.05
    done
  done
  echo "sluice did not start (see SLUICE_LOG)" >&2
  exit 1
}

# The ceiling server, as endpoints named "ceiling" (JSON and Query) in ceiling_args.
ceiling_args=()
start_ceiling() {
  [ -x "$ceiling_bin" ] || { echo "missing $ceiling_bin (build target bench_http_ceiling)" >&2; exit 1; }
  local port pid
  for _ in 1 2 3 4 5; do
    port=$(free_port)
    "$ceiling_bin" --port "$port" >/dev/null 2>&1 &
    pid=$!
    pids+=("$pid")
    for _ in $(seq 200); do
      kill -0 "$pid" 2>/dev/null || continue 2
      if curl -sf "http://127.0.0.1:$port/health" >/dev/null 2>&1; then
        ceiling_args=(--endpoint "ceiling:json:$port" --endpoint "ceiling:query:$port" --server-pid "ceiling=$pid")
        return 0
      fi
      sleep 0.05
    done
  done
  echo "bench_http_ceiling did not start" >&2
  exit 1
}

# Adds "--endpoint NAME:json:PORT[:signed]" to peer_args when the peer starts, else a skip line.
peer_args=()
peer_pids=()

# With SLUICE_BASELINE_BIN: the baseline binary in memory, as endpoints named sluice-baseline.
baseline_args=()
start_baseline() {  # [--with-pid]: also name its process (for the cycle's CPU figures)
  [ -n "${SLUICE_BASELINE_BIN:-}" ] || return 0
  [ -x "$SLUICE_BASELINE_BIN" ] || { echo "missing $SLUICE_BASELINE_BIN" >&2; exit 1; }
  start_bin=$SLUICE_BASELINE_BIN start_sluice
  baseline_port=$sluice_port
  if [ "${1:-}" = --with-pid ]; then baseline_args+=(--server-pid "sluice-baseline=$sluice_pid"); fi
  return 0
}
# The endpoints of `sluice` (on sluice_port) for PROTOCOL, each followed by the baseline's when there
# is one: the two run seconds apart, so a load that comes and goes on the machine falls on both.
paired_endpoints() {  # protocol...
  local protocol
  for protocol in "$@"; do
    endpoint_args+=(--endpoint "sluice:$protocol:$sluice_port")
    if [ -n "${baseline_port:-}" ]; then endpoint_args+=(--endpoint "sluice-baseline:$protocol:$baseline_port"); fi
    if [ -n "${metrics_off_port:-}" ]; then endpoint_args+=(--endpoint "sluice-no-aws-metrics:$protocol:$metrics_off_port"); fi
  done
}
start_peer() {  # bench name [signed]
  local port pid reason
  port=$(free_port)
  if pid=$(bench/peers/start_peer.sh "$2" "$port" 2>/tmp/.peer_reason.$$); then
    pids+=("$pid")
    peer_args+=(--endpoint "$2:json:$port${3:+:$3}")
    peer_pids+=(--server-pid "$2=$pid")
  else
    reason=$(tr -d '"\\' </tmp/.peer_reason.$$ | head -c 200)
    skip "$1" "$2" "${reason:-not available}"
  fi
  rm -f /tmp/.peer_reason.$$
}

case "$name" in
  http-cycle)
    # sluice with a data directory (the default of `sluice up`) runs too, after the in-memory one.
    data_dir=$(mktemp -d)
    trap 'cleanup; rm -rf "$data_dir"' EXIT
    start_sluice --data "$data_dir/data"
    durable_port=$sluice_port durable_pid=$sluice_pid
    start_baseline --with-pid
    # The same binary without CloudWatch's AWS/* metrics: what the metered engine costs, side by side.
    start_sluice --in-memory --no-aws-metrics
    metrics_off_port=$sluice_port metrics_off_pid=$sluice_pid
    start_sluice
    start_ceiling
    start_peer http-cycle fauxqs
    start_peer http-cycle moto signed
    endpoint_args=()
    paired_endpoints json query
    "$bench_bin" cycle "${ceiling_args[@]}" "${endpoint_args[@]}" \
      --endpoint "sluice-data-dir:json:$durable_port" --endpoint "sluice-data-dir:query:$durable_port" \
      "${baseline_args[@]}" "${peer_args[@]}" --server-pid "sluice=$sluice_pid" \
      --server-pid "sluice-data-dir=$durable_pid" --server-pid "sluice-no-aws-metrics=$metrics_off_pid" \
      "${peer_pids[@]}" "$@"
    ;;
  http-ceiling)
    start_ceiling
    "$bench_bin" cycle "${ceiling_args[@]}" "$@"
    ;;
  auth-overhead)
    start_sluice
    off_port=$sluice_port off_pid=$sluice_pid
    start_sluice --in-memory --auth enforce bench/http/auth_accounts.json
    "$bench_bin" cycle --endpoint "auth-off:json:$off_port:signed" --endpoint "auth-off:query:$off_port:signed" \
      --endpoint "auth-enforce:json:$sluice_port:signed" --endpoint "auth-enforce:query:$sluice_port:signed" \
      --server-pid "auth-off=$off_pid" --server-pid "auth-enforce=$sluice_pid" "$@"
    ;;
  audit-overhead)
    data_dir=$(mktemp -d)
    trap 'cleanup; rm -rf "$data_dir"' EXIT
    start_sluice --data "$data_dir/off"
    off_port=$sluice_port off_pid=$sluice_pid
    start_sluice --data "$data_dir/on" --audit-data-events
    "$bench_bin" cycle --endpoint "audit-off:json:$off_port:signed" --endpoint "audit-off:query:$off_port:signed" \
      --endpoint "audit-on:json:$sluice_port:signed" --endpoint "audit-on:query:$sluice_port:signed" \
      --server-pid "audit-off=$off_pid" --server-pid "audit-on=$sluice_pid" "$@"
    ;;
  http-loops)
    start_sluice --in-memory --loops 1
    one_port=$sluice_port one_pid=$sluice_pid
    start_sluice --in-memory --loops 2
    "$bench_bin" cycle --endpoint "sluice-1-loop:json:$one_port" --endpoint "sluice-2-loops:json:$sluice_port" \
      --endpoint "sluice-1-loop:query:$one_port" --endpoint "sluice-2-loops:query:$sluice_port" \
      --server-pid "sluice-1-loop=$one_pid" --server-pid "sluice-2-loops=$sluice_pid" "$@"
    ;;
  http-durability)
    data_dir=$(mktemp -d)
    trap 'cleanup; rm -rf "$data_dir"' EXIT
    start_sluice --data "$data_dir/kill-9"
    kill9_port=$sluice_port kill9_pid=$sluice_pid
    start_sluice --data "$data_dir/power-loss" --durability power-loss
    "$bench_bin" cycle --endpoint "sluice-kill-9:json:$kill9_port" --endpoint "sluice-power-loss:json:$sluice_port" \
      --server-pid "sluice-kill-9=$kill9_pid" --server-pid "sluice-power-loss=$sluice_pid" "$@"
    ;;
  long-poll-park)
    start_sluice
    "$bench_bin" park --endpoint "sluice:json:$sluice_port" --server-pid "$sluice_pid" "$@"
    ;;
  wake-latency)
    start_baseline
    start_sluice
    start_peer wake-latency fauxqs
    endpoint_args=()
    paired_endpoints json query
    "$bench_bin" wake "${endpoint_args[@]}" "${peer_args[@]}" "$@"
    ;;
  startup)
    "$bench_bin" startup --target sluice-in-memory --port "$(free_port)" "$@" -- \
      "$sluice_bin" up --listen '127.0.0.1:{port}' --in-memory
    "$bench_bin" startup --target sluice-data-dir --port "$(free_port)" "$@" -- \
      "$sluice_bin" up --listen '127.0.0.1:{port}' --data '{data}'
    if reason=$(bench/peers/start_peer.sh fauxqs --install 2>&1); then
      "$bench_bin" startup --target fauxqs --port "$(free_port)" "$@" -- \
        node bench/peers/fauxqs_server.mjs '{port}'
    else
      skip startup fauxqs "$(printf '%s' "$reason" | tr -d '"\\' | head -c 200)"
    fi
    ;;
  *) echo "run_http_benchmarks.sh: unknown benchmark '$name'" >&2; exit 64 ;;
esac
