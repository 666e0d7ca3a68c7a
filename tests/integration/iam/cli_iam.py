"""The AWS CLI's `aws iam` against a live sluice: a user with an access key and an inline policy,
a customer managed policy attached to a role created from a trust policy file, an AWS managed
policy's document, and IAM's errors as the CLI prints them. Skips (exit 77) without `aws`."""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest
import uuid

ENDPOINT = os.environ.get("SLUICE_ENDPOINT", "")
AWS = os.environ.get("AWS_CLI", "/usr/bin/aws")
ACCOUNT = "123456789012"


def aws(*args):
    env = dict(os.environ)
    env.setdefault("AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE")
    env.setdefault("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")
    env.pop("AWS_PROFILE", None)
    cmd = [AWS, "iam", *args, "--endpoint-url", ENDPOINT, "--region", "us-east-1", "--no-cli-pager",
           "--output", "json"]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=60, env=env)


def ok(*args):
    done = aws(*args)
    if done.returncode != 0:
        raise AssertionError("aws iam %s failed: %s" % (" ".join(args), done.stderr))
    return json.loads(done.stdout) if done.stdout.strip() else {}


class AwsCliIam(unittest.TestCase):
    def setUp(self):
        self.suffix = uuid.uuid4().hex[:8]
        self.tmp = tempfile.mkdtemp(prefix="sluice-cli-iam-")

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def write(self, name, document):
        path = os.path.join(self.tmp, name)
        with open(path, "w") as f:
            json.dump(document, f)
        return "file://" + path

    def test_user_key_and_inline_policy(self):
        user = "cli-user-" + self.suffix
        created = ok("create-user", "--user-name", user, "--tags", "Key=team,Value=cli")["User"]
        self.assertEqual(created["Arn"], "arn:aws:iam::%s:user/%s" % (ACCOUNT, user))
        key = ok("create-access-key", "--user-name", user)["AccessKey"]
        self.assertEqual(key["Status"], "Active")
        self.assertEqual(len(key["SecretAccessKey"]), 40)
        document = {"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": "sqs:SendMessage", "Resource": "arn:aws:sqs:us-west-2:123456789012:MyQueue"}]}
        ok("put-user-policy", "--user-name", user, "--policy-name", "send",
           "--policy-document", self.write("send.json", document))
        self.assertEqual(ok("get-user-policy", "--user-name", user, "--policy-name", "send")["PolicyDocument"],
                         document)
        self.assertEqual(ok("list-user-tags", "--user-name", user)["Tags"], [{"Key": "team", "Value": "cli"}])

        refused = aws("delete-user", "--user-name", user)
        self.assertEqual(refused.returncode, 254)
        self.assertIn("An error occurred (DeleteConflict) when calling the DeleteUser operation: "
                      "Cannot delete entity, must delete access keys first.", refused.stderr)
        ok("delete-access-key", "--user-name", user, "--access-key-id", key["AccessKeyId"])
        ok("delete-user-policy", "--user-name", user, "--policy-name", "send")
        ok("delete-user", "--user-name", user)
        missing = aws("get-user", "--user-name", user)
        self.assertEqual(missing.returncode, 254)
        self.assertIn("(NoSuchEntity) when calling the GetUser operation: The user with name %s cannot be found."
                      % user, missing.stderr)

    def test_role_with_managed_policies(self):
        role = "cli-role-" + self.suffix
        trust = {"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]}
        made = ok("create-role", "--role-name", role, "--assume-role-policy-document", self.write("trust.json", trust))
        self.assertEqual(made["Role"]["AssumeRolePolicyDocument"], trust)
        policy = ok("create-policy", "--policy-name", "cli-policy-" + self.suffix, "--policy-document",
                    self.write("p.json", {"Version": "2012-10-17", "Statement": [
                        {"Effect": "Allow", "Action": "sns:Publish", "Resource": "*"}]}))["Policy"]
        ok("attach-role-policy", "--role-name", role, "--policy-arn", policy["Arn"])
        ok("attach-role-policy", "--role-name", role, "--policy-arn",
           "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole")
        attached = ok("list-attached-role-policies", "--role-name", role)["AttachedPolicies"]
        self.assertEqual([p["PolicyName"] for p in attached],
                         [policy["PolicyName"], "AWSLambdaBasicExecutionRole"])
        basic = ok("get-policy-version", "--policy-arn",
                   "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole", "--version-id", "v1")
        self.assertEqual(basic["PolicyVersion"]["Document"]["Statement"][0]["Action"],
                         ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"])
        aws_policies = ok("list-policies", "--scope", "AWS")["Policies"]
        self.assertIn("arn:aws:iam::aws:policy/AWSKeyManagementServicePowerUser", [p["Arn"] for p in aws_policies])

        malformed = aws("create-policy", "--policy-name", "bad-" + self.suffix, "--policy-document", "{")
        self.assertEqual(malformed.returncode, 254)
        self.assertIn("(MalformedPolicyDocument) when calling the CreatePolicy operation: Syntax errors in policy.",
                      malformed.stderr)


if __name__ == "__main__":
    if not ENDPOINT:
        sys.exit("SLUICE_ENDPOINT is not set: run through tests/integration/sluice_server.py")
    if not os.path.exists(AWS) and shutil.which("aws") is None:
        print("aws CLI not installed; skipping")
        sys.exit(77)
    if not os.path.exists(AWS):
        AWS = shutil.which("aws")
    result = unittest.main(exit=False, verbosity=2).result
    sys.exit(0 if result.wasSuccessful() else 1)
