"""SNS's mobile state survives a restart with the same data directory: platform applications (with
their hidden credentials) and endpoints, SMS attributes, opt-outs, sandbox numbers, data
protection policies and both outboxes — and a cleared outbox stays cleared.

Runs servers of its own (SLUICE_BIN) so it can stop and restart them; skipped without it.
"""

import json
import os
import sys
import urllib.parse
import urllib.request

import boto3
import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from sns_env import BOUNDED  # noqa: E402
from test_sns_restart import RestartableServer  # noqa: E402

BIN = os.environ.get("SLUICE_BIN", "")
pytestmark = pytest.mark.skipif(not BIN, reason="SLUICE_BIN is not set")


@pytest.fixture
def server():
    s = RestartableServer(BIN, use_data_dir=True, functions=[])
    s.start()
    yield s
    s.stop()
    s.close()


def developer(server, method, path, **query):
    url = server.endpoint + "/_aws/sns/" + path + ("?" + urllib.parse.urlencode(query) if query else "")
    with urllib.request.urlopen(urllib.request.Request(url, method=method), timeout=10) as response:
        body = response.read()
        return json.loads(body) if body else None


def test_mobile_state_survives_restart(server):
    def client():
        return boto3.client("sns", region_name="us-east-1", endpoint_url=server.endpoint, config=BOUNDED)

    sns = client()
    app = sns.create_platform_application(Name="durable-app", Platform="APNS", Attributes={
        "PlatformCredential": "key", "PlatformPrincipal": "cert", "SuccessFeedbackSampleRate": "25"})[
        "PlatformApplicationArn"]
    endpoint = sns.create_platform_endpoint(PlatformApplicationArn=app, Token="device",
                                            CustomUserData="u1")["EndpointArn"]
    sns.publish(TargetArn=endpoint, Message="pushed")
    sns.publish(PhoneNumber="+15555550100", Message="texted")
    sns.publish(PhoneNumber="+15555550101", Message="cleared")
    developer(server, "DELETE", "sms-messages", phoneNumber="+15555550101")
    sns.set_sms_attributes(attributes={"DefaultSenderID": "Sluice"})
    developer(server, "POST", "phone-opt-outs", phoneNumber="+15555550199")
    sns.create_sms_sandbox_phone_number(PhoneNumber="+15555550123")
    topic = sns.create_topic(Name="durable-dpp")["TopicArn"]
    sns.put_data_protection_policy(ResourceArn=topic, DataProtectionPolicy='{"Name":"p","Statement":[]}')

    server.restart()
    sns = client()
    assert sns.get_platform_application_attributes(PlatformApplicationArn=app)["Attributes"] == {
        "Enabled": "true", "SuccessFeedbackSampleRate": "25"}
    assert sns.get_endpoint_attributes(EndpointArn=endpoint)["Attributes"] == {
        "CustomUserData": "u1", "Enabled": "true", "Token": "device"}
    # Idempotency still knows the token after the restart.
    assert sns.create_platform_endpoint(PlatformApplicationArn=app, Token="device",
                                        CustomUserData="u1")["EndpointArn"] == endpoint
    assert sns.get_sms_attributes(attributes=["DefaultSenderID"])["attributes"] == {"DefaultSenderID": "Sluice"}
    assert sns.check_if_phone_number_is_opted_out(phoneNumber="+15555550199")["isOptedOut"] is True
    assert sns.list_sms_sandbox_phone_numbers()["PhoneNumbers"] == [
        {"PhoneNumber": "+15555550123", "Status": "Pending"}]
    assert json.loads(sns.get_data_protection_policy(ResourceArn=topic)["DataProtectionPolicy"]) == {
        "Name": "p", "Statement": []}
    texts = developer(server, "GET", "sms-messages")["sms_messages"]
    assert [m["Message"] for m in texts["+15555550100"]] == ["texted"]
    assert "+15555550101" not in texts
    pushes = developer(server, "GET", "platform-endpoint-messages")["platform_endpoint_messages"]
    assert [m["Message"] for m in pushes[endpoint]] == ["pushed"]
    # New messages after the restart come after the old ones.
    sns.publish(PhoneNumber="+15555550100", Message="again")
    texts = developer(server, "GET", "sms-messages", phoneNumber="+15555550100")["sms_messages"]
    assert [m["Message"] for m in texts["+15555550100"]] == ["texted", "again"]
