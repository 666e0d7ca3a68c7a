#pragma once
// AWS's validation of versions and aliases and the texts of its answers (internal to
// event_sources/lambda).

#include <optional>
#include <string>

#include "sluice/common/aws_error.h"
#include "sluice/lambda/alias.h"

namespace sluice::lambda::detail {

// Name (1-128 characters, not all digits) and FunctionVersion ($LATEST or a number) patterns.
std::optional<common::AwsError> check_alias_name(const std::string& name);
std::optional<common::AwsError> check_function_version(const std::string& version);
// RoutingConfig: at most one additional version, a number other than the alias's own version
// (which may not be $LATEST then), with a weight from 0.0 to 1.0.
std::optional<common::AwsError> check_routing(const std::string& function_version, const VersionWeights& routing);

common::AwsError alias_exists(const std::string& alias_arn);
common::AwsError alias_not_found(const std::string& alias_arn);
common::AwsError revision_mismatch();
common::AwsError code_sha256_mismatch(const std::string& given, const std::string& latest);

}  // namespace sluice::lambda::detail
