// Publish validation with AWS's texts, MessageStructure json, FIFO rules, dedup and PublishBatch.

#include <doctest/doctest.h>

#include "sns_test_support.h"

namespace common = sluice::common;

using namespace sluice::sns;
using namespace sluice::sns::testing;

namespace {
std::string error_of(const common::Outcome<PublishResult>& r) { return r.ok() ? "ok" : r.error().message; }
PublishAttribute str(std::string v) { return {"String", std::move(v), std::nullopt}; }
}  // namespace

TEST_CASE("message and subject validation") {
  Fixture f;
  auto t = f.topic("t");
  CHECK(error_of(f.publish(t, "")) == "Invalid parameter: Empty message");
  CHECK(error_of(f.publish(t, std::string(262145, 'a'))) == "Invalid parameter: Message too long");
  CHECK(f.publish(t, std::string(262144, 'a')).ok());
  PublishRequest p;
  p.topic_arn = t;
  p.message = "m";
  p.subject = "";
  CHECK(error_of(f->publish(f.ctx, p)) == "Invalid parameter: Subject");
  p.subject = "line\nbreak";
  CHECK(error_of(f->publish(f.ctx, p)) == "Invalid parameter: Subject");
  p.subject = std::string(100, 's');
  CHECK(error_of(f->publish(f.ctx, p)) == "Invalid parameter: Subject");
  p.subject = "fine";
  CHECK(f->publish(f.ctx, p).ok());
}

TEST_CASE("target resolution errors") {
  Fixture f;
  auto t = f.topic("t");
  PublishRequest p;
  p.message = "m";
  p.topic_arn = "arn:aws:sns:us-east-1";
  CHECK(error_of(f->publish(f.ctx, p)) ==
        "Invalid parameter: TopicArn Reason: An ARN must have at least 6 elements, not 4");
  p.topic_arn = t + "-missing";
  auto missing = f->publish(f.ctx, p);
  CHECK(missing.error().code == common::AwsErrorCode::NotFound);
  p.topic_arn = "arn:aws:sns:eu-west-1:111111111111:t";
  CHECK(error_of(f->publish(f.ctx, p)) == "Invalid parameter: TopicArn");
  p.topic_arn.reset();
  p.target_arn = t + "-missing";
  CHECK(error_of(f->publish(f.ctx, p)) ==
        "Invalid parameter: TargetArn Reason: No endpoint found for the target arn specified");
  p.target_arn.reset();
  p.phone_number = "+1a234";
  CHECK(error_of(f->publish(f.ctx, p)) == "Invalid parameter: PhoneNumber Reason: +1a234 is not valid to publish to");
  p.phone_number = "+15551234567";
  REQUIRE(f->publish(f.ctx, p).ok());
  auto line = parse_object(f->outbox_lines().at(0));
  CHECK(line.at("Protocol") == "sms");
  CHECK(line.at("Body") == "m");
}

TEST_CASE("message attribute validation uses SNS's texts") {
  Fixture f;
  auto t = f.topic("t");
  CHECK(error_of(f.publish(t, "m", {{"attr1", str("")}})) ==
        "The message attribute 'attr1' must contain non-empty message attribute value for message attribute type "
        "'String'.");
  CHECK(error_of(f.publish(t, "m", {{"attr1", {"Binary", std::nullopt, std::string()}}})) ==
        "The message attribute 'attr1' must contain non-empty message attribute value for message attribute type "
        "'Binary'.");
  CHECK(error_of(f.publish(t, "m", {{"attr1", {"String", std::nullopt, std::string("b")}}})) ==
        "The message attribute 'attr1' with type 'String' must use field 'String'.");
  CHECK(error_of(f.publish(t, "m", {{"attr1", {"Number", std::nullopt, std::string("b")}}})) ==
        "The message attribute 'attr1' with type 'Number' must use field 'String'.");
  CHECK(error_of(f.publish(t, "m", {{"attr1", {"Binary", std::string("s"), std::nullopt}}})) ==
        "The message attribute 'attr1' with type 'Binary' must use field 'Binary'.");
  CHECK(error_of(f.publish(t, "m", {{"attr1", {"Other", std::string("s"), std::nullopt}}})) ==
        "The message attribute 'attr1' has an invalid message attribute type, the set of supported type prefixes is "
        "Binary, Number, and String.");
  CHECK(error_of(f.publish(t, "m", {{std::string(256, 'a'), str("v")}})) ==
        "Length of message attribute name must be less than 256 bytes.");
  CHECK(error_of(f.publish(t, "m", {{"a^b", str("v")}})) ==
        "Invalid non-alphanumeric character '#x5E' was found in the message attribute name. Can only include "
        "alphanumeric characters, hyphens, underscores, or dots.");
  CHECK(error_of(f.publish(t, "m", {{".a", str("v")}})) ==
        "Invalid message attribute name starting with character '.' was found.");
  CHECK(error_of(f.publish(t, "m", {{"a.", str("v")}})) ==
        "Invalid message attribute name ending with character '.' was found.");
  CHECK(error_of(f.publish(t, "m", {{"a..b", str("v")}})) ==
        "Message attribute name can not have successive '.' character.");
  auto null_type = f.publish(t, "m", {{"attr1", {"", std::string("v"), std::nullopt}}});
  CHECK(null_type.error().code == common::AwsErrorCode::ValidationError);
  CHECK(null_type.error().message ==
        "1 validation error detected: Value null at 'messageAttributes.attr1.member.dataType' failed to satisfy "
        "constraint: Member must not be null");
  auto bad = f.publish(t, "m", {{"attr1", str("")}});
  CHECK(bad.error().code == common::AwsErrorCode::ParameterValueInvalid);
  CHECK(bad.error().info().query_code == "ParameterValueInvalid");
}

TEST_CASE("MessageStructure json needs a default entry") {
  Fixture f;
  auto t = f.topic("t");
  PublishRequest p;
  p.topic_arn = t;
  p.message_structure = "json";
  p.message = "not json";
  CHECK(error_of(f->publish(f.ctx, p)) == "Invalid parameter: Message Structure - JSON message body failed to parse");
  p.message = R"({"sqs":"x"})";
  CHECK(error_of(f->publish(f.ctx, p)) ==
        "Invalid parameter: Message Structure - No default entry in JSON message body");
  p.message = R"({"default":"d"})";
  CHECK(f->publish(f.ctx, p).ok());
}

TEST_CASE("FIFO publish rules, sequence numbers and the 5-minute dedup window") {
  Fixture f;
  auto std_topic = f.topic("s");
  PublishRequest p;
  p.topic_arn = std_topic;
  p.message = "m";
  p.message_deduplication_id = "d";
  CHECK(error_of(f->publish(f.ctx, p)) ==
        "Invalid parameter: MessageDeduplicationId Reason: The request includes MessageDeduplicationId parameter that "
        "is not valid for this topic type");

  auto t = f.topic("t.fifo", {{"FifoTopic", "true"}});
  p.topic_arn = t;
  p.message_deduplication_id.reset();
  CHECK(error_of(f->publish(f.ctx, p)) ==
        "Invalid parameter: The MessageGroupId parameter is required for FIFO topics");
  p.message_group_id = "g";
  CHECK(error_of(f->publish(f.ctx, p)) ==
        "Invalid parameter: The topic should either have ContentBasedDeduplication enabled or MessageDeduplicationId "
        "provided explicitly");
  p.message_deduplication_id = "d1";
  auto first = f->publish(f.ctx, p);
  REQUIRE(first.ok());
  REQUIRE(first->sequence_number);
  CHECK(first->sequence_number->size() == 20);
  auto dup = f->publish(f.ctx, p);
  CHECK(dup->message_id == first->message_id);
  CHECK(dup->sequence_number == first->sequence_number);
  p.message_deduplication_id = "d2";
  auto second = f->publish(f.ctx, p);
  CHECK(*second->sequence_number > *first->sequence_number);
  f.clock->advance_s(301);
  p.message_deduplication_id = "d1";
  CHECK(f->publish(f.ctx, p)->message_id != first->message_id);
}

TEST_CASE("PublishBatch limits and results") {
  Fixture f;
  auto t = f.topic("t");
  auto entry = [](std::string id, std::string msg) {
    PublishRequest e;
    e.id = std::move(id);
    e.message = std::move(msg);
    return e;
  };
  CHECK(f->publish_batch(f.ctx, t, {}).error().code == common::AwsErrorCode::SnsEmptyBatchRequest);
  std::vector<PublishRequest> eleven;
  for (int i = 0; i < 11; ++i) eleven.push_back(entry(std::to_string(i), "m"));
  auto many = f->publish_batch(f.ctx, t, eleven);
  CHECK(many.error().message == "The batch request contains more entries than permissible.");
  CHECK(many.error().info().query_code == "TooManyEntriesInBatchRequest");
  CHECK(f->publish_batch(f.ctx, t, {entry("1", "a"), entry("1", "b")}).error().message ==
        "Two or more batch entries in the request have the same Id.");
  CHECK(f->publish_batch(f.ctx, t, {entry("message.id", "a")}).error().message ==
        "The Id of a batch entry in the batch request contains an impermissible character: message.id");
  CHECK(f->publish_batch(f.ctx, t, {entry(std::string(81, 'a'), "a")}).error().message ==
        "The Id of a batch entry in the batch request is too long: " + std::string(81, 'a'));
  CHECK(f->publish_batch(f.ctx, t, {entry("1", std::string(200000, 'a')), entry("2", std::string(100000, 'a'))})
            .error()
            .message == "The length of all the messages put together is more than the limit.");
  CHECK(f->publish_batch(f.ctx, "arn:aws:sns:eu-west-1:111111111111:t", {entry("1", "a")}).error().message ==
        "Invalid parameter: TopicArn");

  auto q = f.queue("q");
  f.subscribe(t, "sqs", q, {{"RawMessageDelivery", "true"}});
  auto ok = f->publish_batch(f.ctx, t, {entry("1", "a"), entry("2", "b")});
  REQUIRE(ok.ok());
  CHECK(ok->successful.size() == 2);
  CHECK(ok->failed.empty());
  CHECK(ok->successful[1].id == "2");
  CHECK(f.receive("q").size() == 2);
}
