// Policy evaluation at the front door (authorizer.h): the condition keys a call brings besides the
// principal's (aws:SourceIp from the TCP peer, the service's own keys from its AuthorizationTarget)
// and the refusal it answers.

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "authorizer.h"
#include "sluice/common/clock.h"

namespace {

using namespace sluice;
using namespace sluice::api::server;
using identity::AuthMode;

constexpr char kAccount[] = "111122223333";

std::shared_ptr<identity::Directory> directory() {
  auto dir = std::make_shared<identity::Directory>();
  identity::AccountDeclaration account;
  account.id = kAccount;
  identity::UserDeclaration alice;
  alice.name = "alice";
  alice.access_keys = {{"AKIAALICEEXAMPLE0001", "alice/secret+key"}};
  alice.policies.push_back({"from-loopback", R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow",
      "Action":"sqs:ListQueues","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":["127.0.0.1/32","::1/128"]}}}]})"});
  alice.policies.push_back({"sqs-subscriptions", R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow",
      "Action":"sns:Subscribe","Resource":"*","Condition":{"StringEquals":{"sns:Protocol":"sqs"}}}]})"});
  account.users.push_back(alice);
  REQUIRE(dir->add_account(account).ok());
  return dir;
}

struct Fixture {
  std::shared_ptr<identity::Directory> dir = directory();
  std::vector<std::string> audit_lines;

  detail::Authorizer make(AuthMode mode) {
    detail::AuthorizerOptions options;
    options.mode = mode;
    options.directory = dir;
    options.wall_clock = std::make_shared<common::ManualClock>(1'700'000'000'000);
    options.audit_log = [this](std::string_view line) { audit_lines.emplace_back(line); };
    return detail::Authorizer(std::move(options));
  }

  Call call_from(std::string source_ip) const {
    Call call;
    call.ctx.account_id = kAccount;
    call.ctx.principal = identity::user_principal(kAccount, "alice");
    call.ctx.principal.authenticated = true;
    call.ctx.source_ip = std::move(source_ip);
    return call;
  }
};

AuthorizationTarget list_queues() { return {"sqs:ListQueues", "*", kAccount, "", {}}; }

}  // namespace

TEST_CASE("aws:SourceIp is the peer's address, IPv4 or IPv6") {
  Fixture f;
  const detail::Authorizer authorizer = f.make(AuthMode::Enforce);
  CHECK_FALSE(authorizer.authorize(f.call_from("127.0.0.1"), list_queues()));
  CHECK_FALSE(authorizer.authorize(f.call_from("::1"), list_queues()));
  auto refused = authorizer.authorize(f.call_from("10.1.2.3"), list_queues());
  REQUIRE(refused);
  CHECK(refused->code == common::AwsErrorCode::AccessDenied);
  CHECK(refused->message ==
        "User: arn:aws:iam::111122223333:user/alice is not authorized to perform: sqs:ListQueues on resource: * "
        "because no identity-based policy allows the sqs:ListQueues action");
  // A caller whose address is unknown does not satisfy an IpAddress condition.
  CHECK(authorizer.authorize(f.call_from(""), list_queues()));
}

TEST_CASE("a service's condition keys come from its AuthorizationTarget") {
  Fixture f;
  const detail::Authorizer authorizer = f.make(AuthMode::Enforce);
  AuthorizationTarget subscribe{"SNS:Subscribe", "arn:aws:sns:us-east-1:111122223333:t", kAccount, "", {}};
  subscribe.condition_keys = {{"sns:Protocol", {"sqs"}}};
  CHECK_FALSE(authorizer.authorize(f.call_from("127.0.0.1"), subscribe));
  subscribe.condition_keys = {{"sns:Protocol", {"email"}}};
  auto refused = authorizer.authorize(f.call_from("127.0.0.1"), subscribe);
  REQUIRE(refused);
  CHECK(refused->message.find("perform: SNS:Subscribe on resource: arn:aws:sns:us-east-1:111122223333:t because") !=
        std::string::npos);
}

TEST_CASE("audit mode logs the refusal and lets the call through") {
  Fixture f;
  const detail::Authorizer authorizer = f.make(AuthMode::Audit);
  CHECK_FALSE(authorizer.authorize(f.call_from("192.0.2.1"), list_queues()));
  REQUIRE(f.audit_lines.size() == 1);
  CHECK(f.audit_lines[0].find("would refuse sqs:ListQueues") != std::string::npos);
}
