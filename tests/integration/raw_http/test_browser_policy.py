"""What a web page can make a browser send to a live `sluice up`, and what it gets.

Any page can make the browser send a GET with a Query string, a text/plain POST or an HTML form
post to 127.0.0.1:9324 without a CORS preflight, and a page whose DNS name was rebound to
127.0.0.1 is same-origin. The server must refuse them (403 AccessDenied in the request's protocol)
and run nothing, while SDK-style calls (signed, no Origin) work as before. A configured origin
(--allow-origin) gets its preflights answered and CORS headers on its answers.

    test_browser_policy.py --sluice BIN

Starts its own server on a free loopback port. Standard library only.
"""

import http.client
import json
import os
import sys
import unittest
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from sluice_server import SluiceServer, sluice_from_argv, run_unittests  # noqa: E402

SLUICE = None
ALLOWED = "http://localhost:3000"
SIGNED = ("AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20261206/us-east-1/sqs/aws4_request, "
          "SignedHeaders=host;x-amz-date, Signature=00")
JSON = "application/x-amz-json-1.0"
FORM = "application/x-www-form-urlencoded"


class BrowserPolicyTest(unittest.TestCase):
    server = None

    @classmethod
    def setUpClass(cls):
        cls.server = SluiceServer(SLUICE, extra_args=["--allow-origin", ALLOWED]).start()

    @classmethod
    def tearDownClass(cls):
        code = cls.server.stop()
        cls.server.close()
        assert code == 0, "sluice up did not exit 0 after SIGTERM"

    def request(self, method, path, body=b"", headers=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.server.port, timeout=10)
        try:
            conn.request(method, path, body=body, headers=headers or {})
            resp = conn.getresponse()
            return resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read()
        finally:
            conn.close()

    def queue_names(self):
        status, _, body = self.request("POST", "/", json.dumps({}).encode(),
                                       {"Content-Type": JSON, "X-Amz-Target": "AmazonSQS.ListQueues",
                                        "Authorization": SIGNED})
        self.assertEqual(status, 200, body)
        return [url.rsplit("/", 1)[1] for url in json.loads(body).get("QueueUrls", [])]

    def assert_query_access_denied(self, response):
        status, _, body = response
        self.assertEqual(status, 403, body)
        root = ET.fromstring(body)
        codes = [el.text for el in root.iter() if el.tag.endswith("Code")]
        self.assertEqual(codes, ["AccessDenied"], body)

    def test_drive_by_get_from_a_foreign_page_is_refused_and_runs_nothing(self):
        response = self.request("GET", "/?Action=CreateQueue&QueueName=driveby-get",
                                headers={"Origin": "https://attacker.example.com", "Sec-Fetch-Site": "cross-site"})
        self.assert_query_access_denied(response)
        self.assertNotIn("driveby-get", self.queue_names())

    def test_img_style_get_without_origin_is_refused_by_sec_fetch_site(self):
        response = self.request("GET", "/?Action=CreateQueue&QueueName=driveby-img",
                                headers={"Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "no-cors"})
        self.assert_query_access_denied(response)
        self.assertNotIn("driveby-img", self.queue_names())

    def test_html_form_post_and_text_plain_post_are_refused(self):
        for content_type in (FORM, "text/plain"):
            with self.subTest(content_type=content_type):
                response = self.request("POST", "/?Action=CreateQueue&QueueName=driveby-post",
                                        b"Action=CreateQueue&QueueName=driveby-post",
                                        {"Content-Type": content_type, "Origin": "http://evil.test"})
                self.assert_query_access_denied(response)
        self.assertNotIn("driveby-post", self.queue_names())

    def test_json_protocol_refusal_is_json(self):
        status, headers, body = self.request(
            "POST", "/", json.dumps({"QueueName": "driveby-json"}).encode(),
            {"Content-Type": JSON, "X-Amz-Target": "AmazonSQS.CreateQueue", "Origin": "http://evil.test"})
        self.assertEqual(status, 403, body)
        self.assertIn("AccessDenied", json.loads(body)["__type"])
        self.assertTrue(headers.get("x-amzn-query-error", "").startswith("AccessDenied;"), headers)
        self.assertNotIn("driveby-json", self.queue_names())

    def test_dns_rebinding_host_is_refused_even_when_signed(self):
        response = self.request("POST", "/", b"Action=CreateQueue&QueueName=rebound",
                                {"Host": "attacker.example.com:9324", "Content-Type": FORM, "Authorization": SIGNED})
        self.assert_query_access_denied(response)
        self.assertNotIn("rebound", self.queue_names())

    def test_preflights_are_answered_only_for_configured_origins(self):
        asked = {"Access-Control-Request-Method": "POST",
                 "Access-Control-Request-Headers": "authorization,content-type,x-amz-target"}
        status, headers, _ = self.request("OPTIONS", "/", headers=dict(asked, Origin=ALLOWED))
        self.assertEqual(status, 200)
        self.assertEqual(headers.get("access-control-allow-origin"), ALLOWED)
        self.assertIn("x-amz-target", headers.get("access-control-allow-headers", ""))
        status, headers, _ = self.request("OPTIONS", "/", headers=dict(asked, Origin="http://evil.test"))
        self.assertEqual(status, 403)
        self.assertNotIn("access-control-allow-origin", headers)

    def test_a_configured_origin_is_served_with_cors_headers(self):
        status, headers, body = self.request(
            "POST", "/", json.dumps({"QueueName": "from-allowed-page"}).encode(),
            {"Content-Type": JSON, "X-Amz-Target": "AmazonSQS.CreateQueue", "Origin": ALLOWED,
             "Sec-Fetch-Site": "same-site", "Authorization": SIGNED})
        self.assertEqual(status, 200, body)
        self.assertEqual(headers.get("access-control-allow-origin"), ALLOWED)
        self.assertIn("from-allowed-page", self.queue_names())

    def test_sdk_style_calls_are_untouched(self):
        status, _, body = self.request("POST", "/", b"Action=CreateQueue&QueueName=sdk-style",
                                       {"Content-Type": FORM, "Authorization": SIGNED, "Host": "localhost:9324"})
        self.assertEqual(status, 200, body)
        self.assertIn("sdk-style", self.queue_names())


if __name__ == "__main__":
    SLUICE = sluice_from_argv("test_browser_policy.py")
    run_unittests()
