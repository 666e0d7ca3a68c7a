// One statement against one request: Action/NotAction (case-insensitive), Resource/NotResource
// (case-sensitive, policy variables resolved from the request's context keys), Condition
// (conditions.h, with its values' policy variables substituted first), and for resource policies
// the Principal/NotPrincipal element, which says how directly the statement names the caller.

#include "policy_statement.h"

#include <boost/json.hpp>

namespace sluice::identity::detail {
namespace {

namespace json = boost::json;

bool any_pattern(const std::vector<Pattern>& patterns, std::string_view subject, bool ignore_case,
                 const ConditionContext& context) {
  for (const Pattern& pattern : patterns) {
    if (pattern_matches(pattern, subject, ignore_case, &context)) return true;
  }
  return false;
}

bool contains(const std::vector<std::string>& names, std::string_view name) {
  for (const std::string& n : names) {
    if (n == name) return true;
  }
  return false;
}

// The listed names against the caller, best match first.
PrincipalMatch listed_match(const PrincipalSet& principals, const AuthorizationRequest& request) {
  if (!request.service_principal.empty()) {
    if (contains(principals.services, request.service_principal)) return PrincipalMatch::Direct;
    return principals.everyone ? PrincipalMatch::Everyone : PrincipalMatch::None;
  }
  const Principal* caller = request.principal;
  if (caller == nullptr || caller->kind == Principal::Kind::Anonymous) {
    return principals.everyone ? PrincipalMatch::Everyone : PrincipalMatch::None;
  }
  PrincipalMatch best = principals.everyone ? PrincipalMatch::Everyone : PrincipalMatch::None;
  const std::string account_root = "arn:aws:iam::" + caller->account_id + ":root";
  const std::string session_role =
      caller->kind == Principal::Kind::AssumedRole ? role_arn(caller->account_id, caller->name) : std::string();
  for (const std::string& name : principals.aws) {
    if (name == caller->arn && caller->kind != Principal::Kind::Root) return PrincipalMatch::Direct;
    if (!session_role.empty() && name == session_role) best = std::max(best, PrincipalMatch::Role);
    if (name == caller->account_id || name == account_root) best = std::max(best, PrincipalMatch::Account);
  }
  return best;
}

// Replaces ${...} in every string of a Condition block's values; false when a variable has no
// value in the context (the condition then does not hold, as IAM treats it).
bool substitute(json::value& value, const ConditionContext& context) {
  if (value.is_object()) {
    for (auto& [key, member] : value.as_object()) {
      (void)key;
      if (!substitute(member, context)) return false;
    }
    return true;
  }
  if (value.is_array()) {
    for (json::value& item : value.as_array()) {
      if (!substitute(item, context)) return false;
    }
    return true;
  }
  if (!value.is_string() || value.as_string().find("${") == json::string::npos) return true;
  const Pattern pattern = compile_pattern(std::string_view(value.as_string()), true);
  std::string out;
  for (const PatternToken& token : pattern.tokens) {
    switch (token.kind) {
      case PatternToken::Kind::Text:
        out += token.text;
        break;
      case PatternToken::Kind::AnyRun:
        out += '*';
        break;
      case PatternToken::Kind::AnyOne:
        out += '?';
        break;
      case PatternToken::Kind::Variable: {
        const std::vector<std::string>* values = context.find(token.text);
        if (values != nullptr && values->size() == 1) out += values->front();
        else if (token.default_value) out += *token.default_value;
        else return false;
        break;
      }
    }
  }
  value = json::string(out);
  return true;
}

}  // namespace

// NotPrincipal leaves the caller out only when every level of its identity is listed: the
// account, the user (or the role and its session). This is why the IAM User Guide asks a
// NotPrincipal to name the account ARN along with the user or role it exempts.
bool excluded_by(const PrincipalSet& listed, const AuthorizationRequest& request) {
  if (!request.service_principal.empty()) return contains(listed.services, request.service_principal);
  const Principal* caller = request.principal;
  if (caller == nullptr || caller->kind == Principal::Kind::Anonymous) return false;
  const bool account =
      contains(listed.aws, caller->account_id) || contains(listed.aws, "arn:aws:iam::" + caller->account_id + ":root");
  if (!account) return false;
  if (caller->kind == Principal::Kind::Root) return true;
  if (!contains(listed.aws, caller->arn)) return false;
  return caller->kind != Principal::Kind::AssumedRole ||
         contains(listed.aws, role_arn(caller->account_id, caller->name));
}

PrincipalMatch match_principal(const CompiledStatement& statement, const AuthorizationRequest& request) {
  if (!statement.has_principal) return PrincipalMatch::None;
  if (!statement.not_principal) return listed_match(statement.principals, request);
  return excluded_by(statement.principals, request) ? PrincipalMatch::None : PrincipalMatch::Everyone;
}

bool statement_applies(const CompiledPolicy& policy, const CompiledStatement& statement,
                       const AuthorizationRequest& request) {
  const bool action = any_pattern(statement.actions, request.action, true, request.context);
  if (action == statement.not_action) return false;
  if (statement.has_resource) {
    const bool resource = any_pattern(statement.resources, request.resource, false, request.context);
    if (resource == statement.not_resource) return false;
  }
  if (!statement.condition) return true;
  if (!statement.condition_has_variables || !policy.variables) {
    return conditions_hold(*statement.condition, request.context);
  }
  json::value substituted = *statement.condition;
  return substitute(substituted, request.context) && conditions_hold(substituted, request.context);
}

}  // namespace sluice::identity::detail
