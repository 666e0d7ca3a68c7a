"""HTTPS on sluice's port (`sluice up --tls`): boto3 (this interpreter's and, where the python3 on
PATH has a newer one, that one too) and the AWS CLI trust the self-signed certificate kept in the
data directory and work unchanged over https; a client that does not trust it is refused; plain
HTTP keeps working on the same port; a restart keeps the certificate, so trust survives it. The
test OpenID issuer is an https issuer there, and its key (mode 0600) survives the restart too.

Usage: test_tls.py --sluice BIN. The AWS CLI part skips without `aws`.
"""

import json
import os
import shutil
import ssl
import subprocess
import sys
import tempfile
import unittest
import urllib.error
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from sluice_server import SluiceServer, run_unittests, sluice_from_argv  # noqa: E402

SLUICE = sluice_from_argv(__file__)
AWS = os.environ.get("AWS_CLI", "/usr/bin/aws")
CREDENTIALS = {"AWS_ACCESS_KEY_ID": "AKIAIOSFODNN7EXAMPLE",
               "AWS_SECRET_ACCESS_KEY": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"}

# The same SQS round trip for any boto3: prints the QueueUrl and the received body as JSON.
BOTO3_ROUND_TRIP = r"""
import json, sys, boto3
endpoint, cert, name = sys.argv[1:4]
sqs = boto3.client("sqs", endpoint_url=endpoint, region_name="us-east-1", verify=cert,
                   aws_access_key_id="AKIAIOSFODNN7EXAMPLE", aws_secret_access_key="x")
url = sqs.create_queue(QueueName=name)["QueueUrl"]
sqs.send_message(QueueUrl=url, MessageBody="over tls",
                 MessageAttributes={"k": {"DataType": "String", "StringValue": "v"}})
got = sqs.receive_message(QueueUrl=url, MessageAttributeNames=["All"], WaitTimeSeconds=1)["Messages"][0]
sts = boto3.client("sts", endpoint_url=endpoint, region_name="us-east-1", verify=cert,
                   aws_access_key_id="AKIAIOSFODNN7EXAMPLE", aws_secret_access_key="x")
print(json.dumps({"url": url, "body": got["Body"], "attr": got["MessageAttributes"]["k"]["StringValue"],
                  "account": sts.get_caller_identity()["Account"], "boto3": boto3.__version__}))
"""


def newer_boto3_python():
    """The python3 on PATH when it is another interpreter with boto3 >= 1.34, else None."""
    candidate = shutil.which("python3")
    if not candidate or os.path.realpath(candidate) == os.path.realpath(sys.executable):
        return None
    probe = subprocess.run([candidate, "-c", "import boto3; print(boto3.__version__)"],
                           capture_output=True, text=True)
    if probe.returncode != 0:
        return None
    version = tuple(int(p) for p in probe.stdout.strip().split(".")[:2])
    return candidate if version >= (1, 34) else None


class TlsTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.data = tempfile.TemporaryDirectory(prefix="sluice-tls-")
        cls.server = SluiceServer(SLUICE, data_dir=os.path.join(cls.data.name, "data"), extra_args=["--tls"])
        cls.server.start()
        cls.cert = os.path.join(cls.data.name, "data", "tls", "cert.pem")
        cls.https = "https://127.0.0.1:%d" % cls.server.port

    @classmethod
    def tearDownClass(cls):
        code = cls.server.stop()
        cls.server.close()
        cls.data.cleanup()
        if code != 0:
            raise AssertionError("sluice up did not exit 0 after SIGTERM: %r" % code)

    def boto3_round_trip(self, python, name):
        result = subprocess.run([python, "-c", BOTO3_ROUND_TRIP, self.https, self.cert, name],
                                capture_output=True, text=True, timeout=60)
        self.assertEqual(result.returncode, 0, result.stderr)
        return json.loads(result.stdout)

    def test_the_start_line_names_the_certificate(self):
        self.assertIn("HTTPS on the same port: %s (certificate %s" % (self.https, self.cert),
                      self.server.log_text())

    def test_boto3_over_https(self):
        answer = self.boto3_round_trip(sys.executable, "tls-boto3")
        # Resource URLs carry the scheme the client came by, so later calls stay on TLS.
        self.assertEqual(answer["url"], self.https + "/123456789012/tls-boto3")
        self.assertEqual((answer["body"], answer["attr"], answer["account"]), ("over tls", "v", "123456789012"))

    def test_newer_boto3_over_https(self):
        python = newer_boto3_python()
        if python is None:
            self.skipTest("no newer boto3 on PATH")
        answer = self.boto3_round_trip(python, "tls-boto3-json")
        self.assertEqual(answer["url"], self.https + "/123456789012/tls-boto3-json")
        self.assertEqual(answer["body"], "over tls")

    def test_a_client_that_does_not_trust_the_certificate_is_refused(self):
        with self.assertRaises(urllib.error.URLError) as refused:
            urllib.request.urlopen(self.https + "/health", timeout=5, context=ssl.create_default_context())
        self.assertIsInstance(refused.exception.reason, ssl.SSLCertVerificationError)
        trusting = ssl.create_default_context(cafile=self.cert)
        for host in ("127.0.0.1", "localhost"):
            url = "https://%s:%d/health" % (host, self.server.port)
            with urllib.request.urlopen(url, timeout=5, context=trusting) as r:
                self.assertEqual(r.status, 200)

    def issuer_document(self, name):
        trusting = ssl.create_default_context(cafile=self.cert)
        with urllib.request.urlopen(self.https + "/_sluice/oidc/" + name, timeout=5, context=trusting) as r:
            return json.loads(r.read())

    def test_the_openid_issuer_is_https_and_keeps_its_key_private(self):
        discovery = self.issuer_document(".well-known/openid-configuration")
        self.assertEqual(discovery["issuer"], self.https + "/_sluice/oidc")
        self.assertEqual(discovery["jwks_uri"], self.https + "/_sluice/oidc/jwks.json")
        key_file = os.path.join(self.data.name, "data", "oidc-issuer-key.pem")
        self.assertEqual(os.stat(key_file).st_mode & 0o777, 0o600)

    def test_plain_http_on_the_same_port(self):
        with urllib.request.urlopen(self.server.endpoint + "/health", timeout=5) as r:
            self.assertEqual(r.status, 200)

    def test_aws_cli_with_ca_bundle(self):
        if not os.path.exists(AWS):
            self.skipTest("aws not installed")
        env = dict(os.environ, **CREDENTIALS, AWS_CONFIG_FILE=os.devnull, AWS_SHARED_CREDENTIALS_FILE=os.devnull)
        base = [AWS, "--endpoint-url", self.https, "--region", "us-east-1", "--no-cli-pager", "--output", "json"]
        created = subprocess.run(base + ["--ca-bundle", self.cert, "sqs", "create-queue", "--queue-name", "tls-cli"],
                                 capture_output=True, text=True, timeout=60, env=env)
        self.assertEqual(created.returncode, 0, created.stderr)
        self.assertEqual(json.loads(created.stdout)["QueueUrl"], self.https + "/123456789012/tls-cli")
        untrusted = subprocess.run(base + ["sqs", "list-queues"], capture_output=True, text=True, timeout=60, env=env)
        self.assertNotEqual(untrusted.returncode, 0)
        self.assertIn("SSL", untrusted.stderr)

    def test_zz_restart_keeps_the_certificate(self):
        with open(self.cert) as f:
            before = f.read()
        issuer_key = self.issuer_document("jwks.json")["keys"][0]["kid"]
        self.assertEqual(self.server.stop(), 0)
        self.server.close()
        self.server.start()
        self.__class__.https = "https://127.0.0.1:%d" % self.server.port
        with open(self.cert) as f:
            self.assertEqual(f.read(), before)
        answer = self.boto3_round_trip(sys.executable, "tls-after-restart")
        self.assertEqual(answer["body"], "over tls")
        # The OpenID issuer's key survives too, so tokens it minted stay verifiable.
        self.assertEqual(self.issuer_document("jwks.json")["keys"][0]["kid"], issuer_key)


if __name__ == "__main__":
    run_unittests()
