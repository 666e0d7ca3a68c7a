"""The AWS CLI against a live sluice: create, send, receive, delete, attributes, listing.

Runs the system's `aws` with --endpoint-url and dummy credentials (from the environment
sluice_server.py prepares) and asserts on the JSON it prints. Skips (exit 77) without `aws`.
Standard library only.
"""

import hashlib
import json
import os
import shutil
import subprocess
import sys
import unittest
import uuid

ENDPOINT = os.environ.get("SLUICE_ENDPOINT", "")
AWS = os.environ.get("AWS_CLI", "/usr/bin/aws")


def aws(*args, expect_ok=True):
    cmd = [AWS, "sqs", *args, "--endpoint-url", ENDPOINT, "--region", "us-east-1", "--no-cli-pager",
           "--output", "json"]
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
    if expect_ok:
        if r.returncode != 0:
            raise AssertionError("%s failed (%d): %s" % (" ".join(args[:1]), r.returncode, r.stderr))
        return json.loads(r.stdout) if r.stdout.strip() else {}
    return r


class AwsCliTest(unittest.TestCase):
    def setUp(self):
        self.name = "cli-" + uuid.uuid4().hex[:10]

    def test_sts_get_caller_identity_without_signature_checks(self):
        # `sluice up` checks no signatures by default: the dummy key is the default account's root.
        cmd = [AWS, "sts", "get-caller-identity", "--endpoint-url", ENDPOINT, "--region", "us-east-1",
               "--no-cli-pager", "--output", "json"]
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(json.loads(r.stdout),
                         {"UserId": "123456789012", "Account": "123456789012", "Arn": "arn:aws:iam::123456789012:root"})

    def test_queue_and_message_lifecycle(self):
        created = aws("create-queue", "--queue-name", self.name, "--attributes", "VisibilityTimeout=45")
        url = created["QueueUrl"]
        self.assertEqual(url, ENDPOINT + "/123456789012/" + self.name)

        listed = aws("list-queues", "--queue-name-prefix", self.name)
        self.assertEqual(listed["QueueUrls"], [url])

        attrs = aws("get-queue-attributes", "--queue-url", url, "--attribute-names", "All")["Attributes"]
        self.assertEqual(attrs["VisibilityTimeout"], "45")
        self.assertEqual(attrs["QueueArn"], "arn:aws:sqs:us-east-1:123456789012:" + self.name)

        aws("set-queue-attributes", "--queue-url", url, "--attributes",
            "VisibilityTimeout=20,DelaySeconds=0,MessageRetentionPeriod=3600")
        attrs = aws("get-queue-attributes", "--queue-url", url, "--attribute-names",
                    "VisibilityTimeout", "MessageRetentionPeriod")["Attributes"]
        self.assertEqual(attrs, {"VisibilityTimeout": "20", "MessageRetentionPeriod": "3600"})

        body = "hello from the aws cli"
        sent = aws("send-message", "--queue-url", url, "--message-body", body, "--message-attributes",
                   json.dumps({"Kind": {"DataType": "String", "StringValue": "greeting"}}))
        self.assertEqual(sent["MD5OfMessageBody"], hashlib.md5(body.encode()).hexdigest())
        self.assertIn("MD5OfMessageAttributes", sent)

        got = aws("receive-message", "--queue-url", url, "--wait-time-seconds", "2",
                  "--message-attribute-names", "All", "--attribute-names", "All")
        self.assertEqual(len(got["Messages"]), 1)
        msg = got["Messages"][0]
        self.assertEqual(msg["MessageId"], sent["MessageId"])
        self.assertEqual(msg["Body"], body)
        self.assertEqual(msg["MD5OfBody"], sent["MD5OfMessageBody"])
        self.assertEqual(msg["MD5OfMessageAttributes"], sent["MD5OfMessageAttributes"])
        self.assertEqual(msg["MessageAttributes"], {"Kind": {"DataType": "String", "StringValue": "greeting"}})
        self.assertEqual(msg["Attributes"]["ApproximateReceiveCount"], "1")

        in_flight = aws("get-queue-attributes", "--queue-url", url, "--attribute-names",
                        "ApproximateNumberOfMessagesNotVisible")["Attributes"]
        self.assertEqual(in_flight, {"ApproximateNumberOfMessagesNotVisible": "1"})

        self.assertEqual(aws("delete-message", "--queue-url", url, "--receipt-handle", msg["ReceiptHandle"]), {})
        counts = aws("get-queue-attributes", "--queue-url", url, "--attribute-names", "All")["Attributes"]
        self.assertEqual(counts["ApproximateNumberOfMessages"], "0")
        self.assertEqual(counts["ApproximateNumberOfMessagesNotVisible"], "0")

        empty = aws("receive-message", "--queue-url", url)
        self.assertNotIn("Messages", empty)

    def test_aws_style_queue_url_is_accepted(self):
        aws("create-queue", "--queue-name", self.name)
        url = "https://sqs.us-east-1.amazonaws.com/123456789012/" + self.name
        aws("send-message", "--queue-url", url, "--message-body", "via aws url")
        got = aws("receive-message", "--queue-url", url, "--wait-time-seconds", "1")
        self.assertEqual([m["Body"] for m in got["Messages"]], ["via aws url"])

    def test_errors_exit_non_zero_with_aws_code(self):
        r = aws("get-queue-url", "--queue-name", "no-such-queue-" + self.name, expect_ok=False)
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("AWS.SimpleQueueService.NonExistentQueue", r.stderr)
        url = aws("create-queue", "--queue-name", self.name)["QueueUrl"]
        r = aws("receive-message", "--queue-url", url, "--max-number-of-messages", "11", expect_ok=False)
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("InvalidParameterValue", r.stderr)
        self.assertIn("Must be between 1 and 10", r.stderr)


if __name__ == "__main__":
    if not shutil.which(AWS):
        print("SKIP: %s not found" % AWS)
        sys.exit(77)
    if not ENDPOINT:
        sys.exit("SLUICE_ENDPOINT is not set")
    result = unittest.main(verbosity=2, exit=False).result
    failed = len(result.failures) + len(result.errors)
    print("%d passed, %d failed" % (result.testsRun - failed, failed))
    sys.exit(0 if result.wasSuccessful() else 1)
