"""`sluice up --log-format json`: the function log and the runtime's events as one JSON object per
line, in Lambda's JSON log format, through a live server.

One Python function (sluice's shim) behind a queue whose dead-letter queue takes a message after
one receive (maxReceiveCount 1). The messages, one at a time: "log-1" (the handler logs it through
the logging module and prints a line), "raise-1" (the handler raises: a failed invocation; the
next receive moves it to the dead-letter queue), "log-2", "crash-1" (the runtime exits: the
environment ends, the message is dead-lettered) and "log-3" (a cold start in a new environment).
The log must hold, all as JSON: Lambda's platform.start, platform.runtimeDone and platform.report
records (statuses success, failure, error; initDurationMs on the cold start), the application
records (the logging call with its level and logger, the printed line, the error), the
environment's end and start, the mapping's LastProcessingResult changes and the two dead-letter
moves.

    test_json_logs.py --sluice BIN --fixtures DIR

Skips (77) when /usr/bin/python3 has no boto3.
"""

import argparse
import json
import os
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

SETTLE_TIMEOUT_S = 120


def write_config(work, fixtures):
    config = {
        "queues": [
            {"QueueName": "orders-dlq"},
            {"QueueName": "orders", "Attributes": {
                "VisibilityTimeout": "3",
                "RedrivePolicy": {"deadLetterTargetArn": "orders-dlq", "maxReceiveCount": 1}}},
        ],
        "functions": [{"FunctionName": "py", "Runtime": "python3.11", "Handler": "app.handler",
                       "CodeUri": os.path.join(fixtures, "python"), "Timeout": 3, "MemorySize": 128}],
        "eventSourceMappings": [{"FunctionName": "py", "EventSourceArn": "orders", "BatchSize": 1}],
    }
    path = os.path.join(work, "sluice.json")
    with open(path, "w") as f:
        json.dump(config, f)
    return path


def records_of(log):
    """The JSON objects of the log, and the lines that are not JSON objects."""
    records, other = [], []
    for line in log.splitlines():
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except ValueError:
            other.append(line)
            continue
        (records if isinstance(value, dict) else other).append(value if isinstance(value, dict) else line)
    return records, other


def check(records, other):
    failures = []
    # The server's own lines before and after the runtime (listening, draining, stopped) stay
    # text; no line of a function may.
    for line in other:
        if not (line.startswith("sluice listening on") or line.startswith("sluice:")):
            failures.append("a line that is not JSON: %r" % line)

    def find(predicate, what):
        found = [r for r in records if predicate(r)]
        if not found:
            failures.append("no record for " + what)
        return found

    system = lambda kind: [r for r in records if r.get("type") == kind]  # noqa: E731
    starts, dones, reports = system("platform.start"), system("platform.runtimeDone"), system("platform.report")
    if not (len(starts) == len(dones) == len(reports) == 5):  # log-1, raise-1, log-2, crash-1, log-3
        failures.append("start/runtimeDone/report records: %d/%d/%d" % (len(starts), len(dones), len(reports)))
    for r in starts + dones + reports:
        if r.get("functionName") != "py" or not r.get("time", "").endswith("Z") or "requestId" not in r["record"]:
            failures.append("malformed system record %r" % r)
    for r in starts:
        if r["record"].get("version") != "$LATEST":
            failures.append("platform.start without version: %r" % r)
    for r in reports:
        metrics = r["record"].get("metrics", {})
        for key in ("durationMs", "billedDurationMs", "memorySizeMB", "maxMemoryUsedMB"):
            if key not in metrics:
                failures.append("platform.report without %s: %r" % (key, r))
        if metrics.get("memorySizeMB") != 128:
            failures.append("platform.report memorySizeMB %r" % metrics.get("memorySizeMB"))
    statuses = sorted(r["record"].get("status") for r in reports)
    if statuses != ["error", "failure", "success", "success", "success"]:
        failures.append("report statuses %s: expected a failure (raise-1), an error (crash-1), successes" % statuses)
    if not all(r["record"]["metrics"].get("maxMemoryUsedMB", 0) > 0 for r in reports if r["record"]["status"] == "success"):
        failures.append("a successful platform.report without maxMemoryUsedMB: %r" % reports)
    if not any("initDurationMs" in r["record"].get("metrics", {}) for r in reports):
        failures.append("no platform.report carries initDurationMs (the cold start)")

    logged = find(lambda r: r.get("level") == "WARNING" and r.get("logger") == "orders", "the logging call")
    for r in logged:
        if r.get("functionName") != "py" or not r.get("requestId") or not r.get("timestamp", "").endswith("Z"):
            failures.append("malformed application record %r" % r)
    messages = sorted(r.get("message") for r in logged)
    if messages != ["record log-1 logged", "record log-2 logged", "record log-3 logged"]:
        failures.append("logged messages %s" % messages)
    find(lambda r: r.get("level") == "INFO" and str(r.get("message", "")).startswith("handling "), "the printed line")
    errors = find(lambda r: r.get("level") == "ERROR" and isinstance(r.get("message"), dict)
                  and r["message"].get("errorType") == "ValueError", "the handler's error")
    if errors and not any(r["message"].get("errorMessage") == "order 7 is bad" for r in errors):
        failures.append("the error records lack the message: %r" % errors)

    find(lambda r: r.get("type") == "sluice.environment" and r["record"].get("message", "").startswith(
        "environment ended with invocation"), "the environment's end")
    find(lambda r: r.get("type") == "sluice.environment" and r["record"].get("message", "").startswith(
        "environment started"), "the environment's start")
    changes = [r["record"]["lastProcessingResult"] for r in system("sluice.lastProcessingResult")]
    problem = "PROBLEM: Function call failed"
    if changes != ["OK", problem, "OK", problem, "OK"]:
        failures.append("LastProcessingResult changes %s" % changes)
    moves = system("sluice.deadLetterMove")
    if len(moves) != 2:
        failures.append("dead-letter moves: %r" % moves)
    for move in (m["record"] for m in moves):
        if not (move.get("sourceQueueArn", "").endswith(":orders") and move.get("deadLetterQueueArn", "").endswith(
                ":orders-dlq") and move.get("receiveCount") == 1 and move.get("messageId")):
            failures.append("malformed dead-letter move %r" % move)
    return failures


def wait_for(condition, timeout_s):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return condition()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--sluice", required=True)
    parser.add_argument("--fixtures", required=True)
    opts = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="sluice-json-logs-") as work:
        config = write_config(work, os.path.abspath(opts.fixtures))
        server = sluice_server.SluiceServer(opts.sluice, extra_args=["--log-format", "json", config])
        server.start()
        failures = []
        try:
            sqs = boto3.client("sqs", endpoint_url=server.endpoint, region_name="us-east-1",
                               aws_access_key_id="test", aws_secret_access_key="test")
            orders = sqs.get_queue_url(QueueName="orders")["QueueUrl"]
            dlq = sqs.get_queue_url(QueueName="orders-dlq")["QueueUrl"]

            def in_dlq(count):
                a = sqs.get_queue_attributes(QueueUrl=dlq, AttributeNames=["ApproximateNumberOfMessages"])
                return a["Attributes"]["ApproximateNumberOfMessages"] == str(count)

            def log_has(kind, count):
                return sum(1 for r in records_of(server.log_text())[0] if r.get("type") == kind) >= count

            # One at a time, so LastProcessingResult changes in a known order.
            steps = [("log-1", lambda: log_has("platform.report", 1)), ("raise-1", lambda: in_dlq(1)),
                     ("log-2", lambda: log_has("platform.report", 3)), ("crash-1", lambda: in_dlq(2)),
                     ("log-3", lambda: log_has("platform.report", 5))]
            for body, done in steps:
                sqs.send_message(QueueUrl=orders, MessageBody=body)
                if not wait_for(done, SETTLE_TIMEOUT_S):
                    failures.append(body + " was not settled")
                    break
        finally:
            code = server.stop()
            log = server.log_text()
            server.close()
        if code != 0:
            failures.append("server did not stop cleanly (status %s)" % code)
        failures += check(*records_of(log))
        if failures:
            print("---- server log ----\n" + log, file=sys.stderr)
            for f in failures:
                print("FAIL: " + f, file=sys.stderr)
            return 1
        print("PASS: function log and runtime events written as Lambda's JSON log format")
        return 0


if __name__ == "__main__":
    sys.exit(main())
