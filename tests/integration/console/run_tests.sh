#!/bin/sh
# Runs the console's browser tests with node's built-in runner. Skips (77) without node, without
# npm when node_modules is missing, or without Debian's chromium (scripts/setup installs it).
# Screenshots go to SLUICE_CONSOLE_ARTIFACTS (the build tree, set by CMake).
set -u
cd "$(dirname "$0")" || exit 1
command -v node >/dev/null 2>&1 || { echo "SKIP: node not found"; exit 77; }
CHROMIUM="${SLUICE_CHROMIUM:-$(command -v chromium || true)}"
[ -n "$CHROMIUM" ] && [ -x "$CHROMIUM" ] || { echo "SKIP: chromium not found (apt-get install chromium)"; exit 77; }
export SLUICE_CHROMIUM="$CHROMIUM"
if [ ! -d node_modules/playwright-core ] || [ ! -d node_modules/@aws-sdk/client-sns ]; then
  command -v npm >/dev/null 2>&1 || { echo "SKIP: npm not found and node_modules missing"; exit 77; }
  npm ci --no-audit --no-fund || exit 1
fi
exec node --test --test-concurrency=1 "$@"
