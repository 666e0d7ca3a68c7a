"""CloudWatch's metrics and alarms API through boto3 (Query with boto3 1.26, JSON 1.0 with a newer
boto3): custom metrics in and statistics out, metric math, listing, alarms and their history,
tags, and CloudWatch's errors; SQS's own metrics as a queue is used."""

import datetime
import uuid

import pytest
from botocore.exceptions import ClientError

from cloudwatch_env import client, protocol, wait_for


def now():
    return datetime.datetime.now(datetime.timezone.utc)


def unique(prefix):
    return prefix + "-" + uuid.uuid4().hex[:10]


def error_of(call, **kwargs):
    with pytest.raises(ClientError) as caught:
        call(**kwargs)
    return caught.value.response


def test_put_metric_data_then_statistics_and_percentiles():
    cw = client("cloudwatch")
    ns = unique("App")
    dims = [{"Name": "Service", "Value": "checkout"}]
    cw.put_metric_data(Namespace=ns, MetricData=[
        {"MetricName": "Latency", "Dimensions": dims, "Value": v, "Unit": "Milliseconds"} for v in range(1, 101)
    ][:20])
    cw.put_metric_data(Namespace=ns, MetricData=[
        {"MetricName": "Latency", "Dimensions": dims, "Values": [float(v) for v in range(21, 101)],
         "Unit": "Milliseconds"},
        {"MetricName": "Orders", "Value": 3, "Unit": "Count"},
        {"MetricName": "Orders", "StatisticValues": {"SampleCount": 2, "Sum": 7, "Minimum": 3, "Maximum": 4},
         "Unit": "Count"},
    ])
    start, end = now() - datetime.timedelta(minutes=5), now() + datetime.timedelta(minutes=2)
    stats = cw.get_metric_statistics(Namespace=ns, MetricName="Latency", Dimensions=dims, StartTime=start,
                                     EndTime=end, Period=600, Statistics=["Sum", "SampleCount", "Maximum", "Minimum",
                                                                          "Average"],
                                     ExtendedStatistics=["p90"])
    assert stats["Label"] == "Latency"
    [point] = stats["Datapoints"]
    assert point["Sum"] == sum(range(1, 101))
    assert point["SampleCount"] == 100
    assert point["Minimum"] == 1 and point["Maximum"] == 100
    assert point["Average"] == pytest.approx(50.5)
    assert point["ExtendedStatistics"]["p90"] == 90
    assert point["Unit"] == "Milliseconds"
    assert isinstance(point["Timestamp"], datetime.datetime)

    orders = cw.get_metric_statistics(Namespace=ns, MetricName="Orders", StartTime=start, EndTime=end, Period=600,
                                      Statistics=["Sum", "SampleCount"])["Datapoints"]
    assert orders[0]["Sum"] == 10 and orders[0]["SampleCount"] == 3
    # A unit that does not match answers no datapoints, as CloudWatch does.
    assert cw.get_metric_statistics(Namespace=ns, MetricName="Orders", StartTime=start, EndTime=end, Period=600,
                                    Statistics=["Sum"], Unit="Bytes")["Datapoints"] == []


def test_get_metric_data_with_metric_math():
    cw = client("cloudwatch")
    ns = unique("Math")
    cw.put_metric_data(Namespace=ns, MetricData=[{"MetricName": "Errors", "Value": 5},
                                                 {"MetricName": "Requests", "Value": 50}])
    start, end = now() - datetime.timedelta(minutes=5), now() + datetime.timedelta(minutes=2)

    def stat(name):
        return {"Metric": {"Namespace": ns, "MetricName": name}, "Period": 60, "Stat": "Sum"}

    got = cw.get_metric_data(StartTime=start, EndTime=end, MetricDataQueries=[
        {"Id": "e", "MetricStat": stat("Errors"), "ReturnData": False},
        {"Id": "r", "MetricStat": stat("Requests")},
        {"Id": "rate", "Expression": "100 * e / r", "Label": "ErrorRate"},
        {"Id": "total", "Expression": "SUM([e, r])"},
    ])
    results = {r["Id"]: r for r in got["MetricDataResults"]}
    assert set(results) == {"r", "rate", "total"}
    assert results["r"]["Values"] == [50.0] and results["r"]["Label"] == "Requests"
    assert results["rate"]["Values"] == [10.0] and results["rate"]["Label"] == "ErrorRate"
    assert results["total"]["Values"] == [55.0]
    assert results["r"]["StatusCode"] == "Complete"
    assert len(results["r"]["Timestamps"]) == 1

    bad = error_of(cw.get_metric_data, StartTime=start, EndTime=end, MetricDataQueries=[
        {"Id": "x", "Expression": "FOO(e)"}])
    assert bad["Error"]["Code"] == "ValidationError"


def test_list_metrics_filters_and_sqs_metrics_appear():
    cw = client("cloudwatch")
    ns = unique("List")
    cw.put_metric_data(Namespace=ns, MetricData=[
        {"MetricName": "A", "Dimensions": [{"Name": "Host", "Value": "h1"}], "Value": 1},
        {"MetricName": "A", "Dimensions": [{"Name": "Host", "Value": "h2"}], "Value": 1},
        {"MetricName": "B", "Value": 1},
    ])
    assert len(cw.list_metrics(Namespace=ns)["Metrics"]) == 3
    only = cw.list_metrics(Namespace=ns, MetricName="A", Dimensions=[{"Name": "Host", "Value": "h2"}])["Metrics"]
    assert only == [{"Namespace": ns, "MetricName": "A", "Dimensions": [{"Name": "Host", "Value": "h2"}]}]
    assert len(cw.list_metrics(Namespace=ns, Dimensions=[{"Name": "Host"}])["Metrics"]) == 2
    assert len(cw.list_metrics(Namespace=ns, RecentlyActive="PT3H")["Metrics"]) == 3

    sqs = client("sqs")
    name = unique("metered")
    url = sqs.create_queue(QueueName=name)["QueueUrl"]
    sqs.send_message(QueueUrl=url, MessageBody="x" * 100)
    sqs.send_message(QueueUrl=url, MessageBody="y" * 50)
    got = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=1)["Messages"]
    for m in got:
        sqs.delete_message(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"])
    names = {m["MetricName"] for m in cw.list_metrics(
        Namespace="AWS/SQS", Dimensions=[{"Name": "QueueName", "Value": name}])["Metrics"]}
    assert {"NumberOfMessagesSent", "SentMessageSize", "NumberOfMessagesReceived",
            "NumberOfMessagesDeleted"} <= names
    start, end = now() - datetime.timedelta(minutes=5), now() + datetime.timedelta(minutes=2)
    size = cw.get_metric_statistics(Namespace="AWS/SQS", MetricName="SentMessageSize",
                                    Dimensions=[{"Name": "QueueName", "Value": name}], StartTime=start, EndTime=end,
                                    Period=600, Statistics=["Sum", "Maximum"])["Datapoints"][0]
    assert size["Sum"] == 150 and size["Maximum"] == 100 and size["Unit"] == "Bytes"


def test_alarm_lifecycle_history_and_tags():
    # TreatMissingData ignore: the server's evaluation (every 10 s) finds no data and keeps whatever
    # state the test set, so nothing here races it.
    cw = client("cloudwatch")
    name = unique("alarm")
    cw.put_metric_alarm(AlarmName=name, MetricName="Errors", Namespace="Shop", Statistic="Sum", Period=60,
                        EvaluationPeriods=3, DatapointsToAlarm=2, Threshold=5.5,
                        ComparisonOperator="GreaterThanOrEqualToThreshold", TreatMissingData="ignore",
                        AlarmDescription="too many errors", Dimensions=[{"Name": "Stage", "Value": "prod"}],
                        AlarmActions=["arn:aws:sns:us-east-1:123456789012:nowhere"],
                        Tags=[{"Key": "team", "Value": "blue"}])
    [alarm] = cw.describe_alarms(AlarmNames=[name])["MetricAlarms"]
    assert alarm["StateValue"] == "INSUFFICIENT_DATA"
    assert alarm["StateReason"] == "Unchecked: Initial alarm creation"
    assert alarm["Threshold"] == 5.5 and alarm["DatapointsToAlarm"] == 2 and alarm["EvaluationPeriods"] == 3
    assert alarm["Dimensions"] == [{"Name": "Stage", "Value": "prod"}]
    assert alarm["AlarmArn"].endswith(":alarm:" + name)
    assert alarm["ActionsEnabled"] is True
    assert isinstance(alarm["StateUpdatedTimestamp"], datetime.datetime)

    assert [a["AlarmName"] for a in cw.describe_alarms(AlarmNamePrefix=name[:12])["MetricAlarms"]] == [name]
    for_metric = cw.describe_alarms_for_metric(MetricName="Errors", Namespace="Shop",
                                               Dimensions=[{"Name": "Stage", "Value": "prod"}])["MetricAlarms"]
    assert name in [a["AlarmName"] for a in for_metric]

    cw.disable_alarm_actions(AlarmNames=[name])
    assert cw.describe_alarms(AlarmNames=[name])["MetricAlarms"][0]["ActionsEnabled"] is False
    cw.set_alarm_state(AlarmName=name, StateValue="ALARM", StateReason="testing")
    [alarm] = cw.describe_alarms(AlarmNames=[name], StateValue="ALARM")["MetricAlarms"]
    assert alarm["StateReason"] == "testing"
    cw.enable_alarm_actions(AlarmNames=[name])

    history = cw.describe_alarm_history(AlarmName=name)["AlarmHistoryItems"]
    assert [h["HistoryItemType"] for h in history] == ["StateUpdate", "ConfigurationUpdate"]
    assert history[0]["HistorySummary"] == "Alarm updated from INSUFFICIENT_DATA to ALARM"
    assert history[1]["HistorySummary"] == 'Alarm "%s" created' % name

    arn = alarm["AlarmArn"]
    cw.tag_resource(ResourceARN=arn, Tags=[{"Key": "env", "Value": "dev"}])
    cw.untag_resource(ResourceARN=arn, TagKeys=["team"])
    assert cw.list_tags_for_resource(ResourceARN=arn)["Tags"] == [{"Key": "env", "Value": "dev"}]

    cw.delete_alarms(AlarmNames=[name])
    assert cw.describe_alarms(AlarmNames=[name])["MetricAlarms"] == []


def test_errors_are_cloudwatchs():
    cw = client("cloudwatch")
    e = error_of(cw.put_metric_data, Namespace="AWS/SQS", MetricData=[{"MetricName": "X", "Value": 1}])
    assert e["Error"]["Code"] == "InvalidParameterValue"
    assert e["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert e["Error"]["Message"] == "The value AWS/ for parameter Namespace is invalid."

    e = error_of(cw.put_metric_data, Namespace="Mine", MetricData=[
        {"MetricName": "X", "Value": 1, "StatisticValues": {"SampleCount": 1, "Sum": 1, "Minimum": 1, "Maximum": 1}}])
    assert e["Error"]["Code"] == "InvalidParameterCombination"
    assert e["Error"]["Message"] == ("The parameters MetricData.member.1.Value and MetricData.member.1.StatisticValues "
                                     "are mutually exclusive and you have specified both.")

    e = error_of(cw.put_metric_alarm, AlarmName="bad-period", MetricName="X", Namespace="Mine", Statistic="Sum",
                 Period=45, EvaluationPeriods=1, Threshold=1, ComparisonOperator="GreaterThanThreshold")
    assert e["Error"]["Code"] == "InvalidParameterValue"

    e = error_of(cw.delete_alarms, AlarmNames=["no-such-alarm-" + uuid.uuid4().hex])
    assert e["Error"]["Code"] == "ResourceNotFound"
    assert e["ResponseMetadata"]["HTTPStatusCode"] == 404

    e = error_of(cw.set_alarm_state, AlarmName="no-such-alarm", StateValue="OK", StateReason="x")
    assert e["Error"]["Code"] == "ResourceNotFound"

    e = error_of(cw.list_tags_for_resource, ResourceARN="arn:aws:cloudwatch:us-east-1:123456789012:alarm:none")
    assert e["Error"]["Code"] == "ResourceNotFoundException"

    start = now()
    e = error_of(cw.get_metric_statistics, Namespace="Mine", MetricName="X", StartTime=start,
                 EndTime=start + datetime.timedelta(days=2), Period=60, Statistics=["Sum"])
    assert e["Error"]["Code"] == "InvalidParameterCombination"
    assert e["Error"]["Message"] == ("You have requested up to 2,880 datapoints, which exceeds the limit of 1,440. "
                                     "You may reduce the datapoints requested by increasing Period, or decreasing the "
                                     "time range.")

    e = error_of(cw.describe_alarms, NextToken="not-a-token")
    assert e["Error"]["Code"] == "InvalidNextToken"


def test_protocol_is_reported():
    assert protocol() in ("query", "json")
