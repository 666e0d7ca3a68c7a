"""recovery: how long `sluice up --data` takes to answer correctly again after kill -9, with a
large store.

    recovery.py --sluice BIN [--messages 1000000] [--queues 10] [--body-bytes 128] [--runs 5]

Fills a fresh data directory through the API (SendMessageBatch of 10 over JSON 1.0, four
connections, every entry checked), kills the server with SIGKILL, then restarts it --runs times,
each time timing from just before the process is spawned to the first correct answer on a queue:
GetQueueAttributes whose ApproximateNumberOfMessages equals what that queue holds (an answer from a
queue not yet loaded, or an empty one, does not count), retried every millisecond until the port
accepts. Then, in the same run, the first ReceiveMessage on that queue (VisibilityTimeout 0, so the
store keeps its shape run after run): a restart loads a queue's messages on its first use, so this
is the start plus that queue's load. Each run ends with SIGKILL again, so every start recovers from
a crash.

Prints one JSON object per line per figure: {"bench","figure","value","unit",...}.
Standard library only. Binds 127.0.0.1 only.
"""

import argparse
import http.client
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time

BENCH = "recovery"
JSON_TYPE = "application/x-amz-json-1.0"


def emit(figure, value, unit, **fields):
    record = {"bench": BENCH, "figure": figure, "value": value, "unit": unit}
    record.update(fields)
    print(json.dumps(record), flush=True)


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Client:
    def __init__(self, port, timeout=30):
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)

    def call(self, action, body):
        self.conn.request("POST", "/", body=json.dumps(body).encode(),
                          headers={"Content-Type": JSON_TYPE, "X-Amz-Target": "AmazonSQS." + action})
        r = self.conn.getresponse()
        data = r.read()
        return r.status, json.loads(data or b"{}")

    def close(self):
        self.conn.close()


def spawn(sluice, port, data_dir):
    return subprocess.Popen([sluice, "up", "--listen", "127.0.0.1:%d" % port, "--data", data_dir],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL)


def wait_listening(port, process, deadline_s=600):
    deadline = time.monotonic() + deadline_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("sluice up exited with %d" % process.returncode)
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.01)
    raise RuntimeError("sluice up did not listen")


def fill(sluice, data_dir, messages, queues, body_bytes):
    port = free_port()
    process = spawn(sluice, port, data_dir)
    try:
        wait_listening(port, process)
        setup = Client(port)
        urls = []
        for q in range(queues):
            status, created = setup.call("CreateQueue", {"QueueName": "recovery-%d" % q})
            if status != 200:
                raise RuntimeError("CreateQueue: %s" % created)
            urls.append(created["QueueUrl"])
        setup.close()
        body = "b" * body_bytes
        per_queue = [messages // queues + (1 if q < messages % queues else 0) for q in range(queues)]
        work = [(urls[q], n) for q, n in enumerate(per_queue)]
        errors = []

        def sender(items):
            client = Client(port)
            try:
                for url, count in items:
                    sent = 0
                    while sent < count:
                        n = min(10, count - sent)
                        entries = [{"Id": str(i), "MessageBody": body} for i in range(n)]
                        status, result = client.call("SendMessageBatch", {"QueueUrl": url, "Entries": entries})
                        if status != 200 or len(result.get("Successful", [])) != n:
                            raise RuntimeError("SendMessageBatch: %s %s" % (status, result))
                        sent += n
            except Exception as e:  # reported by the main thread
                errors.append(e)
            finally:
                client.close()

        started = time.monotonic()
        threads = [threading.Thread(target=sender, args=(work[i::4],)) for i in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        if errors:
            raise errors[0]
        elapsed = time.monotonic() - started
        emit("fill rate", round(messages / elapsed), "msg/s", messages=messages, queues=queues)
        return urls[0], per_queue[0]
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait()


def time_restart(sluice, data_dir, url, expected):
    port = free_port()
    started = time.monotonic()
    process = spawn(sluice, port, data_dir)
    try:
        while True:
            if process.poll() is not None:
                raise RuntimeError("sluice up exited with %d" % process.returncode)
            try:
                client = Client(port, timeout=600)
                try:
                    status, result = client.call("GetQueueAttributes", {
                        "QueueUrl": url, "AttributeNames": ["ApproximateNumberOfMessages"]})
                finally:
                    client.close()
            except OSError:
                time.sleep(0.001)
                continue
            if status == 200 and result.get("Attributes", {}).get("ApproximateNumberOfMessages") == str(expected):
                break
            time.sleep(0.001)
        first_answer_ms = (time.monotonic() - started) * 1000.0
        client = Client(port, timeout=600)
        try:
            status, result = client.call("ReceiveMessage", {"QueueUrl": url, "MaxNumberOfMessages": 1,
                                                            "VisibilityTimeout": 0})
        finally:
            client.close()
        if status != 200 or len(result.get("Messages", [])) != 1:
            raise RuntimeError("ReceiveMessage after the restart: %s %s" % (status, result))
        return first_answer_ms, (time.monotonic() - started) * 1000.0
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait()


def store_bytes(data_dir):
    return sum(os.path.getsize(os.path.join(data_dir, n)) for n in os.listdir(data_dir))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--sluice", required=True)
    parser.add_argument("--messages", type=int, default=1_000_000)
    parser.add_argument("--queues", type=int, default=10)
    parser.add_argument("--body-bytes", type=int, default=128)
    parser.add_argument("--runs", type=int, default=5)
    opts = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="sluice-bench-recovery-") as tmp:
        data_dir = os.path.join(tmp, "data")
        url, expected = fill(opts.sluice, data_dir, opts.messages, opts.queues, opts.body_bytes)
        emit("store size after kill -9", store_bytes(data_dir), "bytes", messages=opts.messages)
        runs = [time_restart(opts.sluice, data_dir, url, expected) for _ in range(opts.runs)]
        times = [first for first, _ in runs]
        emit("restart after kill -9 -> first correct answer", round(statistics.median(times), 1), "ms",
             messages=opts.messages, queues=opts.queues, runs=[round(t, 1) for t in times],
             max=round(max(times), 1), target_ms=200)
        receives = [receive for _, receive in runs]
        emit("restart after kill -9 -> first receive on a queue", round(statistics.median(receives), 1), "ms",
             messages=opts.messages, queues=opts.queues, queue_messages=expected,
             runs=[round(t, 1) for t in receives], max=round(max(receives), 1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
