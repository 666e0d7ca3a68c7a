"""Invoke beyond RequestResponse through boto3: Event invocations (202, run soon after, retried
and dead-lettered as Lambda does, on a server whose clock runs 60 times faster) and the payload
limits with AWS's 413 texts."""

import json
import os
import time
import uuid

import pytest
from botocore.exceptions import ClientError

import sluice_server
from conftest import CREDENTIALS, ROLE, zip_bytes

import boto3

WAITER = {"Delay": 0.1, "MaxAttempts": 100}


def unique(prefix):
    return "%s-%s" % (prefix, uuid.uuid4().hex[:8])


def wait_for(condition, timeout=20.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


def error_of(call):
    with pytest.raises(ClientError) as caught:
        call()
    return caught.value.response


def make_function(lam, code, handler, **extra):
    name = unique(handler)
    lam.create_function(FunctionName=name, Runtime="provided.al2023", Role=ROLE, Handler=handler,
                        Code={"ZipFile": code}, **extra)
    lam.get_waiter("function_active").wait(FunctionName=name, WaiterConfig=WAITER)
    return name


def test_event_invocation_runs_after_202(server, lam, echo_zip):
    name = make_function(lam, echo_zip, "echo")
    answer = lam.invoke(FunctionName=name, InvocationType="Event", Payload=b'{"async": true}')
    assert answer["StatusCode"] == 202
    assert wait_for(lambda: ("[%s] START RequestId:" % name) in server.log())


def test_payload_limits(lam, echo_zip):
    name = make_function(lam, echo_zip, "echo")
    big_event = b'"' + b"x" * (1024 * 1024) + b'"'
    event = error_of(lambda: lam.invoke(FunctionName=name, InvocationType="Event", Payload=big_event))
    assert event["ResponseMetadata"]["HTTPStatusCode"] == 413
    assert event["Error"]["Code"] == "RequestEntityTooLargeException"
    assert event["Error"]["Message"] == \
        "%d byte payload is too large for the Event invocation type (limit 1048576 bytes)" % len(big_event)
    big_sync = b'"' + b"x" * (6 * 1024 * 1024) + b'"'
    sync = error_of(lambda: lam.invoke(FunctionName=name, Payload=big_sync))
    assert sync["ResponseMetadata"]["HTTPStatusCode"] == 413
    assert sync["Error"]["Message"] == "Request must be smaller than 6291456 bytes for the InvokeFunction operation"


def test_failed_event_is_retried_then_dead_lettered(throws_zip):
    # A server whose timers run 60x faster: the retries 1 and 2 minutes later come after 1 and 2 s.
    scaled = sluice_server.SluiceServer(os.environ["SLUICE_BIN"], use_data_dir=True, time_scale=60)
    scaled.start()
    try:
        lam = boto3.client("lambda", endpoint_url=scaled.endpoint, **CREDENTIALS)
        sqs = boto3.client("sqs", endpoint_url=scaled.endpoint, **CREDENTIALS)
        dlq_url = sqs.create_queue(QueueName=unique("dlq"))["QueueUrl"]
        dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        name = make_function(lam, throws_zip, "throws", DeadLetterConfig={"TargetArn": dlq_arn})
        payload = json.dumps({"throw": True})
        assert lam.invoke(FunctionName=name, InvocationType="Event", Payload=payload.encode())["StatusCode"] == 202
        got = {}

        def dead_lettered():
            messages = sqs.receive_message(QueueUrl=dlq_url, MessageAttributeNames=["All"],
                                           WaitTimeSeconds=1).get("Messages", [])
            if messages:
                got.update(messages[0])
            return bool(messages)

        assert wait_for(dead_lettered, timeout=30)
        assert got["Body"] == payload
        attributes = got["MessageAttributes"]
        assert attributes["ErrorCode"] == {"StringValue": "200", "DataType": "Number"}
        assert "order 1002 has no customer" in attributes["ErrorMessage"]["StringValue"]
        assert attributes["RequestID"]["DataType"] == "String"
        assert scaled.log_text().count("[%s] START RequestId:" % name) == 3  # the first attempt and 2 retries
    finally:
        assert scaled.stop() == 0
        scaled.close()


def test_event_older_than_its_maximum_age_while_throttled_goes_to_on_failure_unrun():
    # Timers 40x faster: the hanging invocation's Timeout of 200 s lasts 5 s, while the second
    # event, throttled by reserved concurrency 1, is retried at 1, 3, 7, ... 63 s (1.6 s); the
    # first must start within its 60 s (1.5 s), which a loaded machine manages.
    hang_plugin = os.environ.get("SLUICE_HANG_PLUGIN")
    if not hang_plugin:
        pytest.skip("SLUICE_HANG_PLUGIN is not set (the lambda CTest entries set it)")
    with open(hang_plugin, "rb") as f:
        hang_zip = zip_bytes({"hang.so": f.read()})
    scaled = sluice_server.SluiceServer(os.environ["SLUICE_BIN"], time_scale=40)
    scaled.start()
    try:
        lam = boto3.client("lambda", endpoint_url=scaled.endpoint, **CREDENTIALS)
        sqs = boto3.client("sqs", endpoint_url=scaled.endpoint, **CREDENTIALS)
        failures_url = sqs.create_queue(QueueName=unique("failures"))["QueueUrl"]
        failures_arn = sqs.get_queue_attributes(QueueUrl=failures_url,
                                                AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        name = make_function(lam, hang_zip, "hang", Timeout=200)
        lam.put_function_concurrency(FunctionName=name, ReservedConcurrentExecutions=1)
        lam.put_function_event_invoke_config(FunctionName=name, MaximumRetryAttempts=0, MaximumEventAgeInSeconds=60,
                                             DestinationConfig={"OnFailure": {"Destination": failures_arn}})
        # Whichever of the two runs first holds the one concurrent execution until its timeout.
        first = lam.invoke(FunctionName=name, InvocationType="Event", Payload=b'{"hang": 1}')
        second = lam.invoke(FunctionName=name, InvocationType="Event", Payload=b'{"hang": 2}')
        ids = {first["ResponseMetadata"]["RequestId"], second["ResponseMetadata"]["RequestId"]}
        by_request = {}  # a message may come back after its (scaled) visibility timeout: kept once

        def both_failed():
            for message in sqs.receive_message(QueueUrl=failures_url, MaxNumberOfMessages=10,
                                               WaitTimeSeconds=1).get("Messages", []):
                record = json.loads(message["Body"])
                by_request[record["requestContext"]["requestId"]] = record
                sqs.delete_message(QueueUrl=failures_url, ReceiptHandle=message["ReceiptHandle"])
            return len(by_request) >= 2

        assert wait_for(both_failed, timeout=60)
        records = list(by_request.values())
        by_condition = {r["requestContext"]["condition"]: r for r in records}
        assert set(by_condition) == {"EventAgeExceeded", "RetriesExhausted"}
        expired = by_condition["EventAgeExceeded"]
        assert expired["requestContext"]["approximateInvokeCount"] == 0  # never run
        assert "responseContext" not in expired
        timed_out = by_condition["RetriesExhausted"]
        assert timed_out["requestContext"]["approximateInvokeCount"] == 1
        assert timed_out["responsePayload"]["errorType"] == "Sandbox.Timedout"
        assert {r["requestContext"]["requestId"] for r in records} == ids
        assert scaled.log_text().count("[%s] START RequestId:" % name) == 1
    finally:
        assert scaled.stop() == 0
        scaled.close()
