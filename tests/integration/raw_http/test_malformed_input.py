"""Malformed SQS requests sent as raw HTTP: each gets AWS's error, and the server stays up.

Query-protocol errors are <ErrorResponse> XML documents (Type/Code/Message); JSON 1.0 errors carry
`__type` plus the x-amzn-query-error header SDKs map codes from. After every case GET /health
must still answer. Standard library only; SLUICE_ENDPOINT comes from sluice_server.py.
"""

import http.client
import json
import os
import socket
import sys
import time
import unittest
import urllib.parse
import xml.etree.ElementTree as ET

ENDPOINT = os.environ.get("SLUICE_ENDPOINT", "")
HOST, PORT = (urllib.parse.urlsplit(ENDPOINT).hostname, urllib.parse.urlsplit(ENDPOINT).port) if ENDPOINT else ("", 0)
NS = "{http://queue.amazonaws.com/doc/2012-11-05/}"
FORM = "application/x-www-form-urlencoded; charset=utf-8"
JSON = "application/x-amz-json-1.0"
TIMEOUT = 10


def request(method, path, body=b"", headers=None):
    conn = http.client.HTTPConnection(HOST, PORT, timeout=TIMEOUT)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        resp = conn.getresponse()
        return resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read()
    finally:
        conn.close()


def query(body, path="/"):
    if isinstance(body, str):
        body = body.encode()
    return request("POST", path, body, {"Content-Type": FORM})


def json_call(target, body, extra_headers=None):
    headers = {"Content-Type": JSON}
    if target is not None:
        headers["X-Amz-Target"] = target
    headers.update(extra_headers or {})
    if isinstance(body, str):
        body = body.encode()
    return request("POST", "/", body, headers)


def local_name(tag):
    """Element name without its namespace (SQS and SNS error documents use different ones)."""
    return tag.rsplit("}", 1)[-1]


def xml_error(raw):
    root = ET.fromstring(raw)
    assert local_name(root.tag) == "ErrorResponse", raw
    err = next((child for child in root if local_name(child.tag) == "Error"), None)
    assert err is not None, raw
    fields = {local_name(child.tag): (child.text or "") for child in err}
    request_id = next((child for child in root if local_name(child.tag) == "RequestId"), None)
    fields["RequestId"] = request_id.text if request_id is not None else None
    return fields


class MalformedInputTest(unittest.TestCase):
    def tearDown(self):
        status, _, body = request("GET", "/health")
        self.assertEqual(status, 200, "server must stay up")
        # This server runs no event-source mappings, so /health lists none; its in-memory store
        # and the function log ingest are ready.
        self.assertEqual(json.loads(body), {
            "status": "ok",
            "components": {"ready": True, "store": {"status": "ready", "durable": False},
                           "logs": {"status": "ready", "droppedEvents": 0}},
            "eventSourceMappings": []})

    # ---- helpers ----
    def assert_query_error(self, resp, status, code, message=None):
        st, headers, body = resp
        self.assertEqual(st, status, body)
        self.assertIn("xml", headers.get("content-type", ""))
        err = xml_error(body)
        self.assertEqual(err["Code"], code, body)
        self.assertEqual(err["Type"], "Sender", body)
        self.assertTrue(err["RequestId"], body)
        if message is not None:
            self.assertEqual(err["Message"], message, body)
        return err

    def assert_json_error(self, resp, status, json_type, query_code, message=None):
        st, headers, body = resp
        self.assertEqual(st, status, body)
        self.assertEqual(headers.get("content-type"), JSON)
        doc = json.loads(body)
        self.assertEqual(doc["__type"].split("#")[-1], json_type, body)
        self.assertEqual(headers.get("x-amzn-query-error"), query_code + ";Sender")
        self.assertTrue(headers.get("x-amzn-requestid"))
        if message is not None:
            self.assertEqual(doc["message"], message, body)
        return doc

    # ---- sanity: well-formed requests in both protocols ----
    def test_well_formed_requests(self):
        st, _, body = query("Action=CreateQueue&QueueName=raw-ok&Version=2012-11-05")
        self.assertEqual(st, 200, body)
        root = ET.fromstring(body)
        self.assertEqual(root.tag, NS + "CreateQueueResponse")
        self.assertEqual(root.find(NS + "CreateQueueResult/" + NS + "QueueUrl").text,
                         ENDPOINT + "/123456789012/raw-ok")
        self.assertTrue(root.find(NS + "ResponseMetadata/" + NS + "RequestId").text)
        st, _, body = request("GET", "/?Action=GetQueueUrl&QueueName=raw-ok&Version=2012-11-05")
        self.assertEqual(st, 200, body)
        st, _, body = query("Action=GetQueueAttributes&AttributeName.1=VisibilityTimeout&Version=2012-11-05",
                            path="/123456789012/raw-ok")
        self.assertEqual(st, 200, body)
        self.assertIn(b"<Value>30</Value>", body)
        st, headers, body = json_call("AmazonSQS.GetQueueUrl", '{"QueueName":"raw-ok"}')
        self.assertEqual(st, 200, body)
        self.assertEqual(json.loads(body), {"QueueUrl": ENDPOINT + "/123456789012/raw-ok"})

    # ---- Query protocol ----
    def test_bad_form_encoding(self):
        for body in ("Action=ListQueues&Version=2012-11-05&Queue%ZZName=x",
                     "Action=ListQueues&Version=2012-11-05&QueueNamePrefix=%4",
                     "Action=List%G0Queues"):
            with self.subTest(body=body):
                self.assert_query_error(query(body), 404, "MalformedQueryString",
                                        "The query string contains a syntax error.")
        self.assert_query_error(request("GET", "/?Action=ListQueues&x=%zz"), 404, "MalformedQueryString")

    def test_missing_action(self):
        self.assert_query_error(query("Version=2012-11-05&QueueName=x"), 400, "MissingAction")
        self.assert_query_error(query(""), 400, "MissingAction")
        self.assert_query_error(request("GET", "/"), 400, "MissingAction")

    def test_unknown_action(self):
        err = self.assert_query_error(query("Action=FlyToTheMoon&Version=2012-11-05"), 400, "InvalidAction")
        self.assertIn("FlyToTheMoon", err["Message"])
        # An SQS-only action under the SNS API version belongs to SNS, which does not know it.
        self.assert_query_error(query("Action=SendMessage&Version=2010-03-31"), 400, "InvalidAction")

    def test_query_wrong_types_and_missing_parameters(self):
        query("Action=CreateQueue&QueueName=raw-types&Version=2012-11-05")
        url = urllib.parse.quote(ENDPOINT + "/123456789012/raw-types", safe="")
        self.assert_query_error(
            query("Action=ReceiveMessage&QueueUrl=%s&MaxNumberOfMessages=ten&Version=2012-11-05" % url),
            400, "InvalidParameterValue")
        self.assert_query_error(
            query("Action=SendMessage&QueueUrl=%s&MessageBody=x&DelaySeconds=1.5&Version=2012-11-05" % url),
            400, "InvalidParameterValue")
        self.assert_query_error(query("Action=SendMessage&QueueUrl=%s&Version=2012-11-05" % url), 400,
                                "MissingParameter", "The request must contain the parameter MessageBody.")
        self.assert_query_error(query("Action=CreateQueue&Version=2012-11-05"), 400, "MissingParameter")

    # ---- JSON 1.0 ----
    def test_bad_json_body(self):
        for body in ('{"QueueName": "x"', "not json at all", '{"QueueName": "x"}}', "\xff\xfe"):
            with self.subTest(body=body):
                self.assert_json_error(json_call("AmazonSQS.GetQueueUrl", body), 400, "SerializationException",
                                       "SerializationException")
        # Valid JSON that is not an object.
        self.assert_json_error(json_call("AmazonSQS.GetQueueUrl", '["QueueName"]'), 400,
                               "SerializationException", "SerializationException")

    def test_missing_target(self):
        self.assert_json_error(json_call(None, '{"QueueName":"x"}'), 400, "UnknownOperationException",
                               "UnknownOperationException")
        self.assert_json_error(json_call("AmazonSNS.Publish", '{}'), 400, "UnknownOperationException",
                               "UnknownOperationException")
        self.assert_json_error(json_call("AmazonSQS", '{}'), 400, "UnknownOperationException",
                               "UnknownOperationException")

    def test_unknown_target(self):
        self.assert_json_error(json_call("AmazonSQS.FlyToTheMoon", '{}'), 400, "UnknownOperationException",
                               "UnknownOperationException")

    def test_unknown_target_with_empty_body(self):
        # An empty body means "no input members"; the operation is still unknown, and the answer
        # must not depend on whether a body was sent.
        self.assert_json_error(json_call("AmazonSQS.FlyToTheMoon", ''), 400, "UnknownOperationException",
                               "UnknownOperationException")

    def test_json_wrong_types(self):
        json_call("AmazonSQS.CreateQueue", '{"QueueName":"raw-json-types"}')
        url = ENDPOINT + "/123456789012/raw-json-types"
        cases = [
            ("AmazonSQS.ReceiveMessage", {"QueueUrl": url, "MaxNumberOfMessages": "ten"}),
            ("AmazonSQS.ReceiveMessage", {"QueueUrl": url, "WaitTimeSeconds": [1]}),
            ("AmazonSQS.SendMessage", {"QueueUrl": url, "MessageBody": 42}),
            ("AmazonSQS.SendMessage", {"QueueUrl": 7, "MessageBody": "x"}),
            ("AmazonSQS.CreateQueue", {"QueueName": "raw-x", "Attributes": ["VisibilityTimeout", "5"]}),
            ("AmazonSQS.SendMessageBatch", {"QueueUrl": url, "Entries": {"Id": "a", "MessageBody": "b"}}),
            ("AmazonSQS.SendMessage", {"QueueUrl": url, "MessageBody": "x",
                                       "MessageAttributes": {"a": "not-an-object"}}),
        ]
        for target, body in cases:
            with self.subTest(target=target, body=body):
                st, headers, raw = json_call(target, json.dumps(body))
                self.assertEqual(st, 400, raw)
                doc = json.loads(raw)
                self.assertIn(doc["__type"].split("#")[-1],
                              ("SerializationException", "InvalidParameterValueException"), raw)
                self.assertTrue(headers.get("x-amzn-query-error", "").endswith(";Sender"))
                self.assertTrue(doc.get("message"), raw)

    def test_json_missing_required(self):
        self.assert_json_error(json_call("AmazonSQS.GetQueueUrl", "{}"), 400, "MissingRequiredParameterException",
                               "MissingParameter")
        self.assert_json_error(json_call("AmazonSQS.SendMessage", "{}"), 400, "MissingRequiredParameterException",
                               "MissingParameter")

    # ---- size limit ----
    def test_oversize_body_gets_aws_error(self):
        size = 8 * 1024 * 1024 + 1  # over the server's 8 MiB request limit
        body = b"Action=SendMessage&MessageBody=" + b"x" * size
        st, headers, raw = query(body)
        self.assertEqual(st, 413, raw[:300])
        self.assertEqual(xml_error(raw)["Code"], "RequestEntityTooLarge")
        st, headers, raw = json_call("AmazonSQS.SendMessage", b'{"MessageBody":"' + b"x" * size + b'"}')
        self.assertEqual(st, 413, raw[:300])
        self.assertEqual(json.loads(raw)["__type"].split("#")[-1], "RequestEntityTooLarge")
        self.assertEqual(headers.get("x-amzn-query-error"), "RequestEntityTooLarge;Sender")

    def test_oversize_chunked_body_gets_aws_error(self):
        # No Content-Length: the limit must hold while chunks arrive.
        sock = socket.create_connection((HOST, PORT), timeout=TIMEOUT)
        try:
            sock.sendall(b"POST / HTTP/1.1\r\nHost: %s:%d\r\nContent-Type: application/x-amz-json-1.0\r\n"
                         b"X-Amz-Target: AmazonSQS.ListQueues\r\nTransfer-Encoding: chunked\r\n\r\n"
                         % (HOST.encode(), PORT))
            chunk = b"x" * (1024 * 1024)
            try:
                for _ in range(9):
                    sock.sendall(b"%x\r\n" % len(chunk) + chunk + b"\r\n")
                sock.sendall(b"0\r\n\r\n")
            except (BrokenPipeError, ConnectionResetError):
                pass  # the server may answer and close before all chunks are sent
            data = b""
            while b"\r\n\r\n" not in data:
                piece = sock.recv(65536)
                if not piece:
                    break
                data += piece
            self.assertTrue(data.startswith(b"HTTP/1.1 413"), data[:200])
        finally:
            sock.close()

    def test_message_body_over_one_mib_within_request_limit(self):
        query("Action=CreateQueue&QueueName=raw-big&Version=2012-11-05")
        url = urllib.parse.quote(ENDPOINT + "/123456789012/raw-big", safe="").encode()
        body = b"Action=SendMessage&QueueUrl=" + url + b"&Version=2012-11-05&MessageBody=" + b"x" * (1024 * 1024 + 1)
        err = self.assert_query_error(query(body), 400, "InvalidParameterValue")
        self.assertIn("Message must be shorter than 1048576 bytes", err["Message"])

    # ---- connection-level ----
    def test_keep_alive_survives_an_error(self):
        conn = http.client.HTTPConnection(HOST, PORT, timeout=TIMEOUT)
        try:
            conn.request("POST", "/", body=b"{bad", headers={"Content-Type": JSON, "X-Amz-Target": "AmazonSQS.ListQueues"})
            r = conn.getresponse()
            r.read()
            self.assertEqual(r.status, 400)
            conn.request("POST", "/", body=b"{}", headers={"Content-Type": JSON, "X-Amz-Target": "AmazonSQS.ListQueues"})
            r = conn.getresponse()
            self.assertEqual(r.status, 200)
            self.assertIn("QueueUrls", json.loads(r.read()))
        finally:
            conn.close()

    def test_head_health_has_no_body(self):
        # A HEAD answer carries headers only (RFC 9110 9.3.2); a body would be read as the start of
        # the next response on a kept-alive connection.
        sock = socket.create_connection((HOST, PORT), timeout=TIMEOUT)
        try:
            sock.sendall(b"HEAD /health HTTP/1.1\r\nHost: x\r\n\r\nGET /health HTTP/1.1\r\nHost: x\r\n\r\n")
            data = b""
            deadline = time.monotonic() + 5
            while data.count(b"HTTP/1.1 200") < 2 and time.monotonic() < deadline:
                chunk = sock.recv(65536)
                if not chunk:
                    break
                data += chunk
        finally:
            sock.close()
        head, _, rest = data.partition(b"\r\n\r\n")
        self.assertTrue(head.startswith(b"HTTP/1.1 200"), data)
        self.assertTrue(rest.startswith(b"HTTP/1.1 200"), "HEAD answered with a body: %r" % data)

    def test_chunked_and_expect_continue_requests(self):
        sock = socket.create_connection((HOST, PORT), timeout=TIMEOUT)
        try:
            sock.sendall(b"POST / HTTP/1.1\r\nHost: x\r\nX-Amz-Target: AmazonSQS.CreateQueue\r\n"
                         b"Content-Type: application/x-amz-json-1.0\r\nTransfer-Encoding: chunked\r\n\r\n"
                         b"5\r\n{\"Que\r\n16\r\nueName\":\"raw-chunked\"}\r\n0\r\n\r\n")
            data = sock.recv(65536)
            self.assertTrue(data.startswith(b"HTTP/1.1 200"), data)
            self.assertIn(b"/123456789012/raw-chunked", data)
        finally:
            sock.close()
        body = b'{"QueueName":"raw-chunked"}'
        sock = socket.create_connection((HOST, PORT), timeout=TIMEOUT)
        try:
            sock.sendall(b"POST / HTTP/1.1\r\nHost: x\r\nX-Amz-Target: AmazonSQS.GetQueueUrl\r\n"
                         b"Content-Type: application/x-amz-json-1.0\r\nExpect: 100-continue\r\n"
                         b"Content-Length: %d\r\n\r\n" % len(body))
            self.assertTrue(sock.recv(4096).startswith(b"HTTP/1.1 100"))
            sock.sendall(body)
            data = b""
            while b"raw-chunked" not in data:
                chunk = sock.recv(65536)
                if not chunk:
                    break
                data += chunk
            self.assertTrue(data.startswith(b"HTTP/1.1 200"), data)
        finally:
            sock.close()

    def test_garbage_request_line(self):
        sock = socket.create_connection((HOST, PORT), timeout=TIMEOUT)
        try:
            sock.sendall(b"THIS IS NOT HTTP\r\n\r\n")
            data = sock.recv(4096)
            # Either a 400 answer or a closed connection; never a hang, never a crash.
            self.assertTrue(data == b"" or data.startswith(b"HTTP/1.1 400"), data[:200])
        finally:
            sock.close()


if __name__ == "__main__":
    if not ENDPOINT:
        sys.exit("SLUICE_ENDPOINT is not set")
    result = unittest.main(verbosity=2, exit=False).result
    failed = len(result.failures) + len(result.errors)
    print("%d passed, %d failed" % (result.testsRun - failed, failed))
    sys.exit(0 if result.wasSuccessful() else 1)
