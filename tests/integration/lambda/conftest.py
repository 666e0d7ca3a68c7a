"""pytest setup for the Lambda API suite: one `sluice up` with a data directory for the whole run
(restartable on the same data), boto3 clients for it, and the handler plugins the functions run.

Needs SLUICE_BIN (the sluice binary), SLUICE_ECHO_PLUGIN and SLUICE_THROWS_PLUGIN (handler
libraries), set by the CTest entry."""

import io
import os
import sys
import zipfile

import boto3
import botocore
import pytest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import sluice_server  # noqa: E402

CREDENTIALS = dict(region_name="us-east-1", aws_access_key_id="AKIAIOSFODNN7EXAMPLE",
                   aws_secret_access_key="wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")
ROLE = "arn:aws:iam::123456789012:role/lambda-role"


def pytest_report_header(config):
    return "boto3 %s / botocore %s" % (boto3.__version__, botocore.__version__)


def pytest_configure(config):
    for name in ("SLUICE_BIN", "SLUICE_ECHO_PLUGIN", "SLUICE_THROWS_PLUGIN"):
        if not os.environ.get(name):
            raise pytest.UsageError("%s is not set: run through the lambda CTest entry" % name)


class Server:
    """A sluice up with a data directory that a test may restart on the same data."""

    def __init__(self):
        self.server = sluice_server.SluiceServer(os.environ["SLUICE_BIN"], use_data_dir=True)
        self.server.start()

    @property
    def endpoint(self):
        return self.server.endpoint

    def client(self, service="lambda"):
        return boto3.client(service, endpoint_url=self.endpoint, **CREDENTIALS)

    def restart(self):
        assert self.server.stop() == 0, self.server.log_text()
        for _ in range(5):
            if self.server._try_start():
                return
        raise RuntimeError("sluice up did not start again:\n" + self.server.log_text())

    def log(self):
        return self.server.log_text()

    def close(self):
        code = self.server.stop()
        self.server.close()
        return code


@pytest.fixture(scope="session")
def server():
    s = Server()
    yield s
    assert s.close() == 0


@pytest.fixture
def lam(server):
    return server.client("lambda")


def zip_bytes(files):
    """A zip holding {name: bytes}, with Unix permissions 0755."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            info = zipfile.ZipInfo(name)
            info.external_attr = 0o755 << 16
            archive.writestr(info, data)
    return buffer.getvalue()


def plugin_zip(env_name, inner_name):
    with open(os.environ[env_name], "rb") as f:
        return zip_bytes({inner_name: f.read()})


@pytest.fixture(scope="session")
def echo_zip():
    return plugin_zip("SLUICE_ECHO_PLUGIN", "echo.so")


@pytest.fixture(scope="session")
def throws_zip():
    return plugin_zip("SLUICE_THROWS_PLUGIN", "throws.so")
