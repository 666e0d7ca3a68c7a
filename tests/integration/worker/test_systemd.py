"""systemd: the unit files pass `systemd-analyze verify` (with ExecStart pointing at the built
binary), and `sluice worker` speaks the notify protocol through NOTIFY_SOCKET: READY=1 once it
serves, WATCHDOG=1 when WATCHDOG_USEC asks for it, STOPPING=1 on SIGTERM, then exit 0. The
verification is skipped (the notify part still runs) when systemd-analyze is absent. About 2 s.

    test_systemd.py --sluice BIN --units DIR
"""

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import sluice_server  # noqa: E402


def verify_units(binary, units, work, failures):
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        print("systemd-analyze is not installed: unit files not verified")
        return
    for name in sorted(os.listdir(units)):
        if not name.endswith(".service"):
            continue
        with open(os.path.join(units, name)) as f:
            text = f.read()
        if "ExecStart=/usr/bin/sluice " not in text:
            failures.append("%s: ExecStart does not run /usr/bin/sluice" % name)
            continue
        path = os.path.join(work, name)
        with open(path, "w") as f:
            f.write(text.replace("ExecStart=/usr/bin/sluice ", "ExecStart=%s " % os.path.abspath(binary)))
        result = subprocess.run([analyze, "verify", "--man=no", path], capture_output=True, text=True, timeout=60)
        # Only what concerns this unit: a host without a running systemd adds lines about itself.
        problems = [line for line in (result.stdout + result.stderr).splitlines() if name in line]
        if result.returncode != 0 or problems:
            failures.append("systemd-analyze verify %s (exit %d):\n%s%s" % (name, result.returncode, result.stdout,
                                                                             result.stderr))
        else:
            print("verified %s" % name)


def check_notify(binary, work, failures):
    config = os.path.join(work, "empty.json")
    with open(config, "w") as f:
        json.dump({}, f)
    address = os.path.join(work, "notify.sock")
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(address)
    sock.settimeout(0.2)
    env = dict(os.environ, NOTIFY_SOCKET=address, WATCHDOG_USEC="200000", AWS_EC2_METADATA_DISABLED="true",
               AWS_REGION="us-east-1")
    process = subprocess.Popen([binary, "worker", config], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               stdin=subprocess.DEVNULL)
    messages = []

    def read_until(wanted, timeout_s):
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if any(wanted in m for m in messages):
                return True
            try:
                messages.append(sock.recv(4096).decode())
            except socket.timeout:
                pass
        return any(wanted in m for m in messages)

    try:
        if not read_until("READY=1", 10):
            failures.append("no READY=1: %s" % messages)
        if not read_until("WATCHDOG=1", 3):
            failures.append("no WATCHDOG=1 with WATCHDOG_USEC=200000: %s" % messages)
        process.send_signal(signal.SIGTERM)
        if not read_until("STOPPING=1", 10):
            failures.append("no STOPPING=1 after SIGTERM: %s" % messages)
        code = process.wait(timeout=15)
        if code != 0:
            failures.append("exit %d after SIGTERM:\n%s" % (code, process.stdout.read().decode()))
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        sock.close()


def main():
    binary = sluice_server.sluice_from_argv(__file__)
    if len(sys.argv) < 3 or sys.argv[1] != "--units":
        sys.exit("usage: test_systemd.py --sluice BIN --units DIR")
    units = sys.argv[2]
    failures = []
    with tempfile.TemporaryDirectory(prefix="sluice-systemd-it-") as work:
        verify_units(binary, units, work, failures)
        check_notify(binary, work, failures)
    for failure in failures:
        print("FAIL: " + failure)
    print("systemd: %s" % ("ok" if not failures else "%d failures" % len(failures)))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
