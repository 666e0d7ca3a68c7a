// Event invoke configurations: Put/Update/Get/Delete/ListFunctionEventInvokeConfigs on a
// function ($LATEST), version or alias, and where Event invocations' records go.

#include "control_plane_impl.h"

namespace sluice::lambda::detail {
namespace {

constexpr int64_t kMaxConfigsPerPage = 50;

// Put and Update need something to set.
std::optional<common::AwsError> check_input(const EventInvokeConfigInput& input) {
  if (auto error = validate_event_invoke_config(input)) return error;
  if (!input.maximum_retry_attempts && !input.maximum_event_age_s && !input.has_destination_config) {
    return common::aws_error(common::AwsErrorCode::LambdaInvalidParameterValue,
                             "You must specify at least one of error handling or destination setting.");
  }
  return std::nullopt;
}

}  // namespace

common::Outcome<std::string> ControlPlaneImpl::event_config_resource(std::string_view name_or_arn,
                                                                     std::string_view qualifier) const {
  auto ref = parse_function_name(name_or_arn);
  if (!ref) return ref.take_error();
  if (!qualifier.empty()) ref->qualifier = std::string(qualifier);
  auto found = find_qualified(*ref, false);
  if (!found) return found.take_error();
  return arn_of(ref->name) + ":" + (ref->qualifier.empty() ? "$LATEST" : ref->qualifier);
}

common::Outcome<EventInvokeConfig> ControlPlaneImpl::put_event_invoke_config(std::string_view name_or_arn,
                                                                             std::string_view qualifier,
                                                                             const EventInvokeConfigInput& input) {
  if (auto error = check_input(input)) return *error;
  common::MutexLock lock(mu_);
  auto resource = event_config_resource(name_or_arn, qualifier);
  if (!resource) return resource.take_error();
  return event_configs_.put(*resource, input, options_.clock->now_ms());
}

common::Outcome<EventInvokeConfig> ControlPlaneImpl::update_event_invoke_config(std::string_view name_or_arn,
                                                                                std::string_view qualifier,
                                                                                const EventInvokeConfigInput& input) {
  if (auto error = check_input(input)) return *error;
  common::MutexLock lock(mu_);
  auto resource = event_config_resource(name_or_arn, qualifier);
  if (!resource) return resource.take_error();
  return event_configs_.update(*resource, config_owner_arn(*resource), input, options_.clock->now_ms());
}

common::Outcome<EventInvokeConfig> ControlPlaneImpl::get_event_invoke_config(std::string_view name_or_arn,
                                                                             std::string_view qualifier) const {
  common::MutexLock lock(mu_);
  auto resource = event_config_resource(name_or_arn, qualifier);
  if (!resource) return resource.take_error();
  return event_configs_.get(*resource, config_owner_arn(*resource));
}

common::Status ControlPlaneImpl::delete_event_invoke_config(std::string_view name_or_arn, std::string_view qualifier) {
  common::MutexLock lock(mu_);
  auto resource = event_config_resource(name_or_arn, qualifier);
  if (!resource) return resource.take_error();
  return event_configs_.remove(*resource, config_owner_arn(*resource));
}

common::Outcome<EventInvokeConfigPage> ControlPlaneImpl::list_event_invoke_configs(
    std::string_view name_or_arn, std::string_view marker, std::optional<int64_t> max_items) const {
  auto ref = parse_function_name(name_or_arn);
  if (!ref) return ref.take_error();
  if (max_items && (*max_items < 1 || *max_items > kMaxConfigsPerPage)) {
    return common::aws_error(common::AwsErrorCode::Validation,
                             "1 validation error detected: Value '" + std::to_string(*max_items) +
                                 "' at 'maxItems' failed to satisfy constraint: Member must have value " +
                                 (*max_items < 1 ? "greater than or equal to 1" : "less than or equal to 50"));
  }
  common::MutexLock lock(mu_);
  auto found = find({ref->name, ""});
  if (!found) return found.take_error();
  return event_configs_.list(found->arn, std::string(marker),
                             static_cast<size_t>(max_items.value_or(kMaxConfigsPerPage)));
}

bool ControlPlaneImpl::send_record(const std::string& destination_arn, const std::string& record) {
  if (destination_arn.rfind("arn:aws:lambda:", 0) == 0) return invoke_async(destination_arn, "", record).ok();
  return options_.destinations && options_.destinations(destination_arn, record);
}

// The ARN a not-found text names: the function's for $LATEST, else the version's or alias's.
std::string ControlPlaneImpl::config_owner_arn(const std::string& qualified_arn) {
  constexpr std::string_view kLatest = ":$LATEST";
  if (qualified_arn.size() > kLatest.size() &&
      qualified_arn.compare(qualified_arn.size() - kLatest.size(), kLatest.size(), kLatest) == 0)
    return qualified_arn.substr(0, qualified_arn.size() - kLatest.size());
  return qualified_arn;
}

}  // namespace sluice::lambda::detail
