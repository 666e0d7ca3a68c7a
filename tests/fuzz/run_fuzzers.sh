#!/usr/bin/env bash
# Runs every libFuzzer target of a fuzz build over a copy of its checked-in corpus
# (tests/fuzz/corpus/<name>/, seeded from the test suites):
#
#   run_fuzzers.sh BUILD_DIR SECONDS [--json] [--runs N] [NAME...]
#
# Each fuzzer stops after SECONDS (0: no time limit) or, with --runs, after N executions,
# whichever comes first; NAMEs (json_scanner, http_server, ...) pick fuzzers, by default all.
# BUILD_DIR is a clang tree configured with -DSLUICE_FUZZ=ON (build-asan/ in the test command,
# build-fuzz-release/ for bench/run fuzz); without it the run is skipped (77). A crash, a
# sanitizer report or a broken invariant fails the run and leaves the input that caused it in
# BUILD_DIR/tests/fuzz/. --json prints one object per fuzzer (executions, wall and CPU seconds,
# coverage, crashes) for bench/run fuzz.
set -euo pipefail
build=${1:?usage: run_fuzzers.sh BUILD_DIR SECONDS [--json] [--runs N] [NAME...]}
seconds=${2:-5}
shift 2 || shift $#
json=
runs=-1
names=()
while [ $# -gt 0 ]; do
  case "$1" in
    --json) json=1 ;;
    --runs) runs=${2:?--runs needs a count}; shift ;;
    *) names+=("$1") ;;
  esac
  shift
done
here=$(cd "$(dirname "$0")" && pwd)
if [ ! -d "$build/tests/fuzz" ]; then
  echo "SKIP: no fuzz build in $build (scripts/test makes it with clang and -DSLUICE_FUZZ=ON)"
  exit 77
fi
if [ ${#names[@]} -eq 0 ]; then
  for corpus in "$here"/corpus/*/; do names+=("$(basename "$corpus")"); done
fi
status=0
for name in "${names[@]}"; do
  corpus="$here/corpus/$name"
  bin="$build/tests/fuzz/fuzz_$name"
  if [ ! -x "$bin" ] || [ ! -d "$corpus" ]; then
    echo "fuzz_$name: $bin was not built or has no corpus" >&2
    status=1
    continue
  fi
  work=$(mktemp -d)
  mkdir "$work/corpus"
  cp "$corpus"/* "$work/corpus"/  # libFuzzer adds to the corpus it runs; the checked-in one stays
  log="$work/fuzz.log"
  started=$(date +%s.%N)
  crashes=0
  # CPU seconds beside the wall ones: on a shared machine the wall clock says more about the load.
  if ! { TIMEFORMAT='%U %S'; time "$bin" -max_total_time="$seconds" -runs="$runs" -print_final_stats=1 \
      -artifact_prefix="$build/tests/fuzz/$name-" "$work/corpus" >"$log" 2>&1; } 2>"$work/cpu"; then
    crashes=1
    status=1
    echo "fuzz_$name FAILED:" >&2
    tail -60 "$log" >&2
  fi
  elapsed=$(awk -v s="$started" -v e="$(date +%s.%N)" 'BEGIN { printf "%.1f", e - s }')
  cpu=$(awk '{ printf "%.1f", $1 + $2 }' "$work/cpu")
  execs=$(awk '/stat::number_of_executed_units/ {print $2}' "$log")
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | awk '{print $2}')
  if [ -z "$execs" ]; then  # a crash ends the run before the final statistics
    execs=$(grep -o '^#[0-9]*' "$log" | tail -1 | tr -d '#')
  fi
  if [ -n "$json" ]; then
    printf '{"bench":"fuzz","figure":"executions","value":%s,"unit":"runs","fuzzer":"%s","seconds":%s,"cpu_seconds":%s,"exec_per_s":%s,"coverage_edges":%s,"crashes":%s}\n' \
      "${execs:-0}" "$name" "$elapsed" "${cpu:-0}" "$(awk -v n="${execs:-0}" -v s="$elapsed" 'BEGIN { printf "%.0f", (s > 0 ? n / s : 0) }')" \
      "${cov:-0}" "$crashes"
  elif [ "$crashes" = 0 ]; then
    echo "fuzz_$name: ${execs:-0} executions in ${elapsed} s (${cpu:-0} s CPU), ${cov:-0} edges covered, no crash"
  fi
  rm -rf "$work"
done
exit $status
