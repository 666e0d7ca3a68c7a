"""GET /health lists every running event-source mapping, the configuration's and those created
over the Lambda API, with its UUID, function, queue ARN, state and LastProcessingResult; each
change of a LastProcessingResult is a line of the server's log, for both kinds of mapping.

The configuration declares a native function (the echo plugin) behind the queue "from-config";
over boto3's Lambda client the test creates a Python function (the shim's fixture handler, which
raises when a message says "raise") and a mapping from the queue "from-api". One message each:
the configuration's mapping turns "OK", the API's "PROBLEM: Function call failed". Deleting the
API's mapping takes it off the health answer.

    test_mapping_health.py --sluice BIN --echo-plugin SO --fixtures DIR

Skips (77) when /usr/bin/python3 has no boto3.
"""

import argparse
import io
import json
import os
import sys
import tempfile
import time
import urllib.request
import zipfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import sluice_server  # noqa: E402

try:
    import boto3
except ImportError:
    print("SKIP: boto3 is not installed")
    sys.exit(77)

SETTLE_TIMEOUT_S = 120
CREDENTIALS = dict(region_name="us-east-1", aws_access_key_id="test", aws_secret_access_key="test")
ROLE = "arn:aws:iam::123456789012:role/lambda-role"
PROBLEM = "PROBLEM: Function call failed"


def write_config(work, echo_plugin):
    config = {
        "queues": [{"QueueName": "from-config"}],
        "functions": [{"FunctionName": "echo", "Handler": echo_plugin, "Timeout": 3}],
        "eventSourceMappings": [{"FunctionName": "echo", "EventSourceArn": "from-config", "BatchSize": 1}],
    }
    path = os.path.join(work, "sluice.json")
    with open(path, "w") as f:
        json.dump(config, f)
    return path


def python_zip(fixtures):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.write(os.path.join(fixtures, "python", "app.py"), "app.py")
    return buffer.getvalue()


def health(endpoint):
    with urllib.request.urlopen(endpoint + "/health", timeout=10) as r:
        return json.loads(r.read())


def mapping_on(answer, uuid=None, queue_arn=None):
    for m in answer.get("eventSourceMappings", []):
        if m.get("UUID") == uuid or m.get("EventSourceArn") == queue_arn:
            return m
    return None


def wait_for(condition, timeout_s=SETTLE_TIMEOUT_S):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return condition()


def run(server, fixtures, failures):
    sqs = boto3.client("sqs", endpoint_url=server.endpoint, **CREDENTIALS)
    lam = boto3.client("lambda", endpoint_url=server.endpoint, **CREDENTIALS)
    config_url = sqs.get_queue_url(QueueName="from-config")["QueueUrl"]
    config_arn = sqs.get_queue_attributes(QueueUrl=config_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]

    first = health(server.endpoint)
    if first.get("status") != "ok":
        failures.append("/health lost its status: %r" % first)
    from_config = mapping_on(first, queue_arn=config_arn)
    if not from_config:
        failures.append("the configuration's mapping is not on /health: %r" % first)
        return
    if not from_config.get("FunctionArn", "").endswith(":function:echo"):
        failures.append("configuration mapping FunctionArn %r" % from_config.get("FunctionArn"))
    for key, value in {"EventSourceArn": config_arn, "State": "Enabled",
                       "LastProcessingResult": "No records processed"}.items():
        if from_config.get(key) != value:
            failures.append("configuration mapping %s: %r, expected %r" % (key, from_config.get(key), value))
    config_uuid = from_config.get("UUID", "")
    if len(config_uuid) != 36:
        failures.append("configuration mapping UUID %r" % config_uuid)

    api_url = sqs.create_queue(QueueName="from-api")["QueueUrl"]
    api_arn = sqs.get_queue_attributes(QueueUrl=api_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    function_arn = lam.create_function(FunctionName="raiser", Runtime="python3.11", Role=ROLE, Handler="app.handler",
                                       Code={"ZipFile": python_zip(fixtures)}, Timeout=10)["FunctionArn"]
    lam.get_waiter("function_active").wait(FunctionName="raiser", WaiterConfig={"Delay": 0.2, "MaxAttempts": 300})
    api_uuid = lam.create_event_source_mapping(EventSourceArn=api_arn, FunctionName="raiser", BatchSize=1)["UUID"]
    if not wait_for(lambda: (mapping_on(health(server.endpoint), uuid=api_uuid) or {}).get("State") == "Enabled"):
        failures.append("the API's mapping is not on /health as Enabled: %r" % health(server.endpoint))
        return
    from_api = mapping_on(health(server.endpoint), uuid=api_uuid)
    for key, value in {"FunctionArn": function_arn, "EventSourceArn": api_arn,
                       "LastProcessingResult": "No records processed"}.items():
        if from_api.get(key) != value:
            failures.append("API mapping %s: %r, expected %r" % (key, from_api.get(key), value))

    sqs.send_message(QueueUrl=config_url, MessageBody="hello")
    sqs.send_message(QueueUrl=api_url, MessageBody="raise")

    def results():
        answer = health(server.endpoint)
        return ((mapping_on(answer, uuid=config_uuid) or {}).get("LastProcessingResult"),
                (mapping_on(answer, uuid=api_uuid) or {}).get("LastProcessingResult"))

    if not wait_for(lambda: results() == ("OK", PROBLEM)):
        failures.append("LastProcessingResult on /health (configuration, API): %r" % (results(),))

    log = server.log_text()
    for uuid, arn, result in ((config_uuid, config_arn, "OK"), (api_uuid, api_arn, PROBLEM)):
        line = "event-source mapping %s (%s): LastProcessingResult: %s" % (uuid, arn, result)
        if line not in log:
            failures.append("no log line %r" % line)

    lam.delete_event_source_mapping(UUID=api_uuid)
    if not wait_for(lambda: mapping_on(health(server.endpoint), uuid=api_uuid) is None):
        failures.append("the deleted mapping is still on /health: %r" % health(server.endpoint))
    if not mapping_on(health(server.endpoint), uuid=config_uuid):
        failures.append("the configuration's mapping left /health with the API's")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--sluice", required=True)
    parser.add_argument("--echo-plugin", required=True)
    parser.add_argument("--fixtures", required=True)
    opts = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="sluice-mapping-health-") as work:
        config = write_config(work, os.path.abspath(opts.echo_plugin))
        server = sluice_server.SluiceServer(opts.sluice, extra_args=[config])
        server.start()
        failures = []
        try:
            run(server, os.path.abspath(opts.fixtures), failures)
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
        print("PASS: /health shows every mapping's state and LastProcessingResult; each change is logged")
        return 0


if __name__ == "__main__":
    sys.exit(main())
