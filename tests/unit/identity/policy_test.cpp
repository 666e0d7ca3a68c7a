// Policy documents: compiling, the cache, and the explanations a decision gives. The decisions
// themselves are in the conformance table (policy_conformance_test.cpp).

#include <doctest/doctest.h>

#include "sluice/identity/evaluation.h"
#include "sluice/identity/policy.h"

namespace {

using namespace sluice::identity;

constexpr std::string_view kAllowSend =
    R"({"Version":"2012-10-17","Statement":{"Sid":"Send","Effect":"Allow","Action":"sqs:SendMessage","Resource":"*"}})";

}  // namespace

TEST_CASE("a policy cache compiles a document once and hands out the same compiled form") {
  PolicyCache cache;
  auto first = cache.get(kAllowSend);
  auto second = cache.get(kAllowSend);
  REQUIRE(first.ok());
  REQUIRE(second.ok());
  CHECK(first->get() == second->get());
  CHECK(cache.size() == 1);
  auto bad = cache.get("{");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error() == "Syntax errors in policy.");
  CHECK(cache.size() == 1);
}

TEST_CASE("a full cache starts over, and compiled policies in use stay valid") {
  PolicyCache cache(2);
  auto kept = cache.get(kAllowSend);
  REQUIRE(kept.ok());
  for (int i = 0; i < 5; ++i) {
    std::string document =
        R"({"Statement":{"Effect":"Deny","Action":"sqs:Q)" + std::to_string(i) + R"(","Resource":"*"}})";
    REQUIRE(cache.get(document).ok());
  }
  CHECK(cache.size() <= 2);
  const Principal alice = user_principal("111122223333", "alice");
  AuthorizationRequest request;
  request.principal = &alice;
  request.action = "sqs:SendMessage";
  request.resource = "arn:aws:sqs:us-east-1:111122223333:orders";
  PolicySet policies;
  policies.identity.push_back({"inline policy send of user/alice", *kept});
  const Decision decision = evaluate(request, policies);
  CHECK(decision.allowed());
  CHECK(decision.sid == "Send");
  CHECK(decision.explanation() ==
        "allowed by statement \"Send\" of identity-based policy inline policy send of user/alice");
}

TEST_CASE("explanations name the deciding statement, or the policy type without an allow") {
  const Principal alice = user_principal("111122223333", "alice");
  AuthorizationRequest request;
  request.principal = &alice;
  request.action = "sqs:DeleteQueue";
  request.resource = "arn:aws:sqs:us-east-1:111122223333:orders";
  PolicySet policies;
  CHECK(evaluate(request, policies).explanation() == "denied implicitly: no identity-based policy allows the action");
  auto deny = compile_policy(R"({"Statement":[{"Effect":"Allow","Action":"*","Resource":"*"},
                                              {"Effect":"Deny","Action":"sqs:Delete*","Resource":"*"}]})");
  REQUIRE(deny.ok());
  policies.identity.push_back({"arn:aws:iam::111122223333:policy/NoDeletes", *deny});
  const Decision decision = evaluate(request, policies);
  CHECK(decision.effect == Decision::Effect::ExplicitDeny);
  CHECK(decision.statement == 1);
  CHECK(decision.explanation() ==
        "denied explicitly by statement #1 of identity-based policy arn:aws:iam::111122223333:policy/NoDeletes");
  const Principal root = root_principal("111122223333");
  request.principal = &root;
  policies.identity.clear();
  CHECK(evaluate(request, policies).explanation() == "allowed: the caller is the account's root user");
}

TEST_CASE("the principal's condition keys") {
  ConditionContext context;
  add_principal_keys(context, assumed_role_principal("111122223333", "worker", "s1"));
  REQUIRE(context.find("aws:PrincipalArn") != nullptr);
  CHECK(context.find("aws:PrincipalArn")->front() == "arn:aws:iam::111122223333:role/worker");
  CHECK(context.find("aws:PrincipalAccount")->front() == "111122223333");
  CHECK(context.find("aws:PrincipalType")->front() == "AssumedRole");
  CHECK(context.find("aws:username") == nullptr);
  ConditionContext user;
  add_principal_keys(user, user_principal("111122223333", "alice"));
  CHECK(user.find("aws:username")->front() == "alice");
  CHECK(user.find("aws:userid")->front().starts_with("AIDA"));
}
