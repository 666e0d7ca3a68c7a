"""pytest setup for the IAM suite: needs a live `sluice up` (see sluice_server.py)."""

import os

import boto3
import botocore
import pytest


def pytest_report_header(config):
    return "boto3 %s / botocore %s; endpoint %s" % (boto3.__version__, botocore.__version__,
                                                   os.environ.get("SLUICE_ENDPOINT", "(unset)"))


def pytest_configure(config):
    if not os.environ.get("SLUICE_ENDPOINT"):
        raise pytest.UsageError("SLUICE_ENDPOINT is not set: run through tests/integration/sluice_server.py")
