"""GET /metrics and GET /health against a live sluice with a data directory.

A configuration declares the echo plugin as function "echo" behind the queue "jobs" and a second
queue "held" with a delay. After a few requests through boto3 (one of them refused with a 400):

- every line of /metrics is read by a strict parser of the text exposition format (HELP, TYPE,
  samples with escaped labels, histogram buckets cumulative and ending in +Inf = _count), and
  the values are the server's: queue depths (visible, in flight, delayed), requests by service,
  action and status, the function's environments, the mapping's LastProcessingResult, RSS, and
  CloudWatch's AWS/SQS and AWS/SNS counts (messages sent and received, a published message);
- Debian's `promtool check metrics` accepts the text, and a real `prometheus` scrapes the server
  once (target up, a queue's depth queryable); both skip with a note when not installed;
- /health reports the components' readiness and still lists the mapping.

    test_metrics.py --sluice BIN --echo-plugin SO

Skips (77) when /usr/bin/python3 has no boto3.
"""

import argparse
import json
import math
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import sluice_server  # noqa: E402

try:
    import boto3
    from botocore.exceptions import ClientError
except ImportError:
    print("SKIP: boto3 is not installed")
    sys.exit(77)

SETTLE_TIMEOUT_S = 60
CREDENTIALS = dict(region_name="us-east-1", aws_access_key_id="test", aws_secret_access_key="test")

NAME = r"[a-zA-Z_:][a-zA-Z0-9_:]*"
LABEL_VALUE = r'"(?:[^"\\\n]|\\\\|\\"|\\n)*"'
SAMPLE = re.compile(r"^(%s)(?:\{((?:[a-zA-Z_][a-zA-Z0-9_]*=%s)(?:,[a-zA-Z_][a-zA-Z0-9_]*=%s)*)\})? (\S+)$"
                    % (NAME, LABEL_VALUE, LABEL_VALUE))
LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)=(%s)' % LABEL_VALUE)


def parse_exposition(text):
    """{family: {"type", "help", "samples": [(name, labels dict, value)]}}; raises on any bad line."""
    families = {}
    current = None
    for number, line in enumerate(text.split("\n"), 1):
        if line == "":
            continue
        if line.startswith("# HELP "):
            name, _, help_text = line[7:].partition(" ")
            current = families.setdefault(name, {"samples": []})
            current["help"] = help_text
            continue
        if line.startswith("# TYPE "):
            name, _, kind = line[7:].partition(" ")
            if kind not in ("counter", "gauge", "histogram", "summary", "untyped"):
                raise ValueError("line %d: type %r" % (number, kind))
            if name in families and families[name]["samples"]:
                raise ValueError("line %d: TYPE after samples of %s" % (number, name))
            current = families.setdefault(name, {"samples": []})
            current["type"] = kind
            current["name"] = name
            continue
        if line.startswith("#"):
            continue
        m = SAMPLE.match(line)
        if not m:
            raise ValueError("line %d is not a sample: %r" % (number, line))
        name, labels_text, value_text = m.groups()
        labels = {}
        for key, quoted in LABEL.findall(labels_text or ""):
            labels[key] = json.loads(quoted)
        value = float(value_text.replace("+Inf", "inf").replace("-Inf", "-inf"))
        base = name
        for suffix in ("_bucket", "_sum", "_count"):
            if name.endswith(suffix) and name[: -len(suffix)] in families:
                base = name[: -len(suffix)]
        if base not in families or "type" not in families[base]:
            raise ValueError("line %d: sample %s without its family's TYPE" % (number, name))
        families[base]["samples"].append((name, labels, value))
    return families


def check_histograms(families, failures):
    for name, family in families.items():
        if family.get("type") != "histogram":
            continue
        series = {}
        for sample_name, labels, value in family["samples"]:
            key = tuple(sorted((k, v) for k, v in labels.items() if k != "le"))
            entry = series.setdefault(key, {"buckets": [], "count": None})
            if sample_name.endswith("_bucket"):
                entry["buckets"].append((float(labels["le"].replace("+Inf", "inf")), value))
            elif sample_name.endswith("_count"):
                entry["count"] = value
        for key, entry in series.items():
            values = [v for _, v in entry["buckets"]]
            bounds = [b for b, _ in entry["buckets"]]
            if values != sorted(values) or bounds != sorted(bounds) or not bounds or not math.isinf(bounds[-1]):
                failures.append("histogram %s %r buckets %r" % (name, key, entry["buckets"]))
            elif values[-1] != entry["count"]:
                failures.append("histogram %s %r: +Inf bucket %r, count %r" % (name, key, values[-1], entry["count"]))


def value_of(families, family, name=None, **labels):
    for sample_name, sample_labels, value in families.get(family, {}).get("samples", []):
        if (name or family) == sample_name and all(sample_labels.get(k) == v for k, v in labels.items()):
            return value
    return None


def get(endpoint, path):
    with urllib.request.urlopen(endpoint + path, timeout=10) as r:
        return r.headers.get("Content-Type", ""), r.read().decode("utf-8")


def wait_for(condition, timeout_s=SETTLE_TIMEOUT_S):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    return condition()


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def check_with_promtool(text, failures):
    promtool = shutil.which("promtool")
    if not promtool:
        print("note: promtool is not installed; `promtool check metrics` not run")
        return
    run = subprocess.run([promtool, "check", "metrics"], input=text.encode(), capture_output=True, timeout=60)
    if run.returncode != 0:
        failures.append("promtool check metrics: %s %s" % (run.stdout.decode(), run.stderr.decode()))


def scrape_with_prometheus(server, work, failures):
    binary = shutil.which("prometheus")
    if not binary:
        print("note: prometheus is not installed; no real scrape")
        return
    port = free_port()
    config = os.path.join(work, "prometheus.yml")
    with open(config, "w") as f:
        f.write("global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\nscrape_configs:\n"
                "  - job_name: sluice\n    static_configs:\n      - targets: ['127.0.0.1:%d']\n" % server.port)
    log = open(os.path.join(work, "prometheus.log"), "w+b")
    process = subprocess.Popen([binary, "--config.file", config, "--storage.tsdb.path", os.path.join(work, "tsdb"),
                                "--web.listen-address", "127.0.0.1:%d" % port],
                               stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)

    def query(expression):
        url = "http://127.0.0.1:%d/api/v1/query?query=%s" % (port, urllib.parse.quote(expression))
        try:
            with urllib.request.urlopen(url, timeout=5) as r:
                return json.loads(r.read())["data"]["result"]
        except Exception:
            return None

    try:
        up = wait_for(lambda: [r for r in (query('up{job="sluice"}') or []) if r["value"][1] == "1"])
        if not up:
            log.seek(0)
            failures.append("prometheus never saw the target up: %s" % log.read().decode("utf-8", "replace")[-2000:])
            return
        depth = wait_for(lambda: query('sluice_sqs_messages_delayed{queue="held"}'))
        if not depth or depth[0]["value"][1] != "1":
            failures.append("prometheus query of a queue's depth: %r" % depth)
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def run(server, work, failures):
    sqs = boto3.client("sqs", endpoint_url=server.endpoint, **CREDENTIALS)
    jobs = sqs.get_queue_url(QueueName="jobs")["QueueUrl"]
    held = sqs.create_queue(QueueName="held", Attributes={"DelaySeconds": "900"})["QueueUrl"]
    sqs.send_message(QueueUrl=held, MessageBody="later")
    # A long poll that ends empty is one empty receive, as on AWS.
    if sqs.receive_message(QueueUrl=held, WaitTimeSeconds=1).get("Messages"):
        failures.append("a delayed message was received")
    sqs.send_message(QueueUrl=jobs, MessageBody="now")
    sns = boto3.client("sns", endpoint_url=server.endpoint, **CREDENTIALS)
    topic = sns.create_topic(Name="alerts")["TopicArn"]
    sns.publish(TopicArn=topic, Message="no subscribers")
    try:
        sqs.get_queue_url(QueueName="no-such-queue")
        failures.append("GetQueueUrl of a missing queue succeeded")
    except ClientError:
        pass

    # The mapping processes the message; the function then has an environment.
    def processed():
        answer = json.loads(get(server.endpoint, "/health")[1])
        return any(m.get("LastProcessingResult") == "OK" for m in answer.get("eventSourceMappings", []))

    if not wait_for(processed):
        failures.append("the mapping never processed the message")

    content_type, text = get(server.endpoint, "/metrics")
    if not content_type.startswith("text/plain; version=0.0.4"):
        failures.append("Content-Type %r" % content_type)
    try:
        families = parse_exposition(text)
    except ValueError as e:
        failures.append("/metrics does not parse: %s\n%s" % (e, text))
        return
    check_histograms(families, failures)
    expectations = [
        ("sluice_sqs_messages_delayed", {"queue": "held"}, lambda v: v == 1),
        ("sluice_sqs_messages_visible", {"queue": "held"}, lambda v: v == 0),
        ("sluice_sqs_messages_in_flight", {"queue": "jobs"}, lambda v: v is not None),
        ("sluice_requests_total", {"service": "sqs", "action": "SendMessage", "status": "200"}, lambda v: v >= 2),
        ("sluice_requests_total", {"service": "sqs", "action": "GetQueueUrl", "status": "400"}, lambda v: v == 1),
        ("sluice_open_connections", {}, lambda v: v >= 1),
        ("sluice_parked_long_polls", {}, lambda v: v == 0),
        ("sluice_function_environments_started_total", {"function": "echo"}, lambda v: v >= 1),
        ("sluice_event_source_mapping_info", {"state": "Enabled", "last_processing_result": "OK"}, lambda v: v == 1),
        ("sluice_resident_memory_bytes", {}, lambda v: v > 1_000_000),
        ("sluice_logs_dropped_events_total", {}, lambda v: v == 0),
        # CloudWatch's AWS/SQS and AWS/SNS series, under the same names with Prometheus's spelling.
        ("sluice_sqs_messages_sent_total", {"queue": "held"}, lambda v: v == 1),
        ("sluice_sqs_messages_received_total", {"queue": "jobs"}, lambda v: v >= 1),
        ("sluice_sqs_sent_message_size_bytes_sum", {"queue": "held"}, lambda v: v == len("later")),
        ("sluice_sqs_empty_receives_total", {"queue": "held"}, lambda v: v == 1),
        ("sluice_sns_messages_published_total", {"topic": "alerts"}, lambda v: v == 1),
        ("sluice_sns_publish_size_bytes_count", {"topic": "alerts"}, lambda v: v == 1),
    ]
    summaries = {"sluice_sqs_sent_message_size_bytes_sum": "sluice_sqs_sent_message_size_bytes",
                 "sluice_sns_publish_size_bytes_count": "sluice_sns_publish_size_bytes"}
    for family, labels, ok in expectations:
        if family in summaries:
            value = value_of(families, summaries[family], family, **labels)
        else:
            value = value_of(families, family, **labels)
        if value is None or not ok(value):
            failures.append("%s%r = %r" % (family, labels, value))
    count = value_of(families, "sluice_request_duration_seconds", "sluice_request_duration_seconds_count",
                     service="sqs")
    if not count or count < 4:
        failures.append("request latency count for sqs: %r" % count)
    # The durable store's commits: the sends above were each committed before their answer.
    commits = value_of(families, "sluice_sqs_store_commit_duration_seconds",
                       "sluice_sqs_store_commit_duration_seconds_count")
    if not commits or commits < 2:
        failures.append("store commits counted: %r" % commits)
    changes = value_of(families, "sluice_sqs_store_committed_changes_total")
    if not changes or changes < commits:
        failures.append("store changes committed: %r (commits %r)" % (changes, commits))
    if value_of(families, "sluice_sqs_store_failed_commits_total") != 0:
        failures.append("failed commits: %r" % value_of(families, "sluice_sqs_store_failed_commits_total"))
    check_with_promtool(text, failures)
    scrape_with_prometheus(server, work, failures)

    health = json.loads(get(server.endpoint, "/health")[1])
    components = health.get("components", {})
    if health.get("status") != "ok" or components.get("ready") is not True:
        failures.append("/health %r" % health)
    if components.get("store") != {"status": "ready", "durable": True, "durability": "kill-9"}:
        failures.append("/health store %r" % components.get("store"))
    if components.get("logs", {}).get("status") != "ready":
        failures.append("/health logs %r" % components.get("logs"))
    if len(health.get("eventSourceMappings", [])) != 1:
        failures.append("/health mappings %r" % health.get("eventSourceMappings"))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--sluice", required=True)
    parser.add_argument("--echo-plugin", required=True)
    opts = parser.parse_args()
    failures = []
    with tempfile.TemporaryDirectory(prefix="sluice-metrics-") as work:
        config = os.path.join(work, "sluice.json")
        with open(config, "w") as f:
            json.dump({"queues": [{"QueueName": "jobs"}],
                       "functions": [{"FunctionName": "echo", "Handler": os.path.abspath(opts.echo_plugin),
                                      "Timeout": 3}],
                       "eventSourceMappings": [{"FunctionName": "echo", "EventSourceArn": "jobs", "BatchSize": 1}]},
                      f)
        server = sluice_server.SluiceServer(opts.sluice, use_data_dir=True, extra_args=[config])
        server.start()
        try:
            run(server, work, failures)
        finally:
            code = server.stop()
            log = server.log_text()
            server.close()
        if code != 0:
            failures.append("server did not stop cleanly (status %s)" % code)
    if failures:
        print("---- server log ----\n" + log, file=sys.stderr)
        for f in failures:
            print("FAIL: " + f, file=sys.stderr)
        return 1
    print("PASS: /metrics parses and carries the server's series; promtool and prometheus accept it; /health")
    return 0


if __name__ == "__main__":
    sys.exit(main())
