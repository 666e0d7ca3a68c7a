// Reading a policy document into its compiled form (see sluice/identity/policy.h): the grammar is
// checked once here, so evaluation walks plain structures and never looks at JSON again except
// for Condition blocks, which conditions.h evaluates as written. Error texts are IAM's
// MalformedPolicyDocument messages where IAM has one.

#include <boost/json.hpp>

#include "policy_model.h"

namespace sluice::identity {
namespace {

namespace json = boost::json;
using detail::CompiledStatement;
using detail::PrincipalSet;

using Error = std::string;

// A string or an array of strings, as the policy elements allow.
std::optional<std::vector<std::string>> string_list(const json::value& value) {
  std::vector<std::string> out;
  if (value.is_string()) {
    out.emplace_back(value.as_string());
    return out;
  }
  if (!value.is_array()) return std::nullopt;
  for (const json::value& item : value.as_array()) {
    if (!item.is_string()) return std::nullopt;
    out.emplace_back(item.as_string());
  }
  return out;
}

std::optional<Error> read_actions(const json::value& value, CompiledStatement& statement) {
  auto actions = string_list(value);
  if (!actions || actions->empty()) return Error("Syntax errors in policy.");
  for (const std::string& action : *actions) {
    if (action != "*" && action.find(':') == std::string::npos) {
      return Error("Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.");
    }
    statement.actions.push_back(detail::compile_pattern(action, false));
  }
  return std::nullopt;
}

std::optional<Error> read_resources(const json::value& value, bool variables, CompiledStatement& statement) {
  auto resources = string_list(value);
  if (!resources || resources->empty()) return Error("Syntax errors in policy.");
  for (const std::string& resource : *resources) {
    if (resource != "*" && !resource.starts_with("arn:") && resource.find("${") == std::string::npos) {
      return Error("Resource " + resource + " must be in ARN format or \"*\".");
    }
    statement.resources.push_back(detail::compile_pattern(resource, variables));
  }
  return std::nullopt;
}

std::optional<Error> read_principals(const json::value& value, PrincipalSet& principals) {
  if (value.is_string()) {
    if (value.as_string() != "*") return Error("Invalid principal in policy: " + std::string(value.as_string()));
    principals.everyone = true;
    return std::nullopt;
  }
  if (!value.is_object() || value.as_object().empty()) return Error("Invalid principal in policy");
  for (const auto& [kind, names] : value.as_object()) {
    auto list = string_list(names);
    if (!list) return Error("Invalid principal in policy");
    std::vector<std::string>* into = nullptr;
    if (kind == "AWS") into = &principals.aws;
    else if (kind == "Service") into = &principals.services;
    else if (kind == "Federated") into = &principals.federated;
    else if (kind == "CanonicalUser") into = &principals.canonical;
    else return Error("Invalid principal in policy: " + std::string(kind));
    for (std::string& name : *list) {
      if (kind == "AWS" && name == "*") principals.everyone = true;
      into->push_back(std::move(name));
    }
  }
  return std::nullopt;
}

std::optional<Error> read_statement(const json::value& value, bool variables, CompiledStatement& statement) {
  if (!value.is_object()) return Error("Syntax errors in policy.");
  const json::object& object = value.as_object();
  for (const auto& [name, member] : object) {
    (void)member;
    static constexpr std::string_view kKnown[] = {"Sid",         "Effect",    "Action",       "NotAction", "Resource",
                                                  "NotResource", "Principal", "NotPrincipal", "Condition"};
    bool known = false;
    for (std::string_view k : kKnown) known = known || name == k;
    if (!known) return Error("Syntax errors in policy.");
  }
  if (const json::value* sid = object.if_contains("Sid")) {
    if (!sid->is_string()) return Error("Syntax errors in policy.");
    statement.sid = std::string(sid->as_string());
  }
  const json::value* effect = object.if_contains("Effect");
  if (effect == nullptr) return Error("Missing required field Effect");
  if (*effect == "Allow") statement.allow = true;
  else if (*effect == "Deny") statement.allow = false;
  else
    return Error("Invalid effect: " +
                 (effect->is_string() ? std::string(effect->as_string()) : json::serialize(*effect)));

  const json::value* action = object.if_contains("Action");
  const json::value* not_action = object.if_contains("NotAction");
  if (action != nullptr && not_action != nullptr) return Error("Syntax errors in policy.");
  if (action == nullptr && not_action == nullptr) return Error("Missing required field Action");
  statement.not_action = not_action != nullptr;
  if (auto error = read_actions(action != nullptr ? *action : *not_action, statement)) return error;

  const json::value* resource = object.if_contains("Resource");
  const json::value* not_resource = object.if_contains("NotResource");
  if (resource != nullptr && not_resource != nullptr) return Error("Syntax errors in policy.");
  if (resource != nullptr || not_resource != nullptr) {
    statement.has_resource = true;
    statement.not_resource = not_resource != nullptr;
    if (auto error = read_resources(resource != nullptr ? *resource : *not_resource, variables, statement)) {
      return error;
    }
  }

  const json::value* principal = object.if_contains("Principal");
  const json::value* not_principal = object.if_contains("NotPrincipal");
  if (principal != nullptr && not_principal != nullptr) return Error("Syntax errors in policy.");
  if (principal != nullptr || not_principal != nullptr) {
    statement.has_principal = true;
    statement.not_principal = not_principal != nullptr;
    if (auto error = read_principals(principal != nullptr ? *principal : *not_principal, statement.principals)) {
      return error;
    }
  }

  if (const json::value* condition = object.if_contains("Condition")) {
    if (auto error = condition_block_error(*condition)) return error;
    statement.condition = *condition;
    statement.condition_has_variables = variables && json::serialize(*condition).find("${") != std::string::npos;
  }
  return std::nullopt;
}

}  // namespace

common::Outcome<PolicyPtr, std::string> compile_policy(std::string_view document) {
  boost::system::error_code ec;
  json::value parsed = json::parse(document, ec);
  if (ec || !parsed.is_object()) return Error("Syntax errors in policy.");
  const json::object& object = parsed.as_object();
  auto policy = std::make_shared<CompiledPolicy>();
  if (const json::value* version = object.if_contains("Version")) {
    if (*version == "2012-10-17") policy->variables = true;
    else if (*version != "2008-10-17") return Error("The policy failed legacy parsing");
  }
  const json::value* statements = object.if_contains("Statement");
  if (statements == nullptr) return Error("Missing required field Statement");
  if (statements->is_array()) {
    if (statements->as_array().empty()) return Error("Syntax errors in policy.");
    for (const json::value& item : statements->as_array()) {
      CompiledStatement statement;
      if (auto error = read_statement(item, policy->variables, statement)) return *error;
      policy->statements.push_back(std::move(statement));
    }
  } else {
    CompiledStatement statement;
    if (auto error = read_statement(*statements, policy->variables, statement)) return *error;
    policy->statements.push_back(std::move(statement));
  }
  return PolicyPtr(std::move(policy));
}

common::Outcome<PolicyPtr, std::string> PolicyCache::get(std::string_view document) const {
  {
    common::MutexLock lock(mu_);
    if (auto it = compiled_.find(document); it != compiled_.end()) return it->second;
  }
  auto compiled = compile_policy(document);
  if (!compiled) return compiled;
  common::MutexLock lock(mu_);
  if (compiled_.size() >= capacity_) compiled_.clear();
  compiled_.emplace(std::string(document), *compiled);
  return compiled;
}

size_t PolicyCache::size() const {
  common::MutexLock lock(mu_);
  return compiled_.size();
}

}  // namespace sluice::identity
