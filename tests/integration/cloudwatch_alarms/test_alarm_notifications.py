"""End to end under `sluice up --time-scale 60` (a 60-second period takes a second): a queue is
driven past an alarm's threshold, the alarm goes to ALARM and its action publishes CloudWatch's
alarm message to an SNS topic, which an SQS queue subscribed to the topic receives; once the
queue drains the alarm returns to OK and says so the same way. A second alarm watches SNS's own
NumberOfMessagesPublished."""

import json
import os
import sys
import time
import uuid

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "cloudwatch"))

from cloudwatch_env import SCALE, client, wait_for  # noqa: E402

# Real seconds for a few evaluation minutes of the scaled clock, plus a loaded machine's slack.
LIMIT_S = 240 / SCALE + 30


def unique(prefix):
    return prefix + "-" + uuid.uuid4().hex[:10]


def alarm_inbox():
    """A topic and a queue subscribed to it (the SNS envelope, not raw)."""
    sns, sqs = client("sns"), client("sqs")
    topic = sns.create_topic(Name=unique("alarms"))["TopicArn"]
    inbox = sqs.create_queue(QueueName=unique("inbox"))["QueueUrl"]
    inbox_arn = sqs.get_queue_attributes(QueueUrl=inbox, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=inbox_arn)
    return topic, inbox


def next_notification(inbox):
    sqs = client("sqs")

    def one():
        got = sqs.receive_message(QueueUrl=inbox, MaxNumberOfMessages=1, WaitTimeSeconds=1).get("Messages", [])
        if not got:
            return None
        sqs.delete_message(QueueUrl=inbox, ReceiptHandle=got[0]["ReceiptHandle"])
        return json.loads(got[0]["Body"])

    return wait_for(one, LIMIT_S, "an alarm notification")


def test_queue_depth_alarm_notifies_through_sns_to_sqs_and_recovers():
    assert SCALE >= 10, "run with sluice_server.py --time-scale 60"
    sqs, cw = client("sqs"), client("cloudwatch")
    topic, inbox = alarm_inbox()
    work_name = unique("work")
    work = sqs.create_queue(QueueName=work_name)["QueueUrl"]
    alarm_name = unique("deep-queue")
    cw.put_metric_alarm(AlarmName=alarm_name, Namespace="AWS/SQS", MetricName="ApproximateNumberOfMessagesVisible",
                        Dimensions=[{"Name": "QueueName", "Value": work_name}], Statistic="Maximum", Period=60,
                        EvaluationPeriods=1, Threshold=5, ComparisonOperator="GreaterThanThreshold",
                        AlarmActions=[topic], OKActions=[topic], AlarmDescription="work is piling up")
    # One call, so that no sample sees part of the burst. A sample taken before it may move the
    # alarm to OK first (the queue was empty): that notification is read past.
    sqs.send_message_batch(QueueUrl=work, Entries=[{"Id": str(i), "MessageBody": "job %d" % i} for i in range(10)])

    envelope = next_notification(inbox)
    if json.loads(envelope["Message"])["NewStateValue"] == "OK":
        envelope = next_notification(inbox)
    assert envelope["Type"] == "Notification"
    assert envelope["TopicArn"] == topic
    assert envelope["Subject"] == 'ALARM: "%s" in US East (N. Virginia)' % alarm_name
    message = json.loads(envelope["Message"])
    assert message["AlarmName"] == alarm_name
    assert message["AlarmDescription"] == "work is piling up"
    assert message["NewStateValue"] == "ALARM"
    assert message["OldStateValue"] in ("INSUFFICIENT_DATA", "OK")
    assert message["NewStateReason"].startswith("Threshold Crossed: 1 out of the last 1 datapoints [10.0 (")
    assert message["NewStateReason"].endswith(
        "was greater than the threshold (5.0) (minimum 1 datapoint for OK -> ALARM transition).")
    assert message["Region"] == "US East (N. Virginia)"
    assert message["AWSAccountId"] == "123456789012"
    assert message["AlarmArn"] == "arn:aws:cloudwatch:us-east-1:123456789012:alarm:" + alarm_name
    trigger = message["Trigger"]
    assert trigger["MetricName"] == "ApproximateNumberOfMessagesVisible"
    assert trigger["Namespace"] == "AWS/SQS"
    assert trigger["Statistic"] == "MAXIMUM"
    assert trigger["Dimensions"] == [{"value": work_name, "name": "QueueName"}]
    assert trigger["Period"] == 60 and trigger["EvaluationPeriods"] == 1
    assert trigger["ComparisonOperator"] == "GreaterThanThreshold"
    assert trigger["Threshold"] == 5.0
    [alarm] = cw.describe_alarms(AlarmNames=[alarm_name])["MetricAlarms"]
    assert alarm["StateValue"] == "ALARM"
    assert json.loads(alarm["StateReasonData"])["recentDatapoints"] == [10.0]

    sqs.purge_queue(QueueUrl=work)
    recovered = json.loads(next_notification(inbox)["Message"])
    assert recovered["NewStateValue"] == "OK"
    assert recovered["OldStateValue"] == "ALARM"
    history = cw.describe_alarm_history(AlarmName=alarm_name, HistoryItemType="Action")["AlarmHistoryItems"]
    assert len(history) >= 2
    assert {h["HistorySummary"] for h in history} == {"Successfully executed action " + topic}


def test_sns_publish_count_alarm_and_treat_missing_data():
    sns, cw = client("sns"), client("cloudwatch")
    topic, inbox = alarm_inbox()
    watched = sns.create_topic(Name=unique("watched"))["TopicArn"]
    watched_name = watched.rsplit(":", 1)[1]
    alarm_name = unique("busy-topic")
    cw.put_metric_alarm(AlarmName=alarm_name, Namespace="AWS/SNS", MetricName="NumberOfMessagesPublished",
                        Dimensions=[{"Name": "TopicName", "Value": watched_name}], Statistic="Sum", Period=60,
                        EvaluationPeriods=2, DatapointsToAlarm=1, Threshold=3,
                        ComparisonOperator="GreaterThanOrEqualToThreshold", TreatMissingData="notBreaching",
                        AlarmActions=[topic])
    # notBreaching: with no data at all the alarm is OK, not INSUFFICIENT_DATA.
    wait_for(lambda: cw.describe_alarms(AlarmNames=[alarm_name], StateValue="OK")["MetricAlarms"], LIMIT_S,
             "the alarm to be OK without data")
    # One call, so that all four fall into one period.
    sns.publish_batch(TopicArn=watched, PublishBatchRequestEntries=[
        {"Id": str(i), "Message": "event %d" % i} for i in range(4)])
    message = json.loads(next_notification(inbox)["Message"])
    assert message["AlarmName"] == alarm_name
    assert message["NewStateValue"] == "ALARM" and message["OldStateValue"] == "OK"
    assert message["Trigger"]["Statistic"] == "SUM"
    assert message["Trigger"]["TreatMissingData"] == "notBreaching"
    assert "[4.0 (" in message["NewStateReason"]
