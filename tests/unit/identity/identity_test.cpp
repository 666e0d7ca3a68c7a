// The identity directory and role trust policies.

#include <doctest/doctest.h>

#include "sluice/identity/identity.h"

namespace {

using namespace sluice::identity;

const char kAccount[] = "111122223333";

RoleDeclaration role_with(std::string policy) {
  RoleDeclaration role;
  role.name = "deployer";
  role.trust_policy = std::move(policy);
  return role;
}

}  // namespace

TEST_CASE("principals carry AWS's ARNs and stable unique ids") {
  CHECK(root_principal(kAccount).arn == "arn:aws:iam::111122223333:root");
  CHECK(root_principal(kAccount).user_id == kAccount);
  Principal alice = user_principal(kAccount, "alice");
  CHECK(alice.arn == "arn:aws:iam::111122223333:user/alice");
  CHECK(alice.user_id.starts_with("AIDA"));
  CHECK(alice.user_id.size() == 21);
  CHECK(alice.user_id == user_principal(kAccount, "alice").user_id);
  CHECK(alice.user_id != user_principal(kAccount, "bob").user_id);
  Principal session = assumed_role_principal(kAccount, "deployer", "ci");
  CHECK(session.arn == "arn:aws:sts::111122223333:assumed-role/deployer/ci");
  CHECK(session.user_id.starts_with("AROA"));
  CHECK(session.user_id.ends_with(":ci"));
}

TEST_CASE("the directory refuses a key declared twice and forgets long-expired sessions") {
  Directory dir;
  AccountDeclaration account;
  account.id = kAccount;
  account.users.push_back({"alice", {{"AKIAALICEEXAMPLE0001", "s"}}});
  REQUIRE(dir.add_account(account).ok());
  CHECK_FALSE(dir.add_account(account).ok());
  AccountDeclaration other;
  other.id = "444455556666";
  other.root_access_keys.push_back({"AKIAALICEEXAMPLE0001", "t"});
  CHECK_FALSE(dir.add_account(other).ok());
  CHECK(dir.find_key("AKIAALICEEXAMPLE0001")->principal.arn == "arn:aws:iam::111122223333:user/alice");

  SessionGrant grant;
  grant.principal = user_principal(kAccount, "alice");
  grant.expires_ms = 1000;
  SessionCredentials session = dir.issue_session(grant);
  CHECK(dir.find_key(session.access_key_id)->session_token == session.session_token);
  dir.forget_expired(1000 + 3600 * 1000);
  CHECK(dir.find_key(session.access_key_id) != nullptr);  // still within the grace period
  dir.forget_expired(1000 + 25LL * 3600 * 1000);
  CHECK(dir.find_key(session.access_key_id) == nullptr);
}

TEST_CASE("trust policies: principals, actions, deny wins, conditions not yet understood") {
  const Principal alice = user_principal(kAccount, "alice");
  const Principal bob = user_principal(kAccount, "bob");
  const Principal stranger = user_principal("444455556666", "eve");

  CHECK(trust_policy_allows(role_with(""), kAccount, alice));
  CHECK_FALSE(trust_policy_allows(role_with(""), kAccount, stranger));

  const std::string only_alice = R"({"Statement":[{"Effect":"Allow","Action":"sts:AssumeRole",
      "Principal":{"AWS":"arn:aws:iam::111122223333:user/alice"}}]})";
  CHECK(trust_policy_allows(role_with(only_alice), kAccount, alice));
  CHECK_FALSE(trust_policy_allows(role_with(only_alice), kAccount, bob));

  const std::string account_root = R"({"Statement":{"Effect":"Allow","Action":["sts:TagSession","sts:AssumeRole"],
      "Principal":{"AWS":["arn:aws:iam::444455556666:root"]}}})";
  CHECK(trust_policy_allows(role_with(account_root), kAccount, stranger));
  CHECK_FALSE(trust_policy_allows(role_with(account_root), kAccount, alice));

  const std::string deny_bob = R"({"Statement":[{"Effect":"Allow","Action":"sts:*","Principal":{"AWS":"*"}},
      {"Effect":"Deny","Action":"sts:AssumeRole","Principal":{"AWS":"arn:aws:iam::111122223333:user/bob"}}]})";
  CHECK(trust_policy_allows(role_with(deny_bob), kAccount, alice));
  CHECK_FALSE(trust_policy_allows(role_with(deny_bob), kAccount, bob));

  const std::string wrong_action = R"({"Statement":[{"Effect":"Allow","Action":"sts:AssumeRoleWithWebIdentity",
      "Principal":{"AWS":"*"}}]})";
  CHECK_FALSE(trust_policy_allows(role_with(wrong_action), kAccount, alice));

  const std::string conditional = R"({"Statement":[{"Effect":"Allow","Action":"sts:AssumeRole",
      "Principal":{"AWS":"*"},"Condition":{"StringEquals":{"sts:ExternalId":"x"}}}]})";
  CHECK_FALSE(trust_policy_allows(role_with(conditional), kAccount, alice));

  CHECK_FALSE(trust_policy_allows(role_with("not json"), kAccount, alice));

  // A role session is trusted through its role's ARN.
  const std::string chain = R"({"Statement":[{"Effect":"Allow","Action":"sts:AssumeRole",
      "Principal":{"AWS":"arn:aws:iam::111122223333:role/builder"}}]})";
  CHECK(trust_policy_allows(role_with(chain), kAccount, assumed_role_principal(kAccount, "builder", "s")));
}
