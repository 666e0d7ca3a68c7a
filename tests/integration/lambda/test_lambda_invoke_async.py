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
from conftest import CREDENTIALS, ROLE

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
