// The Condition block of a policy statement (see sluice/identity/conditions.h): operator names are
// read into a qualifier (ForAllValues/ForAnyValue), a base operator and an IfExists flag, then
// each key's context values are compared with the policy's values.

#include "sluice/identity/conditions.h"

#include <boost/json.hpp>

#include <algorithm>
#include <cctype>

#include "condition_values.h"
#include "sluice/common/crypto.h"

namespace sluice::identity {
namespace {

namespace json = boost::json;
using detail::Comparison;

enum class Family { String, StringIgnoreCase, StringLike, Numeric, Date, Bool, Binary, Ip, Arn, Null };

struct BaseOperator {
  std::string_view name;
  Family family;
  Comparison comparison;  // Equal for the families that only match
  bool negated;
};

constexpr BaseOperator kOperators[] = {
    {"StringEquals", Family::String, Comparison::Equal, false},
    {"StringNotEquals", Family::String, Comparison::Equal, true},
    {"StringEqualsIgnoreCase", Family::StringIgnoreCase, Comparison::Equal, false},
    {"StringNotEqualsIgnoreCase", Family::StringIgnoreCase, Comparison::Equal, true},
    {"StringLike", Family::StringLike, Comparison::Equal, false},
    {"StringNotLike", Family::StringLike, Comparison::Equal, true},
    {"NumericEquals", Family::Numeric, Comparison::Equal, false},
    {"NumericNotEquals", Family::Numeric, Comparison::Equal, true},
    {"NumericLessThan", Family::Numeric, Comparison::Less, false},
    {"NumericLessThanEquals", Family::Numeric, Comparison::LessOrEqual, false},
    {"NumericGreaterThan", Family::Numeric, Comparison::Greater, false},
    {"NumericGreaterThanEquals", Family::Numeric, Comparison::GreaterOrEqual, false},
    {"DateEquals", Family::Date, Comparison::Equal, false},
    {"DateNotEquals", Family::Date, Comparison::Equal, true},
    {"DateLessThan", Family::Date, Comparison::Less, false},
    {"DateLessThanEquals", Family::Date, Comparison::LessOrEqual, false},
    {"DateGreaterThan", Family::Date, Comparison::Greater, false},
    {"DateGreaterThanEquals", Family::Date, Comparison::GreaterOrEqual, false},
    {"Bool", Family::Bool, Comparison::Equal, false},
    {"BinaryEquals", Family::Binary, Comparison::Equal, false},
    {"IpAddress", Family::Ip, Comparison::Equal, false},
    {"NotIpAddress", Family::Ip, Comparison::Equal, true},
    {"ArnEquals", Family::Arn, Comparison::Equal, false},
    {"ArnLike", Family::Arn, Comparison::Equal, false},
    {"ArnNotEquals", Family::Arn, Comparison::Equal, true},
    {"ArnNotLike", Family::Arn, Comparison::Equal, true},
    {"Null", Family::Null, Comparison::Equal, false},
};

enum class SetQualifier { None, ForAllValues, ForAnyValue };

struct Operator {
  const BaseOperator* base = nullptr;
  SetQualifier qualifier = SetQualifier::None;
  bool if_exists = false;
};

// Operator names are case-sensitive in IAM, as are the qualifiers.
std::optional<Operator> parse_operator(std::string_view name) {
  Operator op;
  if (name.starts_with("ForAllValues:")) {
    op.qualifier = SetQualifier::ForAllValues;
    name.remove_prefix(13);
  } else if (name.starts_with("ForAnyValue:")) {
    op.qualifier = SetQualifier::ForAnyValue;
    name.remove_prefix(12);
  }
  if (name.ends_with("IfExists")) {
    op.if_exists = true;
    name.remove_suffix(8);
  }
  for (const BaseOperator& base : kOperators) {
    if (base.name == name) op.base = &base;
  }
  if (op.base == nullptr) return std::nullopt;
  if (op.base->family == Family::Null && (op.if_exists || op.qualifier != SetQualifier::None)) return std::nullopt;
  return op;
}

// A policy value as text: strings as written, numbers and booleans as JSON writes them.
std::optional<std::string> scalar_text(const json::value& value) {
  if (value.is_string()) return std::string(value.as_string());
  if (value.is_bool()) return std::string(value.as_bool() ? "true" : "false");
  if (value.is_int64() || value.is_uint64() || value.is_double()) return json::serialize(value);
  return std::nullopt;
}

std::optional<std::vector<std::string>> policy_values(const json::value& value) {
  std::vector<std::string> out;
  if (value.is_array()) {
    for (const json::value& item : value.as_array()) {
      auto text = scalar_text(item);
      if (!text) return std::nullopt;
      out.push_back(std::move(*text));
    }
    return out;
  }
  auto text = scalar_text(value);
  if (!text) return std::nullopt;
  out.push_back(std::move(*text));
  return out;
}

// One context value against one policy value, before negation.
bool value_matches(Family family, Comparison comparison, std::string_view context_value,
                   std::string_view policy_value) {
  switch (family) {
    case Family::String:
      return context_value == policy_value;
    case Family::StringIgnoreCase:
      return detail::equals_ignore_case(context_value, policy_value);
    case Family::StringLike:
      return detail::wildcard_match(policy_value, context_value);
    case Family::Numeric:
      return detail::compare_numbers(context_value, policy_value, comparison);
    case Family::Date:
      return detail::compare_dates(context_value, policy_value, comparison);
    case Family::Bool:
      return detail::equals_ignore_case(context_value, policy_value);
    case Family::Binary: {
      auto a = common::base64_decode(context_value);
      auto b = common::base64_decode(policy_value);
      return a && b && *a == *b;
    }
    case Family::Ip:
      return detail::ip_in_range(context_value, policy_value);
    case Family::Arn:
      return detail::arn_match(policy_value, context_value);
    case Family::Null:
      return false;
  }
  return false;
}

// Does one context value satisfy the operator against the policy's values (ORed)?
bool satisfies(const BaseOperator& op, std::string_view context_value, const std::vector<std::string>& values) {
  const bool any = std::any_of(values.begin(), values.end(), [&](const std::string& policy_value) {
    return value_matches(op.family, op.comparison, context_value, policy_value);
  });
  return op.negated ? !any : any;
}

bool key_holds(const Operator& op, const std::vector<std::string>* context_values,
               const std::vector<std::string>& values) {
  const BaseOperator& base = *op.base;
  const bool present = context_values != nullptr && !context_values->empty();
  if (base.family == Family::Null) {
    // "true" asks for an absent key, "false" for a present one; either listed value may match.
    return std::any_of(values.begin(), values.end(), [&](const std::string& v) {
      return detail::equals_ignore_case(v, "true") ? !present : (detail::equals_ignore_case(v, "false") && present);
    });
  }
  if (!present) {
    if (op.if_exists) return true;
    switch (op.qualifier) {
      case SetQualifier::ForAllValues:
        return true;
      case SetQualifier::ForAnyValue:
        return false;
      case SetQualifier::None:
        return base.negated;
    }
  }
  auto satisfied = [&](const std::string& v) { return satisfies(base, v, values); };
  switch (op.qualifier) {
    case SetQualifier::ForAllValues:
      return std::all_of(context_values->begin(), context_values->end(), satisfied);
    case SetQualifier::ForAnyValue:
      return std::any_of(context_values->begin(), context_values->end(), satisfied);
    case SetQualifier::None:
      // A single-valued operator on several values: for a negated operator none may match, for
      // any other one of them must.
      if (base.negated) return std::all_of(context_values->begin(), context_values->end(), satisfied);
      return std::any_of(context_values->begin(), context_values->end(), satisfied);
  }
  return false;
}

}  // namespace

namespace {

bool same_key(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
  }
  return true;
}

}  // namespace

void ConditionContext::set(std::string_view key, std::string value) {
  std::vector<std::string> values;
  values.push_back(std::move(value));
  set_all(key, std::move(values));
}

void ConditionContext::set_all(std::string_view key, std::vector<std::string> values) {
  for (Entry& entry : entries_) {
    if (same_key(entry.key, key)) {
      entry.values = std::move(values);
      return;
    }
  }
  entries_.push_back({std::string(key), std::move(values)});
}

const std::vector<std::string>* ConditionContext::find(std::string_view key) const {
  if (reads_ != nullptr &&
      std::none_of(reads_->begin(), reads_->end(), [&](const std::string& read) { return same_key(read, key); })) {
    reads_->emplace_back(key);
  }
  for (const Entry& entry : entries_) {
    if (same_key(entry.key, key)) return &entry.values;
  }
  return base_ != nullptr ? base_->find(key) : nullptr;
}

bool conditions_hold(const json::value& condition, const ConditionContext& context) {
  if (!condition.is_object()) return false;
  for (const auto& [operator_name, keys] : condition.as_object()) {
    auto op = parse_operator(operator_name);
    if (!op || !keys.is_object()) return false;
    for (const auto& [key, value] : keys.as_object()) {
      auto values = policy_values(value);
      if (!values) return false;
      if (!key_holds(*op, context.find(key), *values)) return false;
    }
  }
  return true;
}

std::optional<std::string> condition_block_error(const json::value& condition) {
  if (!condition.is_object()) return "Condition must be an object";
  for (const auto& [operator_name, keys] : condition.as_object()) {
    if (!parse_operator(operator_name)) return "Unknown condition operator " + std::string(operator_name);
    if (!keys.is_object()) return "Condition operator " + std::string(operator_name) + " must name keys";
    for (const auto& [key, value] : keys.as_object()) {
      if (!policy_values(value)) return "Condition key " + std::string(key) + " has a value that is not a string";
    }
  }
  return std::nullopt;
}

}  // namespace sluice::identity
