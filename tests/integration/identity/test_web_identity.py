"""IAM's OpenID Connect providers, sluice's test issuer and STS AssumeRoleWithWebIdentity through
boto3, against `sluice up --auth enforce accounts.json`; and trust-policy conditions on AssumeRole.
Runs under both system boto3 and a newer one."""

import base64
import json
import os
import uuid

import boto3
import pytest
from botocore import UNSIGNED
from botocore.config import Config
from botocore.exceptions import ClientError

from identity_env import ACCOUNT, ALICE, BOB, CAROL, ENDPOINT, REGION, client, session_client
from oidc_tokens import AUDIENCE, ISSUER_URL, PROVIDER_ARN, issuer_request, mint, register_provider

WEB_READER = "arn:aws:iam::%s:role/web-reader" % ACCOUNT
PARTNER = "arn:aws:iam::%s:role/partner" % ACCOUNT
THUMB = "a" * 40


def error_of(call, *args, **kwargs):
    with pytest.raises(ClientError) as raised:
        call(*args, **kwargs)
    return raised.value.response


def unsigned_sts():
    return boto3.client("sts", endpoint_url=ENDPOINT, region_name=REGION, config=Config(signature_version=UNSIGNED))


# ---- IAM OpenID Connect providers ------------------------------------------------------------------

def test_provider_lifecycle_with_clients_thumbprints_and_tags():
    iam = client("iam", ALICE)
    url = "https://issuer-%s.example.com/id/7" % uuid.uuid4().hex[:8]
    arn = iam.create_open_id_connect_provider(Url=url, ClientIDList=["a", "b"], ThumbprintList=[THUMB],
                                              Tags=[{"Key": "team", "Value": "blue"}])["OpenIDConnectProviderArn"]
    assert arn == "arn:aws:iam::%s:oidc-provider/%s" % (ACCOUNT, url[len("https://"):])
    got = iam.get_open_id_connect_provider(OpenIDConnectProviderArn=arn)
    assert got["Url"] == url[len("https://"):]
    assert got["ClientIDList"] == ["a", "b"] and got["ThumbprintList"] == [THUMB]
    assert got["Tags"] == [{"Key": "team", "Value": "blue"}]
    assert {"Arn": arn} in iam.list_open_id_connect_providers()["OpenIDConnectProviderList"]

    iam.add_client_id_to_open_id_connect_provider(OpenIDConnectProviderArn=arn, ClientID="c")
    iam.remove_client_id_from_open_id_connect_provider(OpenIDConnectProviderArn=arn, ClientID="a")
    iam.update_open_id_connect_provider_thumbprint(OpenIDConnectProviderArn=arn, ThumbprintList=["b" * 40])
    iam.tag_open_id_connect_provider(OpenIDConnectProviderArn=arn, Tags=[{"Key": "env", "Value": "test"},
                                                                          {"Key": "team", "Value": "red"}])
    iam.untag_open_id_connect_provider(OpenIDConnectProviderArn=arn, TagKeys=["env"])
    got = iam.get_open_id_connect_provider(OpenIDConnectProviderArn=arn)
    assert got["ClientIDList"] == ["b", "c"] and got["ThumbprintList"] == ["b" * 40]
    assert iam.list_open_id_connect_provider_tags(OpenIDConnectProviderArn=arn)["Tags"] == [
        {"Key": "team", "Value": "red"}]

    duplicate = error_of(iam.create_open_id_connect_provider, Url=url, ClientIDList=["a"], ThumbprintList=[THUMB])
    assert duplicate["Error"]["Code"] == "EntityAlreadyExists"
    assert duplicate["ResponseMetadata"]["HTTPStatusCode"] == 409
    assert duplicate["Error"]["Message"] == "Provider with url %s already exists." % url

    # Another account does not see it.
    assert {"Arn": arn} not in client("iam", CAROL).list_open_id_connect_providers()["OpenIDConnectProviderList"]
    iam.delete_open_id_connect_provider(OpenIDConnectProviderArn=arn)
    gone = error_of(iam.get_open_id_connect_provider, OpenIDConnectProviderArn=arn)
    assert gone["Error"]["Code"] == "NoSuchEntity"
    assert gone["ResponseMetadata"]["HTTPStatusCode"] == 404
    assert gone["Error"]["Message"] == "OpenIDConnect Provider not found for arn %s" % arn


def test_provider_validation():
    iam = client("iam", ALICE)
    # (boto3 1.26's model still requires ThumbprintList, so every create passes one)
    plain = error_of(iam.create_open_id_connect_provider, Url="http://example.com", ClientIDList=["a"],
                     ThumbprintList=[THUMB])
    assert plain["Error"]["Code"] == "InvalidInput"
    # (botocore checks minimum lengths itself; a thumbprint too long reaches the server)
    long = error_of(iam.create_open_id_connect_provider, Url="https://long.example.com", ThumbprintList=["a" * 41])
    assert long["Error"]["Code"] == "ValidationError"
    assert "thumbprintList.member" in long["Error"]["Message"]
    too_many = error_of(iam.create_open_id_connect_provider, Url="https://many.example.com",
                        ThumbprintList=[c * 40 for c in "abcdef"])
    assert too_many["Error"]["Code"] == "LimitExceeded"
    bad_arn = error_of(iam.get_open_id_connect_provider, OpenIDConnectProviderArn="arn:aws:iam::1:user/x")
    assert bad_arn["Error"]["Code"] == "InvalidInput"


# ---- The test issuer -------------------------------------------------------------------------------

def test_issuer_publishes_discovery_and_jwks():
    status, discovery = issuer_request("/_sluice/oidc/.well-known/openid-configuration", sign=False, method="GET")
    assert status == 200
    assert discovery["issuer"] == ISSUER_URL
    assert discovery["jwks_uri"] == ISSUER_URL + "/jwks.json"
    status, jwks = issuer_request("/_sluice/oidc/jwks.json", sign=False, method="GET")
    assert status == 200
    key = jwks["keys"][0]
    assert key["kty"] == "RSA" and key["alg"] == "RS256" and key["kid"]
    token = mint()
    header = json.loads(base64.urlsafe_b64decode(token.split(".")[0] + "=="))
    assert header == {"alg": "RS256", "typ": "JWT", "kid": key["kid"]}
    claims = json.loads(base64.urlsafe_b64decode(token.split(".")[1] + "=="))
    assert claims["iss"] == ISSUER_URL and claims["aud"] == AUDIENCE and claims["exp"] > claims["iat"]


def test_minting_is_refused_to_anonymous_callers_under_enforce():
    status, answer = issuer_request("/_sluice/oidc/token", {"sub": "x", "aud": AUDIENCE}, sign=False)
    assert status == 403


# ---- AssumeRoleWithWebIdentity ---------------------------------------------------------------------

def test_web_identity_credentials_work_for_signed_calls():
    register_provider(client("iam", ALICE))
    answer = unsigned_sts().assume_role_with_web_identity(RoleArn=WEB_READER, RoleSessionName="pod-1",
                                                          WebIdentityToken=mint())
    assert answer["SubjectFromWebIdentityToken"] == "system:serviceaccount:apps:worker"
    assert answer["Audience"] == AUDIENCE
    assert answer["Provider"] == ISSUER_URL[len("http://"):]
    assert answer["AssumedRoleUser"]["Arn"] == "arn:aws:sts::%s:assumed-role/web-reader/pod-1" % ACCOUNT
    assert answer["Credentials"]["AccessKeyId"].startswith("ASIA")
    me = session_client("sts", answer["Credentials"]).get_caller_identity()
    assert me["Arn"] == "arn:aws:sts::%s:assumed-role/web-reader/pod-1" % ACCOUNT


def test_web_identity_refusals():
    register_provider(client("iam", ALICE))
    sts = unsigned_sts()

    def refused(token, role=WEB_READER):
        return error_of(sts.assume_role_with_web_identity, RoleArn=role, RoleSessionName="s1", WebIdentityToken=token)

    not_jwt = refused("not-a-token")
    assert not_jwt["Error"]["Code"] == "InvalidIdentityToken"
    assert not_jwt["ResponseMetadata"]["HTTPStatusCode"] == 400
    expired = refused(mint(expires_in="-60"))
    assert expired["Error"]["Code"] == "ExpiredTokenException"
    assert expired["Error"]["Message"].startswith("Token expired: current date/time ")
    wrong_audience = refused(mint(aud="someone-else"))
    assert wrong_audience["Error"]["Code"] == "InvalidIdentityToken"
    assert wrong_audience["Error"]["Message"] == "Incorrect token audience"
    header, claims, signature = mint().split(".")
    forged_claims = json.loads(base64.urlsafe_b64decode(claims + "=="))
    forged_claims["sub"] = "system:serviceaccount:apps:admin"
    forged = base64.urlsafe_b64encode(json.dumps(forged_claims).encode()).decode().rstrip("=")
    tampered = refused(".".join([header, forged, signature]))
    assert tampered["Error"]["Code"] == "InvalidIdentityToken"
    # The trust policy's StringLike on :sub.
    denied = refused(mint(sub="system:serviceaccount:other:worker"))
    assert denied["Error"]["Code"] == "AccessDenied"
    assert denied["Error"]["Message"] == "Not authorized to perform sts:AssumeRoleWithWebIdentity"
    assert denied["ResponseMetadata"]["HTTPStatusCode"] == 403
    # A role that trusts no web identity.
    assert refused(mint(), role="arn:aws:iam::%s:role/deployer" % ACCOUNT)["Error"]["Code"] == "AccessDenied"


def test_web_identity_needs_a_registered_provider():
    token = mint()
    iam = client("iam", CAROL)  # carol's account has no provider for the issuer
    assert {"Arn": PROVIDER_ARN.replace(ACCOUNT, "444455556666")} not in \
        iam.list_open_id_connect_providers()["OpenIDConnectProviderList"]
    unknown = error_of(unsigned_sts().assume_role_with_web_identity,
                       RoleArn="arn:aws:iam::444455556666:role/any", RoleSessionName="s1", WebIdentityToken=token)
    assert unknown["Error"]["Code"] == "InvalidIdentityToken"
    assert unknown["Error"]["Message"] == "No OpenIDConnect provider found in your account for " + ISSUER_URL


# ---- Conditions in AssumeRole trust policies ---------------------------------------------------------

def test_assume_role_external_id_condition():
    carol = client("sts", CAROL)
    ok = carol.assume_role(RoleArn=PARTNER, RoleSessionName="partner", ExternalId="partner-secret-42")
    assert ok["AssumedRoleUser"]["Arn"].endswith(":assumed-role/partner/partner")
    wrong = error_of(carol.assume_role, RoleArn=PARTNER, RoleSessionName="partner", ExternalId="guess")
    assert wrong["Error"]["Code"] == "AccessDenied"
    missing = error_of(carol.assume_role, RoleArn=PARTNER, RoleSessionName="partner")
    assert missing["Error"]["Code"] == "AccessDenied"
    # The right external id from a principal the policy does not name.
    assert error_of(client("sts", BOB).assume_role, RoleArn=PARTNER, RoleSessionName="pp",
                    ExternalId="partner-secret-42")["Error"]["Code"] == "AccessDenied"


def test_boto3_web_identity_credential_provider(tmp_path, monkeypatch):
    """AWS_ROLE_ARN + AWS_WEB_IDENTITY_TOKEN_FILE, with STS pointed at sluice by AWS_ENDPOINT_URL_STS
    (botocore 1.31+; older ones would call AWS's own STS, so the test skips there)."""
    import botocore
    if tuple(int(x) for x in botocore.__version__.split(".")[:2]) < (1, 31):
        pytest.skip("botocore %s predates AWS_ENDPOINT_URL_STS" % botocore.__version__)
    register_provider(client("iam", ALICE))
    token_file = tmp_path / "token"
    token_file.write_text(mint())
    for name in list(os.environ):
        if name.startswith("AWS_"):
            monkeypatch.delenv(name)
    # Anything but loopback goes to a closed local port: no provider can reach AWS by mistake.
    monkeypatch.setenv("HTTPS_PROXY", "http://127.0.0.1:9")
    monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:9")
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.setenv("AWS_CONFIG_FILE", os.devnull)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", os.devnull)
    monkeypatch.setenv("AWS_ENDPOINT_URL_STS", ENDPOINT)
    monkeypatch.setenv("AWS_ROLE_ARN", WEB_READER)
    monkeypatch.setenv("AWS_ROLE_SESSION_NAME", "boto3-file")
    monkeypatch.setenv("AWS_WEB_IDENTITY_TOKEN_FILE", str(token_file))
    me = boto3.Session(region_name=REGION).client("sts").get_caller_identity()
    assert me["Arn"] == "arn:aws:sts::%s:assumed-role/web-reader/boto3-file" % ACCOUNT
