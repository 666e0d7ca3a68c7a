"""`sluice worker --template`: a SAM template's function and its SQS event source run against the
queue of that name at the endpoint (a `sluice up` standing in for SQS, with the queue already
there). The worker creates nothing: the template's queue and topic, and a resource type it knows
nothing of, are each printed as skipped with the reason; the queue's messages reach the function
and are deleted; SIGTERM drains and exits 0. About 5 s.

    test_worker_template.py --sluice BIN

Skips (77) when /usr/bin/python3 has no boto3.
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import worker_support as ws  # noqa: E402

TEMPLATE = """AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  Jobs:
    Type: AWS::SQS::Queue
    Properties:
      QueueName: jobs
      VisibilityTimeout: 60
  News:
    Type: AWS::SNS::Topic
  Uploads:
    Type: AWS::S3::Bucket
  Recorder:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: {code}
      Handler: app.handler
      Runtime: python3.12
      Timeout: 5
      Environment:
        Variables:
          FLEET_OUT: {out}
          FLEET_WORKER: templated
          FLEET_SLEEP: "0"
      Events:
        FromJobs:
          Type: SQS
          Properties:
            Queue: !GetAtt Jobs.Arn
            BatchSize: 5
"""


def body(f):
    url = f.queue_url("jobs")
    out = os.path.join(f.work, "template.txt")
    path = os.path.join(f.work, "template.yaml")
    with open(path, "w") as template:
        template.write(TEMPLATE.format(code=os.path.join(ws.HERE, "recorder"), out=out))
    worker = ws.Worker(f.work, "templated", [], out, template=path,
                       args=["--endpoint-url", f.sqs.endpoint, "--account", ws.ACCOUNT])
    try:
        log = worker.log_text()
        for resource, why in (("queue jobs (AWS::SQS::Queue)", "creates no queues"),
                              ("topic News (AWS::SNS::Topic", "creates no topics"),
                              ("Uploads (AWS::S3::Bucket)", "a resource type sluice does not create")):
            line = next((l for l in log.splitlines() if "skipped " + resource in l), "")
            if why not in line:
                f.failures.append("no line saying %s is skipped because it %s:\n%s" % (resource, why, log))
        if not ws.wait_for(worker.connected, 20):
            raise AssertionError("the worker did not reach the queue:\n" + worker.log_text())
        health = worker.health()["eventSourceMappings"]
        if [m["QueueUrl"] for m in health] != [url]:
            f.failures.append("the mapping polls %s, expected %s" % ([m["QueueUrl"] for m in health], url))
        bodies = {"t%d" % i for i in range(7)}
        for text in sorted(bodies):
            f.client.send_message(QueueUrl=url, MessageBody=text)
        done = lambda: {b for kind, _, b in ws.records(out) if kind == "done"}  # noqa: E731
        if not ws.wait_for(lambda: done() >= bodies, 20):
            f.failures.append("the function did not get every message: %s" % sorted(bodies - done()))
        if not ws.wait_for(lambda: f.counts(url) == (0, 0), 10):
            f.failures.append("the processed messages were not deleted: %s" % (f.counts(url),))
        code = worker.terminate()
        if code != 0:
            f.failures.append("exit %s after SIGTERM:\n%s" % (code, worker.log_text()))
    finally:
        worker.close()


if __name__ == "__main__":
    sys.exit(ws.main(__file__, "worker template", {"jobs": {"VisibilityTimeout": ws.stand_in_seconds(60)}}, body))
