"""`sluice up` with a mapping of a remote queue (QueueUrl) stops as `sluice worker` drains: a long
poll in progress when SIGTERM arrives is not cut but ends by itself, and what it brings goes back
to the queue at once (ChangeMessageVisibility 0) instead of staying invisible for the queue's
visibility timeout, unprocessed, behind a connection that is gone.

The remote queue is in a second `sluice up` (the stand-in SQS of worker_support), reached through
a relay on loopback that holds back the one ReceiveMessage answer carrying the message until the
test lets it go: SIGTERM reaches the server while that answer is on its way. About 10 s.

    test_up_remote_drain.py --sluice BIN

Skips (77) when /usr/bin/python3 has no boto3.
"""

import http.client
import http.server
import json
import os
import sys
import threading
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import worker_support as ws  # noqa: E402

# The stand-in's 60 seconds on the wall clock: far longer than the test.
QUEUES = {"remote": {"VisibilityTimeout": ws.stand_in_seconds(60)}}


class HoldingRelay:
    """Forwards every request to `target` and its answer back, except a ReceiveMessage answer
    with messages: that one waits until release() (`held` is set meanwhile)."""

    def __init__(self, target):
        parsed = urllib.parse.urlsplit(target)
        self.receives = 0
        self.held = threading.Event()
        self.released = threading.Event()
        relay = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                receive = self.headers.get("X-Amz-Target", "").endswith(".ReceiveMessage")
                if receive:
                    relay.receives += 1
                upstream = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=60)
                try:
                    headers = {k: v for k, v in self.headers.items() if k.lower() != "connection"}
                    upstream.request("POST", self.path, body=body, headers=headers)
                    answer = upstream.getresponse()
                    data = answer.read()
                    status, answer_headers = answer.status, answer.getheaders()
                finally:
                    upstream.close()
                if receive and status == 200 and json.loads(data or b"{}").get("Messages"):
                    relay.held.set()
                    relay.released.wait(30)
                try:
                    self.send_response(status)
                    for name, value in answer_headers:
                        if name.lower() not in ("connection", "transfer-encoding", "content-length", "date", "server"):
                            self.send_header(name, value)
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except OSError:
                    pass  # the caller is gone

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def endpoint(self):
        return "http://127.0.0.1:%d" % self.server.server_address[1]

    def release(self):
        self.released.set()

    def close(self):
        self.released.set()
        self.server.shutdown()
        self.server.server_close()


def body(f):
    relay = HoldingRelay(f.sqs.endpoint)
    out = os.path.join(f.work, "up.txt")
    config_path = os.path.join(f.work, "up.json")
    with open(config_path, "w") as config:
        json.dump(ws.recorder_config([relay.endpoint + "/%s/remote" % ws.ACCOUNT], out, "up",
                                     mappings=[{"BatchSize": 1}]), config)
    up = ws.sluice_server.SluiceServer(ws.sluice_server_binary(), extra_args=[config_path], env=ws.worker_env())
    try:
        up.start()
        if not ws.wait_for(lambda: relay.receives > 0, 20):
            raise AssertionError("sluice up does not poll the remote queue:\n" + up.log_text())
        f.client.send_message(QueueUrl=f.queue_url("remote"), MessageBody="late")
        if not ws.wait_for(relay.held.is_set, 15):
            raise AssertionError("no ReceiveMessage answer carried the message:\n" + up.log_text())
        up.process.send_signal(ws.signal.SIGTERM)
        # The poll whose answer is on its way keeps the server from exiting: it is not cut.
        exited_early = ws.wait_for(lambda: up.process.poll() is not None, 2)
        relay.release()
        try:  # no second SIGTERM: that one would end the server at once
            code = up.process.wait(timeout=60)
        except ws.subprocess.TimeoutExpired:
            code = None
        if exited_early:
            f.failures.append("sluice up exited (%s) with a long poll in progress:\n%s" % (code, up.log_text()))
        elif code != 0:
            f.failures.append("sluice up exited with %s:\n%s" % (code, up.log_text()))
        # Straight after the exit, long before the 60-second visibility timeout: back on the queue.
        if f.counts(f.queue_url("remote")) != (1, 0):
            f.failures.append("the polled message is not visible again (visible, in flight): %s\n%s"
                              % (f.counts(f.queue_url("remote")), up.log_text()))
        if ws.records(out):
            f.failures.append("the message reached the function after SIGTERM: %s" % ws.records(out))
        if "mappings of remote queues draining" not in up.log_text():
            f.failures.append("no drain of the remote mappings in the log:\n" + up.log_text())
    finally:
        relay.close()
        if up.process is not None:
            up.stop()
        up.close()


if __name__ == "__main__":
    sys.exit(ws.main(__file__, "up remote drain", QUEUES, body))
