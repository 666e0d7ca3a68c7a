"""POST /_sluice/reset: a clean slate without a restart. Starts its own servers
(sluice_server.SluiceServer) and drives them with the system's boto3 (skips, 77, without it):

- with --auth off and a configuration declaring a queue and a topic: queues (with their messages),
  topics (with their subscriptions), functions and event-source mappings go; the declared queue and
  topic come back, the queue empty; a queue's name can be created again at once; ?service= resets one service only;
- with --auth enforce: an unsigned reset and a user's are refused with AccessDenied (403) and
  change nothing; the account root's and a principal given with --allow-reset succeed;
- the other services, with a data directory: IAM users, groups, roles, policies, instance
  profiles and OpenID Connect providers, KMS keys and aliases, log groups with their streams and
  events, alarms, CloudWatch metrics (PutMetricData's and the AWS/SQS ones sluice emits) and the
  events LookupEvents finds are gone after a reset, and the users and roles the configuration
  declares are back; after a restart on the same data directory, no metric and no event is back.

    test_reset.py --sluice BIN --echo-plugin FILE
"""

import argparse
import io
import json
import os
import sys
import tempfile
import time
import urllib.error
import urllib.request
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))

from sluice_server import SluiceServer  # noqa: E402

try:
    import boto3
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials
except ImportError:
    print("SKIP: no boto3")
    sys.exit(77)

ACCOUNTS = os.path.join(os.path.dirname(HERE), "identity", "accounts.json")
ROOT = ("AKIAROOT111122223333", "root/Secret+Key+111122223333")
ALICE = ("AKIAALICE00000000001", "alice/Secret+Key+0001")
BOB = ("AKIABOB0000000000001", "bob/Secret+Key+0001")
ROLE = "arn:aws:iam::123456789012:role/lambda-role"
failures = []


def check(name, condition):
    print(("ok   " if condition else "FAIL ") + name)
    if not condition:
        failures.append(name)


def client(endpoint, service, key="test", secret="test"):
    return boto3.client(service, endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id=key,
                        aws_secret_access_key=secret)


def reset(endpoint, query="", key=None):
    """POSTs a reset, signed for service "sluice" with `key` (unsigned without); (status, JSON)."""
    url = endpoint + "/_sluice/reset" + query
    headers = {}
    if key is not None:
        request = AWSRequest(method="POST", url=url, data=b"")
        SigV4Auth(Credentials(*key), "sluice", "us-east-1").add_auth(request)
        headers = dict(request.headers)
    try:
        with urllib.request.urlopen(urllib.request.Request(url, data=b"", headers=headers, method="POST"),
                                    timeout=60) as answer:
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def echo_zip(plugin):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        info = zipfile.ZipInfo("echo.so")
        info.external_attr = 0o755 << 16
        with open(plugin, "rb") as f:
            archive.writestr(info, f.read())
    return buffer.getvalue()


def auth_off(binary, plugin):
    with tempfile.TemporaryDirectory() as tmp:
        config = os.path.join(tmp, "config.json")
        with open(config, "w") as f:
            json.dump({"queues": [{"QueueName": "declared"}], "sns": {"Topics": [{"Name": "declared-topic"}]}}, f)
        server = SluiceServer(binary, extra_args=[config]).start()
        try:
            endpoint = server.endpoint
            sqs, sns, lam = client(endpoint, "sqs"), client(endpoint, "sns"), client(endpoint, "lambda")
            declared = sqs.get_queue_url(QueueName="declared")["QueueUrl"]
            sqs.send_message(QueueUrl=declared, MessageBody="left over")
            extra = sqs.create_queue(QueueName="extra")["QueueUrl"]
            extra_arn = sqs.get_queue_attributes(QueueUrl=extra, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
            topic = sns.create_topic(Name="news")["TopicArn"]
            sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=extra_arn)
            lam.create_function(FunctionName="fn", Runtime="provided.al2023", Role=ROLE, Handler="echo",
                                Code={"ZipFile": echo_zip(plugin)})
            lam.get_waiter("function_active").wait(FunctionName="fn", WaiterConfig={"Delay": 1, "MaxAttempts": 60})
            lam.create_event_source_mapping(FunctionName="fn", EventSourceArn=extra_arn)

            status, body = reset(endpoint, "?service=sns")
            check("?service=sns answers 200 naming sns only", status == 200 and body["reset"] == ["sns"])
            check("  ... counts the topics", body.get("topics") == 2)
            topics = [t["TopicArn"].rsplit(":", 1)[1] for t in sns.list_topics()["Topics"]]
            check("  ... leaves only the declared topic, declared again", topics == ["declared-topic"])
            check("  ... leaves the queues", "extra" in " ".join(sqs.list_queues().get("QueueUrls", [])))

            status, body = reset(endpoint)
            check("a full reset answers 200 naming every service",
                  status == 200 and sorted(body["reset"]) == ["cloudtrail", "cloudwatch", "iam", "kms", "lambda",
                                                              "logs", "sns", "sqs"])
            check("  ... counts queues, functions and mappings",
                  body["queues"] == 2 and body["functions"] == 1 and body["eventSourceMappings"] == 1)
            urls = sqs.list_queues().get("QueueUrls", [])
            check("  ... leaves only the declared queue", [u.rsplit("/", 1)[1] for u in urls] == ["declared"])
            declared = sqs.get_queue_url(QueueName="declared")["QueueUrl"]
            count = sqs.get_queue_attributes(QueueUrl=declared, AttributeNames=["ApproximateNumberOfMessages"])
            check("  ... which comes back empty", count["Attributes"]["ApproximateNumberOfMessages"] == "0")
            check("  ... removes the functions", lam.list_functions()["Functions"] == [])
            check("  ... and the mappings", lam.list_event_source_mappings()["EventSourceMappings"] == [])
            sqs.create_queue(QueueName="extra")
            check("a reset queue's name can be created again at once", True)
            status, body = reset(endpoint, "?service=kafka")
            check("an unknown service is refused", status == 400 and "sqs, sns, lambda" in body["message"])
        finally:
            check("the server stops cleanly", server.stop() == 0)
            server.close()


def auth_enforce(binary):
    alice_arn = "arn:aws:iam::111122223333:user/alice"
    server = SluiceServer(binary, extra_args=["--auth", "enforce", "--allow-reset", alice_arn, ACCOUNTS]).start()
    try:
        endpoint = server.endpoint
        sqs = client(endpoint, "sqs", *ROOT)
        sqs.create_queue(QueueName="kept")
        status, body = reset(endpoint)
        check("enforce: an unsigned reset is refused as AWS refuses unsigned calls",
              status == 403 and body["__type"] == "MissingAuthenticationToken")
        status, body = reset(endpoint, key=BOB)
        check("enforce: a user not allowed is refused with AccessDenied",
              status == 403 and body["__type"] == "AccessDeniedException" and "user/bob" in body["message"])
        check("  ... and nothing is reset", "kept" in " ".join(sqs.list_queues().get("QueueUrls", [])))
        status, body = reset(endpoint, key=ALICE)
        check("enforce: a principal given with --allow-reset may reset", status == 200 and body["queues"] == 1)
        sqs.create_queue(QueueName="again")
        status, body = reset(endpoint, "?service=sqs", key=ROOT)
        check("enforce: the account root may reset", status == 200 and body["queues"] == 1)
        check("  ... its account's queues are gone", sqs.list_queues().get("QueueUrls", []) == [])
    finally:
        check("the enforcing server stops cleanly", server.stop() == 0)
        server.close()


TRUST = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]})
POLICY = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sqs:*", "Resource": "*"}]})


def iam_names(iam):
    """What IAM lists in the account: {kind: sorted names}."""
    return {
        "users": sorted(u["UserName"] for u in iam.list_users()["Users"]),
        "groups": sorted(g["GroupName"] for g in iam.list_groups()["Groups"]),
        "roles": sorted(r["RoleName"] for r in iam.list_roles()["Roles"]),
        "policies": sorted(p["PolicyName"] for p in iam.list_policies(Scope="Local")["Policies"]),
        "instance profiles": sorted(p["InstanceProfileName"]
                                    for p in iam.list_instance_profiles()["InstanceProfiles"]),
        "OpenID Connect providers": sorted(p["Arn"] for p in iam.list_open_id_connect_providers()
                                           ["OpenIDConnectProviderList"]),
    }


def metrics_and_events(endpoint):
    """What CloudWatch lists and LookupEvents finds of what other_services made: (metric names, event names)."""
    cloudwatch, trail = client(endpoint, "cloudwatch", *ROOT), client(endpoint, "cloudtrail", *ROOT)
    metrics = sorted({m["MetricName"] for namespace in ("Made", "AWS/SQS")
                      for m in cloudwatch.list_metrics(Namespace=namespace)["Metrics"]})
    points = cloudwatch.get_metric_statistics(Namespace="Made", MetricName="Things", Statistics=["Sum"], Period=60,
                                              StartTime=time.time() - 3600, EndTime=time.time() + 60)["Datapoints"]
    if points:
        metrics.append("Things datapoints")
    events = sorted({e["EventName"] for name in ("CreateKey", "CreateQueue")
                     for e in trail.lookup_events(LookupAttributes=[{"AttributeKey": "EventName",
                                                                     "AttributeValue": name}])["Events"]})
    return metrics, events


def other_services(binary):
    server = SluiceServer(binary, use_data_dir=True,
                          extra_args=["--auth", "enforce", "--account", "111122223333", ACCOUNTS]).start()
    restarted = None
    try:
        endpoint = server.endpoint
        iam, kms, logs = client(endpoint, "iam", *ROOT), client(endpoint, "kms", *ROOT), client(endpoint, "logs", *ROOT)
        cloudwatch, sqs = client(endpoint, "cloudwatch", *ROOT), client(endpoint, "sqs", *ROOT)
        queue = sqs.create_queue(QueueName="metered")["QueueUrl"]
        sqs.send_message(QueueUrl=queue, MessageBody="counted")
        declared = iam_names(iam)
        iam.create_user(UserName="carol")
        iam.create_group(GroupName="testers")
        iam.create_role(RoleName="made", AssumeRolePolicyDocument=TRUST)
        iam.create_policy(PolicyName="made-policy", PolicyDocument=POLICY)
        iam.create_instance_profile(InstanceProfileName="made-profile")
        iam.create_open_id_connect_provider(Url="https://issuer.example.com", ClientIDList=["sts.amazonaws.com"],
                                            ThumbprintList=["a" * 40])
        key = kms.create_key()["KeyMetadata"]["KeyId"]
        kms.create_alias(AliasName="alias/made", TargetKeyId=key)
        logs.create_log_group(logGroupName="/made/group")
        logs.create_log_stream(logGroupName="/made/group", logStreamName="stream")
        logs.put_log_events(logGroupName="/made/group", logStreamName="stream",
                            logEvents=[{"timestamp": int(time.time() * 1000), "message": "left over"}])
        cloudwatch.put_metric_data(Namespace="Made", MetricData=[{"MetricName": "Things", "Value": 1.0}])
        cloudwatch.put_metric_alarm(AlarmName="made-alarm", Namespace="Made", MetricName="Things",
                                    Statistic="Sum", Period=60, EvaluationPeriods=1, Threshold=1.0,
                                    ComparisonOperator="GreaterThanThreshold")
        made = iam_names(iam)
        before = metrics_and_events(endpoint)
        check("other services: metrics and events exist before the reset",
              "Things" in before[0] and "Things datapoints" in before[0] and "NumberOfMessagesSent" in before[0]
              and before[1] == ["CreateKey", "CreateQueue"])
        check("other services: the entities exist before the reset",
              all(made[kind] != declared[kind] for kind in ("users", "groups", "roles", "policies",
                                                             "instance profiles", "OpenID Connect providers")))

        status, body = reset(endpoint, key=ROOT)
        check("other services: a full reset names them",
              status == 200 and {"iam", "kms", "logs", "cloudwatch", "cloudtrail"} <= set(body.get("reset", [])))
        check("  ... and counts what went",
              body.get("iamEntities") == 6 and body.get("kmsKeys") == 1 and body.get("logGroups") == 1
              and body.get("alarms") == 1 and body.get("metrics", 0) >= 2 and body.get("auditEvents", 0) >= 10)
        check("  ... no metric is listed, nor any datapoint or event found", metrics_and_events(endpoint) == ([], []))
        check("  ... IAM lists only what the configuration declares", iam_names(iam) == declared)
        check("  ... no KMS key is left", kms.list_keys()["Keys"] == [])
        check("  ... nor a customer alias",
              [a["AliasName"] for a in kms.list_aliases()["Aliases"] if not a["AliasName"].startswith("alias/aws/")]
              == [])
        check("  ... no log group", logs.describe_log_groups()["logGroups"] == [])
        check("  ... no alarm", cloudwatch.describe_alarms()["MetricAlarms"] == [])
        iam.create_user(UserName="carol")
        check("  ... a user's name can be created again at once", "carol" in iam_names(iam)["users"])
        cloudwatch.put_metric_data(Namespace="Made", MetricData=[{"MetricName": "Later", "Value": 1.0}])
        status, body = reset(endpoint, "?service=cloudtrail", key=ROOT)
        check("?service=cloudtrail resets the audit trail only",
              status == 200 and body["reset"] == ["cloudtrail"] and body.get("auditEvents", 0) >= 1)
        check("  ... the metrics made since stay",
              [m["MetricName"] for m in cloudwatch.list_metrics(Namespace="Made")["Metrics"]] == ["Later"])
        status, body = reset(endpoint, "?service=cloudwatch", key=ROOT)
        check("?service=cloudwatch resets the metrics too", status == 200 and body.get("metrics", 0) >= 1
              and cloudwatch.list_metrics(Namespace="Made")["Metrics"] == [])

        check("the server with a data directory stops cleanly", server.stop() == 0)
        restarted = SluiceServer(binary, data_dir=server.data_path,
                                 extra_args=["--auth", "enforce", "--account", "111122223333", ACCOUNTS]).start()
        check("after a restart no reset metric or event is back", metrics_and_events(restarted.endpoint) == ([], []))
    finally:
        if restarted is not None:
            check("the restarted server stops cleanly", restarted.stop() == 0)
            restarted.close()
        server.stop()
        server.close()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--sluice", required=True)
    parser.add_argument("--echo-plugin", required=True)
    opts = parser.parse_args()
    auth_off(opts.sluice, opts.echo_plugin)
    auth_enforce(opts.sluice)
    other_services(opts.sluice)
    if failures:
        print("%d failed" % len(failures))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
