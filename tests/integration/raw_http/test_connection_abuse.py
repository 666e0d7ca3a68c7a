"""A live `sluice up --in-memory` under connection abuse, with a normal client beside it.

For about ten seconds, from separate processes: pipeliners that send thousands of ReceiveMessage
requests for large answers and never read, slowloris connections trickling header bytes, a flood
of idle connections larger than the server's descriptor limit, clients that reset mid-request, and
long polls whose clients vanish. Meanwhile a normal client runs SendMessage / ReceiveMessage /
DeleteMessage on its own keep-alive connection. The server must keep its resident memory under
RSS_CAP_MIB and answer the normal client with a p99 latency under P99_CAP_MS, stay healthy, and
stop cleanly on SIGTERM.

The server runs with a hard descriptor limit of 1024 (it raises its soft limit to that), so the idle
flood alone would lock every new client out without a connection cap.

    test_connection_abuse.py --sluice BIN

Standard library only; every loop is bounded in count and time.
"""

import http.client
import json
import multiprocessing
import os
import resource
import signal
import socket
import struct
import subprocess
import sys
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from sluice_server import free_port, health_ok, sluice_from_argv, run_unittests  # noqa: E402

SLUICE = None
JSON = "application/x-amz-json-1.0"
RSS_CAP_MIB = 256
P99_CAP_MS = 10.0
SERVER_FILE_LIMIT = 1024
ATTACK_SECONDS = 10.0
WARM_UP_SECONDS = 2.0
PIPELINERS = 3
PIPELINED_REQUESTS = 24_000
BIG_BODY_BYTES = 64 * 1024  # ten of them per ReceiveMessage answer
SLOWLORIS = 50
IDLE_FLOOD = 1500


def raw_request(port, action, body):
    payload = json.dumps(body).encode()
    return (b"POST / HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nContent-Type: %s\r\nX-Amz-Target: AmazonSQS.%s\r\n"
            b"Content-Length: %d\r\n\r\n" % (port, JSON.encode(), action.encode(), len(payload))) + payload


def connect(port, timeout=2.0):
    sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    return sock


def raise_own_file_limit(wanted):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = hard if hard == resource.RLIM_INFINITY else min(hard, max(soft, wanted))
    if target != soft:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


# ---- attackers: each runs in its own process until `deadline` (time.monotonic()) ----

def pipeliner(port, queue_url, deadline):
    """Pipelines ReceiveMessage requests with ~640 KB answers and never reads one."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 16 * 1024)
    sock.connect(("127.0.0.1", port))
    sock.settimeout(0.5)
    one = raw_request(port, "ReceiveMessage", {"QueueUrl": queue_url, "MaxNumberOfMessages": 10,
                                               "VisibilityTimeout": 0})
    data = one * PIPELINED_REQUESTS
    sent = 0
    while sent < len(data) and time.monotonic() < deadline:
        try:
            sent += sock.send(data[sent:sent + 256 * 1024])
        except socket.timeout:
            continue  # the server stopped reading: that is the point
        except OSError:
            break
    while time.monotonic() < deadline:
        time.sleep(0.1)
    sock.close()


def slowloris(port, deadline):
    """Connections that send one header line at a time, never finishing a request."""
    socks = []
    for _ in range(SLOWLORIS):
        try:
            s = connect(port)
            s.sendall(b"POST / HTTP/1.1\r\nHost: 127.0.0.1\r\n")
            socks.append(s)
        except OSError:
            pass
    while time.monotonic() < deadline:
        for i, s in enumerate(socks):
            try:
                s.sendall(b"X-Slow: a\r\n")
            except OSError:
                try:
                    s.close()
                    socks[i] = connect(port)
                    socks[i].sendall(b"POST / HTTP/1.1\r\nHost: 127.0.0.1\r\n")
                except OSError:
                    pass
        time.sleep(0.5)
    for s in socks:
        s.close()


def idle_flood(port, deadline):
    """More idle connections than the server has descriptors."""
    raise_own_file_limit(IDLE_FLOOD + 200)
    socks = []
    for _ in range(IDLE_FLOOD):
        if time.monotonic() >= deadline:
            break
        try:
            socks.append(connect(port))
        except OSError:
            time.sleep(0.01)
    while time.monotonic() < deadline:
        time.sleep(0.1)
    for s in socks:
        s.close()


def resetter(port, deadline):
    """Half a request, then a TCP reset, about a hundred times a second."""
    head = b"POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: %s\r\nContent-Length: 100\r\n\r\n{\"Q" % JSON.encode()
    while time.monotonic() < deadline:
        try:
            s = connect(port)
            s.sendall(head)
            s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            s.close()
        except OSError:
            pass
        time.sleep(0.01)


def vanishing_poller(port, queue_url, deadline):
    """Long polls on an empty queue whose clients leave at once, twenty a second."""
    request = raw_request(port, "ReceiveMessage", {"QueueUrl": queue_url, "WaitTimeSeconds": 20})
    while time.monotonic() < deadline:
        try:
            s = connect(port)
            s.sendall(request)
            s.close()
        except OSError:
            pass
        time.sleep(0.05)


# ---- the normal client and the server ----

class NormalClient:
    def __init__(self, port):
        self.port = port
        self.conn = None
        self.reconnects = 0

    def close(self):
        if self.conn is not None:
            self.conn.close()
            self.conn = None

    def call(self, action, body):
        for attempt in range(2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
            try:
                self.conn.request("POST", "/", body=json.dumps(body).encode(),
                                  headers={"Content-Type": JSON, "X-Amz-Target": "AmazonSQS." + action})
                r = self.conn.getresponse()
                return r.status, json.loads(r.read() or b"{}")
            except (OSError, http.client.HTTPException):
                self.conn.close()
                self.conn = None
                self.reconnects += 1
                if attempt == 1:
                    raise
        raise AssertionError("unreachable")


def rss_mib(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024.0
    return 0.0


def open_file_limits(pid):
    """(soft, hard) "Max open files" of a process, from /proc."""
    with open("/proc/%d/limits" % pid) as f:
        for line in f:
            if line.startswith("Max open files"):
                soft, hard = line.split()[3:5]
                return int(soft), int(hard)
    raise AssertionError("no open-file limit in /proc/%d/limits" % pid)


def start_server(soft_limit=None):
    """Starts sluice up with a hard open-file limit of SERVER_FILE_LIMIT (or less if ours is lower)
    and a soft one of `soft_limit` (default: the hard one)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    limit = SERVER_FILE_LIMIT if hard == resource.RLIM_INFINITY else min(hard, SERVER_FILE_LIMIT)

    def low_file_limit():
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(soft_limit or limit, limit), limit))

    for _ in range(5):
        port = free_port()
        p = subprocess.Popen([SLUICE, "up", "--in-memory", "--listen", "127.0.0.1:%d" % port],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, preexec_fn=low_file_limit)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and p.poll() is None:
            if health_ok("http://127.0.0.1:%d" % port):
                return p, port
            time.sleep(0.02)
        if p.poll() is None:
            p.kill()
        p.wait()
    raise RuntimeError("sluice up did not start")


def stop_server(process):
    process.send_signal(signal.SIGTERM)
    try:
        return process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
        return None


class ConnectionAbuseTest(unittest.TestCase):
    def test_sluice_up_raises_its_soft_open_file_limit_to_the_hard_limit(self):
        process, _ = start_server(soft_limit=256)
        try:
            soft, hard = open_file_limits(process.pid)
            self.assertEqual(soft, hard)
        finally:
            self.assertEqual(stop_server(process), 0)

    def test_memory_and_latency_hold_under_abuse(self):
        process, port = start_server()
        attackers = []
        client = NormalClient(port)
        try:
            urls = {}
            for name in ("normal", "big", "abandoned"):
                status, out = client.call("CreateQueue", {"QueueName": "abuse-" + name})
                self.assertEqual(status, 200, out)
                urls[name] = out["QueueUrl"]
            for i in range(10):
                status, out = client.call("SendMessage", {"QueueUrl": urls["big"],
                                                          "MessageBody": chr(ord("a") + i) * BIG_BODY_BYTES})
                self.assertEqual(status, 200, out)

            deadline = time.monotonic() + WARM_UP_SECONDS + ATTACK_SECONDS
            ctx = multiprocessing.get_context("fork")
            plans = [(pipeliner, (port, urls["big"], deadline)) for _ in range(PIPELINERS)]
            plans += [(slowloris, (port, deadline)), (idle_flood, (port, deadline)), (resetter, (port, deadline)),
                      (vanishing_poller, (port, urls["abandoned"], deadline))]
            for target, args in plans:
                p = ctx.Process(target=target, args=args, daemon=True)
                p.start()
                attackers.append(p)
            time.sleep(WARM_UP_SECONDS)

            latencies, rss_samples, cycles = [], [], 0
            next_sample = 0.0
            while time.monotonic() < deadline - 0.2:
                for action, body in (("SendMessage", {"QueueUrl": urls["normal"], "MessageBody": "m%d" % cycles}),
                                     ("ReceiveMessage", {"QueueUrl": urls["normal"], "MaxNumberOfMessages": 1}),
                                     ("DeleteMessage", None)):
                    if action == "DeleteMessage":
                        if not received:
                            continue
                        body = {"QueueUrl": urls["normal"], "ReceiptHandle": received[0]["ReceiptHandle"]}
                    started = time.perf_counter()
                    status, out = client.call(action, body)
                    latencies.append((time.perf_counter() - started) * 1000.0)
                    self.assertEqual(status, 200, (action, out))
                    if action == "ReceiveMessage":
                        received = out.get("Messages", [])
                cycles += 1
                if time.monotonic() >= next_sample:
                    rss_samples.append(rss_mib(process.pid))
                    next_sample = time.monotonic() + 0.2
            rss_samples.append(rss_mib(process.pid))

            for p in attackers:
                p.join(timeout=10)
            self.assertTrue(process.poll() is None, "the server died under abuse")
            self.assertTrue(health_ok("http://127.0.0.1:%d" % port), "the server stopped answering")

            latencies.sort()
            p99 = latencies[int(len(latencies) * 0.99) - 1]
            print("normal client: %d calls in %d cycles, p50 %.2f ms, p99 %.2f ms, max %.2f ms, %d reconnects; "
                  "server RSS max %.1f MiB" % (len(latencies), cycles, latencies[len(latencies) // 2], p99,
                                               latencies[-1], client.reconnects, max(rss_samples)))
            self.assertGreater(cycles, 100, "the normal client barely ran")
            self.assertLess(max(rss_samples), RSS_CAP_MIB)
            self.assertLess(p99, P99_CAP_MS)
        finally:
            client.close()
            for p in attackers:
                if p.is_alive():
                    p.terminate()
                    p.join(timeout=5)
            code = stop_server(process)
        self.assertEqual(code, 0, "sluice up did not drain and exit 0 after the abuse")


if __name__ == "__main__":
    SLUICE = sluice_from_argv("test_connection_abuse.py")
    raise_own_file_limit(256)
    run_unittests()
