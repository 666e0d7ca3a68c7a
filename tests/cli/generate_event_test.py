"""`sluice generate-event SOURCE`: each source prints one JSON event in the shape AWS documents for
it, honours --region (and --account) where the event names them, and answers --help with its own
options. Usage: generate_event_test.py SLUICE"""
import json
import re
import subprocess
import sys

SLUICE = sys.argv[1]
failures = 0


def check(name, condition):
    global failures
    print(("ok   " if condition else "FAIL ") + name)
    if not condition:
        failures += 1


def generate(*args):
    done = subprocess.run([SLUICE, "generate-event", *args], capture_output=True, text=True, timeout=30)
    if done.returncode != 0:
        raise AssertionError(f"generate-event {' '.join(args)} exited {done.returncode}: {done.stderr}")
    return json.loads(done.stdout)


ISO_MS = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")

# SQS: Lambda's record shape; --region reaches awsRegion and the default queue ARN.
event = generate("sqs", "--region", "eu-west-3", "--account", "111122223333", "--count", "2")
records = event["Records"]
check("sqs: two records", len(records) == 2)
check("sqs: awsRegion honours --region", all(r["awsRegion"] == "eu-west-3" for r in records))
check("sqs: the queue ARN is in --region and --account",
      records[0]["eventSourceARN"] == "arn:aws:sqs:eu-west-3:111122223333:my-queue")
check("sqs: Lambda's keys", set(records[0]) == {"messageId", "receiptHandle", "body", "attributes",
                                                "messageAttributes", "md5OfMessageAttributes", "md5OfBody", "eventSource",
                                                "eventSourceARN", "awsRegion"})

# SNS: the topic ARN (and so the URLs) in --region.
event = generate("sns", "--region", "ap-south-1", "--message", "hi")
sns = event["Records"][0]["Sns"]
check("sns: topic in --region", sns["TopicArn"].startswith("arn:aws:sns:ap-south-1:"))
check("sns: URLs in --region", "sns.ap-south-1.amazonaws.com" in sns["SigningCertUrl"])
check("sns: no subject is null", sns["Subject"] is None)

# S3: event structure 2.1, put and delete.
put = generate("s3-put", "--region", "us-west-2", "--bucket", "photos", "--key", "a/b.jpg", "--size", "7")["Records"][0]
check("s3-put: eventName", put["eventName"] == "ObjectCreated:Put")
check("s3-put: awsRegion honours --region", put["awsRegion"] == "us-west-2")
check("s3-put: eventVersion 2.1 and eventSource", put["eventVersion"] == "2.1" and put["eventSource"] == "aws:s3")
check("s3-put: eventTime in ISO-8601 with milliseconds", ISO_MS.match(put["eventTime"]) is not None)
check("s3-put: bucket name and ARN", put["s3"]["bucket"]["name"] == "photos"
      and put["s3"]["bucket"]["arn"] == "arn:aws:s3:::photos")
obj = put["s3"]["object"]
check("s3-put: object key, size, eTag, sequencer", obj["key"] == "a/b.jpg" and obj["size"] == 7
      and len(obj["eTag"]) == 32 and obj["sequencer"])
check("s3-put: the record's keys", set(put) == {"eventVersion", "eventSource", "awsRegion", "eventTime", "eventName",
                                                "userIdentity", "requestParameters", "responseElements", "s3"})
delete = generate("s3-delete", "--key", "gone.txt")["Records"][0]
check("s3-delete: eventName", delete["eventName"] == "ObjectRemoved:Delete")
check("s3-delete: a deleted object has no size or eTag", set(delete["s3"]["object"]) == {"key", "sequencer"})
check("s3-delete: default region", delete["awsRegion"] == "us-east-1")

# CloudWatch alarm state change, as the alarm's Lambda action sends it.
alarm = generate("cloudwatch-alarm", "--region", "eu-central-1", "--account", "444455556666",
                 "--alarm-name", "cpu-high", "--state", "ALARM", "--previous-state", "OK")
check("alarm: source and region", alarm["source"] == "aws.cloudwatch" and alarm["region"] == "eu-central-1")
check("alarm: ARN in region and account",
      alarm["alarmArn"] == "arn:aws:cloudwatch:eu-central-1:444455556666:alarm:cpu-high")
check("alarm: accountId", alarm["accountId"] == "444455556666")
check("alarm: states", alarm["alarmData"]["state"]["value"] == "ALARM"
      and alarm["alarmData"]["previousState"]["value"] == "OK")
check("alarm: CloudWatch's time format", re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000$", alarm["time"]))
check("alarm: a metric in the configuration",
      alarm["alarmData"]["configuration"]["metrics"][0]["metricStat"]["metric"]["namespace"] == "AWS/EC2")

# EventBridge scheduled rule.
scheduled = generate("eventbridge-scheduled", "--region", "sa-east-1", "--rule", "nightly")
check("scheduled: detail-type and source",
      scheduled["detail-type"] == "Scheduled Event" and scheduled["source"] == "aws.events")
check("scheduled: rule ARN in region", scheduled["resources"] == ["arn:aws:events:sa-east-1:123456789012:rule/nightly"])
check("scheduled: region and empty detail", scheduled["region"] == "sa-east-1" and scheduled["detail"] == {})
check("scheduled: keys", set(scheduled) == {"version", "id", "detail-type", "source", "account", "time", "region",
                                            "resources", "detail"})

# API Gateway: REST (payload 1.0) and HTTP API (payload 2.0).
rest = generate("apigateway-rest", "--method", "POST", "--path", "/orders", "--body", '{"a":1}', "--region", "us-west-1")
check("rest: method, path, body", rest["httpMethod"] == "POST" and rest["path"] == "/orders" and rest["body"] == '{"a":1}')
check("rest: multi-value headers mirror headers",
      all(rest["multiValueHeaders"][k] == [v] for k, v in rest["headers"].items()))
check("rest: requestContext in region", rest["requestContext"]["domainName"].endswith(".execute-api.us-west-1.amazonaws.com"))
check("rest: payload 1.0 keys", set(rest) == {"resource", "path", "httpMethod", "headers", "multiValueHeaders",
                                              "queryStringParameters", "multiValueQueryStringParameters",
                                              "pathParameters", "stageVariables", "requestContext", "body",
                                              "isBase64Encoded"})
http = generate("apigateway-http", "--path", "/items/1")
check("http: version 2.0 and $default route", http["version"] == "2.0" and http["routeKey"] == "$default")
check("http: rawPath and http context", http["rawPath"] == "/items/1" and http["requestContext"]["http"]["path"] == "/items/1")
check("http: header names are lower case", all(k == k.lower() for k in http["headers"]))
check("http: no body without --body", "body" not in http)

# --help per source names that source's options; a bad value names the flag.
for source, flag in [("sqs", "--queue-arn"), ("sns", "--topic-arn"), ("s3-put", "--bucket"), ("s3-delete", "--key"),
                     ("cloudwatch-alarm", "--state"), ("eventbridge-scheduled", "--rule"),
                     ("apigateway-rest", "--stage"), ("apigateway-http", "--method")]:
    done = subprocess.run([SLUICE, "generate-event", source, "--help"], capture_output=True, text=True, timeout=30)
    check(f"{source} --help exits 0 and names {flag} and --region",
          done.returncode == 0 and flag in done.stdout and "--region" in done.stdout)
done = subprocess.run([SLUICE, "generate-event", "cloudwatch-alarm", "--state", "RED"], capture_output=True, text=True)
check("a bad --state is refused naming the flag", done.returncode == 64 and "--state" in done.stderr)
done = subprocess.run([SLUICE, "generate-event", "kafka"], capture_output=True, text=True)
check("an unknown source is refused", done.returncode == 64 and "kafka" in done.stderr)
done = subprocess.run([SLUICE, "generate-event", "--help"], capture_output=True, text=True)
check("generate-event --help lists every source",
      done.returncode == 0 and all(s in done.stdout for s in ["sqs", "sns", "s3-put", "s3-delete", "cloudwatch-alarm",
                                                               "eventbridge-scheduled", "apigateway-rest",
                                                               "apigateway-http"]))
sys.exit(1 if failures else 0)
