"""Where the live server is, and an IAM client for it (boto3; IAM speaks Query in every SDK)."""

import os
import uuid

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

ENDPOINT = os.environ.get("SLUICE_ENDPOINT", "")
ACCOUNT = "123456789012"  # the server's default account under --auth off

os.environ.setdefault("AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE")
os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")
os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
os.environ["AWS_EC2_METADATA_DISABLED"] = "true"

# No retries: a server error must surface, not be retried away.
BOUNDED = Config(connect_timeout=5, read_timeout=30, retries={"max_attempts": 1, "mode": "standard"})


def iam_client():
    return boto3.client("iam", endpoint_url=ENDPOINT, region_name="us-east-1", config=BOUNDED)


def unique(prefix):
    """A name no other test uses: the suite shares one server."""
    return "%s-%s" % (prefix, uuid.uuid4().hex[:10])


def expect_error(code, status, call, *args, **kwargs):
    """Calls and returns the error's Message, asserting IAM's code and HTTP status."""
    with pytest.raises(ClientError) as raised:
        call(*args, **kwargs)
    error = raised.value.response
    assert error["Error"]["Code"] == code, error
    assert error["ResponseMetadata"]["HTTPStatusCode"] == status, error
    return error["Error"]["Message"]


def allow(action, resource="*"):
    return {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": action, "Resource": resource}]}


LAMBDA_TRUST = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}],
}
