#!/usr/bin/env python3
"""Drives the SNS Query API with botocore's own serializer and parser (no network).

Each request is serialized by botocore's QuerySerializer from the SNS model, form-encoded as
botocore sends it, answered by sns_api_tool, and the XML is parsed by botocore's QueryParser, so
parameter names and result shapes are checked against the model botocore users rely on.
Exit 77 (skipped) when botocore is not importable.
"""
import json
import subprocess
import sys
import urllib.parse

try:
    from botocore import loaders, model, parsers, serialize
except ImportError:
    print("botocore not available: skipped")
    sys.exit(77)

TOOL = sys.argv[1]
service = model.ServiceModel(loaders.Loader().load_service_model("sns", "service-2", "2010-03-31"), "sns")
serializer = serialize.create_serializer("query")
parser = parsers.create_parser("query")
proc = subprocess.Popen([TOOL], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
failures = []


def send(line):
    proc.stdin.write(line + "\n")
    proc.stdin.flush()
    return json.loads(proc.stdout.readline())


def call(op, **params):
    om = service.operation_model(op)
    request = serializer.serialize_to_request(params, om)
    body = request["body"]
    if isinstance(body, dict):
        body = urllib.parse.urlencode(body)
    answer = send(body)
    response = {"status_code": answer["status"], "headers": {}, "body": answer["body"].encode()}
    parsed = parser.parse(response, om.output_shape)
    parsed.pop("ResponseMetadata", None)
    return answer["status"], parsed


def check(name, cond, detail=""):
    if not cond:
        failures.append(f"{name}: {detail}")


acct = "123456789012"  # sluice's default account (sluice/common/defaults.h), which the tool calls as
status, r = call("CreateTopic", Name="t", Attributes={"DisplayName": "d"}, Tags=[{"Key": "k", "Value": "v"}])
topic = r.get("TopicArn")
check("create", status == 200 and topic == f"arn:aws:sns:us-east-1:{acct}:t", r)
status, r = call("GetTopicAttributes", TopicArn=topic)
attrs = r.get("Attributes", {})
check("get attrs", attrs.get("DisplayName") == "d" and json.loads(attrs["Policy"])["Id"] == "__default_policy_ID", r)
status, r = call("ListTagsForResource", ResourceArn=topic)
check("tags", r.get("Tags") == [{"Key": "k", "Value": "v"}], r)
status, r = call("TagResource", ResourceArn=topic, Tags=[{"Key": "k2", "Value": "v2"}])
status, r = call("UntagResource", ResourceArn=topic, TagKeys=["k"])
status, r = call("ListTagsForResource", ResourceArn=topic)
check("tag/untag", r.get("Tags") == [{"Key": "k2", "Value": "v2"}], r)
status, r = call("SetTopicAttributes", TopicArn=topic, AttributeName="DisplayName", AttributeValue="e")
check("set topic attrs", status == 200, r)
status, r = call("AddPermission", TopicArn=topic, Label="l", AWSAccountId=["111111111111"], ActionName=["Publish"])
check("add permission", status == 200, r)
status, r = call("RemovePermission", TopicArn=topic, Label="l")
check("remove permission", status == 200, r)
status, r = call("ListTopics")
check("list topics", r.get("Topics") == [{"TopicArn": topic}], r)

queue_arn = f"arn:aws:sqs:us-east-1:{acct}:q1"
status, r = call("Subscribe", TopicArn=topic, Protocol="sqs", Endpoint=queue_arn,
                 Attributes={"FilterPolicy": json.dumps({"color": ["red"]})}, ReturnSubscriptionArn=True)
sub = r.get("SubscriptionArn", "")
check("subscribe", sub.startswith(topic + ":"), r)
status, r = call("GetSubscriptionAttributes", SubscriptionArn=sub)
check("sub attrs", r.get("Attributes", {}).get("FilterPolicyScope") == "MessageAttributes", r)
status, r = call("SetSubscriptionAttributes", SubscriptionArn=sub, AttributeName="RawMessageDelivery",
                 AttributeValue="true")
check("set sub attrs", status == 200, r)
status, r = call("ListSubscriptions")
check("list subs", r.get("Subscriptions", [{}])[0].get("SubscriptionArn") == sub, r)
status, r = call("ListSubscriptionsByTopic", TopicArn=topic)
check("list subs by topic", r.get("Subscriptions", [{}])[0].get("Protocol") == "sqs", r)

status, r = call("Publish", TopicArn=topic, Message="red one", Subject="s",
                 MessageAttributes={"color": {"DataType": "String", "StringValue": "red"},
                                    "bin": {"DataType": "Binary", "BinaryValue": b"\x01\x02"}})
check("publish", status == 200 and len(r.get("MessageId", "")) == 36, r)
status, r = call("Publish", TopicArn=topic, Message="blue one",
                 MessageAttributes={"color": {"DataType": "String", "StringValue": "blue"}})
status, r = call("PublishBatch", TopicArn=topic, PublishBatchRequestEntries=[
    {"Id": "1", "Message": "batch red", "MessageAttributes": {"color": {"DataType": "String", "StringValue": "red"}}},
    {"Id": "2", "Message": "batch none"}])
check("publish batch", [e["Id"] for e in r.get("Successful", [])] == ["1", "2"] and r.get("Failed") == [], r)
bodies = send("#receive q1")["bodies"]
check("filtered fan-out", sorted(bodies) == ["batch red", "red one"], bodies)

status, r = call("CreateTopic", Name="f.fifo", Attributes={"FifoTopic": "true", "ContentBasedDeduplication": "true"})
fifo = r.get("TopicArn")
status, r = call("Subscribe", TopicArn=fifo, Protocol="sqs", Endpoint=queue_arn + ".fifo")
status, r = call("Publish", TopicArn=fifo, Message="m", MessageGroupId="g")
check("fifo publish", r.get("SequenceNumber", "").isdigit(), r)
fifo_bodies = send("#receive q1.fifo")["bodies"]
check("fifo envelope", len(fifo_bodies) == 1 and json.loads(fifo_bodies[0])["SequenceNumber"] == r.get("SequenceNumber"),
      fifo_bodies)

status, r = call("GetTopicAttributes", TopicArn=f"arn:aws:sns:us-east-1:{acct}:missing")
check("not found", status == 404 and r.get("Error", {}).get("Code") == "NotFound"
      and r["Error"].get("Message") == "Topic does not exist" and r["Error"].get("Type") == "Sender", r)
status, r = call("Publish", TopicArn=topic, Message="")
check("empty message", r.get("Error", {}).get("Message") == "Invalid parameter: Empty message", r)
status, r = call("ConfirmSubscription", TopicArn=topic, Token="nope")
check("bad token", r.get("Error", {}).get("Message") == "Invalid token", r)  # not hex: AWS's recorded text
status, r = call("Unsubscribe", SubscriptionArn=sub)
check("unsubscribe", status == 200, r)
status, r = call("DeleteTopic", TopicArn=topic)
check("delete", status == 200, r)

proc.stdin.close()
proc.wait(timeout=10)
if failures:
    print("\n".join(failures))
    sys.exit(1)
print("botocore round trip: all checks passed")
