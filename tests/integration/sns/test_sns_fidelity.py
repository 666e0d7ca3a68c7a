"""SNS answers that AWS was recorded giving: idempotent CreateTopic and Subscribe, calls that name
a topic of another region, cross-region delivery to a queue, MessageGroupId on standard topics,
FIFO sequence numbers, FilterPolicyScope in GetSubscriptionAttributes, ConfirmSubscription's token
texts, sms endpoints and the empty TopicArn.
"""

import json

import pytest
from botocore.exceptions import ClientError

from sns_env import error_of, make_queue, receive_all, sns_client, sqs_client, unique

OTHER_REGION = "eu-west-1"


@pytest.fixture(scope="module")
def sns():
    return sns_client()


@pytest.fixture(scope="module")
def sqs():
    return sqs_client()


@pytest.fixture
def topic(sns):
    return sns.create_topic(Name=unique("fidelity"))["TopicArn"]


def expect_error(call, code, message, status=400):
    with pytest.raises(ClientError) as e:
        call()
    assert error_of(e.value) == (code, message, status)


# ---- CreateTopic and Subscribe again ------------------------------------------------------------


def test_create_topic_again_with_a_subset_of_its_tags_returns_the_same_arn(sns):
    name = unique("tagged")
    tags = [{"Key": "Name", "Value": "abc"}, {"Key": "Description", "Value": "description"}]
    arn = sns.create_topic(Name=name, Tags=tags)["TopicArn"]
    assert sns.create_topic(Name=name)["TopicArn"] == arn
    assert sns.create_topic(Name=name, Tags=tags[:1])["TopicArn"] == arn
    assert sns.create_topic(Name=name, Tags=list(reversed(tags)))["TopicArn"] == arn
    expect_error(lambda: sns.create_topic(Name=name, Tags=[{"Key": "Name", "Value": "other"}]), "InvalidParameter",
                 "Invalid parameter: Tags Reason: Topic already exists with different tags")
    expect_error(lambda: sns.create_topic(Name=name, Tags=tags + [{"Key": "More", "Value": "x"}]), "InvalidParameter",
                 "Invalid parameter: Tags Reason: Topic already exists with different tags")


@pytest.mark.parametrize("text", ["True", "TRUE", "true"])
def test_fifo_topic_attribute_is_read_without_regard_to_case(sns, text):
    arn = sns.create_topic(Name=unique("casefifo") + ".fifo", Attributes={"FifoTopic": text})["TopicArn"]
    assert sns.get_topic_attributes(TopicArn=arn)["Attributes"]["FifoTopic"] == "true"


def test_subscribe_again_compares_attributes_as_they_act(sns, sqs, topic):
    _, queue_arn = make_queue(sqs, unique("idem"))

    def subscribe(attributes=None):
        kwargs = {} if attributes is None else {"Attributes": attributes}
        return sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queue_arn, ReturnSubscriptionArn=True,
                             **kwargs)["SubscriptionArn"]

    arn = subscribe({"RawMessageDelivery": "true"})
    assert subscribe({"RawMessageDelivery": "true"}) == arn
    # FilterPolicyScope=MessageAttributes is the default: saying it again changes nothing.
    assert subscribe({"RawMessageDelivery": "true", "FilterPolicyScope": "MessageAttributes"}) == arn
    assert subscribe() == arn
    assert subscribe({}) == arn
    assert subscribe({"FilterPolicyScope": "MessageAttributes"}) == arn
    expect_error(lambda: subscribe({"RawMessageDelivery": "false", "FilterPolicyScope": "MessageBody"}),
                 "InvalidParameter",
                 "Invalid parameter: Attributes Reason: Subscription already exists with different attributes")
    assert len(sns.list_subscriptions_by_topic(TopicArn=topic)["Subscriptions"]) == 1


def test_filter_policy_scope_shows_only_next_to_a_filter_policy(sns, sqs, topic):
    _, queue_arn = make_queue(sqs, unique("scope"))
    sub = sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queue_arn, ReturnSubscriptionArn=True)[
        "SubscriptionArn"]
    assert "FilterPolicyScope" not in sns.get_subscription_attributes(SubscriptionArn=sub)["Attributes"]
    sns.set_subscription_attributes(SubscriptionArn=sub, AttributeName="FilterPolicyScope",
                                    AttributeValue="MessageBody")
    assert "FilterPolicyScope" not in sns.get_subscription_attributes(SubscriptionArn=sub)["Attributes"]
    sns.set_subscription_attributes(SubscriptionArn=sub, AttributeName="FilterPolicy",
                                    AttributeValue=json.dumps({"attr": ["match-this"]}))
    attrs = sns.get_subscription_attributes(SubscriptionArn=sub)["Attributes"]
    assert attrs["FilterPolicyScope"] == "MessageBody"
    assert json.loads(attrs["FilterPolicy"]) == {"attr": ["match-this"]}


# ---- regions ------------------------------------------------------------------------------------


def test_a_topic_of_another_region_is_an_invalid_parameter(sns, topic):
    other = sns_client(OTHER_REGION)
    calls = [
        lambda: other.get_topic_attributes(TopicArn=topic),
        lambda: other.set_topic_attributes(TopicArn=topic, AttributeName="DisplayName", AttributeValue="x"),
        lambda: other.publish(TopicArn=topic, Message="m"),
        lambda: other.publish_batch(TopicArn=topic, PublishBatchRequestEntries=[{"Id": "1", "Message": "m"}]),
        lambda: other.subscribe(TopicArn=topic, Protocol="email", Endpoint="someone@example.com"),
        lambda: other.list_subscriptions_by_topic(TopicArn=topic),
        lambda: other.delete_topic(TopicArn=topic),
    ]
    for call in calls:
        expect_error(call, "InvalidParameter", "Invalid parameter: TopicArn")
    # Nothing was deleted: the topic still answers in its own region.
    assert sns.get_topic_attributes(TopicArn=topic)["Attributes"]["TopicArn"] == topic


def test_a_topic_delivers_to_a_queue_of_another_region(sns, topic):
    other_sqs = sqs_client(OTHER_REGION)
    url, queue_arn = make_queue(other_sqs, unique("faraway"))
    assert ":%s:" % OTHER_REGION in queue_arn
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queue_arn, ReturnSubscriptionArn=True)
    sns.publish(TopicArn=topic, Message="across regions")
    got = receive_all(other_sqs, url, 1, deadline_s=10)
    assert len(got) == 1
    assert json.loads(got[0]["Body"])["Message"] == "across regions"


def test_sns_is_not_a_subscription_protocol(sns, topic):
    expect_error(lambda: sns.subscribe(TopicArn=topic, Protocol="sns", Endpoint=topic), "InvalidParameter",
                 "Invalid parameter: Amazon SNS does not support this protocol string: sns")


# ---- publishing ---------------------------------------------------------------------------------


def test_a_standard_topic_passes_message_group_id_to_a_standard_queue(sns, sqs, topic):
    url, queue_arn = make_queue(sqs, unique("fair"))
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queue_arn, ReturnSubscriptionArn=True)
    sns.publish(TopicArn=topic, Message="grouped", MessageGroupId="my-group-id-1")
    got = receive_all(sqs, url, 1, deadline_s=10, AttributeNames=["All"])
    assert len(got) == 1
    assert got[0]["Attributes"]["MessageGroupId"] == "my-group-id-1"


def test_a_fifo_queue_gives_its_own_sequence_number(sns, sqs):
    topic = sns.create_topic(Name=unique("seq") + ".fifo",
                             Attributes={"FifoTopic": "true", "ContentBasedDeduplication": "true"})["TopicArn"]
    url, queue_arn = make_queue(sqs, unique("seq") + ".fifo", {"FifoQueue": "true"})
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queue_arn, ReturnSubscriptionArn=True)
    published = [sns.publish(TopicArn=topic, Message=text, MessageGroupId="g")["SequenceNumber"]
                 for text in ("first", "second", "third")]
    got = receive_all(sqs, url, 3, deadline_s=10, AttributeNames=["All"])
    assert len(got) == 3
    assert [json.loads(m["Body"])["SequenceNumber"] for m in got] == published
    # The queue numbers what it stores by itself: none of its numbers is one of the topic's.
    assigned = [m["Attributes"]["SequenceNumber"] for m in got]
    assert not set(assigned) & set(published)
    assert [int(n) for n in assigned] == sorted(int(n) for n in assigned)


def test_an_empty_topic_arn_is_parsed_as_one_element(sns):
    expect_error(lambda: sns.publish(TopicArn="", Message="m"), "InvalidParameter",
                 "Invalid parameter: TopicArn Reason: An ARN must have at least 6 elements, not 1")


# ---- texts recorded from AWS --------------------------------------------------------------------


def test_confirm_subscription_token_texts(sns, topic):
    well_made = "51b2ff3edb475b7d91550e0ab6edf0c1de2a34e6ebaf6c2262a001bcb7e051c43aa00022ceecce70bd2a67b2042da8"
    expect_error(lambda: sns.confirm_subscription(TopicArn=topic + "-missing", Token=well_made), "InvalidParameter",
                 "Invalid parameter: Token")
    expect_error(lambda: sns.confirm_subscription(TopicArn=topic, Token="randomtoken"), "InvalidParameter",
                 "Invalid token")
    expect_error(lambda: sns.confirm_subscription(TopicArn=topic, Token=well_made), "InvalidParameter",
                 "Invalid parameter: Token")


@pytest.mark.parametrize("number", ["+15--551234567", "NAA+15551234567", "+15551234567.", "/+15551234567",
                                    "invalid-number"])
def test_sms_endpoints_aws_refuses(sns, topic, number):
    expect_error(lambda: sns.subscribe(TopicArn=topic, Protocol="sms", Endpoint=number), "InvalidParameter",
                 "Invalid SMS endpoint: " + number)


def test_sms_endpoints_with_separators_are_accepted(sns, topic):
    arn = sns.subscribe(TopicArn=topic, Protocol="sms", Endpoint="+15/55-123.4567")["SubscriptionArn"]
    assert arn.startswith(topic + ":")
    assert sns.get_subscription_attributes(SubscriptionArn=arn)["Attributes"]["Endpoint"] == "+15/55-123.4567"


@pytest.mark.parametrize("name", ["AWS.trace", "aws.lower", "Amazon.thing", "AMAZON.upper"])
def test_message_attribute_names_with_aws_prefixes_are_refused(sns, topic, name):
    with pytest.raises(ClientError) as e:
        sns.publish(TopicArn=topic, Message="m",
                    MessageAttributes={name: {"DataType": "String", "StringValue": "v"}})
    code, message, status = error_of(e.value)
    assert (code, status) == ("ParameterValueInvalid", 400)
    assert name in message


def test_empty_string_attribute_text(sns, topic):
    expect_error(lambda: sns.publish(TopicArn=topic, Message="m",
                                     MessageAttributes={"attr1": {"DataType": "String", "StringValue": ""}}),
                 "ParameterValueInvalid",
                 "The message attribute 'attr1' must contain non-empty message attribute value for message "
                 "attribute type 'String'.")


# ---- policy texts, as recorded (the parser's location travels on a second line) ------------------

REDACTED = "REDACTED (`StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION` disabled)"


def test_a_filter_policy_that_is_not_json(sns, sqs, topic):
    _, queue_arn = make_queue(sqs, unique("badjson"))
    expect_error(lambda: sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queue_arn,
                                       Attributes={"FilterPolicy": "invalid"}),
                 "InvalidParameter",
                 "Invalid parameter: Attributes Reason: FilterPolicy: failed to parse JSON. Unrecognized token "
                 "'invalid': was expecting (JSON String, Number, Array, Object or token 'null', 'true' or "
                 "'false')\n at [Source: %s; line: 1, column: 8]" % REDACTED)


def test_set_subscription_attributes_policy_texts(sns, sqs, topic):
    _, queue_arn = make_queue(sqs, unique("texts"))
    sub = sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queue_arn, ReturnSubscriptionArn=True)[
        "SubscriptionArn"]
    for name in ("RedrivePolicy", "FilterPolicy"):
        expect_error(lambda: sns.set_subscription_attributes(SubscriptionArn=sub, AttributeName=name,
                                                             AttributeValue="{invalid json}"),
                     "InvalidParameter",
                     "Invalid parameter: %s: failed to parse JSON. Unexpected character ('i' (code 105)): was "
                     "expecting double-quote to start field name\n at [Source: %s; line: 1, column: 2]"
                     % (name, REDACTED))
    expect_error(lambda: sns.set_subscription_attributes(SubscriptionArn=sub, AttributeName="FilterPolicy",
                                                         AttributeValue='{"key":[{"numeric":[">",3,"<",1]}]}'),
                 "InvalidParameter",
                 "Invalid parameter: FilterPolicy: Bottom must be less than top\n at [Source: "
                 "(String)\"{\"key\":[{\"numeric\":[\">\",3,\"<\",1]}]}\"; line: 1, column: 33]")


def test_filter_policy_numbers_compare_to_five_digits(sns, sqs, topic):
    url, queue_arn = make_queue(sqs, unique("digits"))
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queue_arn, ReturnSubscriptionArn=True,
                  Attributes={"FilterPolicy": json.dumps({"price": [100.123456789]}), "RawMessageDelivery": "true"})
    for value in ("100.1234567", "100.1236"):
        sns.publish(TopicArn=topic, Message=value,
                    MessageAttributes={"price": {"DataType": "Number", "StringValue": value}})
    got = receive_all(sqs, url, 2, deadline_s=3)
    assert [m["Body"] for m in got] == ["100.1234567"]
    expect_error(lambda: sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=make_queue(sqs, unique("far"))[1],
                                       Attributes={"FilterPolicy": json.dumps({"n": [{"numeric": [">", 2e9]}]})}),
                 "InvalidParameter",
                 "Invalid parameter: Attributes Reason: FilterPolicy: Value must be between -1.0E9 and 1.0E9, "
                 "inclusive\n at [Source: (String)\"{\"n\": [{\"numeric\": [\">\", 2000000000.0]}]}\"; line: 1, "
                 "column: 38]")
