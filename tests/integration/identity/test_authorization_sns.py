"""Policy evaluation on SNS calls and on SNS's deliveries to queues under `sluice up --auth enforce`,
and aws:SourceIp (the TCP peer's address) in conditions.

SNS refuses with its own AuthorizationError (403), naming the action with SNS's capitalised prefix:
"User: ARN is not authorized to perform: SNS:Publish on resource: TOPIC-ARN because ...". A topic's
Policy attribute is its resource policy (the default one allows only the owner account's services),
so a caller of another account needs it as well as its own policy. SNS delivers to a queue only
when the queue's policy allows sns.amazonaws.com for that topic; a refused delivery fails as a
client-side error: it goes to the subscription's dead-letter queue when one can take it.
"""
import json
import uuid

import pytest
from botocore.exceptions import ClientError

from identity_env import ACCOUNT, ALICE, BOB, CAROL, OTHER_ACCOUNT, ROOT, client


def refused(call, **kwargs):
    """The AuthorizationError message of a call SNS refuses."""
    with pytest.raises(ClientError) as raised:
        call(**kwargs)
    error = raised.value.response
    assert error["ResponseMetadata"]["HTTPStatusCode"] == 403, error
    assert error["Error"]["Code"] == "AuthorizationError", error
    return error["Error"]["Message"]


def new_topic(owner=ALICE):
    name = "authz-sns-" + uuid.uuid4().hex[:10]
    return client("sns", owner).create_topic(Name=name)["TopicArn"]


def new_user(policies):
    """A user made over IAM with the given inline policies; answers its (key, secret)."""
    iam = client("iam", ROOT)
    name = "sns-user-" + uuid.uuid4().hex[:8]
    iam.create_user(UserName=name)
    for index, document in enumerate(policies):
        iam.put_user_policy(UserName=name, PolicyName="p%d" % index, PolicyDocument=json.dumps(document))
    key = iam.create_access_key(UserName=name)["AccessKey"]
    return (key["AccessKeyId"], key["SecretAccessKey"]), "arn:aws:iam::%s:user/%s" % (ACCOUNT, name)


def statement(effect, action, resource="*", condition=None):
    found = {"Effect": effect, "Action": action, "Resource": resource}
    if condition:
        found["Condition"] = condition
    return found


def policy(*statements):
    return {"Version": "2012-10-17", "Statement": list(statements)}


# ---- SNS calls ------------------------------------------------------------------------------------

def test_a_user_without_a_policy_is_refused_with_sns_text():
    topic = new_topic()
    message = refused(client("sns", BOB).publish, TopicArn=topic, Message="x")
    assert message == ("User: arn:aws:iam::%s:user/bob is not authorized to perform: SNS:Publish on resource: %s "
                       "because no identity-based policy allows the SNS:Publish action" % (ACCOUNT, topic))
    # PublishBatch is authorized as SNS:Publish; subscription calls on the subscription's topic.
    message = refused(client("sns", BOB).publish_batch, TopicArn=topic,
                      PublishBatchRequestEntries=[{"Id": "1", "Message": "x"}])
    assert "perform: SNS:Publish on resource: %s " % topic in message
    message = refused(client("sns", BOB).list_topics)
    assert "perform: SNS:ListTopics on resource: *" in message


def test_an_allowed_user_publishes_and_an_explicit_deny_wins():
    topic = new_topic()
    key, arn = new_user([policy(statement("Allow", "sns:*")), policy(statement("Deny", "sns:DeleteTopic", topic))])
    sns = client("sns", key)
    assert sns.publish(TopicArn=topic, Message="hello")["MessageId"]
    message = refused(sns.delete_topic, TopicArn=topic)
    assert message == ("User: %s is not authorized to perform: SNS:DeleteTopic on resource: %s with an explicit deny "
                       "in an identity-based policy" % (arn, topic))
    assert topic in [t["TopicArn"] for t in client("sns", ALICE).list_topics()["Topics"]]


def test_a_topic_policy_naming_the_user_suffices_in_the_same_account():
    topic = new_topic()
    bob = client("sns", BOB)
    refused(bob.publish, TopicArn=topic, Message="x")
    document = policy({"Sid": "BobPublishes", "Effect": "Allow",
                       "Principal": {"AWS": "arn:aws:iam::%s:user/bob" % ACCOUNT},
                       "Action": "SNS:Publish", "Resource": topic})
    client("sns", ALICE).set_topic_attributes(TopicArn=topic, AttributeName="Policy",
                                              AttributeValue=json.dumps(document))
    assert bob.publish(TopicArn=topic, Message="by bob")["MessageId"]
    refused(bob.get_topic_attributes, TopicArn=topic)


def test_cross_account_needs_the_topic_policy_and_the_callers_own_policy():
    topic = new_topic()
    carol = client("sns", CAROL)
    message = refused(carol.publish, TopicArn=topic, Message="x")
    assert message == ("User: arn:aws:iam::%s:user/carol is not authorized to perform: SNS:Publish on resource: %s "
                       "because no resource-based policy allows the SNS:Publish action" % (OTHER_ACCOUNT, topic))
    document = policy({"Effect": "Allow", "Principal": {"AWS": OTHER_ACCOUNT}, "Action": "sns:Publish",
                       "Resource": topic})
    client("sns", ALICE).set_topic_attributes(TopicArn=topic, AttributeName="Policy",
                                              AttributeValue=json.dumps(document))
    assert carol.publish(TopicArn=topic, Message="from the other account")["MessageId"]
    # The topic policy allows Publish only.
    assert "SNS:GetTopicAttributes" in refused(carol.get_topic_attributes, TopicArn=topic)
    # A deny for everyone in the topic policy wins over both allows.
    document["Statement"].append({"Effect": "Deny", "Principal": "*", "Action": "sns:Publish", "Resource": topic})
    client("sns", ALICE).set_topic_attributes(TopicArn=topic, AttributeName="Policy",
                                              AttributeValue=json.dumps(document))
    assert refused(carol.publish, TopicArn=topic, Message="x").endswith(
        "with an explicit deny in a resource-based policy")


def test_subscribe_conditions_on_sns_protocol():
    topic = new_topic()
    key, _ = new_user([policy(statement("Allow", "sns:Subscribe", topic, {"StringEquals": {"sns:Protocol": "sqs"}}))])
    sns = client("sns", key)
    _, queue_arn = queue("authz-subscriber-" + uuid.uuid4().hex[:8])
    assert sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queue_arn)["SubscriptionArn"]
    message = refused(sns.subscribe, TopicArn=topic, Protocol="email", Endpoint="someone@example.com")
    assert "perform: SNS:Subscribe on resource: %s because no identity-based policy" % topic in message


def test_tag_conditions_on_create_topic():
    key, _ = new_user([policy(statement("Allow", "sns:CreateTopic", "*",
                                        {"StringEquals": {"aws:RequestTag/team": "payments"}}))])
    sns = client("sns", key)
    name = "tagged-" + uuid.uuid4().hex[:8]
    assert sns.create_topic(Name=name, Tags=[{"Key": "team", "Value": "payments"}])["TopicArn"].endswith(":" + name)
    message = refused(sns.create_topic, Name=name + "-b", Tags=[{"Key": "team", "Value": "search"}])
    assert "perform: SNS:CreateTopic on resource: arn:aws:sns:us-east-1:%s:%s-b " % (ACCOUNT, name) in message


# ---- SNS -> SQS deliveries ------------------------------------------------------------------------

def queue(name):
    sqs = client("sqs", ALICE)
    url = sqs.create_queue(QueueName=name)["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    return url, arn


def allow_topic(queue_url, queue_arn, topic):
    document = policy({"Effect": "Allow", "Principal": {"Service": "sns.amazonaws.com"}, "Action": "sqs:SendMessage",
                       "Resource": queue_arn, "Condition": {"ArnEquals": {"aws:SourceArn": topic}}})
    client("sqs", ALICE).set_queue_attributes(QueueUrl=queue_url, Attributes={"Policy": json.dumps(document)})


def bodies(url, wait_seconds):
    got = client("sqs", ALICE).receive_message(QueueUrl=url, WaitTimeSeconds=wait_seconds, MaxNumberOfMessages=10)
    return [m["Body"] for m in got.get("Messages", [])]


def test_delivery_to_a_queue_needs_its_policy_to_allow_the_topic():
    topic = new_topic()
    name = "authz-delivery-" + uuid.uuid4().hex[:8]
    url, arn = queue(name)
    dlq_url, dlq_arn = queue(name + "-dlq")
    allow_topic(dlq_url, dlq_arn, topic)  # the dead-letter queue takes the topic's failures
    sns = client("sns", ALICE)
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn, ReturnSubscriptionArn=True,
                  Attributes={"RawMessageDelivery": "true",
                              "RedrivePolicy": json.dumps({"deadLetterTargetArn": dlq_arn})})

    # Without a queue policy the delivery is refused: it fails and goes to the dead-letter queue.
    sns.publish(TopicArn=topic, Message="refused")
    assert bodies(dlq_url, 5) == ["refused"]
    assert bodies(url, 1) == []

    # A policy for another topic does not help.
    allow_topic(url, arn, topic + "-other")
    sns.publish(TopicArn=topic, Message="refused again")
    assert bodies(dlq_url, 5) == ["refused again"]
    assert bodies(url, 1) == []

    # With the queue policy allowing the topic, it arrives.
    allow_topic(url, arn, topic)
    sns.publish(TopicArn=topic, Message="allowed")
    assert bodies(url, 5) == ["allowed"]


# ---- aws:SourceIp ---------------------------------------------------------------------------------

def test_source_ip_is_the_callers_address():
    only_loopback = statement("Allow", "sqs:ListQueues", "*", {"IpAddress": {"aws:SourceIp": "127.0.0.1/32"}})
    key, _ = new_user([policy(only_loopback)])
    client("sqs", key).list_queues()

    elsewhere = statement("Allow", "sqs:ListQueues", "*", {"IpAddress": {"aws:SourceIp": ["10.0.0.0/8", "::1/128"]}})
    key, arn = new_user([policy(elsewhere)])
    with pytest.raises(ClientError) as raised:
        client("sqs", key).list_queues()
    assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403
    assert "because no identity-based policy allows the sqs:ListQueues action" in raised.value.response["Error"]["Message"]

    deny_loopback = statement("Deny", "sqs:*", "*", {"IpAddress": {"aws:SourceIp": "127.0.0.0/8"}})
    key, arn = new_user([policy(statement("Allow", "sqs:*")), policy(deny_loopback)])
    with pytest.raises(ClientError) as raised:
        client("sqs", key).list_queues()
    assert raised.value.response["Error"]["Message"] == (
        "User: %s is not authorized to perform: sqs:ListQueues on resource: * with an explicit deny in an "
        "identity-based policy" % arn)

    not_elsewhere = statement("Allow", "sqs:ListQueues", "*", {"NotIpAddress": {"aws:SourceIp": "192.0.2.0/24"}})
    key, _ = new_user([policy(not_elsewhere)])
    client("sqs", key).list_queues()
