"""Versions and aliases through boto3 against a live sluice up: PublishVersion (a frozen copy of
$LATEST's code and settings; nothing new when $LATEST is unchanged; CodeSha256 and RevisionId
checks), ListVersionsByFunction, the alias calls with routing weights, Qualifier on Invoke,
GetFunction, GetFunctionConfiguration and DeleteFunction, AWS's errors, and all of it after a
restart."""

import base64
import json

import pytest

from conftest import ROLE
from test_lambda_functions import create, error_of, unique, wait_active, wait_updated

ACCOUNT_ARN = "arn:aws:lambda:us-east-1:123456789012:function:"


def greeting_of(answer):
    return base64.b64decode(answer["LogResult"]).decode()


def invoke_tail(lam, name, payload=b"{}", **extra):
    return lam.invoke(FunctionName=name, Payload=payload, LogType="Tail", **extra)


def published_function(lam, echo_zip, greeting="v1"):
    name = unique("ver")
    create(lam, name, {"ZipFile": echo_zip}, Environment={"Variables": {"ECHO_GREETING": greeting}})
    wait_active(lam, name)
    return name


def test_publish_freezes_code_and_settings(lam, echo_zip, throws_zip):
    name = published_function(lam, echo_zip)
    latest = lam.get_function_configuration(FunctionName=name)
    v1 = lam.publish_version(FunctionName=name, Description="first")
    assert v1["ResponseMetadata"]["HTTPStatusCode"] == 201
    assert v1["Version"] == "1"
    assert v1["FunctionArn"] == ACCOUNT_ARN + name + ":1"
    assert v1["Description"] == "first"
    assert v1["CodeSha256"] == latest["CodeSha256"]
    assert v1["State"] == "Active"
    # unchanged $LATEST: the same version again
    again = lam.publish_version(FunctionName=name)
    assert again["Version"] == "1" and again["RevisionId"] == v1["RevisionId"]

    lam.update_function_configuration(FunctionName=name, Environment={"Variables": {"ECHO_GREETING": "v2"}})
    wait_updated(lam, name)
    lam.update_function_code(FunctionName=name, ZipFile=throws_zip)
    wait_updated(lam, name)
    # version 1 still runs its own code and settings; $LATEST the new ones
    old = invoke_tail(lam, name, b'{"throw": true}', Qualifier="1")
    assert "FunctionError" not in old
    assert old["ExecutedVersion"] == "1"
    assert "v1 " + name in greeting_of(old)
    assert json.loads(old["Payload"].read()) == {"throw": True}
    new = invoke_tail(lam, name, b'{"throw": true}')
    assert new["FunctionError"] == "Unhandled"
    assert new["ExecutedVersion"] == "$LATEST"
    by_arn = lam.invoke(FunctionName=ACCOUNT_ARN + name + ":1", Payload=b'{"by": "arn"}')
    assert json.loads(by_arn["Payload"].read()) == {"by": "arn"}

    v2 = lam.publish_version(FunctionName=name)
    assert v2["Version"] == "2" and v2["CodeSha256"] != v1["CodeSha256"]
    listed = lam.list_versions_by_function(FunctionName=name)["Versions"]
    assert [v["Version"] for v in listed] == ["$LATEST", "1", "2"]
    assert listed[0]["FunctionArn"] == ACCOUNT_ARN + name + ":$LATEST"
    assert listed[1]["Environment"] == {"Variables": {"ECHO_GREETING": "v1"}}
    page = lam.list_versions_by_function(FunctionName=name, MaxItems=2)
    assert [v["Version"] for v in page["Versions"]] == ["$LATEST", "1"]
    rest = lam.list_versions_by_function(FunctionName=name, Marker=page["NextMarker"])
    assert [v["Version"] for v in rest["Versions"]] == ["2"] and "NextMarker" not in rest

    got = lam.get_function(FunctionName=name, Qualifier="1")
    assert got["Configuration"]["Version"] == "1"
    assert got["Configuration"]["Environment"] == {"Variables": {"ECHO_GREETING": "v1"}}
    assert lam.get_function_configuration(FunctionName=name, Qualifier="2")["CodeSha256"] == v2["CodeSha256"]
    missing = error_of(lambda: lam.get_function_configuration(FunctionName=name, Qualifier="9"))
    assert missing["Error"]["Code"] == "ResourceNotFoundException"
    assert missing["Error"]["Message"] == "Function not found: " + ACCOUNT_ARN + name + ":9"


def test_publish_checks_code_sha256_and_revision_id(lam, echo_zip):
    name = published_function(lam, echo_zip)
    latest = lam.get_function_configuration(FunctionName=name)
    wrong_sha = error_of(lambda: lam.publish_version(FunctionName=name, CodeSha256="abc"))
    assert wrong_sha["Error"]["Code"] == "InvalidParameterValueException"
    assert wrong_sha["Error"]["Message"] == (
        "CodeSHA256 (abc) is different from current CodeSHA256 in $LATEST (%s). Please try again with the "
        "CodeSHA256 in $LATEST." % latest["CodeSha256"])
    stale = error_of(lambda: lam.publish_version(FunctionName=name, RevisionId="not-the-revision"))
    assert stale["ResponseMetadata"]["HTTPStatusCode"] == 412
    assert stale["Error"]["Code"] == "PreconditionFailedException"
    stale_update = error_of(lambda: lam.update_function_configuration(FunctionName=name, Timeout=8,
                                                                      RevisionId="not-the-revision"))
    assert stale_update["Error"]["Code"] == "PreconditionFailedException"
    ok = lam.publish_version(FunctionName=name, CodeSha256=latest["CodeSha256"], RevisionId=latest["RevisionId"])
    assert ok["Version"] == "1"
    updated = lam.update_function_configuration(FunctionName=name, Timeout=8,
                                                RevisionId=lam.get_function(FunctionName=name)["Configuration"]
                                                ["RevisionId"])
    assert updated["Timeout"] == 8


def test_aliases_with_routing(lam, echo_zip):
    name = published_function(lam, echo_zip, greeting="one")
    lam.publish_version(FunctionName=name)
    lam.update_function_configuration(FunctionName=name, Environment={"Variables": {"ECHO_GREETING": "two"}})
    wait_updated(lam, name)
    lam.publish_version(FunctionName=name)

    alias = lam.create_alias(FunctionName=name, Name="live", FunctionVersion="1", Description="production")
    assert alias["ResponseMetadata"]["HTTPStatusCode"] == 201
    assert alias["AliasArn"] == ACCOUNT_ARN + name + ":live"
    assert alias["FunctionVersion"] == "1" and alias["Description"] == "production"
    assert "RoutingConfig" not in alias
    assert lam.get_alias(FunctionName=name, Name="live")["RevisionId"] == alias["RevisionId"]
    answer = invoke_tail(lam, name, Qualifier="live")
    assert answer["ExecutedVersion"] == "1" and "one " + name in greeting_of(answer)
    config = lam.get_function_configuration(FunctionName=name, Qualifier="live")
    assert config["Version"] == "1" and config["FunctionArn"] == ACCOUNT_ARN + name + ":live"

    exists = error_of(lambda: lam.create_alias(FunctionName=name, Name="live", FunctionVersion="2"))
    assert exists["Error"]["Code"] == "ResourceConflictException"
    assert exists["Error"]["Message"] == "Alias already exists: " + ACCOUNT_ARN + name + ":live"
    no_version = error_of(lambda: lam.create_alias(FunctionName=name, Name="beta", FunctionVersion="7"))
    assert no_version["Error"]["Code"] == "ResourceNotFoundException"
    numeric = error_of(lambda: lam.create_alias(FunctionName=name, Name="12", FunctionVersion="1"))
    assert numeric["Error"]["Code"] == "ValidationException"
    too_heavy = error_of(lambda: lam.update_alias(FunctionName=name, Name="live",
                                                  RoutingConfig={"AdditionalVersionWeights": {"2": 1.5}}))
    assert too_heavy["Error"]["Code"] == "ValidationException"
    same = error_of(lambda: lam.update_alias(FunctionName=name, Name="live",
                                             RoutingConfig={"AdditionalVersionWeights": {"1": 0.5}}))
    assert same["Error"]["Code"] == "InvalidParameterValueException"
    stale = error_of(lambda: lam.update_alias(FunctionName=name, Name="live", FunctionVersion="2",
                                              RevisionId="not-the-revision"))
    assert stale["Error"]["Code"] == "PreconditionFailedException"

    # every invocation goes to version 2 with weight 1.0, none with 0.0
    routed = lam.update_alias(FunctionName=name, Name="live", RoutingConfig={"AdditionalVersionWeights": {"2": 1.0}})
    assert routed["RoutingConfig"] == {"AdditionalVersionWeights": {"2": 1.0}}
    assert routed["RevisionId"] != alias["RevisionId"]
    for _ in range(3):
        assert invoke_tail(lam, name, Qualifier="live")["ExecutedVersion"] == "2"
    lam.update_alias(FunctionName=name, Name="live", RoutingConfig={"AdditionalVersionWeights": {"2": 0.0}})
    for _ in range(3):
        assert invoke_tail(lam, name, Qualifier="live")["ExecutedVersion"] == "1"

    # a version an alias uses cannot be deleted; others can
    in_use = error_of(lambda: lam.delete_function(FunctionName=name, Qualifier="1"))
    assert in_use["Error"]["Code"] == "ResourceConflictException"
    lam.create_alias(FunctionName=name, Name="edge", FunctionVersion="$LATEST")
    listed = lam.list_aliases(FunctionName=name)["Aliases"]
    assert [a["Name"] for a in listed] == ["edge", "live"]
    assert [a["Name"] for a in lam.list_aliases(FunctionName=name, FunctionVersion="1")["Aliases"]] == ["live"]
    lam.update_alias(FunctionName=name, Name="live", FunctionVersion="2", RoutingConfig={"AdditionalVersionWeights": {}})
    assert lam.delete_function(FunctionName=name, Qualifier="1")["ResponseMetadata"]["HTTPStatusCode"] == 204
    assert [v["Version"] for v in lam.list_versions_by_function(FunctionName=name)["Versions"]] == ["$LATEST", "2"]
    latest = error_of(lambda: lam.delete_function(FunctionName=name, Qualifier="$LATEST"))
    assert latest["Error"]["Code"] == "InvalidParameterValueException"

    assert lam.delete_alias(FunctionName=name, Name="edge")["ResponseMetadata"]["HTTPStatusCode"] == 204
    gone = error_of(lambda: lam.get_alias(FunctionName=name, Name="edge"))
    assert gone["Error"]["Code"] == "ResourceNotFoundException"
    assert error_of(lambda: lam.invoke(FunctionName=name, Qualifier="edge"))["Error"]["Code"] == \
        "ResourceNotFoundException"

    # deleting the function takes its versions and aliases with it
    lam.delete_function(FunctionName=name)
    create(lam, name, {"ZipFile": echo_zip})
    wait_active(lam, name)
    assert [v["Version"] for v in lam.list_versions_by_function(FunctionName=name)["Versions"]] == ["$LATEST"]
    assert lam.list_aliases(FunctionName=name)["Aliases"] == []


def test_versions_and_aliases_survive_a_restart(server, echo_zip):
    lam = server.client()
    name = published_function(lam, echo_zip, greeting="kept")
    v1 = lam.publish_version(FunctionName=name)
    lam.update_function_configuration(FunctionName=name, Environment={"Variables": {"ECHO_GREETING": "newer"}})
    wait_updated(lam, name)
    alias = lam.create_alias(FunctionName=name, Name="stable", FunctionVersion="1")
    server.restart()
    lam = server.client()
    wait_active(lam, name)
    assert lam.get_alias(FunctionName=name, Name="stable")["RevisionId"] == alias["RevisionId"]
    assert lam.get_function_configuration(FunctionName=name, Qualifier="1")["RevisionId"] == v1["RevisionId"]
    answer = invoke_tail(lam, name, Qualifier="stable")
    assert answer["ExecutedVersion"] == "1" and "kept " + name in greeting_of(answer)
    # version numbers are not given twice
    assert lam.publish_version(FunctionName=name)["Version"] == "2"


def test_role_is_unchanged_by_publishing(lam, echo_zip):
    name = published_function(lam, echo_zip)
    assert lam.publish_version(FunctionName=name)["Role"] == ROLE
    with pytest.raises(Exception):
        lam.publish_version(FunctionName=unique("missing"))


def test_publish_on_create_and_on_update_code(lam, echo_zip, throws_zip):
    name = unique("pub")
    created = create(lam, name, {"ZipFile": echo_zip}, Publish=True)
    assert created["Version"] == "1"
    assert created["FunctionArn"] == ACCOUNT_ARN + name + ":1"
    assert created["State"] == "Active"
    updated = lam.update_function_code(FunctionName=name, ZipFile=throws_zip, Publish=True)
    assert updated["Version"] == "2"
    assert updated["CodeSha256"] != created["CodeSha256"]
    versions = [v["Version"] for v in lam.list_versions_by_function(FunctionName=name)["Versions"]]
    assert versions == ["$LATEST", "1", "2"]
    assert "FunctionError" in lam.invoke(FunctionName=name, Qualifier="2", Payload=b'{"throw": true}')
    assert "FunctionError" not in lam.invoke(FunctionName=name, Qualifier="1", Payload=b'{"throw": true}')


def test_list_functions_with_all_versions(lam, echo_zip):
    name = published_function(lam, echo_zip)
    lam.publish_version(FunctionName=name)

    def all_entries(**extra):
        entries, marker = [], None
        while True:
            page = lam.list_functions(FunctionVersion="ALL", MaxItems=2, **({"Marker": marker} if marker else {}),
                                      **extra)
            entries += page["Functions"]
            marker = page.get("NextMarker")
            if not marker:
                return entries

    mine = [(f["Version"], f["FunctionArn"]) for f in all_entries() if f["FunctionName"] == name]
    assert mine == [("$LATEST", ACCOUNT_ARN + name + ":$LATEST"), ("1", ACCOUNT_ARN + name + ":1")]
    plain = [f for f in lam.list_functions(MaxItems=50)["Functions"] if f["FunctionName"] == name]
    assert [f["Version"] for f in plain] == ["$LATEST"]
    wrong = error_of(lambda: lam.list_functions(FunctionVersion="SOME"))
    assert wrong["Error"]["Code"] == "ValidationException"
    assert wrong["Error"]["Message"] == ("1 validation error detected: Value 'SOME' at 'functionVersion' failed to "
                                         "satisfy constraint: Member must satisfy enum value set: [ALL]")
