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

AuthorizationTarget target_of(std::string action, std::string resource) {
  AuthorizationTarget target;
  target.action = std::move(action);
  target.resource = std::move(resource);
  target.resource_account = kAccount;
  return target;
}

AuthorizationTarget list_queues() { return target_of("sqs:ListQueues", "*"); }

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
  AuthorizationTarget subscribe = target_of("SNS:Subscribe", "arn:aws:sns:us-east-1:111122223333:t");
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

namespace {

// Policies a test changes by hand, as the IAM API changes a principal's.
class EditablePolicies : public identity::PolicySource {
 public:
  identity::PolicyDocuments policies_for(const identity::Principal& principal) const override {
    (void)principal;
    return documents;
  }
  uint64_t generation() const override { return generation_number; }

  identity::PolicyDocuments documents;
  uint64_t generation_number = 1;
};

constexpr char kSendAllowedUnlessFrozen[] = R"({"Version":"2012-10-17","Statement":[
  {"Effect":"Allow","Action":"sqs:SendMessage","Resource":"*"},
  {"Effect":"Deny","Action":"sqs:*","Resource":"*","Condition":{"StringEquals":{"aws:RequestTag/frozen":"yes"}}}]})";

AuthorizationTarget send_to(std::string queue) {
  return target_of("sqs:SendMessage", "arn:aws:sqs:us-east-1:111122223333:" + queue);
}

}  // namespace

TEST_CASE("a kept decision answers only a request with the same values of the keys it read") {
  Fixture f;
  auto policies = std::make_shared<EditablePolicies>();
  policies->documents.identity = {{"send", kSendAllowedUnlessFrozen}};
  detail::AuthorizerOptions options;
  options.mode = AuthMode::Enforce;
  options.directory = f.dir;
  options.policies = policies;
  options.wall_clock = std::make_shared<common::ManualClock>(1'700'000'000'000);
  const detail::Authorizer authorizer(std::move(options));

  CHECK_FALSE(authorizer.authorize(f.call_from("127.0.0.1"), send_to("orders")));
  CHECK_FALSE(authorizer.authorize(f.call_from("127.0.0.1"), send_to("orders")));  // from the cache
  // Another address is a key no statement reads: the same question.
  CHECK_FALSE(authorizer.authorize(f.call_from("10.0.0.1"), send_to("orders")));
  // The tag the Deny reads: the kept Allow does not answer.
  AuthorizationTarget frozen = send_to("orders");
  frozen.condition_keys = {{"aws:RequestTag/frozen", {"yes"}}};
  auto refused = authorizer.authorize(f.call_from("127.0.0.1"), frozen);
  REQUIRE(refused);
  CHECK(refused->message.find("with an explicit deny in an identity-based policy") != std::string::npos);
  frozen.condition_keys = {{"aws:RequestTag/frozen", {"no"}}};
  CHECK_FALSE(authorizer.authorize(f.call_from("127.0.0.1"), frozen));
  // Another action or resource is another question.
  AuthorizationTarget receive = send_to("orders");
  receive.action = "sqs:ReceiveMessage";
  CHECK(authorizer.authorize(f.call_from("127.0.0.1"), receive));
}

TEST_CASE("a kept decision goes when the principal's policies or the resource's policy change") {
  Fixture f;
  auto policies = std::make_shared<EditablePolicies>();
  policies->documents.identity = {{"send", kSendAllowedUnlessFrozen}};
  detail::AuthorizerOptions options;
  options.mode = AuthMode::Enforce;
  options.directory = f.dir;
  options.policies = policies;
  options.wall_clock = std::make_shared<common::ManualClock>(1'700'000'000'000);
  const detail::Authorizer authorizer(std::move(options));

  CHECK_FALSE(authorizer.authorize(f.call_from("127.0.0.1"), send_to("orders")));
  policies->documents.identity.clear();
  ++policies->generation_number;
  CHECK(authorizer.authorize(f.call_from("127.0.0.1"), send_to("orders")));

  // Without identity policies, the queue's policy naming the user allows; a new policy text that
  // denies is evaluated, not answered from the kept Allow.
  AuthorizationTarget with_policy = send_to("orders");
  with_policy.resource_policy = R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow",
      "Principal":{"AWS":"arn:aws:iam::111122223333:user/alice"},"Action":"sqs:SendMessage","Resource":"*"}]})";
  CHECK_FALSE(authorizer.authorize(f.call_from("127.0.0.1"), with_policy));
  with_policy.resource_policy = R"({"Version":"2012-10-17","Statement":[{"Effect":"Deny",
      "Principal":{"AWS":"arn:aws:iam::111122223333:user/alice"},"Action":"sqs:SendMessage","Resource":"*"}]})";
  auto refused = authorizer.authorize(f.call_from("127.0.0.1"), with_policy);
  REQUIRE(refused);
  CHECK(refused->message.find("with an explicit deny in a resource-based policy") != std::string::npos);
}

TEST_CASE("a key policy gates the identity policies; every further resource must be allowed too") {
  Fixture f;
  auto policies = std::make_shared<EditablePolicies>();
  policies->documents.identity = {{"kms-everything", R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow",
      "Action":["kms:Encrypt","kms:CreateAlias"],"Resource":"*"}]})"}};
  detail::AuthorizerOptions options;
  options.mode = AuthMode::Enforce;
  options.directory = f.dir;
  options.policies = policies;
  options.wall_clock = std::make_shared<common::ManualClock>(1'700'000'000'000);
  const detail::Authorizer authorizer(std::move(options));

  const std::string key = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
  const std::string account_statement = R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow",
      "Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"kms:*","Resource":"*"}]})";
  const std::string someone_else = R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow",
      "Principal":{"AWS":"arn:aws:iam::111122223333:user/carol"},"Action":"kms:*","Resource":"*"}]})";
  AuthorizationTarget encrypt = target_of("kms:Encrypt", key);
  encrypt.resource_policy = account_statement;
  encrypt.key_policy = true;
  CHECK_FALSE(authorizer.authorize(f.call_from("127.0.0.1"), encrypt));
  encrypt.resource_policy = someone_else;
  auto refused = authorizer.authorize(f.call_from("127.0.0.1"), encrypt);
  REQUIRE(refused);
  CHECK(refused->message ==
        "User: arn:aws:iam::111122223333:user/alice is not authorized to perform: kms:Encrypt on "
        "resource: " +
            key + " because no resource-based policy allows the kms:Encrypt action");
  // The same policy as an ordinary resource policy leaves the identity policy's allow standing.
  encrypt.key_policy = false;
  CHECK_FALSE(authorizer.authorize(f.call_from("127.0.0.1"), encrypt));

  // CreateAlias: the alias (no policy), then the key, with its key policy.
  AuthorizationTarget alias = target_of("kms:CreateAlias", "arn:aws:kms:us-east-1:111122223333:alias/orders");
  AuthorizedResource target_key;
  target_key.resource = key;
  target_key.resource_account = kAccount;
  target_key.resource_policy = account_statement;
  target_key.key_policy = true;
  alias.also.push_back(target_key);
  CHECK_FALSE(authorizer.authorize(f.call_from("127.0.0.1"), alias));
  alias.also.front().resource_policy = someone_else;
  refused = authorizer.authorize(f.call_from("127.0.0.1"), alias);
  REQUIRE(refused);
  CHECK(refused->message.find("kms:CreateAlias on resource: " + key + " because no resource-based policy") !=
        std::string::npos);
  // A further resource may name its own action (ReEncrypt's kms:ReEncryptTo).
  alias.also.front().resource_policy = account_statement;
  alias.also.front().action = "kms:ReEncryptTo";
  refused = authorizer.authorize(f.call_from("127.0.0.1"), alias);
  REQUIRE(refused);
  CHECK(refused->message.find("perform: kms:ReEncryptTo on resource: " + key) != std::string::npos);
}
