"""The seed tutorial's IAM snippets (sections 3.5 and 7.1) run as written with boto3, with only
endpoint_url added (credentials come from the environment), then their outcomes checked.

The snippets' typesetting slips are repaired (`role name` -> `role_name`, `policy arn` ->
`policy_arn`, the closing brace of "Principal" and the closing parentheses the text lost). 3.5
sets a topic policy on a `topic_arn` it never creates: the test creates the topic and says so.
The 7.1 policy fragments that define no complete document are not runnable code and are left out.
"""

import json

import boto3

from iam_env import BOUNDED, ENDPOINT


def test_3_5_sns_access_control():
    sns = boto3.client('sns', region_name='us-west-2', endpoint_url=ENDPOINT, config=BOUNDED)
    # Not in the seed: the topic the snippet's topic_arn names.
    topic_arn = sns.create_topic(Name='MySNSTopic')['TopicArn']

    policy = {
        "Version": "2012-10-17",
        "Id": "__default_policy_ID",
        "Statement": [
            {
                "Sid": "__default_statement_ID",
                "Effect": "Allow",
                "Principal": {
                    "AWS": "arn:aws:iam::111122223333:root"
                },
                "Action": "SNS:Publish",
                "Resource": "arn:aws:sns:us-west-2:123456789012:MySNSTopic"
            }
        ]
    }
    sns.set_topic_attributes(
        TopicArn=topic_arn,
        AttributeName='Policy',
        AttributeValue=json.dumps(policy)
    )
    print("SNS Topic policy updated.")
    assert json.loads(sns.get_topic_attributes(TopicArn=topic_arn)['Attributes']['Policy']) == policy


def test_7_1_assigning_iam_policies_to_roles(capsys):
    iam = boto3.client('iam', endpoint_url=ENDPOINT, config=BOUNDED)
    role_name = 'MySQSLambdaRole'
    policy_arn = 'arn:aws:iam::aws:policy/AmazonSQSFullAccess'
    iam.create_role(
        RoleName=role_name,
        AssumeRolePolicyDocument=json.dumps({
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {
                        "Service": "lambda.amazonaws.com"},
                    "Action": "sts:AssumeRole"
                }
            ]
        }))
    iam.attach_role_policy(
        RoleName=role_name,
        PolicyArn=policy_arn)
    print(f"Role {role_name} created and policy attached.")

    assert capsys.readouterr().out == "Role MySQSLambdaRole created and policy attached.\n"
    role = iam.get_role(RoleName=role_name)['Role']
    assert role['AssumeRolePolicyDocument']['Statement'][0]['Principal'] == {"Service": "lambda.amazonaws.com"}
    attached = iam.list_attached_role_policies(RoleName=role_name)['AttachedPolicies']
    assert attached == [{"PolicyName": "AmazonSQSFullAccess", "PolicyArn": policy_arn}]
    entities = iam.list_entities_for_policy(PolicyArn=policy_arn)
    assert role_name in [r['RoleName'] for r in entities['PolicyRoles']]
