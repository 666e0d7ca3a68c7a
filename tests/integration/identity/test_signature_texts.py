"""IncompleteSignature texts for malformed credential scopes, as AWS words them, over raw HTTP."""

import re
import urllib.error
import urllib.request

from identity_env import ALICE, ENDPOINT


def refusal(credential):
    """(status, code, message) of a GetCallerIdentity whose Authorization names `credential`."""
    body = b"Action=GetCallerIdentity&Version=2011-06-15"
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "X-Amz-Date": "20240101T000000Z",
        "Authorization": "AWS4-HMAC-SHA256 Credential=%s, SignedHeaders=host;x-amz-date, Signature=%s"
                         % (credential, "0" * 64),
    }
    request = urllib.request.Request(ENDPOINT + "/", data=body, headers=headers, method="POST")
    try:
        urllib.request.urlopen(request, timeout=30)
    except urllib.error.HTTPError as refused:
        text = refused.read().decode()
        code = re.search(r"<Code>(.*?)</Code>", text).group(1)
        message = re.search(r"<Message>(.*?)</Message>", text, re.S).group(1)
        return refused.code, code, message
    raise AssertionError("the request was accepted")


def test_a_credential_of_four_elements():
    credential = "%s/20240101/us-east-1/sts" % ALICE[0]
    assert refusal(credential) == (
        400, "IncompleteSignature",
        "Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '%s'"
        % credential)


def test_a_wrong_terminator():
    status, code, message = refusal("%s/20240101/us-east-1/sts/aws5_request" % ALICE[0])
    assert (status, code) == (400, "IncompleteSignature")
    assert message == "Credential should be scoped with a valid terminator: 'aws4_request', not 'aws5_request'. "
