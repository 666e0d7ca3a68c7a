"""pytest setup: refuses to run without a live server and prints which protocol boto3 speaks."""

import os

import boto3
import botocore
import pytest


def pytest_report_header(config):
    proto = boto3.client("sqs", region_name="us-east-1").meta.service_model.protocol
    return "boto3 %s / botocore %s: SQS over %s; endpoint %s" % (
        boto3.__version__, botocore.__version__, proto, os.environ.get("SLUICE_ENDPOINT", "(unset)"))


def pytest_configure(config):
    if not os.environ.get("SLUICE_ENDPOINT"):
        raise pytest.UsageError("SLUICE_ENDPOINT is not set: run through tests/integration/sluice_server.py")
