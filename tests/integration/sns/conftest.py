"""pytest setup: refuses to run without a live server (see sns_server.py)."""

import os

import boto3
import botocore
import pytest


def pytest_report_header(config):
    return "boto3 %s / botocore %s; endpoint %s; data dir %s" % (
        boto3.__version__, botocore.__version__, os.environ.get("SLUICE_ENDPOINT", "(unset)"),
        os.environ.get("SLUICE_DATA_DIR") or "(in memory)")


def pytest_configure(config):
    if not os.environ.get("SLUICE_ENDPOINT"):
        raise pytest.UsageError("SLUICE_ENDPOINT is not set: run through tests/integration/sns/sns_server.py")
