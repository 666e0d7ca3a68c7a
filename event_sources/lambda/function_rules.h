#pragma once
// AWS's validation of function requests and the texts of its answers (internal to
// event_sources/lambda).

#include <optional>
#include <string>
#include <string_view>

#include "sluice/common/aws_error.h"
#include "sluice/lambda/function.h"

namespace sluice::lambda::detail {

// The function a FunctionName names (a name, a full or partial ARN, with an optional qualifier).
struct FunctionRef {
  std::string name;
  std::string qualifier;  // "" when none
};

// Checks FunctionName's pattern and length ("functionName" in the ValidationException).
common::Outcome<FunctionRef> parse_function_name(std::string_view name_or_arn);

std::optional<common::AwsError> validate_create(const CreateFunctionInput& input);
std::optional<common::AwsError> validate_update(const UpdateConfigurationInput& input);

common::AwsError function_not_found(const std::string& function_arn);
common::AwsError function_exists(const std::string& name);

}  // namespace sluice::lambda::detail
