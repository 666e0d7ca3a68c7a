"""Policy evaluation on SQS under `sluice up --auth enforce accounts.json`: each user or role of
accounts.json has the inline policies (and permissions boundary) declared there, and queues get
their Policy attribute through SetQueueAttributes. Runs under both boto3 protocols for SQS.
"""
import json
import uuid

import pytest
from botocore.exceptions import ClientError

from identity_env import ACCOUNT, ALICE, BOB, CAROL, DEPLOYER, OTHER_ACCOUNT, ROOT, client, session_client

DAVE = ("AKIADAVE00000000001", "dave/Secret+Key+0001")
ERIN = ("AKIAERIN00000000001", "erin/Secret+Key+0001")


def denied(call, **kwargs):
    with pytest.raises(ClientError) as raised:
        call(**kwargs)
    error = raised.value.response["Error"]
    assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403
    assert error["Code"] in ("AccessDenied", "AccessDeniedException")
    return error["Message"]


def new_queue(owner=ALICE):
    name = "authz-" + uuid.uuid4().hex[:10]
    url = client("sqs", owner).create_queue(QueueName=name)["QueueUrl"]
    return name, url, "arn:aws:sqs:us-east-1:%s:%s" % (ACCOUNT, name)


def test_a_user_whose_policy_allows_sqs_works():
    _, url, _ = new_queue()
    sqs = client("sqs", ALICE)
    sqs.send_message(QueueUrl=url, MessageBody="hello")
    assert sqs.receive_message(QueueUrl=url, WaitTimeSeconds=1)["Messages"][0]["Body"] == "hello"


def test_a_user_without_any_policy_is_denied_with_aws_text():
    _, url, arn = new_queue()
    message = denied(client("sqs", BOB).send_message, QueueUrl=url, MessageBody="x")
    assert message == ("User: arn:aws:iam::%s:user/bob is not authorized to perform: sqs:SendMessage on resource: "
                       "%s because no identity-based policy allows the sqs:SendMessage action" % (ACCOUNT, arn))
    # The batch form is authorized as sqs:SendMessage, as on AWS.
    message = denied(client("sqs", BOB).send_message_batch, QueueUrl=url, Entries=[{"Id": "1", "MessageBody": "x"}])
    assert "perform: sqs:SendMessage on resource" in message


def test_a_queue_url_the_check_cannot_read_is_denied_not_let_through():
    _, url, arn = new_queue()
    sqs = client("sqs", BOB)

    # In JSON, put a message attribute named QueueUrl before the request's own QueueUrl: the check
    # must read the body as the action does, not take the first "QueueUrl" it sees.
    def attribute_first(request, **_):
        body = request.body.decode() if isinstance(request.body, bytes) else (request.body or "")
        if not body.startswith("{"):
            return  # Query: form members cannot be confused this way
        members = json.loads(body)
        crafted = {"MessageAttributes": {"QueueUrl": {"DataType": "String", "StringValue": "x"}}}
        crafted.update((k, v) for k, v in members.items() if k != "MessageAttributes")
        request.data = json.dumps(crafted).encode()

    sqs.meta.events.register("before-sign.sqs.SendMessage", attribute_first)
    message = denied(sqs.send_message, QueueUrl=url, MessageBody="x")
    assert "perform: sqs:SendMessage on resource: %s " % arn in message
    # A queue URL that names no queue sluice can resolve is checked against every resource.
    message = denied(client("sqs", BOB).send_message, QueueUrl="http://elsewhere.invalid/", MessageBody="x")
    assert "perform: sqs:SendMessage on resource: *" in message
    assert client("sqs", ALICE).get_queue_attributes(
        QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages"])["Attributes"]["ApproximateNumberOfMessages"] == "0"


def test_an_explicit_deny_wins_over_the_allow():
    _, url, arn = new_queue(DAVE)
    client("sqs", DAVE).send_message(QueueUrl=url, MessageBody="allowed")
    message = denied(client("sqs", DAVE).delete_queue, QueueUrl=url)
    assert message == ("User: arn:aws:iam::%s:user/dave is not authorized to perform: sqs:DeleteQueue on resource: "
                       "%s with an explicit deny in an identity-based policy" % (ACCOUNT, arn))


def test_a_permissions_boundary_limits_what_the_identity_policy_allows():
    _, url, arn = new_queue()
    sqs = client("sqs", ERIN)
    assert sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"] == arn
    message = denied(sqs.send_message, QueueUrl=url, MessageBody="x")
    assert message.endswith("because no permissions boundary allows the sqs:SendMessage action")


def test_a_session_policy_limits_the_role():
    _, url, arn = new_queue()
    policy = json.dumps({"Version": "2012-10-17",
                         "Statement": [{"Effect": "Allow", "Action": "sqs:GetQueueAttributes", "Resource": "*"}]})
    credentials = client("sts", ALICE).assume_role(RoleArn=DEPLOYER, RoleSessionName="narrow", Policy=policy)["Credentials"]
    sqs = session_client("sqs", credentials)
    sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])
    message = denied(sqs.send_message, QueueUrl=url, MessageBody="x")
    assert message == ("User: arn:aws:sts::%s:assumed-role/deployer/narrow is not authorized to perform: "
                       "sqs:SendMessage on resource: %s because no session policy allows the sqs:SendMessage action"
                       % (ACCOUNT, arn))
    # The same role without a session policy may send.
    wide = client("sts", ALICE).assume_role(RoleArn=DEPLOYER, RoleSessionName="wide")["Credentials"]
    session_client("sqs", wide).send_message(QueueUrl=url, MessageBody="x")


def test_a_queue_policy_naming_the_user_suffices_in_the_same_account():
    _, url, arn = new_queue()
    bob = client("sqs", BOB)
    denied(bob.send_message, QueueUrl=url, MessageBody="x")
    policy = {"Version": "2012-10-17", "Statement": [{
        "Sid": "BobSends", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::%s:user/bob" % ACCOUNT},
        "Action": "sqs:SendMessage", "Resource": arn}]}
    client("sqs", ALICE).set_queue_attributes(QueueUrl=url, Attributes={"Policy": json.dumps(policy)})
    bob.send_message(QueueUrl=url, MessageBody="by bob")
    denied(bob.receive_message, QueueUrl=url)


def test_cross_account_needs_the_queue_policy_and_the_callers_own_policy():
    _, url, arn = new_queue()
    carol = client("sqs", CAROL)
    message = denied(carol.send_message, QueueUrl=url, MessageBody="x")
    assert message == ("User: arn:aws:iam::%s:user/carol is not authorized to perform: sqs:SendMessage on resource: "
                       "%s because no resource-based policy allows the sqs:SendMessage action" % (OTHER_ACCOUNT, arn))
    policy = {"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"AWS": OTHER_ACCOUNT}, "Action": "sqs:SendMessage", "Resource": arn}]}
    client("sqs", ALICE).set_queue_attributes(QueueUrl=url, Attributes={"Policy": json.dumps(policy)})
    carol.send_message(QueueUrl=url, MessageBody="from the other account")
    # A resource-policy deny for everyone wins over both allows.
    policy["Statement"].append({"Effect": "Deny", "Principal": "*", "Action": "sqs:SendMessage", "Resource": arn})
    client("sqs", ALICE).set_queue_attributes(QueueUrl=url, Attributes={"Policy": json.dumps(policy)})
    message = denied(carol.send_message, QueueUrl=url, MessageBody="x")
    assert message.endswith("with an explicit deny in a resource-based policy")


def test_the_root_user_needs_no_policy():
    _, url, _ = new_queue(ROOT)
    client("sqs", ROOT).send_message(QueueUrl=url, MessageBody="root")
