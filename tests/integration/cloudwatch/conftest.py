"""pytest setup for the CloudWatch suites: refuses to run without a live server and prints which
protocol boto3 speaks to CloudWatch (Query for boto3 1.26, JSON 1.0 from botocore 1.42.7 on)."""

import os

import boto3
import botocore
import pytest


def pytest_report_header(config):
    model = boto3.client("cloudwatch", region_name="us-east-1").meta.service_model
    proto = getattr(model, "resolved_protocol", model.protocol)
    return "boto3 %s / botocore %s: CloudWatch over %s; endpoint %s" % (
        boto3.__version__, botocore.__version__, proto, os.environ.get("SLUICE_ENDPOINT", "(unset)"))


def pytest_configure(config):
    if not os.environ.get("SLUICE_ENDPOINT"):
        raise pytest.UsageError("SLUICE_ENDPOINT is not set: run through tests/integration/sluice_server.py")
