// The identity directory and role trust policies.

#include <doctest/doctest.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>

#include "sluice/identity/conditions.h"
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
  UserDeclaration alice;
  alice.name = "alice";
  alice.access_keys = {{"AKIAALICEEXAMPLE0001", "s"}};
  account.users.push_back(alice);
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
  SessionCredentials session = dir.issue_session(grant).value();
  CHECK(dir.find_key(session.access_key_id)->session_token == session.session_token);
  dir.forget_expired(1000 + 3600 * 1000);
  CHECK(dir.find_key(session.access_key_id) != nullptr);  // still within the grace period
  dir.forget_expired(1000 + 25LL * 3600 * 1000);
  CHECK(dir.find_key(session.access_key_id) == nullptr);
}

TEST_CASE("trust policies: principals, actions, deny wins, conditions") {
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
  CHECK_FALSE(trust_policy_allows(role_with(conditional), kAccount, alice));  // no sts:ExternalId given
  ConditionContext with_external_id;
  with_external_id.set("sts:ExternalId", "x");
  TrustRequest request;
  request.caller = &alice;
  request.context = &with_external_id;
  CHECK(trust_policy_allows(role_with(conditional), kAccount, request));
  with_external_id.set("sts:ExternalId", "y");
  CHECK_FALSE(trust_policy_allows(role_with(conditional), kAccount, request));

  // Web identities are trusted through "Federated" and sts:AssumeRoleWithWebIdentity.
  const std::string provider = "arn:aws:iam::111122223333:oidc-provider/127.0.0.1:9324/_sluice/oidc";
  const std::string web = R"({"Statement":[{"Effect":"Allow","Action":"sts:AssumeRoleWithWebIdentity",
      "Principal":{"Federated":")" +
                          provider + R"("},
      "Condition":{"StringEquals":{"127.0.0.1:9324/_sluice/oidc:aud":"app"}}}]})";
  ConditionContext claims;
  claims.set("127.0.0.1:9324/_sluice/oidc:aud", "app");
  TrustRequest web_request;
  web_request.action = "sts:AssumeRoleWithWebIdentity";
  web_request.federated_provider = provider;
  web_request.context = &claims;
  CHECK(trust_policy_allows(role_with(web), kAccount, web_request));
  claims.set("127.0.0.1:9324/_sluice/oidc:aud", "other");
  CHECK_FALSE(trust_policy_allows(role_with(web), kAccount, web_request));
  web_request.federated_provider = "arn:aws:iam::111122223333:oidc-provider/elsewhere";
  claims.set("127.0.0.1:9324/_sluice/oidc:aud", "app");
  CHECK_FALSE(trust_policy_allows(role_with(web), kAccount, web_request));
  CHECK_FALSE(trust_policy_allows(role_with(web), kAccount, alice));  // not for sts:AssumeRole

  CHECK_FALSE(trust_policy_allows(role_with("not json"), kAccount, alice));

  // A role session is trusted through its role's ARN.
  const std::string chain = R"({"Statement":[{"Effect":"Allow","Action":"sts:AssumeRole",
      "Principal":{"AWS":"arn:aws:iam::111122223333:role/builder"}}]})";
  CHECK(trust_policy_allows(role_with(chain), kAccount, assumed_role_principal(kAccount, "builder", "s")));
}

TEST_CASE("with a file, temporary credentials outlive the directory that issued them") {
  char tmpl[] = "/tmp/sluice-identity-XXXXXX";
  const std::string dir_path = mkdtemp(tmpl);
  const std::string file = dir_path + "/identity.db";
  SessionCredentials kept;
  SessionCredentials expired;
  {
    Directory dir;
    REQUIRE(dir.keep_sessions_in(file).ok());
    SessionGrant grant;
    grant.principal = assumed_role_principal(kAccount, "deployer", "ci");
    grant.expires_ms = 10LL * 24 * 3600 * 1000;
    grant.session_policy = R"({"Statement":[]})";
    grant.session_policy_arns = {"arn:aws:iam::aws:policy/ReadOnlyAccess", "arn:aws:iam::111122223333:policy/p"};
    kept = dir.issue_session(grant).value();
    SessionGrant old;
    old.principal = user_principal(kAccount, "alice");
    old.expires_ms = 1000;
    old.from_get_session_token = true;
    expired = dir.issue_session(old).value();
    dir.forget_expired(3LL * 24 * 3600 * 1000);  // the first is far past its grace period
    CHECK(dir.find_key(expired.access_key_id) == nullptr);
  }
  Directory restarted;
  REQUIRE(restarted.keep_sessions_in(file).ok());
  CHECK(restarted.session_count() == 1);
  CHECK(restarted.find_key(expired.access_key_id) == nullptr);
  auto record = restarted.find_key(kept.access_key_id);
  REQUIRE(record != nullptr);
  CHECK(record->secret_access_key == kept.secret_access_key);
  CHECK(record->session_token == kept.session_token);
  CHECK(record->expires_ms == kept.expires_ms);
  CHECK(record->principal.kind == Principal::Kind::AssumedRole);
  CHECK(record->principal.arn == "arn:aws:sts::111122223333:assumed-role/deployer/ci");
  CHECK(record->principal.user_id == assumed_role_principal(kAccount, "deployer", "ci").user_id);
  CHECK(record->principal.authenticated);
  CHECK(record->session_policy == R"({"Statement":[]})");
  CHECK(record->session_policy_arns ==
        std::vector<std::string>{"arn:aws:iam::aws:policy/ReadOnlyAccess", "arn:aws:iam::111122223333:policy/p"});
  CHECK_FALSE(record->from_get_session_token);

  // A file that is not a database is refused with the reason.
  const std::string junk = dir_path + "/junk.db";
  std::ofstream(junk) << std::string(4096, 'x');
  Directory refused;
  auto opened = refused.keep_sessions_in(junk);
  REQUIRE_FALSE(opened.ok());
  CHECK(opened.error().find(junk) != std::string::npos);
  std::system(("rm -rf '" + dir_path + "'").c_str());
}
