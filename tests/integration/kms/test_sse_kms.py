"""SSE-KMS through boto3: queues and topics whose KmsMasterKeyId is a KMS key of sluice's, end to
end (SNS -> SQS with both encrypted), the AWS-managed alias/aws/sqs and alias/aws/sns keys made
on first use, and the failures SQS and SNS answer once KMS refuses.

SQS consults KMS only when the queue's data key is refreshed (KmsDataKeyReusePeriodSeconds): the
reuse-period test needs a server whose clock runs at least 50 times faster
(`sluice up --time-scale`), and is skipped on a real-time one.
"""

import json
import time

import pytest
from botocore.exceptions import ClientError

from kms_env import ACCOUNT, TIME_SCALE, client, error_of, receive_all, unique

REUSE_S = 900  # 9 real seconds at --time-scale 100


@pytest.fixture
def kms():
    return client("kms")


@pytest.fixture
def sqs():
    return client("sqs")


@pytest.fixture
def sns():
    return client("sns")


def make_queue(sqs, name, attributes):
    url = sqs.create_queue(QueueName=name, Attributes=attributes)["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    return url, arn


def drain_until(sqs, url, wanted, deadline_s=20.0):
    """Receives and deletes until every body in `wanted` was seen; returns the bodies seen."""
    seen = []
    deadline = time.monotonic() + deadline_s
    while not set(wanted) <= set(seen) and time.monotonic() < deadline:
        for m in sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=1).get("Messages", []):
            seen.append(m["Body"])
            sqs.delete_message(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"])
    return seen


def test_encrypted_queue_round_trip_and_attributes(kms, sqs):
    key = kms.create_key(Description="queue key")["KeyMetadata"]
    url, _ = make_queue(sqs, unique("sse-kms"), {"KmsMasterKeyId": key["KeyId"],
                                                 "KmsDataKeyReusePeriodSeconds": "120"})
    attrs = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    assert attrs["KmsMasterKeyId"] == key["KeyId"]
    assert attrs["KmsDataKeyReusePeriodSeconds"] == "120"
    assert attrs["SqsManagedSseEnabled"] == "false"
    sqs.send_message(QueueUrl=url, MessageBody="encrypted at rest")
    got = receive_all(sqs, url, 1)
    assert [m["Body"] for m in got] == ["encrypted at rest"]


def test_a_queue_key_that_does_not_exist_fails_the_send(sqs):
    # AWS accepts any KmsMasterKeyId when the queue is made; the send is what fails.
    url, _ = make_queue(sqs, unique("sse-missing"), {"KmsMasterKeyId": "alias/" + unique("absent")})
    with pytest.raises(ClientError) as e:
        sqs.send_message(QueueUrl=url, MessageBody="x")
    code, message, status = error_of(e.value)
    assert (code, status) == ("KMS.NotFoundException", 400)
    assert " is not found." in message


def test_alias_aws_sqs_is_made_on_first_use(kms, sqs):
    url, _ = make_queue(sqs, unique("sse-managed"), {"KmsMasterKeyId": "alias/aws/sqs"})
    sqs.send_message(QueueUrl=url, MessageBody="managed")
    assert [m["Body"] for m in receive_all(sqs, url, 1)] == ["managed"]
    managed = kms.describe_key(KeyId="alias/aws/sqs")["KeyMetadata"]
    assert managed["KeyManager"] == "AWS"
    aliases = {a["AliasName"]: a for a in kms.list_aliases(KeyId=managed["KeyId"])["Aliases"]}
    assert aliases["alias/aws/sqs"]["TargetKeyId"] == managed["KeyId"]


def test_a_disabled_key_takes_effect_at_the_next_data_key_refresh(kms, sqs):
    if TIME_SCALE < 50:
        pytest.skip("needs a server run with --time-scale 50 or more")
    key = kms.create_key(Description="refresh")["KeyMetadata"]
    url, _ = make_queue(sqs, unique("sse-refresh"), {"KmsMasterKeyId": key["Arn"],
                                                     "KmsDataKeyReusePeriodSeconds": str(REUSE_S)})
    sqs.send_message(QueueUrl=url, MessageBody="before")  # the data key is generated here
    generated = time.monotonic()
    kms.disable_key(KeyId=key["KeyId"])

    # Within the reuse period the cached data key serves sends and receives alike.
    sqs.send_message(QueueUrl=url, MessageBody="within")
    assert {"before", "within"} <= set(drain_until(sqs, url, ["before", "within"]))
    sqs.send_message(QueueUrl=url, MessageBody="after")
    assert time.monotonic() - generated < REUSE_S / TIME_SCALE, "the machine was too slow to see the period"

    # At the refresh, KMS refuses: sends fail with SQS's code for it.
    deadline = generated + 3 * REUSE_S / TIME_SCALE + 30
    refused = None
    while refused is None and time.monotonic() < deadline:
        try:
            sqs.send_message(QueueUrl=url, MessageBody="probe")
            time.sleep(0.2)
        except ClientError as e:
            refused = e
    assert refused is not None, "sends never met the disabled key"
    assert time.monotonic() - generated >= 0.9 * REUSE_S / TIME_SCALE
    code, message, status = error_of(refused)
    assert (code, status) == ("KMS.DisabledException", 400)
    assert message.startswith(key["Arn"] + " is disabled.")
    # Receiving needs the data key decrypted again as well.
    with pytest.raises(ClientError) as e:
        sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, VisibilityTimeout=0)
    assert error_of(e.value)[0] == "KMS.DisabledException"

    kms.enable_key(KeyId=key["KeyId"])
    sqs.send_message(QueueUrl=url, MessageBody="enabled again")
    bodies = drain_until(sqs, url, ["after", "enabled again"])
    assert "after" in bodies and "enabled again" in bodies


def test_sns_to_sqs_with_both_encrypted(kms, sqs, sns):
    topic_key = kms.create_key(Description="topic key")["KeyMetadata"]
    queue_key = kms.create_key(Description="queue key")["KeyMetadata"]
    kms.create_alias(AliasName="alias/" + unique("topic"), TargetKeyId=topic_key["KeyId"])
    topic_arn = sns.create_topic(Name=unique("sse-topic"), Attributes={"KmsMasterKeyId": topic_key["Arn"]})["TopicArn"]
    assert sns.get_topic_attributes(TopicArn=topic_arn)["Attributes"]["KmsMasterKeyId"] == topic_key["Arn"]
    url, queue_arn = make_queue(sqs, unique("sse-sub"), {"KmsMasterKeyId": queue_key["KeyId"]})
    sns.subscribe(TopicArn=topic_arn, Protocol="sqs", Endpoint=queue_arn)

    published = sns.publish(TopicArn=topic_arn, Message="fan-out, encrypted twice")
    got = receive_all(sqs, url, 1)
    assert len(got) == 1
    envelope = json.loads(got[0]["Body"])
    assert envelope["Message"] == "fan-out, encrypted twice"
    assert envelope["MessageId"] == published["MessageId"]

    # SNS has no reuse period: the next publish after a disable fails.
    kms.disable_key(KeyId=topic_key["KeyId"])
    with pytest.raises(ClientError) as e:
        sns.publish(TopicArn=topic_arn, Message="refused")
    code, message, status = error_of(e.value)
    assert (code, status) == ("KMSDisabled", 400)
    assert message.startswith(topic_key["Arn"] + " is disabled.")
    kms.enable_key(KeyId=topic_key["KeyId"])

    kms.schedule_key_deletion(KeyId=topic_key["KeyId"], PendingWindowInDays=7)
    with pytest.raises(ClientError) as e:
        sns.publish(TopicArn=topic_arn, Message="refused")
    assert error_of(e.value)[0] == "KMSInvalidState"
    kms.cancel_key_deletion(KeyId=topic_key["KeyId"])
    kms.enable_key(KeyId=topic_key["KeyId"])
    sns.publish(TopicArn=topic_arn, Message="back")
    assert [json.loads(m["Body"])["Message"] for m in receive_all(sqs, url, 1)] == ["back"]


def test_topic_keys_by_alias_and_the_managed_sns_key(kms, sns):
    topic_arn = sns.create_topic(Name=unique("sse-managed"))["TopicArn"]
    sns.set_topic_attributes(TopicArn=topic_arn, AttributeName="KmsMasterKeyId", AttributeValue="alias/aws/sns")
    sns.publish(TopicArn=topic_arn, Message="with the managed key")
    assert kms.describe_key(KeyId="alias/aws/sns")["KeyMetadata"]["KeyManager"] == "AWS"

    sns.set_topic_attributes(TopicArn=topic_arn, AttributeName="KmsMasterKeyId",
                             AttributeValue="arn:aws:kms:us-east-1:%s:alias/%s" % (ACCOUNT, unique("gone")))
    with pytest.raises(ClientError) as e:
        sns.publish(TopicArn=topic_arn, Message="x")
    assert error_of(e.value)[:1] == ("KMSNotFound",)
