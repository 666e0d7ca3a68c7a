"""Runs a live `sluice up` for the SNS integration tests, the way ../sluice_server.py does, plus
what SNS deliveries need to be observed from outside:

- a data directory (email, email-json and sms deliveries land in <data>/outbox.jsonl);
- a configuration file declaring functions, so lambda subscriptions have something to invoke
  (`--function NAME=PLUGIN` may repeat; each becomes {"FunctionName": NAME, "Handler": PLUGIN});
- the server's combined stdout/stderr in a file, because function invocations show only there
  ("[NAME] START RequestId: ...").

    sns_server.py --sluice BIN [--in-memory] [--function NAME=PLUGIN]... -- COMMAND...

The command gets SLUICE_ENDPOINT, SLUICE_SERVER_LOG, SLUICE_DATA_DIR (empty when in memory),
SLUICE_FUNCTIONS (comma-separated declared names), SLUICE_BIN (for tests that run servers of
their own) and dummy AWS credentials. Exit status: the
command's, or 1 when it passed but the server did not stop with status 0 after SIGTERM.
"""

import argparse
import json
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import sluice_server  # noqa: E402  (the shared launcher: free ports, health checks, SIGTERM stop)


class SnsSluiceServer(sluice_server.SluiceServer):
    """SluiceServer with a configuration file and a log path the tests may read while it runs."""

    def __init__(self, binary, use_data_dir, functions):
        super().__init__(binary, use_data_dir=use_data_dir)
        self.functions = functions  # [(name, plugin path)]
        self.config_path = None

    @property
    def log_path(self):
        return os.path.join(self._tmp.name, "server.log")

    @property
    def data_dir(self):
        return os.path.join(self._tmp.name, "data") if self.use_data_dir else ""

    def _write_config(self):
        self.config_path = os.path.join(self._tmp.name, "sluice.json")
        config = {"functions": [{"FunctionName": n, "Handler": p, "Timeout": 10} for n, p in self.functions]}
        with open(self.config_path, "w") as f:
            json.dump(config, f)

    # The shared launcher's start loop, with the configuration file as the positional argument.
    def _try_start(self):
        if self.config_path is None:
            self._write_config()
        self.port = sluice_server.free_port()
        args = [self.binary, "up", "--listen", "127.0.0.1:%d" % self.port, self.config_path]
        args += ["--data", self.data_dir] if self.use_data_dir else ["--in-memory"]
        self._log = open(self.log_path, "w+b")
        self.process = subprocess.Popen(args, stdout=self._log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        deadline = time.monotonic() + sluice_server.STARTUP_TIMEOUT_S
        while time.monotonic() < deadline:
            code = self.process.poll()
            if code is not None:
                if code == sluice_server.EXIT_CANNOT_LISTEN:
                    return False
                raise RuntimeError("sluice up exited with %d:\n%s" % (code, self.log_text()))
            if sluice_server.health_ok(self.endpoint):
                return True
            time.sleep(0.02)
        self.process.kill()
        self.process.wait()
        raise RuntimeError("sluice up: /health did not answer within %.0fs:\n%s"
                           % (sluice_server.STARTUP_TIMEOUT_S, self.log_text()))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--sluice", required=True)
    parser.add_argument("--in-memory", action="store_true")
    parser.add_argument("--function", action="append", default=[], metavar="NAME=PLUGIN")
    parser.add_argument("command", nargs=argparse.REMAINDER)
    opts = parser.parse_args()
    command = opts.command[1:] if opts.command[:1] == ["--"] else opts.command
    if not command:
        parser.error("no command given")
    functions = []
    for spec in opts.function:
        name, sep, plugin = spec.partition("=")
        if not sep or not name or not plugin:
            parser.error("--function needs NAME=PLUGIN, got %r" % spec)
        functions.append((name, os.path.abspath(plugin)))

    server = SnsSluiceServer(opts.sluice, use_data_dir=not opts.in_memory, functions=functions)
    try:
        server.start()
    except RuntimeError as e:
        print(str(e), file=sys.stderr)
        server.close()
        return 1
    return sluice_server.run_with_server(server, command, {
        "SLUICE_SERVER_LOG": server.log_path,
        "SLUICE_DATA_DIR": server.data_dir,
        "SLUICE_FUNCTIONS": ",".join(n for n, _ in functions),
        "SLUICE_BIN": os.path.abspath(opts.sluice),
    }, log_lines=200)

if __name__ == "__main__":
    sys.exit(main())
