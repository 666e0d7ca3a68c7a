"""Data directories written by earlier releases open, through boto3 (the system's).

    test_upgrade_fixture.py --sluice BIN

tests/fixtures/data_dir_v1 was written by the release of 2026-12-06 (make_data_dir_fixture.py): an
SQS store, an SNS store and a delivery journal from before schema versions were kept and before
the store marker existed. A copy of it must open with this build and hold every queue, message,
attribute, tag, topic and subscription the generator made; and a file whose schema is newer than
this build reads must be refused with a sentence naming it. Skips (77) only without boto3.
"""

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from sluice_server import SluiceServer, free_port, sluice_from_argv, run_unittests  # noqa: E402

try:
    import boto3
except ImportError:
    print("SKIP: boto3 is not installed for %s" % sys.executable)
    sys.exit(77)

SLUICE = None
FIXTURES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "fixtures")
EXIT_DATA_DIR_UNUSABLE = 74


def clients(endpoint):
    kw = dict(endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id="AKIAIOSFODNN7EXAMPLE",
              aws_secret_access_key="wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")
    return boto3.client("sqs", **kw), boto3.client("sns", **kw)


def bodies(sqs, url, **kw):
    got = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, VisibilityTimeout=60,
                              MessageAttributeNames=["All"], **kw).get("Messages", [])
    return {m["Body"]: m for m in got}


class UpgradeFixtureTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory(prefix="sluice-upgrade-")
        self.servers = []

    def tearDown(self):
        for server in self.servers:
            server.stop()
            server.close()
        self.tmp.cleanup()

    def copy_fixture(self, name):
        data = os.path.join(self.tmp.name, name)
        shutil.copytree(os.path.join(FIXTURES, name), data)
        return data

    def test_the_data_directory_of_2026_12_06_opens_with_everything_in_it(self):
        data = self.copy_fixture("data_dir_v1")
        server = SluiceServer(SLUICE, data_dir=data).start()
        self.servers.append(server)
        sqs, sns = clients(server.endpoint)
        names = sorted(url.rsplit("/", 1)[1] for url in sqs.list_queues()["QueueUrls"])
        self.assertEqual(names, ["fixture-dlq", "fixture-fanout", "fixture-standard", "fixture.fifo"])

        standard = sqs.get_queue_url(QueueName="fixture-standard")["QueueUrl"]
        attributes = sqs.get_queue_attributes(QueueUrl=standard, AttributeNames=["All"])["Attributes"]
        self.assertEqual(attributes["VisibilityTimeout"], "45")
        self.assertEqual(json.loads(attributes["RedrivePolicy"])["maxReceiveCount"], 3)
        self.assertEqual(sqs.list_queue_tags(QueueUrl=standard)["Tags"], {"team": "payments"})
        got = bodies(sqs, standard)
        self.assertEqual(sorted(got), ["standard-1", "standard-2"])
        self.assertEqual(got["standard-2"]["MessageAttributes"]["colour"]["StringValue"], "blue")

        fifo = sqs.get_queue_url(QueueName="fixture.fifo")["QueueUrl"]
        got = sqs.receive_message(QueueUrl=fifo, MaxNumberOfMessages=10, AttributeNames=["All"])["Messages"]
        self.assertEqual([m["Body"] for m in got], ["fifo-1", "fifo-2"])  # order kept
        # Content-based deduplication still knows the sent body within its window... or has let it
        # go; either way a new body is accepted and numbered after the stored ones.
        sent = sqs.send_message(QueueUrl=fifo, MessageBody="fifo-3", MessageGroupId="g1")
        self.assertGreater(int(sent["SequenceNumber"]), max(int(m["Attributes"]["SequenceNumber"]) for m in got))

        fanout = sqs.get_queue_url(QueueName="fixture-fanout")["QueueUrl"]
        self.assertEqual(sorted(bodies(sqs, fanout)), ["published-order"])

        topics = [t["TopicArn"] for t in sns.list_topics()["Topics"]]
        self.assertEqual([t.rsplit(":", 1)[1] for t in topics], ["fixture-topic"])
        subscriptions = sns.list_subscriptions_by_topic(TopicArn=topics[0])["Subscriptions"]
        self.assertEqual(len(subscriptions), 1)
        sub_attributes = sns.get_subscription_attributes(
            SubscriptionArn=subscriptions[0]["SubscriptionArn"])["Attributes"]
        self.assertEqual(sub_attributes["RawMessageDelivery"], "true")
        self.assertEqual(json.loads(sub_attributes["FilterPolicy"]), {"kind": ["order"]})
        # The upgraded directory still works: a new publish fans out.
        sns.publish(TopicArn=topics[0], Message="after-upgrade",
                    MessageAttributes={"kind": {"DataType": "String", "StringValue": "order"}})
        for _ in range(100):
            got = bodies(sqs, fanout, WaitTimeSeconds=1)
            if got:
                break
        self.assertEqual(sorted(got), ["after-upgrade"])
        self.assertEqual(server.stop(), 0, server.log_text())

        # Once upgraded, every file carries this build's schema version.
        for name in ("sluice.db", "sns.db", "sns_deliveries.db"):
            with sqlite3.connect(os.path.join(data, name)) as db:
                self.assertGreaterEqual(db.execute("PRAGMA user_version").fetchone()[0], 1, name)

    def test_a_file_from_a_newer_release_is_refused(self):
        for name in ("sluice.db", "sns.db", "sns_deliveries.db"):
            with self.subTest(file=name):
                data = self.copy_fixture("data_dir_v1")
                db = sqlite3.connect(os.path.join(data, name))
                db.execute("PRAGMA user_version = 999")
                db.commit()
                db.close()
                r = subprocess.run([SLUICE, "up", "--listen", "127.0.0.1:%d" % free_port(), "--data", data],
                                   capture_output=True, text=True, timeout=15)
                self.assertNotEqual(r.returncode, 0, r.stderr)
                self.assertIn(name + " was written by a newer version of sluice (schema version 999", r.stderr)
                shutil.rmtree(data)


if __name__ == "__main__":
    SLUICE = sluice_from_argv("test_upgrade_fixture.py")
    run_unittests()
