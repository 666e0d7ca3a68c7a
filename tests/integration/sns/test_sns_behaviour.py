"""SNS behaviour against a live sluice, judged by the AWS fact sheet and responses recorded on AWS:
error codes and texts, the envelope and raw delivery to SQS, message signatures checked with the
certificate served at SigningCertURL, FIFO topics, HTTP subscriptions (confirmation, headers,
retries under a DeliveryPolicy), the email/sms outbox, lambda subscriptions and subscription
dead-letter queues.

Needs sns_server.py's environment: a data directory for the outbox tests and a declared function
named "echo" (the echo plugin) for the lambda test; a test whose prerequisite is missing is
skipped and says why.
"""

import base64
import hashlib
import http.server
import json
import re
import threading
import time
import urllib.parse
import urllib.request

import boto3
import pytest
from botocore.exceptions import ClientError

from sns_env import (ACCOUNT, BOUNDED, DATA_DIR, ENDPOINT, FUNCTIONS, REGION, assert_queue_empty, error_of, make_queue, ordered_json,
                     outbox_lines, receive_all, server_log, sns_client, sqs_client, unique, wait_for)

try:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding
except ImportError:  # pragma: no cover - both interpreters this suite runs with have it
    x509 = None

UUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
TIMESTAMP_RE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")


@pytest.fixture(scope="module")
def sns():
    return sns_client()


@pytest.fixture(scope="module")
def sqs():
    return sqs_client()


@pytest.fixture
def topic(sns):
    return sns.create_topic(Name=unique("behaviour"))["TopicArn"]


def expect_error(call, code, message, status=400):
    with pytest.raises(ClientError) as e:
        call()
    assert error_of(e.value) == (code, message, status)


# ---- errors ----------------------------------------------------------------------------------

def test_unknown_topic_is_not_found_404(sns, topic):
    missing = topic + "-missing"
    expect_error(lambda: sns.publish(TopicArn=missing, Message="x"), "NotFound", "Topic does not exist", 404)
    expect_error(lambda: sns.get_topic_attributes(TopicArn=missing), "NotFound", "Topic does not exist", 404)
    expect_error(lambda: sns.subscribe(TopicArn=missing, Protocol="sqs",
                                       Endpoint="arn:aws:sqs:us-east-1:%s:q" % ACCOUNT),
                 "NotFound", "Topic does not exist", 404)
    sns.delete_topic(TopicArn=missing)  # idempotent


def test_malformed_topic_arn(sns):
    expect_error(lambda: sns.publish(TopicArn="randomstring", Message="x"), "InvalidParameter",
                 "Invalid parameter: TopicArn Reason: An ARN must have at least 6 elements, not 1")
    expect_error(lambda: sns.publish(TopicArn="randomstring:arn", Message="x"), "InvalidParameter",
                 "Invalid parameter: TopicArn Reason: An ARN must have at least 6 elements, not 2")


def test_publish_validation_texts(sns, topic):
    expect_error(lambda: sns.publish(TopicArn=topic, Message=""), "InvalidParameter",
                 "Invalid parameter: Empty message")
    expect_error(lambda: sns.publish(TopicArn=topic, Message="x", Subject=""), "InvalidParameter",
                 "Invalid parameter: Subject")
    expect_error(lambda: sns.publish(TopicArn=topic, Message="x" * (262144 + 1)), "InvalidParameter",
                 "Invalid parameter: Message too long")
    sns.publish(TopicArn=topic, Message="x" * 262144)  # exactly the limit is fine
    expect_error(lambda: sns.publish(TopicArn=topic, Message=json.dumps({"sqs": "x"}), MessageStructure="json"),
                 "InvalidParameter", "Invalid parameter: Message Structure - No default entry in JSON message body")
    expect_error(lambda: sns.publish(TopicArn=topic, Message="{not json", MessageStructure="json"),
                 "InvalidParameter", "Invalid parameter: Message Structure - JSON message body failed to parse")
    expect_error(lambda: sns.publish(TopicArn=topic, Message=json.dumps({"default": 1}), MessageStructure="json"),
                 "InvalidParameter", "Invalid parameter: Message Structure - No default entry in JSON message body")
    expect_error(lambda: sns.publish(TopicArn=topic, Message="x", MessageDeduplicationId="d"), "InvalidParameter",
                 "Invalid parameter: MessageDeduplicationId Reason: The request includes MessageDeduplicationId "
                 "parameter that is not valid for this topic type")


def test_subscribe_validation_texts(sns, sqs, topic):
    expect_error(lambda: sns.subscribe(TopicArn=topic, Protocol="test-protocol", Endpoint="x"), "InvalidParameter",
                 "Invalid parameter: Amazon SNS does not support this protocol string: test-protocol")
    url, arn = make_queue(sqs, unique("q"))
    expect_error(lambda: sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=url), "InvalidParameter",
                 "Invalid parameter: SQS endpoint ARN")
    expect_error(lambda: sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn,
                                       Attributes={"RawMessageDelivery": "wrongvalue"}),
                 "InvalidParameter",
                 "Invalid parameter: Attributes Reason: RawMessageDelivery: Invalid value [wrongvalue]. "
                 "Must be true or false.")
    _, fifo_arn = make_queue(sqs, unique("q") + ".fifo", {"FifoQueue": "true"})
    expect_error(lambda: sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=fifo_arn), "InvalidParameter",
                 "Invalid parameter: Invalid parameter: Endpoint Reason: FIFO SQS Queues can not be subscribed "
                 "to standard SNS topics")


def test_subscription_not_found_and_bad_token(sns, topic):
    expect_error(lambda: sns.get_subscription_attributes(SubscriptionArn=topic + ":" + "0" * 8 + "-0000-0000-0000-"
                                                         + "0" * 12),
                 "NotFound", "Subscription does not exist", 404)
    expect_error(lambda: sns.confirm_subscription(TopicArn=topic, Token="1" * 64), "InvalidParameter",
                 "Invalid parameter: Token")
    # Unsubscribing something that does not exist is not an error on AWS.
    sns.unsubscribe(SubscriptionArn=topic + ":00000000-0000-0000-0000-000000000000")
    expect_error(lambda: sns.unsubscribe(SubscriptionArn="randomstring"), "InvalidParameter",
                 "Invalid parameter: SubscriptionArn Reason: An ARN must have at least 6 elements, not 1")


def test_fifo_publish_validation_texts(sns):
    fifo = sns.create_topic(Name=unique("f") + ".fifo", Attributes={"FifoTopic": "true"})["TopicArn"]
    expect_error(lambda: sns.publish(TopicArn=fifo, Message="x"), "InvalidParameter",
                 "Invalid parameter: The MessageGroupId parameter is required for FIFO topics")
    expect_error(lambda: sns.publish(TopicArn=fifo, Message="x", MessageGroupId="g"), "InvalidParameter",
                 "Invalid parameter: The topic should either have ContentBasedDeduplication enabled or "
                 "MessageDeduplicationId provided explicitly")


def test_publish_batch_errors_and_results(sns, sqs, topic):
    expect_error(lambda: sns.publish_batch(TopicArn=topic, PublishBatchRequestEntries=[
        {"Id": str(i), "Message": "m"} for i in range(11)]),
        "TooManyEntriesInBatchRequest", "The batch request contains more entries than permissible.")
    expect_error(lambda: sns.publish_batch(TopicArn=topic, PublishBatchRequestEntries=[
        {"Id": "1", "Message": "a"}, {"Id": "1", "Message": "b"}]),
        "BatchEntryIdsNotDistinct", "Two or more batch entries in the request have the same Id.")

    url, arn = make_queue(sqs, unique("batch"))
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn, Attributes={"RawMessageDelivery": "true"})
    # A parameter error in one entry fails the whole call on AWS (recorded: a json entry without
    # "default" in an otherwise good batch), and nothing of the batch is delivered.
    expect_error(lambda: sns.publish_batch(TopicArn=topic, PublishBatchRequestEntries=[
        {"Id": "good1", "Message": "first"},
        {"Id": "bad", "Message": json.dumps({"sqs": "x"}), "MessageStructure": "json"},
    ]), "InvalidParameter", "Invalid parameter: Message Structure - No default entry in JSON message body")
    expect_error(lambda: sns.publish_batch(TopicArn=topic, PublishBatchRequestEntries=[
        {"Id": "good1", "Message": "first"}, {"Id": "bad", "Message": "x", "Subject": ""},
    ]), "InvalidParameter", "Invalid parameter: Subject")
    assert_queue_empty(sqs, url)

    r = sns.publish_batch(TopicArn=topic, PublishBatchRequestEntries=[
        {"Id": "good1", "Message": "first"},
        {"Id": "good2", "Message": "second",
         "MessageAttributes": {"attr1": {"DataType": "Number", "StringValue": "19.12"}}},
    ])
    assert [s["Id"] for s in r["Successful"]] == ["good1", "good2"]
    assert all(UUID_RE.match(s["MessageId"]) for s in r["Successful"])
    assert r["Failed"] == []
    got = receive_all(sqs, url, 2, MessageAttributeNames=["All"])
    assert sorted(m["Body"] for m in got) == ["first", "second"]
    second = [m for m in got if m["Body"] == "second"][0]
    assert second["MessageAttributes"] == {"attr1": {"DataType": "Number", "StringValue": "19.12"}}
    # AWS's MD5 of that attribute set, as recorded.
    assert second["MD5OfMessageAttributes"] == "1f07082409022a373fa2a2601f82b3cb"


# ---- SQS deliveries: envelope and raw --------------------------------------------------------

def test_envelope_fields_in_aws_order(sns, sqs, topic):
    url, arn = make_queue(sqs, unique("env"))
    sub = sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn)["SubscriptionArn"]
    r = sns.publish(TopicArn=topic, Message="hello", Subject="subj", MessageAttributes={
        "s": {"DataType": "String", "StringValue": "v"},
        "n": {"DataType": "Number", "StringValue": "1"},
        "b": {"DataType": "Binary", "BinaryValue": b"\x02\x03\x04"},
        "a": {"DataType": "String.Array", "StringValue": '["x", 1, true]'},
    })
    got = receive_all(sqs, url, 1)
    assert len(got) == 1
    body = got[0]["Body"]
    env = ordered_json(body)
    assert list(env) == ["Type", "MessageId", "TopicArn", "Subject", "Message", "Timestamp", "SignatureVersion",
                         "Signature", "SigningCertURL", "UnsubscribeURL", "MessageAttributes"]
    assert env["Type"] == "Notification"
    assert env["MessageId"] == r["MessageId"]
    assert env["TopicArn"] == topic
    assert env["Message"] == "hello"
    assert TIMESTAMP_RE.match(env["Timestamp"])
    assert env["SignatureVersion"] == "1"
    assert re.match(r"^http://127\.0\.0\.1:\d+/.*\.pem$", env["SigningCertURL"]), env["SigningCertURL"]
    assert env["UnsubscribeURL"].endswith("/?Action=Unsubscribe&SubscriptionArn=" + sub)
    assert env["MessageAttributes"] == {
        "s": {"Type": "String", "Value": "v"},
        "n": {"Type": "Number", "Value": "1"},
        "b": {"Type": "Binary", "Value": base64.b64encode(b"\x02\x03\x04").decode()},
        "a": {"Type": "String.Array", "Value": '["x", 1, true]'},
    }
    # Without a subject or attributes those keys are absent, the rest keep their order.
    sns.publish(TopicArn=topic, Message="plain")
    env = ordered_json(receive_all(sqs, url, 1)[0]["Body"])
    assert list(env) == ["Type", "MessageId", "TopicArn", "Message", "Timestamp", "SignatureVersion",
                         "Signature", "SigningCertURL", "UnsubscribeURL"]


def test_raw_delivery_maps_attributes(sns, sqs, topic):
    url, arn = make_queue(sqs, unique("raw"))
    sub = sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn,
                        Attributes={"RawMessageDelivery": "true"})["SubscriptionArn"]
    attrs = sns.get_subscription_attributes(SubscriptionArn=sub)["Attributes"]
    assert attrs["RawMessageDelivery"] == "true"
    assert attrs["PendingConfirmation"] == "false"
    assert attrs["Protocol"] == "sqs" and attrs["Endpoint"] == arn and attrs["TopicArn"] == topic
    sns.publish(TopicArn=topic, Message="This is a test message", MessageAttributes={
        "store": {"DataType": "Binary", "BinaryValue": b"\x02\x03\x04"},
        "attr1": {"DataType": "Number", "StringValue": "19.12"},
    })
    got = receive_all(sqs, url, 1, MessageAttributeNames=["All"])
    assert len(got) == 1
    m = got[0]
    assert m["Body"] == "This is a test message"
    assert m["MessageAttributes"] == {
        "store": {"DataType": "Binary", "BinaryValue": b"\x02\x03\x04"},
        "attr1": {"DataType": "Number", "StringValue": "19.12"},
    }
    # Switching raw off again brings the envelope back.
    sns.set_subscription_attributes(SubscriptionArn=sub, AttributeName="RawMessageDelivery", AttributeValue="false")
    sns.publish(TopicArn=topic, Message="enveloped")
    env = json.loads(receive_all(sqs, url, 1)[0]["Body"])
    assert env["Message"] == "enveloped"


def test_message_structure_json_picks_sqs_variant(sns, sqs, topic):
    url, arn = make_queue(sqs, unique("ms"))
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn)
    sns.publish(TopicArn=topic, MessageStructure="json",
                Message=json.dumps({"default": "default field", "sqs": json.dumps({"field": "value"})}))
    sns.publish(TopicArn=topic, MessageStructure="json", Message=json.dumps({"default": "default field"}))
    got = receive_all(sqs, url, 2)
    assert sorted(json.loads(m["Body"])["Message"] for m in got) == sorted(['{"field": "value"}', "default field"])


# ---- signatures ------------------------------------------------------------------------------

def string_to_sign(msg):
    if msg["Type"] == "Notification":
        keys = ["Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type"]
    else:
        keys = ["Message", "MessageId", "SubscribeURL", "Timestamp", "Token", "TopicArn", "Type"]
    return "".join("%s\n%s\n" % (k, msg[k]) for k in keys if k in msg).encode("utf-8")


def verify_signature(msg):
    """Verifies a message as a subscriber would: certificate from SigningCertURL, SHA1 or SHA256."""
    if x509 is None:
        pytest.skip("python cryptography is not installed")
    with urllib.request.urlopen(msg["SigningCertURL"], timeout=5) as r:
        assert r.status == 200
        pem = r.read()
    cert = x509.load_pem_x509_certificate(pem)
    algorithm = hashes.SHA256() if msg["SignatureVersion"] == "2" else hashes.SHA1()
    # Raises InvalidSignature on a mismatch.
    cert.public_key().verify(base64.b64decode(msg["Signature"]), string_to_sign(msg), padding.PKCS1v15(), algorithm)


@pytest.mark.parametrize("version", ["1", "2"])
def test_envelope_signature_verifies_with_served_certificate(sns, sqs, version):
    topic = sns.create_topic(Name=unique("sig"), Attributes={"SignatureVersion": version})["TopicArn"]
    url, arn = make_queue(sqs, unique("sig"))
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn)
    sns.publish(TopicArn=topic, Message="test signature value with attributes", Subject="signed",
                MessageAttributes={"attr1": {"DataType": "Number", "StringValue": "1"}})
    sns.publish(TopicArn=topic, Message="no subject: ünïcödé")
    got = receive_all(sqs, url, 2)
    assert len(got) == 2
    for m in got:
        env = json.loads(m["Body"])
        assert env["SignatureVersion"] == version
        verify_signature(env)
        # A tampered message must not verify.
        tampered = dict(env, Message=env["Message"] + "!")
        with pytest.raises(Exception):
            verify_signature(tampered)


# ---- FIFO ------------------------------------------------------------------------------------

def test_fifo_topic_to_fifo_queue(sns, sqs):
    topic = sns.create_topic(Name=unique("fifo") + ".fifo",
                             Attributes={"FifoTopic": "true", "ContentBasedDeduplication": "true"})["TopicArn"]
    url, arn = make_queue(sqs, unique("fifo") + ".fifo", {"FifoQueue": "true"})
    sub = sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn)["SubscriptionArn"]
    r1 = sns.publish(TopicArn=topic, Message="Test", MessageGroupId="message-group-id-1")
    assert re.match(r"^\d+$", r1["SequenceNumber"])
    # Same body within 5 minutes: deduplicated by content.
    r2 = sns.publish(TopicArn=topic, Message="Test", MessageGroupId="message-group-id-1")
    assert r2["MessageId"] == r1["MessageId"]
    sns.publish(TopicArn=topic, Message="Second", MessageGroupId="message-group-id-1",
                MessageDeduplicationId="explicit-id")

    got = receive_all(sqs, url, 3, AttributeNames=["All"])
    assert [json.loads(m["Body"])["Message"] for m in got] == ["Test", "Second"]
    first = got[0]
    assert first["Attributes"]["MessageGroupId"] == "message-group-id-1"
    assert first["Attributes"]["MessageDeduplicationId"] == hashlib.sha256(b"Test").hexdigest()
    assert first["Attributes"]["MessageDeduplicationId"] == \
        "532eaabd9574880dbf76b9b8cc00832c20a6ec113d682299550d7a6e0f345e25"  # as recorded on AWS
    assert got[1]["Attributes"]["MessageDeduplicationId"] == "explicit-id"
    env = ordered_json(first["Body"])
    # FIFO envelopes carry a SequenceNumber and no signature fields.
    assert list(env) == ["Type", "MessageId", "SequenceNumber", "TopicArn", "Message", "Timestamp", "UnsubscribeURL"]
    assert env["MessageId"] == r1["MessageId"]
    assert env["SequenceNumber"] == r1["SequenceNumber"]
    assert env["UnsubscribeURL"].endswith("SubscriptionArn=" + sub)


# ---- HTTP subscriptions ----------------------------------------------------------------------

class Subscriber:
    """A local HTTP endpoint recording every POST; per-path scripts of status codes to answer."""

    def __init__(self):
        self.requests = []  # (time, path, headers dict (lower-case names), body str)
        self.scripts = {}   # path -> list of statuses to answer in order (then 200)
        self.delays = {}    # path -> seconds to wait before answering
        self.lock = threading.Lock()
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length", "0"))
                body = self.rfile.read(length).decode("utf-8")
                with outer.lock:
                    outer.requests.append((time.monotonic(), self.path,
                                           {k.lower(): v for k, v in self.headers.items()}, body))
                    script = outer.scripts.get(self.path, [])
                    status = script.pop(0) if script else 200
                    delay = outer.delays.get(self.path, 0)
                time.sleep(delay)
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def url(self, path):
        return "http://127.0.0.1:%d%s" % (self.server.server_address[1], path)

    def received(self, path, message_type=None):
        with self.lock:
            return [r for r in self.requests
                    if r[1] == path and (message_type is None or r[2].get("x-amz-sns-message-type") == message_type)]

    def wait(self, path, count, message_type=None, deadline_s=10.0):
        return wait_for(lambda: len(self.received(path, message_type)) >= count and self.received(path, message_type),
                        deadline_s) or self.received(path, message_type)

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def subscriber():
    s = Subscriber()
    yield s
    s.close()


def confirm_via_subscribe_url(subscriber, path):
    confirmations = subscriber.wait(path, 1, "SubscriptionConfirmation")
    assert len(confirmations) == 1, "no SubscriptionConfirmation POST"
    _, _, headers, body = confirmations[0]
    msg = json.loads(body)
    with urllib.request.urlopen(msg["SubscribeURL"], timeout=5) as r:
        assert r.status == 200
        answer = r.read().decode()
    return headers, msg, answer


def test_http_subscription_confirm_and_notify(sns, topic, subscriber):
    path = "/sns/endpoint"
    sub = sns.subscribe(TopicArn=topic, Protocol="http", Endpoint=subscriber.url(path))
    assert sub["SubscriptionArn"] == "pending confirmation"
    listed = sns.list_subscriptions_by_topic(TopicArn=topic)["Subscriptions"]
    assert [s["SubscriptionArn"] for s in listed] == ["PendingConfirmation"]

    headers, msg, answer = confirm_via_subscribe_url(subscriber, path)
    assert headers["x-amz-sns-message-type"] == "SubscriptionConfirmation"
    assert headers["x-amz-sns-topic-arn"] == topic
    assert headers["x-amz-sns-message-id"] == msg["MessageId"]
    assert "x-amz-sns-subscription-arn" not in headers
    assert headers["content-type"] == "text/plain; charset=UTF-8"
    assert headers["user-agent"] == "Amazon Simple Notification Service Agent"
    assert msg["Type"] == "SubscriptionConfirmation"
    assert msg["TopicArn"] == topic
    assert msg["Message"] == ("You have chosen to subscribe to the topic %s.\nTo confirm the subscription, visit the "
                              "SubscribeURL included in this message." % topic)
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(msg["SubscribeURL"]).query)
    assert query["Action"] == ["ConfirmSubscription"]
    assert query["TopicArn"] == [topic]
    assert query["Token"] == [msg["Token"]]
    verify_signature(msg)

    sub_arn = re.search(r"<SubscriptionArn>([^<]+)</SubscriptionArn>", answer).group(1)
    assert sub_arn.startswith(topic + ":")
    attrs = sns.get_subscription_attributes(SubscriptionArn=sub_arn)["Attributes"]
    assert attrs["PendingConfirmation"] == "false"
    # Confirming again with the same token answers the same subscription.
    again = sns.confirm_subscription(TopicArn=topic, Token=msg["Token"])
    assert again["SubscriptionArn"] == sub_arn

    r = sns.publish(TopicArn=topic, Message="to http", Subject="hi")
    notes = subscriber.wait(path, 1, "Notification")
    assert len(notes) == 1
    _, _, headers, body = notes[0]
    assert headers["x-amz-sns-message-id"] == r["MessageId"]
    assert headers["x-amz-sns-topic-arn"] == topic
    assert headers["x-amz-sns-subscription-arn"] == sub_arn
    assert "x-amz-sns-rawdelivery" not in headers
    env = ordered_json(body)
    assert list(env) == ["Type", "MessageId", "TopicArn", "Subject", "Message", "Timestamp", "SignatureVersion",
                         "Signature", "SigningCertURL", "UnsubscribeURL"]
    assert env["Message"] == "to http"
    verify_signature(env)


def test_http_raw_delivery_header(sns, topic, subscriber):
    path = "/raw"
    sns.subscribe(TopicArn=topic, Protocol="http", Endpoint=subscriber.url(path),
                  Attributes={"RawMessageDelivery": "true"})
    confirm_via_subscribe_url(subscriber, path)
    sns.publish(TopicArn=topic, Message="raw body", MessageAttributes={"a": {"DataType": "String", "StringValue": "b"}})
    notes = subscriber.wait(path, 1, "Notification")
    assert len(notes) == 1
    _, _, headers, body = notes[0]
    assert body == "raw body"
    assert headers["x-amz-sns-rawdelivery"] == "true"


def test_http_unconfirmed_subscription_gets_nothing(sns, topic, subscriber):
    path = "/unconfirmed"
    sns.subscribe(TopicArn=topic, Protocol="http", Endpoint=subscriber.url(path))
    assert len(subscriber.wait(path, 1, "SubscriptionConfirmation")) == 1
    sns.publish(TopicArn=topic, Message="not for you")
    time.sleep(1.0)
    assert subscriber.received(path, "Notification") == []


def test_http_retries_under_delivery_policy(sns, topic, subscriber):
    path = "/flaky"
    policy = {"healthyRetryPolicy": {"minDelayTarget": 1, "maxDelayTarget": 1, "numRetries": 3,
                                     "numNoDelayRetries": 0, "numMinDelayRetries": 0, "numMaxDelayRetries": 0,
                                     "backoffFunction": "linear"}}
    sns.subscribe(TopicArn=topic, Protocol="http", Endpoint=subscriber.url(path),
                  Attributes={"DeliveryPolicy": json.dumps(policy)})
    confirm_via_subscribe_url(subscriber, path)
    subscriber.scripts[path] = [500, 500]  # two failures, then success
    r = sns.publish(TopicArn=topic, Message="eventually")
    notes = subscriber.wait(path, 3, "Notification", deadline_s=15.0)
    assert len(notes) == 3, "attempts seen: %d" % len(notes)
    assert {n[2]["x-amz-sns-message-id"] for n in notes} == {r["MessageId"]}
    gaps = [b[0] - a[0] for a, b in zip(notes, notes[1:])]
    assert all(g >= 0.8 for g in gaps), gaps  # minDelayTarget 1 s between attempts
    time.sleep(1.5)
    assert len(subscriber.received(path, "Notification")) == 3  # no attempt after the success


def test_http_client_error_is_not_retried(sns, topic, subscriber):
    path = "/gone"
    policy = {"healthyRetryPolicy": {"minDelayTarget": 1, "maxDelayTarget": 1, "numRetries": 3}}
    sns.subscribe(TopicArn=topic, Protocol="http", Endpoint=subscriber.url(path),
                  Attributes={"DeliveryPolicy": json.dumps(policy)})
    confirm_via_subscribe_url(subscriber, path)
    subscriber.scripts[path] = [404, 404, 404, 404]
    sns.publish(TopicArn=topic, Message="lost")
    assert len(subscriber.wait(path, 1, "Notification")) == 1
    time.sleep(2.5)
    assert len(subscriber.received(path, "Notification")) == 1


def test_slow_http_endpoint_does_not_hold_up_publishers(sns, sqs, topic, subscriber):
    path = "/slow"
    url, arn = make_queue(sqs, unique("beside-slow"))
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn, Attributes={"RawMessageDelivery": "true"})
    sns.subscribe(TopicArn=topic, Protocol="http", Endpoint=subscriber.url(path))
    confirm_via_subscribe_url(subscriber, path)
    subscriber.delays[path] = 3.0
    started = time.monotonic()
    for i in range(5):
        sns.publish(TopicArn=topic, Message="m%d" % i)
    assert time.monotonic() - started < 2.0
    assert sorted(m["Body"] for m in receive_all(sqs, url, 5)) == ["m%d" % i for i in range(5)]
    assert len(subscriber.wait(path, 5, "Notification", deadline_s=15.0)) == 5


# ---- outbox: email, email-json, sms ----------------------------------------------------------

needs_data_dir = pytest.mark.skipif(not DATA_DIR, reason="the outbox needs a data directory")


def outbox_for(endpoint, message_type=None):
    return [line for line in outbox_lines()
            if line["Endpoint"] == endpoint and (message_type is None or line["Type"] == message_type)]


@needs_data_dir
def test_email_outbox_confirmation_and_notification(sns, topic):
    address = unique("someone") + "@example.com"
    json_address = unique("robot") + "@example.com"
    assert sns.subscribe(TopicArn=topic, Protocol="email", Endpoint=address)["SubscriptionArn"] == \
        "pending confirmation"
    sns.subscribe(TopicArn=topic, Protocol="email-json", Endpoint=json_address)
    for who in (address, json_address):
        lines = wait_for(lambda: outbox_for(who, "SubscriptionConfirmation"))
        assert len(lines) == 1, who
        with urllib.request.urlopen(lines[0]["SubscribeURL"], timeout=5) as r:
            assert r.status == 200
    subs = {s["Endpoint"]: s for s in sns.list_subscriptions_by_topic(TopicArn=topic)["Subscriptions"]}
    assert subs[address]["SubscriptionArn"].startswith(topic + ":")
    assert subs[json_address]["SubscriptionArn"].startswith(topic + ":")

    r = sns.publish(TopicArn=topic, Message="Your order shipped", Subject="Order update")
    mail = wait_for(lambda: outbox_for(address, "Notification"))
    assert len(mail) == 1
    assert mail[0]["Protocol"] == "email"
    assert mail[0]["Subject"] == "Order update"
    assert mail[0]["Body"] == "Your order shipped"
    assert mail[0]["MessageId"] == r["MessageId"]
    assert mail[0]["TopicArn"] == topic
    assert mail[0]["SubscriptionArn"] == subs[address]["SubscriptionArn"]
    mail_json = wait_for(lambda: outbox_for(json_address, "Notification"))
    assert len(mail_json) == 1
    env = json.loads(mail_json[0]["Body"])
    assert env["Type"] == "Notification" and env["Message"] == "Your order shipped"
    assert env["Subject"] == "Order update"
    verify_signature(env)

    # MessageStructure json: the email variant for email subscribers.
    sns.publish(TopicArn=topic, MessageStructure="json",
                Message=json.dumps({"default": "d", "email": "for email"}))
    assert wait_for(lambda: [m["Body"] for m in outbox_for(address, "Notification")] == ["Your order shipped",
                                                                                      "for email"])


@needs_data_dir
def test_sms_outbox(sns, topic):
    number = "+15555550123"
    sub = sns.subscribe(TopicArn=topic, Protocol="sms", Endpoint=number)["SubscriptionArn"]
    assert sub.startswith(topic + ":")  # no confirmation for sms
    sns.publish(TopicArn=topic, Message="Your code is 1234")
    lines = wait_for(lambda: outbox_for(number, "Notification"))
    assert len(lines) == 1
    assert lines[0]["Protocol"] == "sms" and lines[0]["Body"] == "Your code is 1234"


# ---- lambda subscriptions and subscription DLQs ----------------------------------------------

def function_arn(name):
    return "arn:aws:lambda:%s:%s:function:%s" % (REGION, ACCOUNT, name)


def sns_metric_sum(topic, metric):
    """The AWS/SNS metric's sum for the topic over the last hour, through CloudWatch."""
    cloudwatch = boto3.client("cloudwatch", region_name=REGION, endpoint_url=ENDPOINT, config=BOUNDED)
    now = time.time()
    points = cloudwatch.get_metric_statistics(
        Namespace="AWS/SNS", MetricName=metric, Dimensions=[{"Name": "TopicName", "Value": topic.split(":")[-1]}],
        StartTime=now - 3600, EndTime=now + 600, Period=3600, Statistics=["Sum"])["Datapoints"]
    return sum(p["Sum"] for p in points)


def lambda_metric_sum(function, metric):
    """The AWS/Lambda metric's sum for the function over the last hour, through CloudWatch."""
    cloudwatch = boto3.client("cloudwatch", region_name=REGION, endpoint_url=ENDPOINT, config=BOUNDED)
    now = time.time()
    points = cloudwatch.get_metric_statistics(
        Namespace="AWS/Lambda", MetricName=metric, Dimensions=[{"Name": "FunctionName", "Value": function}],
        StartTime=now - 3600, EndTime=now + 600, Period=3600, Statistics=["Sum"])["Datapoints"]
    return sum(p["Sum"] for p in points)


@pytest.mark.skipif("echo" not in FUNCTIONS, reason="the server declares no 'echo' function")
def test_lambda_subscription_invokes_declared_function(sns, topic):
    sub = sns.subscribe(TopicArn=topic, Protocol="lambda", Endpoint=function_arn("echo"))["SubscriptionArn"]
    assert sub.startswith(topic + ":")  # same-account lambda: confirmed at once
    before = server_log().count("[echo] START RequestId")
    invocations_before = lambda_metric_sum("echo", "Invocations")
    sns.publish(TopicArn=topic, Message="to lambda")
    assert wait_for(lambda: server_log().count("[echo] START RequestId") == before + 1), server_log()[-2000:]
    assert wait_for(lambda: re.search(r"\[echo\] END RequestId: [0-9a-f-]+\n", server_log()))
    time.sleep(0.5)
    assert server_log().count("[echo] START RequestId") == before + 1  # one invocation per publish
    # A function's deliveries count in AWS/SNS as queue deliveries do.
    assert wait_for(lambda: sns_metric_sum(topic, "NumberOfNotificationsDelivered") == 1)
    assert sns_metric_sum(topic, "NumberOfNotificationsFailed") == 0
    # The function's run counts in AWS/Lambda as an invocation through Lambda's API does.
    assert wait_for(lambda: lambda_metric_sum("echo", "Invocations") == invocations_before + 1)


def test_lambda_subscription_to_unknown_function_dead_letters(sns, sqs, topic):
    dlq_url, dlq_arn = make_queue(sqs, unique("dlq"))
    sub = sns.subscribe(TopicArn=topic, Protocol="lambda", Endpoint=function_arn(unique("nobody")),
                        Attributes={"RedrivePolicy": json.dumps({"deadLetterTargetArn": dlq_arn})})["SubscriptionArn"]
    attrs = sns.get_subscription_attributes(SubscriptionArn=sub)["Attributes"]
    assert json.loads(attrs["RedrivePolicy"]) == {"deadLetterTargetArn": dlq_arn}
    r = sns.publish(TopicArn=topic, Message="test_redrive_policy",
                    MessageAttributes={"attr1": {"DataType": "Number", "StringValue": "1"}})
    got = receive_all(sqs, dlq_url, 1, deadline_s=10.0)
    assert len(got) == 1
    env = ordered_json(got[0]["Body"])
    # As recorded on AWS: the SQS-style envelope (URL spelling), with the attributes.
    assert list(env) == ["Type", "MessageId", "TopicArn", "Message", "Timestamp", "SignatureVersion", "Signature",
                         "SigningCertURL", "UnsubscribeURL", "MessageAttributes"]
    assert env["MessageId"] == r["MessageId"]
    assert env["Message"] == "test_redrive_policy"
    assert env["MessageAttributes"] == {"attr1": {"Type": "Number", "Value": "1"}}
    assert env["UnsubscribeURL"].endswith("SubscriptionArn=" + sub)
    # Given up at once (no such function): one failed notification, none delivered, moved to the DLQ.
    assert wait_for(lambda: sns_metric_sum(topic, "NumberOfNotificationsFailed") == 1)
    assert sns_metric_sum(topic, "NumberOfNotificationsDelivered") == 0
    assert wait_for(lambda: sns_metric_sum(topic, "NumberOfNotificationsRedrivenToDlq") == 1)
    assert sns_metric_sum(topic, "NumberOfNotificationsFailedToRedriveToDlq") == 0
    # With the DLQ gone, the next failed notification has nowhere to go.
    sqs.delete_queue(QueueUrl=dlq_url)
    sns.publish(TopicArn=topic, Message="nowhere")
    assert wait_for(lambda: sns_metric_sum(topic, "NumberOfNotificationsFailedToRedriveToDlq") == 1)
    assert sns_metric_sum(topic, "NumberOfNotificationsRedrivenToDlq") == 1


FILTERED_OUT_VARIANTS = ("MessageAttributes", "NoMessageAttributes", "InvalidAttributes", "MessageBody",
                         "InvalidMessageBody")


def filtered_out_counts(topic):
    return {v: sns_metric_sum(topic, "NumberOfNotificationsFilteredOut-" + v) for v in FILTERED_OUT_VARIANTS}


def test_filtered_out_notifications_name_why(sns, sqs, topic):
    # One variant per refusal: an attribute the policy cannot compare (a number outside the
    # -10^9..10^9 filter policies compare) and a body that is not JSON under a MessageBody-scoped
    # policy count as invalid; a refusal of what could be compared counts in its scope.
    # Two queues: subscribing one endpoint twice with other attributes is refused, as on AWS.
    _, by_attributes = make_queue(sqs, unique("filtered-attributes"))
    _, by_body = make_queue(sqs, unique("filtered-body"))
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=by_attributes,
                  Attributes={"FilterPolicy": json.dumps({"price": [{"numeric": ["<", 0]}]})})
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=by_body,
                  Attributes={"FilterPolicy": json.dumps({"kind": ["order"]}), "FilterPolicyScope": "MessageBody"})
    sns.publish(TopicArn=topic, Message=json.dumps({"kind": "order"}),
                MessageAttributes={"price": {"DataType": "Number", "StringValue": "5000000000"}})
    expected = dict.fromkeys(FILTERED_OUT_VARIANTS, 0)
    expected["InvalidAttributes"] = 1
    assert wait_for(lambda: filtered_out_counts(topic) == expected), filtered_out_counts(topic)
    sns.publish(TopicArn=topic, Message="not json {",
                MessageAttributes={"price": {"DataType": "Number", "StringValue": "7"}})
    expected.update(InvalidMessageBody=1, MessageAttributes=1)
    assert wait_for(lambda: filtered_out_counts(topic) == expected), filtered_out_counts(topic)
    sns.publish(TopicArn=topic, Message=json.dumps({"kind": "refund"}))
    expected.update(MessageBody=1, NoMessageAttributes=1)
    assert wait_for(lambda: filtered_out_counts(topic) == expected), filtered_out_counts(topic)
    assert sns_metric_sum(topic, "NumberOfNotificationsFilteredOut") == 5


def test_sqs_subscription_to_deleted_queue_dead_letters(sns, sqs, topic):
    url, arn = make_queue(sqs, unique("doomed"))
    dlq_url, dlq_arn = make_queue(sqs, unique("dlq"))
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn,
                  Attributes={"RedrivePolicy": json.dumps({"deadLetterTargetArn": dlq_arn})})
    sqs.delete_queue(QueueUrl=url)
    sns.publish(TopicArn=topic, Message="queue is gone")
    got = receive_all(sqs, dlq_url, 1, deadline_s=10.0)
    assert len(got) == 1
    assert json.loads(got[0]["Body"])["Message"] == "queue is gone"
    assert wait_for(lambda: sns_metric_sum(topic, "NumberOfNotificationsRedrivenToDlq") == 1)
    sqs.delete_queue(QueueUrl=dlq_url)
    sns.publish(TopicArn=topic, Message="and so is its DLQ")
    assert wait_for(lambda: sns_metric_sum(topic, "NumberOfNotificationsFailedToRedriveToDlq") == 1)


def test_subscription_redrive_policy_validation(sns, sqs, topic):
    _, arn = make_queue(sqs, unique("q"))
    expect_error(lambda: sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn,
                                       Attributes={"RedrivePolicy": json.dumps({"deadLetterTargetArn": "x"})}),
                 "InvalidParameter",
                 "Invalid parameter: Attributes Reason: RedrivePolicy: deadLetterTargetArn is an invalid arn")


def test_numeric_filter_policy(sns, sqs, topic):
    # A message whose attribute fails the range, or lacks it, is not delivered.
    url, arn = make_queue(sqs, unique("filt"))
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn,
                  Attributes={"FilterPolicy": json.dumps({"price": [{"numeric": [">", 100]}]})})
    sns.publish(TopicArn=topic, Message="cheap", MessageAttributes={"price": {"DataType": "Number", "StringValue": "5"}})
    sns.publish(TopicArn=topic, Message="dear", MessageAttributes={"price": {"DataType": "Number",
                                                                           "StringValue": "150.5"}})
    sns.publish(TopicArn=topic, Message="no price")
    got = receive_all(sqs, url, 3, deadline_s=3.0)
    assert [json.loads(m["Body"])["Message"] for m in got] == ["dear"]
    assert_queue_empty(sqs, url)


# ---- subscription lifecycle ------------------------------------------------------------------

def test_subscribe_is_idempotent_unless_attributes_differ(sns, sqs, topic):
    _, arn = make_queue(sqs, unique("idem"))
    first = sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn)["SubscriptionArn"]
    assert sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn)["SubscriptionArn"] == first
    expect_error(lambda: sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn,
                                       Attributes={"RawMessageDelivery": "true"}),
                 "InvalidParameter",
                 "Invalid parameter: Attributes Reason: Subscription already exists with different attributes")
    attrs = sns.get_topic_attributes(TopicArn=topic)["Attributes"]
    assert attrs["SubscriptionsConfirmed"] == "1"
    assert attrs["SubscriptionsPending"] == "0"


def test_unsubscribe_url_from_envelope_unsubscribes(sns, sqs, topic):
    url, arn = make_queue(sqs, unique("unsub"))
    sub = sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn)["SubscriptionArn"]
    sns.publish(TopicArn=topic, Message="one")
    env = json.loads(receive_all(sqs, url, 1)[0]["Body"])
    with urllib.request.urlopen(env["UnsubscribeURL"], timeout=5) as r:
        assert r.status == 200
    expect_error(lambda: sns.get_subscription_attributes(SubscriptionArn=sub), "NotFound",
                 "Subscription does not exist", 404)
    sns.publish(TopicArn=topic, Message="two")
    assert_queue_empty(sqs, url)


def test_delete_topic_deletes_its_subscriptions(sns, sqs):
    topic = sns.create_topic(Name=unique("doomed"))["TopicArn"]
    _, arn = make_queue(sqs, unique("q"))
    sub = sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn)["SubscriptionArn"]
    sns.delete_topic(TopicArn=topic)
    sns.delete_topic(TopicArn=topic)  # idempotent
    expect_error(lambda: sns.get_subscription_attributes(SubscriptionArn=sub), "NotFound",
                 "Subscription does not exist", 404)
    assert sub not in [s["SubscriptionArn"] for s in sns.list_subscriptions()["Subscriptions"]]
    assert topic not in [t["TopicArn"] for t in sns.list_topics()["Topics"]]


def test_list_subscriptions_by_topic_paginates(sns, sqs, topic):
    arns = set()
    for i in range(105):  # a page holds 100
        arns.add(sns.subscribe(TopicArn=topic, Protocol="sms", Endpoint="+1555555%04d" % i)["SubscriptionArn"])
    first = sns.list_subscriptions_by_topic(TopicArn=topic)
    assert len(first["Subscriptions"]) == 100
    assert first.get("NextToken")
    second = sns.list_subscriptions_by_topic(TopicArn=topic, NextToken=first["NextToken"])
    assert len(second["Subscriptions"]) == 5
    assert "NextToken" not in second
    assert {s["SubscriptionArn"] for s in first["Subscriptions"] + second["Subscriptions"]} == arns


def test_http_endpoint_down_dead_letters_after_retries(sns, sqs, topic, subscriber):
    path = "/down"
    dlq_url, dlq_arn = make_queue(sqs, unique("httpdlq"))
    policy = {"healthyRetryPolicy": {"minDelayTarget": 1, "maxDelayTarget": 1, "numRetries": 1}}
    sns.subscribe(TopicArn=topic, Protocol="http", Endpoint=subscriber.url(path),
                  Attributes={"DeliveryPolicy": json.dumps(policy),
                              "RedrivePolicy": json.dumps({"deadLetterTargetArn": dlq_arn})})
    confirm_via_subscribe_url(subscriber, path)
    subscriber.scripts[path] = [503, 503, 503]
    r = sns.publish(TopicArn=topic, Message="never arrives")
    got = receive_all(sqs, dlq_url, 1, deadline_s=10.0)
    assert len(got) == 1
    env = json.loads(got[0]["Body"])
    assert env["MessageId"] == r["MessageId"] and env["Message"] == "never arrives"
    assert len(subscriber.received(path, "Notification")) == 2  # the first attempt and one retry
