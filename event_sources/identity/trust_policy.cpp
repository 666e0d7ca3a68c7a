// A role's trust policy, evaluated for sts:AssumeRole and sts:AssumeRoleWithWebIdentity. What it
// covers: Allow and Deny statements whose Action (a string or a list, with '*' and '?' wildcards)
// matches the request's action; whose Principal is "*", or names under "AWS" the caller's account
// (12 digits or arn:aws:iam::ACCOUNT:root, meaning any principal of that account), the caller's
// user ARN, or the role ARN behind the caller's role session, or under "Federated" the OpenID
// Connect provider ARN of a web identity; and whose Condition block holds in the request's context
// (see conditions.h). NotAction and NotPrincipal statements are not understood yet and are skipped
// (they neither allow nor deny). A Deny that matches wins over any Allow; no Allow means no.

#include <boost/json.hpp>

#include "condition_values.h"
#include "sluice/identity/conditions.h"
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

// Action names are case-insensitive in IAM.
bool action_matches(const json::value& action, std::string_view wanted) {
  return any_of_strings(action, [&](std::string_view a) { return detail::wildcard_match(a, wanted, true); });
}

bool aws_principal_matches(const json::value& aws, const Principal& caller) {
  const std::string account_root = "arn:aws:iam::" + caller.account_id + ":root";
  const std::string session_role =
      caller.kind == Principal::Kind::AssumedRole ? role_arn(caller.account_id, caller.name) : std::string();
  return any_of_strings(aws, [&](std::string_view p) {
    return p == "*" || p == caller.account_id || p == account_root || p == caller.arn ||
           (!session_role.empty() && p == session_role);
  });
}

bool principal_matches(const json::value& principal, const TrustRequest& request) {
  if (principal.is_string()) return principal.as_string() == "*";
  if (!principal.is_object()) return false;
  const json::object& names = principal.as_object();
  if (request.caller != nullptr && request.caller->kind != Principal::Kind::Anonymous) {
    if (const json::value* aws = names.if_contains("AWS");
        aws != nullptr && aws_principal_matches(*aws, *request.caller))
      return true;
  }
  if (!request.federated_provider.empty()) {
    if (const json::value* federated = names.if_contains("Federated")) {
      return any_of_strings(*federated, [&](std::string_view p) { return p == request.federated_provider; });
    }
  }
  return false;
}

}  // namespace

bool trust_policy_allows(const RoleDeclaration& role, std::string_view role_account, const TrustRequest& request) {
  if (role.trust_policy.empty()) {
    return request.caller != nullptr && request.federated_provider.empty() &&
           request.caller->account_id == role_account;
  }
  boost::system::error_code ec;
  json::value policy = json::parse(role.trust_policy, ec);
  if (ec || !policy.is_object()) return false;
  const json::value* statements = policy.as_object().if_contains("Statement");
  if (statements == nullptr) return false;
  json::array list;
  if (statements->is_array()) list = statements->as_array();
  else list.push_back(*statements);
  const ConditionContext no_context;
  const ConditionContext& context = request.context != nullptr ? *request.context : no_context;
  bool allowed = false;
  for (const json::value& item : list) {
    if (!item.is_object()) continue;
    const json::object& statement = item.as_object();
    if (statement.contains("NotAction") || statement.contains("NotPrincipal")) continue;
    const json::value* effect = statement.if_contains("Effect");
    const json::value* action = statement.if_contains("Action");
    const json::value* principal = statement.if_contains("Principal");
    if (effect == nullptr || action == nullptr || principal == nullptr) continue;
    if (!action_matches(*action, request.action) || !principal_matches(*principal, request)) continue;
    if (const json::value* condition = statement.if_contains("Condition")) {
      if (!conditions_hold(*condition, context)) continue;
    }
    if (*effect == "Deny") return false;
    if (*effect == "Allow") allowed = true;
  }
  return allowed;
}

bool trust_policy_allows(const RoleDeclaration& role, std::string_view role_account, const Principal& caller) {
  TrustRequest request;
  request.caller = &caller;
  return trust_policy_allows(role, role_account, request);
}

}  // namespace sluice::identity
