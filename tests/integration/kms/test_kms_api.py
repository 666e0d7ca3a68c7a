"""KMS through boto3: keys, aliases, encryption with context, data keys, rotation, policies, tags,
disabling and scheduled deletion, with the errors AWS answers."""

import json
import time
import uuid

import pytest
from botocore.exceptions import ClientError

from kms_env import ACCOUNT, REGION, TIME_SCALE, client, error_of, unique


@pytest.fixture
def kms():
    return client("kms")


def new_key(kms, **kwargs):
    return kms.create_key(**kwargs)["KeyMetadata"]


def test_create_and_describe_a_key(kms):
    meta = new_key(kms, Description="orders", Tags=[{"TagKey": "team", "TagValue": "payments"}])
    key_id = meta["KeyId"]
    uuid.UUID(key_id)
    assert meta["Arn"] == "arn:aws:kms:%s:%s:key/%s" % (REGION, ACCOUNT, key_id)
    assert meta["AWSAccountId"] == ACCOUNT
    assert meta["Enabled"] is True
    assert meta["KeyState"] == "Enabled"
    assert meta["KeyUsage"] == "ENCRYPT_DECRYPT"
    assert meta["KeySpec"] == "SYMMETRIC_DEFAULT"
    assert meta["Origin"] == "AWS_KMS"
    assert meta["KeyManager"] == "CUSTOMER"
    assert meta["EncryptionAlgorithms"] == ["SYMMETRIC_DEFAULT"]
    assert abs(meta["CreationDate"].timestamp() - time.time()) < 3600 * TIME_SCALE

    described = kms.describe_key(KeyId=meta["Arn"])["KeyMetadata"]
    assert described["KeyId"] == key_id and described["Description"] == "orders"
    listed = kms.list_keys(Limit=1000)["Keys"]
    assert {"KeyId": key_id, "KeyArn": meta["Arn"]} in listed
    assert kms.list_resource_tags(KeyId=key_id)["Tags"] == [{"TagKey": "team", "TagValue": "payments"}]

    policy = json.loads(kms.get_key_policy(KeyId=key_id, PolicyName="default")["Policy"])
    assert policy["Id"] == "key-default-1"
    assert policy["Statement"] == [{
        "Sid": "Enable IAM User Permissions", "Effect": "Allow",
        "Principal": {"AWS": "arn:aws:iam::%s:root" % ACCOUNT}, "Action": "kms:*", "Resource": "*"}]


def test_unknown_keys_and_aliases(kms):
    missing = str(uuid.uuid4())
    with pytest.raises(ClientError) as e:
        kms.describe_key(KeyId=missing)
    assert error_of(e.value) == (
        "NotFoundException", "Key 'arn:aws:kms:%s:%s:key/%s' does not exist" % (REGION, ACCOUNT, missing), 400)
    with pytest.raises(kms.exceptions.NotFoundException) as e:
        kms.encrypt(KeyId="alias/" + unique("none"), Plaintext=b"x")
    assert error_of(e.value)[1].endswith(" is not found.")


def test_aliases(kms):
    a = new_key(kms)["KeyId"]
    b = new_key(kms)["KeyId"]
    name = "alias/" + unique("app")
    kms.create_alias(AliasName=name, TargetKeyId=a)
    with pytest.raises(kms.exceptions.AlreadyExistsException):
        kms.create_alias(AliasName=name, TargetKeyId=b)
    with pytest.raises(ClientError) as e:
        kms.create_alias(AliasName="alias/aws/" + unique("mine"), TargetKeyId=a)
    assert error_of(e.value)[0] == "NotAuthorizedException"
    assert kms.describe_key(KeyId=name)["KeyMetadata"]["KeyId"] == a
    kms.update_alias(AliasName=name, TargetKeyId=b)
    assert kms.describe_key(KeyId=name)["KeyMetadata"]["KeyId"] == b
    listed = kms.list_aliases(KeyId=b)["Aliases"]
    assert [x["AliasName"] for x in listed] == [name]
    assert listed[0]["AliasArn"] == "arn:aws:kms:%s:%s:%s" % (REGION, ACCOUNT, name)
    names = [x["AliasName"] for x in kms.list_aliases(Limit=100)["Aliases"]]
    assert name in names and "alias/aws/sqs" in names
    kms.delete_alias(AliasName=name)
    with pytest.raises(kms.exceptions.NotFoundException):
        kms.describe_key(KeyId=name)


def test_encrypt_decrypt_with_encryption_context(kms):
    key = new_key(kms)
    context = {"purpose": "integration", "tenant": "a"}
    sealed = kms.encrypt(KeyId=key["KeyId"], Plaintext=b"top secret", EncryptionContext=context)
    assert sealed["KeyId"] == key["Arn"]
    assert sealed["EncryptionAlgorithm"] == "SYMMETRIC_DEFAULT"
    assert b"top secret" not in sealed["CiphertextBlob"]
    # No KeyId needed: the blob names its key.
    opened = kms.decrypt(CiphertextBlob=sealed["CiphertextBlob"], EncryptionContext=context)
    assert opened["Plaintext"] == b"top secret" and opened["KeyId"] == key["Arn"]
    with pytest.raises(kms.exceptions.InvalidCiphertextException):
        kms.decrypt(CiphertextBlob=sealed["CiphertextBlob"], EncryptionContext={"purpose": "integration"})
    with pytest.raises(kms.exceptions.InvalidCiphertextException):
        kms.decrypt(CiphertextBlob=b"\x00" * 64)
    other = new_key(kms)
    with pytest.raises(kms.exceptions.IncorrectKeyException):
        kms.decrypt(CiphertextBlob=sealed["CiphertextBlob"], EncryptionContext=context, KeyId=other["KeyId"])

    moved = kms.re_encrypt(CiphertextBlob=sealed["CiphertextBlob"], SourceEncryptionContext=context,
                           DestinationKeyId=other["KeyId"])
    assert moved["SourceKeyId"] == key["Arn"] and moved["KeyId"] == other["Arn"]
    assert kms.decrypt(CiphertextBlob=moved["CiphertextBlob"])["Plaintext"] == b"top secret"

    with pytest.raises(ClientError) as e:
        kms.encrypt(KeyId=key["KeyId"], Plaintext=b"x" * 4097)
    assert error_of(e.value)[0] == "ValidationException"


def test_data_keys_and_random(kms):
    key = new_key(kms)
    context = {"aws:sqs:arn": "arn:aws:sqs:us-east-1:%s:q" % ACCOUNT}
    data = kms.generate_data_key(KeyId=key["KeyId"], KeySpec="AES_256", EncryptionContext=context)
    assert len(data["Plaintext"]) == 32 and data["KeyId"] == key["Arn"]
    assert kms.decrypt(CiphertextBlob=data["CiphertextBlob"], EncryptionContext=context)["Plaintext"] == \
        data["Plaintext"]
    assert len(kms.generate_data_key(KeyId=key["KeyId"], NumberOfBytes=16)["Plaintext"]) == 16
    bare = kms.generate_data_key_without_plaintext(KeyId=key["KeyId"], KeySpec="AES_128")
    assert "Plaintext" not in bare
    assert len(kms.decrypt(CiphertextBlob=bare["CiphertextBlob"])["Plaintext"]) == 16
    with pytest.raises(ClientError) as e:
        kms.generate_data_key(KeyId=key["KeyId"])
    assert error_of(e.value)[0] == "ValidationException"
    one, two = kms.generate_random(NumberOfBytes=32)["Plaintext"], kms.generate_random(NumberOfBytes=32)["Plaintext"]
    assert len(one) == 32 and one != two
    with pytest.raises(ClientError) as e:
        kms.generate_random(NumberOfBytes=1025)
    assert error_of(e.value)[0] == "ValidationException"


def test_rotation_policy_and_tags(kms):
    key_id = new_key(kms)["KeyId"]
    assert kms.get_key_rotation_status(KeyId=key_id)["KeyRotationEnabled"] is False
    # RotationPeriodInDays came to KMS (and botocore's model) in 2024; older boto3 cannot send it.
    with_period = "RotationPeriodInDays" in \
        kms.meta.service_model.operation_model("EnableKeyRotation").input_shape.members
    if with_period:
        kms.enable_key_rotation(KeyId=key_id, RotationPeriodInDays=180)
    else:
        kms.enable_key_rotation(KeyId=key_id)
    status = kms.get_key_rotation_status(KeyId=key_id)
    assert status["KeyRotationEnabled"] is True
    if with_period:
        assert status["RotationPeriodInDays"] == 180
    kms.disable_key_rotation(KeyId=key_id)
    assert kms.get_key_rotation_status(KeyId=key_id)["KeyRotationEnabled"] is False
    if with_period:
        with pytest.raises(ClientError) as e:
            kms.enable_key_rotation(KeyId=key_id, RotationPeriodInDays=3000)
        assert error_of(e.value)[0] == "ValidationException"

    policy = json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::%s:root" % ACCOUNT}, "Action": "kms:*",
        "Resource": "*"}]})
    kms.put_key_policy(KeyId=key_id, PolicyName="default", Policy=policy)
    assert kms.get_key_policy(KeyId=key_id, PolicyName="default")["Policy"] == policy
    with pytest.raises(kms.exceptions.MalformedPolicyDocumentException):
        kms.put_key_policy(KeyId=key_id, PolicyName="default", Policy="not json")

    kms.tag_resource(KeyId=key_id, Tags=[{"TagKey": "a", "TagValue": "1"}, {"TagKey": "b", "TagValue": "2"}])
    kms.untag_resource(KeyId=key_id, TagKeys=["a"])
    assert kms.list_resource_tags(KeyId=key_id)["Tags"] == [{"TagKey": "b", "TagValue": "2"}]


def test_disable_and_enable(kms):
    key = new_key(kms)
    sealed = kms.encrypt(KeyId=key["KeyId"], Plaintext=b"x")["CiphertextBlob"]
    kms.disable_key(KeyId=key["KeyId"])
    meta = kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]
    assert meta["KeyState"] == "Disabled" and meta["Enabled"] is False
    with pytest.raises(ClientError) as e:
        kms.encrypt(KeyId=key["KeyId"], Plaintext=b"x")
    assert error_of(e.value) == ("DisabledException", key["Arn"] + " is disabled.", 400)
    with pytest.raises(kms.exceptions.DisabledException):
        kms.decrypt(CiphertextBlob=sealed)
    kms.enable_key(KeyId=key["KeyId"])
    assert kms.decrypt(CiphertextBlob=sealed)["Plaintext"] == b"x"


def test_schedule_and_cancel_deletion(kms):
    key = new_key(kms)
    for bad in (6, 31):
        with pytest.raises(ClientError) as e:
            kms.schedule_key_deletion(KeyId=key["KeyId"], PendingWindowInDays=bad)
        code, message, status = error_of(e.value)
        assert (code, status) == ("ValidationException", 400)
        assert message.startswith("1 validation error detected: Value '%d' at 'pendingWindowInDays'" % bad)

    before = time.time()
    scheduled = kms.schedule_key_deletion(KeyId=key["KeyId"], PendingWindowInDays=7)
    assert scheduled["KeyId"] == key["Arn"]
    assert scheduled["KeyState"] == "PendingDeletion"
    assert scheduled["PendingWindowInDays"] == 7
    # Seven days of the server's clock (which may run faster than the wall clock).
    ahead_s = scheduled["DeletionDate"].timestamp() - before
    assert 7 * 86400 - 60 * TIME_SCALE <= ahead_s <= 7 * 86400 + 3600 * TIME_SCALE
    meta = kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]
    assert meta["KeyState"] == "PendingDeletion" and "DeletionDate" in meta
    with pytest.raises(ClientError) as e:
        kms.encrypt(KeyId=key["KeyId"], Plaintext=b"x")
    assert error_of(e.value) == ("KMSInvalidStateException", key["Arn"] + " is pending deletion.", 400)

    assert kms.cancel_key_deletion(KeyId=key["KeyId"])["KeyId"] == key["Arn"]
    assert kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]["KeyState"] == "Disabled"
    with pytest.raises(kms.exceptions.KMSInvalidStateException):
        kms.cancel_key_deletion(KeyId=key["KeyId"])


def test_what_sluice_does_not_emulate_is_refused(kms):
    with pytest.raises(ClientError) as e:
        kms.create_key(KeySpec="RSA_2048", KeyUsage="SIGN_VERIFY")
    assert error_of(e.value)[0] == "UnsupportedOperationException"
    with pytest.raises(ClientError) as e:
        kms.create_key(MultiRegion=True)
    assert error_of(e.value)[0] == "UnsupportedOperationException"
    with pytest.raises(ClientError) as e:
        kms.create_grant(KeyId=new_key(kms)["KeyId"], GranteePrincipal="arn:aws:iam::%s:root" % ACCOUNT,
                         Operations=["Decrypt"])
    assert error_of(e.value)[0] == "UnknownOperationException"
    with pytest.raises(ClientError) as e:
        kms.create_key(KeyUsage="SOMETHING")
    code, message, _ = error_of(e.value)
    assert code == "ValidationException"
    assert "at 'keyUsage' failed to satisfy constraint: Member must satisfy enum value set" in message
