"""SNS records who subscribed: GetSubscriptionAttributes' SubscriptionPrincipal is the signing
caller's IAM ARN (a user, or the account's root), as AWS answers it."""

import uuid

from identity_env import ACCOUNT, ALICE, ROOT, client


def subscription_principal(credentials):
    sns = client("sns", credentials)
    sqs = client("sqs", credentials)
    name = "principal-%s" % uuid.uuid4().hex[:10]
    topic = sns.create_topic(Name=name)["TopicArn"]
    url = sqs.create_queue(QueueName=name)["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    sub = sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queue_arn, ReturnSubscriptionArn=True)
    return sns.get_subscription_attributes(SubscriptionArn=sub["SubscriptionArn"])["Attributes"]


def test_a_user_subscribing_is_the_subscription_principal():
    attributes = subscription_principal(ALICE)
    assert attributes["SubscriptionPrincipal"] == "arn:aws:iam::%s:user/alice" % ACCOUNT
    assert attributes["Owner"] == ACCOUNT


def test_the_root_user_subscribing_is_the_account_root():
    assert subscription_principal(ROOT)["SubscriptionPrincipal"] == "arn:aws:iam::%s:root" % ACCOUNT
