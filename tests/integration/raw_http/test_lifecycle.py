"""`sluice up` as a process: graceful drain on SIGTERM with long polls parked, messages kept
across a restart with a data directory and across SIGKILL, pipelined requests answered in order,
bad flags.

    test_lifecycle.py --sluice BIN

Each test starts its own server (sluice_server.SluiceServer). Standard library only.
"""

import http.client
import json
import os
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from sluice_server import SluiceServer, free_port, health_ok, sluice_from_argv, run_unittests  # noqa: E402

SLUICE = None
JSON = "application/x-amz-json-1.0"


def call(endpoint, action, body, timeout=10):
    host, port = endpoint.replace("http://", "").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=timeout)
    try:
        conn.request("POST", "/", body=json.dumps(body).encode(),
                     headers={"Content-Type": JSON, "X-Amz-Target": "AmazonSQS." + action})
        r = conn.getresponse()
        return r.status, json.loads(r.read() or b"{}")
    finally:
        conn.close()


class LifecycleTest(unittest.TestCase):
    def test_sigterm_answers_parked_long_polls_and_exits_zero(self):
        server = SluiceServer(SLUICE).start()
        try:
            _, created = call(server.endpoint, "CreateQueue", {"QueueName": "drain"})
            url = created["QueueUrl"]
            results = []

            def poll():
                started = time.monotonic()
                results.append((call(server.endpoint, "ReceiveMessage", {"QueueUrl": url, "WaitTimeSeconds": 20},
                                     timeout=30), time.monotonic() - started))
            pollers = [threading.Thread(target=poll) for _ in range(5)]
            for t in pollers:
                t.start()
            time.sleep(0.5)  # let them park
            server.process.send_signal(signal.SIGTERM)
            for t in pollers:
                t.join(timeout=15)
            code = server.process.wait(timeout=15)
            self.assertEqual(code, 0, server.log_text())
            self.assertEqual(len(results), 5)
            for (status, body), elapsed in results:
                self.assertEqual(status, 200)
                self.assertNotIn("Messages", body)
                self.assertLess(elapsed, 10, "a parked poll must be answered at drain, not at its deadline")
        finally:
            server.stop()
            server.close()

    def test_a_vanished_clients_parked_poll_takes_no_message(self):
        server = SluiceServer(SLUICE).start()
        try:
            host, port = server.endpoint.replace("http://", "").split(":")
            for how in ("reset", "close"):
                with self.subTest(client_gone_by=how):
                    _, created = call(server.endpoint, "CreateQueue", {
                        "QueueName": "vanished-" + how, "Attributes": {"VisibilityTimeout": "60"}})
                    url = created["QueueUrl"]
                    body = json.dumps({"QueueUrl": url, "WaitTimeSeconds": 20}).encode()
                    s = socket.create_connection((host, int(port)))
                    s.sendall(b"POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: " + JSON.encode() +
                              b"\r\nX-Amz-Target: AmazonSQS.ReceiveMessage\r\nContent-Length: " +
                              str(len(body)).encode() + b"\r\n\r\n" + body)
                    time.sleep(0.3)  # parked
                    if how == "reset":
                        s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                    s.close()
                    # A reset closes the connection at once; a plain close after the half-close
                    # grace (2 s) in which answers owed may still be written.
                    time.sleep(0.3 if how == "reset" else 2.5)
                    status, _ = call(server.endpoint, "SendMessage", {"QueueUrl": url, "MessageBody": "for-the-living"})
                    self.assertEqual(status, 200)
                    status, got = call(server.endpoint, "ReceiveMessage", {"QueueUrl": url, "WaitTimeSeconds": 2})
                    self.assertEqual(status, 200)
                    self.assertEqual([m["Body"] for m in got.get("Messages", [])], ["for-the-living"],
                                     "the gone client's poll must not have taken the message")
        finally:
            server.stop()
            server.close()

    def test_messages_survive_a_restart_with_a_data_directory(self):
        with tempfile.TemporaryDirectory() as data:
            args_dir = os.path.join(data, "d")
            port_server = _start_with_data(args_dir)
            try:
                ep = port_server[1]
                _, created = call(ep, "CreateQueue", {"QueueName": "durable", "Attributes": {"VisibilityTimeout": "7"}})
                status, _ = call(ep, "SendMessage", {"QueueUrl": created["QueueUrl"], "MessageBody": "kept"})
                self.assertEqual(status, 200)
            finally:
                self.assertEqual(_stop(port_server[0]), 0)
            port_server = _start_with_data(args_dir)
            try:
                ep = port_server[1]
                status, got = call(ep, "GetQueueUrl", {"QueueName": "durable"})
                self.assertEqual(status, 200, got)
                _, attrs = call(ep, "GetQueueAttributes", {"QueueUrl": got["QueueUrl"], "AttributeNames": ["VisibilityTimeout"]})
                self.assertEqual(attrs["Attributes"], {"VisibilityTimeout": "7"})
                _, r = call(ep, "ReceiveMessage", {"QueueUrl": got["QueueUrl"], "WaitTimeSeconds": 1})
                self.assertEqual([m["Body"] for m in r.get("Messages", [])], ["kept"])
            finally:
                self.assertEqual(_stop(port_server[0]), 0)

    def test_answered_sends_and_deletes_survive_kill_9(self):
        """Answers wait for the commit of what they report: after SIGKILL, every answered send is
        there and every answered delete stays done."""
        with tempfile.TemporaryDirectory() as data:
            data_dir = os.path.join(data, "d")
            process, ep = _start_with_data(data_dir)
            sent, deleted, failures = set(), set(), []
            lock = threading.Lock()
            try:
                _, created = call(ep, "CreateQueue", {"QueueName": "k9"})
                url = created["QueueUrl"]

                def sender(n):
                    for i in range(30):
                        entries = [{"Id": "e%d" % k, "MessageBody": "t%d-%d-%d" % (n, i, k)} for k in range(10)]
                        status, out = call(ep, "SendMessageBatch", {"QueueUrl": url, "Entries": entries})
                        if status != 200 or out.get("Failed"):
                            failures.append(out)
                            return
                        with lock:
                            sent.update(e["MessageBody"] for e in entries)

                def deleter():
                    for _ in range(30):
                        _, got = call(ep, "ReceiveMessage", {"QueueUrl": url, "MaxNumberOfMessages": 10,
                                                              "VisibilityTimeout": 600})
                        messages = got.get("Messages", [])
                        if not messages:
                            continue
                        entries = [{"Id": "d%d" % k, "ReceiptHandle": m["ReceiptHandle"]} for k, m in enumerate(messages)]
                        status, out = call(ep, "DeleteMessageBatch", {"QueueUrl": url, "Entries": entries})
                        if status != 200 or out.get("Failed"):
                            failures.append(out)
                            return
                        with lock:
                            deleted.update(m["Body"] for m in messages)

                threads = [threading.Thread(target=sender, args=(n,)) for n in range(4)]
                threads.append(threading.Thread(target=deleter))
                for t in threads:
                    t.start()
                for t in threads:
                    t.join()
            finally:
                process.kill()
                process.wait()
            self.assertEqual(failures, [])
            self.assertGreater(len(deleted), 0)
            process, ep = _start_with_data(data_dir)
            try:
                _, got = call(ep, "GetQueueUrl", {"QueueName": "k9"})
                found = set()
                while True:
                    _, r = call(ep, "ReceiveMessage", {"QueueUrl": got["QueueUrl"], "MaxNumberOfMessages": 10,
                                                        "VisibilityTimeout": 600})
                    if not r.get("Messages"):
                        break
                    found.update(m["Body"] for m in r["Messages"])
                self.assertEqual(sent - deleted - found, set(), "answered sends lost")
                self.assertEqual(found & deleted, set(), "answered deletes undone")
            finally:
                self.assertEqual(_stop(process), 0)

    def test_pipelined_requests_are_answered_in_order(self):
        server = SluiceServer(SLUICE).start()
        try:
            host, port = "127.0.0.1", server.port
            reqs = b""
            for i in range(20):
                body = json.dumps({"QueueName": "pipe-%02d" % i}).encode()
                reqs += (b"POST / HTTP/1.1\r\nHost: %s:%d\r\nContent-Type: %s\r\nX-Amz-Target: AmazonSQS.CreateQueue\r\n"
                         b"Content-Length: %d\r\n\r\n" % (host.encode(), port, JSON.encode(), len(body))) + body
            sock = socket.create_connection((host, port), timeout=10)
            try:
                sock.sendall(reqs)
                data = b""
                deadline = time.monotonic() + 10
                while data.count(b"pipe-") < 20 and time.monotonic() < deadline:
                    chunk = sock.recv(65536)
                    if not chunk:
                        break
                    data += chunk
            finally:
                sock.close()
            names = [part[:7].decode() for part in data.split(b"/123456789012/")[1:]]
            self.assertEqual(names, ["pipe-%02d" % i for i in range(20)])
        finally:
            self.assertEqual(server.stop(), 0)
            server.close()

    def test_a_half_closed_client_gets_its_answers_with_a_data_directory(self):
        """A client that sends its requests and then shuts down its write side still reads: answers
        held for their commit must reach it, as they do on the in-memory engine."""
        with tempfile.TemporaryDirectory() as data:
            process, ep = _start_with_data(os.path.join(data, "d"))
            try:
                host, port = ep[len("http://"):].split(":")
                body = json.dumps({"QueueName": "half-closed"}).encode()
                sock = socket.create_connection((host, int(port)), timeout=10)
                try:
                    sock.sendall(b"POST / HTTP/1.1\r\nHost: %s\r\nContent-Type: %s\r\n"
                                 b"X-Amz-Target: AmazonSQS.CreateQueue\r\nContent-Length: %d\r\n\r\n"
                                 % (ep[len("http://"):].encode(), JSON.encode(), len(body)) + body)
                    sock.shutdown(socket.SHUT_WR)
                    data_in = b""
                    while True:
                        chunk = sock.recv(65536)
                        if not chunk:
                            break
                        data_in += chunk
                finally:
                    sock.close()
                self.assertTrue(data_in.startswith(b"HTTP/1.1 200"), data_in)
                self.assertIn(b"/123456789012/half-closed", data_in)
                status, got = call(ep, "GetQueueUrl", {"QueueName": "half-closed"})
                self.assertEqual(status, 200, got)
            finally:
                self.assertEqual(_stop(process), 0)

    def test_bad_flags_exit_non_zero_with_a_message(self):
        for args in (["up", "--listen", "nonsense"], ["up", "--bogus"], ["up", "--in-memory", "/no/such/config.json"]):
            with self.subTest(args=args):
                r = subprocess.run([SLUICE] + args, capture_output=True, text=True, timeout=10)
                self.assertNotEqual(r.returncode, 0)
                self.assertTrue(r.stderr.strip(), "a clear message on stderr")


def _start_with_data(data_dir):
    """Starts sluice on a given data directory (kept across runs); returns (process, endpoint)."""
    for _ in range(5):
        endpoint = "http://127.0.0.1:%d" % free_port()
        p = subprocess.Popen([SLUICE, "up", "--listen", endpoint[len("http://"):], "--data", data_dir],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and p.poll() is None:
            if health_ok(endpoint):
                return p, endpoint
            time.sleep(0.02)
        if p.poll() is None:
            p.kill()
        p.wait()
    raise RuntimeError("sluice up --data did not start")


def _stop(process):
    process.send_signal(signal.SIGTERM)
    try:
        return process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
        return None


if __name__ == "__main__":
    SLUICE = sluice_from_argv("test_lifecycle.py")
    run_unittests()
