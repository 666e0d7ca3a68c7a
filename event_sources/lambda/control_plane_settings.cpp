// A function's settings beyond its configuration: reserved concurrency, tags, and the account's
// settings they add up to.

#include "control_plane_impl.h"

namespace sluice::lambda::detail {

common::Outcome<FunctionRecord> ControlPlaneImpl::put_function_concurrency(std::string_view name_or_arn,
                                                                           int64_t reserved) {
  auto ref = parse_function_name(name_or_arn);
  if (!ref) return ref.take_error();
  if (reserved < 0) {
    return common::aws_error(
        common::AwsErrorCode::Validation,
        "1 validation error detected: Value '" + std::to_string(reserved) +
            "' at 'reservedConcurrentExecutions' failed to satisfy constraint: Member must have value "
            "greater than or equal to 0");
  }
  common::MutexLock lock(mu_);
  auto found = find(*ref);
  if (!found) return found.take_error();
  int64_t reserved_elsewhere = 0;
  for (const auto& [name, function] : functions_)
    if (name != found->name && function.reserved_concurrency) reserved_elsewhere += *function.reserved_concurrency;
  if (kAccountConcurrency - reserved_elsewhere - reserved < kMinimumUnreserved) {
    return common::aws_error(common::AwsErrorCode::LambdaInvalidParameterValue,
                             "Specified ReservedConcurrentExecutions for function decreases account's "
                             "UnreservedConcurrentExecution below its minimum value of [" +
                                 std::to_string(kMinimumUnreserved) + "].");
  }
  FunctionRecord function = *found;
  function.reserved_concurrency = reserved;
  if (auto persisted = persist(function); !persisted) return persisted.take_error();
  functions_[function.name] = function;
  enqueue({Job::Kind::Deploy, function.name, ""});  // mappings read the limit from the runtime
  return function;
}

common::Outcome<TagMap> ControlPlaneImpl::list_tags(std::string_view function_arn) const {
  auto ref = tag_target(function_arn);
  if (!ref) return ref.take_error();
  common::MutexLock lock(mu_);
  auto found = find(*ref);
  if (!found) return found.take_error();
  return found->tags;
}

common::Status ControlPlaneImpl::tag_resource(std::string_view function_arn, const TagMap& tags) {
  return change_tags(function_arn, [&](TagMap& current) {
    for (const auto& [key, value] : tags) current[key] = value;
  });
}

common::Status ControlPlaneImpl::untag_resource(std::string_view function_arn, const std::vector<std::string>& keys) {
  return change_tags(function_arn, [&](TagMap& current) {
    for (const auto& key : keys) current.erase(key);
  });
}

AccountSettings ControlPlaneImpl::account_settings() const {
  AccountSettings settings;
  settings.concurrent_executions = kAccountConcurrency;
  settings.unreserved_concurrent_executions = kAccountConcurrency;
  common::MutexLock lock(mu_);
  for (const auto& [name, function] : functions_) {
    if (function.reserved_concurrency) settings.unreserved_concurrent_executions -= *function.reserved_concurrency;
    settings.total_code_size += function.code_size;
    ++settings.function_count;
  }
  return settings;
}

common::Status ControlPlaneImpl::delete_function_concurrency(std::string_view name_or_arn) {
  auto ref = parse_function_name(name_or_arn);
  if (!ref) return ref.take_error();
  common::MutexLock lock(mu_);
  auto found = find(*ref);
  if (!found) return found.take_error();
  FunctionRecord function = *found;
  function.reserved_concurrency.reset();
  if (auto persisted = persist(function); !persisted) return persisted.take_error();
  functions_[function.name] = function;
  enqueue({Job::Kind::Deploy, function.name, ""});
  return common::ok_status();
}

// Tags name their resource by ARN; a bare name is not a resource ARN.
common::Outcome<FunctionRef> ControlPlaneImpl::tag_target(std::string_view arn) {
  if (arn.substr(0, 4) != "arn:") {
    return common::aws_error(
        common::AwsErrorCode::Validation,
        "1 validation error detected: Value '" + std::string(arn) +
            "' at 'resource' failed to satisfy constraint: Member must satisfy regular expression "
            "pattern: arn:(aws[a-zA-Z-]*):lambda:[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\\d{1}:\\d{12}:"
            "(function:[a-zA-Z0-9-_]+(:(\\$LATEST|[a-zA-Z0-9-_]+))?|layer:[a-zA-Z0-9-_]+)");
  }
  return parse_function_name(arn);
}

}  // namespace sluice::lambda::detail
