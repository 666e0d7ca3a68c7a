"""KMS keys across a restart of `sluice up` with the same data directory: keys, states, aliases,
tags and the key material itself (a ciphertext made before the restart decrypts after it), kept
in kms.db with file mode 0600; and an SSE-KMS queue keeps working with its key. An SSE-KMS
queue's bodies are sealed with the data key KMS generated for it: the data directory holds the
data key's blob and never the body, the data key is reused after a restart, and a key disabled
while sluice was down fails ReceiveMessage with KMS.DisabledException until it is enabled again,
while DeleteMessage(Batch), ChangeMessageVisibility, PurgeQueue and DeleteQueue, which need no KMS
call on AWS, go on working.

    kms_restart.py --sluice BIN

Runs its own servers on loopback ports. boto3 from the system's python3.
"""

import os
import sqlite3
import stat
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from sluice_server import SluiceServer, run_unittests, sluice_from_argv  # noqa: E402

import boto3  # noqa: E402
from botocore.config import Config  # noqa: E402
from botocore.exceptions import ClientError  # noqa: E402

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

    def test_sse_kms_bodies_are_sealed_with_the_queue_data_key(self):
        secret = "payroll run 2026-12 for the whole company"
        with tempfile.TemporaryDirectory(prefix="sluice-kms-") as tmp:
            data = os.path.join(tmp, "data")
            first = SluiceServer(BIN, data_dir=data).start()
            try:
                key = client(first, "kms").create_key(Description="bodies")["KeyMetadata"]["KeyId"]
                sqs = client(first, "sqs")
                url = sqs.create_queue(QueueName="sealed", Attributes={"KmsMasterKeyId": key})["QueueUrl"]
                sqs.send_message(QueueUrl=url, MessageBody=secret)
            finally:
                self.assertEqual(first.stop(), 0, first.log_text())
                first.close()
            self.assertEqual(self.data_key_rows(data), 1)
            for name in os.listdir(data):
                path = os.path.join(data, name)
                if os.path.isfile(path):
                    with open(path, "rb") as f:
                        self.assertNotIn(secret.encode(), f.read(), name)

            second = SluiceServer(BIN, data_dir=data).start()
            try:
                sqs = client(second, "sqs")
                url = sqs.get_queue_url(QueueName="sealed")["QueueUrl"]
                got = sqs.receive_message(QueueUrl=url, WaitTimeSeconds=2, VisibilityTimeout=0)["Messages"]
                self.assertEqual([m["Body"] for m in got], [secret])
                for body in ["second", "doomed 1", "doomed 2"]:  # the same data key, restored
                    sqs.send_message(QueueUrl=url, MessageBody=body)
                handles = {}  # body -> receipt handle, kept for after the next restart
                for _ in range(10):
                    got = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, VisibilityTimeout=0)
                    handles.update({m["Body"]: m["ReceiptHandle"] for m in got.get("Messages", [])})
                    if len(handles) == 4:
                        break
                for name in ["purged", "deleted"]:
                    other = sqs.create_queue(QueueName=name, Attributes={"KmsMasterKeyId": key})["QueueUrl"]
                    sqs.send_message(QueueUrl=other, MessageBody=secret)
                client(second, "kms").disable_key(KeyId=key)
            finally:
                self.assertEqual(second.stop(), 0, second.log_text())
                second.close()
            self.assertEqual(self.data_key_rows(data, "sealed"), 1)

            third = SluiceServer(BIN, data_dir=data).start()
            try:
                sqs = client(third, "sqs")
                url = sqs.get_queue_url(QueueName="sealed")["QueueUrl"]
                # None of these reads a body, so none needs the disabled key (the first call to each
                # queue loads its stored messages).
                sqs.delete_message(QueueUrl=url, ReceiptHandle=handles["doomed 1"])
                batch = sqs.delete_message_batch(QueueUrl=url, Entries=[{"Id": "d", "ReceiptHandle": handles["doomed 2"]}])
                self.assertEqual([e["Id"] for e in batch["Successful"]], ["d"], batch)
                sqs.change_message_visibility(QueueUrl=url, ReceiptHandle=handles["second"], VisibilityTimeout=0)
                purged = sqs.get_queue_url(QueueName="purged")["QueueUrl"]
                sqs.purge_queue(QueueUrl=purged)
                counts = sqs.get_queue_attributes(QueueUrl=purged, AttributeNames=["ApproximateNumberOfMessages"])
                self.assertEqual(counts["Attributes"]["ApproximateNumberOfMessages"], "0")
                sqs.delete_queue(QueueUrl=sqs.get_queue_url(QueueName="deleted")["QueueUrl"])
                with self.assertRaises(ClientError) as refused:
                    sqs.receive_message(QueueUrl=url, WaitTimeSeconds=0)
                self.assertEqual(refused.exception.response["Error"]["Code"], "KMS.DisabledException")
                self.assertEqual(refused.exception.response["ResponseMetadata"]["HTTPStatusCode"], 400)
                client(third, "kms").enable_key(KeyId=key)
                bodies = []
                for _ in range(10):
                    got = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=1)
                    bodies += [m["Body"] for m in got.get("Messages", [])]
                    if len(bodies) == 2:
                        break
                self.assertEqual(sorted(bodies), sorted([secret, "second"]))
            finally:
                self.assertEqual(third.stop(), 0, third.log_text())
                third.close()

    def data_key_rows(self, data, queue=None):
        db = sqlite3.connect(os.path.join(data, "sluice.db"))
        try:
            rows = db.execute("SELECT ciphertext_blob FROM data_keys WHERE context_arn LIKE ?",
                              ("%:" + queue if queue else "%",)).fetchall()
        finally:
            db.close()
        for (blob,) in rows:
            self.assertGreater(len(blob), 32)  # KMS's blob, not a bare 32-byte key
        return len(rows)


if __name__ == "__main__":
    BIN = sluice_from_argv(__file__)
    run_unittests()
