"""Concurrency, tags and account settings through boto3: reserved concurrency throttles Invoke
with 429 TooManyRequestsException, the account keeps 100 unreserved executions, tags by ARN."""

import uuid

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from conftest import CREDENTIALS, ROLE

WAITER = {"Delay": 0.1, "MaxAttempts": 100}


def make_function(lam, echo_zip):
    name = "settings-" + uuid.uuid4().hex[:8]
    arn = lam.create_function(FunctionName=name, Runtime="provided.al2023", Role=ROLE, Handler="echo",
                              Code={"ZipFile": echo_zip})["FunctionArn"]
    lam.get_waiter("function_active").wait(FunctionName=name, WaiterConfig=WAITER)
    return name, arn


def error_of(call):
    with pytest.raises(ClientError) as caught:
        call()
    return caught.value.response


def test_reserved_concurrency_throttles(server, echo_zip):
    # No client retries: the 429 itself is what is checked.
    lam = boto3.client("lambda", endpoint_url=server.endpoint, config=Config(retries={"max_attempts": 0}),
                       **CREDENTIALS)
    name, _ = make_function(lam, echo_zip)
    put = lam.put_function_concurrency(FunctionName=name, ReservedConcurrentExecutions=0)
    assert put["ReservedConcurrentExecutions"] == 0
    assert lam.get_function_concurrency(FunctionName=name)["ReservedConcurrentExecutions"] == 0
    assert lam.get_function(FunctionName=name)["Concurrency"] == {"ReservedConcurrentExecutions": 0}
    throttled = error_of(lambda: lam.invoke(FunctionName=name, Payload=b"{}"))
    assert throttled["ResponseMetadata"]["HTTPStatusCode"] == 429
    assert throttled["Error"]["Code"] == "TooManyRequestsException"
    assert throttled["Error"]["Message"] == "Rate Exceeded."
    if "Reason" in throttled:  # botocore versions that model it
        assert throttled["Reason"] == "ReservedFunctionConcurrentInvocationLimitExceeded"

    too_much = error_of(lambda: lam.put_function_concurrency(FunctionName=name, ReservedConcurrentExecutions=901))
    assert too_much["Error"]["Code"] == "InvalidParameterValueException"
    assert "below its minimum value of [100]" in too_much["Error"]["Message"]

    lam.delete_function_concurrency(FunctionName=name)
    assert "ReservedConcurrentExecutions" not in lam.get_function_concurrency(FunctionName=name)
    assert lam.invoke(FunctionName=name, Payload=b"{}")["StatusCode"] == 200


def test_tags_and_account_settings(lam, echo_zip):
    name, arn = make_function(lam, echo_zip)
    lam.tag_resource(Resource=arn, Tags={"team": "orders", "env": "dev"})
    lam.untag_resource(Resource=arn, TagKeys=["env"])
    assert lam.list_tags(Resource=arn)["Tags"] == {"team": "orders"}
    missing = error_of(lambda: lam.list_tags(Resource=arn + "-missing"))
    assert missing["Error"]["Code"] == "ResourceNotFoundException"

    settings = lam.get_account_settings()
    assert settings["AccountLimit"]["ConcurrentExecutions"] == 1000
    assert settings["AccountLimit"]["CodeSizeZipped"] == 52428800
    assert settings["AccountUsage"]["FunctionCount"] >= 1
