"""SQS where AWS was recorded answering in ways a guess would miss, through boto3 (both protocols)
and raw HTTP: FIFO group order after visibility changes, FIFO batch and delay rules, the
deduplication window, queues per region, bare queue names, older receipt handles, the policy
AddPermission writes, tag limits, attribute names, queue URLs as Query endpoints and X-Ray trace
headers.
"""

import json
import urllib.error
import urllib.parse
import urllib.request
import uuid

import pytest
from botocore.exceptions import ClientError

from sqs_env import ENDPOINT, client, error_code, protocol


def unique(prefix):
    return prefix + "-" + uuid.uuid4().hex[:10]


@pytest.fixture
def sqs():
    return client()


def raises(code, fn, **kwargs):
    with pytest.raises(ClientError) as info:
        fn(**kwargs)
    assert error_code(info.value) == code, info.value.response
    return info.value.response


def bodies(response):
    return [m["Body"] for m in response.get("Messages", [])]


def fifo_queue(sqs, **attributes):
    attributes["FifoQueue"] = "true"
    return sqs.create_queue(QueueName=unique("f") + ".fifo", Attributes=attributes)["QueueUrl"]


def raw_get(url, params=None, headers=None):
    """An unsigned GET (a Query request sent to a queue URL); answers (status, body text)."""
    if params:
        url += "?" + urllib.parse.urlencode(params)
    request = urllib.request.Request(url, headers=headers or {}, method="GET")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


# ---- FIFO message groups after visibility changes ---------------------------------------------------

def three_in_flight(sqs):
    url = fifo_queue(sqs, VisibilityTimeout="30")
    for body in ("foo", "bar", "baz"):
        sqs.send_message(QueueUrl=url, MessageBody=body, MessageGroupId="g", MessageDeduplicationId=body)
    held = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)["Messages"]
    assert [m["Body"] for m in held] == ["foo", "bar", "baz"]
    return url, held


def test_fifo_message_made_visible_is_delivered_first(sqs):
    url, held = three_in_flight(sqs)
    assert bodies(sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)) == []
    sqs.change_message_visibility(QueueUrl=url, ReceiptHandle=held[2]["ReceiptHandle"], VisibilityTimeout=0)
    assert bodies(sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)) == []  # foo still locks the group
    sqs.change_message_visibility(QueueUrl=url, ReceiptHandle=held[0]["ReceiptHandle"], VisibilityTimeout=0)
    assert bodies(sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)) == ["foo"]


def test_fifo_batch_visibility_change_releases_in_order(sqs):
    url, held = three_in_flight(sqs)
    r = sqs.change_message_visibility_batch(QueueUrl=url, Entries=[
        {"Id": "a", "ReceiptHandle": held[0]["ReceiptHandle"], "VisibilityTimeout": 0},
        {"Id": "b", "ReceiptHandle": held[1]["ReceiptHandle"], "VisibilityTimeout": 0}])
    assert not r.get("Failed")
    assert bodies(sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)) == ["foo", "bar"]


def test_fifo_receive_with_visibility_zero_keeps_the_message_first(sqs):
    url = fifo_queue(sqs)
    for body in ("foo", "bar"):
        sqs.send_message(QueueUrl=url, MessageBody=body, MessageGroupId="g", MessageDeduplicationId=body)
    assert bodies(sqs.receive_message(QueueUrl=url, VisibilityTimeout=0)) == ["foo"]
    assert bodies(sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)) == ["foo", "bar"]


# ---- FIFO sending rules --------------------------------------------------------------------------------

def test_fifo_delay_zero_is_accepted(sqs):
    url = fifo_queue(sqs)
    sqs.send_message(QueueUrl=url, MessageBody="a", MessageGroupId="g", MessageDeduplicationId="a", DelaySeconds=0)
    r = sqs.send_message_batch(QueueUrl=url, Entries=[
        {"Id": "1", "MessageBody": "b", "MessageGroupId": "g", "MessageDeduplicationId": "b", "DelaySeconds": 0}])
    assert [e["Id"] for e in r["Successful"]] == ["1"]
    assert "Failed" not in r  # AWS leaves an empty Failed out
    r = raises("InvalidParameterValue", sqs.send_message, QueueUrl=url, MessageBody="c", MessageGroupId="g",
               MessageDeduplicationId="c", DelaySeconds=2)
    assert r["Error"]["Message"] == ("Value 2 for parameter DelaySeconds is invalid. Reason: The request include "
                                     "parameter that is not valid for this queue type.")


def test_fifo_batch_entry_without_group_or_dedup_fails_the_request(sqs):
    url = fifo_queue(sqs)
    r = raises("InvalidParameterValue", sqs.send_message_batch, QueueUrl=url, Entries=[
        {"Id": "ok", "MessageBody": "a", "MessageGroupId": "g", "MessageDeduplicationId": "a"},
        {"Id": "bad", "MessageBody": "b"}])
    assert r["Error"]["Message"] == "The request must contain the parameter MessageGroupId."
    assert r["ResponseMetadata"]["HTTPStatusCode"] == 400
    r = raises("InvalidParameterValue", sqs.send_message_batch, QueueUrl=url, Entries=[
        {"Id": "bad", "MessageBody": "b", "MessageGroupId": "g"}])
    assert r["Error"]["Message"] == ("The queue should either have ContentBasedDeduplication enabled or "
                                     "MessageDeduplicationId provided explicitly")
    assert "Messages" not in sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)


def test_purge_clears_the_deduplication_window(sqs):
    url = fifo_queue(sqs)
    first = sqs.send_message(QueueUrl=url, MessageBody="a", MessageGroupId="g", MessageDeduplicationId="d")
    sqs.purge_queue(QueueUrl=url)
    again = sqs.send_message(QueueUrl=url, MessageBody="a", MessageGroupId="g", MessageDeduplicationId="d")
    assert again["MessageId"] != first["MessageId"]
    assert bodies(sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)) == ["a"]


def test_switch_to_high_throughput_after_creation(sqs):
    url = fifo_queue(sqs)
    send = lambda body, group, dedup: sqs.send_message(  # noqa: E731
        QueueUrl=url, MessageBody=body, MessageGroupId=group, MessageDeduplicationId=dedup)
    send("Test1", "g1", "d1")
    send("Test2", "g2", "d1")
    got = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)["Messages"]
    assert [m["Body"] for m in got] == ["Test1"]
    sqs.delete_message(QueueUrl=url, ReceiptHandle=got[0]["ReceiptHandle"])  # unlocks g1
    sqs.set_queue_attributes(QueueUrl=url, Attributes={
        "DeduplicationScope": "messageGroup", "FifoThroughputLimit": "perMessageGroupId"})
    send("Test3", "g3", "d1")  # d1 was sent under queue scope: still a duplicate in any group
    assert "Messages" not in sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)
    send("Test4", "g1", "d2")
    send("Test5", "g2", "d2")  # under messageGroup scope, another group's d2 is new
    assert sorted(bodies(sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10))) == ["Test4", "Test5"]


def test_set_fifo_queue_true_on_fifo_queue_is_a_no_op(sqs):
    url = fifo_queue(sqs)
    sqs.set_queue_attributes(QueueUrl=url, Attributes={"FifoQueue": "true"})
    r = raises("InvalidAttributeValue", sqs.set_queue_attributes, QueueUrl=url, Attributes={"FifoQueue": "false"})
    assert r["Error"]["Message"] == ("Invalid value for the parameter FifoQueue. Reason: Modifying queue type is "
                                     "not supported.")


# ---- queues, URLs and regions ----------------------------------------------------------------------------

def test_a_queue_name_stands_for_its_url(sqs):
    name = unique("byname")
    url = sqs.create_queue(QueueName=name)["QueueUrl"]
    sqs.send_message(QueueUrl=name, MessageBody="named")
    attributes = sqs.get_queue_attributes(QueueUrl=name, AttributeNames=["ApproximateNumberOfMessages"])
    assert attributes["Attributes"]["ApproximateNumberOfMessages"] == "1"
    assert bodies(sqs.receive_message(QueueUrl=url)) == ["named"]


def test_queues_are_per_region(sqs):
    name = unique("regional")
    north = client("eu-north-1")
    home_url = sqs.create_queue(QueueName=name)["QueueUrl"]
    north_url = north.create_queue(QueueName=name)["QueueUrl"]
    assert home_url == f"{ENDPOINT}/123456789012/{name}"  # the default region keeps short URLs
    assert north_url == f"{ENDPOINT}/eu-north-1/123456789012/{name}"
    assert north.get_queue_url(QueueName=name)["QueueUrl"] == north_url
    assert north_url in north.list_queues(QueueNamePrefix=name)["QueueUrls"]
    assert sqs.list_queues(QueueNamePrefix=name)["QueueUrls"] == [home_url]
    north.send_message(QueueUrl=north_url, MessageBody="north")
    assert "Messages" not in sqs.receive_message(QueueUrl=home_url)
    # The URL names the queue whoever asks; an AWS URL names its region by host.
    assert bodies(sqs.receive_message(QueueUrl=north_url, VisibilityTimeout=0)) == ["north"]
    aws_url = f"https://sqs.eu-north-1.amazonaws.com/123456789012/{name}"
    assert bodies(sqs.receive_message(QueueUrl=aws_url, VisibilityTimeout=0)) == ["north"]
    status, text = raw_get(north_url, {"Action": "ReceiveMessage", "VisibilityTimeout": "0"})
    assert status == 200 and "<Body>north</Body>" in text
    status, text = raw_get(home_url, {"Action": "ReceiveMessage"})
    assert status == 200 and "north" not in text


# ---- receipt handles, permissions, tags, attribute names ---------------------------------------------------

def test_change_visibility_with_an_older_handle(sqs):
    url = sqs.create_queue(QueueName=unique("older"))["QueueUrl"]
    sqs.send_message(QueueUrl=url, MessageBody="x")
    first = sqs.receive_message(QueueUrl=url, VisibilityTimeout=0)["Messages"][0]
    second = sqs.receive_message(QueueUrl=url, VisibilityTimeout=30)["Messages"][0]
    assert first["ReceiptHandle"] != second["ReceiptHandle"]
    sqs.change_message_visibility(QueueUrl=url, ReceiptHandle=first["ReceiptHandle"], VisibilityTimeout=0)
    sqs.delete_message(QueueUrl=url, ReceiptHandle=second["ReceiptHandle"])
    r = raises("InvalidParameterValue", sqs.change_message_visibility, QueueUrl=url,
               ReceiptHandle=first["ReceiptHandle"], VisibilityTimeout=10)
    assert "Message does not exist or is not available for visibility timeout change" in r["Error"]["Message"]


def test_add_permission_writes_aws_policy(sqs):
    url = sqs.create_queue(QueueName=unique("perm"))["QueueUrl"]
    sqs.add_permission(QueueUrl=url, Label="one", AWSAccountIds=["111111111111"], Actions=["ReceiveMessage"])
    sqs.add_permission(QueueUrl=url, Label="two", AWSAccountIds=["111111111111", "222222222222"],
                       Actions=["SendMessage", "DeleteMessage"])
    policy = json.loads(sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["Policy"])["Attributes"]["Policy"])
    assert policy["Version"] == "2008-10-17"
    one, two = policy["Statement"]
    assert one["Principal"] == {"AWS": "arn:aws:iam::111111111111:root"}
    assert one["Action"] == "SQS:ReceiveMessage"
    assert two["Principal"]["AWS"] == ["arn:aws:iam::111111111111:root", "arn:aws:iam::222222222222:root"]
    assert two["Action"] == ["SQS:SendMessage", "SQS:DeleteMessage"]
    r = raises("InvalidParameterValue", sqs.remove_permission, QueueUrl=url, Label="three")
    assert r["Error"]["Message"] == "Value three for parameter Label is invalid. Reason: can't find label."


def test_tag_limits(sqs):
    name = unique("tags")
    url = sqs.create_queue(QueueName=name)["QueueUrl"]
    r = raises("MissingParameter", sqs.tag_queue, QueueUrl=url, Tags={})
    assert r["Error"]["Message"] == "The request must contain the parameter Tags."
    r = raises("InvalidParameterValue", sqs.tag_queue, QueueUrl=url, Tags={f"k{i}": "v" for i in range(51)})
    assert r["Error"]["Message"] == f"Too many tags added for queue {name}."
    assert "Tags" not in sqs.list_queue_tags(QueueUrl=url)
    # An empty key list: the Query protocol cannot send one (so it is missing); JSON sends [].
    if protocol(sqs) == "json":
        r = raises("InvalidParameterValue", sqs.untag_queue, QueueUrl=url, TagKeys=[])
        assert r["Error"]["Message"] == "Tag keys must be between 1 and 128 characters in length."
    else:
        raises("MissingParameter", sqs.untag_queue, QueueUrl=url, TagKeys=[])


def test_attribute_names_are_ascii(sqs):
    url = sqs.create_queue(QueueName=unique("names"))["QueueUrl"]
    r = raises("InvalidParameterValue", sqs.send_message, QueueUrl=url, MessageBody="x",
               MessageAttributes={"\u00f6ther": {"DataType": "String", "StringValue": "v"}})
    assert r["Error"]["Message"] == ("Message (user) attributes name can only contain upper and lower score "
                                     "characters, digits, periods, hyphens and underscores.")


# ---- queue URLs as Query endpoints --------------------------------------------------------------------------

def test_query_get_on_a_queue_url(sqs):
    url = sqs.create_queue(QueueName=unique("get"))["QueueUrl"]
    status, text = raw_get(url)
    assert status == 404 and "<UnknownOperationException" in text
    for action in ("CreateQueue", "ListQueues"):
        status, text = raw_get(url, {"Action": action, "QueueName": unique("other")})
        assert status == 400
        assert "<Code>InvalidAction</Code>" in text
        assert f"<Message>The action {action} is not valid for this endpoint.</Message>" in text
    status, text = raw_get(url, {"Action": "ReceiveMessage"})
    assert status == 200 and "<ReceiveMessageResult/>" in text


# ---- X-Ray trace headers -------------------------------------------------------------------------------------

TRACE = "Root=1-3152b799-8954dae64eda91bc9a23a7e8;Parent=7fa8c0f79203be72;Sampled=1"


def test_trace_header_becomes_aws_trace_header(sqs):
    url = sqs.create_queue(QueueName=unique("trace"))["QueueUrl"]
    traced = client()
    traced.meta.events.register("before-send.sqs.SendMessage",
                                lambda request, **_: request.headers.__setitem__("X-Amzn-Trace-Id", TRACE))
    traced.send_message(QueueUrl=url, MessageBody="test")
    got = sqs.receive_message(QueueUrl=url, AttributeNames=["AWSTraceHeader"])["Messages"][0]
    assert got["Attributes"] == {"AWSTraceHeader": TRACE}


def test_trace_header_of_an_sns_publish_reaches_the_queue(sqs):
    import boto3

    from sqs_env import BOUNDED
    sns = boto3.client("sns", region_name="us-east-1", endpoint_url=ENDPOINT, config=BOUNDED)
    url = sqs.create_queue(QueueName=unique("sns-trace"))["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    topic = sns.create_topic(Name=unique("t"))["TopicArn"]
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn)
    sns.meta.events.register("before-send.sns.Publish",
                             lambda request, **_: request.headers.__setitem__("X-Amzn-Trace-Id", TRACE))
    sns.publish(TopicArn=topic, Message="traced")
    got = sqs.receive_message(QueueUrl=url, WaitTimeSeconds=5, AttributeNames=["AWSTraceHeader"])["Messages"][0]
    assert got["Attributes"] == {"AWSTraceHeader": TRACE}
