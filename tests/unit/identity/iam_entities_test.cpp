// IAM's entities in the directory: changes that fail leave nothing behind, keys of IAM users sign
// (and stop signing when made inactive or deleted), roles created over IAM can be assumed,
// everything survives a restart with identity.db, declared users and roles merge with stored
// ones, a principal's identity policies and boundary as the evaluator reads them, the AWS managed
// policy catalogue and IAM's grammar checks of policy documents.

#include <doctest/doctest.h>
#include <unistd.h>

#include <boost/json.hpp>

#include <cstdint>
#include <filesystem>

#include "sluice/identity/aws_managed_policies.h"
#include "sluice/identity/identity.h"
#include "sluice/identity/policy_grammar.h"

namespace {

using namespace sluice;
using namespace sluice::identity;
namespace fs = std::filesystem;

constexpr const char* kAccount = "111111111111";

struct ScratchDir {
  ScratchDir() {
    path = fs::temp_directory_path() /
           ("sluice-iam-test-" + std::to_string(::getpid()) + "-" + std::to_string(reinterpret_cast<uintptr_t>(this)));
    fs::create_directories(path);
  }
  ~ScratchDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
  fs::path path;
};

common::Status add_user_with_key(Directory& dir, const std::string& name, const std::string& key_id) {
  return dir.change_iam(kAccount, [&](IamAccount& account) -> common::Status {
    IamUser& user = account.users[iam_key(name)];
    user.name = name;
    IamAccessKey key;
    key.access_key_id = key_id;
    key.secret_access_key = "secret-of-" + key_id;
    user.access_keys.push_back(key);
    return common::ok_status();
  });
}

const char* kAllowSqs = R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sqs:*","Resource":"*"}]})";

}  // namespace

TEST_CASE("a failed IAM change leaves the account as it was") {
  Directory dir;
  REQUIRE(add_user_with_key(dir, "alice", "AKIAALICE0000000001").ok());
  common::Status failed = dir.change_iam(kAccount, [](IamAccount& account) -> common::Status {
    account.users.clear();
    return common::aws_error(common::AwsErrorCode::NoSuchEntity, "nope");
  });
  CHECK_FALSE(failed.ok());
  CHECK(dir.iam_account(kAccount).users.count("alice") == 1);
  CHECK(dir.find_key("AKIAALICE0000000001") != nullptr);
}

TEST_CASE("access keys of IAM users sign until they are made inactive or deleted") {
  Directory dir;
  REQUIRE(add_user_with_key(dir, "Alice", "AKIAALICE0000000001").ok());
  auto record = dir.find_key("AKIAALICE0000000001");
  REQUIRE(record != nullptr);
  CHECK(record->secret_access_key == "secret-of-AKIAALICE0000000001");
  CHECK(record->principal.kind == Principal::Kind::User);
  CHECK(record->principal.arn == "arn:aws:iam::111111111111:user/Alice");
  CHECK(dir.has_user(kAccount, "alice"));  // names are unique without regard to case

  REQUIRE(dir.change_iam(kAccount,
                         [](IamAccount& account) -> common::Status {
                           account.users["alice"].access_keys[0].active = false;
                           return common::ok_status();
                         })
              .ok());
  CHECK(dir.find_key("AKIAALICE0000000001") == nullptr);
  REQUIRE(dir.change_iam(kAccount,
                         [](IamAccount& account) -> common::Status {
                           account.users["alice"].access_keys[0].active = true;
                           account.users["alice"].path = "/team/";
                           return common::ok_status();
                         })
              .ok());
  record = dir.find_key("AKIAALICE0000000001");
  REQUIRE(record != nullptr);
  CHECK(record->principal.arn == "arn:aws:iam::111111111111:user/team/Alice");
  REQUIRE(dir.change_iam(kAccount,
                         [](IamAccount& account) -> common::Status {
                           account.users.erase("alice");
                           return common::ok_status();
                         })
              .ok());
  CHECK(dir.find_key("AKIAALICE0000000001") == nullptr);
  CHECK_FALSE(dir.has_user(kAccount, "alice"));
}

TEST_CASE("a key id held by another account is refused") {
  Directory dir;
  AccountDeclaration other;
  other.id = "222222222222";
  other.root_access_keys.push_back({"AKIAROOT00000000002", "s"});
  REQUIRE(dir.add_account(other).ok());
  common::Status taken = add_user_with_key(dir, "bob", "AKIAROOT00000000002");
  CHECK_FALSE(taken.ok());
  CHECK(dir.find_key("AKIAROOT00000000002")->principal.kind == Principal::Kind::Root);
  CHECK(dir.iam_account(kAccount).users.empty());
}

TEST_CASE("roles created over IAM are found for AssumeRole, case-insensitively") {
  Directory dir;
  REQUIRE(dir.change_iam(kAccount,
                         [](IamAccount& account) -> common::Status {
                           IamRole& role = account.roles["worker"];
                           role.name = "Worker";
                           role.trust_policy = R"({"Statement":[]})";
                           role.max_session_duration_s = 7200;
                           return common::ok_status();
                         })
              .ok());
  auto role = dir.find_role(kAccount, "WORKER");
  REQUIRE(role.has_value());
  CHECK(role->name == "Worker");
  CHECK(role->max_session_duration_s == 7200);
  CHECK_FALSE(dir.find_role(kAccount, "other").has_value());
}

TEST_CASE("IAM entities survive a restart and merge with the declared ones") {
  ScratchDir scratch;
  const std::string file = (scratch.path / "identity.db").string();
  AccountDeclaration declared;
  declared.id = kAccount;
  declared.users.push_back({"declared", {{"AKIADECLARED0000001", "d"}}, {}, std::nullopt});
  declared.roles.push_back({"declared-role", 3600, "", {}, std::nullopt});
  {
    Directory dir;
    REQUIRE(dir.add_account(declared).ok());
    REQUIRE(dir.keep_sessions_in(file).ok());
    REQUIRE(add_user_with_key(dir, "alice", "AKIAALICE0000000001").ok());
    REQUIRE(dir.change_iam(kAccount,
                           [](IamAccount& account) -> common::Status {
                             IamManagedPolicy& policy = account.policies["sqs"];
                             policy.name = "sqs";
                             policy.versions.push_back({"v1", kAllowSqs, 5});
                             policy.default_version_id = "v1";
                             account.users["alice"].policies.managed_policy_arns.push_back(
                                 "arn:aws:iam::111111111111:policy/sqs");
                             account.users["alice"].tags.emplace_back("team", "blue");
                             account.users["declared"].policies.inline_policies["mine"] = kAllowSqs;
                             account.roles.erase("declared-role");
                             return common::ok_status();
                           })
                .ok());
  }
  Directory restarted;
  REQUIRE(restarted.add_account(declared).ok());
  REQUIRE(restarted.keep_sessions_in(file).ok());
  IamAccount account = restarted.iam_account(kAccount);
  REQUIRE(account.users.count("alice") == 1);
  CHECK(account.users["alice"].tags == IamTags{{"team", "blue"}});
  CHECK(account.users["alice"].policies.managed_policy_arns.size() == 1);
  CHECK(account.policies["sqs"].versions.at(0).document == kAllowSqs);
  CHECK(account.users["declared"].policies.inline_policies.count("mine") == 1);
  // The configuration declares the role again: it comes back.
  CHECK(account.roles.count("declared-role") == 1);
  CHECK(restarted.find_key("AKIAALICE0000000001") != nullptr);
  CHECK(restarted.find_key("AKIADECLARED0000001") != nullptr);
}

TEST_CASE("identity policies of a user, through its groups, and of a role session") {
  Directory dir;
  REQUIRE(dir.change_iam(kAccount,
                         [](IamAccount& account) -> common::Status {
                           IamManagedPolicy& policy = account.policies["custom"];
                           policy.name = "custom";
                           policy.path = "/app/";
                           policy.versions.push_back({"v1", "old", 1});
                           policy.versions.push_back({"v2", kAllowSqs, 2});
                           policy.default_version_id = "v2";
                           IamGroup& group = account.groups["devs"];
                           group.name = "devs";
                           group.policies.inline_policies["group-inline"] = "group-doc";
                           IamUser& user = account.users["alice"];
                           user.name = "alice";
                           user.group_keys.push_back("devs");
                           user.policies.inline_policies["own"] = "own-doc";
                           user.policies.managed_policy_arns.push_back(
                               "arn:aws:iam::aws:policy/AmazonSQSReadOnlyAccess");
                           user.permissions_boundary_arn = "arn:aws:iam::111111111111:policy/app/custom";
                           IamRole& role = account.roles["worker"];
                           role.name = "worker";
                           role.policies.managed_policy_arns.push_back("arn:aws:iam::111111111111:policy/app/custom");
                           return common::ok_status();
                         })
              .ok());
  PrincipalPolicies user = dir.identity_policies(user_principal(kAccount, "alice"));
  CHECK(user.known);
  REQUIRE(user.identity_policies.size() == 3);
  CHECK(user.identity_policies[0].source == "arn:aws:iam::111111111111:user/alice#inline/own");
  CHECK(user.identity_policies[0].document == "own-doc");
  CHECK(user.identity_policies[1].source == "arn:aws:iam::aws:policy/AmazonSQSReadOnlyAccess");
  CHECK(user.identity_policies[1].document.find("sqs:ListQueues") != std::string::npos);
  CHECK(user.identity_policies[2].source == "arn:aws:iam::111111111111:group/devs#inline/group-inline");
  REQUIRE(user.permissions_boundary.has_value());
  CHECK(user.permissions_boundary->document == kAllowSqs);  // the default version

  PrincipalPolicies session = dir.identity_policies(assumed_role_principal(kAccount, "worker", "s1"));
  CHECK(session.known);
  REQUIRE(session.identity_policies.size() == 1);
  CHECK(session.identity_policies[0].document == kAllowSqs);
  CHECK_FALSE(session.permissions_boundary.has_value());

  CHECK_FALSE(dir.identity_policies(user_principal(kAccount, "nobody")).known);
  CHECK(dir.identity_policies(root_principal(kAccount)).identity_policies.empty());
}

TEST_CASE("the AWS managed policy catalogue") {
  const AwsManagedPolicy* basic =
      find_aws_managed_policy("arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole");
  REQUIRE(basic != nullptr);
  CHECK(find_aws_managed_policy("arn:aws:iam::aws:policy/AWSLambdaBasicExecutionRole") == nullptr);
  CHECK(find_aws_managed_policy("arn:aws:iam::aws:policy/service-role/AWSLambdaSQSQueueExecutionRole") != nullptr);
  CHECK(aws_managed_policies().size() == 8);
  for (const AwsManagedPolicy& policy : aws_managed_policies()) {
    CAPTURE(policy.name);
    CHECK_FALSE(policy_grammar_problem(policy.document, PolicyKind::Identity).has_value());
    CHECK(boost::json::parse(policy.document).is_object());
  }
}

TEST_CASE("IAM's grammar checks of policy documents") {
  auto problem = [](const char* doc, PolicyKind kind = PolicyKind::Identity) {
    return policy_grammar_problem(doc, kind).value_or("");
  };
  CHECK(problem(kAllowSqs).empty());
  CHECK(problem("{not json") == "Syntax errors in policy.");
  CHECK(problem(R"({"Version":"2012-10-17"})") == "Syntax errors in policy.");
  CHECK(problem(R"({"Statement":{"Effect":"Allow","Action":"sqs:*","Resource":"*"},"Extra":1})") ==
        "Syntax errors in policy.");
  CHECK(problem(R"({"Statement":{"Effect":"allow","Action":"sqs:*","Resource":"*"}})") == "Syntax errors in policy.");
  CHECK(problem(R"({"Statement":{"Effect":"Allow","Resource":"*"}})") == "Policy statement must contain actions.");
  CHECK(problem(R"({"Statement":{"Effect":"Allow","Action":"sqs:*"}})") == "Policy statement must contain resources.");
  CHECK(problem(R"({"Statement":{"Effect":"Allow","Action":"SendMessage","Resource":"*"}})") ==
        "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.");
  CHECK(problem(R"({"Statement":{"Effect":"Allow","Action":"sqs:*","Resource":"my-queue"}})") ==
        "Resource my-queue must be in ARN format or \"*\".");
  CHECK(problem(R"({"Statement":{"Effect":"Allow","Principal":"*","Action":"sqs:*","Resource":"*"}})") ==
        "Policy document should not specify a principal.");
  CHECK(problem(R"({"Statement":{"Effect":"Allow","Action":"sqs:*","Resource":"*","Condition":"x"}})") ==
        "Syntax errors in policy.");

  const char* trust =
      R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},)"
      R"("Action":"sts:AssumeRole"}]})";
  CHECK(problem(trust, PolicyKind::Trust).empty());
  CHECK(problem(R"({"Statement":[{"Effect":"Allow","Action":"sts:AssumeRole"}]})", PolicyKind::Trust) ==
        "Missing required field Principal");
  CHECK(
      problem(R"({"Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole","Resource":"*"}]})",
              PolicyKind::Trust) == "Has prohibited field Resource");
  CHECK(problem(R"({"Statement":[{"Effect":"Allow","Principal":{"Bogus":"x"},"Action":"sts:AssumeRole"}]})",
                PolicyKind::Trust) == "Invalid principal in policy");

  CHECK(policy_size("{ \"a\" :\n 1 }") == 7);
}
