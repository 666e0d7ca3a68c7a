#pragma once
// Lambda's event-source mappings as the control plane keeps them. The settings a request gives
// (BatchSize, MaximumBatchingWindowInSeconds, ScalingConfig, FunctionResponseTypes,
// FilterCriteria, Enabled) are kept as the request's JSON: their one definition, defaults and
// validation with AWS's texts belong to the runtime's event-source mappings (runtime/esm), which
// the Executor applies them to. The control plane owns identity, the function and queue they
// connect, durability and listing.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace sluice::lambda {

struct MappingRecord {
  std::string uuid;
  std::string function_name;
  std::string function_arn;
  std::string event_source_arn;
  std::string settings_json;  // a JSON object of the settable fields, changes merged in
  int64_t created_ms = 0;
};

struct CreateMappingInput {
  std::string function_name;     // name or ARN
  std::string event_source_arn;  // must be an ARN (a queue URL is AWS's ValidationException)
  std::string settings_json;     // the request's other members, a JSON object ("{}" when none)
};

struct MappingFilter {
  std::string event_source_arn;  // "" = any
  std::string function_name;     // name or ARN; "" = any
  std::string marker;            // from a previous page's NextMarker
  std::optional<int64_t> max_items;
};

struct MappingPage {
  std::vector<std::string> configurations;  // EventSourceMappingConfiguration JSON objects
  std::string next_marker;
};

}  // namespace sluice::lambda
