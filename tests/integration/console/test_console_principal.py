"""The web console under `sluice up --auth enforce`: it acts as the configuration's
console.Principal, whose policies decide what it may show and do, with AWS's AccessDenied text;
the page's session token is still required; an unsigned SQS call is still refused; and a
console.Principal that is not a principal's ARN stops the start with the configuration's status.

    test_console_principal.py --sluice BIN

Starts its own servers on free loopback ports. Standard library and the system's boto3.
"""

import http.client
import json
import os
import re
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from sluice_server import SluiceServer, free_port, sluice_from_argv, run_unittests  # noqa: E402

SLUICE = None
ACCOUNT = "111122223333"
ROOT_KEY, ROOT_SECRET = "AKIAROOT111122223333", "root/Secret+Key+111122223333"
CONFIG = {
    "queues": [{"QueueName": "orders"}],
    "accounts": [{
        "AccountId": ACCOUNT,
        "RootAccessKeys": [{"AccessKeyId": ROOT_KEY, "SecretAccessKey": ROOT_SECRET}],
        "Users": [{
            "UserName": "console",
            "Policies": [{
                "PolicyName": "send-and-look",
                "PolicyDocument": {"Version": "2012-10-17", "Statement": [{
                    "Effect": "Allow",
                    "Action": ["sqs:ListQueues", "sqs:GetQueueAttributes", "sqs:ReceiveMessage", "sqs:SendMessage"],
                    "Resource": "*"}]},
            }],
        }],
    }],
    "console": {"Principal": "arn:aws:iam::%s:user/console" % ACCOUNT},
}


def request(server, method, path, body=None, headers=None):
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.read().decode("utf-8")
    finally:
        connection.close()


class ConsolePrincipalTest(unittest.TestCase):
    server = None

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory(prefix="sluice-console-")
        cls.config = os.path.join(cls.tmp.name, "sluice.json")
        with open(cls.config, "w") as f:
            json.dump(CONFIG, f)
        cls.server = SluiceServer(SLUICE, extra_args=[
            "--auth", "enforce", "--account", ACCOUNT, cls.config]).start()

    @classmethod
    def tearDownClass(cls):
        if cls.server:
            status = cls.server.stop()
            cls.server.close()
            assert status == 0, "sluice up exited with %r" % status
        cls.tmp.cleanup()

    def token(self):
        status, page = request(self.server, "GET", "/_sluice/")
        self.assertEqual(status, 200)
        return re.search(r'name="sluice-console-token" content="([^"]+)"', page).group(1)

    def post(self, action, body, token):
        headers = {"Content-Type": "application/json"}
        if token:
            headers["X-Sluice-Console-Token"] = token
        status, text = request(self.server, "POST", "/_sluice/console/api/" + action, json.dumps(body), headers)
        return status, json.loads(text)

    def depth(self):
        import boto3
        sqs = boto3.client("sqs", endpoint_url=self.server.endpoint, region_name="us-east-1",
                           aws_access_key_id=ROOT_KEY, aws_secret_access_key=ROOT_SECRET)
        url = sqs.get_queue_url(QueueName="orders")["QueueUrl"]
        return int(sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages"])
                   ["Attributes"]["ApproximateNumberOfMessages"])

    def test_the_principal_may_do_what_its_policy_allows(self):
        status, queues = request(self.server, "GET", "/_sluice/console/api/queues")
        self.assertEqual(status, 200)
        self.assertIn("orders", [q["name"] for q in json.loads(queues)["queues"]])
        before = self.depth()
        status, sent = self.post("send", {"queue": "orders", "body": "from the console"}, self.token())
        self.assertEqual(status, 200, sent)
        self.assertEqual(self.depth(), before + 1)

    def test_what_its_policy_does_not_allow_is_refused_with_aws_text(self):
        status, refused = self.post("purge", {"queue": "orders"}, self.token())
        self.assertEqual(status, 403)
        self.assertEqual(refused["message"],
                         "User: arn:aws:iam::%s:user/console is not authorized to perform: sqs:PurgeQueue on "
                         "resource: arn:aws:sqs:us-east-1:%s:orders because no identity-based policy allows the "
                         "sqs:PurgeQueue action" % (ACCOUNT, ACCOUNT))
        status, _ = request(self.server, "GET", "/_sluice/console/api/topics")
        self.assertEqual(status, 403)

    def test_the_token_is_still_required_and_sqs_still_wants_signatures(self):
        status, refused = self.post("send", {"queue": "orders", "body": "x"}, None)
        self.assertEqual(status, 403)
        self.assertIn("session token", refused["message"])
        status, text = request(self.server, "POST", "/", "Action=ListQueues&Version=2012-11-05",
                               {"Content-Type": "application/x-www-form-urlencoded"})
        self.assertEqual(status, 403)
        self.assertIn("MissingAuthenticationToken", text)

    def test_a_principal_that_is_no_arn_stops_the_start(self):
        bad = dict(CONFIG, console={"Principal": "console-user"})
        path = os.path.join(self.tmp.name, "bad.json")
        with open(path, "w") as f:
            json.dump(bad, f)
        done = subprocess.run([SLUICE, "up", "--in-memory", "--listen", "127.0.0.1:%d" % free_port(), path],
                              capture_output=True, text=True, timeout=30)
        self.assertEqual(done.returncode, 78, done.stderr)
        self.assertIn("console.Principal", done.stderr)


if __name__ == "__main__":
    SLUICE = sluice_from_argv(__file__)
    run_unittests()
