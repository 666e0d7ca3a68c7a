"""The audit trail end to end: under --auth enforce, two IAM users made over the IAM API create a
KMS key, encrypt and decrypt with it, make an SSE-KMS queue and topic (SNS -> SQS, both
encrypted), disable the key and schedule its deletion; each call is then found in CloudTrail's
LookupEvents with the user who made it (boto3 and the AWS CLI), refused calls carry AWS's error
code, the files in DATA/cloudtrail hold no plaintext, secret key, session token or message body,
the trail actions answer their documented refusals, and the events are still found after a
restart.

    test_audit_trail.py --sluice BIN

Runs its own server on a loopback port. boto3 from the system's python3; the AWS CLI part skips
itself when /usr/bin/aws is missing.
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import unittest
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, ".."))
from sluice_server import SluiceServer, run_unittests, sluice_from_argv  # noqa: E402

import boto3  # noqa: E402
from botocore.config import Config  # noqa: E402
from botocore.exceptions import ClientError  # noqa: E402

BIN = None
ACCOUNTS = os.path.join(HERE, "..", "identity", "accounts.json")
ROOT = ("AKIAROOT111122223333", "root/Secret+Key+111122223333")
ACCOUNT = "111122223333"
BOUNDED = Config(connect_timeout=5, read_timeout=30, retries={"max_attempts": 1, "mode": "standard"})
AWS_CLI = os.environ.get("AWS_CLI", "/usr/bin/aws")
PLAINTEXT = b"audit plaintext that must never be written"
BODY = "audit message body that must never be written"
LOOKUP_DEADLINE_S = 30

os.environ["AWS_EC2_METADATA_DISABLED"] = "true"

POLICY = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Action": ["kms:*", "sqs:*", "sns:*", "cloudtrail:*", "iam:*"], "Resource": "*"}]})


def client(server, service, key):
    return boto3.client(service, region_name="us-east-1", endpoint_url=server.endpoint, config=BOUNDED,
                        aws_access_key_id=key[0], aws_secret_access_key=key[1])


def lookup(trail, key, value):
    """Every event with this lookup attribute, all pages."""
    events, token = [], None
    while True:
        args = {"LookupAttributes": [{"AttributeKey": key, "AttributeValue": value}], "MaxResults": 50}
        if token:
            args["NextToken"] = token
        page = trail.lookup_events(**args)
        events += page["Events"]
        token = page.get("NextToken")
        if not token:
            return events


def wait_for(trail, key, value, predicate=lambda events: bool(events)):
    """Lookups until predicate(events) holds (the trail writes off the request path)."""
    deadline = time.monotonic() + LOOKUP_DEADLINE_S
    while True:
        events = lookup(trail, key, value)
        if predicate(events) or time.monotonic() > deadline:
            return events
        time.sleep(0.1)


class AuditTrailTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="sluice-audit-")
        cls.data = os.path.join(cls.tmp, "data")
        cls.server = SluiceServer(BIN, data_dir=cls.data,
                                  extra_args=["--auth", "enforce", "--audit-data-events", ACCOUNTS]).start()
        iam = client(cls.server, "iam", ROOT)
        cls.users = {}
        for role in ("keeper", "breaker"):
            name = "audit-%s-%s" % (role, uuid.uuid4().hex[:6])
            iam.create_user(UserName=name)
            iam.put_user_policy(UserName=name, PolicyName="audit-test", PolicyDocument=POLICY)
            key = iam.create_access_key(UserName=name)["AccessKey"]
            cls.users[role] = (name, (key["AccessKeyId"], key["SecretAccessKey"]))
        cls.run_scenario()

    @classmethod
    def tearDownClass(cls):
        status = cls.server.stop()
        log = cls.server.log_text()
        cls.server.close()
        shutil.rmtree(cls.tmp, ignore_errors=True)
        assert status == 0, log

    @classmethod
    def run_scenario(cls):
        s = cls.server
        keeper, breaker = cls.users["keeper"][1], cls.users["breaker"][1]
        kms = client(s, "kms", keeper)
        cls.key = kms.create_key(Description="audited")["KeyMetadata"]
        sealed = kms.encrypt(KeyId=cls.key["KeyId"], Plaintext=PLAINTEXT)["CiphertextBlob"]
        assert kms.decrypt(CiphertextBlob=sealed)["Plaintext"] == PLAINTEXT

        sqs, sns = client(s, "sqs", keeper), client(s, "sns", keeper)
        cls.queue_name = "audited-" + uuid.uuid4().hex[:6]
        cls.queue_url = sqs.create_queue(QueueName=cls.queue_name,
                                         Attributes={"KmsMasterKeyId": cls.key["KeyId"]})["QueueUrl"]
        queue_arn = sqs.get_queue_attributes(QueueUrl=cls.queue_url, AttributeNames=["QueueArn"])[
            "Attributes"]["QueueArn"]
        cls.topic_arn = sns.create_topic(Name="audited-" + uuid.uuid4().hex[:6],
                                         Attributes={"KmsMasterKeyId": cls.key["KeyId"]})["TopicArn"]
        # As on AWS, the queue takes the topic's messages only when its policy allows sns.amazonaws.com.
        sqs.set_queue_attributes(QueueUrl=cls.queue_url, Attributes={"Policy": json.dumps({
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Principal": {"Service": "sns.amazonaws.com"},
                           "Action": "sqs:SendMessage", "Resource": queue_arn,
                           "Condition": {"ArnEquals": {"aws:SourceArn": cls.topic_arn}}}]})})
        sns.subscribe(TopicArn=cls.topic_arn, Protocol="sqs", Endpoint=queue_arn,
                      Attributes={"RawMessageDelivery": "true"})
        sns.publish(TopicArn=cls.topic_arn, Message=BODY, Subject="audit subject")
        got = []
        deadline = time.monotonic() + LOOKUP_DEADLINE_S
        while not got and time.monotonic() < deadline:
            got = sqs.receive_message(QueueUrl=cls.queue_url, WaitTimeSeconds=1).get("Messages", [])
        assert [m["Body"] for m in got] == [BODY], got

        breaker_kms = client(s, "kms", breaker)
        breaker_kms.disable_key(KeyId=cls.key["KeyId"])
        try:
            kms.encrypt(KeyId=cls.key["KeyId"], Plaintext=PLAINTEXT)
            raise AssertionError("a disabled key encrypted")
        except ClientError as refused:
            assert refused.response["Error"]["Code"] == "DisabledException", refused.response
        breaker_kms.schedule_key_deletion(KeyId=cls.key["KeyId"], PendingWindowInDays=7)

    def trail(self, who="keeper"):
        return client(self.server, "cloudtrail", self.users[who][1])

    def the_event(self, name, predicate=lambda e: True):
        events = wait_for(self.trail(), "EventName", name, lambda es: any(predicate(e) for e in es))
        matching = [e for e in events if predicate(e)]
        self.assertTrue(matching, "no %s event among %s" % (name, events))
        return matching[0], json.loads(matching[0]["CloudTrailEvent"])

    def test_each_call_is_found_with_the_user_who_made_it(self):
        keeper, breaker = self.users["keeper"][0], self.users["breaker"][0]
        key_arn = self.key["Arn"]
        for name, user in [("CreateKey", keeper), ("Encrypt", keeper), ("Decrypt", keeper),
                           ("CreateQueue", keeper), ("CreateTopic", keeper), ("Subscribe", keeper),
                           ("DisableKey", breaker), ("ScheduleKeyDeletion", breaker)]:
            with self.subTest(name=name):
                summary, record = self.the_event(name, lambda e, user=user: e.get("Username") == user)
                self.assertEqual(summary["EventName"], name)
                self.assertEqual(record["userIdentity"]["type"], "IAMUser")
                self.assertEqual(record["userIdentity"]["userName"], user)
                self.assertEqual(record["userIdentity"]["arn"], "arn:aws:iam::%s:user/%s" % (ACCOUNT, user))
                self.assertEqual(record["userIdentity"]["accessKeyId"], summary["AccessKeyId"])
                self.assertEqual(record["eventType"], "AwsApiCall")
                self.assertEqual(record["recipientAccountId"], ACCOUNT)
                self.assertEqual(record["sourceIPAddress"], "127.0.0.1")
                self.assertIn("Boto3", record["userAgent"])
                self.assertEqual(record["eventCategory"], "Management")
        _, disable = self.the_event("DisableKey")
        self.assertEqual(disable["eventSource"], "kms.amazonaws.com")
        self.assertEqual(disable["readOnly"], False)
        self.assertEqual([r["ARN"] for r in disable["resources"]], [key_arn])
        _, created = self.the_event("CreateQueue", lambda e: self.queue_name in e["CloudTrailEvent"])
        self.assertEqual(created["requestParameters"]["queueName"], self.queue_name)
        self.assertEqual(created["responseElements"]["queueUrl"], self.queue_url)
        _, encrypt = self.the_event("Encrypt")
        self.assertTrue(encrypt["readOnly"])
        self.assertIsNone(encrypt["responseElements"])

    def test_a_refused_call_is_recorded_with_its_error(self):
        _, record = self.the_event("Encrypt", lambda e: "errorCode" in e["CloudTrailEvent"])
        self.assertEqual(record["errorCode"], "DisabledException")
        self.assertTrue(record["errorMessage"])

    def test_lookup_by_user_resource_and_key_and_paging(self):
        breaker = self.users["breaker"]
        # The breaker's own lookups (LookupEvents is a management event too) are left aside.
        def changes(events):
            return sorted(e["EventName"] for e in events if e["EventName"] != "LookupEvents")
        events = wait_for(self.trail(), "Username", breaker[0], lambda es: len(changes(es)) >= 2)
        self.assertEqual(changes(events), ["DisableKey", "ScheduleKeyDeletion"])
        by_key = wait_for(self.trail(), "AccessKeyId", breaker[1][0], lambda es: len(changes(es)) >= 2)
        self.assertEqual(changes(by_key), ["DisableKey", "ScheduleKeyDeletion"])
        on_key = lookup(self.trail(), "ResourceName", self.key["Arn"])
        self.assertTrue({"CreateKey", "DisableKey", "ScheduleKeyDeletion"} <= {e["EventName"] for e in on_key})
        for e in on_key:
            self.assertIn({"ResourceType": "AWS::KMS::Key", "ResourceName": self.key["Arn"]}, e["Resources"])
        # Data events are written to the files, never to the event history.
        self.assertEqual(lookup(self.trail(), "EventName", "Publish"), [])
        self.assertEqual(lookup(self.trail(), "EventName", "SendMessage"), [])

        trail = self.trail()
        first = trail.lookup_events(MaxResults=2)
        self.assertEqual(len(first["Events"]), 2)
        second = trail.lookup_events(MaxResults=2, NextToken=first["NextToken"])
        self.assertTrue(set(e["EventId"] for e in first["Events"]).isdisjoint(e["EventId"] for e in second["Events"]))
        self.assertGreaterEqual(first["Events"][0]["EventTime"], second["Events"][0]["EventTime"])

    def test_lookup_shows_the_endpoint_regions_events_only(self):
        # Each region's event history is its own: the key was made in us-east-1, so a lookup
        # signed for eu-west-1 finds none of these events (and us-east-1's still does).
        self.the_event("CreateKey")
        elsewhere = boto3.client("cloudtrail", region_name="eu-west-1", endpoint_url=self.server.endpoint,
                                 config=BOUNDED, aws_access_key_id=self.users["keeper"][1][0],
                                 aws_secret_access_key=self.users["keeper"][1][1])
        self.assertEqual(lookup(elsewhere, "EventName", "CreateKey"), [])
        self.assertEqual(lookup(elsewhere, "ResourceName", self.key["Arn"]), [])

    def test_lookup_errors(self):
        trail = self.trail()
        cases = [
            (dict(LookupAttributes=[{"AttributeKey": "EventName", "AttributeValue": "a"},
                                    {"AttributeKey": "Username", "AttributeValue": "b"}]),
             "InvalidLookupAttributesException"),
            (dict(MaxResults=51), "InvalidMaxResultsException"),
            (dict(StartTime=2000000000, EndTime=1000000000), "InvalidTimeRangeException"),
            (dict(NextToken="bm90IGEgdG9rZW4="), "InvalidNextTokenException"),
        ]
        for args, code in cases:
            with self.subTest(code=code):
                with self.assertRaises(ClientError) as refused:
                    trail.lookup_events(**args)
                self.assertEqual(refused.exception.response["Error"]["Code"], code)
                self.assertEqual(refused.exception.response["ResponseMetadata"]["HTTPStatusCode"], 400)

    def test_trails_are_refused_as_documented(self):
        trail = self.trail()
        with self.assertRaises(ClientError) as refused:
            trail.create_trail(Name="t", S3BucketName="no-such-bucket")
        self.assertEqual(refused.exception.response["Error"]["Code"], "S3BucketDoesNotExistException")
        self.assertEqual(trail.describe_trails()["trailList"], [])
        self.assertEqual(trail.list_trails()["Trails"], [])
        with self.assertRaises(ClientError) as refused:
            trail.get_trail_status(Name="t")
        self.assertEqual(refused.exception.response["Error"]["Code"], "TrailNotFoundException")
        self.assertIn("arn:aws:cloudtrail:us-east-1:%s:trail/t" % ACCOUNT,
                      refused.exception.response["Error"]["Message"])

    def test_the_files_hold_no_secret(self):
        self.the_event("ScheduleKeyDeletion")  # every call above is written by now
        folder = os.path.join(self.data, "cloudtrail")
        names = sorted(os.listdir(folder))
        self.assertTrue(names)
        text = ""
        for name in names:
            self.assertEqual(os.stat(os.path.join(folder, name)).st_mode & 0o777, 0o600)
            with open(os.path.join(folder, name), encoding="utf-8") as f:
                lines = f.read().splitlines()
            for line in lines:
                json.loads(line)
            text += "\n".join(lines)
        import base64
        forbidden = [PLAINTEXT.decode(), base64.b64encode(PLAINTEXT).decode(), BODY, "audit subject",
                     ROOT[1]] + [creds[1] for _, creds in self.users.values()]
        for secret in forbidden:
            self.assertNotIn(secret, text)
        # The data events are there, with their bodies hidden as CloudTrail hides them.
        publishes = [json.loads(l) for l in text.splitlines() if '"eventName":"Publish"' in l]
        self.assertTrue(publishes)
        self.assertEqual(publishes[0]["eventCategory"], "Data")
        self.assertEqual(publishes[0]["requestParameters"]["message"], "HIDDEN_DUE_TO_SECURITY_REASONS")
        self.assertIn('"eventName":"CreateAccessKey"', text)  # written, without its secret

    @unittest.skipUnless(os.path.exists(AWS_CLI), "no AWS CLI")
    def test_the_aws_cli_finds_them(self):
        breaker = self.users["breaker"]
        self.the_event("ScheduleKeyDeletion")
        env = dict(os.environ, AWS_ACCESS_KEY_ID=breaker[1][0], AWS_SECRET_ACCESS_KEY=breaker[1][1])
        base = [AWS_CLI, "cloudtrail", "--endpoint-url", self.server.endpoint, "--region", "us-east-1",
                "--no-cli-pager", "--output", "json"]
        r = subprocess.run(base + ["lookup-events", "--lookup-attributes",
                                   "AttributeKey=EventName,AttributeValue=ScheduleKeyDeletion"],
                           capture_output=True, text=True, timeout=60, env=env)
        self.assertEqual(r.returncode, 0, r.stderr)
        events = json.loads(r.stdout)["Events"]
        self.assertEqual([e["Username"] for e in events], [breaker[0]])
        record = json.loads(events[0]["CloudTrailEvent"])
        self.assertEqual(record["requestParameters"]["pendingWindowInDays"], 7)
        r = subprocess.run(base + ["create-trail", "--name", "t", "--s3-bucket-name", "b"],
                           capture_output=True, text=True, timeout=60, env=env)
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("S3BucketDoesNotExistException", r.stderr)

    def test_zz_events_survive_a_restart(self):
        # Last (unittest runs in name order): stops the server and starts another on the same data.
        _, before = self.the_event("ScheduleKeyDeletion")
        self.assertEqual(self.server.stop(), 0, self.server.log_text())
        self.server.close()
        type(self).server = SluiceServer(BIN, data_dir=self.data,
                                         extra_args=["--auth", "enforce", "--audit-data-events", ACCOUNTS]).start()
        events = lookup(self.trail("breaker"), "EventId", before["eventID"])
        self.assertEqual(len(events), 1)
        self.assertEqual(events[0]["Username"], self.users["breaker"][0])


if __name__ == "__main__":
    BIN = sluice_from_argv(__file__)
    run_unittests()
