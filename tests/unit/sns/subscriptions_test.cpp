// Subscriptions: protocol and endpoint validation, attributes and their texts, confirmation,
// idempotency, unsubscribe and listing.

#include <doctest/doctest.h>

#include "sns_test_support.h"

namespace common = sluice::common;

using namespace sluice::sns;
using namespace sluice::sns::testing;

TEST_CASE("protocol and endpoint validation") {
  Fixture f;
  auto t = f.topic("t");
  CHECK(f.subscribe(t, "test-protocol", "x") ==
        "error: Invalid parameter: Amazon SNS does not support this protocol string: test-protocol");
  CHECK(f.subscribe(t, "sqs", "http://localhost/111111111111/q") == "error: Invalid parameter: SQS endpoint ARN");
  auto fifo_queue = f.queue("q.fifo", {{"FifoQueue", "true"}});
  CHECK(f.subscribe(t, "sqs", fifo_queue) ==
        "error: Invalid parameter: Invalid parameter: Endpoint Reason: FIFO SQS Queues can not be subscribed to "
        "standard SNS topics");
  CHECK(f.subscribe(t, "http", "https://x").rfind("error:", 0) == 0);
  CHECK(f.subscribe(t, "email", "nobody").rfind("error:", 0) == 0);
  auto unknown = f->subscribe(f.ctx, SubscribeRequest{t + "x", "sqs", f.queue("q"), {}, false});
  CHECK(unknown.error().code == common::AwsErrorCode::NotFound);
  auto malformed =
      f->subscribe(f.ctx, SubscribeRequest{"arn:aws:sns:us-east-1:111111111111", "sqs", f.queue("q"), {}, false});
  CHECK(malformed.error().message == "Invalid parameter: TopicArn Reason: An ARN must have at least 6 elements, not 5");
}

TEST_CASE("same-account sqs is confirmed at once, http and email wait for a token") {
  Fixture f;
  auto t = f.topic("t");
  auto sqs_arn = f->subscribe(f.ctx, SubscribeRequest{t, "sqs", f.queue("q"), {}, false});
  REQUIRE(sqs_arn.ok());
  CHECK(sqs_arn.value().rfind(t + ":", 0) == 0);
  CHECK(f->get_subscription_attributes(f.ctx, sqs_arn.value()).value().at("PendingConfirmation") == "false");

  auto http = f->subscribe(f.ctx, SubscribeRequest{t, "http", "http://example.test/hook", {}, false});
  CHECK(http.value() == "pending confirmation");
  REQUIRE(f.sink.deliveries.size() == 1);
  const Delivery& confirmation = f.sink.deliveries[0];
  CHECK(confirmation.type == "SubscriptionConfirmation");
  CHECK(confirmation.message == "You have chosen to subscribe to the topic " + t +
                                    ".\nTo confirm the subscription, visit the SubscribeURL included in this message.");
  CHECK(confirmation.subscribe_url.find("Action=ConfirmSubscription") != std::string::npos);
  auto envelope = parse_object(confirmation.envelope_json());
  CHECK(envelope.at("Type") == "SubscriptionConfirmation");
  CHECK(envelope.at("Token").as_string() == confirmation.token.c_str());

  auto listed = f->list_subscriptions_by_topic(f.ctx, t, std::nullopt).value().items;
  REQUIRE(listed.size() == 2);
  int pending = 0;
  for (const auto& s : listed) pending += s.subscription_arn == "PendingConfirmation";
  CHECK(pending == 1);
  CHECK(f->get_topic_attributes(f.ctx, t).value().at("SubscriptionsPending") == "1");

  // A token SNS could have made but did not: "Invalid parameter: Token"; one it could not: "Invalid token".
  CHECK(f->confirm_subscription(f.ctx, t, std::string(128, 'f')).error().message == "Invalid parameter: Token");
  CHECK(f->confirm_subscription(f.ctx, t, "wrong").error().message == "Invalid token");
  CHECK(f->confirm_subscription(f.ctx, "arn:aws:sns:eu-west-1:111111111111:t", confirmation.token).error().message ==
        "Invalid parameter: Topic");
  auto confirmed = f->confirm_subscription(f.ctx, t, confirmation.token);
  REQUIRE(confirmed.ok());
  CHECK(confirmed.value() == confirmation.subscription_arn);
  CHECK(f->get_topic_attributes(f.ctx, t).value().at("SubscriptionsConfirmed") == "2");

  auto email = f->subscribe(f.ctx, SubscribeRequest{t, "email", "a@b.test", {}, true});
  CHECK(email.value().rfind(t + ":", 0) == 0);  // ReturnSubscriptionArn
  auto outbox = f->outbox_lines();
  REQUIRE(outbox.size() == 1);
  auto line = parse_object(outbox[0]);
  CHECK(line.at("Type") == "SubscriptionConfirmation");
  CHECK(line.at("Endpoint") == "a@b.test");
}

TEST_CASE("subscription attributes and their errors") {
  Fixture f;
  auto t = f.topic("t");
  auto q = f.queue("q");
  CHECK(f.subscribe(t, "sqs", q, {{"RawMessageDelivery", "wrongvalue"}}) ==
        "error: Invalid parameter: Attributes Reason: RawMessageDelivery: Invalid value [wrongvalue]. Must be true or "
        "false.");
  auto sub = f.subscribe(t, "sqs", q, {{"RawMessageDelivery", "true"}});
  auto attrs = f->get_subscription_attributes(f.ctx, sub).value();
  CHECK(attrs.at("RawMessageDelivery") == "true");
  CHECK(attrs.at("Protocol") == "sqs");
  CHECK(attrs.at("Endpoint") == q);
  CHECK(attrs.at("TopicArn") == t);
  CHECK(attrs.at("Owner") == "111111111111");
  CHECK(attrs.at("ConfirmationWasAuthenticated") == "true");

  CHECK(f->set_subscription_attributes(f.ctx, sub, "Nope", "x").error().message == "Invalid parameter: AttributeName");
  CHECK(f->set_subscription_attributes(f.ctx, sub, "RawMessageDelivery", "").error().message ==
        "Invalid parameter: RawMessageDelivery: Invalid value []. Must be true or false.");
  CHECK(f->set_subscription_attributes(f.ctx, sub, "RedrivePolicy", R"({"deadLetterTargetArn":"x"})").error().message ==
        "Invalid parameter: RedrivePolicy: deadLetterTargetArn is an invalid arn");
  CHECK(f->set_subscription_attributes(f.ctx, sub, "FilterPolicyScope", "X").error().message ==
        "Invalid parameter: FilterPolicyScope: Invalid value [X]. Please use either MessageBody or MessageAttributes");
  auto bad_policy = f->set_subscription_attributes(f.ctx, sub, "FilterPolicy", R"({"a":[["x"]]})");
  CHECK(bad_policy.error().message.rfind("Invalid parameter: FilterPolicy: ", 0) == 0);
  REQUIRE(f->set_subscription_attributes(f.ctx, sub, "FilterPolicy", R"({"a":["x"]})").ok());
  attrs = f->get_subscription_attributes(f.ctx, sub).value();
  CHECK(attrs.at("FilterPolicy") == R"({"a":["x"]})");
  CHECK(attrs.at("FilterPolicyScope") == "MessageAttributes");

  auto missing = f->get_subscription_attributes(f.ctx, t + ":00000000-0000-0000-0000-000000000000");
  CHECK(missing.error().message == "Subscription does not exist");
  CHECK(missing.error().info().http_status == 404);
}

TEST_CASE("re-subscribing is idempotent; different attributes are refused") {
  Fixture f;
  auto t = f.topic("t");
  auto q = f.queue("q");
  auto a = f.subscribe(t, "sqs", q, {{"RawMessageDelivery", "true"}});
  CHECK(f.subscribe(t, "sqs", q, {{"RawMessageDelivery", "true"}}) == a);
  CHECK(f.subscribe(t, "sqs", q) == a);
  CHECK(f.subscribe(t, "sqs", q, {{"RawMessageDelivery", "false"}}) ==
        "error: Invalid parameter: Attributes Reason: Subscription already exists with different attributes");
}

TEST_CASE("unsubscribe: ARN checks, idempotent, counted as deleted; DeleteTopic removes subscriptions") {
  Fixture f;
  auto t = f.topic("t");
  auto sub = f.subscribe(t, "sqs", f.queue("q"));
  CHECK(f->unsubscribe(f.ctx, "x").error().message ==
        "Invalid parameter: SubscriptionArn Reason: An ARN must have at least 6 elements, not 1");
  CHECK(f->unsubscribe(f.ctx, "").error().message ==
        "Invalid parameter: SubscriptionArn Reason: no value for required parameter");
  CHECK(f->unsubscribe(f.ctx, t).error().message == "Invalid parameter: SubscriptionId");
  CHECK(f->unsubscribe(f.ctx, sub).ok());
  CHECK(f->unsubscribe(f.ctx, sub).ok());
  CHECK(f->get_topic_attributes(f.ctx, t).value().at("SubscriptionsDeleted") == "1");
  auto sub2 = f.subscribe(t, "sqs", f.queue("q2"));
  REQUIRE(f->delete_topic(f.ctx, t).ok());
  CHECK(f->get_subscription_attributes(f.ctx, sub2).error().code == common::AwsErrorCode::NotFound);
  CHECK(f->list_subscriptions(f.ctx, std::nullopt).value().items.empty());
}

TEST_CASE("ListSubscriptionsByTopic pages by 100") {
  Fixture f;
  auto t = f.topic("t");
  for (int i = 0; i < 101; ++i) f.subscribe(t, "sms", "+1555000" + std::to_string(1000 + i));
  auto first = f->list_subscriptions_by_topic(f.ctx, t, std::nullopt).value();
  CHECK(first.items.size() == 100);
  REQUIRE(first.next_token);
  auto second = f->list_subscriptions_by_topic(f.ctx, t, first.next_token).value();
  CHECK(second.items.size() == 1);
  CHECK(second.items[0].protocol == "sms");
  CHECK_FALSE(second.next_token);
}

TEST_CASE("a queue of another account gets a SubscriptionConfirmation and stays pending") {
  Fixture f;
  auto t = f.topic("t");
  sluice::sqs::QueueAddress other{"222222222222", "us-east-1", "theirs"};
  REQUIRE(f.sqs->create_queue(other, {}, {}).ok());
  auto r = f->subscribe(f.ctx, SubscribeRequest{t, "sqs", sluice::sqs::queue_arn(other), {}, false});
  CHECK(r.value() == "pending confirmation");
  sluice::sqs::ReceiveMessageRequest rr;
  auto got = f.sqs->receive_message(other, rr);
  REQUIRE(got.ok());
  REQUIRE(got.value().messages.size() == 1);
  auto env = parse_object(got.value().messages[0].body);
  CHECK(env.at("Type").as_string() == "SubscriptionConfirmation");
  REQUIRE(f->confirm_subscription(f.ctx, t, std::string(env.at("Token").as_string())).ok());
  REQUIRE(f.publish(t, "now delivered").ok());
  auto after = f.sqs->receive_message(other, rr);
  REQUIRE(after.value().messages.size() == 1);
  CHECK(parse_object(after.value().messages[0].body).at("Message").as_string() == "now delivered");
}
