"""The AWS CLI against a live sluice for SNS's mobile side: platform applications and endpoints,
publishing to an endpoint and to a phone number (read back from the developer endpoints), SMS
attributes, opt-outs, the SMS sandbox and data protection policies.

Runs the system's `aws` with --endpoint-url and dummy credentials (from the environment
sluice_server.py prepares) and asserts on the JSON it prints. Skips (exit 77) without `aws`.
Standard library only.
"""

import json
import os
import shutil
import subprocess
import sys
import unittest
import urllib.parse
import urllib.request
import uuid

ENDPOINT = os.environ.get("SLUICE_ENDPOINT", "")
AWS = os.environ.get("AWS_CLI", "/usr/bin/aws")


def sns(*args, expect_ok=True):
    cmd = [AWS, "sns", *args, "--endpoint-url", ENDPOINT, "--region", "us-east-1", "--no-cli-pager",
           "--output", "json"]
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
    if expect_ok:
        if r.returncode != 0:
            raise AssertionError("%s failed (%d): %s" % (args[0], r.returncode, r.stderr))
        return json.loads(r.stdout) if r.stdout.strip() else {}
    return r


def developer(method, path, **query):
    url = ENDPOINT + "/_aws/sns/" + path + ("?" + urllib.parse.urlencode(query) if query else "")
    with urllib.request.urlopen(urllib.request.Request(url, method=method), timeout=10) as response:
        body = response.read()
        return response.status, (json.loads(body) if body else None)


class SnsMobileCliTest(unittest.TestCase):
    def setUp(self):
        self.suffix = uuid.uuid4().hex[:10]

    def test_platform_application_endpoint_and_push(self):
        name = "cli-app-" + self.suffix
        app = sns("create-platform-application", "--name", name, "--platform", "GCM", "--attributes",
                  "PlatformCredential=key,PlatformPrincipal=id")["PlatformApplicationArn"]
        self.assertEqual(app, "arn:aws:sns:us-east-1:123456789012:app/GCM/" + name)
        self.assertEqual(sns("get-platform-application-attributes", "--platform-application-arn", app),
                         {"Attributes": {"Enabled": "true"}})
        endpoint = sns("create-platform-endpoint", "--platform-application-arn", app, "--token", "device-1",
                       "--custom-user-data", "user-7")["EndpointArn"]
        self.assertEqual(sns("get-endpoint-attributes", "--endpoint-arn", endpoint)["Attributes"],
                         {"CustomUserData": "user-7", "Enabled": "true", "Token": "device-1"})
        listed = sns("list-endpoints-by-platform-application", "--platform-application-arn", app)["Endpoints"]
        self.assertEqual([e["EndpointArn"] for e in listed], [endpoint])
        message_id = sns("publish", "--target-arn", endpoint, "--message", "wake up")["MessageId"]
        status, body = developer("GET", "platform-endpoint-messages", endpointArn=endpoint)
        self.assertEqual(status, 200)
        [pushed] = body["platform_endpoint_messages"][endpoint]
        self.assertEqual((pushed["MessageId"], pushed["Message"]), (message_id, "wake up"))
        r = sns("create-platform-application", "--name", "x" + self.suffix, "--platform", "AAA", "--attributes",
                "PlatformCredential=key,PlatformPrincipal=id", expect_ok=False)
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("Invalid parameter: Platform Reason: AAA is not supported", r.stderr)
        sns("delete-platform-application", "--platform-application-arn", app)
        r = sns("get-endpoint-attributes", "--endpoint-arn", endpoint, expect_ok=False)
        self.assertIn("NotFound", r.stderr)

    def test_sms_publish_attributes_opt_out_and_sandbox(self):
        number = "+1555" + str(int(self.suffix, 16) % 10000000).zfill(7)
        message_id = sns("publish", "--phone-number", number, "--message", "hello")["MessageId"]
        [text] = developer("GET", "sms-messages", phoneNumber=number)[1]["sms_messages"][number]
        self.assertEqual((text["MessageId"], text["Message"]), (message_id, "hello"))
        sns("set-sms-attributes", "--attributes", "DefaultSMSType=Transactional")
        self.assertEqual(sns("get-sms-attributes", "--attributes", "DefaultSMSType")["attributes"],
                         {"DefaultSMSType": "Transactional"})
        self.assertEqual(sns("check-if-phone-number-is-opted-out", "--phone-number", number), {"isOptedOut": False})
        developer("POST", "phone-opt-outs", phoneNumber=number)
        self.assertEqual(sns("check-if-phone-number-is-opted-out", "--phone-number", number), {"isOptedOut": True})
        sns("opt-in-phone-number", "--phone-number", number)
        self.assertEqual(sns("check-if-phone-number-is-opted-out", "--phone-number", number), {"isOptedOut": False})
        self.assertEqual(sns("get-sms-sandbox-account-status"), {"IsInSandbox": False})
        sns("create-sms-sandbox-phone-number", "--phone-number", number)
        self.assertIn({"PhoneNumber": number, "Status": "Pending"},
                      sns("list-sms-sandbox-phone-numbers")["PhoneNumbers"])
        self.assertEqual(sns("list-origination-numbers")["PhoneNumbers"], [])

    def test_data_protection_policy(self):
        topic = sns("create-topic", "--name", "cli-dpp-" + self.suffix)["TopicArn"]
        policy = {"Name": "p", "Version": "2021-06-01", "Statement": []}
        sns("put-data-protection-policy", "--resource-arn", topic, "--data-protection-policy", json.dumps(policy))
        got = sns("get-data-protection-policy", "--resource-arn", topic)["DataProtectionPolicy"]
        self.assertEqual(json.loads(got), policy)


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
