"""The AWS CLI as different users against `sluice up --auth enforce accounts.json`:
`aws sts get-caller-identity`, `aws sts assume-role` and the assumed role's credentials, a wrong
secret and an unknown key; queue and topic policies deciding `aws sqs send-message` and `aws sns
publish`; `aws iam create-open-id-connect-provider`, `aws sts
assume-role-with-web-identity` with a token of sluice's issuer, and the CLI's own web-identity
credential provider (AWS_ROLE_ARN + AWS_WEB_IDENTITY_TOKEN_FILE, then the `web_identity_token_file`
profile setting) pointed at sluice with AWS_ENDPOINT_URL_STS. Skips (exit 77) without `aws`.
Tokens are minted with botocore's signer (oidc_tokens.py).
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from oidc_tokens import AUDIENCE, ISSUER_URL, mint  # noqa: E402

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


# Anything but loopback goes to a closed local port, so that a credential provider that ignored
# the endpoint could never reach AWS.
NO_TRAFFIC = {"HTTP_PROXY": "http://127.0.0.1:9", "HTTPS_PROXY": "http://127.0.0.1:9",
              "NO_PROXY": "127.0.0.1,localhost"}
WEB_READER = "arn:aws:iam::%s:role/web-reader" % ACCOUNT


def aws_web_identity(extra_env, *args, config_text=None):
    """The CLI with no static credentials: only the web-identity settings in extra_env/config."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(NO_TRAFFIC)
    env["AWS_ENDPOINT_URL_STS"] = ENDPOINT
    env["AWS_DEFAULT_REGION"] = "us-east-1"
    env["AWS_CONFIG_FILE"] = os.devnull
    env["AWS_SHARED_CREDENTIALS_FILE"] = os.devnull
    env.update(extra_env)
    with tempfile.TemporaryDirectory() as scratch:
        if config_text is not None:
            path = os.path.join(scratch, "config")
            with open(path, "w") as f:
                f.write(config_text)
            env["AWS_CONFIG_FILE"] = path
        cmd = [AWS, *args, "--endpoint-url", ENDPOINT, "--region", "us-east-1", "--no-cli-pager", "--output", "json"]
        return subprocess.run(cmd, capture_output=True, text=True, timeout=60, env=env)


def supports_service_endpoint_env():
    """True when the CLI honours AWS_ENDPOINT_URL_<SERVICE> (aws-cli 1.29+, 2.13+)."""
    version = subprocess.run([AWS, "--version"], capture_output=True, text=True, timeout=60)
    text = (version.stdout + version.stderr).split()[0] if (version.stdout + version.stderr).split() else ""
    try:
        major, minor = (int(x) for x in text.split("/")[1].split(".")[:2])
    except (IndexError, ValueError):
        return False
    return (major, minor) >= ((1, 29) if major == 1 else (2, 13))


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

    def test_queue_policies_and_user_policies_decide(self):
        url = ok(aws(ALICE, "sqs", "create-queue", "--queue-name", "cli-authz"))["QueueUrl"]
        arn = "arn:aws:sqs:us-east-1:%s:cli-authz" % ACCOUNT
        ok(aws(ALICE, "sqs", "send-message", "--queue-url", url, "--message-body", "alice may"))
        refused = aws(BOB, "sqs", "send-message", "--queue-url", url, "--message-body", "bob may not")
        self.assertNotEqual(refused.returncode, 0)
        self.assertIn("(AccessDenied) when calling the SendMessage operation: User: arn:aws:iam::%s:user/bob is not "
                      "authorized to perform: sqs:SendMessage on resource: %s because no identity-based policy "
                      "allows the sqs:SendMessage action" % (ACCOUNT, arn), refused.stderr)
        policy = json.dumps({"Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::%s:user/bob" % ACCOUNT},
            "Action": "sqs:SendMessage", "Resource": arn}]})
        attributes = aws(ALICE, "sqs", "set-queue-attributes", "--queue-url", url, "--attributes",
                         json.dumps({"Policy": policy}))
        self.assertEqual(attributes.returncode, 0, attributes.stderr)
        ok(aws(BOB, "sqs", "send-message", "--queue-url", url, "--message-body", "bob may now"))

    def test_topic_policies_and_user_policies_decide(self):
        topic = ok(aws(ALICE, "sns", "create-topic", "--name", "cli-authz-topic"))["TopicArn"]
        ok(aws(ALICE, "sns", "publish", "--topic-arn", topic, "--message", "alice may"))
        refused = aws(BOB, "sns", "publish", "--topic-arn", topic, "--message", "bob may not")
        self.assertNotEqual(refused.returncode, 0)
        self.assertIn("(AuthorizationError) when calling the Publish operation: User: arn:aws:iam::%s:user/bob is "
                      "not authorized to perform: SNS:Publish on resource: %s because no identity-based policy "
                      "allows the SNS:Publish action" % (ACCOUNT, topic), refused.stderr)
        policy = json.dumps({"Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::%s:user/bob" % ACCOUNT},
            "Action": "sns:Publish", "Resource": topic}]})
        attributes = aws(ALICE, "sns", "set-topic-attributes", "--topic-arn", topic, "--attribute-name", "Policy",
                         "--attribute-value", policy)
        self.assertEqual(attributes.returncode, 0, attributes.stderr)
        ok(aws(BOB, "sns", "publish", "--topic-arn", topic, "--message", "bob may now"))

    def test_wrong_secret_and_unknown_key(self):
        wrong = aws((ALICE[0], "not-the-secret"), "sts", "get-caller-identity")
        self.assertNotEqual(wrong.returncode, 0)
        self.assertIn("SignatureDoesNotMatch", wrong.stderr)
        unknown = aws(("AKIANOSUCHKEY0000001", "x"), "sqs", "list-queues")
        self.assertNotEqual(unknown.returncode, 0)
        self.assertIn("InvalidClientTokenId", unknown.stderr)

    def _register_issuer(self):
        result = aws(ALICE, "iam", "create-open-id-connect-provider", "--url", ISSUER_URL,
                     "--client-id-list", AUDIENCE, "--thumbprint-list", "0" * 40)
        if result.returncode != 0:
            self.assertIn("EntityAlreadyExists", result.stderr)

    def test_assume_role_with_web_identity(self):
        self._register_issuer()
        answer = ok(aws(("unused", "unused"), "sts", "assume-role-with-web-identity", "--role-arn", WEB_READER,
                        "--role-session-name", "cli-web", "--web-identity-token", mint()))
        self.assertEqual(answer["AssumedRoleUser"]["Arn"],
                         "arn:aws:sts::%s:assumed-role/web-reader/cli-web" % ACCOUNT)
        self.assertEqual(answer["Audience"], AUDIENCE)
        credentials = answer["Credentials"]
        role = (credentials["AccessKeyId"], credentials["SecretAccessKey"])
        me = ok(aws(role, "sts", "get-caller-identity", token=credentials["SessionToken"]))
        self.assertEqual(me["Arn"], "arn:aws:sts::%s:assumed-role/web-reader/cli-web" % ACCOUNT)
        refused = aws(("unused", "unused"), "sts", "assume-role-with-web-identity", "--role-arn", WEB_READER,
                      "--role-session-name", "cli-web", "--web-identity-token", mint(aud="nobody"))
        self.assertNotEqual(refused.returncode, 0)
        self.assertIn("InvalidIdentityToken", refused.stderr)

    def test_web_identity_token_file_credentials(self):
        if not supports_service_endpoint_env():
            self.skipTest("this aws CLI predates AWS_ENDPOINT_URL_STS (v1 1.29 / v2 2.13): its web-identity "
                          "credential provider could only call AWS's own STS")
        self._register_issuer()
        with tempfile.NamedTemporaryFile("w", suffix=".jwt", delete=False) as token_file:
            token_file.write(mint())
        try:
            by_env = ok(aws_web_identity({"AWS_ROLE_ARN": WEB_READER, "AWS_ROLE_SESSION_NAME": "from-env",
                                          "AWS_WEB_IDENTITY_TOKEN_FILE": token_file.name},
                                         "sts", "get-caller-identity"))
            self.assertEqual(by_env["Arn"], "arn:aws:sts::%s:assumed-role/web-reader/from-env" % ACCOUNT)
            profile = ("[default]\nrole_arn = %s\nrole_session_name = from-profile\n"
                       "web_identity_token_file = %s\n" % (WEB_READER, token_file.name))
            by_profile = ok(aws_web_identity({}, "sts", "get-caller-identity", config_text=profile))
            self.assertEqual(by_profile["Arn"], "arn:aws:sts::%s:assumed-role/web-reader/from-profile" % ACCOUNT)
        finally:
            os.unlink(token_file.name)


if __name__ == "__main__":
    if not ENDPOINT:
        print("SLUICE_ENDPOINT is not set: run through sluice_server.py", file=sys.stderr)
        sys.exit(2)
    if not (os.path.exists(AWS) or shutil.which(AWS)):
        print("SKIP: no aws cli at %s" % AWS)
        sys.exit(77)
    result = unittest.main(exit=False, verbosity=2).result
    sys.exit(0 if result.wasSuccessful() else 1)
