#include <doctest/doctest.h>

#include "engine_test_support.h"

using namespace sluice;
using namespace sluice::sqs;
using namespace sluice::sqs::testing;

TEST_CASE("create is idempotent for equal attributes and refuses different ones") {
  TestEngine t;
  REQUIRE(t->create_queue(address("orders"), {{"DelaySeconds", "5"}}, {}).ok());
  CHECK(t->create_queue(address("orders"), {{"DelaySeconds", "5"}}, {}).ok());
  auto again = t->create_queue(address("orders"), {{"DelaySeconds", "10"}}, {});
  REQUIRE_FALSE(again.ok());
  CHECK(again.error().code == common::AwsErrorCode::QueueNameExists);
  CHECK(again.error().message ==
        "A queue already exists with the same name and a different value for attribute DelaySeconds");
}

TEST_CASE("accounts and regions are separate namespaces") {
  TestEngine t;
  REQUIRE(t->create_queue(address("q"), {}, {}).ok());
  CHECK(t->get_queue({"123456789012", "eu-west-1", "q"}).error().code == common::AwsErrorCode::QueueDoesNotExist);
  CHECK(t->get_queue({"210987654321", "us-east-1", "q"}).error().code == common::AwsErrorCode::QueueDoesNotExist);
  CHECK(t->list_queues("123456789012", "us-east-1", "").size() == 1);
  CHECK(t->list_queues("123456789012", "eu-west-1", "").empty());
}

TEST_CASE("bad names and type mismatches get AWS errors") {
  TestEngine t;
  CHECK(t->create_queue(address("bad name"), {}, {}).error().code == common::AwsErrorCode::InvalidParameterValue);
  CHECK(t->create_queue(address("plain"), {{"FifoQueue", "true"}}, {}).error().code ==
        common::AwsErrorCode::InvalidParameterValue);
  CHECK_FALSE(t->create_queue(address("std.fifo"), {}, {}).ok());
}

TEST_CASE("list queues filters by prefix and sorts") {
  TestEngine t;
  for (auto name : {"b-queue", "a-queue", "a-other", "c"}) REQUIRE(t->create_queue(address(name), {}, {}).ok());
  auto names = t->list_queues("123456789012", "us-east-1", "a-");
  REQUIRE(names.size() == 2);
  CHECK(names[0] == "a-other");
  CHECK(names[1] == "a-queue");
}

TEST_CASE("attributes: defaults, read-only values, set and All") {
  TestEngine t;
  REQUIRE(t->create_queue(address("q"), {}, {}).ok());
  auto attrs = t->get_queue_attributes(address("q"), {"All"});
  REQUIRE(attrs.ok());
  CHECK(attrs->at("VisibilityTimeout") == "30");
  CHECK(attrs->at("MessageRetentionPeriod") == "345600");
  CHECK(attrs->at("MaximumMessageSize") == "1048576");
  CHECK(attrs->at("QueueArn") == "arn:aws:sqs:us-east-1:123456789012:q");
  CHECK(attrs->at("ApproximateNumberOfMessages") == "0");
  CHECK(attrs->at("SqsManagedSseEnabled") == "true");
  CHECK(attrs->count("FifoQueue") == 0);
  REQUIRE(t->set_queue_attributes(address("q"), {{"VisibilityTimeout", "45"}}).ok());
  CHECK(t->get_queue_attributes(address("q"), {"VisibilityTimeout"})->at("VisibilityTimeout") == "45");
  CHECK(t->get_queue_attributes(address("q"), {})->empty());
  auto bad = t->get_queue_attributes(address("q"), {"Nope"});
  CHECK(bad.error().code == common::AwsErrorCode::InvalidAttributeName);
}

TEST_CASE("counts follow messages through delay, flight and visibility") {
  TestEngine t;
  REQUIRE(t->create_queue(address("q"), {}, {}).ok());
  auto delayed = message("later");
  delayed.delay_seconds = 10;
  REQUIRE(t->send_message(address("q"), delayed).ok());
  REQUIRE(t->send_message(address("q"), message("now")).ok());
  REQUIRE(t->receive_message(address("q"), receive(1)).ok());
  auto attrs = *t->get_queue_attributes(address("q"), {"All"});
  CHECK(attrs["ApproximateNumberOfMessages"] == "0");
  CHECK(attrs["ApproximateNumberOfMessagesNotVisible"] == "1");
  CHECK(attrs["ApproximateNumberOfMessagesDelayed"] == "1");
  t.clock->advance_s(31);
  attrs = *t->get_queue_attributes(address("q"), {"All"});
  CHECK(attrs["ApproximateNumberOfMessages"] == "2");
  CHECK(attrs["ApproximateNumberOfMessagesNotVisible"] == "0");
  CHECK(attrs["ApproximateNumberOfMessagesDelayed"] == "0");
}

TEST_CASE("purge deletes everything and may run once a minute") {
  TestEngine t;
  REQUIRE(t->create_queue(address("q"), {}, {}).ok());
  REQUIRE(t->send_message(address("q"), message("a")).ok());
  REQUIRE(t->purge_queue(address("q")).ok());
  auto second = t->purge_queue(address("q"));
  REQUIRE_FALSE(second.ok());
  CHECK(second.error().code == common::AwsErrorCode::PurgeQueueInProgress);
  CHECK(second.error().message == "Only one PurgeQueue operation on q is allowed every 60 seconds.");
  CHECK(t->receive_message(address("q"), receive())->messages.empty());
  t.clock->advance_s(61);
  CHECK(t->purge_queue(address("q")).ok());
}

TEST_CASE("a deleted name cannot be reused for 60 seconds") {
  TestEngine t;
  REQUIRE(t->create_queue(address("q"), {}, {}).ok());
  REQUIRE(t->delete_queue(address("q")).ok());
  CHECK(t->delete_queue(address("q")).error().code == common::AwsErrorCode::QueueDoesNotExist);
  CHECK(t->create_queue(address("q"), {}, {}).error().code == common::AwsErrorCode::QueueDeletedRecently);
  t.clock->advance_s(61);
  t->run_housekeeping();
  CHECK(t->create_queue(address("q"), {}, {}).ok());
}

TEST_CASE("tags and permissions") {
  TestEngine t;
  REQUIRE(t->create_queue(address("q"), {}, {{"team", "a"}}).ok());
  REQUIRE(t->tag_queue(address("q"), {{"env", "dev"}, {"team", "b"}}).ok());
  REQUIRE(t->untag_queue(address("q"), {"env"}).ok());
  auto tags = *t->list_queue_tags(address("q"));
  CHECK(tags.size() == 1);
  CHECK(tags["team"] == "b");

  REQUIRE(t->add_permission(address("q"), "crossaccountpermission", {"111111111111"}, {"SendMessage"}).ok());
  auto dup = t->add_permission(address("q"), "crossaccountpermission", {"111111111111"}, {"SendMessage"});
  CHECK(dup.error().message == "Value crossaccountpermission for parameter Label is invalid. Reason: Already exists.");
  auto policy = t->get_queue_attributes(address("q"), {"Policy"})->at("Policy");
  CHECK(policy.find("\"Sid\":\"crossaccountpermission\"") != std::string::npos);
  CHECK(policy.find("SQS:SendMessage") != std::string::npos);
  auto missing = t->remove_permission(address("q"), "crossaccountpermission2");
  CHECK(missing.error().message ==
        "Value crossaccountpermission2 for parameter Label is invalid. Reason: can't find label.");
  CHECK(t->remove_permission(address("q"), "crossaccountpermission").ok());
}

TEST_CASE("queue_policy answers the Policy GetQueueAttributes shows, as of the last change") {
  TestEngine t;
  CHECK(t->queue_policy(address("q")).error().code == common::AwsErrorCode::QueueDoesNotExist);
  REQUIRE(t->create_queue(address("q"), {}, {}).ok());
  CHECK(t->queue_policy(address("q"))->empty());

  REQUIRE(t->add_permission(address("q"), "granted", {"111111111111"}, {"SendMessage"}).ok());
  const std::string added = t->get_queue_attributes(address("q"), {"Policy"})->at("Policy");
  CHECK(*t->queue_policy(address("q")) == added);

  const std::string document =
      R"({"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"sqs:*","Resource":"*"}]})";
  REQUIRE(t->set_queue_attributes(address("q"), {{"Policy", document}}).ok());
  CHECK(*t->queue_policy(address("q")) == document);
  CHECK(t->get_queue_attributes(address("q"), {"Policy"})->at("Policy") == document);

  // Clearing the attribute shows AddPermission's document again, in both reads.
  REQUIRE(t->set_queue_attributes(address("q"), {{"Policy", ""}}).ok());
  CHECK(*t->queue_policy(address("q")) == added);
  REQUIRE(t->remove_permission(address("q"), "granted").ok());
  CHECK(t->queue_policy(address("q"))->empty());
  CHECK(t->get_queue_attributes(address("q"), {"Policy"})->count("Policy") == 0);
}
