"""bench/run lambda-invoke: RequestResponse Invoke of a native function over HTTP against an SQS
SendMessage round trip, in the same run and on the same server.

Starts `sluice up --in-memory` on a loopback port, creates a queue and a function whose code is a
zip of the echo plugin (it answers its event: as close to a no-op as a first-party handler gets),
then times, one request at a time over one keep-alive connection each: SendMessage (JSON 1.0) and
Invoke (REST-JSON). The client is Python's http.client for both, so its own cost is in both
figures and the ratio is what compares. Prints one JSON object per line per figure:
{"bench","figure","value","unit",...}.

    lambda_invoke.py --sluice BIN --plugin ECHO_SO [--requests N] [--warmup N]
"""

import argparse
import base64
import http.client
import io
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import zipfile


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def percentile(sorted_values, p):
    return sorted_values[min(len(sorted_values) - 1, int(len(sorted_values) * p))]


class Client:
    def __init__(self, port):
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)

    def call(self, method, path, body, headers):
        self.conn.request(method, path, body=body, headers=headers)
        response = self.conn.getresponse()
        data = response.read()
        if response.status >= 300:
            raise RuntimeError("%s %s -> %d %s" % (method, path, response.status, data[:200]))
        return data


def sqs(client, action, payload):
    return json.loads(client.call("POST", "/", json.dumps(payload).encode(), {
        "Content-Type": "application/x-amz-json-1.0", "X-Amz-Target": "AmazonSQS." + action}))


def timed(fn, requests, warmup):
    for _ in range(warmup):
        fn()
    micros = []
    start = time.perf_counter()
    for _ in range(requests):
        t0 = time.perf_counter_ns()
        fn()
        micros.append((time.perf_counter_ns() - t0) / 1000.0)
    elapsed = time.perf_counter() - start
    micros.sort()
    return micros, requests / elapsed


def emit(figure, value, unit, **extra):
    print(json.dumps(dict({"bench": "lambda-invoke", "figure": figure, "value": round(value, 1), "unit": unit},
                          **extra)), flush=True)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--sluice", required=True)
    parser.add_argument("--plugin", required=True)
    parser.add_argument("--requests", type=int, default=5000)
    parser.add_argument("--warmup", type=int, default=500)
    opts = parser.parse_args()

    port = free_port()
    server = subprocess.Popen([opts.sluice, "up", "--in-memory", "--listen", "127.0.0.1:%d" % port],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(200):
            try:
                urllib.request.urlopen("http://127.0.0.1:%d/health" % port, timeout=1).read()
                break
            except OSError:
                time.sleep(0.05)
        setup = Client(port)
        url = sqs(setup, "CreateQueue", {"QueueName": "bench"})["QueueUrl"]
        code = io.BytesIO()
        with zipfile.ZipFile(code, "w") as archive:
            archive.write(opts.plugin, "echo.so")
        setup.call("POST", "/2015-03-31/functions", json.dumps({
            "FunctionName": "noop", "Runtime": "provided.al2023", "Handler": "echo",
            "Role": "arn:aws:iam::123456789012:role/bench",
            "Code": {"ZipFile": base64.b64encode(code.getvalue()).decode()}}).encode(),
            {"Content-Type": "application/json"})
        for _ in range(200):
            state = json.loads(setup.call("GET", "/2015-03-31/functions/noop/configuration", None, {}))["State"]
            if state == "Active":
                break
            time.sleep(0.05)

        sender = Client(port)
        send_body = json.dumps({"QueueUrl": url, "MessageBody": "x" * 100}).encode()
        send_headers = {"Content-Type": "application/x-amz-json-1.0", "X-Amz-Target": "AmazonSQS.SendMessage"}
        send, send_rate = timed(lambda: sender.call("POST", "/", send_body, send_headers), opts.requests, opts.warmup)

        invoker = Client(port)
        invoke, invoke_rate = timed(lambda: invoker.call("POST", "/2015-03-31/functions/noop/invocations",
                                                         b'{"n":1}', {"Content-Type": "application/json"}),
                                    opts.requests, opts.warmup)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=15)

    extra = {"samples": opts.requests, "client": "python http.client, one request at a time"}
    emit("send_message_p50", percentile(send, 0.50), "us", **extra)
    emit("send_message_p99", percentile(send, 0.99), "us", **extra)
    emit("send_message_rate", send_rate, "req/s", **extra)
    emit("invoke_p50", percentile(invoke, 0.50), "us", **extra)
    emit("invoke_p99", percentile(invoke, 0.99), "us", **extra)
    emit("invoke_rate", invoke_rate, "req/s", **extra)
    emit("invoke_p50_over_send_p50", percentile(invoke, 0.50) / percentile(send, 0.50), "ratio", target="<= 3")
    return 0


if __name__ == "__main__":
    sys.exit(main())
