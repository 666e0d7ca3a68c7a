"""IAM users, access keys and groups through boto3 against a live sluice: shapes, IAM's error
codes, statuses and texts, quotas, and the conflicts that stop a delete."""

import json

from iam_env import ACCOUNT, allow, expect_error, iam_client, unique


def test_user_lifecycle():
    iam = iam_client()
    name = unique("user")
    created = iam.create_user(UserName=name, Path="/team/", Tags=[{"Key": "owner", "Value": "qa"}])["User"]
    assert created["UserName"] == name
    assert created["Path"] == "/team/"
    assert created["Arn"] == "arn:aws:iam::%s:user/team/%s" % (ACCOUNT, name)
    assert created["UserId"].startswith("AIDA") and len(created["UserId"]) == 21
    assert created["Tags"] == [{"Key": "owner", "Value": "qa"}]

    got = iam.get_user(UserName=name.upper())["User"]  # names are matched without regard to case
    assert got["UserName"] == name and got["UserId"] == created["UserId"]
    listed = iam.list_users(PathPrefix="/team/")["Users"]
    assert name in [u["UserName"] for u in listed]
    assert name not in [u["UserName"] for u in iam.list_users(PathPrefix="/other/")["Users"]]

    message = expect_error("EntityAlreadyExists", 409, iam.create_user, UserName=name)
    assert message == "User with name %s already exists." % name

    renamed = unique("renamed")
    iam.update_user(UserName=name, NewUserName=renamed, NewPath="/")
    assert iam.get_user(UserName=renamed)["User"]["Arn"] == "arn:aws:iam::%s:user/%s" % (ACCOUNT, renamed)
    message = expect_error("NoSuchEntity", 404, iam.get_user, UserName=name)
    assert message == "The user with name %s cannot be found." % name

    iam.delete_user(UserName=renamed)
    expect_error("NoSuchEntity", 404, iam.delete_user, UserName=renamed)


def test_user_name_validation():
    iam = iam_client()
    message = expect_error("ValidationError", 400, iam.create_user, UserName="bad name!")
    assert message == ("1 validation error detected: Value 'bad name!' at 'userName' failed to satisfy constraint: "
                       "Member must satisfy regular expression pattern: [\\w+=,.@-]+")
    message = expect_error("ValidationError", 400, iam.create_user, UserName="u" * 65)
    assert "Member must have length less than or equal to 64" in message
    message = expect_error("ValidationError", 400, iam.create_user, UserName=unique("u"), Path="no-slashes")
    assert "at 'path' failed to satisfy constraint" in message


def test_access_keys():
    iam = iam_client()
    name = unique("keys")
    iam.create_user(UserName=name)
    first = iam.create_access_key(UserName=name)["AccessKey"]
    assert first["UserName"] == name and first["Status"] == "Active"
    assert first["AccessKeyId"].startswith("AKIA") and len(first["AccessKeyId"]) == 20
    assert len(first["SecretAccessKey"]) == 40
    second = iam.create_access_key(UserName=name)["AccessKey"]
    message = expect_error("LimitExceeded", 409, iam.create_access_key, UserName=name)
    assert message == "Cannot exceed quota for AccessKeysPerUser: 2"

    listed = iam.list_access_keys(UserName=name)["AccessKeyMetadata"]
    assert sorted(k["AccessKeyId"] for k in listed) == sorted([first["AccessKeyId"], second["AccessKeyId"]])
    assert all("SecretAccessKey" not in k for k in listed)

    iam.update_access_key(UserName=name, AccessKeyId=first["AccessKeyId"], Status="Inactive")
    statuses = {k["AccessKeyId"]: k["Status"] for k in iam.list_access_keys(UserName=name)["AccessKeyMetadata"]}
    assert statuses[first["AccessKeyId"]] == "Inactive"
    last_used = iam.get_access_key_last_used(AccessKeyId=second["AccessKeyId"])
    assert last_used["UserName"] == name
    assert last_used["AccessKeyLastUsed"] == {"ServiceName": "N/A", "Region": "N/A"}

    message = expect_error("DeleteConflict", 409, iam.delete_user, UserName=name)
    assert message == "Cannot delete entity, must delete access keys first."
    for key in (first, second):
        iam.delete_access_key(UserName=name, AccessKeyId=key["AccessKeyId"])
    message = expect_error("NoSuchEntity", 404, iam.delete_access_key, UserName=name,
                           AccessKeyId=first["AccessKeyId"])
    assert message == "The Access Key with id %s cannot be found." % first["AccessKeyId"]
    iam.delete_user(UserName=name)


def test_groups_and_memberships():
    iam = iam_client()
    group = unique("group")
    user = unique("member")
    created = iam.create_group(GroupName=group)["Group"]
    assert created["Arn"] == "arn:aws:iam::%s:group/%s" % (ACCOUNT, group)
    assert created["GroupId"].startswith("AGPA")
    iam.create_user(UserName=user)
    iam.add_user_to_group(GroupName=group, UserName=user)
    iam.add_user_to_group(GroupName=group, UserName=user)  # a second add changes nothing

    answer = iam.get_group(GroupName=group)
    assert answer["Group"]["GroupName"] == group
    assert [u["UserName"] for u in answer["Users"]] == [user]
    assert [g["GroupName"] for g in iam.list_groups_for_user(UserName=user)["Groups"]] == [group]
    assert group in [g["GroupName"] for g in iam.list_groups()["Groups"]]

    message = expect_error("DeleteConflict", 409, iam.delete_group, GroupName=group)
    assert message == "Cannot delete entity, must remove users from group first."
    message = expect_error("DeleteConflict", 409, iam.delete_user, UserName=user)
    assert message == "Cannot delete entity, must remove users from group first."

    iam.put_group_policy(GroupName=group, PolicyName="read", PolicyDocument=json.dumps(allow("sqs:Get*")))
    assert iam.list_group_policies(GroupName=group)["PolicyNames"] == ["read"]
    iam.remove_user_from_group(GroupName=group, UserName=user)
    assert iam.list_groups_for_user(UserName=user)["Groups"] == []
    message = expect_error("DeleteConflict", 409, iam.delete_group, GroupName=group)
    assert message == "Cannot delete entity, must delete policies first."
    iam.delete_group_policy(GroupName=group, PolicyName="read")
    iam.delete_group(GroupName=group)
    iam.delete_user(UserName=user)
    message = expect_error("NoSuchEntity", 404, iam.get_group, GroupName=group)
    assert message == "The group with name %s cannot be found." % group


def test_groups_per_user_quota():
    iam = iam_client()
    user = unique("joiner")
    iam.create_user(UserName=user)
    groups = [unique("g%d" % i) for i in range(11)]
    for g in groups:
        iam.create_group(GroupName=g)
    for g in groups[:10]:
        iam.add_user_to_group(GroupName=g, UserName=user)
    message = expect_error("LimitExceeded", 409, iam.add_user_to_group, GroupName=groups[10], UserName=user)
    assert message == "Cannot exceed quota for GroupsPerUser: 10"


def test_pagination_of_users():
    iam = iam_client()
    path = "/page-%s/" % unique("p")
    names = sorted(unique("pg") for _ in range(3))
    for n in names:
        iam.create_user(UserName=n, Path=path)
    first = iam.list_users(PathPrefix=path, MaxItems=2)
    assert first["IsTruncated"] is True
    rest = iam.list_users(PathPrefix=path, Marker=first["Marker"])
    assert rest["IsTruncated"] is False
    assert [u["UserName"] for u in first["Users"] + rest["Users"]] == names
