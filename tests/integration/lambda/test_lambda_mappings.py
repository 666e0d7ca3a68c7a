"""Event-source mappings through boto3's Lambda client against a live sluice up: the seed's
section 4.6 flow (queue -> function -> mapping -> function invoked), AWS's keys, states and
validation texts as recorded (aws-recorded/test_lambda_integration_sqs), listing with filters and
pages, update and delete, and a mapping that still polls after a restart."""

import json
import time
import uuid

import pytest
from botocore.exceptions import ClientError

from conftest import ROLE

WAITER = {"Delay": 0.1, "MaxAttempts": 100}
# The keys AWS answers for an SQS mapping (recording test_event_source_mapping_default_batch_size).
RECORDED_KEYS = {"BatchSize", "EventSourceArn", "EventSourceMappingArn", "FunctionArn", "FunctionResponseTypes",
                 "LastModified", "MaximumBatchingWindowInSeconds", "State", "StateTransitionReason", "UUID"}


def expected_keys(lam, operation):
    """The recorded keys this botocore's model knows (older ones drop newer members such as
    EventSourceMappingArn)."""
    return RECORDED_KEYS & set(lam.meta.service_model.operation_model(operation).output_shape.members)


def unique(prefix):
    return "%s-%s" % (prefix, uuid.uuid4().hex[:8])


def make_function(lam, echo_zip, name=None):
    name = name or unique("fn")
    lam.create_function(FunctionName=name, Runtime="provided.al2023", Role=ROLE, Handler="echo",
                        Code={"ZipFile": echo_zip})
    lam.get_waiter("function_active").wait(FunctionName=name, WaiterConfig=WAITER)
    return name


def make_queue(sqs, name=None):
    url = sqs.create_queue(QueueName=name or unique("q"))["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    return url, arn


def invocations(server, name):
    return server.log().count("[%s] START RequestId:" % name)


def wait_for(condition, timeout=15.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


def queue_empty(sqs, url):
    attrs = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    return attrs["ApproximateNumberOfMessages"] == "0" and attrs["ApproximateNumberOfMessagesNotVisible"] == "0"


def error_of(call):
    with pytest.raises(ClientError) as caught:
        call()
    return caught.value.response


def test_seed_flow_queue_url_then_arn(server, lam, echo_zip):
    sqs = server.client("sqs")
    url, arn = make_queue(sqs, unique("MyStandardQueue"))
    name = make_function(lam, echo_zip, unique("MyLambdaFunctionName"))
    # The seed passes the queue URL as EventSourceArn: AWS's validation error, unchanged.
    bad = error_of(lambda: lam.create_event_source_mapping(EventSourceArn=url, FunctionName=name, BatchSize=10))
    assert bad["Error"]["Code"] == "ValidationException"
    assert bad["Error"]["Message"].startswith(
        "1 validation error detected: Value '%s' at 'eventSourceArn' failed to satisfy constraint: "
        "Member must satisfy regular expression pattern: arn:" % url)
    assert "Lambda wants the queue's ARN: " + arn in server.log()

    mapping = lam.create_event_source_mapping(EventSourceArn=arn, FunctionName=name, BatchSize=10)
    assert mapping["ResponseMetadata"]["HTTPStatusCode"] == 202
    assert set(k for k in mapping if k != "ResponseMetadata") == expected_keys(lam, "CreateEventSourceMapping")
    assert mapping["State"] == "Creating"
    assert mapping["StateTransitionReason"] == "USER_INITIATED"
    assert mapping["FunctionResponseTypes"] == []
    if "EventSourceMappingArn" in expected_keys(lam, "CreateEventSourceMapping"):
        assert mapping["EventSourceMappingArn"] == \
            "arn:aws:lambda:us-east-1:123456789012:event-source-mapping:" + mapping["UUID"]
    got = lam.get_event_source_mapping(UUID=mapping["UUID"])
    assert got["State"] == "Enabled"
    assert set(k for k in got if k != "ResponseMetadata") == expected_keys(lam, "GetEventSourceMapping")

    before = invocations(server, name)
    sqs.send_message(QueueUrl=url, MessageBody="Process order 12345")
    assert wait_for(lambda: invocations(server, name) > before)
    assert wait_for(lambda: queue_empty(sqs, url))  # a successful batch is deleted


def test_recorded_validation_texts(server, lam, echo_zip):
    sqs = server.client("sqs")
    _, arn = make_queue(sqs)
    name = make_function(lam, echo_zip)
    window = error_of(lambda: lam.create_event_source_mapping(EventSourceArn=arn, FunctionName=name, BatchSize=20))
    assert window["Error"]["Code"] == "InvalidParameterValueException"
    assert window["Error"]["Message"] == \
        "Maximum batch window in seconds must be greater than 0 if maximum batch size is greater than 10"
    pattern = error_of(lambda: lam.create_event_source_mapping(
        EventSourceArn=arn, FunctionName=name, FilterCriteria={"Filters": [{"Pattern": "simple string"}]}))
    assert pattern["Error"]["Message"] == "Invalid filter pattern definition."
    missing_queue = error_of(lambda: lam.create_event_source_mapping(
        EventSourceArn=arn + "-missing", FunctionName=name))
    assert missing_queue["Error"]["Message"] == (
        "Error occurred while ReceiveMessage. SQS Error Code: AWS.SimpleQueueService.NonExistentQueue. "
        "SQS Error Message: The specified queue does not exist.")

    first = lam.create_event_source_mapping(EventSourceArn=arn, FunctionName=name)
    dup = error_of(lambda: lam.create_event_source_mapping(EventSourceArn=arn, FunctionName=name))
    assert dup["ResponseMetadata"]["HTTPStatusCode"] == 409
    assert dup["Error"]["Message"] == (
        "An event source mapping with SQS arn (\" %s \") and function (\" %s \") already exists. Please update or "
        "delete the existing mapping with UUID %s" % (arn, name, first["UUID"]))

    update = error_of(lambda: lam.update_event_source_mapping(UUID=first["UUID"], BatchSize=20))
    assert update["Error"]["Message"] == \
        "Maximum batch window in seconds must be greater than 0 if maximum batch size is greater than 10"
    unknown = error_of(lambda: lam.get_event_source_mapping(UUID=str(uuid.uuid4())))
    assert unknown["Error"]["Code"] == "ResourceNotFoundException"
    assert unknown["ResponseMetadata"]["HTTPStatusCode"] == 404


def test_disable_update_list_delete(server, lam, echo_zip):
    sqs = server.client("sqs")
    url, arn = make_queue(sqs)
    name = make_function(lam, echo_zip)
    created = lam.create_event_source_mapping(EventSourceArn=arn, FunctionName=name, Enabled=False, BatchSize=1)
    assert created["State"] == "Disabled"
    before = invocations(server, name)
    sqs.send_message(QueueUrl=url, MessageBody="waits")
    time.sleep(0.5)
    assert invocations(server, name) == before  # a disabled mapping does not poll

    enabling = lam.update_event_source_mapping(UUID=created["UUID"], Enabled=True)
    assert enabling["State"] == "Enabling"
    assert wait_for(lambda: invocations(server, name) > before)
    moved = error_of(lambda: lam.update_event_source_mapping(UUID=created["UUID"], FunctionName="elsewhere"))
    assert moved["Error"]["Code"] == "InvalidParameterValueException"
    updated = lam.update_event_source_mapping(UUID=created["UUID"], FunctionName=name, BatchSize=5,
                                              MaximumBatchingWindowInSeconds=1)
    assert updated["State"] == "Updating"
    assert (updated["BatchSize"], updated["MaximumBatchingWindowInSeconds"]) == (5, 1)

    other = make_function(lam, echo_zip)
    lam.create_event_source_mapping(EventSourceArn=arn, FunctionName=other)
    by_queue = lam.list_event_source_mappings(EventSourceArn=arn)["EventSourceMappings"]
    assert sorted(m["FunctionArn"].split(":")[-1] for m in by_queue) == sorted([name, other])
    by_function = lam.list_event_source_mappings(FunctionName=name)["EventSourceMappings"]
    assert [m["UUID"] for m in by_function] == [created["UUID"]]
    page = lam.list_event_source_mappings(EventSourceArn=arn, MaxItems=1)
    assert len(page["EventSourceMappings"]) == 1 and page["NextMarker"]
    rest = lam.list_event_source_mappings(EventSourceArn=arn, Marker=page["NextMarker"])
    assert len(rest["EventSourceMappings"]) == 1 and "NextMarker" not in rest
    assert rest["EventSourceMappings"][0]["UUID"] != page["EventSourceMappings"][0]["UUID"]

    deleted = lam.delete_event_source_mapping(UUID=created["UUID"])
    assert deleted["ResponseMetadata"]["HTTPStatusCode"] == 202
    assert deleted["State"] == "Deleting"
    assert error_of(lambda: lam.get_event_source_mapping(UUID=created["UUID"]))["Error"]["Code"] == \
        "ResourceNotFoundException"


def test_mapping_polls_after_restart(server, echo_zip):
    lam, sqs = server.client(), server.client("sqs")
    url, arn = make_queue(sqs)
    name = make_function(lam, echo_zip)
    mapping = lam.create_event_source_mapping(EventSourceArn=arn, FunctionName=name, BatchSize=2)
    server.restart()
    lam, sqs = server.client(), server.client("sqs")
    got = lam.get_event_source_mapping(UUID=mapping["UUID"])
    assert (got["State"], got["BatchSize"], got["EventSourceArn"]) == ("Enabled", 2, arn)
    before = invocations(server, name)
    sqs.send_message(QueueUrl=url, MessageBody="after the restart")
    assert wait_for(lambda: invocations(server, name) > before)
    assert wait_for(lambda: queue_empty(sqs, url))
