"""`sluice up --data` on a disk that fills up, through boto3 (the system's, Query protocol).

    test_full_disk.py --sluice BIN

While the disk is full, changes are answered with AWS's ServiceUnavailable (HTTP 503) and reads
keep working; the process stays up; once space returns it commits again by itself, without a
restart; and every send answered with success is still there after a restart.

The full disk is a small tmpfs mounted for the test (root, as CI runs) whose free space is taken by
a filler file; deleting the filler gives the space back. Where mounting is refused, the server's
file size limit (RLIMIT_FSIZE, lowered and raised with prlimit) stands in: every write that would
grow a file fails as on a full file system. Skips (77) only without boto3.
"""

import errno
import os
import resource
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from sluice_server import SluiceServer, sluice_from_argv, run_unittests  # noqa: E402

try:
    import boto3
    from botocore.config import Config
    from botocore.exceptions import ClientError
except ImportError:
    print("SKIP: boto3 is not installed for %s" % sys.executable)
    sys.exit(77)

SLUICE = None
TMPFS_BYTES = 8 * 1024 * 1024
BODY = "x" * (32 * 1024)


class TmpfsDisk:
    """A small tmpfs; fill() takes its free space with a filler file, release() gives it back."""

    def __init__(self, mount_point):
        self.mount_point = mount_point
        self.filler = os.path.join(mount_point, "filler")
        self.mounted = False

    def mount(self):
        r = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=%d" % TMPFS_BYTES, "tmpfs", self.mount_point],
                           capture_output=True, text=True)
        self.mounted = r.returncode == 0
        return self.mounted

    def data_dir(self):
        return os.path.join(self.mount_point, "data")

    def attach(self, pid):
        pass

    def fill(self):
        chunk = b"\0" * 65536
        with open(self.filler, "wb", buffering=0) as f:
            try:
                while True:
                    f.write(chunk)
            except OSError as e:
                if e.errno != errno.ENOSPC:
                    raise
        with open(self.filler, "ab", buffering=0) as f:  # the last partial chunk's worth
            try:
                while True:
                    f.write(b"\0" * 512)
            except OSError as e:
                if e.errno != errno.ENOSPC:
                    raise

    def release(self):
        os.unlink(self.filler)

    def close(self):
        if self.mounted:
            subprocess.run(["umount", self.mount_point], check=False)
            self.mounted = False


class FileSizeLimitDisk:
    """The server's RLIMIT_FSIZE lowered to the size of its largest file: no file can grow."""

    def __init__(self, root):
        self.root = root
        self.pid = None
        self.saved = None

    def data_dir(self):
        return os.path.join(self.root, "data")

    def attach(self, pid):
        self.pid = pid
        self.saved = None

    def fill(self):
        largest = max(os.path.getsize(os.path.join(self.data_dir(), n)) for n in os.listdir(self.data_dir()))
        self.saved = resource.prlimit(self.pid, resource.RLIMIT_FSIZE)
        resource.prlimit(self.pid, resource.RLIMIT_FSIZE, (largest, self.saved[1]))

    def release(self):
        resource.prlimit(self.pid, resource.RLIMIT_FSIZE, self.saved)

    def close(self):
        pass


def sqs_client(endpoint):
    return boto3.client("sqs", endpoint_url=endpoint, region_name="us-east-1",
                        aws_access_key_id="AKIAIOSFODNN7EXAMPLE",
                        aws_secret_access_key="wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
                        config=Config(retries={"mode": "standard", "max_attempts": 1}))


def error_of(call):
    """(code, HTTP status) of the ClientError `call` raises, or None when it succeeds."""
    try:
        call()
    except ClientError as e:
        return e.response["Error"]["Code"], e.response["ResponseMetadata"]["HTTPStatusCode"]
    return None


class FullDiskTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory(prefix="sluice-full-disk-")
        tmpfs = TmpfsDisk(self.tmp.name)
        if tmpfs.mount():
            self.disk = tmpfs
            print("full disk: a %d MiB tmpfs" % (TMPFS_BYTES >> 20), flush=True)
        else:
            self.disk = FileSizeLimitDisk(self.tmp.name)
            print("full disk: mounting a tmpfs was refused; the server's file size limit stands in", flush=True)
        self.servers = []

    def tearDown(self):
        for server in self.servers:
            server.stop()
            server.close()
        self.disk.close()
        self.tmp.cleanup()

    def start(self):
        server = SluiceServer(SLUICE, data_dir=self.disk.data_dir()).start()
        self.servers.append(server)
        self.disk.attach(server.process.pid)
        return server

    def test_full_disk_answers_503_keeps_reads_and_recovers_without_losing_acknowledged_sends(self):
        server = self.start()
        sqs = sqs_client(server.endpoint)
        url = sqs.create_queue(QueueName="filling")["QueueUrl"]
        acknowledged = set()
        for i in range(20):
            sqs.send_message(QueueUrl=url, MessageBody="before-%d" % i)
            acknowledged.add("before-%d" % i)

        self.disk.fill()
        refused = None
        for i in range(400):
            body = "during-%d-%s" % (i, BODY)
            refused = error_of(lambda: sqs.send_message(QueueUrl=url, MessageBody=body))
            if refused is not None:
                break
            acknowledged.add(body)
        self.assertEqual(refused, ("ServiceUnavailable", 503), "a send on a full disk")
        # While the disk stays full, changes that add data are refused at once, and reads answer.
        for i in range(5):
            self.assertEqual(error_of(lambda: sqs.send_message(QueueUrl=url, MessageBody="refused")),
                             ("ServiceUnavailable", 503))
        self.assertEqual(error_of(lambda: sqs.create_queue(QueueName="another")), ("ServiceUnavailable", 503))
        attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
        self.assertGreaterEqual(int(attributes["ApproximateNumberOfMessages"]), len(acknowledged))
        self.assertIn(url, sqs.list_queues().get("QueueUrls", []))
        time.sleep(0.5)  # a few housekeeping commits fail meanwhile
        self.assertTrue(server.alive(), "the server must survive a full disk:\n" + server.log_text())
        self.assertIn("the disk is full", server.log_text())

        # Space returns: the server commits again by itself.
        self.disk.release()
        deadline = time.monotonic() + 10
        while True:
            if error_of(lambda: sqs.send_message(QueueUrl=url, MessageBody="after-0")) is None:
                acknowledged.add("after-0")
                break
            self.assertLess(time.monotonic(), deadline, "no recovery within 10 s of space returning")
            time.sleep(0.1)
        for i in range(1, 10):
            sqs.send_message(QueueUrl=url, MessageBody="after-%d" % i)
            acknowledged.add("after-%d" % i)
        self.assertIn("commits again", server.log_text())
        self.assertEqual(server.stop(), 0, server.log_text())

        # Nothing acknowledged was lost.
        server = self.start()
        sqs = sqs_client(server.endpoint)
        found = set()
        for _ in range(200):
            got = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, VisibilityTimeout=300).get("Messages", [])
            if not got:
                break
            found.update(m["Body"] for m in got)
        missing = acknowledged - found
        self.assertFalse(missing, "%d acknowledged sends lost, e.g. %s" % (len(missing), sorted(missing)[:3]))


if __name__ == "__main__":
    SLUICE = sluice_from_argv("test_full_disk.py")
    run_unittests()
