"""SQS behaviour beyond the seed's snippets, through boto3: AWS's error codes and texts (as boto3
users see them under both protocols), FIFO rules, redrive, MD5s, attributes, long polls,
visibility, tags and listing. Expected values come from AWS's documentation and recordings.
"""

import hashlib
import json
import threading
import time
import uuid

import pytest
from botocore.exceptions import ClientError

from sqs_env import ENDPOINT, client, error_code, md5_hex, md5_of_attributes, protocol, receive_all


def unique(prefix):
    return prefix + "-" + uuid.uuid4().hex[:10]


@pytest.fixture
def sqs():
    return client()


@pytest.fixture
def queue(sqs):
    return sqs.create_queue(QueueName=unique("q"))["QueueUrl"]


@pytest.fixture
def fifo(sqs):
    return sqs.create_queue(QueueName=unique("f") + ".fifo", Attributes={"FifoQueue": "true"})["QueueUrl"]


def raises(code, fn, **kwargs):
    with pytest.raises(ClientError) as info:
        fn(**kwargs)
    assert error_code(info.value) == code, info.value.response
    return info.value.response


# ---- errors -----------------------------------------------------------------------------------

def test_nonexistent_queue(sqs):
    r = raises("AWS.SimpleQueueService.NonExistentQueue", sqs.get_queue_url, QueueName="no-such-queue")
    assert r["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert r["Error"]["Type"] == "Sender"
    expected = ("The specified queue does not exist for this wsdl version." if protocol(sqs) == "query"
                else "The specified queue does not exist.")
    assert r["Error"]["Message"] == expected
    if protocol(sqs) == "json":
        assert r["Error"]["QueryErrorCode"] == "QueueDoesNotExist"
    # The modelled exception class catches it too, and so does a URL-addressed call.
    with pytest.raises(sqs.exceptions.QueueDoesNotExist):
        sqs.send_message(QueueUrl=ENDPOINT + "/123456789012/no-such-queue", MessageBody="x")
    with pytest.raises(sqs.exceptions.QueueDoesNotExist):
        sqs.get_queue_attributes(QueueUrl="https://queue.amazonaws.com/123456789012/no-such-queue",
                                 AttributeNames=["All"])


def test_max_number_of_messages_out_of_range(sqs, queue):
    for bad in (11, 0):
        r = raises("InvalidParameterValue", sqs.receive_message, QueueUrl=queue, MaxNumberOfMessages=bad)
        assert r["Error"]["Message"] == (
            f"Value {bad} for parameter MaxNumberOfMessages is invalid. Reason: Must be between 1 and 10, if provided.")
        assert r["ResponseMetadata"]["HTTPStatusCode"] == 400


def test_wait_time_seconds_out_of_range(sqs, queue):
    r = raises("InvalidParameterValue", sqs.receive_message, QueueUrl=queue, WaitTimeSeconds=21)
    assert r["Error"]["Message"] == (
        "Value 21 for parameter WaitTimeSeconds is invalid. Reason: Must be >= 0 and <= 20, if provided.")


@pytest.mark.parametrize("op", ["send", "delete", "change"])
def test_batch_too_many_entries(sqs, queue, op):
    if op == "send":
        call, entries = sqs.send_message_batch, [{"Id": f"e{i}", "MessageBody": "b"} for i in range(11)]
    elif op == "delete":
        call, entries = sqs.delete_message_batch, [{"Id": f"e{i}", "ReceiptHandle": "h"} for i in range(11)]
    else:
        call, entries = sqs.change_message_visibility_batch, [
            {"Id": f"e{i}", "ReceiptHandle": "h", "VisibilityTimeout": 1} for i in range(11)]
    r = raises("AWS.SimpleQueueService.TooManyEntriesInBatchRequest", call, QueueUrl=queue, Entries=entries)
    assert r["Error"]["Message"] == "Maximum number of entries per request are 10. You have sent 11."
    assert r["ResponseMetadata"]["HTTPStatusCode"] == 400


def test_batch_entry_rules(sqs, queue):
    raises("AWS.SimpleQueueService.BatchEntryIdsNotDistinct", sqs.send_message_batch, QueueUrl=queue,
           Entries=[{"Id": "same", "MessageBody": "a"}, {"Id": "same", "MessageBody": "b"}])
    r = raises("AWS.SimpleQueueService.InvalidBatchEntryId", sqs.send_message_batch, QueueUrl=queue,
               Entries=[{"Id": "bad:id", "MessageBody": "a"}])
    assert r["Error"]["Message"] == ("A batch entry id can only contain alphanumeric characters, hyphens and "
                                     "underscores. It can be at most 80 letters long.")
    raises("AWS.SimpleQueueService.EmptyBatchRequest", sqs.send_message_batch, QueueUrl=queue, Entries=[])


def test_send_batch_partial_failure(sqs):
    url = sqs.create_queue(QueueName=unique("small"), Attributes={"MaximumMessageSize": "1024"})["QueueUrl"]
    r = sqs.send_message_batch(QueueUrl=url, Entries=[{"Id": "ok", "MessageBody": "fine"},
                                                      {"Id": "big", "MessageBody": "x" * 1025}])
    assert [s["Id"] for s in r["Successful"]] == ["ok"]
    assert len(r["Failed"]) == 1
    failed = r["Failed"][0]
    assert failed["Id"] == "big" and failed["SenderFault"] is True
    assert failed["Code"] == "InvalidParameterValue"
    assert "Message must be shorter than 1024 bytes." in failed["Message"]


def test_queue_name_exists_with_different_attributes(sqs):
    name = unique("exists")
    sqs.create_queue(QueueName=name, Attributes={"DelaySeconds": "1"})
    r = raises("QueueAlreadyExists", sqs.create_queue, QueueName=name, Attributes={"DelaySeconds": "2"})
    assert r["Error"]["Message"] == ("A queue already exists with the same name and a different value for "
                                     "attribute DelaySeconds")
    if protocol(sqs) == "json":
        assert r["Error"]["QueryErrorCode"] == "QueueNameExists"
    # Same attributes: idempotent.
    assert sqs.create_queue(QueueName=name, Attributes={"DelaySeconds": "1"})["QueueUrl"].endswith("/" + name)


def test_invalid_queue_names(sqs):
    raises("InvalidParameterValue", sqs.create_queue, QueueName="bad name!")
    raises("InvalidParameterValue", sqs.create_queue, QueueName="x" * 81)
    raises("InvalidParameterValue", sqs.create_queue, QueueName=unique("nofifo"), Attributes={"FifoQueue": "true"})
    raises("InvalidParameterValue", sqs.create_queue, QueueName=unique("std") + ".fifo")


def test_purge_twice(sqs, queue):
    sqs.send_message(QueueUrl=queue, MessageBody="to purge")
    sqs.purge_queue(QueueUrl=queue)
    r = raises("AWS.SimpleQueueService.PurgeQueueInProgress", sqs.purge_queue, QueueUrl=queue)
    assert r["ResponseMetadata"]["HTTPStatusCode"] == 403
    name = queue.rsplit("/", 1)[1]
    assert r["Error"]["Message"] == f"Only one PurgeQueue operation on {name} is allowed every 60 seconds."
    assert "Messages" not in sqs.receive_message(QueueUrl=queue)


def test_delete_message_with_garbage_handle(sqs, queue):
    r = raises("ReceiptHandleIsInvalid", sqs.delete_message, QueueUrl=queue, ReceiptHandle="garbage")
    assert r["Error"]["Message"] == 'The input receipt handle "garbage" is not a valid receipt handle.'


def test_send_message_errors(sqs, queue):
    r = raises("InvalidParameterValue", sqs.send_message, QueueUrl=queue, MessageBody="x",
               MessageAttributes={"Empty": {"DataType": "String", "StringValue": ""}})
    assert r["Error"]["Message"] == "Message (user) attribute 'Empty' must contain a non-empty value of type 'String'."
    raises("InvalidMessageContents", sqs.send_message, QueueUrl=queue, MessageBody="bad \x00 char")
    raises("InvalidParameterValue", sqs.send_message, QueueUrl=queue, MessageBody="x", DelaySeconds=901)


def test_oversize_message(sqs):
    url = sqs.create_queue(QueueName=unique("tiny"), Attributes={"MaximumMessageSize": "1024"})["QueueUrl"]
    r = raises("InvalidParameterValue", sqs.send_message, QueueUrl=url, MessageBody="x" * 1025)
    assert r["Error"]["Message"] == ("One or more parameters are invalid. Reason: Message must be shorter than "
                                     "1024 bytes.")
    sqs.send_message(QueueUrl=url, MessageBody="x" * 1024)


# ---- FIFO ---------------------------------------------------------------------------------------

def test_fifo_rules(sqs, fifo):
    r = raises("MissingParameter", sqs.send_message, QueueUrl=fifo, MessageBody="x")
    assert r["Error"]["Message"] == "The request must contain the parameter MessageGroupId."
    r = raises("InvalidParameterValue", sqs.send_message, QueueUrl=fifo, MessageBody="x", MessageGroupId="g")
    assert r["Error"]["Message"] == ("The queue should either have ContentBasedDeduplication enabled or "
                                     "MessageDeduplicationId provided explicitly")
    r = raises("InvalidParameterValue", sqs.send_message, QueueUrl=fifo, MessageBody="x", MessageGroupId="g",
               MessageDeduplicationId="d", DelaySeconds=2)
    assert r["Error"]["Message"] == ("Value 2 for parameter DelaySeconds is invalid. Reason: The request include "
                                     "parameter that is not valid for this queue type.")
    r = raises("InvalidParameterValue", sqs.send_message, QueueUrl=fifo, MessageBody="x",
               MessageGroupId="has space", MessageDeduplicationId="d")
    assert "MessageGroupId can only include alphanumeric and punctuation characters" in r["Error"]["Message"]


def test_fifo_deduplication_and_order(sqs, fifo):
    first = sqs.send_message(QueueUrl=fifo, MessageBody="one", MessageGroupId="g", MessageDeduplicationId="d1")
    dup = sqs.send_message(QueueUrl=fifo, MessageBody="one again", MessageGroupId="g", MessageDeduplicationId="d1")
    assert dup["MessageId"] == first["MessageId"], "a duplicate is accepted and answered with the original"
    sqs.send_message(QueueUrl=fifo, MessageBody="two", MessageGroupId="g", MessageDeduplicationId="d2")
    got = receive_all(sqs, fifo, 2, AttributeNames=["All"])
    assert [m["Body"] for m in got] == ["one", "two"]
    assert got[0]["Attributes"]["MessageDeduplicationId"] == "d1"
    assert got[0]["Attributes"]["MessageGroupId"] == "g"
    assert int(got[0]["Attributes"]["SequenceNumber"]) < int(got[1]["Attributes"]["SequenceNumber"])
    time.sleep(0.2)
    assert "Messages" not in sqs.receive_message(QueueUrl=fifo, WaitTimeSeconds=1)


def test_fifo_content_based_dedup(sqs):
    url = sqs.create_queue(QueueName=unique("cbd") + ".fifo",
                           Attributes={"FifoQueue": "true", "ContentBasedDeduplication": "true"})["QueueUrl"]
    sqs.send_message(QueueUrl=url, MessageBody="same", MessageGroupId="g")
    sqs.send_message(QueueUrl=url, MessageBody="same", MessageGroupId="g")
    got = receive_all(sqs, url, 2, deadline_s=2.5, AttributeNames=["MessageDeduplicationId"])
    assert len(got) == 1
    assert got[0]["Attributes"]["MessageDeduplicationId"] == hashlib.sha256(b"same").hexdigest()


# ---- redrive ------------------------------------------------------------------------------------

def test_dlq_redrive_after_max_receive_count(sqs):
    dlq = sqs.create_queue(QueueName=unique("dlq"))["QueueUrl"]
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    src = sqs.create_queue(QueueName=unique("src"), Attributes={
        "RedrivePolicy": json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": 1})})["QueueUrl"]
    src_arn = sqs.get_queue_attributes(QueueUrl=src, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    sent = sqs.send_message(QueueUrl=src, MessageBody="message-1",
                            MessageAttributes={"MyAttribute": {"StringValue": "foobar", "DataType": "String"}})
    r1 = sqs.receive_message(QueueUrl=src, VisibilityTimeout=0, WaitTimeSeconds=1)
    assert [m["Body"] for m in r1["Messages"]] == ["message-1"]
    assert "Messages" not in sqs.receive_message(QueueUrl=src, VisibilityTimeout=0)
    moved = sqs.receive_message(QueueUrl=dlq, WaitTimeSeconds=2, AttributeNames=["All"],
                                MessageAttributeNames=["All"])["Messages"]
    assert len(moved) == 1
    m = moved[0]
    assert m["MessageId"] == sent["MessageId"]
    assert m["Attributes"]["ApproximateReceiveCount"] == "2"
    assert m["Attributes"]["DeadLetterQueueSourceArn"] == src_arn
    assert m["MD5OfMessageAttributes"] == "adb59cd4678ea5a855436b949cd07ab6"
    assert sqs.list_dead_letter_source_queues(QueueUrl=dlq)["queueUrls"] == [src]


def test_redrive_policy_to_missing_dlq_rejected(sqs):
    with pytest.raises(ClientError):
        sqs.create_queue(QueueName=unique("src"), Attributes={"RedrivePolicy": json.dumps(
            {"deadLetterTargetArn": "arn:aws:sqs:us-east-1:123456789012:no-such-dlq", "maxReceiveCount": 3})})


# ---- MD5s and attributes -------------------------------------------------------------------------

def test_md5_test_vectors(sqs, queue):
    r = sqs.send_message(QueueUrl=queue, MessageBody="msg", MessageAttributes={
        "Help.Me": {"DataType": "String", "StringValue": "Me"},
        "Hello": {"DataType": "String", "StringValue": "There"},
        "General": {"DataType": "String", "StringValue": "Kenobi"}})
    assert r["MD5OfMessageBody"] == "6e2baaf3b97dbeef01c0043275f9a0e7"
    assert r["MD5OfMessageAttributes"] == "4c360f3fdafd970e05fae2f149d997f5"
    # On receive, the attribute MD5 covers only the attributes returned.
    got = sqs.receive_message(QueueUrl=queue, MessageAttributeNames=["Hello"], WaitTimeSeconds=1)["Messages"][0]
    assert got["MessageAttributes"] == {"Hello": {"DataType": "String", "StringValue": "There"}}
    assert got["MD5OfMessageAttributes"] == "a311262e065454b75da111d535b8dacd"
    assert got["MD5OfBody"] == "6e2baaf3b97dbeef01c0043275f9a0e7"
    r = sqs.send_message(QueueUrl=queue, MessageBody="no attributes")
    assert "MD5OfMessageAttributes" not in r, "AWS omits the attribute MD5 when no attribute was sent"


def test_message_attributes_all_types(sqs, queue):
    binary = bytes(range(256))
    attrs = {
        "Text": {"DataType": "String", "StringValue": "h\u00e9llo \u2603"},
        "Count": {"DataType": "Number", "StringValue": "42"},
        "Price": {"DataType": "Number.float", "StringValue": "3.14"},
        "Blob": {"DataType": "Binary", "BinaryValue": binary},
        "Image": {"DataType": "Binary.gif", "BinaryValue": b"GIF89a\x00\x01"},
    }
    r = sqs.send_message(QueueUrl=queue, MessageBody="typed", MessageAttributes=attrs)
    assert r["MD5OfMessageAttributes"] == md5_of_attributes(attrs)
    got = sqs.receive_message(QueueUrl=queue, MessageAttributeNames=["All"], WaitTimeSeconds=1)["Messages"][0]
    assert got["MessageAttributes"] == attrs
    assert got["MD5OfMessageAttributes"] == md5_of_attributes(attrs)
    # Selection by name: names not present are skipped silently; the MD5 covers what came back.
    sqs.change_message_visibility(QueueUrl=queue, ReceiptHandle=got["ReceiptHandle"], VisibilityTimeout=0)
    got = sqs.receive_message(QueueUrl=queue, MessageAttributeNames=["Blob", "Missing"],
                              WaitTimeSeconds=1)["Messages"][0]
    assert got["MessageAttributes"] == {"Blob": attrs["Blob"]}
    assert got["MD5OfMessageAttributes"] == md5_of_attributes({"Blob": attrs["Blob"]})


def test_system_attributes(sqs, queue):
    before_ms = int(time.time() * 1000) - 1000
    sqs.send_message(QueueUrl=queue, MessageBody="sys")
    m = sqs.receive_message(QueueUrl=queue, AttributeNames=["All"], WaitTimeSeconds=1)["Messages"][0]
    a = m["Attributes"]
    assert {"SenderId", "SentTimestamp", "ApproximateReceiveCount", "ApproximateFirstReceiveTimestamp"} <= set(a)
    assert a["ApproximateReceiveCount"] == "1"
    assert before_ms <= int(a["SentTimestamp"]) <= int(time.time() * 1000) + 1000


# ---- long polling, visibility -----------------------------------------------------------------------

def test_long_poll_woken_by_send_from_another_thread(sqs, queue):
    def send_later():
        time.sleep(0.4)
        client().send_message(QueueUrl=queue, MessageBody="wake up")
    t = threading.Thread(target=send_later)
    t.start()
    started = time.monotonic()
    r = sqs.receive_message(QueueUrl=queue, WaitTimeSeconds=2)
    elapsed = time.monotonic() - started
    t.join()
    assert [m["Body"] for m in r.get("Messages", [])] == ["wake up"]
    assert 0.3 < elapsed < 1.8, f"woken after {elapsed:.2f}s"


def test_long_poll_times_out_empty(sqs, queue):
    started = time.monotonic()
    r = sqs.receive_message(QueueUrl=queue, WaitTimeSeconds=1)
    elapsed = time.monotonic() - started
    assert "Messages" not in r
    assert 0.9 < elapsed < 2.5


def test_visibility_timeout(sqs, queue):
    sqs.send_message(QueueUrl=queue, MessageBody="hide me")
    first = sqs.receive_message(QueueUrl=queue, VisibilityTimeout=1, WaitTimeSeconds=1)["Messages"][0]
    assert "Messages" not in sqs.receive_message(QueueUrl=queue)
    counts = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["All"])["Attributes"]
    assert counts["ApproximateNumberOfMessages"] == "0"
    assert counts["ApproximateNumberOfMessagesNotVisible"] == "1"
    time.sleep(1.2)
    again = sqs.receive_message(QueueUrl=queue, AttributeNames=["ApproximateReceiveCount"],
                                WaitTimeSeconds=1)["Messages"][0]
    assert again["MessageId"] == first["MessageId"]
    assert again["ReceiptHandle"] != first["ReceiptHandle"]
    assert again["Attributes"]["ApproximateReceiveCount"] == "2"


def test_change_message_visibility(sqs, queue):
    sqs.send_message(QueueUrl=queue, MessageBody="cmv")
    m = sqs.receive_message(QueueUrl=queue, VisibilityTimeout=30, WaitTimeSeconds=1)["Messages"][0]
    sqs.change_message_visibility(QueueUrl=queue, ReceiptHandle=m["ReceiptHandle"], VisibilityTimeout=0)
    m2 = sqs.receive_message(QueueUrl=queue, WaitTimeSeconds=1)["Messages"][0]
    assert m2["MessageId"] == m["MessageId"]
    r = raises("InvalidParameterValue", sqs.change_message_visibility, QueueUrl=queue,
               ReceiptHandle=m2["ReceiptHandle"], VisibilityTimeout=43201)
    sqs.delete_message(QueueUrl=queue, ReceiptHandle=m2["ReceiptHandle"])
    r = raises("InvalidParameterValue", sqs.change_message_visibility, QueueUrl=queue,
               ReceiptHandle=m2["ReceiptHandle"], VisibilityTimeout=10)
    assert r["Error"]["Message"] == (
        f"Value {m2['ReceiptHandle']} for parameter ReceiptHandle is invalid. Reason: Message does not exist or "
        "is not available for visibility timeout change.")


def test_change_message_visibility_batch(sqs, queue):
    sqs.send_message_batch(QueueUrl=queue, Entries=[{"Id": "a", "MessageBody": "1"}, {"Id": "b", "MessageBody": "2"}])
    got = receive_all(sqs, queue, 2, VisibilityTimeout=30)
    assert len(got) == 2
    r = sqs.change_message_visibility_batch(QueueUrl=queue, Entries=[
        {"Id": "ok", "ReceiptHandle": got[0]["ReceiptHandle"], "VisibilityTimeout": 0},
        {"Id": "bad", "ReceiptHandle": "garbage", "VisibilityTimeout": 0}])
    assert [s["Id"] for s in r["Successful"]] == ["ok"]
    assert [f["Id"] for f in r["Failed"]] == ["bad"]
    assert r["Failed"][0]["Code"] == "ReceiptHandleIsInvalid"
    again = sqs.receive_message(QueueUrl=queue, WaitTimeSeconds=1)["Messages"]
    assert [m["MessageId"] for m in again] == [got[0]["MessageId"]]


# ---- tags, listing, attributes ------------------------------------------------------------------

def test_tags(sqs):
    url = sqs.create_queue(QueueName=unique("tagged"), tags={"team": "core"})["QueueUrl"]
    assert sqs.list_queue_tags(QueueUrl=url)["Tags"] == {"team": "core"}
    sqs.tag_queue(QueueUrl=url, Tags={"env": "test", "team": "platform"})
    assert sqs.list_queue_tags(QueueUrl=url)["Tags"] == {"team": "platform", "env": "test"}
    sqs.untag_queue(QueueUrl=url, TagKeys=["team"])
    assert sqs.list_queue_tags(QueueUrl=url)["Tags"] == {"env": "test"}
    sqs.untag_queue(QueueUrl=url, TagKeys=["env"])
    assert "Tags" not in sqs.list_queue_tags(QueueUrl=url)


def test_list_queues_prefix_and_pages(sqs):
    prefix = unique("lst")
    urls = sorted(sqs.create_queue(QueueName=f"{prefix}-{i}")["QueueUrl"] for i in range(5))
    listed = sqs.list_queues(QueueNamePrefix=prefix)["QueueUrls"]
    assert sorted(listed) == urls
    assert all(u.startswith(ENDPOINT + "/123456789012/") for u in listed)
    assert "QueueUrls" not in sqs.list_queues(QueueNamePrefix=unique("none"))
    pages, token = [], None
    while True:
        kwargs = {"QueueNamePrefix": prefix, "MaxResults": 2}
        if token:
            kwargs["NextToken"] = token
        r = sqs.list_queues(**kwargs)
        pages.append(r["QueueUrls"])
        token = r.get("NextToken")
        if not token:
            break
    assert [len(p) for p in pages] == [2, 2, 1]
    assert sorted(u for p in pages for u in p) == urls


def test_get_queue_attributes_all_standard(sqs, queue):
    attrs = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["All"])["Attributes"]
    assert set(attrs) == {"ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible",
                          "ApproximateNumberOfMessagesDelayed", "CreatedTimestamp", "DelaySeconds",
                          "LastModifiedTimestamp", "MaximumMessageSize", "MessageRetentionPeriod", "QueueArn",
                          "ReceiveMessageWaitTimeSeconds", "SqsManagedSseEnabled", "VisibilityTimeout"}
    assert attrs["VisibilityTimeout"] == "30"
    assert attrs["MaximumMessageSize"] == "1048576"
    assert attrs["MessageRetentionPeriod"] == "345600"
    assert attrs["QueueArn"] == "arn:aws:sqs:us-east-1:123456789012:" + queue.rsplit("/", 1)[1]
    assert abs(int(attrs["CreatedTimestamp"]) - time.time()) < 60, "epoch seconds"
    assert "Attributes" not in sqs.get_queue_attributes(QueueUrl=queue)


def test_get_queue_attributes_all_fifo(sqs, fifo):
    attrs = sqs.get_queue_attributes(QueueUrl=fifo, AttributeNames=["All"])["Attributes"]
    assert set(attrs) == {"ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible",
                          "ApproximateNumberOfMessagesDelayed", "ContentBasedDeduplication", "CreatedTimestamp",
                          "DeduplicationScope", "DelaySeconds", "FifoQueue", "FifoThroughputLimit",
                          "LastModifiedTimestamp", "MaximumMessageSize", "MessageRetentionPeriod", "QueueArn",
                          "ReceiveMessageWaitTimeSeconds", "SqsManagedSseEnabled", "VisibilityTimeout"}
    assert attrs["FifoQueue"] == "true" and attrs["DeduplicationScope"] == "queue"
    assert attrs["FifoThroughputLimit"] == "perQueue" and attrs["ContentBasedDeduplication"] == "false"


def test_set_queue_attributes_invalid(sqs, queue):
    raises("InvalidAttributeValue", sqs.set_queue_attributes, QueueUrl=queue,
           Attributes={"VisibilityTimeout": "43201"})
    raises("InvalidAttributeName", sqs.set_queue_attributes, QueueUrl=queue, Attributes={"FifoQueue": "true"})


def test_delay_seconds(sqs, queue):
    sqs.send_message(QueueUrl=queue, MessageBody="later", DelaySeconds=1)
    attrs = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["ApproximateNumberOfMessagesDelayed"])
    assert attrs["Attributes"]["ApproximateNumberOfMessagesDelayed"] == "1"
    assert "Messages" not in sqs.receive_message(QueueUrl=queue)
    r = sqs.receive_message(QueueUrl=queue, WaitTimeSeconds=2)
    assert [m["Body"] for m in r["Messages"]] == ["later"]


def test_queue_url_forms_resolve_to_same_queue(sqs, queue):
    name = queue.rsplit("/", 1)[1]
    for url in (queue, f"https://sqs.us-east-1.amazonaws.com/123456789012/{name}",
                f"https://queue.amazonaws.com/123456789012/{name}"):
        sqs.send_message(QueueUrl=url, MessageBody=url)
    got = receive_all(sqs, queue, 3)
    assert len(got) == 3
    assert sqs.get_queue_url(QueueName=name)["QueueUrl"] == queue


def test_delete_queue(sqs):
    url = sqs.create_queue(QueueName=unique("gone"))["QueueUrl"]
    sqs.delete_queue(QueueUrl=url)
    with pytest.raises(sqs.exceptions.QueueDoesNotExist):
        sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])


def test_permissions(sqs, queue):
    sqs.add_permission(QueueUrl=queue, Label="l1", AWSAccountIds=["111122223333"], Actions=["SendMessage"])
    policy = json.loads(sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["Policy"])["Attributes"]["Policy"])
    assert [s["Sid"] for s in policy["Statement"]] == ["l1"]
    r = raises("InvalidParameterValue", sqs.add_permission, QueueUrl=queue, Label="l1",
               AWSAccountIds=["111122223333"], Actions=["SendMessage"])
    assert r["Error"]["Message"] == "Value l1 for parameter Label is invalid. Reason: Already exists."
    sqs.remove_permission(QueueUrl=queue, Label="l1")
    r = raises("InvalidParameterValue", sqs.remove_permission, QueueUrl=queue, Label="l1")
    assert r["Error"]["Message"] == "Value l1 for parameter Label is invalid. Reason: can't find label."


# ---- more validation and less common actions ------------------------------------------------------

def test_parameter_ranges(sqs, queue):
    r = raises("InvalidParameterValue", sqs.receive_message, QueueUrl=queue, VisibilityTimeout=43201)
    assert r["Error"]["Message"] == ("Value 43201 for parameter VisibilityTimeout is invalid. Reason: Must be >= 0 "
                                     "and <= 43200, if provided.")
    for bad in (0, 1001):
        raises("InvalidParameterValue", sqs.list_queues, MaxResults=bad)
    r = raises("InvalidAttributeName", sqs.get_queue_attributes, QueueUrl=queue, AttributeNames=["Bogus"])
    assert r["Error"]["Message"] == "Unknown Attribute Bogus."
    raises("InvalidAttributeName", sqs.create_queue, QueueName=unique("bad-attr"), Attributes={"Bogus": "1"})
    raises("InvalidAttributeValue", sqs.create_queue, QueueName=unique("bad-val"),
           Attributes={"VisibilityTimeout": "abc"})


def test_message_attribute_validation(sqs, queue):
    def send(attrs):
        return sqs.send_message(QueueUrl=queue, MessageBody="x", MessageAttributes=attrs)
    raises("InvalidParameterValue", send, attrs={"AWS.reserved": {"DataType": "String", "StringValue": "v"}})
    raises("InvalidParameterValue", send, attrs={f"a{i}": {"DataType": "String", "StringValue": "v"} for i in range(11)})
    raises("InvalidParameterValue", send, attrs={"a": {"DataType": "Foo", "StringValue": "v"}})
    raises("InvalidParameterValue", send, attrs={"a": {"DataType": "Number", "StringValue": "abc"}})


def test_aws_trace_header_system_attribute(sqs, queue):
    trace = "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1"
    r = sqs.send_message(QueueUrl=queue, MessageBody="traced",
                         MessageSystemAttributes={"AWSTraceHeader": {"DataType": "String", "StringValue": trace}})
    assert r["MD5OfMessageSystemAttributes"] == md5_of_attributes(
        {"AWSTraceHeader": {"DataType": "String", "StringValue": trace}})
    m = sqs.receive_message(QueueUrl=queue, AttributeNames=["AWSTraceHeader"], WaitTimeSeconds=1)["Messages"][0]
    assert m["Attributes"] == {"AWSTraceHeader": trace}


def test_queue_deleted_recently(sqs):
    name = unique("recent")
    url = sqs.create_queue(QueueName=name)["QueueUrl"]
    sqs.delete_queue(QueueUrl=url)
    raises("AWS.SimpleQueueService.QueueDeletedRecently", sqs.create_queue, QueueName=name)


def test_fifo_receive_request_attempt_id(sqs, fifo):
    for i in range(2):
        sqs.send_message(QueueUrl=fifo, MessageBody=f"m{i}", MessageGroupId="g", MessageDeduplicationId=f"d{i}")
    first = sqs.receive_message(QueueUrl=fifo, ReceiveRequestAttemptId="attempt-1", WaitTimeSeconds=1)["Messages"]
    retry = sqs.receive_message(QueueUrl=fifo, ReceiveRequestAttemptId="attempt-1")["Messages"]
    assert [m["Body"] for m in retry] == [m["Body"] for m in first] == ["m0"]
    assert retry[0]["ReceiptHandle"] == first[0]["ReceiptHandle"]


def test_dlq_type_must_match(sqs, fifo):
    fifo_arn = sqs.get_queue_attributes(QueueUrl=fifo, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    r = raises("InvalidParameterValue", sqs.create_queue, QueueName=unique("std-src"), Attributes={
        "RedrivePolicy": json.dumps({"deadLetterTargetArn": fifo_arn, "maxReceiveCount": 1})})
    assert "Dead-letter queue must be same type of queue as the source." in r["Error"]["Message"]


def test_batch_request_too_long(sqs, queue):
    r = raises("AWS.SimpleQueueService.BatchRequestTooLong", sqs.send_message_batch, QueueUrl=queue,
               Entries=[{"Id": "a", "MessageBody": "x" * 600000}, {"Id": "b", "MessageBody": "x" * 600000}])
    assert r["Error"]["Message"] == "Batch requests cannot be longer than 1048576 bytes. You have sent 1200000 bytes."


def test_message_move_task(sqs):
    if not hasattr(sqs, "start_message_move_task"):
        pytest.skip("this botocore predates the message move task API")
    dlq = sqs.create_queue(QueueName=unique("mv-dlq"))["QueueUrl"]
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    src = sqs.create_queue(QueueName=unique("mv-src"), Attributes={
        "RedrivePolicy": json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": 1})})["QueueUrl"]
    sqs.send_message(QueueUrl=src, MessageBody="round trip")
    sqs.receive_message(QueueUrl=src, VisibilityTimeout=0, WaitTimeSeconds=1)
    assert "Messages" not in sqs.receive_message(QueueUrl=src, VisibilityTimeout=0)
    assert sqs.start_message_move_task(SourceArn=dlq_arn)["TaskHandle"]
    back = sqs.receive_message(QueueUrl=src, WaitTimeSeconds=2)["Messages"]
    assert [m["Body"] for m in back] == ["round trip"]
    deadline = time.monotonic() + 5
    while True:
        results = sqs.list_message_move_tasks(SourceArn=dlq_arn)["Results"]
        if results and results[0]["Status"] == "COMPLETED" or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    assert results[0]["Status"] == "COMPLETED"
    assert results[0]["ApproximateNumberOfMessagesMoved"] == 1
    r = raises("ResourceNotFoundException", sqs.start_message_move_task,
               SourceArn="arn:aws:sqs:us-east-1:123456789012:no-such-dlq")
    assert r["ResponseMetadata"]["HTTPStatusCode"] == 404
