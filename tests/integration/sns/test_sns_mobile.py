"""The rest of SNS's API through boto3 against a live sluice: platform applications and endpoints,
publishing to an endpoint and to phone numbers, SMS attributes, opt-outs, the SMS sandbox,
origination numbers and data protection policies, with the texts and statuses recorded from AWS.
What would have been texted or pushed is read (and cleared) over HTTP at
/_aws/sns/sms-messages and /_aws/sns/platform-endpoint-messages; numbers are opted out at
/_aws/sns/phone-opt-outs.
"""

import json
import urllib.parse
import urllib.request

import pytest
from botocore.exceptions import ClientError

from sns_env import ACCOUNT, ENDPOINT, REGION, error_of, make_queue, receive_all, sns_client, sqs_client, unique, wait_for

NULL_ATTRIBUTES = ("ValidationError", "1 validation error detected: Value null at 'attributes' failed to satisfy "
                   "constraint: Member must not be null", 400)


@pytest.fixture(scope="module")
def sns():
    return sns_client()


def fails(call, **kwargs):
    with pytest.raises(ClientError) as e:
        call(**kwargs)
    return error_of(e.value)


def developer(method, path, **query):
    url = ENDPOINT + "/_aws/sns/" + path
    if query:
        url += "?" + urllib.parse.urlencode(query)
    request = urllib.request.Request(url, method=method, data=b"" if method == "POST" else None)
    with urllib.request.urlopen(request, timeout=10) as response:
        body = response.read()
        return response.status, (json.loads(body) if body else None)


def app(sns, platform="ADM"):
    return sns.create_platform_application(
        Name=unique("app"), Platform=platform,
        Attributes={"PlatformCredential": "secret", "PlatformPrincipal": "principal"})["PlatformApplicationArn"]


def unique_number():
    return "+1555" + unique("")[-7:].translate(str.maketrans("abcdef", "123456"))


# ---- platform applications --------------------------------------------------------------------

def test_platform_application_crud(sns):
    name = unique("app")
    arn = sns.create_platform_application(Name=name, Platform="ADM", Attributes={
        "PlatformCredential": "secret", "PlatformPrincipal": "principal"})["PlatformApplicationArn"]
    assert arn == "arn:aws:sns:%s:%s:app/ADM/%s" % (REGION, ACCOUNT, name)
    # The credentials are kept but never shown.
    assert sns.get_platform_application_attributes(PlatformApplicationArn=arn)["Attributes"] == {"Enabled": "true"}
    sns.set_platform_application_attributes(PlatformApplicationArn=arn,
                                            Attributes={"SuccessFeedbackSampleRate": "50"})
    assert sns.get_platform_application_attributes(PlatformApplicationArn=arn)["Attributes"] == {
        "Enabled": "true", "SuccessFeedbackSampleRate": "50"}
    listed = {a["PlatformApplicationArn"]: a["Attributes"] for a in paginate_applications(sns)}
    assert listed[arn] == {"Enabled": "true", "SuccessFeedbackSampleRate": "50"}
    sns.delete_platform_application(PlatformApplicationArn=arn)
    sns.delete_platform_application(PlatformApplicationArn=arn)  # idempotent
    assert fails(sns.get_platform_application_attributes, PlatformApplicationArn=arn) == (
        "NotFound", "PlatformApplication does not exist", 404)


def paginate_applications(sns):
    out, token = [], None
    while True:
        page = sns.list_platform_applications(**({"NextToken": token} if token else {}))
        out += page["PlatformApplications"]
        token = page.get("NextToken")
        if not token:
            return out


def test_platform_application_errors(sns):
    create = sns.create_platform_application
    creds = {"PlatformCredential": "c", "PlatformPrincipal": "p"}
    assert fails(create, Name=unique("app"), Platform="ADM", Attributes={}) == NULL_ATTRIBUTES
    assert fails(create, Name="", Platform="ADM", Attributes=creds) == (
        "InvalidParameter", "Invalid parameter:  Reason: cannot be empty", 400)
    long_name = "a" * 257
    assert fails(create, Name=long_name, Platform="ADM", Attributes=creds) == (
        "InvalidParameter", "Invalid parameter: %s Reason: must be at most 256 characters long" % long_name, 400)
    assert fails(create, Name="@name", Platform="ADM", Attributes=creds) == (
        "InvalidParameter", "Invalid parameter: @name Reason: must contain only characters 'a'-'z', 'A'-'Z', "
        "'0'-'9', '_', '-', and '.'", 400)
    assert fails(create, Name=unique("app"), Platform="AAA", Attributes=creds) == (
        "InvalidParameter", "Invalid parameter: Platform Reason: AAA is not supported", 400)
    assert fails(create, Name=unique("app"), Platform="ADM", Attributes={"PlatformPrincipal": "p"}) == (
        "InvalidParameter", "Invalid parameter: Attributes Reason: PlatformPrincipal attribute provided without "
        "PlatformCredential", 400)
    assert fails(create, Name=unique("app"), Platform="ADM", Attributes={"PlatformCredential": "c"}) == (
        "InvalidParameter", "Invalid parameter: Attributes Reason: PlatformCredential attribute provided without "
        "PlatformPrincipal", 400)
    assert fails(sns.get_platform_application_attributes, PlatformApplicationArn="test-arn") == (
        "InvalidParameter", "Invalid parameter: PlatformApplicationArn Reason: An ARN must have at least 6 elements, "
        "not 1", 400)
    missing = "arn:aws:sns:%s:%s:app/ADM/%s" % (REGION, ACCOUNT, unique("none"))
    assert fails(sns.set_platform_application_attributes, PlatformApplicationArn=missing, Attributes={}) == (
        NULL_ATTRIBUTES)
    assert fails(sns.set_platform_application_attributes, PlatformApplicationArn=missing,
                 Attributes={"PlatformCredential": "c"}) == ("NotFound", "PlatformApplication does not exist", 404)


# ---- platform endpoints -----------------------------------------------------------------------

def test_platform_endpoint_crud_and_idempotency(sns):
    application = app(sns)
    name = application.rsplit("/", 1)[1]
    endpoint = sns.create_platform_endpoint(PlatformApplicationArn=application, Token="token_1")["EndpointArn"]
    assert endpoint.startswith("arn:aws:sns:%s:%s:endpoint/ADM/%s/" % (REGION, ACCOUNT, name))
    assert sns.create_platform_endpoint(PlatformApplicationArn=application, Token="token_1")["EndpointArn"] == endpoint
    assert fails(sns.create_platform_endpoint, PlatformApplicationArn=application, Token="token_1",
                 CustomUserData="other") == (
        "InvalidParameter", "Invalid parameter: Token Reason: Endpoint %s already exists with the same Token, but "
        "different attributes." % endpoint, 400)
    assert sns.get_endpoint_attributes(EndpointArn=endpoint)["Attributes"] == {"Enabled": "true", "Token": "token_1"}
    sns.set_endpoint_attributes(EndpointArn=endpoint, Attributes={"Enabled": "false"})
    assert sns.get_endpoint_attributes(EndpointArn=endpoint)["Attributes"] == {"Enabled": "false", "Token": "token_1"}
    listed = sns.list_endpoints_by_platform_application(PlatformApplicationArn=application)["Endpoints"]
    assert listed == [{"EndpointArn": endpoint, "Attributes": {"Enabled": "false", "Token": "token_1"}}]

    with_data = sns.create_platform_endpoint(PlatformApplicationArn=application, Token="token_2",
                                             CustomUserData="foo", Attributes={"CustomUserData": "bar"})
    assert sns.get_endpoint_attributes(EndpointArn=with_data["EndpointArn"])["Attributes"] == {
        "CustomUserData": "foo", "Enabled": "true", "Token": "token_2"}

    sns.delete_endpoint(EndpointArn=endpoint)
    sns.delete_endpoint(EndpointArn=endpoint)  # idempotent
    assert fails(sns.get_endpoint_attributes, EndpointArn=endpoint) == ("NotFound", "Endpoint does not exist", 404)
    sns.delete_platform_application(PlatformApplicationArn=application)
    assert fails(sns.list_endpoints_by_platform_application, PlatformApplicationArn=application) == (
        "NotFound", "PlatformApplication does not exist", 404)
    assert fails(sns.create_platform_endpoint, PlatformApplicationArn=application, Token="t") == (
        "NotFound", "PlatformApplication does not exist", 404)


def test_platform_endpoint_errors(sns):
    application = app(sns)
    endpoint = sns.create_platform_endpoint(PlatformApplicationArn=application, Token="t")["EndpointArn"]
    for name in ("PlatformPrincipal", "PlatformCredential", "InvalidKey"):
        expected = ("InvalidParameter", "Invalid parameter: Attributes Reason: Invalid attribute name: " + name, 400)
        assert fails(sns.create_platform_endpoint, PlatformApplicationArn=application, Token="t2",
                     Attributes={name: "x"}) == expected
        assert fails(sns.set_endpoint_attributes, EndpointArn=endpoint, Attributes={name: "x"}) == expected
    too_long = ("InvalidParameter", "Invalid parameter: Attributes Reason: Invalid value for attribute: "
                "CustomUserData: must be at most 2048 bytes long in UTF-8 encoding", 400)
    assert fails(sns.create_platform_endpoint, PlatformApplicationArn=application, Token="t2",
                 Attributes={"CustomUserData": "x" * 2049}) == too_long
    assert fails(sns.set_endpoint_attributes, EndpointArn=endpoint, Attributes={"CustomUserData": "x" * 2049}) == (
        too_long)
    assert fails(sns.set_endpoint_attributes, EndpointArn=endpoint, Attributes={}) == NULL_ATTRIBUTES
    assert fails(sns.set_endpoint_attributes, EndpointArn=application, Attributes={"Enabled": "true"}) == (
        "InvalidParameter", "Invalid parameter: EndpointArn Reason: Wrong number of slashes in relative portion of "
        "the ARN.", 400)
    assert fails(sns.set_endpoint_attributes, EndpointArn=endpoint + "x", Attributes={"Enabled": "true"}) == (
        "NotFound", "Endpoint does not exist", 404)


def test_publish_to_endpoint_and_application_subscription_land_in_platform_outbox(sns):
    application = app(sns, "GCM")
    endpoint = sns.create_platform_endpoint(PlatformApplicationArn=application, Token=unique("device"))["EndpointArn"]
    message = json.dumps({"GCM": json.dumps({"notification": {"title": "hi"}}), "default": "hi"})
    published = sns.publish(TargetArn=endpoint, Message=message, MessageStructure="json")
    topic = sns.create_topic(Name=unique("push"))["TopicArn"]
    subscription = sns.subscribe(TopicArn=topic, Protocol="application", Endpoint=endpoint)["SubscriptionArn"]
    assert subscription.startswith(topic + ":")
    sns.publish(TopicArn=topic, Message="via topic", Subject="s",
                MessageAttributes={"kind": {"DataType": "String", "StringValue": "push"}})

    status, body = developer("GET", "platform-endpoint-messages", endpointArn=endpoint)
    assert status == 200 and body["region"] == REGION
    assert list(body["platform_endpoint_messages"]) == [endpoint]
    first, second = body["platform_endpoint_messages"][endpoint]
    assert first == {"TargetArn": endpoint, "MessageId": published["MessageId"], "Message": message,
                     "MessageAttributes": None, "MessageStructure": "json", "Subject": None}
    assert second["Message"] == "via topic" and second["Subject"] == "s"
    assert second["MessageAttributes"] == {"kind": {"DataType": "String", "StringValue": "push"}}
    # Another region's outbox is another list.
    assert developer("GET", "platform-endpoint-messages", region="eu-west-1", endpointArn=endpoint)[1][
        "platform_endpoint_messages"] == {}

    sns.set_endpoint_attributes(EndpointArn=endpoint, Attributes={"Enabled": "false"})
    assert fails(sns.publish, TargetArn=endpoint, Message="m") == ("EndpointDisabled", "Endpoint is disabled", 400)
    missing = endpoint[:-4] + "0000"
    assert fails(sns.publish, TargetArn=missing, Message="m") == (
        "InvalidParameter", "Invalid parameter: TargetArn Reason: No endpoint found for the target arn specified", 400)

    assert developer("DELETE", "platform-endpoint-messages", endpointArn=endpoint) == (204, None)
    assert developer("GET", "platform-endpoint-messages", endpointArn=endpoint)[1]["platform_endpoint_messages"] == {}


def test_disabled_application_event_topics_and_rejected_tokens(sns):
    sqs = sqs_client()
    events = {}
    for kind in ("EventEndpointCreated", "EventEndpointUpdated", "EventEndpointDeleted", "EventDeliveryFailure"):
        topic = sns.create_topic(Name=unique(kind))["TopicArn"]
        url, arn = make_queue(sqs, unique(kind))
        sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn, Attributes={"RawMessageDelivery": "true"})
        events[kind] = (topic, url)
    application = sns.create_platform_application(
        Name=unique("app"), Platform="GCM",
        Attributes=dict({"PlatformCredential": "secret", "PlatformPrincipal": "principal"},
                        **{k: t for k, (t, _) in events.items()}),
    )["PlatformApplicationArn"]

    def event(kind):
        body = receive_all(sqs, events[kind][1], 1, deadline_s=30)[0]["Body"]
        return json.loads(body)

    endpoint = sns.create_platform_endpoint(PlatformApplicationArn=application, Token=unique("device"))["EndpointArn"]
    created = event("EventEndpointCreated")
    assert (created["EventType"], created["EndpointArn"], created["Resource"], created["Service"]) == (
        "EndpointCreated", endpoint, application, "SNS")

    # A disabled application refuses with AWS's error.
    sns.set_platform_application_attributes(PlatformApplicationArn=application, Attributes={"Enabled": "false"})
    assert fails(sns.publish, TargetArn=endpoint, Message="m") == (
        "PlatformApplicationDisabled", "Platform application is disabled", 400)
    sns.set_platform_application_attributes(PlatformApplicationArn=application, Attributes={"Enabled": "true"})

    # The push service rejects the token: the next delivery fails, the endpoint is disabled.
    assert developer("POST", "platform-token-rejections", endpointArn=endpoint) == (204, None)
    published = sns.publish(TargetArn=endpoint, Message="to an uninstalled app")
    failure = event("EventDeliveryFailure")
    assert (failure["FailureType"], failure["MessageId"]) == ("InvalidPlatformToken", published["MessageId"])
    assert sns.get_endpoint_attributes(EndpointArn=endpoint)["Attributes"]["Enabled"] == "false"
    assert event("EventEndpointUpdated")["EventType"] == "EndpointUpdated"
    assert developer("GET", "platform-endpoint-messages", endpointArn=endpoint)[1]["platform_endpoint_messages"] == {}

    sns.delete_endpoint(EndpointArn=endpoint)
    assert event("EventEndpointDeleted")["EndpointArn"] == endpoint


# ---- SMS ----------------------------------------------------------------------------------------

def test_publish_to_phone_and_sms_subscription_land_in_sms_outbox(sns):
    number = unique_number()
    published = sns.publish(PhoneNumber=number, Message="Your code is 1234",
                            MessageAttributes={"AWS.SNS.SMS.SMSType": {"DataType": "String",
                                                                      "StringValue": "Transactional"}})
    topic = sns.create_topic(Name=unique("texts"))["TopicArn"]
    subscription = sns.subscribe(TopicArn=topic, Protocol="sms", Endpoint=number)["SubscriptionArn"]
    sns.publish(TopicArn=topic, Message="Shipped")
    status, body = developer("GET", "sms-messages", phoneNumber=number)
    assert status == 200 and body["region"] == REGION
    direct, via_topic = body["sms_messages"][number]
    assert direct == {"PhoneNumber": number, "TopicArn": None, "SubscriptionArn": None,
                      "MessageId": published["MessageId"], "Message": "Your code is 1234",
                      "MessageAttributes": {"AWS.SNS.SMS.SMSType": {"DataType": "String",
                                                                    "StringValue": "Transactional"}},
                      "MessageStructure": None, "Subject": None}
    assert (via_topic["TopicArn"], via_topic["SubscriptionArn"], via_topic["Message"]) == (
        topic, subscription, "Shipped")
    assert developer("DELETE", "sms-messages", phoneNumber=number) == (204, None)
    assert number not in developer("GET", "sms-messages")[1]["sms_messages"]
    assert fails(sns.publish, PhoneNumber="+1a234", Message="m") == (
        "InvalidParameter", "Invalid parameter: PhoneNumber Reason: +1a234 is not valid to publish to", 400)


def test_sms_attributes(sns):
    sns.set_sms_attributes(attributes={"DefaultSMSType": "Promotional", "DefaultSenderID": "LSTest",
                                       "DeliveryStatusSuccessSamplingRate": "100"})
    assert sns.get_sms_attributes()["attributes"] == {
        "DefaultSMSType": "Promotional", "DefaultSenderID": "LSTest", "DeliveryStatusSuccessSamplingRate": "100",
        "MonthlySpendLimit": "1"}
    assert sns.get_sms_attributes(attributes=["DefaultSMSType", "DefaultSenderID"])["attributes"] == {
        "DefaultSMSType": "Promotional", "DefaultSenderID": "LSTest"}
    # Attributes belong to a region: one never set has only the default limit.
    assert sns_client("ap-south-1").get_sms_attributes()["attributes"] == {"MonthlySpendLimit": "1"}
    assert fails(sns.set_sms_attributes, attributes={"InvalidAttribute": "x"}) == (
        "InvalidParameter", "InvalidAttribute is not a valid attribute", 400)
    assert fails(sns.set_sms_attributes, attributes={"DefaultSMSType": "Invalid"}) == (
        "InvalidParameter", "DefaultSMSType is invalid", 400)


def test_opt_out_and_opt_in(sns):
    number = unique_number()
    assert sns.check_if_phone_number_is_opted_out(phoneNumber=number)["isOptedOut"] is False
    assert developer("POST", "phone-opt-outs", phoneNumber=number) == (204, None)
    assert sns.check_if_phone_number_is_opted_out(phoneNumber=number)["isOptedOut"] is True
    listed, token = [], None
    while True:
        page = sns.list_phone_numbers_opted_out(**({"nextToken": token} if token else {}))
        listed += page["phoneNumbers"]
        token = page.get("nextToken")
        if not token:
            break
    assert number in listed
    # An opted-out number is not texted (the publish itself succeeds, as on AWS).
    sns.publish(PhoneNumber=number, Message="not delivered")
    assert number not in developer("GET", "sms-messages")[1]["sms_messages"]
    sns.opt_in_phone_number(phoneNumber=number)
    sns.opt_in_phone_number(phoneNumber=unique_number())  # never opted out: accepted
    assert sns.check_if_phone_number_is_opted_out(phoneNumber=number)["isOptedOut"] is False
    assert fails(sns.opt_in_phone_number, phoneNumber="NAA+15551234567") == (
        "InvalidParameter", "Invalid parameter: PhoneNumber Reason: input incorrectly formatted", 400)
    assert fails(sns.check_if_phone_number_is_opted_out, phoneNumber="+1a234") == (
        "InvalidParameter", "Invalid parameter: PhoneNumber Reason: input incorrectly formatted", 400)


def test_sms_sandbox(sns):
    assert sns.get_sms_sandbox_account_status()["IsInSandbox"] is False
    number = unique_number()
    sns.create_sms_sandbox_phone_number(PhoneNumber=number, LanguageCode="en-US")
    listed = sns.list_sms_sandbox_phone_numbers()["PhoneNumbers"]
    assert {"PhoneNumber": number, "Status": "Pending"} in listed
    texts = wait_for(lambda: developer("GET", "sms-messages", phoneNumber=number)[1]["sms_messages"].get(number))
    otp = texts[-1]["Message"].rsplit(" ", 1)[1]
    assert otp.isdigit() and len(otp) == 6
    wrong = "000000" if otp != "000000" else "111111"
    assert fails(sns.verify_sms_sandbox_phone_number, PhoneNumber=number, OneTimePassword=wrong) == (
        "VerificationException", "Invalid one-time password.", 400)
    sns.verify_sms_sandbox_phone_number(PhoneNumber=number, OneTimePassword=otp)
    assert {"PhoneNumber": number, "Status": "Verified"} in sns.list_sms_sandbox_phone_numbers()["PhoneNumbers"]
    sns.delete_sms_sandbox_phone_number(PhoneNumber=number)
    assert fails(sns.delete_sms_sandbox_phone_number, PhoneNumber=number) == (
        "ResourceNotFound", "Phone number does not exist.", 404)
    code, message, status = fails(sns.create_sms_sandbox_phone_number, PhoneNumber="+1a")
    assert (code, status) == ("ValidationError", 400) and "Member must satisfy regular expression pattern" in message
    code, message, status = fails(sns.list_sms_sandbox_phone_numbers, MaxResults=101)
    assert (code, status) == ("ValidationError", 400) and "less than or equal to 100" in message


def test_list_origination_numbers(sns):
    assert sns.list_origination_numbers()["PhoneNumbers"] == []
    code, message, status = fails(sns.list_origination_numbers, MaxResults=31)
    assert (code, status) == ("ValidationError", 400) and "less than or equal to 30" in message


# ---- data protection policies -----------------------------------------------------------------

def test_data_protection_policy(sns):
    topic = sns.create_topic(Name=unique("dpp"))["TopicArn"]
    assert sns.get_data_protection_policy(ResourceArn=topic)["DataProtectionPolicy"] == ""
    policy = {"Name": "data_protection_policy", "Description": "Test Policy", "Version": "2021-06-01",
              "Statement": [{"Sid": "test-statement", "DataDirection": "Inbound", "Principal": ["*"],
                             "DataIdentifier": ["arn:aws:dataprotection::aws:data-identifier/EmailAddress"],
                             "Operation": {"Deny": {}}}]}
    sns.put_data_protection_policy(ResourceArn=topic, DataProtectionPolicy=json.dumps(policy))
    assert json.loads(sns.get_data_protection_policy(ResourceArn=topic)["DataProtectionPolicy"]) == policy
    # Not a topic attribute (as recorded from AWS).
    assert "DataProtectionPolicy" not in sns.get_topic_attributes(TopicArn=topic)["Attributes"]
    code, _, status = fails(sns.put_data_protection_policy, ResourceArn=topic, DataProtectionPolicy="{not json")
    assert (code, status) == ("InvalidParameter", 400)
    sns.delete_topic(TopicArn=topic)
    assert fails(sns.get_data_protection_policy, ResourceArn=topic) == ("NotFound", "Topic does not exist", 404)
