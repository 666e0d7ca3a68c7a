"""Where the live server is, and helpers shared by the KMS boto3 tests.

sluice_server.py starts `sluice up` and exports SLUICE_ENDPOINT (and SLUICE_TIME_SCALE when the
server's clock runs faster); nothing here talks to anything but that loopback endpoint.
"""

import os
import time
import uuid

import boto3
from botocore.config import Config

ENDPOINT = os.environ.get("SLUICE_ENDPOINT", "")
TIME_SCALE = float(os.environ.get("SLUICE_TIME_SCALE", "1"))
ACCOUNT = "123456789012"
REGION = "us-east-1"

os.environ.setdefault("AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE")
os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")
os.environ["AWS_EC2_METADATA_DISABLED"] = "true"

# No retries: an error must surface, not be retried away.
BOUNDED = Config(connect_timeout=5, read_timeout=30, retries={"max_attempts": 1, "mode": "standard"})


def client(service, region=REGION):
    return boto3.client(service, region_name=region, endpoint_url=ENDPOINT, config=BOUNDED)


def unique(prefix):
    return "%s-%s" % (prefix, uuid.uuid4().hex[:10])


def error_of(exc):
    """(code, message, HTTP status) of a botocore ClientError."""
    r = exc.response
    return r["Error"]["Code"], r["Error"]["Message"], r["ResponseMetadata"]["HTTPStatusCode"]


def receive_all(sqs, queue_url, expected, deadline_s=10.0):
    """Receives until `expected` messages arrived or the deadline passed."""
    got = []
    deadline = time.monotonic() + deadline_s
    while len(got) < expected and time.monotonic() < deadline:
        r = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=1)
        got.extend(r.get("Messages", []))
    return got
