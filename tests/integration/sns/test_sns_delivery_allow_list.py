"""Where SNS may deliver over HTTP: the configuration's sns.DeliveryAllowList and the guards that
stay on by default (sluice's own port). Subscribe accepts any well-formed URL, as AWS does; a
refused delivery never reaches the endpoint and the server log names the rule that refused it.

Runs servers of its own (SLUICE_BIN) so it can give them a configuration; skipped without it.
"""

import json
import os
import subprocess
import sys

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


def test_a_list_entry_that_is_not_an_address_stops_the_server_with_the_field_named(tmp_path):
    config = tmp_path / "sluice.json"
    config.write_text(json.dumps({"sns": {"DeliveryAllowList": ["127.0.0.0/8", "localhost"]}}))
    listen = "127.0.0.1:%d" % sluice_server.free_port()
    done = subprocess.run([BIN, "up", "--listen", listen, "--in-memory", str(config)],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 78, done.stderr
    assert "sns.DeliveryAllowList[1]: 'localhost' is not" in done.stderr
