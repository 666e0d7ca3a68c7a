#!/usr/bin/env bash
# Runs one sample's run script on a free loopback port: run_sample.sh SAMPLE_RUN_SCRIPT [ARGS...].
# The port is picked by binding port 0 and releasing it, so parallel tests (and other servers on
# the machine) do not collide on a fixed number.
set -euo pipefail
port=$(/usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
export SLUICE_PORT=$port
exec "$@"
