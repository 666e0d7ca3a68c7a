// Validation of function requests with AWS's rules and texts. Range and pattern checks are the
// request framework's ValidationException ("1 validation error detected: ..."); Lambda's own
// checks answer InvalidParameterValueException.

#include "function_rules.h"

#include <cctype>
#include <iterator>
#include <optional>
#include <string>

#include "sluice/common/pattern.h"

namespace sluice::lambda::detail {
namespace {

constexpr const char* kFunctionNamePattern =
    R"((arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{2}(-gov)?-[a-z]+-\d{1}:)?(\d{12}:)?(function:)?([a-zA-Z0-9-_]+)(:(\$LATEST|[a-zA-Z0-9-_]+))?)";
constexpr const char* kRolePattern = R"(arn:(aws[a-zA-Z-]*)?:iam::\d{12}:role/?[a-zA-Z_0-9+=,.@\-_/]+)";

// FunctionName's pattern (kFunctionNamePattern), matched by hand: every call of the API names a
// function, and a regular expression engine cost microseconds per call. The pattern is four
// optional prefixes, each of a fixed shape without a choice inside ("arn:<partition>:lambda:",
// a region and ':', twelve digits and ':', "function:"), then the name and an optional
// ":qualifier". As the regular expression does, each prefix is tried present first, and absent
// when the rest cannot match then.

bool is_name_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_'; }
bool is_lower(char c) { return c >= 'a' && c <= 'z'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }

size_t count_while(std::string_view s, size_t from, bool (*accept)(char)) {
  size_t end = from;
  while (end < s.size() && accept(s[end])) ++end;
  return end - from;
}

// "arn:" + ("aws" + [a-zA-Z-]*)? + ":lambda:"
std::optional<size_t> arn_prefix(std::string_view s) {
  if (!s.starts_with("arn:")) return std::nullopt;
  size_t at = 4;
  if (s.substr(at).starts_with("aws")) {
    at += 3;
    at += count_while(s, at, [](char c) { return std::isalpha(static_cast<unsigned char>(c)) != 0 || c == '-'; });
  }
  if (!s.substr(at).starts_with(":lambda:")) return std::nullopt;
  return at + 8;
}

// [a-z]{2} + (-gov)? + "-" + [a-z]+ + "-" + digit + ":"
std::optional<size_t> region_prefix(std::string_view s) {
  if (s.size() < 2 || !is_lower(s[0]) || !is_lower(s[1])) return std::nullopt;
  for (const bool gov : {true, false}) {
    size_t at = 2;
    if (gov) {
      if (!s.substr(at).starts_with("-gov")) continue;
      at += 4;
    }
    if (at >= s.size() || s[at] != '-') continue;
    const size_t letters = count_while(s, ++at, is_lower);
    if (letters == 0) continue;
    at += letters;
    if (at + 3 > s.size() || s[at] != '-' || !is_digit(s[at + 1]) || s[at + 2] != ':') continue;
    return at + 3;
  }
  return std::nullopt;
}

// \d{12} + ":"
std::optional<size_t> account_prefix(std::string_view s) {
  if (s.size() < 13 || count_while(s, 0, is_digit) != 12 || s[12] != ':') return std::nullopt;
  return 13;
}

std::optional<size_t> function_prefix(std::string_view s) {
  if (!s.starts_with("function:")) return std::nullopt;
  return 9;
}

// [a-zA-Z0-9-_]+ + (":" + ("$LATEST" | [a-zA-Z0-9-_]+))?, to the end.
std::optional<FunctionRef> name_and_qualifier(std::string_view s) {
  const size_t name = count_while(s, 0, is_name_char);
  if (name == 0) return std::nullopt;
  if (name == s.size()) return FunctionRef{std::string(s), ""};
  if (s[name] != ':') return std::nullopt;
  const std::string_view qualifier = s.substr(name + 1);
  if (qualifier != "$LATEST" && (qualifier.empty() || count_while(qualifier, 0, is_name_char) != qualifier.size()))
    return std::nullopt;
  return FunctionRef{std::string(s.substr(0, name)), std::string(qualifier)};
}

std::optional<FunctionRef> match_from(std::string_view s, size_t prefix) {
  using Prefix = std::optional<size_t> (*)(std::string_view);
  static constexpr Prefix kPrefixes[] = {arn_prefix, region_prefix, account_prefix, function_prefix};
  if (prefix == std::size(kPrefixes)) return name_and_qualifier(s);
  if (auto length = kPrefixes[prefix](s))
    if (auto found = match_from(s.substr(*length), prefix + 1)) return found;
  return match_from(s, prefix + 1);
}

std::optional<FunctionRef> match_function_name(std::string_view s) { return match_from(s, 0); }

common::AwsError validation(const std::string& constraint_text) {
  return common::aws_error(common::AwsErrorCode::Validation, "1 validation error detected: " + constraint_text);
}

std::optional<common::AwsError> check_range(const std::optional<int64_t>& value, const char* member, int64_t low,
                                            int64_t high) {
  if (!value) return std::nullopt;
  const std::string prefix =
      "Value '" + std::to_string(*value) + "' at '" + member + "' failed to satisfy constraint: ";
  if (*value < low)
    return validation(prefix + "Member must have value greater than or equal to " + std::to_string(low));
  if (*value > high) return validation(prefix + "Member must have value less than or equal to " + std::to_string(high));
  return std::nullopt;
}

std::optional<common::AwsError> check_role(const std::string& role) {
  static const common::Pattern pattern(kRolePattern);
  if (pattern.matches(role)) return std::nullopt;
  return validation(
      "Value '" + role +
      "' at 'role' failed to satisfy constraint: Member must satisfy regular expression pattern: " + kRolePattern);
}

std::optional<common::AwsError> check_description(const std::string& description) {
  if (description.size() <= 256) return std::nullopt;
  return validation("Value '" + description +
                    "' at 'description' failed to satisfy constraint: Member must have length less than or equal "
                    "to 256");
}

}  // namespace

common::Outcome<FunctionRef> parse_function_name(std::string_view name_or_arn) {
  const std::string text(name_or_arn);
  std::optional<FunctionRef> matched;
  if (!text.empty() && text.size() <= 140) matched = match_function_name(text);
  if (!matched) {
    return validation("Value '" + text +
                      "' at 'functionName' failed to satisfy constraint: Member must satisfy regular expression "
                      "pattern: " +
                      kFunctionNamePattern);
  }
  FunctionRef ref = std::move(*matched);
  if (ref.name.size() > 64) {
    return validation("Value '" + text +
                      "' at 'functionName' failed to satisfy constraint: Member must have length less than or equal "
                      "to 64");
  }
  return ref;
}

std::optional<common::AwsError> validate_create(const CreateFunctionInput& input) {
  if (input.role.empty())
    return validation("Value null at 'role' failed to satisfy constraint: Member must not be null");
  if (auto error = check_role(input.role)) return error;
  if (auto error = check_range(input.timeout_s, "timeout", 1, 900)) return error;
  if (auto error = check_range(input.memory_size_mb, "memorySize", 128, 10240)) return error;
  if (auto error = check_description(input.description)) return error;
  if (input.runtime.empty() || input.handler.empty()) {
    return common::aws_error(
        common::AwsErrorCode::LambdaInvalidParameterValue,
        "Runtime and Handler are mandatory parameters for functions created with deployment packages.");
  }
  return std::nullopt;
}

std::optional<common::AwsError> validate_update(const UpdateConfigurationInput& input) {
  if (input.role)
    if (auto error = check_role(*input.role)) return error;
  if (auto error = check_range(input.timeout_s, "timeout", 1, 900)) return error;
  if (auto error = check_range(input.memory_size_mb, "memorySize", 128, 10240)) return error;
  if (input.description)
    if (auto error = check_description(*input.description)) return error;
  return std::nullopt;
}

common::AwsError function_not_found(const std::string& function_arn) {
  return common::aws_error(common::AwsErrorCode::ResourceNotFound, "Function not found: " + function_arn);
}

common::AwsError function_exists(const std::string& name) {
  return common::aws_error(common::AwsErrorCode::ResourceConflict, "Function already exist: " + name);
}

}  // namespace sluice::lambda::detail
