"""Where the live server is, and small helpers shared by the boto3 tests.

The CTest wrapper (../sluice_server.py) starts `sluice up` and exports SLUICE_ENDPOINT with dummy
credentials; nothing here talks to anything but that loopback endpoint.
"""

import hashlib
import os
import struct
import time

import boto3
import botocore
from botocore.config import Config

ENDPOINT = os.environ.get("SLUICE_ENDPOINT", "")
ACCOUNT = "123456789012"

# Every call is bounded: no retries (a server error must surface, not be retried away) and a read
# timeout longer than the longest WaitTimeSeconds the seed's snippets use (20 s).
os.environ.setdefault("AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE")
os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")
os.environ["AWS_MAX_ATTEMPTS"] = "1"
os.environ["AWS_RETRY_MODE"] = "standard"
os.environ["AWS_EC2_METADATA_DISABLED"] = "true"

BOUNDED = Config(connect_timeout=5, read_timeout=30, retries={"max_attempts": 1, "mode": "standard"})


def client(region="us-east-1"):
    return boto3.client("sqs", region_name=region, endpoint_url=ENDPOINT, config=BOUNDED)


def protocol(sqs):
    """'query' for botocore before 1.34.90, 'json' after."""
    return sqs.meta.service_model.protocol


def md5_hex(data):
    if isinstance(data, str):
        data = data.encode("utf-8")
    return hashlib.md5(data).hexdigest()


def md5_of_attributes(attributes):
    """The documented MD5OfMessageAttributes layout: sorted names, length-prefixed fields."""
    buf = bytearray()
    for name in sorted(attributes):
        value = attributes[name]
        data_type = value["DataType"]
        buf += struct.pack(">I", len(name.encode())) + name.encode()
        buf += struct.pack(">I", len(data_type.encode())) + data_type.encode()
        if "BinaryValue" in value:
            raw = value["BinaryValue"]
            buf += b"\x02" + struct.pack(">I", len(raw)) + raw
        else:
            raw = value["StringValue"].encode("utf-8")
            buf += b"\x01" + struct.pack(">I", len(raw)) + raw
    return hashlib.md5(bytes(buf)).hexdigest()


def error_code(exc):
    return exc.response["Error"]["Code"]


def receive_all(sqs, queue_url, expected, deadline_s=5.0, **kwargs):
    """Receives until `expected` messages arrived or the deadline passed (short polls may sample)."""
    got = []
    deadline = time.monotonic() + deadline_s
    while len(got) < expected and time.monotonic() < deadline:
        r = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=1, **kwargs)
        got.extend(r.get("Messages", []))
    return got


def botocore_version():
    return tuple(int(p) for p in botocore.__version__.split(".")[:3])
