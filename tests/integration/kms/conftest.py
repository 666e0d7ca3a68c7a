"""pytest setup: refuses to run without a live server (see sluice_server.py)."""

import os

import boto3
import botocore
import pytest


def pytest_report_header(config):
    return "boto3 %s / botocore %s; endpoint %s; time scale %s" % (
        boto3.__version__, botocore.__version__, os.environ.get("SLUICE_ENDPOINT", "(unset)"),
        os.environ.get("SLUICE_TIME_SCALE", "1"))


def pytest_configure(config):
    if not os.environ.get("SLUICE_ENDPOINT"):
        raise pytest.UsageError("SLUICE_ENDPOINT is not set: run through tests/integration/sluice_server.py")
