"""What the CloudWatch suites share: the endpoint, bounded clients, and waits on a condition."""

import os
import time

import boto3
from botocore.config import Config

ENDPOINT = os.environ.get("SLUICE_ENDPOINT", "")
SCALE = float(os.environ.get("SLUICE_TIME_SCALE", "1"))
BOUNDED = Config(connect_timeout=5, read_timeout=30, retries={"max_attempts": 1, "mode": "standard"})


def client(service, region="us-east-1"):
    return boto3.client(service, region_name=region, endpoint_url=ENDPOINT, config=BOUNDED)


def protocol():
    """The protocol boto3 speaks: newer botocore resolves it from the model's list of protocols."""
    model = client("cloudwatch").meta.service_model
    return getattr(model, "resolved_protocol", model.protocol)


def wait_for(condition, real_limit_s, what):
    """Calls condition() until it returns something truthy; fails after real_limit_s."""
    deadline = time.monotonic() + real_limit_s
    while True:
        got = condition()
        if got:
            return got
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting for " + what)
        time.sleep(0.1)
