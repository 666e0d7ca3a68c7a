#!/usr/bin/env python3
"""Cross-checks the Query codec against botocore's own Query serializer and XML parser.

botocore releases before the SQS switch to JSON (the Debian python3-botocore package, for one)
carry the Query-protocol SQS model. For every action this script
  * serializes a full request with botocore's QuerySerializer, form-encodes it as botocore sends
    it, runs it through the codec (sqs_query_tool request) and compares the JSON object with the
    request parameters;
  * renders a full result object with the codec (sqs_query_tool response) and parses the XML with
    botocore's QueryParser, which must give back the same object;
  * parses the codec's error XML as botocore does for a failed call.
The move-task actions and ReceiveMessage's MessageSystemAttributeNames are newer than such
models; they are added here with the flattened Query names the codec uses.

Exit 77 (skipped) when no Query-protocol botocore is importable.
"""
import base64
import copy
import json
import subprocess
import sys
import urllib.parse

try:
    import botocore
    from botocore import loaders, model, parsers, serialize
except ImportError:
    print("botocore not available: skipped")
    sys.exit(77)

TOOL = sys.argv[1]


def load_query_model():
    loader = loaders.Loader()
    try:
        data = loader.load_service_model("sqs", "service-2", "2012-11-05")
    except Exception:  # noqa: BLE001 - any loader failure means no usable model
        return None
    if data.get("metadata", {}).get("protocol") != "query":
        return None
    data = copy.deepcopy(data)
    ops, shapes = data["operations"], data["shapes"]
    shapes.setdefault("Long", {"type": "long"})
    shapes.setdefault("NullableInteger", {"type": "integer"})
    shapes.setdefault("NullableLong", {"type": "long"})
    shapes.setdefault("MessageSystemAttributeList", {
        "type": "list", "flattened": True,
        "member": {"shape": "String", "locationName": "MessageSystemAttributeName"}})
    shapes["ReceiveMessageRequest"]["members"].setdefault(
        "MessageSystemAttributeNames", {"shape": "MessageSystemAttributeList"})

    def add_op(name, request_members, result_members):
        ops.setdefault(name, {
            "name": name, "http": {"method": "POST", "requestUri": "/"},
            "input": {"shape": name + "Request"},
            "output": {"shape": name + "Result", "resultWrapper": name + "Result"}})
        shapes.setdefault(name + "Request", {"type": "structure", "members": request_members})
        shapes.setdefault(name + "Result", {"type": "structure", "members": result_members})

    shapes.setdefault("ListMessageMoveTasksResultEntry", {"type": "structure", "members": {
        "TaskHandle": {"shape": "String"}, "Status": {"shape": "String"},
        "SourceArn": {"shape": "String"}, "DestinationArn": {"shape": "String"},
        "MaxNumberOfMessagesPerSecond": {"shape": "NullableInteger"},
        "ApproximateNumberOfMessagesMoved": {"shape": "Long"},
        "ApproximateNumberOfMessagesToMove": {"shape": "NullableLong"},
        "FailureReason": {"shape": "String"}, "StartedTimestamp": {"shape": "Long"}}})
    shapes.setdefault("ListMessageMoveTasksResultEntryList", {
        "type": "list", "flattened": True,
        "member": {"shape": "ListMessageMoveTasksResultEntry",
                   "locationName": "ListMessageMoveTasksResultEntry"}})
    add_op("StartMessageMoveTask",
           {"SourceArn": {"shape": "String"}, "DestinationArn": {"shape": "String"},
            "MaxNumberOfMessagesPerSecond": {"shape": "NullableInteger"}},
           {"TaskHandle": {"shape": "String"}})
    add_op("ListMessageMoveTasks",
           {"SourceArn": {"shape": "String"}, "MaxResults": {"shape": "NullableInteger"}},
           {"Results": {"shape": "ListMessageMoveTasksResultEntryList"}})
    add_op("CancelMessageMoveTask", {"TaskHandle": {"shape": "String"}},
           {"ApproximateNumberOfMessagesMoved": {"shape": "Long"}})
    return model.ServiceModel(data, "sqs")


def run_tool(args, stdin):
    done = subprocess.run([TOOL] + args, input=stdin.encode(), capture_output=True, check=True)
    return done.stdout.decode()


def blobs_to_text(value):
    """botocore takes bytes for blobs; the JSON protocol carries them as base64 text."""
    if isinstance(value, bytes):
        return base64.b64encode(value).decode()
    if isinstance(value, dict):
        return {k: blobs_to_text(v) for k, v in value.items()}
    if isinstance(value, list):
        return [blobs_to_text(v) for v in value]
    return value


def blobs_to_bytes(value, shape):
    """The inverse for parsed output: the parser base64-decodes blob members."""
    if shape is None:
        return value
    if shape.type_name == "blob":
        return base64.b64decode(value)
    if shape.type_name == "structure":
        return {k: blobs_to_bytes(v, shape.members.get(k)) for k, v in value.items()}
    if shape.type_name == "list":
        return [blobs_to_bytes(v, shape.member) for v in value]
    if shape.type_name == "map":
        return {k: blobs_to_bytes(v, shape.value) for k, v in value.items()}
    return value


ATTR = {"s": {"DataType": "String", "StringValue": "v a+l&u=e"},
        "b": {"DataType": "Binary", "BinaryValue": b"\x00\x01\xff"},
        "n": {"DataType": "Number.int", "StringValue": "12"}}
SYS_ATTR = {"AWSTraceHeader": {"DataType": "String", "StringValue": "Root=1-abc"}}

REQUESTS = {
    "CreateQueue": {"QueueName": "q.fifo", "Attributes": {"FifoQueue": "true", "VisibilityTimeout": "40"},
                    "tags": {"team": "blue", "cost center": "a b"}},
    "GetQueueUrl": {"QueueName": "q", "QueueOwnerAWSAccountId": "000000000000"},
    "ListQueues": {"QueueNamePrefix": "pre", "NextToken": "tok", "MaxResults": 5},
    "DeleteQueue": {"QueueUrl": "http://localhost:9324/000000000000/q"},
    "PurgeQueue": {"QueueUrl": "u"},
    "GetQueueAttributes": {"QueueUrl": "u", "AttributeNames": ["All", "QueueArn"]},
    "SetQueueAttributes": {"QueueUrl": "u", "Attributes": {"Policy": "", "DelaySeconds": "5"}},
    "TagQueue": {"QueueUrl": "u", "Tags": {"a": "1", "b": ""}},
    "UntagQueue": {"QueueUrl": "u", "TagKeys": ["a", "b"]},
    "ListQueueTags": {"QueueUrl": "u"},
    "SendMessage": {"QueueUrl": "u", "MessageBody": "héllo\r\nwörld <&> +%", "DelaySeconds": 3,
                    "MessageAttributes": ATTR, "MessageSystemAttributes": SYS_ATTR,
                    "MessageDeduplicationId": "d", "MessageGroupId": "g"},
    "SendMessageBatch": {"QueueUrl": "u", "Entries": [
        {"Id": str(i), "MessageBody": "body %d" % i, "DelaySeconds": i,
         "MessageAttributes": ATTR, "MessageSystemAttributes": SYS_ATTR,
         "MessageDeduplicationId": "d%d" % i, "MessageGroupId": "g"} for i in range(1, 12)]},
    "ReceiveMessage": {"QueueUrl": "u", "AttributeNames": ["All"],
                       "MessageSystemAttributeNames": ["SenderId", "SentTimestamp"],
                       "MessageAttributeNames": ["foo.*", "bar"], "MaxNumberOfMessages": 10,
                       "VisibilityTimeout": 0, "WaitTimeSeconds": 20, "ReceiveRequestAttemptId": "r"},
    "DeleteMessage": {"QueueUrl": "u", "ReceiptHandle": "AQEB+/=="},
    "DeleteMessageBatch": {"QueueUrl": "u", "Entries": [
        {"Id": "a", "ReceiptHandle": "ra"}, {"Id": "b", "ReceiptHandle": "rb"}]},
    "ChangeMessageVisibility": {"QueueUrl": "u", "ReceiptHandle": "r", "VisibilityTimeout": 30},
    "ChangeMessageVisibilityBatch": {"QueueUrl": "u", "Entries": [
        {"Id": "a", "ReceiptHandle": "ra", "VisibilityTimeout": 5}, {"Id": "b", "ReceiptHandle": "rb"}]},
    "ListDeadLetterSourceQueues": {"QueueUrl": "u", "NextToken": "t", "MaxResults": 2},
    "StartMessageMoveTask": {"SourceArn": "arn:aws:sqs:us-east-1:000000000000:dlq",
                             "DestinationArn": "arn:aws:sqs:us-east-1:000000000000:src",
                             "MaxNumberOfMessagesPerSecond": 50},
    "ListMessageMoveTasks": {"SourceArn": "arn:aws:sqs:us-east-1:000000000000:dlq", "MaxResults": 10},
    "CancelMessageMoveTask": {"TaskHandle": "handle"},
    "AddPermission": {"QueueUrl": "u", "Label": "l", "AWSAccountIds": ["111111111111", "222222222222"],
                      "Actions": ["SendMessage", "ReceiveMessage"]},
    "RemovePermission": {"QueueUrl": "u", "Label": "l"},
}

MESSAGE_ATTRS_OUT = {"s": {"DataType": "String", "StringValue": "v <&>"},
                     "b": {"DataType": "Binary", "BinaryValue": base64.b64encode(b"\x00\x01\xff").decode()}}
RESULTS = {
    "CreateQueue": {"QueueUrl": "http://localhost:9324/000000000000/q"},
    "GetQueueUrl": {"QueueUrl": "http://localhost:9324/000000000000/q"},
    "ListQueues": {"QueueUrls": ["a", "b", "c"], "NextToken": "t"},
    "GetQueueAttributes": {"Attributes": {"DelaySeconds": "0", "Policy": "{\"a\": \"<b>\"}"}},
    "ListQueueTags": {"Tags": {"k": "v", "k2": ""}},
    "SendMessage": {"MessageId": "m", "MD5OfMessageBody": "b", "MD5OfMessageAttributes": "a",
                    "MD5OfMessageSystemAttributes": "s", "SequenceNumber": "1"},
    "SendMessageBatch": {
        "Successful": [{"Id": "1", "MessageId": "m", "MD5OfMessageBody": "b", "MD5OfMessageAttributes": "a",
                        "MD5OfMessageSystemAttributes": "s", "SequenceNumber": "9"}],
        "Failed": [{"Id": "2", "SenderFault": True, "Code": "InvalidParameterValue", "Message": "bad <x>"},
                   {"Id": "3", "SenderFault": False, "Code": "InternalError"}]},
    "ReceiveMessage": {"Messages": [
        {"MessageId": "m1", "ReceiptHandle": "r1", "MD5OfBody": "d1", "Body": "line1\r\nline2\t& <x>",
         "Attributes": {"SenderId": "s", "ApproximateReceiveCount": "1"}, "MD5OfMessageAttributes": "x",
         "MessageAttributes": MESSAGE_ATTRS_OUT},
        {"MessageId": "m2", "ReceiptHandle": "r2", "MD5OfBody": "d2", "Body": ""}]},
    "DeleteMessageBatch": {"Successful": [{"Id": "a"}, {"Id": "b"}],
                           "Failed": [{"Id": "c", "SenderFault": True, "Code": "ReceiptHandleIsInvalid",
                                       "Message": "m"}]},
    "ChangeMessageVisibilityBatch": {"Successful": [{"Id": "a"}],
                                     "Failed": [{"Id": "b", "SenderFault": True, "Code": "c", "Message": "m"}]},
    "ListDeadLetterSourceQueues": {"queueUrls": ["a", "b"], "NextToken": "t"},
    "StartMessageMoveTask": {"TaskHandle": "h"},
    "ListMessageMoveTasks": {"Results": [
        {"TaskHandle": "h", "Status": "RUNNING", "SourceArn": "s", "DestinationArn": "d",
         "MaxNumberOfMessagesPerSecond": 50, "ApproximateNumberOfMessagesMoved": 3,
         "ApproximateNumberOfMessagesToMove": 9, "StartedTimestamp": 1700000000000},
        {"Status": "FAILED", "SourceArn": "s", "ApproximateNumberOfMessagesMoved": 0,
         "FailureReason": "AWS.SimpleQueueService.NonExistentQueue", "StartedTimestamp": 1}]},
    "CancelMessageMoveTask": {"ApproximateNumberOfMessagesMoved": 12},
}


def main():
    service = load_query_model()
    if service is None:
        print("botocore %s has no Query-protocol SQS model: skipped" % botocore.__version__)
        return 77
    failures = []
    serializer = serialize.QuerySerializer()
    parser = parsers.QueryParser()

    for action, params in REQUESTS.items():
        op = service.operation_model(action)
        request = serializer.serialize_to_request(copy.deepcopy(params), op)
        body = urllib.parse.urlencode(request["body"], doseq=True)
        got = json.loads(run_tool(["request"], body))
        want = blobs_to_text(params)
        if got != want:
            failures.append("request %s:\n  body %s\n  got  %s\n  want %s" % (action, body, got, want))

    for action in REQUESTS:
        op = service.operation_model(action)
        result = RESULTS.get(action, {})
        xml = run_tool(["response", action], json.dumps(result))
        parsed = parser.parse({"body": xml.encode(), "headers": {}, "status_code": 200}, op.output_shape)
        meta = parsed.pop("ResponseMetadata", {})
        want = blobs_to_bytes(result, op.output_shape)
        if parsed != want or meta.get("RequestId") != "req-1":
            failures.append("response %s:\n  xml  %s\n  got  %s\n  want %s" % (action, xml, parsed, want))
        if (op.output_shape is None) != ("Result>" not in xml):
            failures.append("response %s: Result element presence does not match the model" % action)

    for name, code, kind in [("QueueDoesNotExist", "AWS.SimpleQueueService.NonExistentQueue", "Sender"),
                             ("InternalFailure", "InternalFailure", "Receiver")]:
        message = "The specified queue does not exist & <so> on."
        xml = run_tool(["error", name], message)
        parsed = parser.parse({"body": xml.encode(), "headers": {}, "status_code": 400}, None)
        # AWS-recorded Query errors parse with "Detail": None, from the empty <Detail/>.
        want = {"Type": kind, "Code": code, "Message": message, "Detail": None}
        if parsed.get("Error") != want or parsed.get("ResponseMetadata", {}).get("RequestId") != "req-1":
            failures.append("error %s:\n  xml %s\n  got %s" % (name, xml, parsed))

    bad = json.loads(run_tool(["request"], "Action=SendMessage&QueueUrl=u&MessageBody=%zz"))
    if bad.get("error") != "MalformedQueryString":
        failures.append("malformed escape: %s" % bad)

    for f in failures:
        print("FAIL", f)
    checks = 2 * len(REQUESTS) + 3
    print("%d passed, %d failed" % (checks - len(failures), len(failures)))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
