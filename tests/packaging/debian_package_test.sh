#!/usr/bin/env bash
# The Debian package: `cpack -G DEB` in this build tree makes one .deb; unpacked into a scratch
# root (dpkg -x, no root needed) it holds the programs, the systemd units, the man page and the
# handler SDK; the unpacked `sluice --version` runs; `sluice new handler` from it scaffolds a
# C handler that builds against the unpacked SDK (also with Boost out of reach) and passes its own
# test; and the demo that scripts/demo runs (samples/order-processing/run) passes with the
# unpacked sluice, its handler run by the unpacked sluice-worker, and once more with the handler's
# Python twin on the Python runtime.
#   debian_package_test.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
build=$1
source=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$build" && cpack -G DEB -B "$work/out" >"$work/cpack.log" 2>&1) || { cat "$work/cpack.log"; echo "FAIL cpack"; exit 1; }
deb=$(ls "$work"/out/sluice_*.deb)
echo "ok   built $(basename "$deb")"
dpkg-deb --field "$deb" Depends | grep -q libuv || { dpkg-deb --info "$deb"; echo "FAIL no shared-library Depends"; exit 1; }
echo "ok   Depends: $(dpkg-deb --field "$deb" Depends)"
root=$work/root
dpkg -x "$deb" "$root"
for file in usr/bin/sluice usr/bin/sluice-worker usr/lib/systemd/system/sluice.service \
    usr/lib/systemd/system/sluice-worker.service usr/share/man/man1/sluice.1 usr/include/sluice/handler.h; do
  [ -e "$root/$file" ] || { dpkg-deb --contents "$deb"; echo "FAIL /$file is not in the package"; exit 1; }
done
[ -e "$root/usr/lib/cmake/sluice/sluiceConfig.cmake" ] || ls "$root"/usr/lib/*/cmake/sluice/sluiceConfig.cmake >/dev/null 2>&1 \
  || { dpkg-deb --contents "$deb"; echo "FAIL no CMake package config"; exit 1; }
echo "ok   programs, units, man page, SDK headers and CMake package are in it"
grep -qx "worker" "$root/usr/share/man/man1/sluice.1" || { echo "FAIL the man page lacks the worker command"; exit 1; }
version=$("$root/usr/bin/sluice" --version)
[ "$version" = "sluice $(dpkg-deb --field "$deb" Version)" ] || { echo "FAIL --version says '$version'"; exit 1; }
echo "ok   the unpacked sluice --version: $version"
"$root/usr/bin/sluice" new handler greeter --lang c --dir "$work" >/dev/null
"$work/greeter/test.sh" >"$work/greeter.log" 2>&1 || { cat "$work/greeter.log"; echo "FAIL the handler did not build or pass"; exit 1; }
grep -q "100% tests passed" "$work/greeter.log" || { cat "$work/greeter.log"; echo "FAIL no test ran"; exit 1; }
echo "ok   a handler scaffolded by the unpacked sluice builds against its SDK and passes its test"
# The SDK's CMake package asks for nothing a C handler does not use: it configures and builds
# with Boost out of reach.
cmake -S "$work/greeter" -B "$work/greeter-c-only" -DCMAKE_PREFIX_PATH="$root/usr" \
  -DCMAKE_DISABLE_FIND_PACKAGE_Boost=ON >"$work/c-only.log" 2>&1 \
  && cmake --build "$work/greeter-c-only" >>"$work/c-only.log" 2>&1 \
  || { cat "$work/c-only.log"; echo "FAIL a C handler needs more than the SDK's headers"; exit 1; }
echo "ok   a C handler builds against the unpacked SDK without Boost"
# The demo, as scripts/demo runs it, with the unpacked sluice: the tree's build of its handler
# (found through SLUICE_HANDLER_PATH, run by the unpacked sluice-worker; the greeter above already
# proved a handler builds against the unpacked SDK), then its Python twin on the Python runtime.
free_port() { /usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
for variant in "" --python; do
  name=${variant:-(C++ handler)}
  if [ -z "$variant" ] && ! ls "$build"/handlers/*order_processor*.so >/dev/null 2>&1; then
    echo "skip the demo $name: this tree has not built its handler (target order_processor)"
    continue
  fi
  SLUICE_BUILD_DIR="$root/usr" SLUICE_SKIP_BUILD=1 SLUICE_PORT=$(free_port) SLUICE_HANDLER_PATH="$build/handlers" \
    "$source/samples/order-processing/run" $variant >"$work/demo.log" 2>&1 \
    || { cat "$work/demo.log"; echo "FAIL the demo $name with the unpacked sluice"; exit 1; }
  grep -q "Outcome: orders 1001 and 1003 processed, order 1002 in the DLQ" "$work/demo.log" \
    || { cat "$work/demo.log"; echo "FAIL the demo $name did not end as it should"; exit 1; }
  echo "ok   the demo $name passes with the unpacked sluice"
done
