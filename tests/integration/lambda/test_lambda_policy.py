"""Resource policies through boto3 against a live sluice up: AddPermission (the statement as AWS
writes it), GetPolicy (the policy document and its RevisionId), RemovePermission, with a version
qualifier, AWS's conflict and not-found errors, and the policy after a restart."""

import json

from test_lambda_functions import create, error_of, unique, wait_active

ACCOUNT_ARN = "arn:aws:lambda:us-east-1:123456789012:function:"


def test_add_get_remove_permission(lam, echo_zip):
    name = unique("policy")
    create(lam, name, {"ZipFile": echo_zip})
    wait_active(lam, name)
    none = error_of(lambda: lam.get_policy(FunctionName=name))
    assert none["Error"]["Code"] == "ResourceNotFoundException"
    assert none["Error"]["Message"] == "The resource you requested does not exist."

    added = lam.add_permission(FunctionName=name, StatementId="from-sns", Action="lambda:InvokeFunction",
                               Principal="sns.amazonaws.com", SourceArn="arn:aws:sns:us-east-1:123456789012:t")
    assert added["ResponseMetadata"]["HTTPStatusCode"] == 201
    statement = json.loads(added["Statement"])
    assert statement == {"Sid": "from-sns", "Effect": "Allow", "Principal": {"Service": "sns.amazonaws.com"},
                         "Action": "lambda:InvokeFunction", "Resource": ACCOUNT_ARN + name,
                         "Condition": {"ArnLike": {"AWS:SourceArn": "arn:aws:sns:us-east-1:123456789012:t"}}}
    lam.add_permission(FunctionName=name, StatementId="other-account", Action="lambda:GetFunction",
                       Principal="210987654321")
    conflict = error_of(lambda: lam.add_permission(FunctionName=name, StatementId="from-sns", Action="lambda:*",
                                                   Principal="*"))
    assert conflict["Error"]["Code"] == "ResourceConflictException"
    assert conflict["Error"]["Message"] == ("The statement id (from-sns) provided already exists. Please provide a new "
                                            "statement id, or remove the existing statement.")

    got = lam.get_policy(FunctionName=name)
    policy = json.loads(got["Policy"])
    assert policy["Version"] == "2012-10-17" and policy["Id"] == "default"
    assert [s["Sid"] for s in policy["Statement"]] == ["from-sns", "other-account"]
    assert policy["Statement"][1]["Principal"] == {"AWS": "arn:aws:iam::210987654321:root"}

    stale = error_of(lambda: lam.remove_permission(FunctionName=name, StatementId="from-sns", RevisionId="old"))
    assert stale["Error"]["Code"] == "PreconditionFailedException"
    removed = lam.remove_permission(FunctionName=name, StatementId="from-sns", RevisionId=got["RevisionId"])
    assert removed["ResponseMetadata"]["HTTPStatusCode"] == 204
    missing = error_of(lambda: lam.remove_permission(FunctionName=name, StatementId="from-sns"))
    assert missing["Error"]["Code"] == "ResourceNotFoundException"
    assert missing["Error"]["Message"] == "Statement from-sns is not found in resource policy."
    assert [s["Sid"] for s in json.loads(lam.get_policy(FunctionName=name)["Policy"])["Statement"]] == \
        ["other-account"]


def test_version_policies_and_restart(server, echo_zip):
    lam = server.client()
    name = unique("policy")
    create(lam, name, {"ZipFile": echo_zip})
    wait_active(lam, name)
    lam.publish_version(FunctionName=name)
    added = lam.add_permission(FunctionName=name, Qualifier="1", StatementId="v1", Action="lambda:InvokeFunction",
                               Principal="s3.amazonaws.com")
    assert json.loads(added["Statement"])["Resource"] == ACCOUNT_ARN + name + ":1"
    assert error_of(lambda: lam.get_policy(FunctionName=name))["Error"]["Code"] == "ResourceNotFoundException"
    no_version = error_of(lambda: lam.add_permission(FunctionName=name, Qualifier="5", StatementId="v5",
                                                     Action="lambda:InvokeFunction", Principal="*"))
    assert no_version["Error"]["Code"] == "ResourceNotFoundException"
    server.restart()
    lam = server.client()
    policy = json.loads(lam.get_policy(FunctionName=name, Qualifier="1")["Policy"])
    assert [s["Sid"] for s in policy["Statement"]] == ["v1"]
