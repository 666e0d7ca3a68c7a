"""SNS state and pending deliveries survive a restart with the same data directory: topics with
their attributes and tags, subscriptions with theirs (confirmed and pending), FIFO sequence
numbers, and an HTTP delivery that was still being retried when the server stopped.

Runs servers of its own (SLUICE_BIN) so it can stop and restart them; skipped without it.
"""

import json
import os
import signal
import subprocess
import sys
import urllib.request

import boto3
import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from sns_env import BOUNDED, make_queue, receive_all, wait_for  # noqa: E402
from sns_server import SnsSluiceServer  # noqa: E402
from test_sns_behaviour import Subscriber  # noqa: E402

BIN = os.environ.get("SLUICE_BIN", "")
pytestmark = pytest.mark.skipif(not BIN, reason="SLUICE_BIN is not set")


class RestartableServer(SnsSluiceServer):
    """Keeps its data directory across stop() and start()."""

    def restart(self):
        assert self.stop() == 0, self.log_text()
        self._log.close()
        # start() would make a new temporary directory; reuse this one and its data.
        for _ in range(5):
            if self._try_start():
                return
        raise RuntimeError("restart failed:\n" + self.log_text())


@pytest.fixture
def server():
    s = RestartableServer(BIN, use_data_dir=True, functions=[])
    s.start()
    yield s
    s.stop()
    s.close()


def clients(server):
    def make(service):
        return boto3.client(service, region_name="us-east-1", endpoint_url=server.endpoint, config=BOUNDED)
    return make("sns"), make("sqs")


def test_state_and_pending_http_delivery_survive_restart(server):
    subscriber = Subscriber()
    try:
        sns, sqs = clients(server)
        topic = sns.create_topic(Name="durable", Attributes={"DisplayName": "Durable"},
                                 Tags=[{"Key": "team", "Value": "orders"}])["TopicArn"]
        fifo = sns.create_topic(Name="durable.fifo", Attributes={"FifoTopic": "true",
                                                                 "ContentBasedDeduplication": "true"})["TopicArn"]
        url, arn = make_queue(sqs, "durable-q")
        policy = {"kind": ["big"]}
        sqs_sub = sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn,
                                Attributes={"RawMessageDelivery": "true",
                                            "FilterPolicy": json.dumps(policy)})["SubscriptionArn"]
        sns.subscribe(TopicArn=topic, Protocol="email", Endpoint="later@example.com")
        sns.subscribe(TopicArn=topic, Protocol="http", Endpoint=subscriber.url("/hook"))
        confirmation = json.loads(subscriber.wait("/hook", 1, "SubscriptionConfirmation")[0][3])
        with urllib.request.urlopen(confirmation["SubscribeURL"], timeout=5) as r:
            assert r.status == 200
        first_seq = int(sns.publish(TopicArn=fifo, Message="a", MessageGroupId="g")["SequenceNumber"])

        # The endpoint fails; AWS's default policy waits 20 s before the retry, so the delivery is
        # still journalled when the server stops.
        subscriber.scripts["/hook"] = [500]
        published = sns.publish(TopicArn=topic, Message="keep me")
        assert len(subscriber.wait("/hook", 1, "Notification")) == 1

        server.restart()
        sns, sqs = clients(server)

        # The journalled delivery is resumed at once, not after the 20 s delay.
        notes = subscriber.wait("/hook", 2, "Notification", deadline_s=8.0)
        assert len(notes) == 2
        assert json.loads(notes[1][3])["MessageId"] == published["MessageId"]

        attrs = sns.get_topic_attributes(TopicArn=topic)["Attributes"]
        assert attrs["DisplayName"] == "Durable"
        assert attrs["SubscriptionsConfirmed"] == "2" and attrs["SubscriptionsPending"] == "1"
        assert sns.list_tags_for_resource(ResourceArn=topic)["Tags"] == [{"Key": "team", "Value": "orders"}]
        subs = {s["Protocol"]: s for s in sns.list_subscriptions_by_topic(TopicArn=topic)["Subscriptions"]}
        assert subs["email"]["SubscriptionArn"] == "PendingConfirmation"
        assert subs["sqs"]["SubscriptionArn"] == sqs_sub
        sub_attrs = sns.get_subscription_attributes(SubscriptionArn=sqs_sub)["Attributes"]
        assert sub_attrs["RawMessageDelivery"] == "true"
        assert json.loads(sub_attrs["FilterPolicy"]) == policy

        # The compiled filter and raw delivery still apply.
        sns.publish(TopicArn=topic, Message="small one",
                    MessageAttributes={"kind": {"DataType": "String", "StringValue": "small"}})
        sns.publish(TopicArn=topic, Message="big one",
                    MessageAttributes={"kind": {"DataType": "String", "StringValue": "big"}})
        got = receive_all(sqs, url, 2, deadline_s=3.0)
        assert [m["Body"] for m in got] == ["big one"]

        # FIFO sequence numbers keep growing.
        assert int(sns.publish(TopicArn=fifo, Message="b", MessageGroupId="g")["SequenceNumber"]) > first_seq
        assert wait_for(lambda: len(subscriber.received("/hook", "Notification")) == 4)  # small + big over http
    finally:
        subscriber.close()
