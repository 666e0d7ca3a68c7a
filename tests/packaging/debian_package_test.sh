#!/usr/bin/env bash
# The Debian package: `cpack -G DEB` in this build tree makes one .deb; unpacked into a scratch
# root (dpkg -x, no root needed) it holds the programs, the systemd units, the man page and the
# handler SDK; the unpacked `sluice --version` runs; and `sluice new handler` from it scaffolds a
# C handler that builds against the unpacked SDK and passes its own test.
set -euo pipefail
build=$1
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
