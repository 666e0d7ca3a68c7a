"""CloudWatch Logs for functions, through real clients against a live sluice with a data directory.

The configuration declares the echo plugin as function "echo" behind the queue "jobs". Three
messages make three invocations, whose START / END / REPORT lines must appear in the log group
/aws/lambda/echo, in a stream named as Lambda names them (YYYY/MM/DD/[$LATEST]<32 hex digits>).
Through boto3 (CloudWatch Logs speaks JSON 1.1 in every botocore): DescribeLogGroups,
DescribeLogStreams, GetLogEvents, FilterLogEvents with a term and a JSON pattern, CreateLogGroup,
CreateLogStream, PutLogEvents, PutRetentionPolicy, DeleteRetentionPolicy, DeleteLogStream,
DeleteLogGroup and AWS's errors. Then the AWS CLI v2 (Debian's `aws`, /usr/bin/aws):
`aws logs tail /aws/lambda/echo --follow` must print the lines of an invocation made while it runs
(it polls FilterLogEvents every few seconds; bounded at 60 s). Last, a restart on the same data
directory keeps the function's log.

    test_logs.py --sluice BIN --echo-plugin SO

Skips (77) when /usr/bin/python3 has no boto3; the `aws logs tail` part skips (with a note) when
the AWS CLI v2 is absent.
"""

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import sluice_server  # noqa: E402

try:
    import boto3
    from botocore.exceptions import ClientError
except ImportError:
    print("SKIP: boto3 is not installed")
    sys.exit(77)

SETTLE_TIMEOUT_S = 60
TAIL_TIMEOUT_S = 60
CREDENTIALS = dict(region_name="us-east-1", aws_access_key_id="test", aws_secret_access_key="test")
STREAM_NAME = re.compile(r"^\d{4}/\d{2}/\d{2}/\[\$LATEST\][0-9a-f]{32}$")
AWS_CLI_V2 = "/usr/bin/aws"


def write_config(work, echo_plugin):
    config = {
        "queues": [{"QueueName": "jobs"}],
        "functions": [{"FunctionName": "echo", "Handler": echo_plugin, "Timeout": 3}],
        "eventSourceMappings": [{"FunctionName": "echo", "EventSourceArn": "jobs", "BatchSize": 1}],
    }
    path = os.path.join(work, "sluice.json")
    with open(path, "w") as f:
        json.dump(config, f)
    return path


def wait_for(condition, timeout_s=SETTLE_TIMEOUT_S):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    return condition()


def error_code(call):
    try:
        call()
    except ClientError as e:
        return e.response["Error"]["Code"], e.response["Error"]["Message"]
    return None, None


def all_filtered(logs, **kwargs):
    events = []
    paginator = logs.get_paginator("filter_log_events")
    for page in paginator.paginate(**kwargs):
        events += page["events"]
    return events


def check_function_log(logs, failures, invocations):
    def reports():
        try:
            events = all_filtered(logs, logGroupName="/aws/lambda/echo", filterPattern="REPORT")
        except ClientError:
            return None
        return events if len(events) >= invocations else None

    reported = wait_for(reports)
    if not reported:
        failures.append("no %d REPORT lines in /aws/lambda/echo" % invocations)
        return
    for e in reported:
        if not e["message"].startswith("REPORT RequestId: ") or "\tBilled Duration: " not in e["message"]:
            failures.append("REPORT line %r" % e["message"])
        if not e.get("eventId"):
            failures.append("FilterLogEvents event without eventId: %r" % e)
    groups = logs.describe_log_groups(logGroupNamePrefix="/aws/lambda/")["logGroups"]
    if [g["logGroupName"] for g in groups] != ["/aws/lambda/echo"]:
        failures.append("log groups %r" % groups)
    elif not groups[0]["arn"].startswith("arn:aws:logs:us-east-1:"):
        failures.append("log group arn %r" % groups[0]["arn"])
    streams = logs.describe_log_streams(logGroupName="/aws/lambda/echo", orderBy="LastEventTime",
                                        descending=True)["logStreams"]
    if not streams or not all(STREAM_NAME.match(s["logStreamName"]) for s in streams):
        failures.append("log stream names %r" % [s["logStreamName"] for s in streams])
        return
    lines = []
    for s in streams:
        lines += [e["message"] for e in logs.get_log_events(logGroupName="/aws/lambda/echo",
                                                            logStreamName=s["logStreamName"],
                                                            startFromHead=True)["events"]]
    for prefix in ("START RequestId: ", "END RequestId: ", "REPORT RequestId: "):
        count = sum(1 for line in lines if line.startswith(prefix))
        if count < invocations:
            failures.append("%d %r lines of %d invocations in %r" % (count, prefix, invocations, lines))


def check_api(logs, failures):
    group, stream = "/app/orders", "web-1"
    logs.create_log_group(logGroupName=group)
    code, message = error_code(lambda: logs.create_log_group(logGroupName=group))
    if (code, message) != ("ResourceAlreadyExistsException", "The specified log group already exists"):
        failures.append("CreateLogGroup twice: %r %r" % (code, message))
    code, message = error_code(lambda: logs.create_log_stream(logGroupName="/nope", logStreamName="s"))
    if (code, message) != ("ResourceNotFoundException", "The specified log group does not exist."):
        failures.append("CreateLogStream in a missing group: %r %r" % (code, message))
    code, _ = error_code(lambda: logs.create_log_group(logGroupName="bad name!"))
    if code != "InvalidParameterException":
        failures.append("CreateLogGroup with a bad name: %r" % code)
    logs.create_log_stream(logGroupName=group, logStreamName=stream)
    now = int(time.time() * 1000)
    messages = ['{"level":"ERROR","latency":250}', "plain INFO line", '{"level":"INFO","latency":900}',
                "ERROR disk full"]
    logs.put_log_events(logGroupName=group, logStreamName=stream,
                        logEvents=[{"timestamp": now + i, "message": m} for i, m in enumerate(messages)])
    code, _ = error_code(lambda: logs.put_log_events(
        logGroupName=group, logStreamName=stream,
        logEvents=[{"timestamp": now + 10, "message": "b"}, {"timestamp": now + 5, "message": "a"}]))
    if code != "InvalidParameterException":
        failures.append("PutLogEvents out of order: %r" % code)
    got = [e["message"] for e in logs.get_log_events(logGroupName=group, logStreamName=stream,
                                                     startFromHead=True)["events"]]
    if got != messages:
        failures.append("GetLogEvents %r" % got)
    cases = {
        "ERROR": [messages[0], messages[3]],
        "ERROR -disk": [messages[0]],
        "?plain ?disk": [messages[1], messages[3]],
        '{ $.latency > 500 }': [messages[2]],
        '{ $.level = "ERROR" || $.latency >= 900 }': [messages[0], messages[2]],
    }
    for pattern, expected in cases.items():
        got = [e["message"] for e in all_filtered(logs, logGroupName=group, filterPattern=pattern)]
        if got != expected:
            failures.append("FilterLogEvents %r: %r, expected %r" % (pattern, got, expected))
    code, _ = error_code(lambda: logs.filter_log_events(logGroupName=group, filterPattern="{ $.a = "))
    if code != "InvalidParameterException":
        failures.append("FilterLogEvents with a broken pattern: %r" % code)
    code, message = error_code(lambda: logs.put_retention_policy(logGroupName=group, retentionInDays=2))
    if code != "InvalidParameterException" or "retentionInDays" not in (message or ""):
        failures.append("PutRetentionPolicy 2 days: %r %r" % (code, message))
    logs.put_retention_policy(logGroupName=group, retentionInDays=7)
    described = logs.describe_log_groups(logGroupNamePrefix=group)["logGroups"]
    if [g.get("retentionInDays") for g in described] != [7]:
        failures.append("retention after PutRetentionPolicy: %r" % described)
    logs.delete_retention_policy(logGroupName=group)
    if "retentionInDays" in logs.describe_log_groups(logGroupNamePrefix=group)["logGroups"][0]:
        failures.append("retention still set after DeleteRetentionPolicy")
    logs.delete_log_stream(logGroupName=group, logStreamName=stream)
    code, message = error_code(lambda: logs.get_log_events(logGroupName=group, logStreamName=stream))
    if (code, message) != ("ResourceNotFoundException", "The specified log stream does not exist."):
        failures.append("GetLogEvents of a deleted stream: %r %r" % (code, message))
    logs.delete_log_group(logGroupName=group)
    if logs.describe_log_groups(logGroupNamePrefix=group)["logGroups"]:
        failures.append("DeleteLogGroup left the group")


def check_tail_follow(server, sqs, queue_url, failures):
    if not os.path.exists(AWS_CLI_V2):
        print("note: no AWS CLI v2 at %s; `aws logs tail --follow` not tested" % AWS_CLI_V2)
        return
    env = dict(os.environ, AWS_ACCESS_KEY_ID="test", AWS_SECRET_ACCESS_KEY="test", AWS_DEFAULT_REGION="us-east-1",
               AWS_PAGER="")
    tail = subprocess.Popen([AWS_CLI_V2, "--endpoint-url", server.endpoint, "logs", "tail", "/aws/lambda/echo",
                             "--follow", "--since", "1h", "--format", "short"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    output = []
    reader = threading.Thread(target=lambda: output.extend(iter(tail.stdout.readline, b"")), daemon=True)
    reader.start()
    try:
        # Wait until the tail has printed what was there, then make one more invocation.
        if not wait_for(lambda: any(b"REPORT RequestId" in line for line in list(output)), TAIL_TIMEOUT_S):
            failures.append("aws logs tail printed no REPORT line: %r" % output)
            return
        before = len([line for line in list(output) if b"REPORT RequestId" in line])
        sqs.send_message(QueueUrl=queue_url, MessageBody="while tailing")
        if not wait_for(lambda: len([line for line in list(output) if b"REPORT RequestId" in line]) > before,
                        TAIL_TIMEOUT_S):
            failures.append("aws logs tail --follow did not print the new invocation: %r" % output)
    finally:
        tail.terminate()
        try:
            tail.wait(timeout=10)
        except subprocess.TimeoutExpired:
            tail.kill()
            tail.wait()
        stderr = tail.stderr.read().decode("utf-8", "replace")
        if stderr.strip() and "Traceback" in stderr:
            failures.append("aws logs tail failed: %s" % stderr)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--sluice", required=True)
    parser.add_argument("--echo-plugin", required=True)
    opts = parser.parse_args()
    failures = []
    logs_text = []
    with tempfile.TemporaryDirectory(prefix="sluice-logs-") as work:
        config = write_config(work, os.path.abspath(opts.echo_plugin))
        data = os.path.join(work, "data")
        server = sluice_server.SluiceServer(opts.sluice, data_dir=data, extra_args=[config])
        server.start()
        try:
            sqs = boto3.client("sqs", endpoint_url=server.endpoint, **CREDENTIALS)
            logs = boto3.client("logs", endpoint_url=server.endpoint, **CREDENTIALS)
            queue_url = sqs.get_queue_url(QueueName="jobs")["QueueUrl"]
            for i in range(3):
                sqs.send_message(QueueUrl=queue_url, MessageBody="job %d" % i)
            check_function_log(logs, failures, 3)
            check_api(logs, failures)
            check_tail_follow(server, sqs, queue_url, failures)
        finally:
            if server.stop() != 0:
                failures.append("server did not stop cleanly")
            logs_text.append(server.log_text())
            server.close()

        # The function's log is in the data directory: a restart shows it again.
        server = sluice_server.SluiceServer(opts.sluice, data_dir=data, extra_args=[config])
        server.start()
        try:
            logs = boto3.client("logs", endpoint_url=server.endpoint, **CREDENTIALS)
            kept = all_filtered(logs, logGroupName="/aws/lambda/echo", filterPattern="START")
            if len(kept) < 3:
                failures.append("after a restart, %d START lines in /aws/lambda/echo" % len(kept))
        finally:
            server.stop()
            logs_text.append(server.log_text())
            server.close()
    if failures:
        print("---- server logs ----\n" + "\n".join(logs_text), file=sys.stderr)
        for f in failures:
            print("FAIL: " + f, file=sys.stderr)
        return 1
    print("PASS: functions' logs in /aws/lambda/<name>, the CloudWatch Logs API, aws logs tail --follow, a restart")
    return 0


if __name__ == "__main__":
    sys.exit(main())
