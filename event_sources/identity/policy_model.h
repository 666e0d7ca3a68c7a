#pragma once
// Internal: the compiled form of a policy document (see sluice/identity/policy.h). Patterns are
// token lists, not strings, so that a policy variable's value and the ${*} ${?} ${$} escapes stay
// literal text and never act as wildcards.

#include <boost/json/value.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sluice/identity/conditions.h"
#include "sluice/identity/policy.h"

namespace sluice::identity {

namespace detail {

struct PatternToken {
  enum class Kind { Text, AnyRun, AnyOne, Variable };
  Kind kind = Kind::Text;
  std::string text;                          // Text: the literal; Variable: the context key
  std::optional<std::string> default_value;  // Variable: ${key, 'default'}
};

// A wildcard pattern: "*" and "?" wildcards, optionally policy variables.
struct Pattern {
  std::vector<PatternToken> tokens;
  bool has_variables = false;
  // Without variables: the pattern as match units, a character (0..255), kAnyRun or kAnyOne.
  std::vector<int> units;
};
inline constexpr int kAnyRun = -1;
inline constexpr int kAnyOne = -2;

// Reads `text` into tokens; with `variables`, ${...} is a policy variable (or an escape).
Pattern compile_pattern(std::string_view text, bool variables);

// Matches `subject` against the pattern, variables resolved from `context`. A variable the
// context lacks (and that has no default) makes the pattern match nothing.
bool pattern_matches(const Pattern& pattern, std::string_view subject, bool ignore_case,
                     const ConditionContext* context);

// The Principal (or NotPrincipal) element.
struct PrincipalSet {
  bool everyone = false;               // "*" or {"AWS": "*"}
  std::vector<std::string> aws;        // account ids, account roots, user/role/session ARNs
  std::vector<std::string> services;   // "sns.amazonaws.com"
  std::vector<std::string> federated;  // identity provider ARNs or names
  std::vector<std::string> canonical;  // S3 canonical user ids (never match here)
};

struct CompiledStatement {
  std::string sid;
  bool allow = true;
  bool not_action = false;
  std::vector<Pattern> actions;  // Action or NotAction
  bool has_resource = false;
  bool not_resource = false;
  std::vector<Pattern> resources;  // Resource or NotResource
  bool has_principal = false;
  bool not_principal = false;
  PrincipalSet principals;
  std::optional<boost::json::value> condition;
  bool condition_has_variables = false;
};

}  // namespace detail

struct CompiledPolicy {
  bool variables = false;  // Version 2012-10-17
  std::vector<detail::CompiledStatement> statements;
};

}  // namespace sluice::identity
