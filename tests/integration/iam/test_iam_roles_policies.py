"""IAM roles, instance profiles, managed and inline policies, permissions boundaries and tags
through boto3 against a live sluice; the AWS managed policies with their published documents."""

import json

from iam_env import ACCOUNT, LAMBDA_TRUST, allow, expect_error, iam_client, unique

SQS_FULL = "arn:aws:iam::aws:policy/AmazonSQSFullAccess"
LAMBDA_SQS = "arn:aws:iam::aws:policy/service-role/AWSLambdaSQSQueueExecutionRole"


def test_role_lifecycle():
    iam = iam_client()
    name = unique("role")
    role = iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(LAMBDA_TRUST),
                           Description="runs functions", MaxSessionDuration=7200)["Role"]
    assert role["Arn"] == "arn:aws:iam::%s:role/%s" % (ACCOUNT, name)
    assert role["RoleId"].startswith("AROA")
    # boto3 decodes the URL-encoded document IAM sends into a dict.
    assert role["AssumeRolePolicyDocument"] == LAMBDA_TRUST
    assert role["MaxSessionDuration"] == 7200

    iam.update_role(RoleName=name, Description="changed", MaxSessionDuration=3600)
    got = iam.get_role(RoleName=name)["Role"]
    assert got["Description"] == "changed" and got["MaxSessionDuration"] == 3600
    trust = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::%s:root" % ACCOUNT}, "Action": "sts:AssumeRole"}]}
    iam.update_assume_role_policy(RoleName=name, PolicyDocument=json.dumps(trust))
    assert iam.get_role(RoleName=name)["Role"]["AssumeRolePolicyDocument"] == trust
    assert name in [r["RoleName"] for r in iam.list_roles()["Roles"]]

    message = expect_error("EntityAlreadyExists", 409, iam.create_role, RoleName=name,
                           AssumeRolePolicyDocument=json.dumps(LAMBDA_TRUST))
    assert message == "Role with name %s already exists." % name
    # botocore checks the minimum itself; the maximum is the server's to check.
    message = expect_error("ValidationError", 400, iam.update_role, RoleName=name, MaxSessionDuration=43201)
    assert message == ("1 validation error detected: Value '43201' at 'maxSessionDuration' failed to satisfy "
                       "constraint: Member must have value less than or equal to 43200")

    iam.attach_role_policy(RoleName=name, PolicyArn=SQS_FULL)
    message = expect_error("DeleteConflict", 409, iam.delete_role, RoleName=name)
    assert message == "Cannot delete entity, must detach all policies first."
    iam.detach_role_policy(RoleName=name, PolicyArn=SQS_FULL)
    iam.delete_role(RoleName=name)
    message = expect_error("NoSuchEntity", 404, iam.get_role, RoleName=name)
    assert message == "The role with name %s cannot be found." % name


def test_malformed_trust_policies():
    iam = iam_client()
    name = unique("bad-trust")
    message = expect_error("MalformedPolicyDocument", 400, iam.create_role, RoleName=name,
                           AssumeRolePolicyDocument="{not json")
    assert message == "Syntax errors in policy."
    no_principal = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole"}]}
    message = expect_error("MalformedPolicyDocument", 400, iam.create_role, RoleName=name,
                           AssumeRolePolicyDocument=json.dumps(no_principal))
    assert message == "Missing required field Principal"
    with_resource = dict(LAMBDA_TRUST, Statement=[dict(LAMBDA_TRUST["Statement"][0], Resource="*")])
    message = expect_error("MalformedPolicyDocument", 400, iam.create_role, RoleName=name,
                           AssumeRolePolicyDocument=json.dumps(with_resource))
    assert message == "Has prohibited field Resource"
    expect_error("NoSuchEntity", 404, iam.get_role, RoleName=name)


def test_instance_profiles():
    iam = iam_client()
    role = unique("ip-role")
    other = unique("ip-other")
    profile = unique("profile")
    for r in (role, other):
        iam.create_role(RoleName=r, AssumeRolePolicyDocument=json.dumps(LAMBDA_TRUST))
    created = iam.create_instance_profile(InstanceProfileName=profile, Path="/ec2/")["InstanceProfile"]
    assert created["Arn"] == "arn:aws:iam::%s:instance-profile/ec2/%s" % (ACCOUNT, profile)
    assert created["Roles"] == []
    iam.add_role_to_instance_profile(InstanceProfileName=profile, RoleName=role)
    message = expect_error("LimitExceeded", 409, iam.add_role_to_instance_profile, InstanceProfileName=profile,
                           RoleName=other)
    assert message == "Cannot exceed quota for InstanceSessionsPerInstanceProfile: 1"
    got = iam.get_instance_profile(InstanceProfileName=profile)["InstanceProfile"]
    assert [r["RoleName"] for r in got["Roles"]] == [role]
    assert got["Roles"][0]["AssumeRolePolicyDocument"] == LAMBDA_TRUST
    assert [p["InstanceProfileName"] for p in iam.list_instance_profiles_for_role(RoleName=role)["InstanceProfiles"]] \
        == [profile]
    message = expect_error("DeleteConflict", 409, iam.delete_role, RoleName=role)
    assert message == "Cannot delete entity, must remove roles from instance profile first."
    message = expect_error("DeleteConflict", 409, iam.delete_instance_profile, InstanceProfileName=profile)
    assert message == "Cannot delete entity, must remove roles from instance profile first."
    iam.remove_role_from_instance_profile(InstanceProfileName=profile, RoleName=role)
    iam.delete_instance_profile(InstanceProfileName=profile)
    message = expect_error("NoSuchEntity", 404, iam.get_instance_profile, InstanceProfileName=profile)
    assert message == "Instance Profile %s cannot be found." % profile


def test_managed_policy_versions():
    iam = iam_client()
    name = unique("policy")
    doc1 = allow("sqs:SendMessage", "arn:aws:sqs:us-east-1:%s:q1" % ACCOUNT)
    policy = iam.create_policy(PolicyName=name, Path="/app/", PolicyDocument=json.dumps(doc1),
                               Description="send to q1")["Policy"]
    arn = policy["Arn"]
    assert arn == "arn:aws:iam::%s:policy/app/%s" % (ACCOUNT, name)
    assert policy["DefaultVersionId"] == "v1" and policy["AttachmentCount"] == 0
    assert policy["IsAttachable"] is True and policy["PolicyId"].startswith("ANPA")
    message = expect_error("EntityAlreadyExists", 409, iam.create_policy, PolicyName=name,
                           PolicyDocument=json.dumps(doc1))
    assert message == "A policy called %s already exists. Duplicate names are not allowed." % name

    for i in range(2, 6):
        version = iam.create_policy_version(PolicyArn=arn, PolicyDocument=json.dumps(allow("sqs:Get%d*" % i)),
                                            SetAsDefault=(i == 3))["PolicyVersion"]
        assert version["VersionId"] == "v%d" % i and version["IsDefaultVersion"] is (i == 3)
    message = expect_error("LimitExceeded", 409, iam.create_policy_version, PolicyArn=arn,
                           PolicyDocument=json.dumps(doc1))
    assert message == ("A managed policy can have up to 5 versions. Before you create a new version, you must "
                       "delete an existing version.")
    assert iam.get_policy(PolicyArn=arn)["Policy"]["DefaultVersionId"] == "v3"
    assert [v["VersionId"] for v in iam.list_policy_versions(PolicyArn=arn)["Versions"]] == \
        ["v5", "v4", "v3", "v2", "v1"]
    got = iam.get_policy_version(PolicyArn=arn, VersionId="v1")["PolicyVersion"]
    assert got["Document"] == doc1 and got["IsDefaultVersion"] is False

    message = expect_error("DeleteConflict", 409, iam.delete_policy_version, PolicyArn=arn, VersionId="v3")
    assert message == "Cannot delete the default version of a policy."
    iam.set_default_policy_version(PolicyArn=arn, VersionId="v1")
    for v in ("v2", "v3", "v4", "v5"):
        iam.delete_policy_version(PolicyArn=arn, VersionId=v)
    # The next version keeps counting, as IAM's does.
    assert iam.create_policy_version(PolicyArn=arn, PolicyDocument=json.dumps(doc1))["PolicyVersion"]["VersionId"] \
        == "v6"
    message = expect_error("DeleteConflict", 409, iam.delete_policy, PolicyArn=arn)
    assert message.startswith("This policy has more than one version.")
    iam.delete_policy_version(PolicyArn=arn, VersionId="v6")
    iam.delete_policy(PolicyArn=arn)
    message = expect_error("NoSuchEntity", 404, iam.get_policy, PolicyArn=arn)
    assert message == "Policy %s was not found." % arn


def test_malformed_and_oversized_policies():
    iam = iam_client()
    name = unique("bad-policy")
    cases = [
        ("{", "Syntax errors in policy."),
        (json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Resource": "*"}]}),
         "Policy statement must contain actions."),
        (json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sqs:*"}]}),
         "Policy statement must contain resources."),
        (json.dumps({"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Principal": "*", "Action": "sqs:*", "Resource": "*"}]}),
         "Policy document should not specify a principal."),
        (json.dumps(allow("sqs:*", "my-queue")), 'Resource my-queue must be in ARN format or "*".'),
    ]
    for document, text in cases:
        message = expect_error("MalformedPolicyDocument", 400, iam.create_policy, PolicyName=name,
                               PolicyDocument=document)
        assert message == text
    big = allow(["sqs:%s%04d" % ("A" * 20, i) for i in range(300)])
    message = expect_error("LimitExceeded", 409, iam.create_policy, PolicyName=name, PolicyDocument=json.dumps(big))
    assert message == "Cannot exceed quota for PolicySize: 6144"


def test_attachments_of_users_roles_and_groups():
    iam = iam_client()
    user, role, group = unique("att-user"), unique("att-role"), unique("att-group")
    iam.create_user(UserName=user)
    iam.create_role(RoleName=role, AssumeRolePolicyDocument=json.dumps(LAMBDA_TRUST))
    iam.create_group(GroupName=group)
    policy_arn = iam.create_policy(PolicyName=unique("att"), PolicyDocument=json.dumps(allow("sns:Publish")))[
        "Policy"]["Arn"]
    iam.attach_user_policy(UserName=user, PolicyArn=policy_arn)
    iam.attach_role_policy(RoleName=role, PolicyArn=policy_arn)
    iam.attach_role_policy(RoleName=role, PolicyArn=LAMBDA_SQS)
    iam.attach_group_policy(GroupName=group, PolicyArn=policy_arn)

    assert [p["PolicyArn"] for p in iam.list_attached_role_policies(RoleName=role)["AttachedPolicies"]] == \
        [policy_arn, LAMBDA_SQS]
    assert iam.list_attached_role_policies(RoleName=role, PathPrefix="/service-role/")["AttachedPolicies"] == \
        [{"PolicyName": "AWSLambdaSQSQueueExecutionRole", "PolicyArn": LAMBDA_SQS}]
    assert iam.get_policy(PolicyArn=policy_arn)["Policy"]["AttachmentCount"] == 3
    entities = iam.list_entities_for_policy(PolicyArn=policy_arn)
    assert [u["UserName"] for u in entities["PolicyUsers"]] == [user]
    assert [r["RoleName"] for r in entities["PolicyRoles"]] == [role]
    assert [g["GroupName"] for g in entities["PolicyGroups"]] == [group]
    assert iam.list_entities_for_policy(PolicyArn=policy_arn, EntityFilter="Role")["PolicyUsers"] == []

    message = expect_error("DeleteConflict", 409, iam.delete_policy, PolicyArn=policy_arn)
    assert message == "Cannot delete a policy attached to entities."
    missing = "arn:aws:iam::aws:policy/NoSuchPolicy"
    message = expect_error("NoSuchEntity", 404, iam.attach_user_policy, UserName=user, PolicyArn=missing)
    assert message == "Policy %s does not exist or is not attachable." % missing
    message = expect_error("NoSuchEntity", 404, iam.detach_group_policy, GroupName=group, PolicyArn=SQS_FULL)
    assert message == "Policy %s was not found." % SQS_FULL
    message = expect_error("NoSuchEntity", 404, iam.attach_role_policy, RoleName=unique("ghost"), PolicyArn=SQS_FULL)
    assert message.startswith("The role with name ")

    for holder in (("detach_user_policy", {"UserName": user}), ("detach_role_policy", {"RoleName": role}),
                   ("detach_group_policy", {"GroupName": group})):
        getattr(iam, holder[0])(PolicyArn=policy_arn, **holder[1])
    assert iam.list_attached_user_policies(UserName=user)["AttachedPolicies"] == []
    iam.delete_policy(PolicyArn=policy_arn)


def test_managed_policies_per_role_quota():
    iam = iam_client()
    role = unique("quota-role")
    iam.create_role(RoleName=role, AssumeRolePolicyDocument=json.dumps(LAMBDA_TRUST))
    arns = [iam.create_policy(PolicyName=unique("q%d" % i), PolicyDocument=json.dumps(allow("sqs:*")))["Policy"]["Arn"]
            for i in range(11)]
    for arn in arns[:10]:
        iam.attach_role_policy(RoleName=role, PolicyArn=arn)
    iam.attach_role_policy(RoleName=role, PolicyArn=arns[0])  # attached already: no change
    message = expect_error("LimitExceeded", 409, iam.attach_role_policy, RoleName=role, PolicyArn=arns[10])
    assert message == "Cannot exceed quota for PoliciesPerRole: 10"


def test_inline_policies():
    iam = iam_client()
    user, role = unique("inline-user"), unique("inline-role")
    iam.create_user(UserName=user)
    iam.create_role(RoleName=role, AssumeRolePolicyDocument=json.dumps(LAMBDA_TRUST))
    doc = allow(["sqs:ReceiveMessage", "sqs:DeleteMessage"], "arn:aws:sqs:us-west-2:123456789012:MyQueue")
    iam.put_user_policy(UserName=user, PolicyName="recv", PolicyDocument=json.dumps(doc))
    iam.put_role_policy(RoleName=role, PolicyName="recv", PolicyDocument=json.dumps(doc))
    got = iam.get_user_policy(UserName=user, PolicyName="recv")
    assert got["UserName"] == user and got["PolicyName"] == "recv" and got["PolicyDocument"] == doc
    assert iam.get_role_policy(RoleName=role, PolicyName="recv")["PolicyDocument"] == doc
    assert iam.list_user_policies(UserName=user)["PolicyNames"] == ["recv"]
    assert iam.list_role_policies(RoleName=role)["PolicyNames"] == ["recv"]

    message = expect_error("DeleteConflict", 409, iam.delete_user, UserName=user)
    assert message == "Cannot delete entity, must delete policies first."
    message = expect_error("NoSuchEntity", 404, iam.get_role_policy, RoleName=role, PolicyName="other")
    assert message == "The role policy with name other cannot be found."
    big = allow(["sqs:%s%03d" % ("B" * 20, i) for i in range(100)])
    message = expect_error("LimitExceeded", 409, iam.put_user_policy, UserName=user, PolicyName="big",
                           PolicyDocument=json.dumps(big))
    assert message == "Maximum policy size of 2048 bytes exceeded for user %s" % user
    iam.put_role_policy(RoleName=role, PolicyName="big", PolicyDocument=json.dumps(big))  # a role holds 10,240

    iam.delete_user_policy(UserName=user, PolicyName="recv")
    message = expect_error("NoSuchEntity", 404, iam.delete_user_policy, UserName=user, PolicyName="recv")
    assert message == "The user policy with name recv cannot be found."
    iam.delete_user(UserName=user)


def test_permissions_boundaries():
    iam = iam_client()
    user, role = unique("bounded-user"), unique("bounded-role")
    iam.create_user(UserName=user)
    iam.create_role(RoleName=role, AssumeRolePolicyDocument=json.dumps(LAMBDA_TRUST), PermissionsBoundary=SQS_FULL)
    assert iam.get_role(RoleName=role)["Role"]["PermissionsBoundary"] == {
        "PermissionsBoundaryType": "PermissionsBoundaryPolicy", "PermissionsBoundaryArn": SQS_FULL}
    iam.put_user_permissions_boundary(UserName=user, PermissionsBoundary=SQS_FULL)
    assert iam.get_user(UserName=user)["User"]["PermissionsBoundary"]["PermissionsBoundaryArn"] == SQS_FULL
    assert iam.get_policy(PolicyArn=SQS_FULL)["Policy"]["PermissionsBoundaryUsageCount"] >= 2
    iam.delete_user_permissions_boundary(UserName=user)
    iam.delete_role_permissions_boundary(RoleName=role)
    assert "PermissionsBoundary" not in iam.get_user(UserName=user)["User"]
    assert "PermissionsBoundary" not in iam.get_role(RoleName=role)["Role"]
    missing = "arn:aws:iam::%s:policy/none" % ACCOUNT
    message = expect_error("NoSuchEntity", 404, iam.put_role_permissions_boundary, RoleName=role,
                           PermissionsBoundary=missing)
    assert message == "Scope ARN: %s does not exist or is not attachable." % missing


def test_tags_of_users_roles_and_policies():
    iam = iam_client()
    user, role = unique("tag-user"), unique("tag-role")
    iam.create_user(UserName=user)
    iam.create_role(RoleName=role, AssumeRolePolicyDocument=json.dumps(LAMBDA_TRUST))
    policy_arn = iam.create_policy(PolicyName=unique("tag-policy"), PolicyDocument=json.dumps(allow("sqs:*")))[
        "Policy"]["Arn"]
    iam.tag_user(UserName=user, Tags=[{"Key": "a", "Value": "1"}, {"Key": "b", "Value": "2"}])
    iam.tag_user(UserName=user, Tags=[{"Key": "a", "Value": "3"}])
    assert iam.list_user_tags(UserName=user)["Tags"] == [{"Key": "a", "Value": "3"}, {"Key": "b", "Value": "2"}]
    iam.untag_user(UserName=user, TagKeys=["a"])
    assert iam.list_user_tags(UserName=user)["Tags"] == [{"Key": "b", "Value": "2"}]
    iam.tag_role(RoleName=role, Tags=[{"Key": "team", "Value": "queues"}])
    assert iam.get_role(RoleName=role)["Role"]["Tags"] == [{"Key": "team", "Value": "queues"}]
    iam.tag_policy(PolicyArn=policy_arn, Tags=[{"Key": "k", "Value": "v"}])
    assert iam.list_policy_tags(PolicyArn=policy_arn)["Tags"] == [{"Key": "k", "Value": "v"}]
    many = [{"Key": "k%d" % i, "Value": "v"} for i in range(50)]
    message = expect_error("LimitExceeded", 409, iam.tag_role, RoleName=role, Tags=many)
    assert message == "Cannot exceed quota for TagsPerRole: 50"


def test_aws_managed_policies():
    iam = iam_client()
    listed = iam.list_policies(Scope="AWS")["Policies"]
    arns = {p["Arn"] for p in listed}
    expected = {
        "arn:aws:iam::aws:policy/AmazonSQSFullAccess",
        "arn:aws:iam::aws:policy/AmazonSQSReadOnlyAccess",
        "arn:aws:iam::aws:policy/AmazonSNSFullAccess",
        "arn:aws:iam::aws:policy/AmazonSNSReadOnlyAccess",
        "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
        "arn:aws:iam::aws:policy/service-role/AWSLambdaSQSQueueExecutionRole",
        "arn:aws:iam::aws:policy/AWSLambda_FullAccess",
        "arn:aws:iam::aws:policy/AWSKeyManagementServicePowerUser",
    }
    assert expected <= arns
    assert all(not p["Arn"].startswith("arn:aws:iam::%s:" % ACCOUNT) for p in listed)
    local = iam.list_policies(Scope="Local")["Policies"]
    assert all(p["Arn"].startswith("arn:aws:iam::%s:policy/" % ACCOUNT) for p in local)

    policy = iam.get_policy(PolicyArn=LAMBDA_SQS)["Policy"]
    assert policy["Path"] == "/service-role/" and policy["DefaultVersionId"] == "v2"
    document = iam.get_policy_version(PolicyArn=LAMBDA_SQS, VersionId="v2")["PolicyVersion"]["Document"]
    assert document["Statement"][0]["Action"] == [
        "sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes",
        "logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"]
    read_only = iam.get_policy_version(PolicyArn="arn:aws:iam::aws:policy/AmazonSQSReadOnlyAccess",
                                       VersionId="v4")["PolicyVersion"]["Document"]
    assert "sqs:ListQueues" in read_only["Statement"][0]["Action"]
    message = expect_error("NoSuchEntity", 404, iam.get_policy, PolicyArn="arn:aws:iam::aws:policy/NotAPolicy")
    assert message == "Policy arn:aws:iam::aws:policy/NotAPolicy was not found."
