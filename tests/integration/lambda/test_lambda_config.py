"""The configuration file's functions and event-source mappings through Lambda's API: applied at
start through the control plane, so GetFunction, ListFunctions and ListEventSourceMappings show
them; a restart (and a second start on the same data) makes no duplicate and changes nothing; a
function the API created under a declared name is brought to the declaration at the next start;
and the declared mapping runs the declared function."""

import json
import os
import tempfile
import time
import uuid

import boto3

import sluice_server
from conftest import CREDENTIALS, ROLE, zip_bytes


def unique(prefix):
    return "%s-%s" % (prefix, uuid.uuid4().hex[:8])


def wait_for(condition, timeout=30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


def write_config(folder, document):
    path = os.path.join(folder, "sluice.json")
    with open(path, "w") as f:
        json.dump(document, f)
    return path


def declared(queue, function, timeout=7, environment=None):
    return {
        "queues": [{"QueueName": queue}],
        "functions": [{"FunctionName": function, "Handler": os.environ["SLUICE_ECHO_PLUGIN"], "Timeout": timeout,
                       "MemorySize": 256, "Environment": {"Variables": environment or {"STAGE": "local"}}}],
        "eventSourceMappings": [{"FunctionName": function, "EventSourceArn": queue, "BatchSize": 5}],
    }


def clients(server):
    return (boto3.client("lambda", endpoint_url=server.endpoint, **CREDENTIALS),
            boto3.client("sqs", endpoint_url=server.endpoint, **CREDENTIALS))


def mappings_of(lam, function):
    return lam.list_event_source_mappings(FunctionName=function)["EventSourceMappings"]


def test_declared_functions_and_mappings_show_in_the_api_and_survive_restarts():
    with tempfile.TemporaryDirectory(prefix="sluice-config-") as folder:
        queue, function = unique("orders"), unique("processor")
        config = write_config(folder, declared(queue, function))
        data = os.path.join(folder, "data")
        server = sluice_server.SluiceServer(os.environ["SLUICE_BIN"], data_dir=data, extra_args=[config])
        server.start()
        try:
            lam, sqs = clients(server)
            got = lam.get_function(FunctionName=function)["Configuration"]
            assert got["State"] == "Active"
            assert got["Timeout"] == 7 and got["MemorySize"] == 256
            assert got["Environment"] == {"Variables": {"STAGE": "local"}}
            assert got["FunctionArn"] == "arn:aws:lambda:us-east-1:123456789012:function:" + function
            assert function in [f["FunctionName"] for f in lam.list_functions()["Functions"]]
            first = mappings_of(lam, function)
            assert len(first) == 1
            queue_arn = "arn:aws:sqs:us-east-1:123456789012:" + queue
            assert first[0]["EventSourceArn"] == queue_arn and first[0]["BatchSize"] == 5
            assert first[0]["FunctionArn"] == got["FunctionArn"]
            assert wait_for(lambda: lam.get_event_source_mapping(UUID=first[0]["UUID"])["State"] == "Enabled")

            # The declared mapping runs the declared function.
            url = sqs.get_queue_url(QueueName=queue)["QueueUrl"]
            sqs.send_message(QueueUrl=url, MessageBody="from the queue")
            assert wait_for(lambda: ("[%s] START RequestId:" % function) in server.log_text())
            answer = lam.invoke(FunctionName=function, Payload=b'{"direct": true}')
            assert answer["StatusCode"] == 200 and "FunctionError" not in answer

            # A restart on the same data: the same function (same RevisionId) and one mapping, the same one.
            assert server.stop() == 0
            server.start()
            lam, sqs = clients(server)
            again = lam.get_function(FunctionName=function)["Configuration"]
            assert again["RevisionId"] == got["RevisionId"]
            assert again["LastModified"] == got["LastModified"]
            assert [m["UUID"] for m in mappings_of(lam, function)] == [first[0]["UUID"]]
            assert [f["FunctionName"] for f in lam.list_functions()["Functions"]].count(function) == 1
        finally:
            server.stop()
            server.close()


def test_the_declaration_wins_over_an_api_function_of_the_same_name_at_start(echo_zip):
    with tempfile.TemporaryDirectory(prefix="sluice-config-") as folder:
        queue, function = unique("orders"), unique("shared")
        data = os.path.join(folder, "data")
        # First the name exists only through the API, with settings of its own, a tag and a version.
        plain = sluice_server.SluiceServer(os.environ["SLUICE_BIN"], data_dir=data)
        plain.start()
        try:
            lam, _ = clients(plain)
            lam.create_function(FunctionName=function, Runtime="provided.al2023", Role=ROLE, Handler="echo",
                                Code={"ZipFile": echo_zip}, Timeout=30, Tags={"owner": "api"})
            lam.get_waiter("function_active").wait(FunctionName=function, WaiterConfig={"Delay": 0.1,
                                                                                        "MaxAttempts": 100})
            lam.publish_version(FunctionName=function)
        finally:
            assert plain.stop() == 0
            plain.close()
        config = write_config(folder, declared(queue, function, timeout=9, environment={"FROM": "config"}))
        server = sluice_server.SluiceServer(os.environ["SLUICE_BIN"], data_dir=data, extra_args=[config])
        server.start()
        try:
            lam, _ = clients(server)
            got = lam.get_function(FunctionName=function)
            assert got["Configuration"]["Timeout"] == 9
            assert got["Configuration"]["Environment"] == {"Variables": {"FROM": "config"}}
            assert got["Configuration"]["LastUpdateStatus"] == "Successful"
            assert got["Tags"] == {"owner": "api"}  # what the configuration cannot say is kept
            versions = lam.list_versions_by_function(FunctionName=function)["Versions"]
            assert [v["Version"] for v in versions] == ["$LATEST", "1"]
            answer = lam.invoke(FunctionName=function, Payload=b'{"n": 1}')
            assert "FunctionError" not in answer
            # The API may change it while the server runs ...
            lam.update_function_configuration(FunctionName=function, Timeout=20)
            assert wait_for(lambda: lam.get_function(FunctionName=function)["Configuration"]["Timeout"] == 20)
            assert wait_for(lambda: lam.get_function(FunctionName=function)["Configuration"]["LastUpdateStatus"]
                            == "Successful")
            # ... until the next start applies the declaration again.
            assert server.stop() == 0
            server.start()
            lam, _ = clients(server)
            assert lam.get_function(FunctionName=function)["Configuration"]["Timeout"] == 9
            assert len(mappings_of(lam, function)) == 1
        finally:
            server.stop()
            server.close()
