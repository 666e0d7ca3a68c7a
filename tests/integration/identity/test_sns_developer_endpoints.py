"""With signatures enforced, SNS's developer endpoints (/_aws/sns/...) still answer unsigned, as
plain HTTP beside the AWS API, while SNS's actions keep asking for a signature."""

import json
import urllib.error
import urllib.request

import pytest

from identity_env import ENDPOINT


def test_outboxes_answer_unsigned():
    with urllib.request.urlopen(ENDPOINT + "/_aws/sns/sms-messages", timeout=10) as response:
        assert response.status == 200
        assert set(json.loads(response.read())) == {"sms_messages", "region"}


def test_sns_actions_still_need_a_signature():
    request = urllib.request.Request(ENDPOINT + "/", data=b"Action=ListPlatformApplications&Version=2010-03-31",
                                     method="POST", headers={"Content-Type": "application/x-www-form-urlencoded"})
    with pytest.raises(urllib.error.HTTPError) as raised:
        urllib.request.urlopen(request, timeout=10)
    assert raised.value.code == 403
    assert "<Code>MissingAuthenticationToken</Code>" in raised.value.read().decode()
