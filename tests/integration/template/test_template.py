"""`sluice up --template`: a SAM template's queue with a dead-letter queue (RedrivePolicy through
Fn::GetAtt), a topic with a filtered subscription, and a Python function behind an SQS event,
processed end to end through boto3: a high-priority order published to the topic reaches the queue,
the function forwards it (with Globals' and Parameters' values in its environment), a low-priority
one is filtered out, and one the function fails on lands in the dead-letter queue. A second
template of resources sluice does not create is refused resource by resource, each named with why.

    test_template.py --sluice BIN

Skips (77) when /usr/bin/python3 has no boto3.
"""

import json
import os
import sys
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, ".."))
import sluice_server  # noqa: E402

try:
    import boto3
except ImportError:
    print("SKIP: boto3 is not installed")
    sys.exit(77)

SLUICE = None
SETTLE_S = 90
ACCOUNT = "123456789012"


def client(server, service):
    return boto3.client(service, endpoint_url=server.endpoint, region_name="us-east-1",
                        aws_access_key_id="test", aws_secret_access_key="test")


def receive_all(sqs, url, want, timeout_s=SETTLE_S):
    got = []
    deadline = time.monotonic() + timeout_s
    while len(got) < want and time.monotonic() < deadline:
        answer = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=1,
                                     MessageAttributeNames=["All"])
        for message in answer.get("Messages", []):
            got.append(message)
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
    return got


class Template(unittest.TestCase):
    def start(self, template):
        server = sluice_server.SluiceServer(SLUICE, extra_args=["--template", os.path.join(HERE, template)])
        server.start()
        self.addCleanup(server.close)
        self.addCleanup(lambda: self.assertEqual(server.stop(), 0))
        return server

    def test_queue_topic_and_function_end_to_end(self):
        server = self.start("template.yaml")
        sqs, sns = client(server, "sqs"), client(server, "sns")
        urls = {u.rsplit("/", 1)[1]: u for u in sqs.list_queues()["QueueUrls"]}
        self.assertEqual(sorted(urls), ["ForwardedQueue", "orders-dlq-local", "orders-local"])
        attributes = sqs.get_queue_attributes(QueueUrl=urls["orders-local"], AttributeNames=["All"])["Attributes"]
        self.assertEqual(json.loads(attributes["RedrivePolicy"]),
                         {"deadLetterTargetArn": "arn:aws:sqs:us-east-1:%s:orders-dlq-local" % ACCOUNT,
                          "maxReceiveCount": 2})
        self.assertEqual(attributes["VisibilityTimeout"], "5")
        self.assertEqual(sqs.list_queue_tags(QueueUrl=urls["orders-local"])["Tags"], {"team": "orders"})
        function = client(server, "lambda").get_function(FunctionName="sluice-forwarder")["Configuration"]
        self.assertEqual((function["Runtime"], function["Handler"], function["Timeout"], function["MemorySize"]),
                         ("python3.11", "forwarder.handler", 5, 256))

        topic = "arn:aws:sns:us-east-1:%s:orders-topic" % ACCOUNT
        subscriptions = sns.list_subscriptions_by_topic(TopicArn=topic)["Subscriptions"]
        self.assertEqual([s["Endpoint"] for s in subscriptions], ["arn:aws:sqs:us-east-1:%s:orders-local" % ACCOUNT])
        for body, priority in (("order-1 high", "high"), ("order-2 low", "low"), ("order-3 fail", "high")):
            sns.publish(TopicArn=topic, Message=body,
                        MessageAttributes={"priority": {"DataType": "String", "StringValue": priority}})

        forwarded = receive_all(sqs, urls["ForwardedQueue"], 1)
        self.assertEqual([m["Body"] for m in forwarded], ["order-1 high"])
        self.assertEqual(forwarded[0]["MessageAttributes"]["stage"]["StringValue"], "local")
        self.assertEqual(forwarded[0]["MessageAttributes"]["source"]["StringValue"],
                         "arn:aws:sqs:us-east-1:%s:orders-local" % ACCOUNT)
        dead = receive_all(sqs, urls["orders-dlq-local"], 1)
        self.assertEqual([m["Body"] for m in dead], ["order-3 fail"])
        # The low-priority order never reached the queue: nothing else was forwarded.
        self.assertEqual(receive_all(sqs, urls["ForwardedQueue"], 1, timeout_s=2), [])

    def test_unsupported_resources_are_named_with_why(self):
        server = self.start("unsupported.json")
        log = server.log_text()
        prefix = "sluice up: template %s: " % os.path.join(HERE, "unsupported.json")
        skipped = sorted(line[len(prefix) + len("skipped "):] for line in log.splitlines()
                         if line.startswith(prefix + "skipped "))
        self.assertEqual([s.split("): ", 1)[0] + ")" for s in skipped], [
            "Api (AWS::Serverless::Api)", "FromS3 (AWS::Lambda::Function)", "Imported (AWS::SQS::Queue)",
            "JavaWorker (AWS::Serverless::Function)", "Orphan (AWS::SNS::Subscription)",
            "ProdOnly (AWS::SQS::Queue)", "StreamMapping (AWS::Lambda::EventSourceMapping)",
            "Table (AWS::DynamoDB::Table)"], log)
        why = {s.split(" ", 1)[0]: s.split("): ", 1)[1] for s in skipped}
        self.assertEqual(why["Table"], "a resource type sluice does not create")
        self.assertEqual(why["ProdOnly"], "Conditions are not evaluated")
        self.assertIn("Fn::ImportValue is not evaluated", why["Imported"])
        self.assertIn("Runtime java21 is not one sluice runs", why["JavaWorker"])
        self.assertIn("Code must be a local folder", why["FromS3"])
        self.assertIn("is not an SQS queue", why["StreamMapping"])
        self.assertIn("is not a topic of this template", why["Orphan"])
        self.assertIn(prefix + "left out Worker: Events.Http (Type Api): not an event source sluice runs", log)
        # What it understood exists.
        sqs = client(server, "sqs")
        self.assertEqual([u.rsplit("/", 1)[1] for u in sqs.list_queues()["QueueUrls"]], ["Jobs"])
        mappings = client(server, "lambda").list_event_source_mappings(FunctionName="Worker")["EventSourceMappings"]
        self.assertEqual([(m["EventSourceArn"], m["BatchSize"]) for m in mappings],
                         [("arn:aws:sqs:us-east-1:%s:Jobs" % ACCOUNT, 5)])


if __name__ == "__main__":
    SLUICE = sluice_server.sluice_from_argv(sys.argv[0])
    sluice_server.run_unittests()
