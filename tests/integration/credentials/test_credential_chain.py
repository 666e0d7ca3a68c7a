"""The credential chain, driven through `sluice up` itself: a worker sluice polls a queue on another
sluice that verifies signatures and policies (`--auth enforce` with identity/accounts.json), so a
message is consumed only if the worker found credentials that the owning sluice accepts. Each case
starts the worker with nothing but a shared config file (and the environment the case needs):

- role_arn + source_profile (AssumeRole through the owning sluice's STS), chained roles, external_id
- web identity: a profile's web_identity_token_file and AWS_WEB_IDENTITY_TOKEN_FILE/AWS_ROLE_ARN,
  with an ID token from sluice's test OpenID issuer
- credential_process, IAM Identity Center (a fake portal and the cached token), EKS Pod Identity's
  container endpoint with a token file, IMDSv2 (credential_source = Ec2InstanceMetadata)
- a refused AssumeRole: the mapping is refused at start with an error naming the profile
- refresh: credentials that expire 5 minutes and 2 seconds after they are handed out are fetched
  again while the worker keeps polling, without a fetch per request.

Each worker but the refresh case's runs WORKER_TIME_SCALE times faster (`--time-scale`): its
20-second long polls last a second, so that stopping it, which lets the polls in progress end by themselves (their messages go
back to the queue), takes a second rather than twenty. The chain itself keeps wall time: credentials
expire, and requests are signed, by the real clock.

    test_credential_chain.py --sluice BIN --echo-plugin SO

Skips (77) when /usr/bin/python3 has no boto3.
"""

import argparse
import hashlib
import json
import os
import sys
import tempfile
import time
import unittest
import urllib.request
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, ".."))
sys.path.insert(0, os.path.join(HERE, "..", "identity"))
import sluice_server  # noqa: E402
from fakes import ContainerEndpoint, InstanceMetadata, SsoPortal  # noqa: E402

try:
    import boto3
except ImportError:
    print("SKIP: boto3 is not installed")
    sys.exit(77)

ACCOUNT = "111122223333"
ALICE = ("AKIAALICE00000000001", "alice/Secret+Key+0001")
BOB = ("AKIABOB0000000000001", "bob/Secret+Key+0001")
CAROL = ("AKIACAROL0000000001", "carol/Secret+Key+0001")
ROLE = "arn:aws:iam::%s:role/" % ACCOUNT
SETTLE_S = 60
WORKER_TIME_SCALE = 20
# The function's Timeout in the worker's scaled seconds: a second of real time for the echo plugin,
# and within the queue's 30-second visibility timeout, as a mapping requires.
FUNCTION_TIMEOUT_S = WORKER_TIME_SCALE

OPTS = None
OWNER = None  # the sluice that owns the queues and checks every signature


def sqs_as(keys):
    return boto3.client("sqs", endpoint_url=OWNER.endpoint, region_name="us-east-1",
                        aws_access_key_id=keys[0], aws_secret_access_key=keys[1])


def wait_for(condition, timeout_s=SETTLE_S):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    return condition()


def mapping_result(worker):
    with urllib.request.urlopen(worker.endpoint + "/health", timeout=10) as r:
        mappings = json.loads(r.read()).get("eventSourceMappings", [])
    return mappings[0].get("LastProcessingResult", "") if mappings else ""


class Worker:
    """A `sluice up` whose one mapping polls a queue of the owning sluice with the chain's
    credentials; `files` are written into its own directory, which is also its HOME ("{HOME}" in
    the files and in `env`'s values)."""

    def __init__(self, case, files, profile=None, env=None, time_scale=WORKER_TIME_SCALE):
        self.dir = tempfile.TemporaryDirectory(prefix="sluice-creds-")
        home = self.dir.name
        for name, text in files.items():
            path = os.path.join(home, name)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "w") as f:
                f.write(text.replace("{HOME}", home))
        self.queue_url = sqs_as(ALICE).create_queue(QueueName="creds-%s-%s" % (case, uuid.uuid4().hex[:6]))["QueueUrl"]
        config = {
            "functions": [{"FunctionName": "echo", "Handler": OPTS.echo_plugin,
                           "Timeout": FUNCTION_TIMEOUT_S * time_scale // WORKER_TIME_SCALE}],
            "eventSourceMappings": [{"FunctionName": "echo", "QueueUrl": self.queue_url, "Endpoint": OWNER.endpoint,
                                     "BatchSize": 1}],
        }
        config_path = os.path.join(home, "sluice.json")
        with open(config_path, "w") as f:
            json.dump(config, f)
        worker_env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
        worker_env.update({
            "HOME": home,
            "AWS_REGION": "us-east-1",
            "AWS_EC2_METADATA_DISABLED": "true",
            "AWS_CONFIG_FILE": os.path.join(home, ".aws", "config"),
            "AWS_SHARED_CREDENTIALS_FILE": os.path.join(home, ".aws", "credentials"),
            "AWS_ENDPOINT_URL_STS": OWNER.endpoint,
        })
        if profile:
            worker_env["AWS_PROFILE"] = profile
        worker_env.update({k: v.replace("{HOME}", home) for k, v in (env or {}).items()})
        self.server = sluice_server.SluiceServer(OPTS.sluice, time_scale=time_scale, extra_args=[config_path],
                                                env=worker_env)
        self.server.start()

    def send(self, body):
        sqs_as(ALICE).send_message(QueueUrl=self.queue_url, MessageBody=body)

    def drained(self):
        attrs = sqs_as(ALICE).get_queue_attributes(
            QueueUrl=self.queue_url,
            AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"])["Attributes"]
        return attrs["ApproximateNumberOfMessages"] == "0" and attrs["ApproximateNumberOfMessagesNotVisible"] == "0"

    def consumes_one(self):
        self.send("hello")
        ok = wait_for(lambda: self.drained() and mapping_result(self.server) == "OK")
        return ok, self.server.log_text()

    def close(self):
        code = self.server.stop()
        self.server.close()
        self.dir.cleanup()
        assert code == 0, "the worker did not stop cleanly"


def config_file(*sections):
    return "\n".join(sections) + "\n"


def keys_section(name, keys):
    return "[%s]\naws_access_key_id = %s\naws_secret_access_key = %s" % (name, keys[0], keys[1])


class CredentialChain(unittest.TestCase):
    def run_worker(self, case, files, profile=None, env=None, time_scale=WORKER_TIME_SCALE):
        worker = Worker(case, files, profile, env, time_scale)
        self.addCleanup(worker.close)
        return worker

    def assert_consumes(self, worker):
        ok, log = worker.consumes_one()
        self.assertTrue(ok, "message not consumed; LastProcessingResult %r\n%s" % (mapping_result(worker.server), log))

    def test_assume_role_with_source_profile(self):
        worker = self.run_worker("role", {
            ".aws/config": config_file("[profile worker]", "role_arn = %sdeployer" % ROLE, "source_profile = alice",
                                       "role_session_name = fleet-1", "duration_seconds = 900"),
            ".aws/credentials": config_file(keys_section("alice", ALICE)),
        }, profile="worker")
        self.assert_consumes(worker)

    def test_chained_roles(self):
        worker = self.run_worker("chain", {
            ".aws/config": config_file("[profile chained]", "role_arn = %schained" % ROLE, "source_profile = deployer",
                                       "[profile deployer]", "role_arn = %sdeployer" % ROLE, "source_profile = alice",
                                       keys_section("profile alice", ALICE)),
        }, profile="chained")
        self.assert_consumes(worker)

    def test_external_id(self):
        worker = self.run_worker("external", {
            ".aws/config": config_file("[default]", "role_arn = %spartner" % ROLE, "source_profile = carol",
                                       "external_id = partner-secret-42", keys_section("profile carol", CAROL)),
        })
        self.assert_consumes(worker)

    def test_refused_assume_role_is_named(self):
        # bob is not in deployer's trust policy. As Lambda's CreateEventSourceMapping checks the
        # queue with the function's role, the mapping is refused at start, naming the profile.
        with self.assertRaises(RuntimeError) as refused:
            Worker("refused", {
                ".aws/config": config_file("[profile bobs-role]", "role_arn = %sdeployer" % ROLE,
                                           "source_profile = bob", keys_section("profile bob", BOB)),
            }, profile="bobs-role")
        text = str(refused.exception)
        self.assertIn("sluice up exited with 78", text)
        self.assertIn("SQS Error Code: AccessDenied", text)
        self.assertIn("profile bobs-role: AssumeRole %sdeployer at %s: AccessDenied: User: "
                      "arn:aws:iam::%s:user/bob is not authorized to perform: sts:AssumeRole"
                      % (ROLE, OWNER.endpoint, ACCOUNT), text)

    def web_token(self):
        os.environ["SLUICE_ENDPOINT"] = OWNER.endpoint
        import oidc_tokens
        oidc_tokens.ENDPOINT = OWNER.endpoint
        iam = boto3.client("iam", endpoint_url=OWNER.endpoint, region_name="us-east-1",
                           aws_access_key_id=ALICE[0], aws_secret_access_key=ALICE[1])
        oidc_tokens.register_provider(iam)
        return oidc_tokens.mint(sub="system:serviceaccount:apps:worker")

    def test_web_identity_profile(self):
        worker = self.run_worker("web-profile", {
            ".aws/config": config_file("[profile irsa]", "role_arn = %sweb-reader" % ROLE,
                                       "web_identity_token_file = {HOME}/token", "role_session_name = pod"),
            "token": self.web_token(),
        }, profile="irsa")
        self.assert_consumes(worker)

    def test_web_identity_environment(self):
        worker = self.run_worker("web-env", {"eks/token": self.web_token()}, env={
            "AWS_WEB_IDENTITY_TOKEN_FILE": "{HOME}/eks/token",
            "AWS_ROLE_ARN": ROLE + "web-reader",
            "AWS_ROLE_SESSION_NAME": "irsa-pod"})
        self.assert_consumes(worker)

    def test_credential_process(self):
        script = "printf '%s' '" + json.dumps({"Version": 1, "AccessKeyId": ALICE[0],
                                                 "SecretAccessKey": ALICE[1]}) + "'\n"
        worker = self.run_worker("process", {
            ".aws/config": config_file("[default]", "credential_process = sh {HOME}/creds.sh"),
            "creds.sh": script,
        })
        self.assert_consumes(worker)

    def test_sso_cached_token(self):
        portal = SsoPortal(ALICE, "cached-access-token", ACCOUNT, "Worker")
        self.addCleanup(portal.close)
        cache = hashlib.sha1(b"corp").hexdigest()
        worker = self.run_worker("sso", {
            ".aws/config": config_file("[profile dev]", "sso_session = corp", "sso_account_id = %s" % ACCOUNT,
                                       "sso_role_name = Worker", "[sso-session corp]", "sso_region = us-east-1",
                                       "sso_start_url = https://corp.awsapps.com/start"),
            ".aws/sso/cache/%s.json" % cache: json.dumps({"accessToken": "cached-access-token",
                                                         "expiresAt": "2099-01-01T00:00:00Z"}),
        }, profile="dev", env={"AWS_ENDPOINT_URL_SSO": portal.url})
        self.assert_consumes(worker)
        self.assertGreaterEqual(portal.served, 1)

    def test_eks_pod_identity_container_endpoint(self):
        container = ContainerEndpoint(ALICE, "pod-identity-token")
        self.addCleanup(container.close)
        worker = self.run_worker("container", {"token": "pod-identity-token\n"}, env={
            "AWS_CONTAINER_CREDENTIALS_FULL_URI": container.url + "/creds",
            "AWS_CONTAINER_AUTHORIZATION_TOKEN": "overridden by the file",
            "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE": "{HOME}/token"})
        self.assert_consumes(worker)
        self.assertGreaterEqual(container.served, 1)

    def test_instance_metadata_as_credential_source(self):
        imds = InstanceMetadata(ALICE)
        self.addCleanup(imds.close)
        worker = self.run_worker("imds", {
            ".aws/config": config_file("[default]", "role_arn = %sdeployer" % ROLE,
                                       "credential_source = Ec2InstanceMetadata"),
        }, env={"AWS_EC2_METADATA_DISABLED": "false", "AWS_EC2_METADATA_SERVICE_ENDPOINT": imds.url})
        self.assert_consumes(worker)
        self.assertGreaterEqual(imds.served, 1)
        self.assertEqual(imds.refused, 0)

    def test_short_lived_credentials_are_refreshed(self):
        # Valid for 5 minutes and 2 seconds: inside the refresh window 2 seconds after each fetch.
        container = ContainerEndpoint(ALICE, "Bearer refresh", lifetime_s=302)
        self.addCleanup(container.close)
        # At real speed: the bound below counts fetches against messages, and a worker 20 times
        # faster polls 20 times as often between them.
        worker = self.run_worker("refresh", {}, env={
            "AWS_CONTAINER_CREDENTIALS_FULL_URI": container.url + "/creds",
            "AWS_CONTAINER_AUTHORIZATION_TOKEN": "Bearer refresh"}, time_scale=1)
        self.assert_consumes(worker)
        first = container.served
        self.assertGreaterEqual(first, 1)
        requests = 0
        deadline = time.monotonic() + SETTLE_S
        while container.served < first + 2 and time.monotonic() < deadline:
            time.sleep(2.5)
            self.assert_consumes(worker)
            requests += 1
        self.assertGreaterEqual(container.served, first + 2, "no refresh after %d messages" % requests)
        # Each message costs a receive and a delete at least; credentials are not fetched for each.
        self.assertLessEqual(container.served, first + 2 * requests + 2)


def main():
    global OPTS, OWNER
    parser = argparse.ArgumentParser()
    parser.add_argument("--sluice", required=True)
    parser.add_argument("--echo-plugin", required=True)
    OPTS, rest = parser.parse_known_args()
    sys.argv[1:] = rest
    accounts = os.path.join(HERE, "..", "identity", "accounts.json")
    OWNER = sluice_server.SluiceServer(OPTS.sluice, extra_args=["--auth", "enforce", accounts])
    OWNER.start()
    try:
        result = unittest.main(module="__main__", verbosity=2, exit=False).result
    finally:
        code = OWNER.stop()
        if code != 0 or not result.wasSuccessful():
            print("---- owning server's log ----\n" + OWNER.log_text(), file=sys.stderr)
        OWNER.close()
    failed = len(result.failures) + len(result.errors)
    print("%d passed, %d failed" % (result.testsRun - failed, failed))
    sys.exit(0 if result.wasSuccessful() and code == 0 else 1)


if __name__ == "__main__":
    main()
