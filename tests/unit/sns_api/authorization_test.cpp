// What IAM authorizes for SNS calls (authorization.h): the action with SNS's prefix, the topic a
// call names (a subscription's topic for its actions), the topic's policy, and the condition keys.

#include <doctest/doctest.h>

#include <string>

#include "authorization.h"
#include "sluice/sqs/engine.h"

using namespace sluice;
using sluice::api::server::AuthorizationTarget;

namespace {

constexpr char kAccount[] = "111122223333";

struct Fixture {
  std::unique_ptr<sqs::Engine> sqs;
  std::unique_ptr<sns::Service> service;
  Fixture() {
    sqs::EngineOptions eo;
    eo.in_memory = true;
    eo.background_housekeeping = false;
    std::string error;
    sqs = sqs::Engine::open(eo, &error);
    sns::ServiceOptions so;
    so.in_memory = true;
    so.sqs = sqs.get();
    service = sns::Service::open(so, &error);
    REQUIRE(service);
  }

  std::optional<AuthorizationTarget> target(const std::string& form) {
    api::http::Request request;
    request.method = "POST";
    request.path = "/";
    request.headers.emplace_back("content-type", "application/x-www-form-urlencoded");
    request.body = form + "&Version=2010-03-31";
    api::server::CallDefaults defaults;
    defaults.account_id = kAccount;
    api::server::Call call = api::server::decode_call(std::move(request), defaults);
    return api::sns_wire::detail::authorization_target(*service, call);
  }
};

const std::vector<std::string>* key(const AuthorizationTarget& target, std::string_view name) {
  for (const auto& [k, values] : target.condition_keys) {
    if (k == name) return &values;
  }
  return nullptr;
}

}  // namespace

TEST_CASE("topic actions are authorized on the topic with its policy as the resource policy") {
  Fixture f;
  const std::string topic = *f.service->create_topic(sns::CallContext(kAccount, "us-east-1"), "orders", {}, {});
  auto publish = f.target("Action=Publish&Message=x&TopicArn=" + topic);
  REQUIRE(publish);
  CHECK(publish->action == "SNS:Publish");
  CHECK(publish->resource == topic);
  CHECK(publish->resource_account == kAccount);
  CHECK(publish->resource_policy.find("__default_policy_ID") != std::string::npos);  // SNS's default policy

  auto batch = f.target("Action=PublishBatch&TopicArn=" + topic);
  REQUIRE(batch);
  CHECK(batch->action == "SNS:Publish");

  auto list = f.target("Action=ListTopics");
  REQUIRE(list);
  CHECK(list->action == "SNS:ListTopics");
  CHECK(list->resource == "*");

  // A topic of another account: its ARN names the owner; an unknown topic has no policy.
  auto other = f.target("Action=GetTopicAttributes&TopicArn=arn:aws:sns:us-east-1:444455556666:elsewhere");
  REQUIRE(other);
  CHECK(other->resource_account == "444455556666");
  CHECK(other->resource_policy.empty());
  CHECK_FALSE(f.target("Action=NoSuchAction"));
}

TEST_CASE("subscription actions are authorized on the subscription's topic") {
  Fixture f;
  const std::string topic = *f.service->create_topic(sns::CallContext(kAccount, "us-east-1"), "events", {}, {});
  auto unsubscribe = f.target("Action=Unsubscribe&SubscriptionArn=" + topic + ":0f1e2d3c-aaaa-bbbb-cccc-000000000001");
  REQUIRE(unsubscribe);
  CHECK(unsubscribe->action == "SNS:Unsubscribe");
  CHECK(unsubscribe->resource == topic);
  CHECK_FALSE(unsubscribe->resource_policy.empty());
}

TEST_CASE("Subscribe carries sns:Protocol and sns:Endpoint; CreateTopic its request tags") {
  Fixture f;
  auto subscribe = f.target(
      "Action=Subscribe&TopicArn=arn:aws:sns:us-east-1:111122223333:t&Protocol=email"
      "&Endpoint=a%40example.com");
  REQUIRE(subscribe);
  REQUIRE(key(*subscribe, "sns:Protocol"));
  CHECK(*key(*subscribe, "sns:Protocol") == std::vector<std::string>{"email"});
  REQUIRE(key(*subscribe, "sns:Endpoint"));
  CHECK(*key(*subscribe, "sns:Endpoint") == std::vector<std::string>{"a@example.com"});

  auto create = f.target(
      "Action=CreateTopic&Name=payments&Tags.member.1.Key=team&Tags.member.1.Value=pay"
      "&Tags.member.2.Key=tier&Tags.member.2.Value=gold");
  REQUIRE(create);
  CHECK(create->resource == "arn:aws:sns:us-east-1:111122223333:payments");
  REQUIRE(key(*create, "aws:RequestTag/team"));
  CHECK(*key(*create, "aws:RequestTag/team") == std::vector<std::string>{"pay"});
  REQUIRE(key(*create, "aws:TagKeys"));
  CHECK(*key(*create, "aws:TagKeys") == std::vector<std::string>{"team", "tier"});
}

TEST_CASE("a topic's tags are its aws:ResourceTag keys") {
  Fixture f;
  const std::string topic =
      *f.service->create_topic(sns::CallContext(kAccount, "us-east-1"), "tagged", {}, {{"team", "search"}});
  auto get = f.target("Action=GetTopicAttributes&TopicArn=" + topic);
  REQUIRE(get);
  REQUIRE(key(*get, "aws:ResourceTag/team"));
  CHECK(*key(*get, "aws:ResourceTag/team") == std::vector<std::string>{"search"});
}
