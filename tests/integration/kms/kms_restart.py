"""KMS keys across a restart of `sluice up` with the same data directory: keys, states, aliases,
tags and the key material itself (a ciphertext made before the restart decrypts after it), kept
in kms.db with file mode 0600; and an SSE-KMS queue keeps working with its key.

    kms_restart.py --sluice BIN

Runs its own servers on loopback ports. boto3 from the system's python3.
"""

import os
import stat
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from sluice_server import SluiceServer, run_unittests, sluice_from_argv  # noqa: E402

import boto3  # noqa: E402
from botocore.config import Config  # noqa: E402

BIN = None
BOUNDED = Config(connect_timeout=5, read_timeout=30, retries={"max_attempts": 1, "mode": "standard"})
os.environ.setdefault("AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE")
os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")
os.environ["AWS_EC2_METADATA_DISABLED"] = "true"


def client(server, service):
    return boto3.client(service, region_name="us-east-1", endpoint_url=server.endpoint, config=BOUNDED)


class KmsRestartTest(unittest.TestCase):
    def test_keys_survive_a_restart(self):
        with tempfile.TemporaryDirectory(prefix="sluice-kms-") as tmp:
            data = os.path.join(tmp, "data")
            first = SluiceServer(BIN, data_dir=data).start()
            try:
                kms = client(first, "kms")
                key = kms.create_key(Description="kept", Tags=[{"TagKey": "t", "TagValue": "v"}])["KeyMetadata"]
                kms.create_alias(AliasName="alias/kept", TargetKeyId=key["KeyId"])
                disabled = kms.create_key(Description="off")["KeyMetadata"]
                kms.disable_key(KeyId=disabled["KeyId"])
                sealed = kms.encrypt(KeyId="alias/kept", Plaintext=b"before the restart",
                                     EncryptionContext={"k": "v"})["CiphertextBlob"]
                sqs = client(first, "sqs")
                url = sqs.create_queue(QueueName="kept-sse", Attributes={"KmsMasterKeyId": "alias/kept"})["QueueUrl"]
                sqs.send_message(QueueUrl=url, MessageBody="queued before")
            finally:
                self.assertEqual(first.stop(), 0, first.log_text())
                first.close()

            mode = stat.S_IMODE(os.stat(os.path.join(data, "kms.db")).st_mode)
            self.assertEqual(mode, 0o600)

            second = SluiceServer(BIN, data_dir=data).start()
            try:
                kms = client(second, "kms")
                self.assertEqual(kms.describe_key(KeyId="alias/kept")["KeyMetadata"]["KeyId"], key["KeyId"])
                self.assertEqual(kms.describe_key(KeyId=disabled["KeyId"])["KeyMetadata"]["KeyState"], "Disabled")
                self.assertEqual(kms.list_resource_tags(KeyId=key["KeyId"])["Tags"], [{"TagKey": "t", "TagValue": "v"}])
                opened = kms.decrypt(CiphertextBlob=sealed, EncryptionContext={"k": "v"})
                self.assertEqual(opened["Plaintext"], b"before the restart")
                sqs = client(second, "sqs")
                url = sqs.get_queue_url(QueueName="kept-sse")["QueueUrl"]
                got = sqs.receive_message(QueueUrl=url, WaitTimeSeconds=2)["Messages"]
                self.assertEqual([m["Body"] for m in got], ["queued before"])
            finally:
                self.assertEqual(second.stop(), 0, second.log_text())
                second.close()


if __name__ == "__main__":
    BIN = sluice_from_argv(__file__)
    run_unittests()
