// Versions and aliases: the request framework's ValidationException for patterns and ranges,
// Lambda's own InvalidParameterValueException for the rules between fields.

#include "alias_rules.h"

#include <sstream>

#include "sluice/common/pattern.h"

namespace sluice::lambda::detail {
namespace {

constexpr const char* kAliasPattern = "(?!^[0-9]+$)([a-zA-Z0-9-_]+)";
constexpr const char* kVersionPattern = R"((\$LATEST|[0-9]+))";

common::AwsError validation(const std::string& constraint_text) {
  return common::aws_error(common::AwsErrorCode::Validation, "1 validation error detected: " + constraint_text);
}

bool all_digits(const std::string& text) {
  return !text.empty() && text.find_first_not_of("0123456789") == std::string::npos;
}

// How the request framework prints a map in its texts: {2=0.5, 3=0.25}.
std::string map_text(const VersionWeights& routing) {
  std::ostringstream out;
  out << '{';
  bool first = true;
  for (const auto& [version, weight] : routing) {
    out << (first ? "" : ", ") << version << '=' << weight;
    first = false;
  }
  out << '}';
  return out.str();
}

}  // namespace

std::optional<common::AwsError> check_alias_name(const std::string& name) {
  static const common::Pattern word("[a-zA-Z0-9-_]+");
  const std::string prefix = "Value '" + name + "' at 'name' failed to satisfy constraint: ";
  if (name.size() > 128) return validation(prefix + "Member must have length less than or equal to 128");
  if (name.empty() || all_digits(name) || !word.matches(name)) {
    return validation(prefix + "Member must satisfy regular expression pattern: " + kAliasPattern);
  }
  return std::nullopt;
}

std::optional<common::AwsError> check_function_version(const std::string& version) {
  if (version == "$LATEST" || (all_digits(version) && version.size() <= 1024)) return std::nullopt;
  return validation("Value '" + version +
                    "' at 'functionVersion' failed to satisfy constraint: Member must satisfy regular expression "
                    "pattern: " +
                    kVersionPattern);
}

std::optional<common::AwsError> check_routing(const std::string& function_version, const VersionWeights& routing) {
  const std::string prefix =
      "Value '" + map_text(routing) + "' at 'routingConfig.additionalVersionWeights' failed to satisfy constraint: ";
  if (routing.size() > 1) return validation(prefix + "Member must have length less than or equal to 1");
  for (const auto& [version, weight] : routing) {
    if (!all_digits(version)) {
      return validation(prefix +
                        "Map keys must satisfy constraint: [Member must satisfy regular expression pattern: "
                        "[0-9]+]");
    }
    if (weight < 0.0 || weight > 1.0) {
      return validation(prefix +
                        "Map value must satisfy constraint: [Member must have value less than or equal to 1.0, "
                        "Member must have value greater than or equal to 0.0]");
    }
    if (function_version == "$LATEST") {
      return common::aws_error(common::AwsErrorCode::LambdaInvalidParameterValue,
                               "$LATEST is not supported for an alias pointing to more than 1 version");
    }
    if (version == function_version) {
      return common::aws_error(common::AwsErrorCode::LambdaInvalidParameterValue,
                               "Invalid function version " + version + ". Function version " + version +
                                   " is already included in routing configuration.");
    }
  }
  return std::nullopt;
}

common::AwsError alias_exists(const std::string& alias_arn) {
  return common::aws_error(common::AwsErrorCode::ResourceConflict, "Alias already exists: " + alias_arn);
}

common::AwsError alias_not_found(const std::string& alias_arn) {
  return common::aws_error(common::AwsErrorCode::ResourceNotFound, "Cannot find alias arn: " + alias_arn);
}

common::AwsError revision_mismatch() {
  return common::aws_error(
      common::AwsErrorCode::LambdaPreconditionFailed,
      "The Revision Id provided does not match the latest Revision Id. Call the GetFunction/GetAlias API "
      "to retrieve the latest Revision Id");
}

common::AwsError code_sha256_mismatch(const std::string& given, const std::string& latest) {
  return common::aws_error(common::AwsErrorCode::LambdaInvalidParameterValue,
                           "CodeSHA256 (" + given + ") is different from current CodeSHA256 in $LATEST (" + latest +
                               "). Please try again with the CodeSHA256 in $LATEST.");
}

}  // namespace sluice::lambda::detail
