// Validation of function requests with AWS's rules and texts. Range and pattern checks are the
// request framework's ValidationException ("1 validation error detected: ..."); Lambda's own
// checks answer InvalidParameterValueException.

#include "function_rules.h"

#include <optional>
#include <string>
#include <vector>

#include "sluice/common/pattern.h"

namespace sluice::lambda::detail {
namespace {

constexpr const char* kFunctionNamePattern =
    R"((arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{2}(-gov)?-[a-z]+-\d{1}:)?(\d{12}:)?(function:)?([a-zA-Z0-9-_]+)(:(\$LATEST|[a-zA-Z0-9-_]+))?)";
constexpr const char* kRolePattern = R"(arn:(aws[a-zA-Z-]*)?:iam::\d{12}:role/?[a-zA-Z_0-9+=,.@\-_/]+)";

AwsError validation(const std::string& constraint_text) {
  return aws_error(AwsErrorCode::Validation, "1 validation error detected: " + constraint_text);
}

std::optional<AwsError> check_range(const std::optional<int64_t>& value, const char* member, int64_t low,
                                    int64_t high) {
  if (!value) return std::nullopt;
  const std::string prefix =
      "Value '" + std::to_string(*value) + "' at '" + member + "' failed to satisfy constraint: ";
  if (*value < low)
    return validation(prefix + "Member must have value greater than or equal to " + std::to_string(low));
  if (*value > high) return validation(prefix + "Member must have value less than or equal to " + std::to_string(high));
  return std::nullopt;
}

std::optional<AwsError> check_role(const std::string& role) {
  static const Pattern pattern(kRolePattern);
  if (pattern.matches(role)) return std::nullopt;
  return validation(
      "Value '" + role +
      "' at 'role' failed to satisfy constraint: Member must satisfy regular expression pattern: " + kRolePattern);
}

std::optional<AwsError> check_description(const std::string& description) {
  if (description.size() <= 256) return std::nullopt;
  return validation("Value '" + description +
                    "' at 'description' failed to satisfy constraint: Member must have length less than or equal "
                    "to 256");
}

}  // namespace

Outcome<FunctionRef> parse_function_name(std::string_view name_or_arn) {
  static const Pattern pattern(kFunctionNamePattern);
  const std::string text(name_or_arn);
  std::optional<std::vector<std::string>> match;
  if (text.empty() || text.size() > 140 || !(match = pattern.match_groups(text))) {
    return validation("Value '" + text +
                      "' at 'functionName' failed to satisfy constraint: Member must satisfy regular expression "
                      "pattern: " +
                      kFunctionNamePattern);
  }
  FunctionRef ref{(*match)[7], (*match)[9]};
  if (ref.name.size() > 64) {
    return validation("Value '" + text +
                      "' at 'functionName' failed to satisfy constraint: Member must have length less than or equal "
                      "to 64");
  }
  return ref;
}

std::optional<AwsError> validate_create(const CreateFunctionInput& input) {
  if (input.role.empty())
    return validation("Value null at 'role' failed to satisfy constraint: Member must not be null");
  if (auto error = check_role(input.role)) return error;
  if (auto error = check_range(input.timeout_s, "timeout", 1, 900)) return error;
  if (auto error = check_range(input.memory_size_mb, "memorySize", 128, 10240)) return error;
  if (auto error = check_description(input.description)) return error;
  if (input.runtime.empty() || input.handler.empty()) {
    return aws_error(AwsErrorCode::LambdaInvalidParameterValue,
                     "Runtime and Handler are mandatory parameters for functions created with deployment packages.");
  }
  return std::nullopt;
}

std::optional<AwsError> validate_update(const UpdateConfigurationInput& input) {
  if (input.role)
    if (auto error = check_role(*input.role)) return error;
  if (auto error = check_range(input.timeout_s, "timeout", 1, 900)) return error;
  if (auto error = check_range(input.memory_size_mb, "memorySize", 128, 10240)) return error;
  if (input.description)
    if (auto error = check_description(*input.description)) return error;
  return std::nullopt;
}

AwsError function_not_found(const std::string& function_arn) {
  return aws_error(AwsErrorCode::ResourceNotFound, "Function not found: " + function_arn);
}

AwsError function_exists(const std::string& name) {
  return aws_error(AwsErrorCode::ResourceConflict, "Function already exist: " + name);
}

}  // namespace sluice::lambda::detail
