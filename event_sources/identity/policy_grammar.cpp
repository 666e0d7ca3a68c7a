// IAM's grammar checks of policy documents (see policy_grammar.h). The order of the checks
// follows what IAM reports first for a document with several faults: syntax, then per statement
// the effect, actions, principals and resources.

#include "sluice/identity/policy_grammar.h"

#include <boost/json.hpp>
#include <cctype>

namespace sluice::identity {
namespace {

namespace json = boost::json;

constexpr std::string_view kSyntax = "Syntax errors in policy.";

bool is_one_of(std::string_view key, std::initializer_list<std::string_view> names) {
  for (std::string_view name : names) {
    if (key == name) return true;
  }
  return false;
}

// A string or a non-empty array of strings, as Action/Resource/their Not forms take.
bool string_or_strings(const json::value& v) {
  if (v.is_string()) return true;
  if (!v.is_array() || v.as_array().empty()) return false;
  for (const json::value& item : v.as_array()) {
    if (!item.is_string()) return false;
  }
  return true;
}

template <typename Visit>
void each_string(const json::value& v, Visit visit) {
  if (v.is_string()) {
    visit(std::string_view(v.as_string()));
    return;
  }
  for (const json::value& item : v.as_array()) visit(std::string_view(item.as_string()));
}

// "*" or "<service>:<action pattern>".
bool action_has_vendor(std::string_view action) {
  if (action == "*") return true;
  const size_t colon = action.find(':');
  return colon != std::string_view::npos && colon > 0;
}

bool resource_in_arn_form(std::string_view resource) { return resource == "*" || resource.starts_with("arn:"); }

// Principal: "*", or an object of AWS/Service/Federated/CanonicalUser to a string or strings.
bool principal_well_formed(const json::value& v) {
  if (v.is_string()) return v.as_string() == "*";
  if (!v.is_object() || v.as_object().empty()) return false;
  for (const auto& entry : v.as_object()) {
    if (!is_one_of(entry.key(), {"AWS", "Service", "Federated", "CanonicalUser"})) return false;
    if (!string_or_strings(entry.value())) return false;
  }
  return true;
}

// Condition: operator -> { key -> string, number, bool or an array of them }.
bool condition_well_formed(const json::value& v) {
  if (!v.is_object()) return false;
  for (const auto& op : v.as_object()) {
    if (!op.value().is_object()) return false;
    for (const auto& key : op.value().as_object()) {
      const json::value& values = key.value();
      if (values.is_object() || values.is_null()) return false;
      if (values.is_array()) {
        for (const json::value& item : values.as_array()) {
          if (item.is_object() || item.is_array() || item.is_null()) return false;
        }
      }
    }
  }
  return true;
}

std::optional<std::string> statement_problem(const json::value& v, PolicyKind kind) {
  if (!v.is_object()) return std::string(kSyntax);
  const json::object& s = v.as_object();
  for (const auto& entry : s) {
    if (!is_one_of(entry.key(), {"Sid", "Effect", "Action", "NotAction", "Resource", "NotResource", "Principal",
                                 "NotPrincipal", "Condition"})) {
      return std::string(kSyntax);
    }
  }
  if (const json::value* sid = s.if_contains("Sid"); sid != nullptr && !sid->is_string()) return std::string(kSyntax);
  const json::value* effect = s.if_contains("Effect");
  if (effect == nullptr || !effect->is_string() || (effect->as_string() != "Allow" && effect->as_string() != "Deny")) {
    return std::string(kSyntax);
  }
  const json::value* action = s.if_contains("Action");
  const json::value* not_action = s.if_contains("NotAction");
  if (action != nullptr && not_action != nullptr) return std::string(kSyntax);
  if (action == nullptr && not_action == nullptr) return std::string("Policy statement must contain actions.");
  const json::value& actions = action != nullptr ? *action : *not_action;
  if (!string_or_strings(actions)) return std::string(kSyntax);
  bool vendors = true;
  each_string(actions, [&](std::string_view a) { vendors = vendors && action_has_vendor(a); });
  if (!vendors) return std::string("Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.");

  const json::value* principal = s.if_contains("Principal");
  const json::value* not_principal = s.if_contains("NotPrincipal");
  const json::value* resource = s.if_contains("Resource");
  const json::value* not_resource = s.if_contains("NotResource");
  if (kind == PolicyKind::Identity) {
    if (principal != nullptr || not_principal != nullptr) {
      return std::string("Policy document should not specify a principal.");
    }
    if (resource != nullptr && not_resource != nullptr) return std::string(kSyntax);
    if (resource == nullptr && not_resource == nullptr) return std::string("Policy statement must contain resources.");
    const json::value& resources = resource != nullptr ? *resource : *not_resource;
    if (!string_or_strings(resources)) return std::string(kSyntax);
    std::optional<std::string> problem;
    each_string(resources, [&](std::string_view r) {
      if (!problem && !resource_in_arn_form(r)) {
        problem = "Resource " + std::string(r) + " must be in ARN format or \"*\".";
      }
    });
    if (problem) return problem;
  } else {
    if (resource != nullptr) return std::string("Has prohibited field Resource");
    if (not_resource != nullptr) return std::string("Has prohibited field NotResource");
    if (principal == nullptr && not_principal == nullptr) return std::string("Missing required field Principal");
    if (!principal_well_formed(principal != nullptr ? *principal : *not_principal)) {
      return std::string("Invalid principal in policy");
    }
  }
  if (const json::value* condition = s.if_contains("Condition");
      condition != nullptr && !condition_well_formed(*condition)) {
    return std::string(kSyntax);
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::string> policy_grammar_problem(std::string_view document, PolicyKind kind) {
  boost::system::error_code ec;
  json::value doc = json::parse(document, ec);
  if (ec || !doc.is_object()) return std::string(kSyntax);
  const json::object& o = doc.as_object();
  for (const auto& entry : o) {
    if (!is_one_of(entry.key(), {"Version", "Id", "Statement"})) return std::string(kSyntax);
  }
  if (const json::value* version = o.if_contains("Version")) {
    if (!version->is_string() || (version->as_string() != "2012-10-17" && version->as_string() != "2008-10-17")) {
      return std::string(kSyntax);
    }
  }
  if (const json::value* id = o.if_contains("Id"); id != nullptr && !id->is_string()) return std::string(kSyntax);
  const json::value* statement = o.if_contains("Statement");
  if (statement == nullptr) return std::string(kSyntax);
  if (statement->is_array()) {
    if (statement->as_array().empty()) return std::string(kSyntax);
    for (const json::value& s : statement->as_array()) {
      if (auto problem = statement_problem(s, kind)) return problem;
    }
    return std::nullopt;
  }
  return statement_problem(*statement, kind);
}

size_t policy_size(std::string_view document) {
  size_t size = 0;
  for (char c : document) {
    if (!std::isspace(static_cast<unsigned char>(c))) ++size;
  }
  return size;
}

}  // namespace sluice::identity
