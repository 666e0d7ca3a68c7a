"""The seed tutorial's CloudWatch alarm snippets (sections 5.5, 7.3 and 7.4) run as written with
boto3, with only endpoint_url added (credentials come from the environment), then the alarms they
create are checked.

The snippets' typesetting slips are repaired (`topic arn` -> `topic_arn`, the closing brackets
and parentheses the page lost). Section 5.5 publishes to MyTopic, which the seed never creates:
the test creates it first. 7.3's second snippet reuses the first's `cloudwatch` client, as the
tutorial does.
"""

import boto3

from cloudwatch_env import BOUNDED, ENDPOINT

ACCOUNT = "123456789012"


def describe(name):
    cw = boto3.client("cloudwatch", region_name="us-west-2", endpoint_url=ENDPOINT, config=BOUNDED)
    [alarm] = cw.describe_alarms(AlarmNames=[name])["MetricAlarms"]
    return alarm


# ---- 5.5 Monitoring SNS with CloudWatch -------------------------------------------------------

def test_5_5_alarm_on_sns_delivery_failures_then_publish():
    boto3.client("sns", region_name="us-west-2", endpoint_url=ENDPOINT, config=BOUNDED).create_topic(Name="MyTopic")

    cloudwatch = boto3.client('cloudwatch', region_name='us-west-2', endpoint_url=ENDPOINT)
    alarm_name = 'SNSDeliveryFailures'
    topic_arn = 'arn:aws:sns:us-west-2:123456789012:MyTopic'
    cloudwatch.put_metric_alarm(
        AlarmName=alarm_name,
        MetricName='NumberOfNotificationsFailed',
        Namespace='AWS/SNS',
        Statistic='Sum',
        Period=300,
        EvaluationPeriods=1,
        Threshold=1,
        ComparisonOperator='GreaterThanOrEqualToThreshold',
        AlarmActions=[topic_arn],
        Dimensions=[
            {
                'Name': 'TopicName',
                'Value': 'MyTopic'
            }
        ]
    )

    sns = boto3.client('sns', region_name='us-west-2', endpoint_url=ENDPOINT)
    sns.publish(
        TopicArn=topic_arn,
        Message='This is a test message to trigger the alarm.'
    )

    alarm = describe("SNSDeliveryFailures")
    assert alarm["Namespace"] == "AWS/SNS"
    assert alarm["MetricName"] == "NumberOfNotificationsFailed"
    assert alarm["Statistic"] == "Sum" and alarm["Period"] == 300 and alarm["Threshold"] == 1.0
    assert alarm["AlarmActions"] == ["arn:aws:sns:us-west-2:%s:MyTopic" % ACCOUNT]
    assert alarm["Dimensions"] == [{"Name": "TopicName", "Value": "MyTopic"}]
    assert alarm["AlarmArn"] == "arn:aws:cloudwatch:us-west-2:%s:alarm:SNSDeliveryFailures" % ACCOUNT


# ---- 7.3 Monitoring and Logging ---------------------------------------------------------------

def test_7_3_alarms_on_queue_depth_and_failed_notifications():
    cloudwatch = boto3.client('cloudwatch', region_name='us-west-2', endpoint_url=ENDPOINT)

    cloudwatch.put_metric_alarm(
        AlarmName='HighNumberOfMessagesInQueue',
        MetricName='ApproximateNumberOfMessagesVisible',
        Namespace='AWS/SQS',
        Statistic='Average',
        Period=300,
        EvaluationPeriods=1,
        Threshold=100,
        ComparisonOperator='GreaterThanThreshold',
        AlarmActions=[
            'arn:aws:sns:us-west-2:123456789012:MyAlarmTopic'
        ],
    )

    cloudwatch.put_metric_alarm(
        AlarmName='HighNumberOfFailedNotifications',
        MetricName='NumberOfNotificationsFailed',
        Namespace='AWS/SNS',
        Statistic='Sum',
        Period=300,
        EvaluationPeriods=1,
        Threshold=1,
        ComparisonOperator='GreaterThanOrEqualToThreshold',
        AlarmActions=[
            'arn:aws:sns:us-west-2:123456789012:MyAlarmTopic'
        ],
        Dimensions=[
            {
                'Name': 'TopicName',
                'Value': 'MyTopic'
            }
        ]
    )
    print("CloudWatch alarm created for SNS topic.")

    depth = describe("HighNumberOfMessagesInQueue")
    assert depth["Statistic"] == "Average" and depth["Threshold"] == 100.0
    assert depth["ComparisonOperator"] == "GreaterThanThreshold"
    assert depth["Dimensions"] == []
    assert depth["StateValue"] == "INSUFFICIENT_DATA"
    failed = describe("HighNumberOfFailedNotifications")
    assert failed["Dimensions"] == [{"Name": "TopicName", "Value": "MyTopic"}]


# ---- 7.4 Cost Management ----------------------------------------------------------------------

def test_7_4_alarm_on_messages_sent_per_day():
    cloudwatch = boto3.client('cloudwatch', region_name='us-west-2', endpoint_url=ENDPOINT)

    cloudwatch.put_metric_alarm(
        AlarmName='HighSQSMessagesSent',
        MetricName='NumberOfMessagesSent',
        Namespace='AWS/SQS',
        Statistic='Sum',
        Period=86400,
        EvaluationPeriods=1,
        Threshold=10000,
        ComparisonOperator='GreaterThanThreshold',
        AlarmActions=[
            'arn:aws:sns:us-west-2:123456789012:CostAlarmTopic'
        ],
        Dimensions=[
            {
                'Name': 'QueueName',
                'Value': 'MyQueue'
            }
        ]
    )
    print("CloudWatch alarm for cost monitoring created.")

    alarm = describe("HighSQSMessagesSent")
    assert alarm["Period"] == 86400 and alarm["Threshold"] == 10000.0
    assert alarm["AlarmActions"] == ["arn:aws:sns:us-west-2:%s:CostAlarmTopic" % ACCOUNT]
    assert alarm["Dimensions"] == [{"Name": "QueueName", "Value": "MyQueue"}]
