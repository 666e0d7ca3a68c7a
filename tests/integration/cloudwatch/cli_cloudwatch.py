"""The AWS CLI's cloudwatch commands against a live sluice: custom metrics in and statistics out,
an alarm set by hand and its history, and an error. Runs the system's `aws` (Debian's CLI v2
speaks Query to CloudWatch; a newer CLI JSON 1.0) with --endpoint-url and dummy credentials from
the environment sluice_server.py prepares. Skips (exit 77) without `aws`. Standard library only.
"""

import datetime
import json
import os
import shutil
import subprocess
import sys
import unittest
import uuid

ENDPOINT = os.environ.get("SLUICE_ENDPOINT", "")
AWS = os.environ.get("AWS_CLI", "/usr/bin/aws")


def aws(*args, expect_ok=True):
    cmd = [AWS, "cloudwatch", *args, "--endpoint-url", ENDPOINT, "--region", "us-east-1", "--no-cli-pager",
           "--output", "json"]
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
    if expect_ok:
        if r.returncode != 0:
            raise AssertionError("%s failed (%d): %s" % (args[0], r.returncode, r.stderr))
        return json.loads(r.stdout) if r.stdout.strip() else {}
    return r


def iso(t):
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


class CloudWatchCliTest(unittest.TestCase):
    def test_metrics_and_statistics(self):
        ns = "Cli" + uuid.uuid4().hex[:8]
        aws("put-metric-data", "--namespace", ns, "--metric-name", "Jobs", "--value", "4", "--unit", "Count",
            "--dimensions", "Queue=main")
        aws("put-metric-data", "--namespace", ns, "--metric-name", "Jobs", "--value", "6", "--unit", "Count",
            "--dimensions", "Queue=main")
        listed = aws("list-metrics", "--namespace", ns)["Metrics"]
        self.assertEqual(listed, [{"Namespace": ns, "MetricName": "Jobs",
                                   "Dimensions": [{"Name": "Queue", "Value": "main"}]}])
        now = datetime.datetime.now(datetime.timezone.utc)
        stats = aws("get-metric-statistics", "--namespace", ns, "--metric-name", "Jobs", "--dimensions",
                    "Name=Queue,Value=main", "--start-time", iso(now - datetime.timedelta(minutes=10)),
                    "--end-time", iso(now + datetime.timedelta(minutes=5)), "--period", "900",
                    "--statistics", "Sum", "Average", "SampleCount")
        self.assertEqual(stats["Label"], "Jobs")
        [point] = stats["Datapoints"]
        self.assertEqual((point["Sum"], point["Average"], point["SampleCount"]), (10.0, 5.0, 2.0))
        self.assertEqual(point["Unit"], "Count")

    def test_alarm_state_by_hand_and_history(self):
        name = "cli-alarm-" + uuid.uuid4().hex[:8]
        aws("put-metric-alarm", "--alarm-name", name, "--namespace", "Cli", "--metric-name", "Jobs",
            "--statistic", "Sum", "--period", "60", "--evaluation-periods", "1", "--threshold", "3",
            "--comparison-operator", "GreaterThanThreshold", "--treat-missing-data", "ignore")
        aws("set-alarm-state", "--alarm-name", name, "--state-value", "ALARM", "--state-reason", "drill")
        [alarm] = aws("describe-alarms", "--alarm-names", name)["MetricAlarms"]
        self.assertEqual((alarm["StateValue"], alarm["StateReason"]), ("ALARM", "drill"))
        history = aws("describe-alarm-history", "--alarm-name", name)["AlarmHistoryItems"]
        self.assertEqual(history[0]["HistorySummary"], "Alarm updated from INSUFFICIENT_DATA to ALARM")
        aws("delete-alarms", "--alarm-names", name)
        self.assertEqual(aws("describe-alarms", "--alarm-names", name)["MetricAlarms"], [])

    def test_error_names_the_code(self):
        r = aws("delete-alarms", "--alarm-names", "missing-" + uuid.uuid4().hex, expect_ok=False)
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("ResourceNotFound", r.stderr)


if __name__ == "__main__":
    if not ENDPOINT:
        print("SLUICE_ENDPOINT is not set: run through tests/integration/sluice_server.py")
        sys.exit(2)
    if not shutil.which(AWS):
        print("SKIP: %s not found" % AWS)
        sys.exit(77)
    result = unittest.main(exit=False, verbosity=2).result
    sys.exit(0 if result.wasSuccessful() else 1)
