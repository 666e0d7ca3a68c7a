// A role's trust policy, evaluated for sts:AssumeRole. What it covers today: Allow and Deny
// statements whose Action (a string or a list) matches sts:AssumeRole ("sts:AssumeRole", "sts:*",
// "*"), and whose Principal is "*" or names, under "AWS", "*", the caller's account (12 digits or
// arn:aws:iam::ACCOUNT:root, meaning any principal of that account), the caller's user ARN, or the
// role ARN behind the caller's role session. A statement with a Condition, a NotAction or a
// NotPrincipal is not understood yet and is skipped (it neither allows nor denies) until the IAM
// work brings the policy evaluator. A Deny that matches wins over any Allow; no Allow means no.

#include <boost/json.hpp>

#include "sluice/identity/identity.h"

namespace sluice::identity {
namespace {

namespace json = boost::json;

bool any_of_strings(const json::value& value, auto&& matches) {
  if (value.is_string()) return matches(std::string_view(value.as_string()));
  if (value.is_array()) {
    for (const json::value& item : value.as_array()) {
      if (item.is_string() && matches(std::string_view(item.as_string()))) return true;
    }
  }
  return false;
}

bool action_matches(const json::value& action) {
  return any_of_strings(action, [](std::string_view a) { return a == "sts:AssumeRole" || a == "sts:*" || a == "*"; });
}

bool principal_matches(const json::value& principal, const Principal& caller) {
  if (principal.is_string()) return principal.as_string() == "*";
  if (!principal.is_object()) return false;
  const json::value* aws = principal.as_object().if_contains("AWS");
  if (aws == nullptr) return false;
  const std::string account_root = "arn:aws:iam::" + caller.account_id + ":root";
  const std::string session_role =
      caller.kind == Principal::Kind::AssumedRole ? role_arn(caller.account_id, caller.name) : std::string();
  return any_of_strings(*aws, [&](std::string_view p) {
    return p == "*" || p == caller.account_id || p == account_root || p == caller.arn ||
           (!session_role.empty() && p == session_role);
  });
}

}  // namespace

bool trust_policy_allows(const RoleDeclaration& role, std::string_view role_account, const Principal& caller) {
  if (role.trust_policy.empty()) return caller.account_id == role_account;
  boost::system::error_code ec;
  json::value policy = json::parse(role.trust_policy, ec);
  if (ec || !policy.is_object()) return false;
  const json::value* statements = policy.as_object().if_contains("Statement");
  if (statements == nullptr) return false;
  json::array list;
  if (statements->is_array()) list = statements->as_array();
  else list.push_back(*statements);
  bool allowed = false;
  for (const json::value& item : list) {
    if (!item.is_object()) continue;
    const json::object& statement = item.as_object();
    if (statement.contains("Condition") || statement.contains("NotAction") || statement.contains("NotPrincipal"))
      continue;
    const json::value* effect = statement.if_contains("Effect");
    const json::value* action = statement.if_contains("Action");
    const json::value* principal = statement.if_contains("Principal");
    if (effect == nullptr || action == nullptr || principal == nullptr) continue;
    if (!action_matches(*action) || !principal_matches(*principal, caller)) continue;
    if (*effect == "Deny") return false;
    if (*effect == "Allow") allowed = true;
  }
  return allowed;
}

}  // namespace sluice::identity
