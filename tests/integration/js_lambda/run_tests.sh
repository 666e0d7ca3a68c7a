#!/bin/sh
# Runs the AWS SDK for JavaScript v3 Lambda tests with node's built-in runner. Installs the locked
# dependencies first when node_modules is missing; skips (77) without node or npm. The function's
# code is a zip of the native handler named by SLUICE_ECHO_PLUGIN, made here with Python's zipfile.
set -u
cd "$(dirname "$0")" || exit 1
command -v node >/dev/null 2>&1 || { echo "SKIP: node not found"; exit 77; }
[ -n "${SLUICE_ECHO_PLUGIN:-}" ] || { echo "SLUICE_ECHO_PLUGIN is not set"; exit 1; }
if [ ! -d node_modules/@aws-sdk/client-lambda ]; then
  command -v npm >/dev/null 2>&1 || { echo "SKIP: npm not found and node_modules missing"; exit 77; }
  npm ci --no-audit --no-fund || exit 1
fi
work=$(mktemp -d) || exit 1
trap 'rm -rf "$work"' EXIT
python3 -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1], "w").write(sys.argv[2], "echo.so")' \
  "$work/echo.zip" "$SLUICE_ECHO_PLUGIN" || exit 1
SLUICE_ECHO_ZIP="$work/echo.zip" node --test
