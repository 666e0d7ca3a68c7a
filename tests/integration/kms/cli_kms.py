"""The AWS CLI against a live sluice: KMS keys, aliases, encrypt/decrypt, data keys, an SSE-KMS
queue and topic, a disabled key's failures and scheduled deletion.

Runs the system's `aws` with --endpoint-url and dummy credentials (from the environment
sluice_server.py prepares) and asserts on the JSON it prints. Skips (exit 77) without `aws`.
Standard library only.
"""

import base64
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


def run(service, *args):
    cmd = [AWS, service, *args, "--endpoint-url", ENDPOINT, "--region", "us-east-1", "--no-cli-pager",
           "--output", "json"]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=60)


def aws(service, *args):
    r = run(service, *args)
    if r.returncode != 0:
        raise AssertionError("%s %s failed (%d): %s" % (service, args[0], r.returncode, r.stderr))
    return json.loads(r.stdout) if r.stdout.strip() else {}


class KmsCliTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp()
        self.name = "cli-kms-" + uuid.uuid4().hex[:10]

    def tearDown(self):
        shutil.rmtree(self.tmp)

    def file_of(self, name, data):
        path = os.path.join(self.tmp, name)
        with open(path, "wb") as f:
            f.write(data)
        return "fileb://" + path

    def test_keys_aliases_and_encryption(self):
        meta = aws("kms", "create-key", "--description", "cli key")["KeyMetadata"]
        key_id = meta["KeyId"]
        self.assertEqual(meta["KeyState"], "Enabled")
        alias = "alias/" + self.name
        aws("kms", "create-alias", "--alias-name", alias, "--target-key-id", key_id)
        self.assertEqual(aws("kms", "describe-key", "--key-id", alias)["KeyMetadata"]["KeyId"], key_id)

        sealed = aws("kms", "encrypt", "--key-id", alias, "--plaintext", self.file_of("p", b"from the cli"),
                     "--encryption-context", "app=cli")
        self.assertEqual(sealed["KeyId"], meta["Arn"])
        blob = self.file_of("c", base64.b64decode(sealed["CiphertextBlob"]))
        opened = aws("kms", "decrypt", "--ciphertext-blob", blob, "--encryption-context", "app=cli")
        self.assertEqual(base64.b64decode(opened["Plaintext"]), b"from the cli")
        wrong = run("kms", "decrypt", "--ciphertext-blob", blob)
        self.assertNotEqual(wrong.returncode, 0)
        self.assertIn("InvalidCiphertextException", wrong.stderr)

        data = aws("kms", "generate-data-key", "--key-id", key_id, "--key-spec", "AES_256")
        self.assertEqual(len(base64.b64decode(data["Plaintext"])), 32)

        aws("kms", "disable-key", "--key-id", key_id)
        refused = run("kms", "encrypt", "--key-id", key_id, "--plaintext", self.file_of("q", b"x"))
        self.assertNotEqual(refused.returncode, 0)
        self.assertIn("DisabledException", refused.stderr)
        self.assertIn(meta["Arn"] + " is disabled.", refused.stderr)
        aws("kms", "enable-key", "--key-id", key_id)

        scheduled = aws("kms", "schedule-key-deletion", "--key-id", key_id, "--pending-window-in-days", "7")
        self.assertEqual(scheduled["KeyState"], "PendingDeletion")
        self.assertEqual(scheduled["PendingWindowInDays"], 7)
        bad = run("kms", "schedule-key-deletion", "--key-id", key_id, "--pending-window-in-days", "3")
        self.assertIn("ValidationException", bad.stderr)
        aws("kms", "cancel-key-deletion", "--key-id", key_id)
        self.assertEqual(aws("kms", "describe-key", "--key-id", key_id)["KeyMetadata"]["KeyState"], "Disabled")

    def test_encrypted_queue_and_topic(self):
        key = aws("kms", "create-key")["KeyMetadata"]
        url = aws("sqs", "create-queue", "--queue-name", self.name, "--attributes",
                  "KmsMasterKeyId=%s,KmsDataKeyReusePeriodSeconds=60" % key["KeyId"])["QueueUrl"]
        queue_arn = aws("sqs", "get-queue-attributes", "--queue-url", url, "--attribute-names",
                        "QueueArn")["Attributes"]["QueueArn"]
        topic = aws("sns", "create-topic", "--name", self.name, "--attributes",
                    "KmsMasterKeyId=%s" % key["Arn"])["TopicArn"]
        aws("sns", "subscribe", "--topic-arn", topic, "--protocol", "sqs", "--notification-endpoint", queue_arn)
        aws("sns", "publish", "--topic-arn", topic, "--message", "through both")
        got = aws("sqs", "receive-message", "--queue-url", url, "--wait-time-seconds", "5")
        self.assertEqual(json.loads(got["Messages"][0]["Body"])["Message"], "through both")

        aws("kms", "disable-key", "--key-id", key["KeyId"])
        refused = run("sns", "publish", "--topic-arn", topic, "--message", "refused")
        self.assertNotEqual(refused.returncode, 0)
        self.assertIn("KMSDisabled", refused.stderr)
        aws("kms", "enable-key", "--key-id", key["KeyId"])
        aws("sns", "publish", "--topic-arn", topic, "--message", "again")


if __name__ == "__main__":
    if not shutil.which(AWS):
        print("aws CLI not installed: skipped")
        sys.exit(77)
    if not ENDPOINT:
        print("SLUICE_ENDPOINT is not set: run through sluice_server.py")
        sys.exit(2)
    unittest.main()
