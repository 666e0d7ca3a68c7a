"""The AWS CLI as different users against `sluice up --auth enforce accounts.json`:
`aws sts get-caller-identity`, `aws sts assume-role` and the assumed role's credentials, a wrong
secret and an unknown key. Skips (exit 77) without `aws`. Standard library only.
"""

import json
import os
import shutil
import subprocess
import sys
import unittest

ENDPOINT = os.environ.get("SLUICE_ENDPOINT", "")
AWS = os.environ.get("AWS_CLI", "/usr/bin/aws")
ACCOUNT = "111122223333"
ALICE = ("AKIAALICE00000000001", "alice/Secret+Key+0001")
BOB = ("AKIABOB0000000000001", "bob/Secret+Key+0001")
DEPLOYER = "arn:aws:iam::%s:role/deployer" % ACCOUNT


def aws(credentials, *args, token=None):
    env = dict(os.environ, AWS_ACCESS_KEY_ID=credentials[0], AWS_SECRET_ACCESS_KEY=credentials[1])
    env.pop("AWS_SESSION_TOKEN", None)
    if token:
        env["AWS_SESSION_TOKEN"] = token
    cmd = [AWS, *args, "--endpoint-url", ENDPOINT, "--region", "us-east-1", "--no-cli-pager", "--output", "json"]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=60, env=env)


def ok(result):
    if result.returncode != 0:
        raise AssertionError("aws failed (%d): %s" % (result.returncode, result.stderr))
    return json.loads(result.stdout)


class AwsCliIdentityTest(unittest.TestCase):
    def test_get_caller_identity_as_two_users(self):
        alice = ok(aws(ALICE, "sts", "get-caller-identity"))
        self.assertEqual(alice["Arn"], "arn:aws:iam::%s:user/alice" % ACCOUNT)
        self.assertEqual(alice["Account"], ACCOUNT)
        bob = ok(aws(BOB, "sts", "get-caller-identity"))
        self.assertEqual(bob["Arn"], "arn:aws:iam::%s:user/bob" % ACCOUNT)

    def test_assume_role_and_use_its_credentials(self):
        answer = ok(aws(ALICE, "sts", "assume-role", "--role-arn", DEPLOYER, "--role-session-name", "cli"))
        credentials = answer["Credentials"]
        self.assertTrue(credentials["AccessKeyId"].startswith("ASIA"))
        role = (credentials["AccessKeyId"], credentials["SecretAccessKey"])
        me = ok(aws(role, "sts", "get-caller-identity", token=credentials["SessionToken"]))
        self.assertEqual(me["Arn"], "arn:aws:sts::%s:assumed-role/deployer/cli" % ACCOUNT)
        queues = ok(aws(role, "sqs", "create-queue", "--queue-name", "cli-role-queue",
                        token=credentials["SessionToken"]))
        self.assertTrue(queues["QueueUrl"].endswith("/%s/cli-role-queue" % ACCOUNT))
        refused = aws(BOB, "sts", "assume-role", "--role-arn", DEPLOYER, "--role-session-name", "cli")
        self.assertNotEqual(refused.returncode, 0)
        self.assertIn("AccessDenied", refused.stderr)

    def test_wrong_secret_and_unknown_key(self):
        wrong = aws((ALICE[0], "not-the-secret"), "sts", "get-caller-identity")
        self.assertNotEqual(wrong.returncode, 0)
        self.assertIn("SignatureDoesNotMatch", wrong.stderr)
        unknown = aws(("AKIANOSUCHKEY0000001", "x"), "sqs", "list-queues")
        self.assertNotEqual(unknown.returncode, 0)
        self.assertIn("InvalidClientTokenId", unknown.stderr)


if __name__ == "__main__":
    if not ENDPOINT:
        print("SLUICE_ENDPOINT is not set: run through sluice_server.py", file=sys.stderr)
        sys.exit(2)
    if not (os.path.exists(AWS) or shutil.which(AWS)):
        print("SKIP: no aws cli at %s" % AWS)
        sys.exit(77)
    result = unittest.main(exit=False, verbosity=2).result
    sys.exit(0 if result.wasSuccessful() else 1)
