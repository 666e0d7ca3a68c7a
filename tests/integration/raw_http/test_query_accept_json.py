"""Query requests that send "Accept: application/json" are answered in JSON, as AWS answers them.

The JSON form of a Query document: {"<Action>Response": {"<Action>Result": {...},
"ResponseMetadata": {"RequestId": ...}}}; errors {"Error": {"Type", "Code", "Message"},
"RequestId"}. Flattened lists stay arrays with one entry. Checked for SQS (form POST and GET with
Action=...) and SNS (the same front door). Without the header the answers stay XML. Standard
library only; SLUICE_ENDPOINT comes from sluice_server.py.
"""

import http.client
import json
import os
import sys
import unittest
import urllib.parse
import uuid

ENDPOINT = os.environ.get("SLUICE_ENDPOINT", "")
HOST, PORT = (urllib.parse.urlsplit(ENDPOINT).hostname, urllib.parse.urlsplit(ENDPOINT).port) if ENDPOINT else ("", 0)
FORM = "application/x-www-form-urlencoded; charset=utf-8"
TIMEOUT = 30


def request(method, path, body=b"", headers=None):
    conn = http.client.HTTPConnection(HOST, PORT, timeout=TIMEOUT)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        resp = conn.getresponse()
        return resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read()
    finally:
        conn.close()


def post(params, path="/", accept="application/json"):
    headers = {"Content-Type": FORM}
    if accept is not None:
        headers["Accept"] = accept
    return request("POST", path, urllib.parse.urlencode(params).encode(), headers)


def get(params, path="/", accept="application/json"):
    return request("GET", path + "?" + urllib.parse.urlencode(params), b"", {"Accept": accept})


class QueryAcceptJsonTest(unittest.TestCase):
    def json_answer(self, resp, status=200):
        st, headers, body = resp
        self.assertEqual(st, status, body)
        self.assertEqual(headers.get("content-type"), "application/json", body)
        return json.loads(body)

    def result(self, resp, action):
        doc = self.json_answer(resp)
        self.assertEqual(list(doc), [action + "Response"], doc)
        response = doc[action + "Response"]
        self.assertTrue(response["ResponseMetadata"]["RequestId"], doc)
        return response.get(action + "Result")

    def create_queue(self):
        name = "accept-json-" + uuid.uuid4().hex[:8]
        result = self.result(post({"Action": "CreateQueue", "QueueName": name, "Version": "2012-11-05"}), "CreateQueue")
        self.assertTrue(result["QueueUrl"].endswith("/" + name), result)
        return name, result["QueueUrl"]

    def test_sqs_post_answers_in_json(self):
        name, url = self.create_queue()
        path = urllib.parse.urlsplit(url).path
        sent = self.result(post({"Action": "SendMessage", "MessageBody": "héllo <&>"}, path), "SendMessage")
        self.assertEqual(len(sent["MessageId"]), 36, sent)
        self.assertEqual(len(sent["MD5OfMessageBody"]), 32, sent)
        received = self.result(
            post({"Action": "ReceiveMessage", "AttributeName.1": "All", "WaitTimeSeconds": "1"}, path), "ReceiveMessage"
        )
        # One message is still a list, its attributes a list of Name/Value entries.
        self.assertEqual(len(received["Message"]), 1, received)
        message = received["Message"][0]
        self.assertEqual(message["Body"], "héllo <&>")
        self.assertEqual(message["MessageId"], sent["MessageId"])
        names = {a["Name"]: a["Value"] for a in message["Attribute"]}
        self.assertEqual(names["ApproximateReceiveCount"], "1", message)
        listed = self.result(post({"Action": "ListQueues", "QueueNamePrefix": name}), "ListQueues")
        self.assertEqual(listed["QueueUrl"], [url], listed)

    def test_sqs_get_answers_in_json(self):
        _, url = self.create_queue()
        path = urllib.parse.urlsplit(url).path
        attrs = self.result(get({"Action": "GetQueueAttributes", "AttributeName.1": "VisibilityTimeout"}, path),
                            "GetQueueAttributes")
        self.assertEqual(attrs["Attribute"], [{"Name": "VisibilityTimeout", "Value": "30"}], attrs)
        # An action without a result element has only the metadata.
        doc = self.json_answer(get({"Action": "PurgeQueue"}, path))
        self.assertEqual(list(doc["PurgeQueueResponse"]), ["ResponseMetadata"], doc)

    def test_sqs_errors_in_json(self):
        doc = self.json_answer(post({"Action": "GetQueueUrl", "QueueName": "no-such-queue-" + uuid.uuid4().hex[:8]}),
                               400)
        self.assertEqual(doc["Error"]["Code"], "AWS.SimpleQueueService.NonExistentQueue", doc)
        self.assertEqual(doc["Error"]["Type"], "Sender", doc)
        self.assertEqual(doc["Error"]["Message"], "The specified queue does not exist for this wsdl version.", doc)
        self.assertTrue(doc["RequestId"], doc)

    def test_bytes_that_are_not_utf8_leave_the_json_parseable(self):
        # A form-encoded value can decode to bytes that start no UTF-8 sequence; a JSON answer
        # carries each as U+FFFD instead of breaking the document.
        _, url = self.create_queue()
        path = urllib.parse.urlsplit(url).path
        body = "Action=TagQueue&Tag.1.Key=team&Tag.1.Value=a%FFb".encode()
        st, _, raw = request("POST", path, body, {"Content-Type": FORM, "Accept": "application/json"})
        self.assertEqual(st, 200, raw)
        tags = self.result(post({"Action": "ListQueueTags"}, path), "ListQueueTags")
        self.assertEqual(tags["Tag"], [{"Key": "team", "Value": "a\ufffdb"}], tags)
        st, headers, raw = request(
            "POST", "/", json.dumps({"QueueUrl": url}).encode(),
            {"Content-Type": "application/x-amz-json-1.0", "X-Amz-Target": "AmazonSQS.ListQueueTags"},
        )
        self.assertEqual(st, 200, raw)
        self.assertEqual(json.loads(raw.decode("utf-8"))["Tags"], {"team": "a\ufffdb"})

    def test_without_the_header_answers_stay_xml(self):
        st, headers, body = post({"Action": "ListQueues"}, accept=None)
        self.assertEqual(st, 200, body)
        self.assertIn("xml", headers.get("content-type", ""))
        self.assertTrue(body.lstrip().startswith(b"<"), body)
        st, headers, body = post({"Action": "ListQueues"}, accept="text/xml")
        self.assertIn("xml", headers.get("content-type", ""))

    def test_sns_answers_in_json(self):
        name = "accept-json-" + uuid.uuid4().hex[:8]
        created = self.result(post({"Action": "CreateTopic", "Name": name, "Version": "2010-03-31"}), "CreateTopic")
        arn = created["TopicArn"]
        self.assertTrue(arn.endswith(":" + name), created)
        published = self.result(
            post({"Action": "Publish", "TopicArn": arn, "Message": "hi", "Version": "2010-03-31"}), "Publish"
        )
        self.assertEqual(len(published["MessageId"]), 36, published)
        topics = self.result(post({"Action": "ListTopics", "Version": "2010-03-31"}), "ListTopics")
        self.assertIn({"TopicArn": arn}, topics["Topics"], topics)
        attrs = self.result(post({"Action": "GetTopicAttributes", "TopicArn": arn, "Version": "2010-03-31"}),
                            "GetTopicAttributes")
        self.assertEqual(attrs["Attributes"]["TopicArn"], arn, attrs)
        doc = self.json_answer(
            post({"Action": "GetTopicAttributes", "TopicArn": arn + "-missing", "Version": "2010-03-31"}), 404
        )
        self.assertEqual(doc["Error"]["Code"], "NotFound", doc)
        self.assertEqual(doc["Error"]["Message"], "Topic does not exist", doc)


if __name__ == "__main__":
    if not ENDPOINT:
        sys.exit("SLUICE_ENDPOINT is not set")
    result = unittest.main(verbosity=2, exit=False).result
    failed = len(result.failures) + len(result.errors)
    print("%d passed, %d failed" % (result.testsRun - failed, failed))
    sys.exit(0 if result.wasSuccessful() else 1)
