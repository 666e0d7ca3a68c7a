// Under --auth enforce the console acts as its configured principal: that principal's identity
// policies (and the queue's policy) decide each endpoint, with AWS's AccessDenied text.

#include <doctest/doctest.h>

#include "console_fixture.h"
#include "sluice/identity/policy_source.h"

using namespace sluice;
using namespace sluice::console::testing;
namespace json = boost::json;

namespace {

// The policies of one user, as the configuration or IAM would give them.
class OnePolicy final : public identity::PolicySource {
 public:
  OnePolicy(std::string user_arn, std::string document) : arn_(std::move(user_arn)), document_(std::move(document)) {}
  identity::PolicyDocuments policies_for(const identity::Principal& principal) const override {
    identity::PolicyDocuments out;
    if (principal.arn == arn_) out.identity.push_back({"inline policy console-access", document_});
    return out;
  }
  uint64_t generation() const override { return 1; }

 private:
  std::string arn_, document_;
};

constexpr const char* kUser = "arn:aws:iam::123456789012:user/console";
constexpr const char* kSendOnly = R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow",
  "Action":["sqs:SendMessage","sqs:ListQueues","sqs:GetQueueAttributes"],"Resource":"*"}]})";

}  // namespace

TEST_CASE("the principal's policies allow what they name and refuse the rest with AWS's text") {
  ConsoleFixture f([](console::ConsoleOptions& options) {
    options.auth = identity::AuthMode::Enforce;
    options.principal = console::principal_from_arn(kUser);
    options.policies = std::make_shared<OnePolicy>(kUser, kSendOnly);
  });
  REQUIRE(f.engine->create_queue(f.queue("q"), {}, {}).ok());
  const std::string token = f.token();
  CHECK(f.post("send", R"({"queue":"q","body":"x"})", token).status == 200);
  CHECK(f.get("queues").status == 200);

  const Answer purge = f.post("purge", R"({"queue":"q"})", token);
  CHECK(purge.status == 403);
  CHECK(purge.json().at("message").as_string() ==
        "User: arn:aws:iam::123456789012:user/console is not authorized to perform: sqs:PurgeQueue on resource: "
        "arn:aws:sqs:us-east-1:123456789012:q because no identity-based policy allows the sqs:PurgeQueue action");
  CHECK(f.engine->get_queue_attributes(f.queue("q"), {"ApproximateNumberOfMessages"})
            ->at("ApproximateNumberOfMessages") == "1");
  // The peek is a ReceiveMessage: the page still shows the queue, without its messages.
  const json::value queue = f.get("queue", "name=q").json();
  CHECK(queue.at("messages").is_null());
  CHECK(queue.at("messagesRefused").as_string().find("sqs:ReceiveMessage") != json::string::npos);
  CHECK(f.get("topics").status == 403);
  CHECK(f.get("alarms").status == 403);
}

TEST_CASE("a queue policy naming the principal allows it where its own policies do not") {
  ConsoleFixture f([](console::ConsoleOptions& options) {
    options.auth = identity::AuthMode::Enforce;
    options.principal = console::principal_from_arn(kUser);
    options.policies = std::make_shared<OnePolicy>(kUser, kSendOnly);
  });
  REQUIRE(f.engine
              ->create_queue(f.queue("q"),
                             {{"Policy", R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow",)"
                                         R"("Principal":{"AWS":"arn:aws:iam::123456789012:user/console"},)"
                                         R"("Action":"sqs:PurgeQueue","Resource":"*"}]})"}},
                             {})
              .ok());
  CHECK(f.post("purge", R"({"queue":"q"})", f.token()).status == 200);
}

TEST_CASE("under enforce without a principal every endpoint is refused; audit only logs") {
  ConsoleFixture enforce([](console::ConsoleOptions& options) { options.auth = identity::AuthMode::Enforce; });
  const Answer refused = enforce.get("queues");
  CHECK(refused.status == 403);
  CHECK(refused.json().at("message").as_string().find("console.Principal") != json::string::npos);

  std::vector<std::string> logged;
  ConsoleFixture audit([&](console::ConsoleOptions& options) {
    options.auth = identity::AuthMode::Audit;
    options.audit_log = [&](std::string_view line) { logged.emplace_back(line); };
  });
  CHECK(audit.get("queues").status == 200);
  REQUIRE(logged.size() == 1);
  CHECK(logged[0].find("sqs:ListQueues") == std::string::npos);  // no principal: the reason says so
  CHECK(logged[0].find("console.Principal") != std::string::npos);
}

TEST_CASE("principal_from_arn reads users, roles, sessions and roots, and nothing else") {
  auto user = console::principal_from_arn("arn:aws:iam::123456789012:user/team/alice");
  REQUIRE(user);
  CHECK(user->kind == identity::Principal::Kind::User);
  CHECK(user->arn == "arn:aws:iam::123456789012:user/team/alice");
  CHECK(user->name == "alice");
  auto role = console::principal_from_arn("arn:aws:iam::123456789012:role/viewer");
  REQUIRE(role);
  CHECK(role->kind == identity::Principal::Kind::AssumedRole);
  CHECK(role->name == "viewer");
  auto session = console::principal_from_arn("arn:aws:sts::123456789012:assumed-role/viewer/me");
  REQUIRE(session);
  CHECK(session->session_name == "me");
  CHECK(console::principal_from_arn("arn:aws:iam::123456789012:root")->kind == identity::Principal::Kind::Root);
  for (const char* bad : {"", "alice", "arn:aws:iam::12345:user/alice", "arn:aws:iam::123456789012:group/g",
                          "arn:aws:iam::123456789012:user/", "arn:aws:sts::123456789012:assumed-role/viewer"}) {
    CAPTURE(bad);
    CHECK_FALSE(console::principal_from_arn(bad).has_value());
  }
}
