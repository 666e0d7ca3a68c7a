#!/bin/sh
# Runs the CloudWatch Logs tests of the AWS SDK for JavaScript v3 with node's built-in runner. Installs the
# locked dependencies first when node_modules is missing; skips (77) without node or npm.
set -u
cd "$(dirname "$0")" || exit 1
command -v node >/dev/null 2>&1 || { echo "SKIP: node not found"; exit 77; }
if [ ! -d node_modules/@aws-sdk/client-cloudwatch-logs ]; then
  command -v npm >/dev/null 2>&1 || { echo "SKIP: npm not found and node_modules missing"; exit 77; }
  npm ci --no-audit --no-fund || exit 1
fi
exec node --test
