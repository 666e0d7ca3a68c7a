"""Where SNS may deliver over HTTP: the configuration's sns.DeliveryAllowList and the guards that
stay on by default (sluice's own ports: the AWS port and each function's Runtime API port). Subscribe accepts any well-formed URL, as AWS does; a
refused delivery never reaches the endpoint and the server log names the rule that refused it.

Runs servers of its own (SLUICE_BIN) so it can give them a configuration; skipped without it.
"""

import io
import json
import os
import shutil
import subprocess
import sys
import zipfile

import boto3
import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from sns_env import BOUNDED, unique, wait_for  # noqa: E402
from sns_server import SnsSluiceServer, sluice_server  # noqa: E402
from test_sns_behaviour import Subscriber  # noqa: E402

BIN = os.environ.get("SLUICE_BIN", "")
pytestmark = pytest.mark.skipif(not BIN, reason="SLUICE_BIN is not set")


class ConfiguredServer(SnsSluiceServer):
    """A server whose configuration carries an "sns" section."""

    def __init__(self, sns_section):
        super().__init__(BIN, use_data_dir=False, functions=[])
        self.sns_section = sns_section

    def _write_config(self):
        self.config_path = os.path.join(self._tmp.name, "sluice.json")
        with open(self.config_path, "w") as f:
            json.dump({"sns": self.sns_section}, f)


def run_server(sns_section):
    server = ConfiguredServer(sns_section)
    server.start()
    return server


def sns_of(server):
    return boto3.client("sns", region_name="us-east-1", endpoint_url=server.endpoint, config=BOUNDED)


def test_an_endpoint_outside_the_configured_list_is_subscribed_but_never_called():
    server = run_server({"DeliveryAllowList": ["10.0.0.0/8"]})
    subscriber = Subscriber()
    try:
        sns = sns_of(server)
        topic = sns.create_topic(Name=unique("guarded"))["TopicArn"]
        endpoint = subscriber.url("/hook")
        # AWS accepts any well-formed URL at Subscribe; the refusal comes with the delivery.
        assert sns.subscribe(TopicArn=topic, Protocol="http", Endpoint=endpoint)["SubscriptionArn"] == \
            "pending confirmation"
        line = wait_for(lambda: next((l for l in server.log_text().splitlines() if endpoint in l), None), 30)
        assert line, server.log_text()
        assert "not in the delivery allow-list [10.0.0.0/8]" in line
        assert "127.0.0.1:%d" % int(endpoint.split(":")[2].split("/")[0]) in line
        assert subscriber.requests == []
    finally:
        subscriber.close()
        server.stop()
        server.close()


def test_a_delivery_to_sluice_itself_is_refused_by_default():
    server = run_server({})
    try:
        sns = sns_of(server)
        topic = sns.create_topic(Name=unique("loop"))["TopicArn"]
        endpoint = server.endpoint + "/?Action=Publish&TopicArn=" + topic + "&Message=again"
        sns.subscribe(TopicArn=topic, Protocol="http", Endpoint=endpoint)
        line = wait_for(lambda: next((l for l in server.log_text().splitlines() if "own port" in l), None), 30)
        assert line, server.log_text()
        assert "guard on sluice's own port %d" % server.port in line
    finally:
        server.stop()
        server.close()


def runtime_api_port(server):
    """Creates a Python function that answers with its own Runtime API address, invokes it (its
    environment stays warm) and returns that address's port."""
    lam = boto3.client("lambda", region_name="us-east-1", endpoint_url=server.endpoint, config=BOUNDED)
    code = io.BytesIO()
    with zipfile.ZipFile(code, "w") as archive:
        archive.writestr("app.py", "import os\n\ndef handler(event, context):\n"
                                   "    return os.environ['AWS_LAMBDA_RUNTIME_API']\n")
    name = unique("runtime-api-address")
    lam.create_function(FunctionName=name, Runtime="python3.12", Role="arn:aws:iam::123456789012:role/r",
                        Handler="app.handler", Timeout=30, Code={"ZipFile": code.getvalue()})
    lam.get_waiter("function_active").wait(FunctionName=name, WaiterConfig={"Delay": 1, "MaxAttempts": 60})
    address = json.loads(lam.invoke(FunctionName=name, Payload=b"{}")["Payload"].read())
    assert isinstance(address, str) and address.startswith("127.0.0.1:"), address
    return int(address.split(":")[1])


def test_a_function_runtime_api_port_is_refused_by_default():
    # The Runtime API listener is one of sluice's own ports (its port is dynamic, so naming it in
    # the list is covered by the unit tests of the allow-list).
    if shutil.which("python3") is None:
        pytest.skip("no python3 on PATH for the Python runtime")
    server = run_server({})
    try:
        port = runtime_api_port(server)
        sns = sns_of(server)
        topic = sns.create_topic(Name=unique("runtime-api"))["TopicArn"]
        endpoint = "http://127.0.0.1:%d/2018-06-01/runtime/invocation/next" % port
        sns.subscribe(TopicArn=topic, Protocol="http", Endpoint=endpoint)
        line = wait_for(
            lambda: next((l for l in server.log_text().splitlines() if "own port %d" % port in l), None), 30)
        assert line, server.log_text()
        assert "guard on sluice's own port %d" % port in line
    finally:
        server.stop()
        server.close()


def test_a_list_entry_that_is_not_an_address_stops_the_server_with_the_field_named(tmp_path):
    config = tmp_path / "sluice.json"
    config.write_text(json.dumps({"sns": {"DeliveryAllowList": ["127.0.0.0/8", "localhost"]}}))
    listen = "127.0.0.1:%d" % sluice_server.free_port()
    done = subprocess.run([BIN, "up", "--listen", listen, "--in-memory", str(config)],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 78, done.stderr
    assert "sns.DeliveryAllowList[1]: 'localhost' is not" in done.stderr
