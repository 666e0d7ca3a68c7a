"""Policy evaluation on KMS, CloudWatch and CloudWatch Logs calls under `sluice up --auth enforce`.

KMS: a key's policy is a resource policy with KMS's own rule: IAM policies count only when the key
policy allows the account (the default key policy's "Enable IAM User Permissions" statement); a key
policy that names a user allows that user on its own. A refusal is AccessDeniedException, HTTP 400,
"User: ARN is not authorized to perform: kms:Encrypt on resource: KEY-ARN because no
identity-based|resource-based policy allows the kms:Encrypt action".

CloudWatch: PutMetricData is authorized on "*" with the cloudwatch:namespace condition key; a
refusal is AccessDenied (HTTP 403) in each of its protocols: Query, JSON 1.0 and Smithy RPC v2 CBOR
(the last two made here by hand and signed with botocore's SigV4).

CloudWatch Logs: actions on a log group are authorized on arn:aws:logs:REGION:ACCOUNT:log-group:NAME
:log-stream:, on one stream on ...:log-stream:STREAM; a refusal is AccessDeniedException, HTTP 400.
"""
import json
import struct
import time
import urllib.error
import urllib.request
import uuid

import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from botocore.exceptions import ClientError

from identity_env import ACCOUNT, ENDPOINT, REGION, ROOT, client


def policy(*statements):
    return {"Version": "2012-10-17", "Statement": list(statements)}


def allow(action, resource="*", condition=None):
    found = {"Effect": "Allow", "Action": action, "Resource": resource}
    if condition:
        found["Condition"] = condition
    return found


def new_user(*policies):
    """A user made over IAM with these inline policies: its (key, secret) and ARN."""
    iam = client("iam", ROOT)
    name = "kcl-" + uuid.uuid4().hex[:8]
    iam.create_user(UserName=name)
    for index, document in enumerate(policies):
        iam.put_user_policy(UserName=name, PolicyName="p%d" % index, PolicyDocument=json.dumps(document))
    key = iam.create_access_key(UserName=name)["AccessKey"]
    return (key["AccessKeyId"], key["SecretAccessKey"]), "arn:aws:iam::%s:user/%s" % (ACCOUNT, name)


def refused(status, call, **kwargs):
    """The (code, message) of a call refused with HTTP `status`."""
    with pytest.raises(ClientError) as raised:
        call(**kwargs)
    response = raised.value.response
    assert response["ResponseMetadata"]["HTTPStatusCode"] == status, response
    return response["Error"]["Code"], response["Error"]["Message"]


def not_authorized(arn, action, resource, policy_type):
    return ("User: %s is not authorized to perform: %s on resource: %s because no %s policy allows the %s action"
            % (arn, action, resource, policy_type, action))


# ---- KMS ------------------------------------------------------------------------------------------

USE_KEY = ["kms:Encrypt", "kms:Decrypt", "kms:DescribeKey"]


def test_kms_identity_policy_allows_under_the_default_key_policy_and_its_absence_denies():
    key = client("kms", ROOT).create_key(Description="authz")["KeyMetadata"]
    user, _ = new_user(policy(allow(USE_KEY, key["Arn"])))
    kms = client("kms", user)
    sealed = kms.encrypt(KeyId=key["KeyId"], Plaintext=b"secret")["CiphertextBlob"]
    assert kms.decrypt(CiphertextBlob=sealed)["Plaintext"] == b"secret"

    stranger, stranger_arn = new_user(policy(allow("sqs:*")))
    code, message = refused(400, client("kms", stranger).encrypt, KeyId=key["KeyId"], Plaintext=b"x")
    assert code == "AccessDeniedException"
    assert message == not_authorized(stranger_arn, "kms:Encrypt", key["Arn"], "identity-based")
    # Decrypt is authorized on the key the ciphertext names.
    code, message = refused(400, client("kms", stranger).decrypt, CiphertextBlob=sealed)
    assert message == not_authorized(stranger_arn, "kms:Decrypt", key["Arn"], "identity-based")


def test_kms_key_policy_without_the_account_statement_denies_an_iam_allowed_user():
    admin, admin_arn = new_user(policy(allow("kms:CreateKey")))
    key_user, key_user_arn = new_user()  # no IAM policy at all
    key_policy = policy(
        {"Sid": "Key administrator", "Effect": "Allow", "Principal": {"AWS": admin_arn}, "Action": "kms:*",
         "Resource": "*"},
        {"Sid": "Key user", "Effect": "Allow", "Principal": {"AWS": key_user_arn}, "Action": USE_KEY,
         "Resource": "*"})
    key = client("kms", admin).create_key(Policy=json.dumps(key_policy))["KeyMetadata"]

    # Named in the key policy: allowed with no IAM policy.
    assert client("kms", key_user).encrypt(KeyId=key["Arn"], Plaintext=b"x")["KeyId"] == key["Arn"]
    # Allowed by IAM (kms:* on everything) but not by the key policy: refused, as is the root user.
    iam_only, iam_only_arn = new_user(policy(allow("kms:*")))
    code, message = refused(400, client("kms", iam_only).encrypt, KeyId=key["KeyId"], Plaintext=b"x")
    assert code == "AccessDeniedException"
    assert message == not_authorized(iam_only_arn, "kms:Encrypt", key["Arn"], "resource-based")
    code, _ = refused(400, client("kms", ROOT).describe_key, KeyId=key["KeyId"])
    assert code == "AccessDeniedException"


def test_kms_alias_needs_the_alias_and_the_key():
    key = client("kms", ROOT).create_key()["KeyMetadata"]
    alias = "alias/authz-" + uuid.uuid4().hex[:8]
    alias_arn = "arn:aws:kms:%s:%s:%s" % (REGION, ACCOUNT, alias)
    on_alias_only, arn = new_user(policy(allow("kms:CreateAlias", alias_arn)))
    code, message = refused(400, client("kms", on_alias_only).create_alias, AliasName=alias,
                            TargetKeyId=key["KeyId"])
    assert message == not_authorized(arn, "kms:CreateAlias", key["Arn"], "identity-based")
    both, _ = new_user(policy(allow("kms:CreateAlias", [alias_arn, key["Arn"]])))
    client("kms", both).create_alias(AliasName=alias, TargetKeyId=key["KeyId"])
    assert alias in [a["AliasName"] for a in client("kms", ROOT).list_aliases()["Aliases"]]


# ---- CloudWatch -----------------------------------------------------------------------------------

NAMESPACE_ONLY = policy(allow("cloudwatch:PutMetricData", "*",
                              {"StringEquals": {"cloudwatch:namespace": "Authz/Allowed"}}))


def test_cloudwatch_put_metric_data_is_limited_by_the_namespace_condition():
    user, arn = new_user(NAMESPACE_ONLY)
    cloudwatch = client("cloudwatch", user)
    cloudwatch.put_metric_data(Namespace="Authz/Allowed", MetricData=[{"MetricName": "m", "Value": 1.0}])
    code, message = refused(403, cloudwatch.put_metric_data, Namespace="Authz/Other",
                            MetricData=[{"MetricName": "m", "Value": 1.0}])
    # Query's <Code>; botocore names it so in the JSON and CBOR protocols too, from x-amzn-query-error.
    assert code in ("AccessDenied", "AccessDeniedException")
    assert message == not_authorized(arn, "cloudwatch:PutMetricData", "*", "identity-based")


def signed_post(user, headers, body):
    """A POST to CloudWatch signed as `user`: its status, headers and body."""
    path = "/service/GraniteServiceVersion20100801/operation/PutMetricData" if "smithy-protocol" in headers else "/"
    request = AWSRequest(method="POST", url=ENDPOINT + path, data=body, headers=headers)
    SigV4Auth(Credentials(user[0], user[1]), "monitoring", REGION).add_auth(request)
    prepared = request.prepare()
    raw = urllib.request.Request(prepared.url, data=body, headers=dict(prepared.headers), method="POST")
    try:
        with urllib.request.urlopen(raw, timeout=10) as answer:
            return answer.status, answer.headers, answer.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def cbor_text(text):
    data = text.encode()
    return (bytes([0x60 | len(data)]) if len(data) < 24 else bytes([0x78, len(data)])) + data


def cbor_put_metric_data(namespace):
    """{"Namespace": namespace, "MetricData": [{"MetricName": "m", "Value": 1.0}]} in CBOR."""
    datum = bytes([0xa2]) + cbor_text("MetricName") + cbor_text("m") + cbor_text("Value") + b"\xfb" + struct.pack(
        ">d", 1.0)
    return bytes([0xa2]) + cbor_text("Namespace") + cbor_text(namespace) + cbor_text("MetricData") + bytes(
        [0x81]) + datum


def test_cloudwatch_refusal_in_json_and_cbor():
    user, arn = new_user(NAMESPACE_ONLY)
    body = json.dumps({"Namespace": "Authz/Other", "MetricData": [{"MetricName": "m", "Value": 1.0}]}).encode()
    status, headers, answer = signed_post(user, {"Content-Type": "application/x-amz-json-1.0",
                                                 "X-Amz-Target": "GraniteServiceVersion20100801.PutMetricData"},
                                          body)
    assert status == 403, answer
    error = json.loads(answer)
    assert error["__type"].endswith("AccessDeniedException"), error
    assert headers["x-amzn-query-error"] == "AccessDenied;Sender"
    assert error["message"] == not_authorized(arn, "cloudwatch:PutMetricData", "*", "identity-based")

    status, _, answer = signed_post(user, {"Content-Type": "application/cbor", "Accept": "application/cbor",
                                           "smithy-protocol": "rpc-v2-cbor"}, cbor_put_metric_data("Authz/Other"))
    assert status == 403, answer
    assert b"AccessDeniedException" in answer and arn.encode() in answer
    status, _, answer = signed_post(user, {"Content-Type": "application/cbor", "Accept": "application/cbor",
                                           "smithy-protocol": "rpc-v2-cbor"}, cbor_put_metric_data("Authz/Allowed"))
    assert status == 200, answer


# ---- CloudWatch Logs ------------------------------------------------------------------------------

def test_logs_allowed_on_one_group_and_denied_on_another():
    allowed, denied = "/authz/allowed-" + uuid.uuid4().hex[:6], "/authz/denied-" + uuid.uuid4().hex[:6]
    groups = "arn:aws:logs:%s:%s:log-group:" % (REGION, ACCOUNT)
    user, arn = new_user(policy(allow(["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"],
                                      groups + allowed + ":*")))
    logs = client("logs", user)
    logs.create_log_group(logGroupName=allowed)
    logs.create_log_stream(logGroupName=allowed, logStreamName="s")
    now_ms = int(time.time() * 1000)
    logs.put_log_events(logGroupName=allowed, logStreamName="s", logEvents=[{"timestamp": now_ms, "message": "m"}])

    code, message = refused(400, logs.create_log_group, logGroupName=denied)
    assert code == "AccessDeniedException"
    assert message == not_authorized(arn, "logs:CreateLogGroup", groups + denied + ":log-stream:", "identity-based")
    client("logs", ROOT).create_log_group(logGroupName=denied)
    client("logs", ROOT).create_log_stream(logGroupName=denied, logStreamName="s")
    code, message = refused(400, logs.put_log_events, logGroupName=denied, logStreamName="s",
                            logEvents=[{"timestamp": now_ms, "message": "m"}])
    assert message == not_authorized(arn, "logs:PutLogEvents", groups + denied + ":log-stream:s", "identity-based")
