"""ID tokens from sluice's test OpenID issuer (POST /_sluice/oidc/token), minted as if sluice were
reached as http://oidc.localhost, the issuer that accounts.json's web-identity roles trust. Under
--auth enforce the request is SigV4-signed (as an IAM call) by alice."""

import json
import os
import urllib.error
import urllib.parse
import urllib.request

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

ENDPOINT = os.environ.get("SLUICE_ENDPOINT", "")
ISSUER_HOST = "oidc.localhost"
ISSUER_URL = "http://%s/_sluice/oidc" % ISSUER_HOST
PROVIDER_ARN = "arn:aws:iam::111122223333:oidc-provider/%s/_sluice/oidc" % ISSUER_HOST
AUDIENCE = "sluice-tests"
SIGNER = ("AKIAALICE00000000001", "alice/Secret+Key+0001")


def _parsed(raw):
    try:
        return json.loads(raw)
    except ValueError:
        return raw.decode()


def issuer_request(path, body=None, sign=True, method="POST"):
    """(status, parsed JSON or the text) of a request to the issuer, with Host oidc.localhost."""
    headers = {"Host": ISSUER_HOST}
    data = None
    if body is not None:
        data = urllib.parse.urlencode(body, doseq=True)
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    if sign:
        request = AWSRequest(method=method, url=ENDPOINT + path, data=data, headers=headers)
        SigV4Auth(Credentials(*SIGNER), "iam", "us-east-1").add_auth(request)
        headers = dict(request.headers.items())
    raw = urllib.request.Request(ENDPOINT + path, data=data.encode() if data else None, headers=headers,
                                 method=method)
    try:
        with urllib.request.urlopen(raw, timeout=30) as answer:
            return answer.status, _parsed(answer.read())
    except urllib.error.HTTPError as refused:
        return refused.code, _parsed(refused.read())


def mint(sub="system:serviceaccount:apps:worker", aud=AUDIENCE, **extra):
    """A new ID token (the string)."""
    status, answer = issuer_request("/_sluice/oidc/token", {"sub": sub, "aud": aud, **extra})
    assert status == 200, answer
    return answer["IdToken"]


def register_provider(iam):
    """Registers the issuer with IAM (once; later calls find it registered)."""
    try:
        iam.create_open_id_connect_provider(Url=ISSUER_URL, ClientIDList=[AUDIENCE], ThumbprintList=["0" * 40])
    except iam.exceptions.EntityAlreadyExistsException:
        pass
    return PROVIDER_ARN
