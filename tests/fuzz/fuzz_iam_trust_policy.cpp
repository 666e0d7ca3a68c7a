// Fuzzes IAM policies as sluice evaluates them today: a role's trust policy (identity.h,
// trust_policy_allows) and the Condition blocks in it (conditions.h).
//
// Input: the trust policy's text. It is evaluated for four requests: sts:AssumeRole by a user of
// the role's account, by a role session of another account, by that account's root, and
// sts:AssumeRoleWithWebIdentity through an OpenID Connect provider with condition keys. Invariants:
// - evaluation is pure: the same answer twice;
// - text that is not a JSON object with a Statement trusts no one;
// - a Deny statement for every principal and action, added to the policy, refuses every request;
// - every Condition block is checked (condition_block_error) and evaluated without failing, and a
//   block that is not an object never holds.

#include <boost/json.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "sluice/identity/conditions.h"
#include "sluice/identity/identity.h"
#include "sluice/identity/principal.h"

namespace {

namespace json = boost::json;
namespace identity = sluice::identity;

void check(bool condition) {
  if (!condition) std::abort();
}

constexpr const char* kRoleAccount = "123456789012";

struct Requests {
  identity::Principal user = identity::user_principal(kRoleAccount, "alice");
  identity::Principal other_root = identity::root_principal("210987654321");
  identity::Principal session;
  identity::ConditionContext web_keys;
  std::vector<identity::TrustRequest> all;

  Requests() {
    session.kind = identity::Principal::Kind::AssumedRole;
    session.account_id = "210987654321";
    session.name = "deployer";
    session.session_name = "ci";
    session.arn = "arn:aws:sts::210987654321:assumed-role/deployer/ci";
    web_keys.set("token.actions.githubusercontent.com:aud", "sts.amazonaws.com");
    web_keys.set("token.actions.githubusercontent.com:sub", "repo:octo/app:ref:refs/heads/main");
    web_keys.set("aws:SourceIp", "127.0.0.1");
    web_keys.set_all("aws:TagKeys", {"team", "env"});
    all.resize(4);
    all[0].caller = &user;
    all[1].caller = &session;
    all[2].caller = &other_root;
    all[3].action = "sts:AssumeRoleWithWebIdentity";
    all[3].federated_provider = "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com";
    all[3].context = &web_keys;
  }
};

const Requests& requests() {
  static const Requests r;
  return r;
}

void visit_conditions(const json::value& policy, const identity::ConditionContext& context) {
  const json::value* statements = policy.is_object() ? policy.as_object().if_contains("Statement") : nullptr;
  if (statements == nullptr) return;
  auto visit = [&](const json::value& statement) {
    if (!statement.is_object()) return;
    const json::value* condition = statement.as_object().if_contains("Condition");
    if (condition == nullptr) return;
    (void)identity::condition_block_error(*condition);
    const bool holds = identity::conditions_hold(*condition, context);
    check(holds == identity::conditions_hold(*condition, context));
    if (!condition->is_object()) check(!holds);
  };
  if (statements->is_array()) {
    for (const json::value& statement : statements->as_array()) visit(statement);
  } else {
    visit(*statements);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  identity::RoleDeclaration role;
  role.name = "target";
  role.trust_policy.assign(reinterpret_cast<const char*>(data), size);
  if (role.trust_policy.empty()) return 0;  // "" is the documented default: the role's own account
  boost::system::error_code ec;
  json::value policy = json::parse(role.trust_policy, ec);
  const bool has_statements = !ec && policy.is_object() && policy.as_object().contains("Statement");

  for (const identity::TrustRequest& request : requests().all) {
    const bool allowed = identity::trust_policy_allows(role, kRoleAccount, request);
    check(allowed == identity::trust_policy_allows(role, kRoleAccount, request));
    if (!has_statements) check(!allowed);
  }
  if (!has_statements) return 0;
  visit_conditions(policy, requests().web_keys);

  // Deny wins: the same policy with a Deny of everything added refuses every request.
  json::object& object = policy.as_object();
  json::array statements;
  if (object["Statement"].is_array()) statements = object["Statement"].as_array();
  else statements.push_back(object["Statement"]);
  statements.push_back(json::parse(R"({"Effect":"Deny","Principal":"*","Action":"*"})"));
  object["Statement"] = std::move(statements);
  identity::RoleDeclaration denied = role;
  denied.trust_policy = json::serialize(policy);
  for (const identity::TrustRequest& request : requests().all)
    check(!identity::trust_policy_allows(denied, kRoleAccount, request));
  return 0;
}
