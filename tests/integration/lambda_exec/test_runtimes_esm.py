"""Runtime API functions behind event-source mappings, through a live `sluice up`.

Four functions: a shell-and-curl custom runtime and a C one (BatchSize 1), a Python and a Node.js
handler through sluice's shims (BatchSize 10 with ReportBatchItemFailures). Each function has two
queues sharing one dead-letter queue (maxReceiveCount 2): NAME gets good messages and "fail" ones
(a function error, or a batch item failure); NAME-bad (BatchSize 1) gets "crash" (the runtime
exits), "hang" (past the 3 s Timeout) and, for Python and Node.js, "leak" (past the 128 MB
MemorySize).
The good messages must be processed and deleted, every bad one retried and then dead-lettered, and
the server must answer /health throughout and stop cleanly on SIGTERM.

    test_runtimes_esm.py --sluice BIN --fixtures DIR --c-bootstrap FILE

Skips (77) when /usr/bin/python3 has no boto3, or curl, python3 or node is missing.
"""

import argparse
import json
import os
import shutil
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import sluice_server  # noqa: E402

try:
    import boto3
except ImportError:
    print("SKIP: boto3 is not installed")
    sys.exit(77)

SETTLE_TIMEOUT_S = 180


def config_for(work, fixtures, c_code):
    functions = [
        ("curl", {"Runtime": "provided.al2023", "CodeUri": os.path.join(fixtures, "curl"), "Handler": "x.y"}, 1, False),
        ("cboot", {"Runtime": "provided.al2023", "CodeUri": c_code}, 1, False),
        ("py", {"Runtime": "python3.11", "CodeUri": os.path.join(fixtures, "python"), "Handler": "app.handler"}, 10, True),
        ("node", {"Runtime": "nodejs20.x", "CodeUri": os.path.join(fixtures, "nodejs_esm"),
                  "Handler": "index.handler"}, 10, True),
    ]
    config = {"queues": [], "functions": [], "eventSourceMappings": []}
    for name, code, batch, partial in functions:
        config["queues"].append({"QueueName": name + "-dlq"})
        for queue in (name, name + "-bad"):
            config["queues"].append({"QueueName": queue, "Attributes": {
                # AWS advises a visibility timeout of six times the function's: a batch waiting for
                # a cold start (seconds for Node.js on a loaded machine) must not reappear meanwhile.
                "VisibilityTimeout": "18",
                "RedrivePolicy": {"deadLetterTargetArn": name + "-dlq", "maxReceiveCount": 2}}})
        config["functions"].append(dict(code, FunctionName=name, Timeout=3, MemorySize=128))
        mapping = {"FunctionName": name, "EventSourceArn": name, "BatchSize": batch}
        if partial:
            mapping["FunctionResponseTypes"] = ["ReportBatchItemFailures"]
            mapping["MaximumBatchingWindowInSeconds"] = 1
        config["eventSourceMappings"].append(mapping)
        config["eventSourceMappings"].append({"FunctionName": name, "EventSourceArn": name + "-bad", "BatchSize": 1})
    path = os.path.join(work, "sluice.json")
    with open(path, "w") as f:
        json.dump(config, f)
    return path, [f[0] for f in functions]


def counts(sqs, url):
    a = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    return int(a["ApproximateNumberOfMessages"]) + int(a["ApproximateNumberOfMessagesNotVisible"])


def dead_lettered(sqs, url):
    bodies = []
    while True:
        got = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=0).get("Messages", [])
        if not got:
            return sorted(bodies)
        for m in got:
            bodies.append(m["Body"])
            sqs.delete_message(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--sluice", required=True)
    parser.add_argument("--fixtures", required=True)
    parser.add_argument("--c-bootstrap", required=True)
    opts = parser.parse_args()
    for tool in ("/usr/bin/curl", "/usr/bin/python3"):
        if not os.access(tool, os.X_OK):
            print("SKIP: %s is not installed" % tool)
            return 77
    if not (os.access("/usr/bin/node", os.X_OK) or os.access("/usr/bin/nodejs", os.X_OK)):
        print("SKIP: node is not installed")
        return 77

    work = tempfile.mkdtemp(prefix="sluice-runtimes-")
    try:
        c_code = os.path.join(work, "c")
        os.mkdir(c_code)
        shutil.copy(opts.c_bootstrap, os.path.join(c_code, "bootstrap"))
        config, names = config_for(work, os.path.abspath(opts.fixtures), c_code)
        server = sluice_server.SluiceServer(opts.sluice, extra_args=[config])
        server.start()
        try:
            failures = run_checks(server, names)
        finally:
            alive = server.alive()
            code = server.stop()
            log = server.log_text()
            server.close()
        if not alive or code != 0:
            failures.append("server did not stop cleanly (alive: %s, status: %s)" % (alive, code))
        for expected in ("Runtime.ExitError", "Sandbox.Timedout", "Runtime.OutOfMemory"):
            if expected not in log:
                failures.append("the server log never mentions %s" % expected)
        if failures:
            print("---- server log ----\n" + log, file=sys.stderr)
            for f in failures:
                print("FAIL: " + f, file=sys.stderr)
            return 1
        if os.environ.get("SLUICE_IT_SHOW_LOG"):
            print(log)
        print("PASS: %d functions processed, retried and dead-lettered as Lambda does" % len(names))
        return 0
    finally:
        shutil.rmtree(work, ignore_errors=True)


def run_checks(server, names):
    sqs = boto3.client("sqs", endpoint_url=server.endpoint, region_name="us-east-1",
                       aws_access_key_id="test", aws_secret_access_key="test")
    url = lambda name: sqs.get_queue_url(QueueName=name)["QueueUrl"]  # noqa: E731
    expected_dlq = {}
    for name in names:
        bad = ["crash-1", "hang-1"] + (["leak-1"] if name in ("py", "node") else [])
        for body in ["good-%d" % i for i in range(6)] + ["fail-1", "fail-2"]:
            sqs.send_message(QueueUrl=url(name), MessageBody=body)
        for body in bad:
            sqs.send_message(QueueUrl=url(name + "-bad"), MessageBody=body)
        expected_dlq[name] = sorted(["fail-1", "fail-2"] + bad)

    failures = []
    deadline = time.monotonic() + SETTLE_TIMEOUT_S
    pending = set(names) | {name + "-bad" for name in names}
    while pending and time.monotonic() < deadline:
        if not sluice_server.health_ok(server.endpoint):
            failures.append("/health stopped answering")
            break
        for name in sorted(pending):
            if counts(sqs, url(name)) == 0:
                pending.discard(name)
        time.sleep(0.5)
    for name in sorted(pending):
        failures.append("%s: %d messages still in the queue" % (name, counts(sqs, url(name))))
    for name in names:
        got = dead_lettered(sqs, url(name + "-dlq"))
        if got != expected_dlq[name]:
            failures.append("%s: dead-lettered %s, expected %s" % (name, got, expected_dlq[name]))
    return failures


if __name__ == "__main__":
    sys.exit(main())
