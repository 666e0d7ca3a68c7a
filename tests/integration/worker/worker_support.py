"""What the `sluice worker` tests share: the fixture every test runs in (`main`: a `sluice up`
standing in for SQS, a working directory, a boto3 client, the failures to report), workers
started from a configuration of their own, the records of the recorder handler, and a fake EC2
instance metadata service (with an Auto Scaling endpoint) on loopback.

The stand-in runs its timers TIME_SCALE times faster than the wall clock (`sluice up
--time-scale`): a worker's 20-second long poll ends there in two seconds, so a drain, which lets
the polls in progress end, takes seconds rather than twenty. Queue attributes (VisibilityTimeout)
are in the stand-in's seconds: real seconds times TIME_SCALE. The workers' own times (batching
windows, handler timeouts, --drain-seconds) are real seconds.
"""

import http.server
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import sluice_server  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
ACCOUNT = "111122223333"
ACCESS_KEY = "AKIAFLEETEXAMPLE0001"
SECRET_KEY = "fleet/secret/key/for/the/tests/only00000"
TIME_SCALE = 10
STATUS_LINE = re.compile(r"status on (http://127\.0\.0\.1:\d+)")


def wait_for(condition, timeout_s, interval_s=0.05):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(interval_s)
    return condition()


def start_sqs(work, queues, auth="off", time_scale=TIME_SCALE):
    """A `sluice up` in account ACCOUNT with the queues ({name: attributes}) and ACCOUNT's root
    key declared, so that --auth enforce checks the workers' SigV4 signatures; its timers run
    `time_scale` times faster (None: on the wall clock, as a benchmark wants)."""
    config = {
        "queues": [{"QueueName": name, "Attributes": attributes} for name, attributes in queues.items()],
        "accounts": [{"AccountId": ACCOUNT,
                      "RootAccessKeys": [{"AccessKeyId": ACCESS_KEY, "SecretAccessKey": SECRET_KEY}]}],
    }
    path = os.path.join(work, "sqs.json")
    with open(path, "w") as f:
        json.dump(config, f)
    server = sluice_server.SluiceServer(sluice_server_binary(), time_scale=time_scale, extra_args=[
        path, "--account", ACCOUNT, "--auth", auth])
    return server.start()


_binary = None


def sluice_server_binary():
    return _binary


def set_binary(binary):
    global _binary
    _binary = binary


def sqs_client(endpoint):
    import boto3
    return boto3.client("sqs", endpoint_url=endpoint, region_name="us-east-1",
                        aws_access_key_id=ACCESS_KEY, aws_secret_access_key=SECRET_KEY)


def worker_env(extra=None):
    env = dict(os.environ)
    for name in list(env):
        if name.startswith("AWS_"):
            del env[name]
    env.update({
        "AWS_ACCESS_KEY_ID": ACCESS_KEY,
        "AWS_SECRET_ACCESS_KEY": SECRET_KEY,
        "AWS_REGION": "us-east-1",
        "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_CONFIG_FILE": os.devnull,
        "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
    })
    env.update(extra or {})
    return env


def recorder_config(queue_urls, out, name, sleep_s=0.0, mappings=None, timeout_s=5):
    """A configuration with the recorder function (records to `out` as `name`) and a mapping of
    each queue URL to it; `mappings`: one dict of mapping settings (BatchSize, ...) per URL."""
    mappings = mappings or [{} for _ in queue_urls]
    return {
        "functions": [{"FunctionName": "recorder", "Runtime": "python3.12",
                       "CodeUri": os.path.join(HERE, "recorder"), "Handler": "app.handler",
                       "Timeout": timeout_s,
                       "Environment": {"Variables": {"FLEET_OUT": out, "FLEET_WORKER": name,
                                                     "FLEET_SLEEP": str(sleep_s)}}}],
        "eventSourceMappings": [dict({"FunctionName": "recorder", "QueueUrl": url}, **settings)
                                for url, settings in zip(queue_urls, mappings)],
    }


class Worker:
    """One `sluice worker` process with the recorder handler behind the given queue URLs."""

    def __init__(self, work, name, queue_urls, out, sleep_s=0.0, mappings=None, args=None, env=None,
                 timeout_s=5, template=None):
        """`mappings`: one dict of mapping settings (BatchSize, ...) per queue URL, or None. With
        `template` (a path), the worker runs that instead of a configuration of its own."""
        self.name = name
        if template is None:
            config = recorder_config(queue_urls, out, name, sleep_s=sleep_s, mappings=mappings, timeout_s=timeout_s)
            self.config_path = os.path.join(work, "worker-%s.json" % name)
            with open(self.config_path, "w") as f:
                json.dump(config, f)
            declared = [self.config_path]
        else:
            declared = ["--template", template]
        self.log_path = os.path.join(work, "worker-%s.log" % name)
        self._log = open(self.log_path, "w+b")
        command = [sluice_server_binary(), "worker"] + declared + ["--status-listen", "127.0.0.1:0"]
        self.process = subprocess.Popen(command + list(args or []), stdout=self._log, stderr=subprocess.STDOUT,
                                        stdin=subprocess.DEVNULL, env=worker_env(env))
        self.status = None
        if not wait_for(self._started, 20):
            raise RuntimeError("worker %s did not start:\n%s" % (name, self.log_text()))

    def _started(self):
        if self.process.poll() is not None:
            raise RuntimeError("worker %s exited with %s:\n%s" % (self.name, self.process.returncode,
                                                                   self.log_text()))
        found = STATUS_LINE.search(self.log_text())
        if found:
            self.status = found.group(1)
        return self.status is not None

    def log_text(self):
        self._log.flush()
        with open(self.log_path, "rb") as f:
            return f.read().decode("utf-8", "replace")

    def health(self):
        with urllib.request.urlopen(self.status + "/health", timeout=5) as r:
            return json.loads(r.read())

    def connected(self):
        try:
            mappings = self.health()["eventSourceMappings"]
        except OSError:
            return False
        return bool(mappings) and all(m["RemoteState"] == "Connected" for m in mappings)

    def terminate(self, timeout_s=60):
        """SIGTERM; the exit status (None when it had to be killed)."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            return None

    def kill(self):
        self.process.kill()
        self.process.wait()

    def close(self):
        if self.process.poll() is None:
            self.kill()
        self._log.close()


def records(out):
    """[(kind, worker, body)] from the recorder's file."""
    if not os.path.exists(out):
        return []
    with open(out) as f:
        return [tuple(line.split()) for line in f if line.count(" ") == 2]


class FakeMetadata:
    """EC2 instance metadata (IMDSv2) and an Auto Scaling endpoint on one loopback port. `spot`
    (the instance-action document) and `lifecycle` (the target lifecycle state) may be changed
    while it runs; CompleteLifecycleAction calls are kept in `completions` with their headers, and
    `looks` counts the reads of spot/instance-action (one per look for notices)."""

    TOKEN = "fake-imds-token"

    def __init__(self):
        self.spot = None
        self.lifecycle = "InService"
        self.completions = []
        self.untokened_gets = 0
        self.looks = 0
        fake = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def answer(self, status, body=b"", content_type="text/plain"):
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_PUT(self):
                if self.path == "/latest/api/token" and self.headers.get("x-aws-ec2-metadata-token-ttl-seconds"):
                    self.answer(200, fake.TOKEN.encode())
                else:
                    self.answer(400)

            def do_GET(self):
                if self.headers.get("x-aws-ec2-metadata-token") != fake.TOKEN:
                    fake.untokened_gets += 1
                    self.answer(401)
                    return
                item = self.path[len("/latest/meta-data/"):] if self.path.startswith("/latest/meta-data/") else None
                if item == "spot/instance-action":
                    fake.looks += 1
                value = {"spot/instance-action": fake.spot,
                         "autoscaling/target-lifecycle-state": fake.lifecycle,
                         "instance-id": "i-0123456789abcdef0"}.get(item)
                if value is None:
                    self.answer(404)
                else:
                    self.answer(200, value.encode())

            def do_POST(self):
                length = int(self.headers.get("Content-Length", "0"))
                form = dict(urllib.parse.parse_qsl(self.rfile.read(length).decode()))
                fake.completions.append({"form": form, "authorization": self.headers.get("Authorization", "")})
                body = (b'<CompleteLifecycleActionResponse xmlns="http://autoscaling.amazonaws.com/doc/2011-01-01/">'
                        b"<CompleteLifecycleActionResult/><ResponseMetadata><RequestId>"
                        b"11111111-2222-3333-4444-555555555555</RequestId></ResponseMetadata>"
                        b"</CompleteLifecycleActionResponse>")
                self.answer(200, body, "text/xml")

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def endpoint(self):
        return "http://127.0.0.1:%d" % self.server.server_address[1]

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def temp_work():
    return tempfile.TemporaryDirectory(prefix="sluice-worker-it-")


def stand_in_seconds(real_s):
    """A queue attribute in the stand-in's seconds that lasts `real_s` on the wall clock."""
    return str(int(real_s * TIME_SCALE))


class Fixture:
    """What a test's body gets: its working directory, the stand-in SQS with a boto3 client, and
    the failures to report (a body appends to `failures`, or raises to end the test)."""

    def __init__(self, work, sqs):
        self.work = work
        self.sqs = sqs
        self.client = sqs_client(sqs.endpoint)
        self.failures = []

    def queue_url(self, name):
        return "%s/%s/%s" % (self.sqs.endpoint, ACCOUNT, name)

    def counts(self, url):
        """(visible, in flight) of the queue."""
        attributes = self.client.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
        return (int(attributes["ApproximateNumberOfMessages"]),
                int(attributes["ApproximateNumberOfMessagesNotVisible"]))


def in_parallel(*cases):
    """Runs the callables each on a thread of its own and waits for all; the first exception one
    raised is raised again. Cases that wait on their own workers overlap their waits."""
    errors = []

    def run(case):
        try:
            case()
        except BaseException as error:  # handed to the caller's thread
            errors.append(error)

    threads = [threading.Thread(target=run, args=(case,)) for case in cases]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]


def start_workers(count, make):
    """`count` workers started at once (`make(i)` makes worker i, 1-based), in order; each start
    waits for its process to serve, so starting them together overlaps those waits."""
    started = {}

    def start(i):
        started[i] = make(i)

    try:
        in_parallel(*[(lambda i=i: start(i)) for i in range(1, count + 1)])
    except BaseException:
        for worker in started.values():
            worker.close()
        raise
    return [started[i] for i in range(1, count + 1)]


def main(script, title, queues, body, auth="off"):
    """The one set-up of the worker tests: `--sluice BIN` from the command line, a working
    directory, the stand-in SQS with `queues` ({name: attributes}) under `auth`, then `body(fixture)`;
    the stand-in must exit 0 on SIGTERM afterwards. Returns the exit status: 0, 1 on failures, 77
    (skip) when /usr/bin/python3 has no boto3."""
    try:
        import boto3  # noqa: F401
    except ImportError:
        print("SKIP: boto3 is not installed")
        return 77
    set_binary(sluice_server.sluice_from_argv(script))
    failures = []
    with temp_work() as work:
        sqs = start_sqs(work, queues, auth=auth)
        fixture = Fixture(work, sqs)
        failures = fixture.failures
        try:
            body(fixture)
        finally:
            if sqs.stop() != 0:
                failures.append("sluice up did not exit 0:\n" + sqs.log_text())
            sqs.close()
    for failure in failures:
        print("FAIL: " + failure)
    print("%s: %s" % (title, "ok" if not failures else "%d failures" % len(failures)))
    return 1 if failures else 0
