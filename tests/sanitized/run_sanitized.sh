#!/usr/bin/env bash
# Runs the unit suites of a sanitizer build carrying a CTest label: `unit` in the ASan+UBSan build
# (build-asan/), `threaded` in the ThreadSanitizer build (build-tsan/). Exit 77 (skipped) when that
# build is absent.
#
#   run_sanitized.sh BUILD_DIR [LABEL]
build=$1
label=${2:-unit}
if [ ! -f "$build/CTestTestfile.cmake" ]; then
  echo "no sanitizer build at $build: scripts/test makes it"
  exit 77
fi
# A data race is a failure of the suite that ran into it, with both stacks in its output.
export TSAN_OPTIONS="${TSAN_OPTIONS:-halt_on_error=1 second_deadlock_stack=1}"
exec ctest --test-dir "$build" -L "$label" --output-on-failure -j"$(nproc)"
