"""Event invoke configurations through boto3: Put/Get/Update/List/Delete on a function, a version
and an alias with AWS's validation texts, kept across a restart; and Event invocations that honour
them (retries, destinations with Lambda's invocation record), on a server whose clock runs 60
times faster."""

import json
import os
import time
import uuid

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

import sluice_server
from conftest import CREDENTIALS, ROLE

WAITER = {"Delay": 0.1, "MaxAttempts": 100}


def unique(prefix):
    return "%s-%s" % (prefix, uuid.uuid4().hex[:8])


def wait_for(condition, timeout=30.0):
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


def test_configs_crud_on_function_version_and_alias(server, lam, echo_zip):
    name = make_function(lam, echo_zip, "echo")
    arn = lam.get_function(FunctionName=name)["Configuration"]["FunctionArn"]
    missing = error_of(lambda: lam.get_function_event_invoke_config(FunctionName=name))
    assert missing["Error"]["Code"] == "ResourceNotFoundException"
    assert missing["Error"]["Message"] == "The function %s doesn't have an EventInvokeConfig" % arn
    assert missing["ResponseMetadata"]["HTTPStatusCode"] == 404

    put = lam.put_function_event_invoke_config(
        FunctionName=name, MaximumRetryAttempts=1,
        DestinationConfig={"OnFailure": {"Destination": "arn:aws:sqs:us-east-1:000000000000:failures"}})
    assert put["FunctionArn"] == arn + ":$LATEST"
    assert put["MaximumRetryAttempts"] == 1
    assert "MaximumEventAgeInSeconds" not in put
    assert put["DestinationConfig"] == {"OnSuccess": {},
                                        "OnFailure": {"Destination": "arn:aws:sqs:us-east-1:000000000000:failures"}}
    updated = lam.update_function_event_invoke_config(FunctionName=name, MaximumEventAgeInSeconds=120)
    assert updated["MaximumRetryAttempts"] == 1 and updated["MaximumEventAgeInSeconds"] == 120
    assert updated["DestinationConfig"]["OnFailure"]["Destination"].endswith(":failures")
    # Put replaces the whole configuration.
    replaced = lam.put_function_event_invoke_config(FunctionName=name, MaximumEventAgeInSeconds=60)
    assert "MaximumRetryAttempts" not in replaced and replaced["DestinationConfig"] == {"OnSuccess": {},
                                                                                        "OnFailure": {}}

    version = lam.publish_version(FunctionName=name)["Version"]
    lam.create_alias(FunctionName=name, Name="live", FunctionVersion=version)
    lam.put_function_event_invoke_config(FunctionName=name, Qualifier=version, MaximumRetryAttempts=0)
    lam.put_function_event_invoke_config(FunctionName=name + ":live", MaximumRetryAttempts=2)
    listed = lam.list_function_event_invoke_configs(FunctionName=name)["FunctionEventInvokeConfigs"]
    assert sorted(c["FunctionArn"] for c in listed) == sorted([arn + ":$LATEST", arn + ":" + version, arn + ":live"])
    first = lam.list_function_event_invoke_configs(FunctionName=name, MaxItems=2)
    assert len(first["FunctionEventInvokeConfigs"]) == 2
    rest = lam.list_function_event_invoke_configs(FunctionName=name, Marker=first["NextMarker"])
    assert len(rest["FunctionEventInvokeConfigs"]) == 1 and "NextMarker" not in rest
    assert lam.get_function_event_invoke_config(FunctionName=name, Qualifier="live")["MaximumRetryAttempts"] == 2

    no_version = error_of(lambda: lam.put_function_event_invoke_config(FunctionName=name, Qualifier="9",
                                                                     MaximumRetryAttempts=0))
    assert no_version["Error"]["Code"] == "ResourceNotFoundException"

    lam.delete_function_event_invoke_config(FunctionName=name, Qualifier=version)
    gone = error_of(lambda: lam.get_function_event_invoke_config(FunctionName=name, Qualifier=version))
    assert gone["Error"]["Code"] == "ResourceNotFoundException"
    again = error_of(lambda: lam.delete_function_event_invoke_config(FunctionName=name, Qualifier=version))
    assert again["Error"]["Code"] == "ResourceNotFoundException"

    server.restart()
    lam = server.client()
    kept = lam.list_function_event_invoke_configs(FunctionName=name)["FunctionEventInvokeConfigs"]
    assert sorted(c["FunctionArn"] for c in kept) == sorted([arn + ":$LATEST", arn + ":live"])
    lam.delete_function(FunctionName=name)
    lam.create_function(FunctionName=name, Runtime="provided.al2023", Role=ROLE, Handler="echo",
                        Code={"ZipFile": echo_zip})
    lam.get_waiter("function_active").wait(FunctionName=name, WaiterConfig=WAITER)
    assert lam.list_function_event_invoke_configs(FunctionName=name)["FunctionEventInvokeConfigs"] == []


def test_validation_texts(server, echo_zip):
    # botocore checks the minimums itself; without that check the server's answer shows.
    lam = boto3.client("lambda", endpoint_url=server.endpoint, config=Config(parameter_validation=False),
                       **CREDENTIALS)
    name = make_function(lam, echo_zip, "echo")
    both = error_of(lambda: lam.put_function_event_invoke_config(FunctionName=name, MaximumRetryAttempts=3,
                                                                 MaximumEventAgeInSeconds=59))
    assert both["Error"]["Code"] == "ValidationException"
    assert both["Error"]["Message"] == (
        "2 validation errors detected: Value '3' at 'maximumRetryAttempts' failed to satisfy constraint: Member "
        "must have value less than or equal to 2; Value '59' at 'maximumEventAgeInSeconds' failed to satisfy "
        "constraint: Member must have value greater than or equal to 60")
    too_old = error_of(lambda: lam.put_function_event_invoke_config(FunctionName=name,
                                                                    MaximumEventAgeInSeconds=21601))
    assert too_old["Error"]["Message"] == (
        "1 validation error detected: Value '21601' at 'maximumEventAgeInSeconds' failed to satisfy constraint: "
        "Member must have value less than or equal to 21600")
    nothing = error_of(lambda: lam.put_function_event_invoke_config(FunctionName=name))
    assert nothing["Error"]["Code"] == "InvalidParameterValueException"
    assert nothing["Error"]["Message"] == "You must specify at least one of error handling or destination setting."
    no_function = error_of(lambda: lam.put_function_event_invoke_config(FunctionName=unique("none"),
                                                                        MaximumRetryAttempts=0))
    assert no_function["Error"]["Code"] == "ResourceNotFoundException"


@pytest.fixture(scope="module")
def fast():
    """A server whose timers run 60x faster: retries 1 and 2 minutes later come after 1 and 2 s."""
    scaled = sluice_server.SluiceServer(os.environ["SLUICE_BIN"], use_data_dir=True, time_scale=60)
    scaled.start()
    yield scaled
    assert scaled.stop() == 0
    scaled.close()


def queue_with_arn(sqs):
    url = sqs.create_queue(QueueName=unique("records"))["QueueUrl"]
    return url, sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]


def one_message(sqs, url):
    got = []

    def received():
        got.extend(sqs.receive_message(QueueUrl=url, WaitTimeSeconds=1).get("Messages", []))
        return bool(got)

    assert wait_for(received)
    return got[0]


def test_failure_goes_to_on_failure_queue_after_configured_retries(fast, throws_zip):
    lam = boto3.client("lambda", endpoint_url=fast.endpoint, **CREDENTIALS)
    sqs = boto3.client("sqs", endpoint_url=fast.endpoint, **CREDENTIALS)
    failures_url, failures_arn = queue_with_arn(sqs)
    dlq_url, dlq_arn = queue_with_arn(sqs)
    name = make_function(lam, throws_zip, "throws", DeadLetterConfig={"TargetArn": dlq_arn})
    arn = lam.get_function(FunctionName=name)["Configuration"]["FunctionArn"]
    lam.put_function_event_invoke_config(FunctionName=name, MaximumRetryAttempts=1,
                                         DestinationConfig={"OnFailure": {"Destination": failures_arn}})
    payload = {"throw": True}
    answer = lam.invoke(FunctionName=name, InvocationType="Event", Payload=json.dumps(payload).encode())
    request_id = answer["ResponseMetadata"]["RequestId"]
    record = json.loads(one_message(sqs, failures_url)["Body"])
    assert record["version"] == "1.0"
    assert record["timestamp"].endswith("Z")
    assert record["requestContext"] == {"requestId": request_id, "functionArn": arn + ":$LATEST",
                                        "condition": "RetriesExhausted", "approximateInvokeCount": 2}
    assert record["requestPayload"] == payload
    assert record["responseContext"] == {"statusCode": 200, "executedVersion": "$LATEST",
                                         "functionError": "Unhandled"}
    assert "order 1002 has no customer" in record["responsePayload"]["errorMessage"]
    assert fast.log_text().count("[%s] START RequestId:" % name) == 2  # the first attempt and 1 retry
    # With an OnFailure destination, the dead-letter queue gets nothing.
    assert sqs.receive_message(QueueUrl=dlq_url, WaitTimeSeconds=1).get("Messages", []) == []


def test_success_goes_to_topic_and_function_destinations(fast, echo_zip):
    lam = boto3.client("lambda", endpoint_url=fast.endpoint, **CREDENTIALS)
    sqs = boto3.client("sqs", endpoint_url=fast.endpoint, **CREDENTIALS)
    sns = boto3.client("sns", endpoint_url=fast.endpoint, **CREDENTIALS)
    topic_arn = sns.create_topic(Name=unique("successes"))["TopicArn"]
    copies_url, copies_arn = queue_with_arn(sqs)
    sns.subscribe(TopicArn=topic_arn, Protocol="sqs", Endpoint=copies_arn,
                  Attributes={"RawMessageDelivery": "true"})
    name = make_function(lam, echo_zip, "echo")
    version = lam.publish_version(FunctionName=name)["Version"]
    lam.create_alias(FunctionName=name, Name="live", FunctionVersion=version)
    lam.put_function_event_invoke_config(FunctionName=name, Qualifier="live",
                                         DestinationConfig={"OnSuccess": {"Destination": topic_arn}})
    payload = {"hello": "destinations"}
    lam.invoke(FunctionName=name, Qualifier="live", InvocationType="Event", Payload=json.dumps(payload).encode())
    record = json.loads(one_message(sqs, copies_url)["Body"])
    assert record["requestContext"]["condition"] == "Success"
    assert record["requestContext"]["functionArn"].endswith(":%s:live" % name)
    assert record["requestContext"]["approximateInvokeCount"] == 1
    assert record["responseContext"] == {"statusCode": 200, "executedVersion": version}
    assert record["requestPayload"] == payload

    # A function as the destination is invoked with the record as its event.
    target = make_function(lam, echo_zip, "echo")
    target_arn = lam.get_function(FunctionName=target)["Configuration"]["FunctionArn"]
    lam.put_function_event_invoke_config(FunctionName=name,
                                         DestinationConfig={"OnSuccess": {"Destination": target_arn}})
    lam.invoke(FunctionName=name, InvocationType="Event", Payload=b'{"to": "function"}')
    assert wait_for(lambda: ("[%s] START RequestId:" % target) in fast.log_text())


def test_dead_letter_topic_gets_the_event_with_lambdas_attributes(fast, throws_zip):
    lam = boto3.client("lambda", endpoint_url=fast.endpoint, **CREDENTIALS)
    sqs = boto3.client("sqs", endpoint_url=fast.endpoint, **CREDENTIALS)
    sns = boto3.client("sns", endpoint_url=fast.endpoint, **CREDENTIALS)
    topic_arn = sns.create_topic(Name=unique("dead-letters"))["TopicArn"]
    copies_url, copies_arn = queue_with_arn(sqs)
    sns.subscribe(TopicArn=topic_arn, Protocol="sqs", Endpoint=copies_arn)
    name = make_function(lam, throws_zip, "throws", DeadLetterConfig={"TargetArn": topic_arn})
    assert lam.get_function(FunctionName=name)["Configuration"]["DeadLetterConfig"] == {"TargetArn": topic_arn}
    lam.put_function_event_invoke_config(FunctionName=name, MaximumRetryAttempts=0)
    payload = {"throw": True}
    answer = lam.invoke(FunctionName=name, InvocationType="Event", Payload=json.dumps(payload).encode())
    notification = json.loads(one_message(sqs, copies_url)["Body"])
    assert notification["Type"] == "Notification"
    assert notification["TopicArn"] == topic_arn
    assert json.loads(notification["Message"]) == payload
    attributes = notification["MessageAttributes"]
    assert attributes["ErrorCode"] == {"Type": "Number", "Value": "200"}
    assert attributes["RequestID"] == {"Type": "String", "Value": answer["ResponseMetadata"]["RequestId"]}
    # The function's errorMessage, as AWS writes it (not the whole error JSON).
    assert attributes["ErrorMessage"]["Type"] == "String"
    assert "order 1002 has no customer" in attributes["ErrorMessage"]["Value"]
    assert not attributes["ErrorMessage"]["Value"].startswith("{")
