#!/usr/bin/env bash
# Runs the unit suites of the ASan+UBSan build; exit 77 (skipped) when that build is absent.
build=$1
if [ ! -f "$build/CTestTestfile.cmake" ]; then
  echo "no sanitizer build at $build: scripts/test makes it"
  exit 77
fi
exec ctest --test-dir "$build" -L unit --output-on-failure -j"$(nproc)"
