"""`sluice up --data` after files of its data directory were lost, through boto3 (the system's).

    test_lost_files.py --sluice BIN

After a kill -9 the changes not yet checkpointed live only in sluice.db-wal. With that file deleted
or cut short, or with sluice.db emptied, `sluice up` must refuse to start (exit 74) with a sentence naming the
file and --recover, instead of serving an empty store; `sluice up --recover` starts, says on stderr
what was lost, and serves what is left. Skips (77) only without boto3.
"""

import os
import signal
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
EXIT_DATA_DIR_UNUSABLE = 74


def sqs_client(endpoint):
    return boto3.client("sqs", endpoint_url=endpoint, region_name="us-east-1",
                        aws_access_key_id="AKIAIOSFODNN7EXAMPLE",
                        aws_secret_access_key="wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")


def refused_start(data_dir):
    """Runs `sluice up` on data_dir; returns (exit status, stderr) of a start that must fail."""
    r = subprocess.run([SLUICE, "up", "--listen", "127.0.0.1:%d" % free_port(), "--data", data_dir],
                       capture_output=True, text=True, timeout=15)
    return r.returncode, r.stderr


class LostFilesTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory(prefix="sluice-lost-files-")
        self.data = os.path.join(self.tmp.name, "data")
        self.servers = []

    def tearDown(self):
        for server in self.servers:
            server.stop()
            server.close()
        self.tmp.cleanup()

    def start(self, *extra):
        server = SluiceServer(SLUICE, data_dir=self.data, extra_args=list(extra)).start()
        self.servers.append(server)
        return server

    def fill_then_kill(self):
        server = self.start()
        sqs = sqs_client(server.endpoint)
        url = sqs.create_queue(QueueName="kept")["QueueUrl"]
        for i in range(20):
            sqs.send_message(QueueUrl=url, MessageBody="m-%d" % i)
        server.process.send_signal(signal.SIGKILL)
        server.process.wait(timeout=10)
        return url

    def test_a_wal_deleted_after_a_crash_is_refused_and_recover_says_what_was_lost(self):
        self.fill_then_kill()
        wal = os.path.join(self.data, "sluice.db-wal")
        self.assertTrue(os.path.exists(wal), "a killed server leaves its WAL")
        os.unlink(wal)

        code, stderr = refused_start(self.data)
        self.assertEqual(code, EXIT_DATA_DIR_UNUSABLE, stderr)
        self.assertIn("sluice.db-wal is missing", stderr)
        self.assertIn("--recover", stderr)

        server = self.start("--recover")
        self.assertIn("are lost", server.log_text())
        sqs = sqs_client(server.endpoint)
        sqs.list_queues()  # serves what the database file held
        self.assertEqual(server.stop(), 0)

    def test_a_wal_cut_short_after_a_crash_is_refused_and_recover_serves_the_rest(self):
        url = self.fill_then_kill()
        wal = os.path.join(self.data, "sluice.db-wal")
        size = os.path.getsize(wal)
        with open(wal, "r+b") as f:
            f.truncate(size // 2)

        code, stderr = refused_start(self.data)
        self.assertEqual(code, EXIT_DATA_DIR_UNUSABLE, stderr)
        self.assertIn("sluice.db-wal has been cut short", stderr)
        self.assertIn("--recover", stderr)
        self.assertEqual(os.path.getsize(wal), size // 2, "a refused start leaves the files as they were")

        server = self.start("--recover")
        self.assertIn("are lost", server.log_text())
        sqs = sqs_client(server.endpoint)
        if url in sqs.list_queues().get("QueueUrls", []):  # the queue itself may be in the lost end
            count = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages"])
            self.assertLess(int(count["Attributes"]["ApproximateNumberOfMessages"]), 20)
        self.assertEqual(server.stop(), 0)

    def test_an_emptied_database_file_is_refused_and_recover_starts_empty(self):
        url = self.fill_then_kill()
        server = self.start()  # a clean run after the crash: everything is in sluice.db now
        sqs = sqs_client(server.endpoint)
        self.assertEqual(len(sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10,
                                                 VisibilityTimeout=0).get("Messages", [])), 10)
        self.assertEqual(server.stop(), 0)
        with open(os.path.join(self.data, "sluice.db"), "wb"):
            pass

        code, stderr = refused_start(self.data)
        self.assertEqual(code, EXIT_DATA_DIR_UNUSABLE, stderr)
        self.assertIn("sluice.db is empty", stderr)
        self.assertIn("its queues and messages are gone", stderr)

        server = self.start("--recover")
        self.assertIn("the store starts empty", server.log_text())
        self.assertNotIn("QueueUrls", sqs_client(server.endpoint).list_queues())


if __name__ == "__main__":
    SLUICE = sluice_from_argv("test_lost_files.py")
    run_unittests()
