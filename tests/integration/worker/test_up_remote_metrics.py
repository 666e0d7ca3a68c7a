"""`sluice up` counts the runs of its mappings of remote queues (QueueUrl) in AWS/Lambda, as it
counts the runs of the control plane's mappings: two messages at a remote queue (in the stand-in
SQS of worker_support) make two Invocations of the function, no Errors and two Duration samples,
read back through boto3's CloudWatch client. About 5 s.

    test_up_remote_metrics.py --sluice BIN

Skips (77) when /usr/bin/python3 has no boto3.
"""

import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import worker_support as ws  # noqa: E402

QUEUES = {"remote": {}}


def lambda_statistic(cloudwatch, metric, statistic):
    now = time.time()
    points = cloudwatch.get_metric_statistics(
        Namespace="AWS/Lambda", MetricName=metric, Dimensions=[{"Name": "FunctionName", "Value": "recorder"}],
        StartTime=now - 3600, EndTime=now + 600, Period=3600, Statistics=[statistic])["Datapoints"]
    return sum(p[statistic] for p in points)


def body(f):
    import boto3
    out = os.path.join(f.work, "up.txt")
    config_path = os.path.join(f.work, "up.json")
    with open(config_path, "w") as config:
        json.dump(ws.recorder_config([f.queue_url("remote")], out, "up", mappings=[{"BatchSize": 1}]), config)
    up = ws.sluice_server.SluiceServer(ws.sluice_server_binary(), extra_args=[config_path], env=ws.worker_env())
    try:
        up.start()
        for text in ("one", "two"):
            f.client.send_message(QueueUrl=f.queue_url("remote"), MessageBody=text)
        def done():
            return [r[2] for r in ws.records(out) if r[0] == "done"]

        if not ws.wait_for(lambda: sorted(done()) == ["one", "two"], 30):
            raise AssertionError("the function did not finish both messages: %s\n%s" % (ws.records(out), up.log_text()))
        cloudwatch = boto3.client("cloudwatch", endpoint_url=up.endpoint, region_name="us-east-1",
                                  aws_access_key_id=ws.ACCESS_KEY, aws_secret_access_key=ws.SECRET_KEY)
        if not ws.wait_for(lambda: lambda_statistic(cloudwatch, "Invocations", "Sum") == 2, 10):
            f.failures.append("Invocations of the remote mapping's function: %s"
                              % lambda_statistic(cloudwatch, "Invocations", "Sum"))
        if lambda_statistic(cloudwatch, "Errors", "Sum") != 0:
            f.failures.append("Errors: %s" % lambda_statistic(cloudwatch, "Errors", "Sum"))
        if lambda_statistic(cloudwatch, "Duration", "SampleCount") != 2:
            f.failures.append("Duration samples: %s" % lambda_statistic(cloudwatch, "Duration", "SampleCount"))
    finally:
        up.stop()
        up.close()


if __name__ == "__main__":
    sys.exit(ws.main(__file__, "up remote metrics", QUEUES, body))
