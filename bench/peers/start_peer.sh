#!/usr/bin/env bash
# start_peer.sh NAME PORT  -- starts a peer SQS emulator in the background on 127.0.0.1:PORT,
# waits until it answers, and prints its PID on stdout. NAME is fauxqs or moto.
# start_peer.sh NAME --install  -- only makes sure the peer can start (for callers that start
# it themselves, e.g. to time its start).
# Exit status 3 (and a reason on stderr) when the peer is not installed on this machine; the
# caller then reports the peer as skipped. fauxqs comes from npm, pinned in package-lock.json
# (installed on first use with `npm ci`); moto is used only if the default python3 imports it.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
name=${1:?peer name}
port=${2:?port}
log=${PEER_LOG:-/dev/null}

case "$name" in
  fauxqs)
    command -v node >/dev/null || { echo "node not found" >&2; exit 3; }
    if [ ! -d "$here/node_modules/fauxqs" ]; then
      command -v npm >/dev/null || { echo "npm not found" >&2; exit 3; }
      (cd "$here" && npm ci --no-audit --no-fund >/dev/null 2>&1) || { echo "npm ci failed" >&2; exit 3; }
    fi
    [ "$port" = --install ] && exit 0
    node "$here/fauxqs_server.mjs" "$port" >"$log" 2>&1 &
    pid=$!
    ;;
  moto)
    python3 -c 'import moto.server' 2>/dev/null || { echo "moto is not importable by python3" >&2; exit 3; }
    [ "$port" = --install ] && exit 0
    python3 -m moto.server -H 127.0.0.1 -p "$port" >"$log" 2>&1 &
    pid=$!
    ;;
  *) echo "unknown peer $name" >&2; exit 64 ;;
esac

# Ready when a TCP connection is accepted (within 20 s).
for _ in $(seq 200); do
  if ! kill -0 "$pid" 2>/dev/null; then echo "$name exited during start" >&2; exit 3; fi
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then echo "$pid"; exit 0; fi
  sleep 0.1
done
kill "$pid" 2>/dev/null
echo "$name did not start listening on $port" >&2
exit 3
