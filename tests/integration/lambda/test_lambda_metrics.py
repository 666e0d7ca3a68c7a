"""AWS/Lambda metrics through boto3's CloudWatch client after invoking functions: Invocations, Errors,
Duration and ConcurrentExecutions by function, a version's and an alias's Resource (with the alias's
ExecutedVersion), Throttles, the Event invocation metrics, and a mapping's EventSourceMappingUUID
event counts once its MetricsConfig asks for EventCount; the same series on GET /metrics; and the
datapoints still there after a restart (metrics.db)."""

import datetime
import json
import time
import urllib.request
import uuid

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from conftest import CREDENTIALS, ROLE

WAITER = {"Delay": 0.1, "MaxAttempts": 100}
EVENT_COUNT = {"Metrics": ["EventCount"]}


def unique(prefix):
    return "%s-%s" % (prefix, uuid.uuid4().hex[:8])


def wait_for(condition, timeout=30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return condition()


def make_function(lam, code, handler):
    name = unique(handler)
    lam.create_function(FunctionName=name, Runtime="provided.al2023", Role=ROLE, Handler=handler,
                        Code={"ZipFile": code})
    lam.get_waiter("function_active").wait(FunctionName=name, WaiterConfig=WAITER)
    return name


def window():
    now = datetime.datetime.now(datetime.timezone.utc)
    return now - datetime.timedelta(minutes=10), now + datetime.timedelta(minutes=2)


def datapoints(cw, metric, dimensions, statistic):
    start, end = window()
    answer = cw.get_metric_statistics(
        Namespace="AWS/Lambda", MetricName=metric, StartTime=start, EndTime=end, Period=60,
        Statistics=[statistic], Dimensions=[{"Name": k, "Value": v} for k, v in sorted(dimensions.items())])
    return answer["Datapoints"]


def total(cw, metric, dimensions, statistic="Sum"):
    """The statistic summed over the minutes of the last ten (0 when there is no datapoint)."""
    return sum(point[statistic] for point in datapoints(cw, metric, dimensions, statistic))


@pytest.fixture
def cw(server):
    return server.client("cloudwatch")


def test_invocations_errors_and_duration_by_function(server, lam, cw, echo_zip, throws_zip):
    name = make_function(lam, echo_zip, "echo")
    for _ in range(3):
        assert lam.invoke(FunctionName=name, Payload=b'{"n": 1}')["StatusCode"] == 200
    failing = make_function(lam, throws_zip, "throws")
    assert lam.invoke(FunctionName=failing, Payload=b'{"throw": true}')["FunctionError"] == "Unhandled"

    assert total(cw, "Invocations", {"FunctionName": name}) == 3
    assert total(cw, "Errors", {"FunctionName": name}) == 0
    assert total(cw, "Errors", {"FunctionName": name}, "SampleCount") == 3  # a 0 or 1 per invocation
    assert total(cw, "Invocations", {"FunctionName": failing}) == 1
    assert total(cw, "Errors", {"FunctionName": failing}) == 1
    duration = datapoints(cw, "Duration", {"FunctionName": name}, "SampleCount")
    assert sum(p["SampleCount"] for p in duration) == 3
    assert {p["Unit"] for p in duration} == {"Milliseconds"}
    assert total(cw, "Invocations", {}) >= 4  # the account's aggregate
    assert max(p["Maximum"] for p in datapoints(cw, "ConcurrentExecutions", {"FunctionName": name}, "Maximum")) >= 1

    start, end = window()
    data = cw.get_metric_data(StartTime=start, EndTime=end, MetricDataQueries=[
        {"Id": "invocations", "MetricStat": {"Metric": {
            "Namespace": "AWS/Lambda", "MetricName": "Invocations",
            "Dimensions": [{"Name": "FunctionName", "Value": name}]}, "Period": 60, "Stat": "Sum"}}])
    assert sum(data["MetricDataResults"][0]["Values"]) == 3

    listed = cw.list_metrics(Namespace="AWS/Lambda", Dimensions=[{"Name": "FunctionName", "Value": name}])["Metrics"]
    assert {"Invocations", "Errors", "Duration", "ConcurrentExecutions"} <= {m["MetricName"] for m in listed}
    # An unqualified invocation has no Resource of its own.
    assert not cw.list_metrics(Namespace="AWS/Lambda", MetricName="Invocations",
                               Dimensions=[{"Name": "FunctionName", "Value": name}, {"Name": "Resource"}])["Metrics"]

    with urllib.request.urlopen(server.endpoint + "/metrics", timeout=30) as answer:
        text = answer.read().decode()
    assert 'sluice_lambda_invocations_total{function_name="%s"} 3\n' % name in text
    assert 'sluice_lambda_errors_total{function_name="%s"} 1\n' % failing in text
    assert 'sluice_lambda_duration_seconds_count{function_name="%s"} 3\n' % name in text


def test_a_version_and_an_alias_have_their_resource(lam, cw, echo_zip):
    name = make_function(lam, echo_zip, "echo")
    version = lam.publish_version(FunctionName=name)["Version"]
    lam.create_alias(FunctionName=name, Name="live", FunctionVersion=version)
    lam.invoke(FunctionName=name, Qualifier="live", Payload=b"{}")
    lam.invoke(FunctionName=name, Qualifier=version, Payload=b"{}")
    lam.invoke(FunctionName=name + ":live", Payload=b"{}")

    assert total(cw, "Invocations", {"FunctionName": name}) == 3
    assert total(cw, "Invocations", {"FunctionName": name, "Resource": name + ":live"}) == 2
    assert total(cw, "Invocations", {"FunctionName": name, "Resource": "%s:%s" % (name, version)}) == 1
    assert total(cw, "Invocations",
                 {"FunctionName": name, "Resource": name + ":live", "ExecutedVersion": version}) == 2
    # ExecutedVersion is an alias invocation's only.
    assert total(cw, "Invocations",
                 {"FunctionName": name, "Resource": "%s:%s" % (name, version), "ExecutedVersion": version}) == 0


def test_a_throttled_invoke_counts_as_a_throttle_not_an_invocation(server, lam, cw, echo_zip):
    name = make_function(lam, echo_zip, "echo")
    lam.put_function_concurrency(FunctionName=name, ReservedConcurrentExecutions=0)
    # One attempt: the SDK would otherwise retry the 429, and each retry is a throttle of its own.
    once = boto3.client("lambda", endpoint_url=server.endpoint, config=Config(retries={"total_max_attempts": 1}),
                        **CREDENTIALS)
    with pytest.raises(ClientError) as caught:
        once.invoke(FunctionName=name, Payload=b"{}")
    assert caught.value.response["Error"]["Code"] == "TooManyRequestsException"
    assert total(cw, "Throttles", {"FunctionName": name}) == 1
    assert total(cw, "Invocations", {"FunctionName": name}) == 0


def test_event_invocations_are_received_aged_and_dropped(lam, cw, echo_zip, throws_zip):
    name = make_function(lam, echo_zip, "echo")
    assert lam.invoke(FunctionName=name, InvocationType="Event", Payload=b"{}")["StatusCode"] == 202
    assert total(cw, "AsyncEventsReceived", {"FunctionName": name}) == 1
    assert wait_for(lambda: total(cw, "Invocations", {"FunctionName": name}) == 1)
    ages = datapoints(cw, "AsyncEventAge", {"FunctionName": name}, "SampleCount")
    assert sum(p["SampleCount"] for p in ages) == 1
    assert {p["Unit"] for p in ages} == {"Milliseconds"}

    failing = make_function(lam, throws_zip, "throws")
    lam.put_function_event_invoke_config(FunctionName=failing, MaximumRetryAttempts=0)
    lam.invoke(FunctionName=failing, InvocationType="Event", Payload=b'{"throw": true}')
    assert wait_for(lambda: total(cw, "AsyncEventsDropped", {"FunctionName": failing}) == 1)
    assert total(cw, "Errors", {"FunctionName": failing}) == 1


def rest(server, method, path, body=None):
    """Lambda's REST API without a client model (botocore before MetricsConfig knew no such member)."""
    request = urllib.request.Request(server.endpoint + path, method=method,
                                     data=json.dumps(body).encode() if body is not None else None,
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as answer:
        return json.loads(answer.read())


def test_a_mapping_with_metrics_config_counts_its_events(server, lam, cw, echo_zip):
    sqs = server.client("sqs")
    url = sqs.create_queue(QueueName=unique("counted"))["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    name = make_function(lam, echo_zip, "echo")
    create = lam.meta.service_model.operation_model("CreateEventSourceMapping")
    if "MetricsConfig" in create.input_shape.members:
        created = lam.create_event_source_mapping(EventSourceArn=arn, FunctionName=name, BatchSize=10,
                                                  MetricsConfig=EVENT_COUNT)
        assert created["MetricsConfig"] == EVENT_COUNT
        mapping = created["UUID"]
        assert lam.get_event_source_mapping(UUID=mapping)["MetricsConfig"] == EVENT_COUNT
        listed = lam.list_event_source_mappings(FunctionName=name)["EventSourceMappings"]
        assert [m.get("MetricsConfig") for m in listed] == [EVENT_COUNT]
    else:
        created = rest(server, "POST", "/2015-03-31/event-source-mappings/",
                       {"EventSourceArn": arn, "FunctionName": name, "BatchSize": 10, "MetricsConfig": EVENT_COUNT})
        assert created["MetricsConfig"] == EVENT_COUNT
        mapping = created["UUID"]
    assert rest(server, "GET", "/2015-03-31/event-source-mappings/" + mapping)["MetricsConfig"] == EVENT_COUNT

    for i in range(3):
        sqs.send_message(QueueUrl=url, MessageBody=json.dumps({"n": i}))
    by_mapping = {"EventSourceMappingUUID": mapping}
    assert wait_for(lambda: total(cw, "DeletedEventCount", by_mapping) == 3)
    assert total(cw, "PolledEventCount", by_mapping) == 3
    assert total(cw, "InvokedEventCount", by_mapping) == 3
    assert total(cw, "FailedInvokeEventCount", by_mapping) == 0
    assert total(cw, "Invocations", {"FunctionName": name}) >= 1

    # Without EventCount the mapping's counts stop.
    rest(server, "PUT", "/2015-03-31/event-source-mappings/" + mapping, {"MetricsConfig": {"Metrics": []}})
    assert rest(server, "GET", "/2015-03-31/event-source-mappings/" + mapping)["MetricsConfig"] == {"Metrics": []}
    sqs.send_message(QueueUrl=url, MessageBody="{}")
    assert wait_for(lambda: total(cw, "Invocations", {"FunctionName": name}) >= 2)
    assert wait_for(lambda: sqs.get_queue_attributes(
        QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"])[
        "Attributes"] == {"ApproximateNumberOfMessages": "0", "ApproximateNumberOfMessagesNotVisible": "0"})
    # The batch is settled: a count it made would be there by now.
    assert not wait_for(lambda: total(cw, "InvokedEventCount", by_mapping) != 3, timeout=1.0)
    lam.delete_event_source_mapping(UUID=mapping)


def test_datapoints_survive_a_restart(server, lam, echo_zip):
    name = make_function(lam, echo_zip, "echo")
    for _ in range(2):
        lam.invoke(FunctionName=name, Payload=b"{}")
    server.restart()  # a clean stop writes metrics.db; the next start reads it
    cw = server.client("cloudwatch")
    assert total(cw, "Invocations", {"FunctionName": name}) == 2
    assert total(cw, "Duration", {"FunctionName": name}, "SampleCount") == 2
