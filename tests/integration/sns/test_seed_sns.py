"""The seed tutorial's SNS snippets (sections 3, 4.4, 5.1-5.2, 5.4, 6.1-6.2) run as written with boto3,
with only endpoint_url added (credentials come from the environment), then their outcomes checked.

The snippets' typesetting slips are repaired (`set topic attributes` -> `set_topic_attributes`,
`topic arn` -> `topic_arn`, `qs = ` -> `sqs = `, `ison` -> `json`, missing closing parentheses);
where a snippet relies on something the seed never creates, the test creates it and says so.
The snippets use fixed names, as the seed does, so the suite expects a fresh server, and the
tests of one file build on each other the way the tutorial's sections do (5.2 reuses 5.1's
topic name, which CreateTopic answers idempotently).
"""

import json
import re

import boto3
import pytest
from botocore.exceptions import ClientError

from sns_env import BOUNDED, DATA_DIR, ENDPOINT, assert_queue_empty, outbox_lines, receive_all

SEED_REGION = "us-west-2"
ACCOUNT = "123456789012"
UUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


def seed_client(service, region_name):
    return boto3.client(service, region_name=region_name, endpoint_url=ENDPOINT, config=BOUNDED)


def queue_arn_of(sqs, url):
    return sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]


def notification(message):
    """The SNS envelope carried by an SQS message body."""
    body = json.loads(message["Body"])
    assert body["Type"] == "Notification"
    return body


# ---- 3.1 Creating and configuring SNS topics -------------------------------------------------

def test_3_1_create_topic_and_set_attributes():
    sns = seed_client('sns', region_name='us-west-2')

    response = sns.create_topic(
        Name='MySNSTopic'
    )
    topic_arn = response['TopicArn']
    assert topic_arn == "arn:aws:sns:us-west-2:123456789012:MySNSTopic"

    sns.set_topic_attributes(
        TopicArn=topic_arn,
        AttributeName='DisplayName',
        AttributeValue='MyAppNotifications'
    )
    # The seed's delivery policy is cut off after numNoDelayRetries; the rest is completed with
    # AWS's documented fields and defaults.
    delivery_policy = {
        "http": {
            "defaultHealthyRetryPolicy": {
                "minDelayTarget": 20,
                "maxDelayTarget": 20,
                "numRetries": 3,
                "numNoDelayRetries": 0,
                "numMinDelayRetries": 0,
                "numMaxDelayRetries": 0,
                "backoffFunction": "linear",
            }
        }
    }
    sns.set_topic_attributes(
        TopicArn=topic_arn,
        AttributeName='DeliveryPolicy',
        AttributeValue=json.dumps(delivery_policy)
    )

    attrs = sns.get_topic_attributes(TopicArn=topic_arn)["Attributes"]
    assert attrs["DisplayName"] == "MyAppNotifications"
    assert json.loads(attrs["DeliveryPolicy"]) == delivery_policy
    effective = json.loads(attrs["EffectiveDeliveryPolicy"])
    assert effective["http"]["defaultHealthyRetryPolicy"]["numRetries"] == 3
    assert attrs["TopicArn"] == topic_arn
    assert attrs["Owner"] == ACCOUNT
    # Creating the same name again is idempotent.
    assert sns.create_topic(Name='MySNSTopic')['TopicArn'] == topic_arn


# ---- 3.2 / 3.3 Publishing, message formats ---------------------------------------------------

@pytest.fixture(scope="module")
def my_topic_queue():
    """The seed publishes to MySNSTopic before anything subscribes to it (3.4 comes later); to see
    what the publishes deliver, the test subscribes a queue of its own first."""
    sns = seed_client('sns', region_name='us-west-2')
    sqs = seed_client('sqs', region_name='us-west-2')
    topic_arn = sns.create_topic(Name='MySNSTopic')['TopicArn']
    url = sqs.create_queue(QueueName='SeedObserverQueue')['QueueUrl']
    sub = sns.subscribe(TopicArn=topic_arn, Protocol='sqs', Endpoint=queue_arn_of(sqs, url))
    yield sqs, url
    sns.unsubscribe(SubscriptionArn=sub['SubscriptionArn'])


def test_3_2_publish_simple_message(my_topic_queue):
    sqs, url = my_topic_queue
    sns = seed_client('sns', region_name='us-west-2')
    topic_arn = 'arn:aws:sns:us-west-2:123456789012:MySNSTopic'

    response = sns.publish(
        TopicArn=topic_arn,
        Message='This is a test notification from SNS!',
        Subject='Test SNS Notification'
    )
    assert UUID_RE.match(response['MessageId'])

    got = receive_all(sqs, url, 1)
    assert len(got) == 1
    env = notification(got[0])
    assert env["MessageId"] == response["MessageId"]
    assert env["TopicArn"] == topic_arn
    assert env["Subject"] == "Test SNS Notification"
    assert env["Message"] == "This is a test notification from SNS!"
    sqs.delete_message(QueueUrl=url, ReceiptHandle=got[0]["ReceiptHandle"])


def test_3_2_publish_json_message_structure(my_topic_queue):
    sqs, url = my_topic_queue
    sns = seed_client('sns', region_name='us-west-2')
    topic_arn = 'arn:aws:sns:us-west-2:123456789012:MySNSTopic'
    message = {
        "default": "This is the default message format.",
        "email": "This is the message sent to email subscribers.",
        "sqs": json.dumps({"order_id": "12345", "status": "shipped"})
    }
    response = sns.publish(
        TopicArn=topic_arn,
        Message=json.dumps(message),
        MessageStructure='json'
    )
    assert UUID_RE.match(response['MessageId'])

    got = receive_all(sqs, url, 1)
    assert len(got) == 1
    env = notification(got[0])
    assert env["MessageId"] == response["MessageId"]
    assert env["Message"] == json.dumps({"order_id": "12345", "status": "shipped"})  # the sqs variant
    assert "Subject" not in env
    sqs.delete_message(QueueUrl=url, ReceiptHandle=got[0]["ReceiptHandle"])


def test_3_3_raw_and_structured_messages(my_topic_queue):
    sqs, url = my_topic_queue
    sns = seed_client('sns', region_name='us-west-2')
    topic_arn = sns.create_topic(Name='MySNSTopic')['TopicArn']

    sns.publish(
        TopicArn=topic_arn,
        Message='This is a raw message to all subscribers.'
    )
    message = {
        "default": "This is the default message.",
        "email": "This is an email-specific message.",
        "sqs": json.dumps({"order_id": "12345", "status": "processed"})
    }
    sns.publish(
        TopicArn=topic_arn,
        Message=json.dumps(message),
        MessageStructure='json'
    )

    got = receive_all(sqs, url, 2)
    assert sorted(notification(m)["Message"] for m in got) == sorted([
        'This is a raw message to all subscribers.',
        json.dumps({"order_id": "12345", "status": "processed"}),
    ])
    for m in got:
        sqs.delete_message(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"])


# ---- 3.4 Subscription protocols, listing, unsubscribing --------------------------------------

def test_3_4_subscribe_list_and_unsubscribe():
    sns = seed_client('sns', region_name='us-west-2')
    sqs = seed_client('sqs', region_name='us-west-2')
    topic_arn = sns.create_topic(Name='MySNSTopic')['TopicArn']  # the topic of 3.1
    queue_response = sqs.create_queue(
        QueueName='MyNotificationQueue'
    )
    queue_url = queue_response['QueueUrl']

    queue_attributes = sqs.get_queue_attributes(
        QueueUrl=queue_url,
        AttributeNames=['QueueArn']
    )
    queue_arn = queue_attributes['Attributes']['QueueArn']
    assert queue_arn == "arn:aws:sqs:us-west-2:123456789012:MyNotificationQueue"

    subscription = sns.subscribe(
        TopicArn=topic_arn,
        Protocol='sqs',
        Endpoint=queue_arn
    )
    sqs_sub_arn = subscription['SubscriptionArn']
    assert sqs_sub_arn.startswith(topic_arn + ":")
    assert UUID_RE.match(sqs_sub_arn[len(topic_arn) + 1:])

    # Subscribing an email endpoint: it stays pending until the address confirms.
    subscription = sns.subscribe(
        TopicArn=topic_arn,
        Protocol='email',
        Endpoint='example@example.com'
    )
    assert subscription['SubscriptionArn'] == 'pending confirmation'

    response = sns.list_subscriptions_by_topic(
        TopicArn=topic_arn
    )
    listed = {(s['Protocol'], s['Endpoint']): s for s in response['Subscriptions']}
    assert listed[('sqs', queue_arn)]['SubscriptionArn'] == sqs_sub_arn
    assert listed[('sqs', queue_arn)]['TopicArn'] == topic_arn
    assert listed[('sqs', queue_arn)]['Owner'] == ACCOUNT
    assert listed[('email', 'example@example.com')]['SubscriptionArn'] == 'PendingConfirmation'

    if DATA_DIR:  # the confirmation request that would have been mailed lands in the outbox
        confirmations = [line for line in outbox_lines()
                         if line["Endpoint"] == "example@example.com" and line["Type"] == "SubscriptionConfirmation"]
        assert len(confirmations) == 1
        assert "Action=ConfirmSubscription" in confirmations[0]["SubscribeURL"]

    # The seed's unsubscribe names a subscription that never existed: AWS answers that with success.
    subscription_arn = 'arn:aws:sns:us-west-2:123456789012:MySNSTopic:abcdefgh-1234-5678-abcd-ef1234567890'
    sns.unsubscribe(
        SubscriptionArn=subscription_arn
    )
    # And the real one goes away.
    sns.unsubscribe(SubscriptionArn=sqs_sub_arn)
    remaining = sns.list_subscriptions_by_topic(TopicArn=topic_arn)['Subscriptions']
    assert sqs_sub_arn not in [s['SubscriptionArn'] for s in remaining]
    assert ('email', 'example@example.com') in [(s['Protocol'], s['Endpoint']) for s in remaining]
    with pytest.raises(ClientError) as e:
        sns.get_subscription_attributes(SubscriptionArn=sqs_sub_arn)
    assert e.value.response["Error"]["Code"] == "NotFound"
    assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404

    # The account-wide listing sees the topic's subscriptions too.
    everything = sns.list_subscriptions()['Subscriptions']
    assert ('email', 'example@example.com', topic_arn) in [(s['Protocol'], s['Endpoint'], s['TopicArn'])
                                                            for s in everything]


# ---- 3.5 Access control: topic policy set and read back --------------------------------------

def test_3_5_topic_policies():
    sns = seed_client('sns', region_name='us-west-2')
    topic_arn = sns.create_topic(Name='MySNSTopic')['TopicArn']
    policy = {
        "Version": "2012-10-17",
        "Id": "__default_policy_ID",
        "Statement": [
            {
                "Sid": "__default_statement_ID",
                "Effect": "Allow",
                "Principal": {
                    "AWS": "arn:aws:iam::111122223333:root"
                },
                "Action": "SNS:Publish",
                "Resource": "arn:aws:sns:us-west-2:123456789012:MySNSTopic"
            }
        ]
    }
    sns.set_topic_attributes(
        TopicArn=topic_arn,
        AttributeName='Policy',
        AttributeValue=json.dumps(policy)
    )
    assert json.loads(sns.get_topic_attributes(TopicArn=topic_arn)['Attributes']['Policy']) == policy

    # "Allowing public access" as the seed writes it.
    policy = {
        "Version": "2012-10-17",
        "Id": "__default_policy_ID",
        "Statement": [
            {
                "Sid": " default statement ID",
                "Effect": "Allow",
                "Principal": "",
                "Action": "SNS:Publish",
                "Resource": "arn:aws:sns:us-west-2:123456789012:MySNSTopic"
            }
        ]
    }
    sns.set_topic_attributes(
        TopicArn=topic_arn,
        AttributeName='Policy',
        AttributeValue=json.dumps(policy)
    )
    assert json.loads(sns.get_topic_attributes(TopicArn=topic_arn)['Attributes']['Policy']) == policy


# ---- 4.4 Message filtering -------------------------------------------------------------------

def test_4_4_message_filtering():
    sns = boto3.client('sns', region_name='us-west-2', endpoint_url=ENDPOINT, config=BOUNDED)
    sqs = boto3.client('sqs', region_name='us-west-2', endpoint_url=ENDPOINT, config=BOUNDED)
    queue_response = sqs.create_queue(
        QueueName='FilteredQueue'
    )
    queue_url = queue_response['QueueUrl']
    queue_attributes = sqs.get_queue_attributes(
        QueueUrl=queue_url,
        AttributeNames=['QueueArn']
    )
    queue_arn = queue_attributes['Attributes']['QueueArn']
    topic_response = sns.create_topic(
        Name='FilterTopic'
    )
    topic_arn = topic_response['TopicArn']
    sub = sns.subscribe(
        TopicArn=topic_arn,
        Protocol='sqs',
        Endpoint=queue_arn,
        Attributes={
            'FilterPolicy': json.dumps({
                'eventType': ['order_placed', 'order_shipped']
            })
        }
    )
    attrs = sns.get_subscription_attributes(SubscriptionArn=sub['SubscriptionArn'])['Attributes']
    assert json.loads(attrs['FilterPolicy']) == {'eventType': ['order_placed', 'order_shipped']}

    sns.publish(
        TopicArn=topic_arn,
        Message='Order 12345 has been placed.',
        MessageAttributes={
            'eventType': {
                'DataType': 'String',
                'StringValue': 'order_placed'
            }
        }
    )
    sns.publish(
        TopicArn=topic_arn,
        Message='User 67890 has logged in.',
        MessageAttributes={
            'eventType': {
                'DataType': 'String',
                'StringValue': 'user logged in'
            }
        }
    )

    got = receive_all(sqs, queue_url, 2, deadline_s=3.0)
    assert [notification(m)["Message"] for m in got] == ['Order 12345 has been placed.']
    env = notification(got[0])
    assert env["MessageAttributes"] == {"eventType": {"Type": "String", "Value": "order_placed"}}


# ---- 5.1 Message filtering -------------------------------------------------------------------

def test_5_1_message_filtering():
    sns = seed_client('sns', region_name='us-west-2')
    topic_arn = sns.create_topic(Name='OrderTopic')['TopicArn']

    # Step 2 ("Create an SQS Queue and Subscribe to the SNS Topic") has no code in the seed; its
    # result names OrderQueue and says only order_placed reaches it, so this creates OrderQueue
    # and subscribes it with that filter.
    sqs = seed_client('sqs', region_name='us-west-2')
    queue_url = sqs.create_queue(QueueName='OrderQueue')['QueueUrl']
    sns.subscribe(TopicArn=topic_arn, Protocol='sqs', Endpoint=queue_arn_of(sqs, queue_url),
                  Attributes={'FilterPolicy': json.dumps({'eventType': ['order_placed']})})

    sns.publish(
        TopicArn=topic_arn,
        Message='Order 12345 has been placed.',
        MessageAttributes={
            'eventType': {
                'DataType': 'String',
                'StringValue': 'order_placed'
            }
        }
    )
    sns.publish(
        TopicArn=topic_arn,
        Message='Order 67890 has been canceled.',
        MessageAttributes={
            'eventType': {
                'DataType': 'String',
                'StringValue': 'order_canceled'
            }
        }
    )

    got = receive_all(sqs, queue_url, 2, deadline_s=3.0)
    assert [notification(m)["Message"] for m in got] == ['Order 12345 has been placed.']
    sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=got[0]["ReceiptHandle"])


# ---- 5.2 Fan-out to two queues ---------------------------------------------------------------

def test_5_2_fanout_to_two_queues():
    sqs = seed_client('sqs', region_name='us-west-2')

    queue1_url = sqs.create_queue(QueueName='OrderProcessingQueue')['QueueUrl']
    queue2_url = sqs.create_queue(QueueName='OrderShippingQueue')['QueueUrl']

    queue1_arn = sqs.get_queue_attributes(QueueUrl=queue1_url,
                                          AttributeNames=['QueueArn'])['Attributes']['QueueArn']
    queue2_arn = sqs.get_queue_attributes(QueueUrl=queue2_url,
                                          AttributeNames=['QueueArn'])['Attributes']['QueueArn']

    sns = seed_client('sns', region_name='us-west-2')
    topic_arn = sns.create_topic(Name='OrderTopic')['TopicArn']

    sns.subscribe(TopicArn=topic_arn, Protocol='sqs', Endpoint=queue1_arn)
    sns.subscribe(TopicArn=topic_arn, Protocol='sqs', Endpoint=queue2_arn)

    response = sns.publish(
        TopicArn=topic_arn,
        Message='New order 12345 placed.'
    )

    for url in (queue1_url, queue2_url):
        got = receive_all(sqs, url, 1)
        assert len(got) == 1, url
        env = notification(got[0])
        assert env["Message"] == 'New order 12345 placed.'
        assert env["MessageId"] == response["MessageId"]
        assert_queue_empty(sqs, url)
    # 5.1's OrderQueue shares the topic, but its filter needs an eventType this message lacks.
    orders = sqs.get_queue_url(QueueName='OrderQueue')['QueueUrl']
    assert_queue_empty(sqs, orders)


# ---- 5.4 Cross-region SNS ------------------------------------------------------------------------

def test_5_4_cross_region_sns():
    sns_us_west_2 = seed_client('sns', region_name='us-west-2')
    sns_us_east_1 = seed_client('sns', region_name='us-east-1')

    topic_us_west_2_arn = sns_us_west_2.create_topic(Name='GlobalTopic')['TopicArn']
    topic_us_east_1_arn = sns_us_east_1.create_topic(Name='GlobalTopic')['TopicArn']
    assert topic_us_west_2_arn == "arn:aws:sns:us-west-2:%s:GlobalTopic" % ACCOUNT
    assert topic_us_east_1_arn == "arn:aws:sns:us-east-1:%s:GlobalTopic" % ACCOUNT

    # 'sns' is not a protocol SNS delivers to: AWS refuses the seed's subscription, and so does sluice.
    with pytest.raises(ClientError) as e:
        sns_us_west_2.subscribe(
            TopicArn=topic_us_west_2_arn,
            Protocol='sns',
            Endpoint=topic_us_east_1_arn
        )
    assert e.value.response["Error"]["Code"] == "InvalidParameter"
    assert e.value.response["Error"]["Message"] == \
        "Invalid parameter: Amazon SNS does not support this protocol string: sns"

    # What AWS does support across regions: a queue of us-east-1 subscribed to the us-west-2 topic.
    sqs_us_east_1 = seed_client('sqs', region_name='us-east-1')
    replica_url = sqs_us_east_1.create_queue(QueueName='GlobalReplica')['QueueUrl']
    replica_arn = queue_arn_of(sqs_us_east_1, replica_url)
    assert ":us-east-1:" in replica_arn
    sns_us_west_2.subscribe(TopicArn=topic_us_west_2_arn, Protocol='sqs', Endpoint=replica_arn)

    sns_us_west_2.publish(
        TopicArn=topic_us_west_2_arn,
        Message='This message is replicated across regions.'
    )
    got = receive_all(sqs_us_east_1, replica_url, 1)
    assert len(got) == 1
    env = notification(got[0])
    assert env["Message"] == 'This message is replicated across regions.'
    assert env["TopicArn"] == topic_us_west_2_arn


# ---- 6.1 Event-driven architecture: two queues, processed and deleted ------------------------

def test_6_1_event_driven_order_processing():
    sns = seed_client('sns', region_name='us-west-2')
    topic_arn = sns.create_topic(Name='OrderPlacedTopic')['TopicArn']

    sqs = seed_client('sqs', region_name='us-west-2')
    payment_queue_url = sqs.create_queue(QueueName='PaymentProcessingQueue')['QueueUrl']
    inventory_queue_url = sqs.create_queue(QueueName='InventoryManagementQueue')['QueueUrl']
    payment_queue_arn = sqs.get_queue_attributes(QueueUrl=payment_queue_url,
                                                 AttributeNames=['QueueArn'])['Attributes']['QueueArn']
    inventory_queue_arn = sqs.get_queue_attributes(QueueUrl=inventory_queue_url,
                                                   AttributeNames=['QueueArn'])['Attributes']['QueueArn']

    sns.subscribe(TopicArn=topic_arn, Protocol='sqs',
                  Endpoint=payment_queue_arn)
    sns.subscribe(TopicArn=topic_arn, Protocol='sqs',
                  Endpoint=inventory_queue_arn)

    sns.publish(
        TopicArn=topic_arn,
        Message='{"order_id": "12345", "customer": "John Doe", "total": 99.99}',
        Subject='New Order Placed'
    )

    processed = {}
    payment_messages = sqs.receive_message(QueueUrl=payment_queue_url,
                                           MaxNumberOfMessages=10, WaitTimeSeconds=10)
    for message in payment_messages.get('Messages', []):
        processed.setdefault('payment', []).append(message['Body'])
        sqs.delete_message(QueueUrl=payment_queue_url,
                           ReceiptHandle=message['ReceiptHandle'])
    inventory_messages = sqs.receive_message(QueueUrl=inventory_queue_url,
                                             MaxNumberOfMessages=10, WaitTimeSeconds=10)
    for message in inventory_messages.get('Messages', []):
        processed.setdefault('inventory', []).append(message['Body'])
        sqs.delete_message(QueueUrl=inventory_queue_url,
                           ReceiptHandle=message['ReceiptHandle'])

    for service in ('payment', 'inventory'):
        assert len(processed.get(service, [])) == 1, service
        env = json.loads(processed[service][0])
        assert env["Subject"] == 'New Order Placed'
        assert json.loads(env["Message"]) == {"order_id": "12345", "customer": "John Doe", "total": 99.99}
    for url in (payment_queue_url, inventory_queue_url):  # deleted, not just hidden
        attrs = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=['All'])['Attributes']
        assert attrs['ApproximateNumberOfMessages'] == '0'
        assert attrs['ApproximateNumberOfMessagesNotVisible'] == '0'


# ---- 6.2 Notification system: three queues ---------------------------------------------------

def test_6_2_fanout_to_three_queues():
    sns = seed_client('sns', region_name='us-west-2')
    notification_topic_arn = sns.create_topic(Name='BlogPostNotificationTopic')['TopicArn']

    sqs = seed_client('sqs', region_name='us-west-2')
    email_queue_url = sqs.create_queue(QueueName='EmailNotificationQueue')['QueueUrl']
    database_queue_url = sqs.create_queue(QueueName='DatabaseUpdateQueue')['QueueUrl']
    social_media_queue_url = sqs.create_queue(QueueName='SocialMediaUpdateQueue')['QueueUrl']
    email_queue_arn = sqs.get_queue_attributes(QueueUrl=email_queue_url,
                                               AttributeNames=['QueueArn'])['Attributes']['QueueArn']
    database_queue_arn = sqs.get_queue_attributes(QueueUrl=database_queue_url,
                                                  AttributeNames=['QueueArn'])['Attributes']['QueueArn']
    social_media_queue_arn = sqs.get_queue_attributes(QueueUrl=social_media_queue_url,
                                                      AttributeNames=['QueueArn'])['Attributes']['QueueArn']

    sns.subscribe(TopicArn=notification_topic_arn, Protocol='sqs',
                  Endpoint=email_queue_arn)
    sns.subscribe(TopicArn=notification_topic_arn, Protocol='sqs',
                  Endpoint=database_queue_arn)
    sns.subscribe(TopicArn=notification_topic_arn, Protocol='sqs',
                  Endpoint=social_media_queue_arn)

    subs = sns.list_subscriptions_by_topic(TopicArn=notification_topic_arn)['Subscriptions']
    assert sorted(s['Endpoint'] for s in subs) == sorted([email_queue_arn, database_queue_arn, social_media_queue_arn])

    response = sns.publish(
        TopicArn=notification_topic_arn,
        Message='{"post_id": "67890", "title": "New Blog Post!", "author": "Jane Smith"}',
        Subject='New Blog Post Published'
    )

    bodies = {}
    for name, url in (('email', email_queue_url), ('database', database_queue_url),
                      ('social', social_media_queue_url)):
        messages = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=10)
        for message in messages.get('Messages', []):
            bodies.setdefault(name, []).append(message['Body'])
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message['ReceiptHandle'])
    assert sorted(bodies) == ['database', 'email', 'social']
    for name, got in bodies.items():
        assert len(got) == 1, name
        env = json.loads(got[0])
        assert env["MessageId"] == response["MessageId"]
        assert env["Subject"] == 'New Blog Post Published'
        assert json.loads(env["Message"])["post_id"] == "67890"
        # Each queue's envelope names its own subscription in UnsubscribeURL.
        assert "Action=Unsubscribe&SubscriptionArn=" + notification_topic_arn + ":" in env["UnsubscribeURL"]
    unsubscribe_urls = {json.loads(b[0])["UnsubscribeURL"] for b in bodies.values()}
    assert len(unsubscribe_urls) == 3
