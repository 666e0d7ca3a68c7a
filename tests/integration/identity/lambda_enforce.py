"""Lambda under `sluice up --auth enforce --account 111122223333`: the Lambda API authorized on the
function with the qualifier a call names and the function's resource policy, AWS's
AccessDeniedException (403) texts; cross-account Invoke with and without a function policy; and
CreateEventSourceMapping refused for an execution role that may not read the queue
(InvalidParameterValueException); SNS -> Lambda only when the function policy allows the topic;
aws:RequestTag, aws:TagKeys and aws:ResourceTag on CreateFunction, TagResource, UntagResource and
the function's own operations. Starts its own server with lambda_accounts.json. Uses the
system's boto3; skips (77) without it.

    lambda_enforce.py --sluice BIN --echo-plugin LIB
"""

import argparse
import io
import json
import os
import sys
import time
import uuid
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))

from sluice_server import SluiceServer  # noqa: E402

try:
    import boto3
    from botocore.config import Config
    from botocore.exceptions import ClientError
except ImportError:
    print("SKIP: no boto3")
    sys.exit(77)

ACCOUNT = "111122223333"
OTHER_ACCOUNT = "444455556666"
ROOT = ("AKIAROOT111122223333", "root/Secret+Key+111122223333")
NOBODY = ("AKIANOBODY0000000001", "nobody/Secret+Key+0001")
CALLER = ("AKIACALLER000000001", "caller/Secret+Key+0001")
BOUNDED = Config(connect_timeout=5, read_timeout=60, retries={"max_attempts": 1, "mode": "standard"})
TRUST = {"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]}

failures = []


def check(what, condition, detail=""):
    print(("ok   " if condition else "FAIL ") + what)
    if not condition:
        failures.append("%s %s" % (what, detail))


def client(endpoint, service, credentials):
    return boto3.client(service, endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id=credentials[0],
                        aws_secret_access_key=credentials[1], config=BOUNDED)


def error_of(call, **kwargs):
    try:
        call(**kwargs)
    except ClientError as e:
        return e.response
    return None


def echo_zip(plugin):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        info = zipfile.ZipInfo("echo.so")
        info.external_attr = 0o755 << 16
        with open(plugin, "rb") as f:
            archive.writestr(info, f.read())
    return buffer.getvalue()


def role(iam, name, policy):
    arn = iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(TRUST))["Role"]["Arn"]
    iam.put_role_policy(RoleName=name, PolicyName="execution", PolicyDocument=json.dumps(policy))
    return arn


def function(lam, name, role_arn, code):
    lam.create_function(FunctionName=name, Runtime="provided.al2023", Role=role_arn, Handler="echo",
                        Code={"ZipFile": code})
    lam.get_waiter("function_active").wait(FunctionName=name, WaiterConfig={"Delay": 1, "MaxAttempts": 60})
    return "arn:aws:lambda:us-east-1:%s:function:%s" % (ACCOUNT, name)


def invoke_and_access(endpoint, code):
    iam = client(endpoint, "iam", ROOT)
    root = client(endpoint, "lambda", ROOT)
    logs_only = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": [
        "logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"], "Resource": "*"}]}
    name = "guarded-" + uuid.uuid4().hex[:8]
    arn = function(root, name, role(iam, name + "-role", logs_only), code)
    answer = root.invoke(FunctionName=name, Payload=b'{"hello": "root"}')
    check("the account's root invokes without a policy", answer["StatusCode"] == 200, answer)

    refused = error_of(client(endpoint, "lambda", NOBODY).invoke, FunctionName=name, Payload=b"{}")
    check("a user without a policy is refused with AccessDeniedException 403",
          refused is not None and refused["Error"]["Code"] == "AccessDeniedException" and
          refused["ResponseMetadata"]["HTTPStatusCode"] == 403, refused)
    check("... with AWS's text naming the function",
          refused is not None and refused["Error"]["Message"] ==
          "User: arn:aws:iam::%s:user/nobody is not authorized to perform: lambda:InvokeFunction on resource: %s "
          "because no identity-based policy allows the lambda:InvokeFunction action" % (ACCOUNT, arn), refused)
    refused = error_of(client(endpoint, "lambda", NOBODY).list_functions)
    check("ListFunctions is authorized on *", refused is not None and refused["Error"]["Message"].startswith(
        "User: arn:aws:iam::%s:user/nobody is not authorized to perform: lambda:ListFunctions on resource: * "
        % ACCOUNT), refused)

    caller = client(endpoint, "lambda", CALLER)
    refused = error_of(caller.invoke, FunctionName=arn, Payload=b"{}")
    check("cross-account invoke without a function policy is refused",
          refused is not None and refused["Error"]["Message"] ==
          "User: arn:aws:iam::%s:user/caller is not authorized to perform: lambda:InvokeFunction on resource: %s "
          "because no resource-based policy allows the lambda:InvokeFunction action" % (OTHER_ACCOUNT, arn), refused)
    root.add_permission(FunctionName=name, StatementId="other-account", Action="lambda:InvokeFunction",
                        Principal=OTHER_ACCOUNT)
    answer = caller.invoke(FunctionName=arn, Payload=b'{"hello": "other account"}')
    check("cross-account invoke with the function policy runs", answer["StatusCode"] == 200 and
          json.loads(answer["Payload"].read()) == {"hello": "other account"}, answer)
    refused = error_of(caller.get_function, FunctionName=arn)
    check("the function policy allows Invoke only", refused is not None and
          "perform: lambda:GetFunction on resource: %s " % arn in refused["Error"]["Message"], refused)

    # A policy on the function does not cover its aliases: the alias is a resource of its own.
    version = root.publish_version(FunctionName=name)["Version"]
    root.create_alias(FunctionName=name, Name="live", FunctionVersion=version)
    refused = error_of(caller.invoke, FunctionName=arn, Qualifier="live", Payload=b"{}")
    check("an alias without a policy of its own is refused",
          refused is not None and "on resource: %s:live because no resource-based policy" % arn
          in refused["Error"]["Message"], refused)
    root.add_permission(FunctionName=name, Qualifier="live", StatementId="alias", Action="lambda:InvokeFunction",
                        Principal=OTHER_ACCOUNT)
    answer = caller.invoke(FunctionName=arn + ":live", Payload=b"{}")
    check("the alias's policy lets the other account invoke it", answer["StatusCode"] == 200, answer)


def mapping_roles(endpoint, code):
    iam = client(endpoint, "iam", ROOT)
    root = client(endpoint, "lambda", ROOT)
    sqs = client(endpoint, "sqs", ROOT)
    queue = "esm-" + uuid.uuid4().hex[:8]
    url = sqs.create_queue(QueueName=queue)["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]

    receive_only = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "sqs:ReceiveMessage", "Resource": queue_arn}]}
    weak = "weak-" + uuid.uuid4().hex[:8]
    function(root, weak, role(iam, weak + "-role", receive_only), code)
    refused = error_of(root.create_event_source_mapping, FunctionName=weak, EventSourceArn=queue_arn)
    check("a role that may only receive cannot be mapped: InvalidParameterValueException 400",
          refused is not None and refused["Error"]["Code"] == "InvalidParameterValueException" and
          refused["ResponseMetadata"]["HTTPStatusCode"] == 400, refused)
    check("... naming the first action it lacks", refused is not None and refused["Error"]["Message"] ==
          "The provided execution role does not have permissions to call DeleteMessage on SQS", refused)

    able = "able-" + uuid.uuid4().hex[:8]
    able_role = able + "-role"
    iam.create_role(RoleName=able_role, AssumeRolePolicyDocument=json.dumps(TRUST))
    iam.attach_role_policy(RoleName=able_role,
                           PolicyArn="arn:aws:iam::aws:policy/service-role/AWSLambdaSQSQueueExecutionRole")
    function(root, able, "arn:aws:iam::%s:role/%s" % (ACCOUNT, able_role), code)
    created = root.create_event_source_mapping(FunctionName=able, EventSourceArn=queue_arn, Enabled=False)
    check("a role with AWSLambdaSQSQueueExecutionRole is mapped", created["ResponseMetadata"]["HTTPStatusCode"] == 202,
          created)
    root.delete_event_source_mapping(UUID=created["UUID"])


def wait_for(condition, seconds=30.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return condition()


def sns_to_lambda(endpoint, code, server):
    iam = client(endpoint, "iam", ROOT)
    root = client(endpoint, "lambda", ROOT)
    sns = client(endpoint, "sns", ROOT)
    sqs = client(endpoint, "sqs", ROOT)
    logs_only = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "logs:*", "Resource": "*"}]}
    name = "subscriber-" + uuid.uuid4().hex[:8]
    arn = function(root, name, role(iam, name + "-role", logs_only), code)
    topic = sns.create_topic(Name=name)["TopicArn"]
    dlq_url = sqs.create_queue(QueueName=name + "-dlq")["QueueUrl"]
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    sns.subscribe(TopicArn=topic, Protocol="lambda", Endpoint=arn,
                  Attributes={"RedrivePolicy": json.dumps({"deadLetterTargetArn": dlq_arn})})

    # Without a function policy SNS may not invoke: the delivery fails at once to the DLQ.
    sns.publish(TopicArn=topic, Message="refused")
    got = sqs.receive_message(QueueUrl=dlq_url, WaitTimeSeconds=10).get("Messages", [])
    check("SNS -> Lambda without a function policy goes to the dead-letter queue",
          len(got) == 1 and "refused" in got[0]["Body"], got)
    check("... and the function did not run", ("[%s] START RequestId:" % name) not in server.log_text())

    root.add_permission(FunctionName=name, StatementId="from-topic", Action="lambda:InvokeFunction",
                        Principal="sns.amazonaws.com", SourceArn=topic)
    sns.publish(TopicArn=topic, Message="allowed")
    check("with the function policy naming the topic the function runs",
          wait_for(lambda: ("[%s] START RequestId:" % name) in server.log_text()), server.log_text()[-2000:])


def tag_conditions(endpoint, code):
    """The Lambda Developer Guide's ABAC pattern: new functions must carry project=blue and nothing
    else; the user may then read and untag only what carries that tag."""
    iam = client(endpoint, "iam", ROOT)
    user = "tagger-" + uuid.uuid4().hex[:8]
    iam.create_user(UserName=user)
    iam.put_user_policy(UserName=user, PolicyName="abac", PolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": ["lambda:CreateFunction", "lambda:TagResource"],
             "Resource": "arn:aws:lambda:*:*:function:*",
             "Condition": {"StringEquals": {"aws:RequestTag/project": "blue", "aws:ResourceTag/project": "blue"},
                           "ForAllValues:StringEquals": {"aws:TagKeys": ["project", "scratch"]}}},
            {"Effect": "Allow", "Action": ["lambda:GetFunction", "lambda:ListTags"],
             "Resource": "arn:aws:lambda:*:*:function:*",
             "Condition": {"StringEquals": {"aws:ResourceTag/project": "blue"}}},
            {"Effect": "Allow", "Action": "lambda:UntagResource", "Resource": "*",
             "Condition": {"ForAllValues:StringEquals": {"aws:TagKeys": "scratch"}}}]}))
    key = iam.create_access_key(UserName=user)["AccessKey"]
    tagger = client(endpoint, "lambda", (key["AccessKeyId"], key["SecretAccessKey"]))
    role_arn = role(iam, user + "-role", {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "logs:*", "Resource": "*"}]})

    def create(name, tags):
        return error_of(tagger.create_function, FunctionName=name, Runtime="provided.al2023", Role=role_arn,
                        Handler="echo", Code={"ZipFile": code}, Tags=tags)

    blue = user + "-blue"
    check("CreateFunction with the required tag is allowed", create(blue, {"project": "blue"}) is None)
    refused = create(user + "-red", {"project": "red"})
    check("CreateFunction with another value of the tag is refused (aws:RequestTag)",
          refused is not None and refused["Error"]["Code"] == "AccessDeniedException" and
          refused["Error"]["Message"].startswith("User: arn:aws:iam::%s:user/%s is not authorized to perform: "
                                                 "lambda:CreateFunction on resource: arn:aws:lambda:us-east-1:%s:"
                                                 "function:%s-red because no identity-based policy allows"
                                                 % (ACCOUNT, user, ACCOUNT, user)), refused)
    refused = create(user + "-extra", {"project": "blue", "owner": "me"})
    check("CreateFunction with a tag key the policy does not list is refused (aws:TagKeys)",
          refused is not None and refused["Error"]["Code"] == "AccessDeniedException", refused)
    check("CreateFunction without tags is refused", create(user + "-bare", {}) is not None)

    arn = "arn:aws:lambda:us-east-1:%s:function:%s" % (ACCOUNT, blue)
    check("GetFunction of a function tagged project=blue is allowed (aws:ResourceTag)",
          error_of(tagger.get_function, FunctionName=blue) is None)
    check("TagResource adding a listed key is allowed",
          error_of(tagger.tag_resource, Resource=arn, Tags={"project": "blue", "scratch": "1"}) is None)
    refused = error_of(tagger.tag_resource, Resource=arn, Tags={"project": "blue", "owner": "me"})
    check("TagResource with a key the policy does not list is refused",
          refused is not None and "perform: lambda:TagResource on resource: %s " % arn in refused["Error"]["Message"],
          refused)
    check("UntagResource of the listed key is allowed (aws:TagKeys)",
          error_of(tagger.untag_resource, Resource=arn, TagKeys=["scratch"]) is None)
    refused = error_of(tagger.untag_resource, Resource=arn, TagKeys=["project"])
    check("UntagResource of another key is refused",
          refused is not None and refused["Error"]["Code"] == "AccessDeniedException", refused)
    check("ListTags of the tagged function is allowed", tagger.list_tags(Resource=arn)["Tags"] == {"project": "blue"})

    # The same user on a function tagged otherwise (created by the root user).
    root = client(endpoint, "lambda", ROOT)
    green = user + "-green"
    root.create_function(FunctionName=green, Runtime="provided.al2023", Role=role_arn, Handler="echo",
                         Code={"ZipFile": code}, Tags={"project": "green"})
    refused = error_of(tagger.get_function, FunctionName=green)
    check("GetFunction of a function tagged project=green is refused (aws:ResourceTag)",
          refused is not None and refused["Error"]["Code"] == "AccessDeniedException", refused)
    refused = error_of(tagger.tag_resource, Resource="arn:aws:lambda:us-east-1:%s:function:%s" % (ACCOUNT, green),
                       Tags={"project": "blue"})
    check("TagResource re-tagging another project's function is refused (its aws:ResourceTag)",
          refused is not None and refused["Error"]["Code"] == "AccessDeniedException", refused)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--sluice", required=True)
    parser.add_argument("--echo-plugin", required=True)
    opts = parser.parse_args()
    code = echo_zip(opts.echo_plugin)
    server = SluiceServer(opts.sluice, extra_args=["--auth", "enforce", "--account", ACCOUNT,
                                                   os.path.join(HERE, "lambda_accounts.json")])
    server.start()
    try:
        invoke_and_access(server.endpoint, code)
        mapping_roles(server.endpoint, code)
        sns_to_lambda(server.endpoint, code, server)
        tag_conditions(server.endpoint, code)
    except Exception as e:  # noqa: BLE001 - any failure is reported with the server's log
        failures.append("%s: %s" % (type(e).__name__, e))
    finally:
        status = server.stop()
        log = server.log_text()
        server.close()
    if status != 0:
        failures.append("sluice up exited with %s" % status)
    for failure in failures:
        print("FAIL:", failure)
    if failures:
        print(log)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
