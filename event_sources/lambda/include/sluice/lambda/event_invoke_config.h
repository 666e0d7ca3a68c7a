#pragma once
// Asynchronous invocation settings of a function, version or alias
// (Put/Get/Update/Delete/ListFunctionEventInvokeConfigs): how many times a failed Event
// invocation is retried (0-2, default 2), how old an event may get (60-21,600 seconds, default
// 6 hours), and where its invocation record goes on success or on failure (an SQS queue, an SNS
// topic or a Lambda function, by ARN).

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace sluice::lambda {

struct EventInvokeConfig {
  std::string function_arn;  // always qualified: ":$LATEST", a version or an alias
  std::optional<int64_t> maximum_retry_attempts;
  std::optional<int64_t> maximum_event_age_s;
  std::string on_success;  // destination ARN; "" = none
  std::string on_failure;
  int64_t last_modified_ms = 0;
};

// What a Put or Update names. Put replaces the whole configuration; Update changes only what it
// names (a DestinationConfig replaces both destinations).
struct EventInvokeConfigInput {
  std::optional<int64_t> maximum_retry_attempts;
  std::optional<int64_t> maximum_event_age_s;
  bool has_destination_config = false;
  std::string on_success;
  std::string on_failure;
};

struct EventInvokeConfigPage {
  std::vector<EventInvokeConfig> configs;
  std::string next_marker;  // "" on the last page
};

// The FunctionEventInvokeConfig JSON object AWS answers.
std::string event_invoke_config_json(const EventInvokeConfig& config);

// The settings an Event invocation runs under (AWS's defaults when no configuration is set).
struct AsyncSettings {
  int64_t maximum_retry_attempts = 2;
  int64_t maximum_event_age_s = 21600;
  std::string on_success;
  std::string on_failure;
};

}  // namespace sluice::lambda
