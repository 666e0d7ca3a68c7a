#pragma once
// The event invoke configurations of a control plane (internal to event_sources/lambda), keyed by
// the qualified ARN they belong to (a function's ":$LATEST", a version or an alias), with AWS's
// validation and texts, kept in the store. Not thread-safe: the control plane's mutex guards it.

#include <map>
#include <optional>
#include <string>

#include "function_store.h"
#include "sluice/common/aws_error.h"
#include "sluice/lambda/event_invoke_config.h"

namespace sluice::lambda::detail {

// The request's own checks (ranges, destinations), in AWS's words.
std::optional<common::AwsError> validate_event_invoke_config(const EventInvokeConfigInput& input);

std::string event_invoke_config_store_json(const EventInvokeConfig& config);
std::optional<EventInvokeConfig> event_invoke_config_from_store_json(const std::string& json);

class EventInvokeConfigs {
 public:
  explicit EventInvokeConfigs(FunctionStore& store) : store_(store) {}
  void load(std::vector<EventInvokeConfig> configs);

  // Put (replace) or Update (change what input names; not found without a configuration).
  // unqualified_arn names the function in the not-found text.
  common::Outcome<EventInvokeConfig> put(const std::string& qualified_arn, const EventInvokeConfigInput& input,
                                         int64_t now_ms);
  common::Outcome<EventInvokeConfig> update(const std::string& qualified_arn, const std::string& unqualified_arn,
                                            const EventInvokeConfigInput& input, int64_t now_ms);
  common::Outcome<EventInvokeConfig> get(const std::string& qualified_arn, const std::string& unqualified_arn) const;
  common::Status remove(const std::string& qualified_arn, const std::string& unqualified_arn);
  // Those of one function (its ARN without qualifier), after `marker` (a qualified ARN).
  EventInvokeConfigPage list(const std::string& function_arn, const std::string& marker, size_t limit) const;
  // Drops the configuration of one qualified ARN, or every one of a function (function_arn + ":").
  common::Status forget(const std::string& qualified_arn);
  common::Status forget_function(const std::string& function_arn);
  AsyncSettings settings(const std::string& qualified_arn) const;

 private:
  common::Status persist(const EventInvokeConfig& config);

  FunctionStore& store_;
  std::map<std::string, EventInvokeConfig> configs_;
};

}  // namespace sluice::lambda::detail
