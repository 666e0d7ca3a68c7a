"""Runs a live `sluice up` for the integration tests.

`SluiceServer` starts the binary on a free loopback port with an in-memory engine (or a
temporary data directory), waits until GET /health answers, and stops it with SIGTERM; a
server that does not exit 0 after the drain is a failure, because that is what an operator's
service manager sees.

As a script it wraps one test command:

    sluice_server.py --sluice BIN [--data-dir] [--time-scale N] [--up-arg ARG]... -- COMMAND...

The server's endpoint reaches the command as SLUICE_ENDPOINT (plus dummy AWS credentials and
region, so no SDK looks for real ones), its data directory (with --data-dir) as SLUICE_DATA_DIR; with --time-scale the server's timers run N times faster
and the command gets N as SLUICE_TIME_SCALE. The script exits with the command's status, or 1 when
the command passed but the server failed to stop cleanly. Only the standard library is used, so
any Python 3 can run it.
"""

import argparse
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

STARTUP_TIMEOUT_S = 10.0
# A server with mappings of remote queues lets their long polls (20 s) end before it exits.
STOP_TIMEOUT_S = 25.0
EXIT_CANNOT_LISTEN = 69  # sluice up's status when the port is taken


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def health_ok(endpoint, timeout=1.0):
    try:
        with urllib.request.urlopen(endpoint + "/health", timeout=timeout) as r:
            return r.status == 200
    except OSError:
        return False


class SluiceServer:
    def __init__(self, binary, use_data_dir=False, time_scale=None, extra_args=None, data_dir=None, env=None):
        self.binary = binary
        self.use_data_dir = use_data_dir or data_dir is not None
        self.given_data_dir = data_dir  # where --data points; a temporary directory when None
        self.time_scale = time_scale
        self.extra_args = list(extra_args or [])  # more `sluice up` flags
        self.env = env  # the server's environment; None inherits this process's
        self.process = None
        self.port = None
        self.data_path = None  # the --data directory once started with one
        self._tmp = None
        self._log = None

    @property
    def endpoint(self):
        return "http://127.0.0.1:%d" % self.port

    def start(self):
        self._tmp = tempfile.TemporaryDirectory(prefix="sluice-it-")
        # A port picked free can be taken before the server binds it; try a few.
        for _ in range(5):
            if self._try_start():
                return self
        raise RuntimeError("sluice up did not start:\n" + self.log_text())

    def _try_start(self):
        self.port = free_port()
        args = [self.binary, "up", "--listen", "127.0.0.1:%d" % self.port]
        if self.use_data_dir:
            self.data_path = self.given_data_dir or os.path.join(self._tmp.name, "data")
            args += ["--data", self.data_path]
        else:
            args.append("--in-memory")
        if self.time_scale is not None:
            args += ["--time-scale", str(self.time_scale)]
        args += self.extra_args
        self._log = open(os.path.join(self._tmp.name, "server.log"), "w+b")
        self.process = subprocess.Popen(args, stdout=self._log, stderr=subprocess.STDOUT,
                                        stdin=subprocess.DEVNULL, env=self.env)
        deadline = time.monotonic() + STARTUP_TIMEOUT_S
        while time.monotonic() < deadline:
            code = self.process.poll()
            if code is not None:
                if code == EXIT_CANNOT_LISTEN:
                    return False
                raise RuntimeError("sluice up exited with %d:\n%s" % (code, self.log_text()))
            if health_ok(self.endpoint):
                return True
            time.sleep(0.02)
        self.process.kill()
        self.process.wait()
        raise RuntimeError("sluice up: /health did not answer within %.0fs:\n%s"
                           % (STARTUP_TIMEOUT_S, self.log_text()))

    def log_text(self):
        if self._log is None:
            return ""
        self._log.flush()
        self._log.seek(0)
        return self._log.read().decode("utf-8", "replace")

    def alive(self):
        return self.process is not None and self.process.poll() is None

    def stop(self):
        """SIGTERMs the server; returns its exit status (None if it had to be killed)."""
        if self.process is None:
            return None
        try:
            if self.process.poll() is None:
                self.process.send_signal(signal.SIGTERM)
            try:
                return self.process.wait(timeout=STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
                return None
        finally:
            self.process = None

    def close(self):
        if self._log is not None:
            self._log.close()
        if self._tmp is not None:
            self._tmp.cleanup()


def sluice_from_argv(script):
    """Takes `--sluice BIN` off the command line of a unittest script and returns BIN."""
    if len(sys.argv) < 3 or sys.argv[1] != "--sluice":
        sys.exit("usage: %s --sluice BIN" % script)
    binary = sys.argv[2]
    del sys.argv[1:3]
    return binary


def run_unittests():
    """Runs the unittest cases of the script being run and exits with a runner's summary line."""
    import unittest
    result = unittest.main(module="__main__", verbosity=2, exit=False).result
    failed = len(result.failures) + len(result.errors)
    print("%d passed, %d failed" % (result.testsRun - failed, failed))
    sys.exit(0 if result.wasSuccessful() else 1)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--sluice", required=True, help="the sluice binary")
    parser.add_argument("--data-dir", action="store_true", help="durable engine in a temp dir")
    parser.add_argument("--time-scale", default=None, help="run every server timer N times faster")
    parser.add_argument("--up-arg", action="append", default=[],
                        help="one more `sluice up` argument (repeatable), e.g. --up-arg=--auth --up-arg=enforce")
    parser.add_argument("command", nargs=argparse.REMAINDER)
    opts = parser.parse_args()
    command = opts.command[1:] if opts.command[:1] == ["--"] else opts.command
    if not command:
        parser.error("no command given")

    server = SluiceServer(opts.sluice, use_data_dir=opts.data_dir, time_scale=opts.time_scale,
                          extra_args=opts.up_arg)
    try:
        server.start()
    except RuntimeError as e:
        print(str(e), file=sys.stderr)
        server.close()
        return 1
    extra_env = {} if opts.time_scale is None else {"SLUICE_TIME_SCALE": str(opts.time_scale)}
    return run_with_server(server, command, extra_env)


def run_with_server(server, command, extra_env, log_lines=None):
    """Runs `command` against a started server with the test environment (endpoint, dummy
    credentials, no host AWS configuration), then stops the server with SIGTERM. The result is the
    command's status, or 1 when the server had died or did not exit 0. On failure the server's log
    (its last `log_lines` lines, or all of it) goes to stderr."""
    print("sluice up is listening on %s" % server.endpoint, flush=True)
    env = dict(os.environ)
    env.update({
        "SLUICE_ENDPOINT": server.endpoint,
        "AWS_ACCESS_KEY_ID": "AKIAIOSFODNN7EXAMPLE",
        "AWS_SECRET_ACCESS_KEY": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_REGION": "us-east-1",
        "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_CONFIG_FILE": os.devnull,
        "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
    })
    if getattr(server, "data_path", None):
        env["SLUICE_DATA_DIR"] = server.data_path
    env.update(extra_env)
    env.pop("AWS_PROFILE", None)
    env.pop("AWS_SESSION_TOKEN", None)
    try:
        status = subprocess.call(command, env=env)
    finally:
        was_alive = server.alive()
        code = server.stop()
    ok_stop = was_alive and code == 0
    if not ok_stop or status != 0:
        if not ok_stop:
            print("sluice up did not stop cleanly (alive before SIGTERM: %s, exit status: %s)"
                  % (was_alive, code), file=sys.stderr)
        lines = server.log_text().splitlines()
        if log_lines is not None:
            lines = lines[-log_lines:]
        print("---- server log ----\n" + "\n".join(lines), file=sys.stderr)
    server.close()
    if status != 0:
        return status
    return 0 if ok_stop else 1

if __name__ == "__main__":
    sys.exit(main())
