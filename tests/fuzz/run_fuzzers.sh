#!/usr/bin/env bash
# Runs every libFuzzer target of a fuzz build for a bounded time over a copy of its checked-in
# corpus (tests/fuzz/corpus/<name>/, seeded from the test suites):
#
#   run_fuzzers.sh BUILD_DIR SECONDS [--json]
#
# BUILD_DIR is the clang tree scripts/test configures with -DSLUICE_FUZZ=ON (build-asan/); without
# it the run is skipped (77). A crash, a sanitizer report or a broken invariant fails the run and
# leaves the input that caused it in BUILD_DIR/tests/fuzz/. --json prints one object per fuzzer
# (executions, coverage) for bench/run fuzz.
set -euo pipefail
build=${1:?usage: run_fuzzers.sh BUILD_DIR SECONDS [--json]}
seconds=${2:-5}
json=${3:-}
here=$(cd "$(dirname "$0")" && pwd)
if [ ! -d "$build/tests/fuzz" ]; then
  echo "SKIP: no fuzz build in $build (scripts/test makes it with clang and -DSLUICE_FUZZ=ON)"
  exit 77
fi
status=0
for corpus in "$here"/corpus/*/; do
  name=$(basename "$corpus")
  bin="$build/tests/fuzz/fuzz_$name"
  if [ ! -x "$bin" ]; then
    echo "fuzz_$name: $bin was not built" >&2
    status=1
    continue
  fi
  work=$(mktemp -d)
  mkdir "$work/corpus"
  cp "$corpus"/* "$work/corpus"/  # libFuzzer adds to the corpus it runs; the checked-in one stays
  log="$work/fuzz.log"
  if "$bin" -max_total_time="$seconds" -print_final_stats=1 -artifact_prefix="$build/tests/fuzz/$name-" \
      "$work/corpus" >"$log" 2>&1; then
    execs=$(awk '/stat::number_of_executed_units/ {print $2}' "$log")
    cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | awk '{print $2}')
    if [ "$json" = "--json" ]; then
      printf '{"bench":"fuzz","figure":"executions","value":%s,"unit":"runs","fuzzer":"%s","seconds":%s,"coverage_edges":%s,"crashes":0}\n' \
        "${execs:-0}" "$name" "$seconds" "${cov:-0}"
    else
      echo "fuzz_$name: ${execs:-0} executions in ${seconds} s, ${cov:-0} edges covered, no crash"
    fi
  else
    echo "fuzz_$name FAILED:" >&2
    tail -60 "$log" >&2
    status=1
  fi
  rm -rf "$work"
done
exit $status
