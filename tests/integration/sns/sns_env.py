"""Where the live server is, and helpers shared by the SNS boto3 tests.

sns_server.py starts `sluice up` and exports SLUICE_ENDPOINT (plus the server's log file, its data
directory and the functions its configuration declares); nothing here talks to anything but that
loopback endpoint.
"""

import json
import os
import time
import uuid

import boto3
from botocore.config import Config

ENDPOINT = os.environ.get("SLUICE_ENDPOINT", "")
SERVER_LOG = os.environ.get("SLUICE_SERVER_LOG", "")
DATA_DIR = os.environ.get("SLUICE_DATA_DIR", "")
FUNCTIONS = [f for f in os.environ.get("SLUICE_FUNCTIONS", "").split(",") if f]
ACCOUNT = "123456789012"
REGION = "us-east-1"  # the server's own region: function ARNs carry it

os.environ.setdefault("AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE")
os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")
os.environ["AWS_MAX_ATTEMPTS"] = "1"
os.environ["AWS_RETRY_MODE"] = "standard"
os.environ["AWS_EC2_METADATA_DISABLED"] = "true"

# No retries: a server error must surface, not be retried away.
BOUNDED = Config(connect_timeout=5, read_timeout=30, retries={"max_attempts": 1, "mode": "standard"})

def sns_client(region=REGION):
    return boto3.client("sns", region_name=region, endpoint_url=ENDPOINT, config=BOUNDED)


def sqs_client(region=REGION):
    return boto3.client("sqs", region_name=region, endpoint_url=ENDPOINT, config=BOUNDED)


def unique(prefix):
    return "%s-%s" % (prefix, uuid.uuid4().hex[:10])


def error_of(exc):
    """(code, message, HTTP status) of a botocore ClientError."""
    r = exc.response
    return r["Error"]["Code"], r["Error"]["Message"], r["ResponseMetadata"]["HTTPStatusCode"]


def make_queue(sqs, name, attributes=None):
    url = sqs.create_queue(QueueName=name, Attributes=attributes or {})["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    return url, arn


def receive_all(sqs, queue_url, expected, deadline_s=5.0, **kwargs):
    """Receives until `expected` messages arrived or the deadline passed."""
    got = []
    deadline = time.monotonic() + deadline_s
    while len(got) < expected and time.monotonic() < deadline:
        r = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=1, **kwargs)
        got.extend(r.get("Messages", []))
    return got


def assert_queue_empty(sqs, queue_url, wait_s=1):
    r = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=wait_s)
    assert r.get("Messages", []) == [], "unexpected messages: %r" % [m["Body"] for m in r["Messages"]]



def ordered_json(text):
    """Parses a JSON object keeping the key order (json.loads keeps it in a dict; made explicit)."""
    return json.loads(text, object_pairs_hook=lambda pairs: dict(pairs))


def server_log():
    with open(SERVER_LOG, "rb") as f:
        return f.read().decode("utf-8", "replace")


def wait_for(predicate, deadline_s=10.0, step_s=0.05):
    deadline = time.monotonic() + deadline_s
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(step_s)
    return predicate()


def outbox_lines():
    path = os.path.join(DATA_DIR, "outbox.jsonl")
    if not os.path.exists(path):
        return []
    with open(path, "rb") as f:
        return [json.loads(line) for line in f.read().decode("utf-8").splitlines() if line.strip()]
