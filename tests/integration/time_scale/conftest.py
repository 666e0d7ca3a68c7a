"""pytest setup for the --time-scale suite: refuses to run without a live server."""

import os

import pytest


def pytest_configure(config):
    if not os.environ.get("SLUICE_ENDPOINT"):
        raise pytest.UsageError("SLUICE_ENDPOINT is not set: run through tests/integration/sluice_server.py")
    if not os.environ.get("SLUICE_TIME_SCALE"):
        raise pytest.UsageError("SLUICE_TIME_SCALE is not set: run through sluice_server.py --time-scale N")
