// Answers of the service that AWS was recorded giving: CreateTopic and Subscribe again, calls that
// name a topic of another region, the subscriber's principal, FilterPolicyScope in the
// attributes, ConfirmSubscription's token texts, sms endpoints, MessageGroupId on standard topics,
// sequence numbers of FIFO queues, and the RedrivePolicy parse error.

#include <doctest/doctest.h>

#include <algorithm>

#include "sns_test_support.h"

using namespace sluice;
using namespace sluice::sns;
using namespace sluice::sns::testing;

namespace {

std::string attribute(const sqs::ReceivedMessage& m, const std::string& name) {
  for (const auto& [k, v] : m.attributes) {
    if (k == name) return v;
  }
  return "<absent>";
}

std::string message_of(const common::Status& st) { return st ? std::string("<ok>") : st.error().message; }

template <typename T>
std::string message_of(const common::Outcome<T>& out) {
  return out ? std::string("<ok>") : out.error().message;
}

}  // namespace

TEST_CASE("CreateTopic again with a subset of its tags answers the same topic") {
  Fixture f;
  TagList tags{{"Name", "abc"}, {"Description", "description"}};
  auto arn = f->create_topic(f.ctx, "tagged", {}, tags);
  REQUIRE(arn);
  CHECK(f->create_topic(f.ctx, "tagged", {}, {}).value() == *arn);
  CHECK(f->create_topic(f.ctx, "tagged", {}, {{"Name", "abc"}}).value() == *arn);
  CHECK(f->create_topic(f.ctx, "tagged", {}, {{"Description", "description"}, {"Name", "abc"}}).value() == *arn);
  CHECK(message_of(f->create_topic(f.ctx, "tagged", {}, {{"Name", "other"}})) ==
        "Invalid parameter: Tags Reason: Topic already exists with different tags");
  CHECK(message_of(f->create_topic(f.ctx, "tagged", {}, {{"Name", "abc"}, {"More", "x"}})) ==
        "Invalid parameter: Tags Reason: Topic already exists with different tags");
}

TEST_CASE("FifoTopic is read without regard to case") {
  Fixture f;
  for (const char* text : {"True", "TRUE", "tRuE"}) {
    CAPTURE(text);
    auto arn = f->create_topic(f.ctx, std::string("t") + text + ".fifo", {{"FifoTopic", text}}, {});
    REQUIRE(arn);
    CHECK(f->get_topic_attributes(f.ctx, *arn).value().at("FifoTopic") == "true");
  }
  CHECK(f->create_topic(f.ctx, "plain", {{"FifoTopic", "FALSE"}}, {}));
  CHECK(message_of(f->create_topic(f.ctx, "odd", {{"FifoTopic", "yes"}}, {})) == "Invalid parameter: FifoTopic");
}

TEST_CASE("Subscribe again compares attributes as they act: an unset one is its default") {
  Fixture f;
  auto t = f.topic("t");
  auto q = f.queue("q");
  auto sub = f.subscribe(t, "sqs", q, {{"RawMessageDelivery", "true"}});
  CHECK(f.subscribe(t, "sqs", q, {{"RawMessageDelivery", "true"}, {"FilterPolicyScope", "MessageAttributes"}}) == sub);
  CHECK(f.subscribe(t, "sqs", q, {{"FilterPolicyScope", "MessageAttributes"}}) == sub);
  CHECK(f.subscribe(t, "sqs", q) == sub);
  CHECK(f.subscribe(t, "sqs", q, {{"RawMessageDelivery", "false"}, {"FilterPolicyScope", "MessageBody"}}) ==
        "error: Invalid parameter: Attributes Reason: Subscription already exists with different attributes");

  auto plain = f.subscribe(t, "sqs", f.queue("plain"));
  CHECK(f.subscribe(t, "sqs", f.queue("plain"), {{"RawMessageDelivery", "false"}}) == plain);
  CHECK(f.subscribe(t, "sqs", f.queue("plain"), {{"RawMessageDelivery", "true"}}).rfind("error: ", 0) == 0);
}

TEST_CASE("FilterPolicyScope shows only next to a FilterPolicy, and is kept until then") {
  Fixture f;
  auto t = f.topic("t");
  auto sub = f.subscribe(t, "sqs", f.queue("q"), {{"FilterPolicyScope", "MessageBody"}});
  CHECK(f->get_subscription_attributes(f.ctx, sub).value().count("FilterPolicyScope") == 0);
  REQUIRE(f->set_subscription_attributes(f.ctx, sub, "FilterPolicy", std::string(R"({"attr":["match-this"]})")));
  auto attrs = f->get_subscription_attributes(f.ctx, sub).value();
  CHECK(attrs.at("FilterPolicyScope") == "MessageBody");
  REQUIRE(f->set_subscription_attributes(f.ctx, sub, "FilterPolicy", std::string()));
  CHECK(f->get_subscription_attributes(f.ctx, sub).value().count("FilterPolicyScope") == 0);
}

TEST_CASE("a topic ARN of another region is an invalid parameter for every topic call") {
  Fixture f;
  auto t = f.topic("t");
  CallContext other{f.ctx.account_id, "eu-west-1"};
  const std::string expected = "Invalid parameter: TopicArn";
  CHECK(message_of(f->get_topic_attributes(other, t)) == expected);
  CHECK(message_of(f->set_topic_attributes(other, t, "DisplayName", std::string("x"))) == expected);
  CHECK(message_of(f->add_permission(other, t, "l", {"111111111111"}, {"Publish"})) == expected);
  CHECK(message_of(f->remove_permission(other, t, "l")) == expected);
  CHECK(message_of(f->subscribe(other, SubscribeRequest{t, "email", std::string("a@example.com"), {}, false})) ==
        expected);
  CHECK(message_of(f->list_subscriptions_by_topic(other, t, std::nullopt)) == expected);
  PublishRequest p;
  p.topic_arn = t;
  p.message = "m";
  CHECK(message_of(f->publish(other, p)) == expected);
  CHECK(message_of(f->publish_batch(other, t, {p})) == expected);
  CHECK(message_of(f->delete_topic(other, t)) == expected);
  CHECK(f->get_topic_attributes(f.ctx, t));  // still there
  // A topic that does not exist in the caller's own region is still NotFound.
  CHECK(f->get_topic_attributes(f.ctx, t + "-missing").error().code == common::AwsErrorCode::NotFound);
}

TEST_CASE("a topic delivers to a queue of another region") {
  Fixture f;
  auto t = f.topic("t");
  sqs::QueueAddress far{f.ctx.account_id, "eu-west-1", "far"};
  REQUIRE(f.sqs->create_queue(far, {}, {}));
  f.subscribe(t, "sqs", sqs::queue_arn(far));
  REQUIRE(f.publish(t, "across"));
  sqs::ReceiveMessageRequest r;
  r.max_number_of_messages = 10;
  auto got = f.sqs->receive_message(far, r);
  REQUIRE(got);
  REQUIRE(got->messages.size() == 1);
  CHECK(std::string(parse_object(got->messages[0].body).at("Message").as_string()) == "across");
}

TEST_CASE("SubscriptionPrincipal is the caller's IAM ARN") {
  Fixture f;
  auto t = f.topic("t");
  CallContext alice = f.ctx;
  alice.principal_arn = "arn:aws:iam::111111111111:user/alice";
  auto sub = f->subscribe(alice, SubscribeRequest{t, "sqs", f.queue("q"), {}, true});
  REQUIRE(sub);
  CHECK(f->get_subscription_attributes(f.ctx, *sub).value().at("SubscriptionPrincipal") ==
        "arn:aws:iam::111111111111:user/alice");
  auto root = f.subscribe(t, "sqs", f.queue("q2"));
  CHECK(f->get_subscription_attributes(f.ctx, root).value().at("SubscriptionPrincipal") ==
        "arn:aws:iam::111111111111:root");
}

TEST_CASE("the subscriber's principal survives a restart") {
  TempDir dir;
  Fixture f(dir.path);
  auto t = f.topic("t");
  CallContext alice = f.ctx;
  alice.principal_arn = "arn:aws:iam::111111111111:user/alice";
  auto sub = f->subscribe(alice, SubscribeRequest{t, "sqs", f.queue("q"), {}, true});
  REQUIRE(sub);
  f.reopen(dir.path);
  CHECK(f->get_subscription_attributes(f.ctx, *sub).value().at("SubscriptionPrincipal") ==
        "arn:aws:iam::111111111111:user/alice");
}

TEST_CASE("ConfirmSubscription: a token SNS could not have made is \"Invalid token\"") {
  Fixture f;
  auto t = f.topic("t");
  const std::string well_made(96, 'a');
  CHECK(message_of(f->confirm_subscription(f.ctx, t + "-missing", well_made)) == "Invalid parameter: Token");
  CHECK(message_of(f->confirm_subscription(f.ctx, t, "randomtoken")) == "Invalid token");
  CHECK(message_of(f->confirm_subscription(f.ctx, t, well_made)) == "Invalid parameter: Token");
}

TEST_CASE("sms endpoints: single separators between digits are accepted, AWS's refusals worded as AWS") {
  Fixture f;
  auto t = f.topic("t");
  for (const char* good : {"+15/55-123.4567", "+123123123", "15551234567"}) {
    CAPTURE(good);
    CHECK(f.subscribe(t, "sms", good).rfind(t + ":", 0) == 0);
  }
  for (const char* bad : {"+15--551234567", "NAA+15551234567", "+15551234567.", "/+15551234567", "invalid-number"}) {
    CAPTURE(bad);
    CHECK(f.subscribe(t, "sms", bad) == std::string("error: Invalid SMS endpoint: ") + bad);
  }
}

TEST_CASE("an empty TopicArn on Publish is an ARN of one element") {
  Fixture f;
  PublishRequest p;
  p.topic_arn = "";
  p.message = "m";
  CHECK(message_of(f->publish(f.ctx, p)) ==
        "Invalid parameter: TopicArn Reason: An ARN must have at least 6 elements, not 1");
}

TEST_CASE("a standard topic hands MessageGroupId to standard queues; a FIFO topic does not") {
  Fixture f;
  auto t = f.topic("t");
  f.subscribe(t, "sqs", f.queue("fair"));
  PublishRequest p;
  p.topic_arn = t;
  p.message = "grouped";
  p.message_group_id = "my-group-id-1";
  REQUIRE(f->publish(f.ctx, p));
  auto got = f.receive("fair");
  REQUIRE(got.size() == 1);
  CHECK(attribute(got[0], "MessageGroupId") == "my-group-id-1");

  auto fifo = f.topic("t.fifo", {{"FifoTopic", "true"}, {"ContentBasedDeduplication", "true"}});
  f.subscribe(fifo, "sqs", f.queue("standard"));
  p.topic_arn = fifo;
  REQUIRE(f->publish(f.ctx, p));
  got = f.receive("standard");
  REQUIRE(got.size() == 1);
  CHECK(attribute(got[0], "MessageGroupId") == "<absent>");
}

TEST_CASE("a FIFO queue numbers what a FIFO topic delivers by itself") {
  Fixture f;
  auto fifo = f.topic("t.fifo", {{"FifoTopic", "true"}, {"ContentBasedDeduplication", "true"}});
  f.subscribe(fifo, "sqs", f.queue("q.fifo", {{"FifoQueue", "true"}}));
  std::vector<std::string> published;
  for (const char* text : {"one", "two", "three"}) {
    PublishRequest p;
    p.topic_arn = fifo;
    p.message = text;
    p.message_group_id = "g";
    auto r = f->publish(f.ctx, p);
    REQUIRE(r);
    published.push_back(*r->sequence_number);
  }
  auto got = f.receive("q.fifo");
  REQUIRE(got.size() == 3);
  for (size_t i = 0; i < got.size(); ++i) {
    CHECK(std::string(parse_object(got[i].body).at("SequenceNumber").as_string()) == published[i]);
    const std::string assigned = attribute(got[i], "SequenceNumber");
    CHECK(assigned != "<absent>");
    CHECK(std::find(published.begin(), published.end(), assigned) == published.end());
  }
}

TEST_CASE("a RedrivePolicy that is not JSON is answered in the words of AWS's parser") {
  Fixture f;
  auto t = f.topic("t");
  auto sub = f.subscribe(t, "sqs", f.queue("q"));
  CHECK(message_of(f->set_subscription_attributes(f.ctx, sub, "RedrivePolicy", std::string("{invalid json}"))) ==
        "Invalid parameter: RedrivePolicy: failed to parse JSON. Unexpected character ('i' (code 105)): was "
        "expecting double-quote to start field name\n at [Source: REDACTED "
        "(`StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION` disabled); line: 1, column: 2]");
}
