"""IAM entities created over the API take part in signing and STS under --auth enforce: a user's
new access key signs at once and stops when made Inactive or deleted; a role created with
CreateRole is assumable by the principals its trust policy names, and by no one else."""

import json
import uuid

import pytest
from botocore.exceptions import ClientError

from identity_env import ACCOUNT, ALICE, BOB, ROOT, client


def test_access_keys_created_over_iam_sign_requests():
    iam = client("iam", ROOT)
    name = "signer-%s" % uuid.uuid4().hex[:8]
    iam.create_user(UserName=name)
    key = iam.create_access_key(UserName=name)["AccessKey"]
    sts = client("sts", key["AccessKeyId"], key["SecretAccessKey"])
    identity = sts.get_caller_identity()
    assert identity["Arn"] == "arn:aws:iam::%s:user/%s" % (ACCOUNT, name)
    assert identity["Account"] == ACCOUNT

    # The new user can manage its own keys without naming itself.
    own = client("iam", key["AccessKeyId"], key["SecretAccessKey"])
    assert [k["AccessKeyId"] for k in own.list_access_keys()["AccessKeyMetadata"]] == [key["AccessKeyId"]]

    iam.update_access_key(UserName=name, AccessKeyId=key["AccessKeyId"], Status="Inactive")
    with pytest.raises(ClientError) as refused:
        sts.get_caller_identity()
    assert refused.value.response["Error"]["Code"] == "InvalidClientTokenId"
    iam.update_access_key(UserName=name, AccessKeyId=key["AccessKeyId"], Status="Active")
    assert sts.get_caller_identity()["Arn"].endswith(":user/" + name)
    iam.delete_access_key(UserName=name, AccessKeyId=key["AccessKeyId"])
    with pytest.raises(ClientError) as refused:
        sts.get_caller_identity()
    assert refused.value.response["Error"]["Code"] == "InvalidClientTokenId"


def test_roles_created_over_iam_are_assumable_by_whom_they_trust():
    iam = client("iam", ROOT)
    name = "created-%s" % uuid.uuid4().hex[:8]
    trust = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::%s:user/alice" % ACCOUNT}, "Action": "sts:AssumeRole"}]}
    arn = iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(trust))["Role"]["Arn"]
    assumed = client("sts", ALICE).assume_role(RoleArn=arn, RoleSessionName="s1")
    assert assumed["AssumedRoleUser"]["Arn"] == "arn:aws:sts::%s:assumed-role/%s/s1" % (ACCOUNT, name)
    with pytest.raises(ClientError) as refused:
        client("sts", BOB).assume_role(RoleArn=arn, RoleSessionName="s1")
    assert refused.value.response["Error"]["Code"] == "AccessDenied"

    # A new trust policy applies to the next AssumeRole.
    trust["Statement"][0]["Principal"]["AWS"] = "arn:aws:iam::%s:user/bob" % ACCOUNT
    iam.update_assume_role_policy(RoleName=name, PolicyDocument=json.dumps(trust))
    assert client("sts", BOB).assume_role(RoleArn=arn, RoleSessionName="s2")["AssumedRoleUser"]["Arn"].endswith("/s2")
    iam.delete_role(RoleName=name)
    with pytest.raises(ClientError):
        client("sts", BOB).assume_role(RoleArn=arn, RoleSessionName="s3")


def test_declared_users_and_roles_are_iam_entities():
    iam = client("iam", ROOT)
    assert iam.get_user(UserName="alice")["User"]["Arn"] == "arn:aws:iam::%s:user/alice" % ACCOUNT
    role = iam.get_role(RoleName="deployer")["Role"]
    assert role["MaxSessionDuration"] == 7200
    assert role["AssumeRolePolicyDocument"]["Statement"][0]["Action"] == "sts:AssumeRole"
    # GetUser without a name answers the caller.
    assert client("iam", ALICE).get_user()["User"]["UserName"] == "alice"
    keys = iam.list_access_keys(UserName="alice")["AccessKeyMetadata"]
    assert [k["AccessKeyId"] for k in keys] == [ALICE[0]]
