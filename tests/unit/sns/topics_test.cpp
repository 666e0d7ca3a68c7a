// Topics: names, idempotent creation, attributes as AWS renders them, errors with AWS's texts,
// permissions, tags and pagination.

#include <doctest/doctest.h>

#include "sns_test_support.h"

namespace common = sluice::common;

using namespace sluice::sns;
using namespace sluice::sns::testing;

TEST_CASE("topic names follow SNS rules and FIFO needs .fifo with FifoTopic") {
  Fixture f;
  CHECK(f->create_topic(f.ctx, std::string(256, 'a'), {}, {}).ok());
  for (const std::string& bad :
       std::vector<std::string>{"", std::string(257, 'a'), "has space", "dot.name", "x.fifo"}) {
    auto r = f->create_topic(f.ctx, bad, {}, {});
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().message == "Invalid parameter: Topic Name");
    CHECK(r.error().info().http_status == 400);
    CHECK(r.error().info().query_code == "InvalidParameter");
  }
  CHECK_FALSE(f->create_topic(f.ctx, "nofifo", {{"FifoTopic", "true"}}, {}).ok());
  auto fifo = f->create_topic(f.ctx, "t.fifo", {{"FifoTopic", "true"}}, {});
  REQUIRE(fifo.ok());
  CHECK(fifo.value() == "arn:aws:sns:us-east-1:111111111111:t.fifo");
}

TEST_CASE("CreateTopic is idempotent but refuses different attributes or tags") {
  Fixture f;
  auto a = f->create_topic(f.ctx, "t", {{"DisplayName", "x"}}, {{"k", "v"}});
  REQUIRE(a.ok());
  CHECK(f->create_topic(f.ctx, "t", {}, {}).value() == a.value());
  CHECK(f->create_topic(f.ctx, "t", {{"DisplayName", "x"}}, {{"k", "v"}}).value() == a.value());
  auto attrs = f->create_topic(f.ctx, "t", {{"DisplayName", "y"}}, {});
  CHECK(attrs.error().message ==
        "Invalid parameter: Attributes Reason: Topic already exists with different attributes");
  auto tags = f->create_topic(f.ctx, "t", {}, {{"k", "v"}, {"k2", "v2"}});
  CHECK(tags.error().message == "Invalid parameter: Tags Reason: Topic already exists with different tags");
  auto dup = f->create_topic(f.ctx, "u", {}, {{"k", "v"}, {"k", "w"}});
  CHECK(dup.error().message == "Invalid parameter: Duplicated keys are not allowed.");
}

TEST_CASE("GetTopicAttributes renders defaults like AWS") {
  Fixture f;
  auto arn = f.topic("std");
  auto attrs = f->get_topic_attributes(f.ctx, arn);
  REQUIRE(attrs.ok());
  const auto& a = attrs.value();
  CHECK(a.at("DisplayName") == "");
  CHECK(a.at("Owner") == "111111111111");
  CHECK(a.at("TopicArn") == arn);
  CHECK(a.at("SubscriptionsConfirmed") == "0");
  CHECK(a.at("SubscriptionsPending") == "0");
  CHECK(a.at("SubscriptionsDeleted") == "0");
  CHECK(a.count("SignatureVersion") == 0);
  CHECK(a.count("FifoTopic") == 0);
  CHECK(
      a.at("Policy") ==
      R"({"Version":"2008-10-17","Id":"__default_policy_ID","Statement":[{"Sid":"__default_statement_ID","Effect":"Allow","Principal":{"AWS":"*"},"Action":["SNS:GetTopicAttributes","SNS:SetTopicAttributes","SNS:AddPermission","SNS:RemovePermission","SNS:DeleteTopic","SNS:Subscribe","SNS:ListSubscriptionsByTopic","SNS:Publish"],"Resource":")" +
          arn + R"(","Condition":{"StringEquals":{"AWS:SourceOwner":"111111111111"}}}]})");
  CHECK(
      a.at("EffectiveDeliveryPolicy") ==
      R"({"http":{"defaultHealthyRetryPolicy":{"minDelayTarget":20,"maxDelayTarget":20,"numRetries":3,"numMaxDelayRetries":0,"numNoDelayRetries":0,"numMinDelayRetries":0,"backoffFunction":"linear"},"disableSubscriptionOverrides":false,"defaultRequestPolicy":{"headerContentType":"text/plain; charset=UTF-8"}}})");

  auto fifo = f.topic("f.fifo", {{"FifoTopic", "true"}, {"SignatureVersion", "2"}});
  auto fa = f->get_topic_attributes(f.ctx, fifo).value();
  CHECK(fa.at("FifoTopic") == "true");
  CHECK(fa.at("ContentBasedDeduplication") == "false");
  CHECK(fa.at("SignatureVersion") == "2");
}

TEST_CASE("topic errors: unknown is 404 NotFound, malformed ARN counts elements") {
  Fixture f;
  auto missing = f->get_topic_attributes(f.ctx, "arn:aws:sns:us-east-1:111111111111:nope");
  CHECK(missing.error().code == common::AwsErrorCode::NotFound);
  CHECK(missing.error().message == "Topic does not exist");
  CHECK(missing.error().info().http_status == 404);
  auto bad = f->get_topic_attributes(f.ctx, "not-an-arn");
  CHECK(bad.error().message == "Invalid parameter: TopicArn Reason: An ARN must have at least 6 elements, not 1");
  CHECK(f->delete_topic(f.ctx, "arn:aws:sns:us-east-1:111111111111:nope").ok());  // idempotent
}

TEST_CASE("SetTopicAttributes validates names and values") {
  Fixture f;
  auto arn = f.topic("t");
  CHECK(f->set_topic_attributes(f.ctx, arn, "DisplayName", "hello").ok());
  CHECK(f->get_topic_attributes(f.ctx, arn).value().at("DisplayName") == "hello");
  CHECK(f->set_topic_attributes(f.ctx, arn, "FifoTopic", "false").error().message ==
        "Invalid parameter: AttributeName");
  CHECK(f->set_topic_attributes(f.ctx, arn, "Bogus", "1").error().message == "Invalid parameter: AttributeName");
  CHECK_FALSE(f->set_topic_attributes(f.ctx, arn, "SignatureVersion", "3").ok());
  CHECK_FALSE(f->set_topic_attributes(f.ctx, arn, "ContentBasedDeduplication", "true").ok());
  const std::string policy = R"({"Version":"2012-10-17","Statement":[]})";
  CHECK(f->set_topic_attributes(f.ctx, arn, "Policy", policy).ok());
  CHECK(f->get_topic_attributes(f.ctx, arn).value().at("Policy") == policy);
  CHECK(f->set_topic_attributes(f.ctx, arn, "DeliveryPolicy",
                                R"({"http":{"defaultHealthyRetryPolicy":{"numRetries":5}}})")
            .ok());
  auto effective = parse_object(f->get_topic_attributes(f.ctx, arn).value().at("EffectiveDeliveryPolicy"));
  CHECK(effective.at("http").at("defaultHealthyRetryPolicy").at("numRetries").as_int64() == 5);
  CHECK(effective.at("http").at("defaultHealthyRetryPolicy").at("minDelayTarget").as_int64() == 20);
}

TEST_CASE("AddPermission and RemovePermission edit the policy") {
  Fixture f;
  auto arn = f.topic("t");
  REQUIRE(f->add_permission(f.ctx, arn, "test", {"222222222222"}, {"Publish"}).ok());
  auto policy = parse_object(f->get_topic_attributes(f.ctx, arn).value().at("Policy"));
  auto& statements = policy.at("Statement").as_array();
  REQUIRE(statements.size() == 2);
  CHECK(statements[1].at("Sid") == "test");
  CHECK(statements[1].at("Action") == "SNS:Publish");
  CHECK(statements[1].at("Principal").at("AWS") == "arn:aws:iam::222222222222:root");
  CHECK(f->add_permission(f.ctx, arn, "test", {"2"}, {"Publish"}).error().message ==
        "Invalid parameter: Statement already exists");
  CHECK(f->add_permission(f.ctx, arn, "x", {"2"}, {"NotAnAction"}).error().message ==
        "Invalid parameter: Policy statement action out of service scope!");
  CHECK(f->add_permission(f.ctx, arn + "x", "y", {"2"}, {"Publish"}).error().code == common::AwsErrorCode::NotFound);
  REQUIRE(f->remove_permission(f.ctx, arn, "test").ok());
  CHECK(parse_object(f->get_topic_attributes(f.ctx, arn).value().at("Policy")).at("Statement").as_array().size() == 1);
}

TEST_CASE("tags: add, overwrite, remove, list sorted") {
  Fixture f;
  auto arn = f.topic("t");
  REQUIRE(f->tag_resource(f.ctx, arn, {{"k2", "v2"}, {"k1", "v1"}}).ok());
  CHECK(f->list_tags_for_resource(f.ctx, arn).value() == TagList{{"k1", "v1"}, {"k2", "v2"}});
  REQUIRE(f->untag_resource(f.ctx, arn, {"k1"}).ok());
  REQUIRE(f->tag_resource(f.ctx, arn, {{"k2", "v2b"}}).ok());
  CHECK(f->list_tags_for_resource(f.ctx, arn).value() == TagList{{"k2", "v2b"}});
  CHECK(f->tag_resource(f.ctx, arn + "x", {{"a", "b"}}).error().code == common::AwsErrorCode::SnsResourceNotFound);
}

TEST_CASE("ListTopics pages by 100 with NextToken, per account and region") {
  Fixture f;
  for (int i = 0; i < 150; ++i) f.topic("t" + std::to_string(1000 + i));
  (void)f->create_topic(CallContext{"111111111111", "eu-west-1"}, "other", {}, {});
  auto first = f->list_topics(f.ctx, std::nullopt);
  REQUIRE(first.ok());
  CHECK(first->items.size() == 100);
  REQUIRE(first->next_token);
  auto second = f->list_topics(f.ctx, first->next_token);
  CHECK(second->items.size() == 50);
  CHECK_FALSE(second->next_token);
  CHECK(second->items.front() > first->items.back());
}
