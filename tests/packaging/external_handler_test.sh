#!/usr/bin/env bash
# Installs this build into a staging prefix, builds samples/external-handler/project against it
# with find_package(sluice), and runs the resulting handler through `sluice invoke`.
set -euo pipefail
build=$1 source=$2
stage=$build/packaging/stage
external=$build/packaging/external
rm -rf "$build/packaging"
cmake --install "$build" --prefix "$stage" >/dev/null
cmake -S "$source/samples/external-handler/project" -B "$external" -DCMAKE_PREFIX_PATH="$stage" >/dev/null
cmake --build "$external" >/dev/null
plugin=$(find "$external" -maxdepth 1 -name '*greeting*.so' | head -1)
[ -n "$plugin" ] || { echo "the external handler was not built"; exit 1; }
out=$(echo '{"name": "packaging"}' | "$stage/bin/sluice" invoke --plugin "$plugin" --event - 2>/dev/null)
echo "response: $out"
[ "$out" = '{"greeting":"hello packaging"}' ] || { echo "unexpected response"; exit 1; }
