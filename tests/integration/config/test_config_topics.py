"""Topics and subscriptions declared in the `sluice up` configuration (sns.Topics): created at start
with their attributes and tags, subscriptions with their filter policies (written as JSON objects)
and raw delivery, queue names completed to ARNs; a restart with a data directory keeps them without
duplicates; a subscription to a missing protocol is refused at start naming the topic. Starts its
own servers (sluice_server.SluiceServer) and uses the system's boto3 (skips, 77, without it).

    test_config_topics.py --sluice BIN
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))

from sluice_server import SluiceServer  # noqa: E402

try:
    import boto3
except ImportError:
    print("SKIP: no boto3")
    sys.exit(77)

CONFIG = {
    "queues": [{"QueueName": "orders"}, {"QueueName": "everything"}],
    "sns": {"Topics": [{
        "Name": "events", "Attributes": {"DisplayName": "Events"}, "Tags": {"team": "shop"},
        "Subscriptions": [
            {"Protocol": "sqs", "Endpoint": "orders",
             "Attributes": {"RawMessageDelivery": "true", "FilterPolicy": {"type": ["order"]}}},
            {"Protocol": "sqs", "Endpoint": "everything"}]}]},
}
failures = []


def check(name, condition):
    print(("ok   " if condition else "FAIL ") + name)
    if not condition:
        failures.append(name)


def client(endpoint, service):
    return boto3.client(service, endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id="test",
                        aws_secret_access_key="test")


def receive_all(sqs, url, expected, deadline_s=30):
    """Bodies received from `url` until `expected` arrived or the deadline passed."""
    bodies = []
    deadline = time.monotonic() + deadline_s
    while len(bodies) < expected and time.monotonic() < deadline:
        for message in sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=1).get("Messages", []):
            bodies.append(message["Body"])
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
    return bodies


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--sluice", required=True)
    opts = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        config = os.path.join(tmp, "config.json")
        with open(config, "w") as f:
            json.dump(CONFIG, f)
        data = os.path.join(tmp, "data")
        for run in ("first start", "restart"):
            server = SluiceServer(opts.sluice, data_dir=data, extra_args=[config]).start()
            try:
                sns, sqs = client(server.endpoint, "sns"), client(server.endpoint, "sqs")
                topics = sns.list_topics()["Topics"]
                check(run + ": the declared topic exists once", len(topics) == 1
                      and topics[0]["TopicArn"] == "arn:aws:sns:us-east-1:123456789012:events")
                arn = topics[0]["TopicArn"]
                attributes = sns.get_topic_attributes(TopicArn=arn)["Attributes"]
                check(run + ": with its attributes", attributes["DisplayName"] == "Events")
                tags = sns.list_tags_for_resource(ResourceArn=arn)["Tags"]
                check(run + ": and its tags", tags == [{"Key": "team", "Value": "shop"}])
                subscriptions = sns.list_subscriptions_by_topic(TopicArn=arn)["Subscriptions"]
                check(run + ": two subscriptions, no duplicates", sorted(s["Endpoint"] for s in subscriptions) == [
                    "arn:aws:sqs:us-east-1:123456789012:everything", "arn:aws:sqs:us-east-1:123456789012:orders"])
                orders = [s for s in subscriptions if s["Endpoint"].endswith(":orders")][0]
                sub_attributes = sns.get_subscription_attributes(SubscriptionArn=orders["SubscriptionArn"])["Attributes"]
                check(run + ": the filter policy as declared", json.loads(sub_attributes["FilterPolicy"]) == {"type": ["order"]})
                sns.publish(TopicArn=arn, Message="an order " + run, MessageAttributes={
                    "type": {"DataType": "String", "StringValue": "order"}})
                sns.publish(TopicArn=arn, Message="a refund " + run, MessageAttributes={
                    "type": {"DataType": "String", "StringValue": "refund"}})
                orders_url = sqs.get_queue_url(QueueName="orders")["QueueUrl"]
                everything_url = sqs.get_queue_url(QueueName="everything")["QueueUrl"]
                everything = receive_all(sqs, everything_url, 2)
                check(run + ": the unfiltered queue gets both", len(everything) == 2)
                got = receive_all(sqs, orders_url, 1) + receive_all(sqs, orders_url, 1, deadline_s=2)
                check(run + ": the filtered queue gets only the order, raw", got == ["an order " + run])
            finally:
                check(run + ": the server stops cleanly", server.stop() == 0)
                server.close()
        bad = os.path.join(tmp, "bad.json")
        with open(bad, "w") as f:
            json.dump({"sns": {"Topics": [{"Name": "t", "Subscriptions": [{"Protocol": "carrier-pigeon",
                                                                          "Endpoint": "x"}]}]}}, f)
        done = subprocess.run([opts.sluice, "up", "--in-memory", "--listen", "127.0.0.1:0", bad],
                              capture_output=True, text=True, timeout=60)
        check("a bad subscription stops start-up naming the topic",
              done.returncode == 78 and "sns.Topics[0] (t).Subscriptions[0]" in done.stderr)
    if failures:
        print("%d failed" % len(failures))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
