"""Signatures, principals and STS through boto3, against `sluice up --auth enforce accounts.json`
(run with --time-scale, so that temporary credentials expire within the test's patience while
signatures are still judged on the wall clock).

Runs under both system boto3 (Query protocol for SQS) and a newer one (JSON 1.0 for SQS); STS is
Query for both.
"""

import contextlib
import datetime
import os
import time
import urllib.error
import urllib.request
import uuid
from unittest import mock

import boto3
import botocore.auth
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from identity_env import (ACCOUNT, ALICE, BOB, CAROL, CHAINED, DEPLOYER, ENDPOINT, OTHER_ACCOUNT, ROOT, client,
                          session_client, sqs_protocol)

TIME_SCALE = float(os.environ.get("SLUICE_TIME_SCALE", "1"))


def error_of(call, *args, **kwargs):
    with pytest.raises(ClientError) as raised:
        call(*args, **kwargs)
    return raised.value.response


@contextlib.contextmanager
def signing_clock(offset):
    """Makes botocore sign as if its clock were `offset` away from now."""
    when = datetime.datetime.utcnow() + offset
    if hasattr(botocore.auth, "get_current_datetime"):
        with mock.patch.object(botocore.auth, "get_current_datetime", lambda *a, **k: when):
            yield
    else:
        real = datetime.datetime

        class Shifted(real):
            @classmethod
            def utcnow(cls):
                return when

        with mock.patch.object(botocore.auth.datetime, "datetime", Shifted):
            yield


# ---- Principals ----------------------------------------------------------------------------------

def test_get_caller_identity_names_each_user():
    alice = client("sts", ALICE).get_caller_identity()
    assert alice["Arn"] == "arn:aws:iam::%s:user/alice" % ACCOUNT
    assert alice["Account"] == ACCOUNT
    assert alice["UserId"].startswith("AIDA") and len(alice["UserId"]) == 21
    bob = client("sts", BOB).get_caller_identity()
    assert bob["Arn"] == "arn:aws:iam::%s:user/bob" % ACCOUNT
    assert bob["UserId"] != alice["UserId"]
    root = client("sts", ROOT).get_caller_identity()
    assert root == {**root, "Arn": "arn:aws:iam::%s:root" % ACCOUNT, "UserId": ACCOUNT, "Account": ACCOUNT}
    carol = client("sts", CAROL).get_caller_identity()
    assert carol["Account"] == OTHER_ACCOUNT


def test_the_signer_s_account_owns_its_queues():
    name = "id-" + uuid.uuid4().hex[:8]
    url = client("sqs", ALICE).create_queue(QueueName=name)["QueueUrl"]
    assert url.endswith("/%s/%s" % (ACCOUNT, name))
    carol_url = client("sqs", CAROL).create_queue(QueueName=name)["QueueUrl"]
    assert carol_url.endswith("/%s/%s" % (OTHER_ACCOUNT, name))


# ---- Refused signatures --------------------------------------------------------------------------

def test_wrong_secret_is_signature_does_not_match():
    for service, call in (("sts", "get_caller_identity"), ("sqs", "list_queues"), ("sns", "list_topics")):
        response = error_of(getattr(client(service, ALICE[0], "not-alice-s-secret"), call))
        assert response["Error"]["Code"] == "SignatureDoesNotMatch", service
        assert response["ResponseMetadata"]["HTTPStatusCode"] == 403
        assert response["Error"]["Message"].startswith(
            "The request signature we calculated does not match the signature you provided.")


def test_unknown_key_is_invalid_client_token_id():
    response = error_of(client("sts", "AKIANOSUCHKEY0000001", "whatever").get_caller_identity)
    assert response["Error"]["Code"] == "InvalidClientTokenId"
    assert response["Error"]["Message"] == "The security token included in the request is invalid"
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 403
    sqs = error_of(client("sqs", "AKIANOSUCHKEY0000001", "whatever").list_queues)
    assert sqs["Error"]["Code"] == "InvalidClientTokenId"


def test_tampered_request_is_refused():
    sts = client("sts", ALICE)

    def tamper(request, **kwargs):
        body = request.body
        request.body = body.replace(b"session-a", b"session-b") if isinstance(body, bytes) \
            else body.replace("session-a", "session-b")

    sts.meta.events.register("before-send.sts.AssumeRole", tamper)
    response = error_of(sts.assume_role, RoleArn=DEPLOYER, RoleSessionName="session-a")
    assert response["Error"]["Code"] == "SignatureDoesNotMatch"


def test_signature_older_or_newer_than_15_minutes_is_refused():
    sts = client("sts", ALICE)
    with signing_clock(datetime.timedelta(minutes=-20)):
        old = error_of(sts.get_caller_identity)
    assert old["Error"]["Code"] == "SignatureDoesNotMatch"
    assert old["Error"]["Message"].startswith("Signature expired: ")
    assert old["Error"]["Message"].endswith(" - 15 min.)")
    with signing_clock(datetime.timedelta(minutes=20)):
        ahead = error_of(sts.get_caller_identity)
    assert ahead["Error"]["Message"].startswith("Signature not yet current: ")
    with signing_clock(datetime.timedelta(minutes=-10)):
        assert sts.get_caller_identity()["Arn"].endswith(":user/alice")


def test_unsigned_request_is_missing_authentication_token():
    body = b"Action=GetCallerIdentity&Version=2011-06-15"
    request = urllib.request.Request(ENDPOINT + "/", data=body, method="POST",
                                     headers={"Content-Type": "application/x-www-form-urlencoded"})
    with pytest.raises(urllib.error.HTTPError) as raised:
        urllib.request.urlopen(request, timeout=10)
    assert raised.value.code == 403
    text = raised.value.read().decode()
    assert "<Code>MissingAuthenticationToken</Code>" in text
    assert "<Message>Request is missing Authentication Token</Message>" in text
    assert 'xmlns="https://sts.amazonaws.com/doc/2011-06-15/"' in text


def test_operations_aws_leaves_unsigned_are_not_refused_for_their_missing_signature():
    body = b"Action=AssumeRoleWithWebIdentity&Version=2011-06-15&RoleArn=x&RoleSessionName=s&WebIdentityToken=t"
    request = urllib.request.Request(ENDPOINT + "/", data=body, method="POST",
                                     headers={"Content-Type": "application/x-www-form-urlencoded"})
    with pytest.raises(urllib.error.HTTPError) as raised:
        urllib.request.urlopen(request, timeout=10)
    text = raised.value.read().decode()
    assert "MissingAuthenticationToken" not in text
    assert "<Code>ValidationError</Code>" in text  # answered: its parameters are too short


def test_sqs_answers_auth_errors_in_the_protocol_it_was_asked_in():
    response = error_of(client("sqs", BOB[0], "wrong").get_queue_url, QueueName="anything")
    assert response["Error"]["Code"] == "SignatureDoesNotMatch"
    if sqs_protocol() == "json":
        assert response["ResponseMetadata"]["HTTPHeaders"]["x-amzn-query-error"] == "SignatureDoesNotMatch;Sender"


@pytest.mark.skipif(sqs_protocol() != "query", reason="a presigned URL carries a Query request only")
def test_presigned_url_sends_a_message():
    sqs = client("sqs", ALICE)
    url = sqs.create_queue(QueueName="presigned-" + uuid.uuid4().hex[:8])["QueueUrl"]
    presigned = sqs.generate_presigned_url("send_message", Params={"QueueUrl": url, "MessageBody": "by url"},
                                           ExpiresIn=300, HttpMethod="GET")
    with urllib.request.urlopen(presigned, timeout=10) as answer:
        assert answer.status == 200
    messages = sqs.receive_message(QueueUrl=url, WaitTimeSeconds=1)["Messages"]
    assert [m["Body"] for m in messages] == ["by url"]
    # The same URL with the body changed no longer matches its signature.
    with pytest.raises(urllib.error.HTTPError) as raised:
        urllib.request.urlopen(presigned.replace("MessageBody=by%20url", "MessageBody=by%20urn"), timeout=10)
    assert raised.value.code == 403
    assert "SignatureDoesNotMatch" in raised.value.read().decode()


# ---- STS -----------------------------------------------------------------------------------------

def test_assume_role_gives_working_temporary_credentials():
    answer = client("sts", ALICE).assume_role(RoleArn=DEPLOYER, RoleSessionName="ci-run", DurationSeconds=1800)
    credentials = answer["Credentials"]
    assert credentials["AccessKeyId"].startswith("ASIA") and len(credentials["AccessKeyId"]) == 20
    assert len(credentials["SecretAccessKey"]) == 40
    assert credentials["SessionToken"]
    assert answer["AssumedRoleUser"]["Arn"] == "arn:aws:sts::%s:assumed-role/deployer/ci-run" % ACCOUNT
    assert answer["AssumedRoleUser"]["AssumedRoleId"].startswith("AROA")
    assert answer["AssumedRoleUser"]["AssumedRoleId"].endswith(":ci-run")
    assert "PackedPolicySize" not in answer

    me = session_client("sts", credentials).get_caller_identity()
    assert me["Arn"] == answer["AssumedRoleUser"]["Arn"]
    assert me["UserId"] == answer["AssumedRoleUser"]["AssumedRoleId"]
    url = session_client("sqs", credentials).create_queue(QueueName="role-" + uuid.uuid4().hex[:8])["QueueUrl"]
    assert "/%s/" % ACCOUNT in url

    # Without its session token the key is nobody's.
    response = error_of(client("sts", credentials["AccessKeyId"], credentials["SecretAccessKey"]).get_caller_identity)
    assert response["Error"]["Code"] == "InvalidClientTokenId"


def test_assume_role_from_another_account_and_by_chaining():
    answer = client("sts", CAROL).assume_role(RoleArn=DEPLOYER, RoleSessionName="from-carol")
    assert answer["AssumedRoleUser"]["Arn"].startswith("arn:aws:sts::%s:" % ACCOUNT)
    deployer = session_client("sts", answer["Credentials"])
    chained = deployer.assume_role(RoleArn=CHAINED, RoleSessionName="hop", DurationSeconds=900)
    assert chained["AssumedRoleUser"]["Arn"] == "arn:aws:sts::%s:assumed-role/chained/hop" % ACCOUNT
    too_long = error_of(deployer.assume_role, RoleArn=CHAINED, RoleSessionName="hop", DurationSeconds=3601)
    assert too_long["Error"]["Code"] == "ValidationError"
    assert too_long["Error"]["Message"] == (
        "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.")


def test_assume_role_refusals():
    bob = error_of(client("sts", BOB).assume_role, RoleArn=DEPLOYER, RoleSessionName="bob-session")
    assert bob["Error"]["Code"] == "AccessDenied"
    assert bob["ResponseMetadata"]["HTTPStatusCode"] == 403
    assert bob["Error"]["Message"] == (
        "User: arn:aws:iam::%s:user/bob is not authorized to perform: sts:AssumeRole on resource: %s"
        % (ACCOUNT, DEPLOYER))
    root = error_of(client("sts", ROOT).assume_role, RoleArn=DEPLOYER, RoleSessionName="root-session")
    assert root["Error"] == {**root["Error"], "Code": "AccessDenied",
                             "Message": "Roles may not be assumed by root accounts."}
    missing = error_of(client("sts", ALICE).assume_role, RoleArn="arn:aws:iam::%s:role/nope" % ACCOUNT,
                       RoleSessionName="s1")
    assert missing["Error"]["Code"] == "AccessDenied"
    over = error_of(client("sts", ALICE).assume_role, RoleArn=DEPLOYER, RoleSessionName="s1", DurationSeconds=7201)
    assert over["Error"]["Code"] == "ValidationError"
    assert over["Error"]["Message"] == "The requested DurationSeconds exceeds the MaxSessionDuration set for this role."


def test_assume_role_validation_as_aws_words_it():
    # botocore checks lengths and ranges itself; without that check the server's own shows.
    unvalidated = boto3.client("sts", endpoint_url=ENDPOINT, region_name="us-east-1", aws_access_key_id=ALICE[0],
                               aws_secret_access_key=ALICE[1], config=Config(parameter_validation=False))
    response = error_of(unvalidated.assume_role, RoleArn=DEPLOYER, RoleSessionName="x y", DurationSeconds=60)
    assert response["Error"]["Code"] == "ValidationError"
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert response["Error"]["Message"] == (
        "2 validation errors detected: Value 'x y' at 'roleSessionName' failed to satisfy constraint: Member "
        "must satisfy regular expression pattern: [\\w+=,.@-]*; Value '60' at 'durationSeconds' failed to "
        "satisfy constraint: Member must have value greater than or equal to 900")
    malformed = error_of(client("sts", ALICE).assume_role, RoleArn=DEPLOYER, RoleSessionName="s1",
                         Policy="{not json")
    assert malformed["Error"]["Code"] == "MalformedPolicyDocument"


def test_session_policies_are_accepted_and_sized():
    policy = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sqs:*","Resource":"*"}]}'
    answer = client("sts", ALICE).assume_role(RoleArn=DEPLOYER, RoleSessionName="scoped", Policy=policy,
                                              PolicyArns=[{"arn": "arn:aws:iam::aws:policy/AmazonSQSFullAccess"}])
    assert 0 < answer["PackedPolicySize"] <= 100


def test_get_session_token():
    answer = client("sts", BOB).get_session_token(DurationSeconds=900)
    credentials = answer["Credentials"]
    assert credentials["AccessKeyId"].startswith("ASIA")
    me = session_client("sts", credentials).get_caller_identity()
    assert me["Arn"] == "arn:aws:iam::%s:user/bob" % ACCOUNT
    again = error_of(session_client("sts", credentials).get_session_token)
    assert again["Error"]["Code"] == "AccessDenied"
    role = client("sts", ALICE).assume_role(RoleArn=DEPLOYER, RoleSessionName="s1")["Credentials"]
    from_role = error_of(session_client("sts", role).get_session_token)
    assert from_role["Error"]["Message"] == "Cannot call GetSessionToken with session credentials"


@pytest.mark.skipif(TIME_SCALE < 60, reason="needs a server run with --time-scale >= 60")
def test_expired_session_credentials_are_refused():
    answer = client("sts", ALICE).assume_role(RoleArn=DEPLOYER, RoleSessionName="short", DurationSeconds=900)
    sts = session_client("sts", answer["Credentials"])
    assert sts.get_caller_identity()["Arn"].endswith("/short")
    deadline = time.monotonic() + 900 / TIME_SCALE + 10
    while True:
        try:
            sts.get_caller_identity()
        except ClientError as e:
            assert e.response["Error"]["Code"] == "ExpiredToken"
            assert e.response["Error"]["Message"] == "The security token included in the request is expired"
            assert e.response["ResponseMetadata"]["HTTPStatusCode"] == 403
            break
        assert time.monotonic() < deadline, "the session credentials never expired"
        time.sleep(0.5)
