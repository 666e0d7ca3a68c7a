"""The Lambda function API through boto3 against a live sluice up: create (zip with a native
handler), states and waiters, get, list with pages, update code and configuration, invoke
(RequestResponse, function errors, LogType Tail, DryRun), hot reload, delete, AWS's errors, and
everything still there after a restart."""

import base64
import json
import os
import uuid

import pytest
from botocore.exceptions import ClientError

from conftest import ROLE, zip_bytes

WAITER = {"Delay": 0.1, "MaxAttempts": 100}


def unique(prefix):
    return "%s-%s" % (prefix, uuid.uuid4().hex[:8])


def create(lam, name, code, handler="echo", **extra):
    return lam.create_function(FunctionName=name, Runtime="provided.al2023", Role=ROLE, Handler=handler,
                               Code=code, **extra)


def wait_active(lam, name):
    lam.get_waiter("function_active").wait(FunctionName=name, WaiterConfig=WAITER)


def wait_updated(lam, name):
    lam.get_waiter("function_updated").wait(FunctionName=name, WaiterConfig=WAITER)


def error_of(call):
    with pytest.raises(ClientError) as caught:
        call()
    return caught.value.response


def test_create_wait_active_and_invoke(lam, echo_zip):
    name = unique("echo")
    created = create(lam, name, {"ZipFile": echo_zip}, Timeout=5, MemorySize=256, Description="echoes",
                     Environment={"Variables": {"ECHO_GREETING": "hi"}}, Tags={"team": "orders"})
    assert created["ResponseMetadata"]["HTTPStatusCode"] == 201
    assert created["State"] == "Pending"
    assert created["StateReasonCode"] == "Creating"
    assert created["FunctionArn"] == "arn:aws:lambda:us-east-1:123456789012:function:" + name
    assert created["CodeSize"] == len(echo_zip)
    assert created["Runtime"] == "provided.al2023" and created["Handler"] == "echo"
    assert created["Timeout"] == 5 and created["MemorySize"] == 256
    assert created["Version"] == "$LATEST" and created["PackageType"] == "Zip"
    wait_active(lam, name)

    config = lam.get_function_configuration(FunctionName=name)
    assert config["State"] == "Active"
    assert config["Environment"] == {"Variables": {"ECHO_GREETING": "hi"}}
    got = lam.get_function(FunctionName=name)
    assert got["Configuration"]["CodeSha256"] == created["CodeSha256"]
    assert got["Tags"] == {"team": "orders"}

    answer = lam.invoke(FunctionName=name, Payload=json.dumps({"order": 1002}).encode())
    assert answer["StatusCode"] == 200
    assert "FunctionError" not in answer
    assert answer["ExecutedVersion"] == "$LATEST"
    assert json.loads(answer["Payload"].read()) == {"order": 1002}


def test_invoke_by_arn_with_log_tail_and_dry_run(lam, echo_zip):
    name = unique("tail")
    arn = create(lam, name, {"ZipFile": echo_zip},
                 Environment={"Variables": {"ECHO_GREETING": "hello"}})["FunctionArn"]
    wait_active(lam, name)
    answer = lam.invoke(FunctionName=arn, Payload=b'{"a":1}', LogType="Tail")
    log = base64.b64decode(answer["LogResult"]).decode()
    assert "hello " + name in log
    dry = lam.invoke(FunctionName=name, InvocationType="DryRun")
    assert dry["StatusCode"] == 204


def test_function_error_is_unhandled(lam, throws_zip):
    name = unique("throws")
    create(lam, name, {"ZipFile": throws_zip}, handler="throws")
    wait_active(lam, name)
    answer = lam.invoke(FunctionName=name, Payload=b'{"throw": true}')
    assert answer["StatusCode"] == 200
    assert answer["FunctionError"] == "Unhandled"
    error = json.loads(answer["Payload"].read())
    assert error["errorMessage"] == "order 1002 has no customer"
    fine = lam.invoke(FunctionName=name, Payload=b'{"throw": false}')
    assert json.loads(fine["Payload"].read()) == {"thrown": False}


def test_errors_as_aws_words_them(lam, echo_zip):
    bad = error_of(lambda: create(lam, unique("badzip"), {"ZipFile": b"this is not a zip"}))
    assert bad["Error"]["Code"] == "InvalidParameterValueException"
    assert bad["Error"]["Message"] == "Could not unzip uploaded file. Please check your file, then try to upload again."
    assert bad["ResponseMetadata"]["HTTPStatusCode"] == 400

    name = unique("dup")
    create(lam, name, {"ZipFile": echo_zip})
    dup = error_of(lambda: create(lam, name, {"ZipFile": echo_zip}))
    assert dup["Error"]["Code"] == "ResourceConflictException"
    assert dup["Error"]["Message"] == "Function already exist: " + name
    assert dup["ResponseMetadata"]["HTTPStatusCode"] == 409

    missing = error_of(lambda: lam.get_function(FunctionName="no-such-function"))
    assert missing["Error"]["Code"] == "ResourceNotFoundException"
    assert missing["Error"]["Message"] == \
        "Function not found: arn:aws:lambda:us-east-1:123456789012:function:no-such-function"
    assert missing["ResponseMetadata"]["HTTPStatusCode"] == 404

    timeout = error_of(lambda: create(lam, unique("slow"), {"ZipFile": echo_zip}, Timeout=901))
    assert timeout["Error"]["Code"] == "ValidationException"
    assert "Member must have value less than or equal to 900" in timeout["Error"]["Message"]

    s3 = error_of(lambda: create(lam, unique("s3"), {"S3Bucket": "my-bucket", "S3Key": "code.zip"}))
    assert s3["Error"]["Code"] == "InvalidParameterValueException"
    assert "NoSuchBucket" in s3["Error"]["Message"]


def test_list_functions_in_pages(lam, echo_zip):
    prefix = unique("page")
    names = sorted("%s-%d" % (prefix, i) for i in range(3))
    for name in names:
        create(lam, name, {"ZipFile": echo_zip})
    seen = []
    marker = None
    while True:
        kwargs = {"MaxItems": 2}
        if marker:
            kwargs["Marker"] = marker
        page = lam.list_functions(**kwargs)
        assert len(page["Functions"]) <= 2
        seen += [f["FunctionName"] for f in page["Functions"]]
        marker = page.get("NextMarker")
        if not marker:
            break
    for name in names:
        assert name in seen
    assert len(seen) == len(set(seen))


def test_update_configuration_and_code(lam, echo_zip, throws_zip):
    name = unique("update")
    create(lam, name, {"ZipFile": echo_zip})
    wait_active(lam, name)
    updated = lam.update_function_configuration(FunctionName=name, Timeout=7,
                                                Environment={"Variables": {"ECHO_GREETING": "bonjour"}})
    assert updated["LastUpdateStatus"] == "InProgress"
    assert updated["Timeout"] == 7
    wait_updated(lam, name)
    assert lam.get_function_configuration(FunctionName=name)["LastUpdateStatus"] == "Successful"
    answer = lam.invoke(FunctionName=name, Payload=b"{}", LogType="Tail")
    assert "bonjour " + name in base64.b64decode(answer["LogResult"]).decode()

    before = lam.get_function_configuration(FunctionName=name)["CodeSha256"]
    code = lam.update_function_code(FunctionName=name, ZipFile=throws_zip)
    assert code["CodeSha256"] != before
    assert code["CodeSize"] == len(throws_zip)
    wait_updated(lam, name)
    # the handler name "echo" is not in the new zip, but its one library is
    answer = lam.invoke(FunctionName=name, Payload=b'{"throw": true}')
    assert answer["FunctionError"] == "Unhandled"


def test_update_while_in_progress_is_a_conflict(lam, echo_zip):
    name = unique("busy")
    create(lam, name, {"ZipFile": echo_zip})
    wait_active(lam, name)
    lam.update_function_configuration(FunctionName=name, Timeout=9)
    try:
        lam.update_function_configuration(FunctionName=name, Timeout=10)
    except ClientError as e:  # the deployer may already be done: then the second update succeeds
        assert e.response["Error"]["Code"] == "ResourceConflictException"
        assert "An update is in progress for resource" in e.response["Error"]["Message"]


def test_missing_handler_library_fails_the_function(lam):
    name = unique("nolib")
    create(lam, name, {"ZipFile": zip_bytes({"README.txt": b"no code here"})})
    with pytest.raises(Exception):
        wait_active(lam, name)  # the waiter stops at State Failed
    config = lam.get_function_configuration(FunctionName=name)
    assert config["State"] == "Failed"
    assert "no handler library" in config["StateReason"]


def test_hot_reload_path(lam):
    name = unique("hot")
    plugin = os.environ["SLUICE_ECHO_PLUGIN"]
    created = create(lam, name, {"S3Bucket": "hot-reload", "S3Key": plugin})
    assert created["State"] == "Pending"
    wait_active(lam, name)
    answer = lam.invoke(FunctionName=name, Payload=b'{"hot": true}')
    assert json.loads(answer["Payload"].read()) == {"hot": True}
    relative = error_of(lambda: create(lam, unique("hot"), {"S3Bucket": "hot-reload", "S3Key": "relative/path"}))
    assert relative["Error"]["Code"] == "InvalidParameterValueException"


def test_delete_function(lam, echo_zip):
    name = unique("gone")
    create(lam, name, {"ZipFile": echo_zip})
    wait_active(lam, name)
    deleted = lam.delete_function(FunctionName=name)
    assert deleted["ResponseMetadata"]["HTTPStatusCode"] == 204
    assert error_of(lambda: lam.get_function(FunctionName=name))["Error"]["Code"] == "ResourceNotFoundException"
    assert error_of(lambda: lam.invoke(FunctionName=name))["Error"]["Code"] == "ResourceNotFoundException"


def test_functions_survive_a_restart(server, echo_zip):
    lam = server.client()
    name = unique("durable")
    create(lam, name, {"ZipFile": echo_zip}, Environment={"Variables": {"ECHO_GREETING": "again"}})
    wait_active(lam, name)
    before = lam.get_function_configuration(FunctionName=name)
    server.restart()
    lam = server.client()
    wait_active(lam, name)
    after = lam.get_function_configuration(FunctionName=name)
    for key in ("FunctionArn", "CodeSha256", "CodeSize", "Environment", "RevisionId", "LastModified"):
        assert after[key] == before[key], key
    answer = lam.invoke(FunctionName=name, Payload=b'{"after": "restart"}', LogType="Tail")
    assert json.loads(answer["Payload"].read()) == {"after": "restart"}
    assert "again " + name in base64.b64decode(answer["LogResult"]).decode()


def test_client_context_reaches_a_native_handler(lam, echo_zip):
    # The echo plugin logs sluice_invocation_client_context() when there is one.
    name = unique("echo")
    create(lam, name, {"ZipFile": echo_zip})
    wait_active(lam, name)
    context = {"custom": {"tenant": "acme"}, "env": {"locale": "en-GB"}}
    answer = lam.invoke(FunctionName=name, Payload=b"{}", LogType="Tail",
                        ClientContext=base64.b64encode(json.dumps(context).encode()).decode())
    log = base64.b64decode(answer["LogResult"]).decode()
    assert "client context: " + json.dumps(context) in log
    plain = lam.invoke(FunctionName=name, Payload=b"{}", LogType="Tail")
    assert "client context:" not in base64.b64decode(plain["LogResult"]).decode()
