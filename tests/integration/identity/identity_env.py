"""The identities of accounts.json, and clients signed as each of them."""

import os

import boto3

ENDPOINT = os.environ.get("SLUICE_ENDPOINT", "")
REGION = "us-east-1"
ACCOUNT = "111122223333"
OTHER_ACCOUNT = "444455556666"

ROOT = ("AKIAROOT111122223333", "root/Secret+Key+111122223333")
ALICE = ("AKIAALICE00000000001", "alice/Secret+Key+0001")
BOB = ("AKIABOB0000000000001", "bob/Secret+Key+0001")
CAROL = ("AKIACAROL0000000001", "carol/Secret+Key+0001")

DEPLOYER = "arn:aws:iam::%s:role/deployer" % ACCOUNT
CHAINED = "arn:aws:iam::%s:role/chained" % ACCOUNT


def client(service, key, secret=None, token=None):
    """A boto3 client for `service` signed with (key, secret[, token]); key may be a pair."""
    if isinstance(key, tuple):
        key, secret = key
    return boto3.client(service, endpoint_url=ENDPOINT, region_name=REGION, aws_access_key_id=key,
                        aws_secret_access_key=secret, aws_session_token=token)


def session_client(service, credentials):
    """A client signed with the Credentials of an STS answer."""
    return client(service, credentials["AccessKeyId"], credentials["SecretAccessKey"],
                  credentials["SessionToken"])


def sqs_protocol():
    return boto3.client("sqs", region_name=REGION).meta.service_model.protocol
