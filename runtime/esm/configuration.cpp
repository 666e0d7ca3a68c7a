// Mapping configuration: defaults, AWS's validation rules and texts, and the JSON shape of
// EventSourceMappingConfiguration.
//
// Rules and texts (aws-facts 3.1): range and length checks are the request framework's
// ValidationException ("1 validation error detected: ..."); the semantic rules are
// InvalidParameterValueException with the texts AWS answered in recordings. The texts for a FIFO
// batch size above 10 and for more than 5 filters are not in any recording; they are written in
// the same style.
#include <boost/json.hpp>

#include "filter_pattern.h"
#include "sluice/common/crypto.h"
#include "sluice/common/defaults.h"
#include "sluice/esm/event_source_mapping.h"

namespace sluice::esm {
namespace {

constexpr size_t kMaxFilters = 5;
constexpr size_t kMaxPatternLength = 4096;
constexpr std::string_view kReportBatchItemFailures = "ReportBatchItemFailures";
constexpr std::string_view kEventCount = "EventCount";
constexpr size_t kMaxMetrics = 3;

common::AwsError invalid(std::string message) {
  return common::aws_error(common::AwsErrorCode::LambdaInvalidParameterValue, std::move(message));
}

common::AwsError out_of_range(const std::string& value, std::string_view member, std::string_view constraint) {
  return common::aws_error(common::AwsErrorCode::Validation,
                           "1 validation error detected: Value '" + value + "' at '" + std::string(member) +
                               "' failed to satisfy constraint: " + std::string(constraint));
}

std::optional<common::AwsError> check_range(int64_t value, int64_t lo, int64_t hi, std::string_view member) {
  if (value < lo)
    return out_of_range(std::to_string(value), member,
                        "Member must have value greater than or equal to " + std::to_string(lo));
  if (value > hi)
    return out_of_range(std::to_string(value), member,
                        "Member must have value less than or equal to " + std::to_string(hi));
  return std::nullopt;
}

// arn:aws:lambda:REGION:ACCOUNT:function:NAME -> {REGION, ACCOUNT}
std::pair<std::string, std::string> region_and_account(const std::string& function_arn) {
  std::vector<std::string> parts;
  size_t start = 0;
  for (int i = 0; i < 5; ++i) {
    size_t colon = function_arn.find(':', start);
    if (colon == std::string::npos) return {common::kDefaultRegion, common::kDefaultAccountId};
    parts.push_back(function_arn.substr(start, colon - start));
    start = colon + 1;
  }
  return {parts[3], parts[4]};
}

}  // namespace

common::AwsError duplicate_mapping_error(const std::string& event_source_arn, const std::string& function_name,
                                         const std::string& existing_uuid) {
  return {common::AwsErrorCode::ResourceConflict,
          "An event source mapping with SQS arn (\" " + event_source_arn + " \") and function (\" " + function_name +
              " \") already exists. Please update or delete the existing mapping "
              "with UUID " +
              existing_uuid};
}

bool EventSourceMappingConfiguration::counts_events() const {
  if (!metrics_config) return false;
  for (const auto& m : metrics_config->metrics)
    if (m == kEventCount) return true;
  return false;
}

bool EventSourceMappingConfiguration::reports_batch_item_failures() const {
  for (const auto& t : function_response_types)
    if (t == kReportBatchItemFailures) return true;
  return false;
}

EventSourceMappingConfiguration resolve(const CreateMappingRequest& request, const std::string& function_arn) {
  EventSourceMappingConfiguration c;
  c.uuid = request.uuid.empty() ? common::uuid4() : request.uuid;
  c.event_source_arn = request.event_source_arn;
  c.function_arn = function_arn;
  auto [region, account] = region_and_account(function_arn);
  c.event_source_mapping_arn = "arn:aws:lambda:" + region + ":" + account + ":event-source-mapping:" + c.uuid;
  c.batch_size = request.batch_size.value_or(10);
  c.maximum_batching_window_in_seconds = request.maximum_batching_window_in_seconds.value_or(0);
  c.scaling_config = request.scaling_config;
  c.function_response_types = request.function_response_types;
  if (request.filter_criteria && !request.filter_criteria->filters.empty()) c.filter_criteria = request.filter_criteria;
  c.enabled = request.enabled.value_or(true);
  c.metrics_config = request.metrics_config;
  return c;
}

std::optional<common::AwsError> validate(const EventSourceMappingConfiguration& c, const ValidationContext& context) {
  if (auto e = check_range(c.batch_size, 1, 10'000, "batchSize")) return e;
  if (auto e = check_range(c.maximum_batching_window_in_seconds, 0, 300, "maximumBatchingWindowInSeconds")) return e;
  if (c.scaling_config && c.scaling_config->maximum_concurrency)
    if (auto e = check_range(*c.scaling_config->maximum_concurrency, 2, 1'000, "scalingConfig.maximumConcurrency"))
      return e;
  if (c.function_response_types.size() > 1)
    return out_of_range("[" + c.function_response_types.front() + ", ...]", "functionResponseTypes",
                        "Member must have length less than or equal to 1");
  for (const auto& t : c.function_response_types)
    if (t != kReportBatchItemFailures)
      return out_of_range(
          "[" + t + "]", "functionResponseTypes",
          "Member must satisfy constraint: [Member must satisfy enum value set: [ReportBatchItemFailures]]");
  if (c.metrics_config) {
    const auto& metrics = c.metrics_config->metrics;
    if (metrics.size() > kMaxMetrics)
      return out_of_range("[" + metrics.front() + ", ...]", "metricsConfig.metrics",
                          "Member must have length less than or equal to 3");
    for (const auto& m : metrics)
      if (m != kEventCount && m != "ErrorCount" && m != "KafkaMetrics")
        return out_of_range(
            "[" + m + "]", "metricsConfig.metrics",
            "Member must satisfy constraint: [Member must satisfy enum value set: [EventCount, ErrorCount, "
            "KafkaMetrics]]");
  }
  if (c.filter_criteria) {
    const auto& filters = c.filter_criteria->filters;
    for (size_t i = 0; i < filters.size(); ++i)
      if (filters[i].pattern && filters[i].pattern->size() > kMaxPatternLength)
        return out_of_range(*filters[i].pattern, "filterCriteria.filters." + std::to_string(i + 1) + ".member.pattern",
                            "Member must have length less than or equal to 4096");
  }
  if (context.fifo && c.batch_size > 10) return invalid("Batch size for FIFO queues must be less than or equal to 10");
  if (c.batch_size > 10 && c.maximum_batching_window_in_seconds < 1)
    return invalid("Maximum batch window in seconds must be greater than 0 if maximum batch size is greater than 10");
  if (context.fifo && c.maximum_batching_window_in_seconds > 0)
    return invalid("Batching window is not supported for FIFO queues");
  if (c.filter_criteria) {
    const auto& filters = c.filter_criteria->filters;
    if (filters.size() > kMaxFilters)
      return invalid("Invalid filter criteria: at most " + std::to_string(kMaxFilters) + " filters are allowed");
    std::vector<std::string> patterns;
    for (const auto& f : filters) {
      if (!f.pattern) return invalid("Invalid filter pattern definition.");
      patterns.push_back(*f.pattern);
    }
    if (!detail::FilterSet::compile(patterns)) return invalid("Invalid filter pattern definition.");
  }
  if (c.metrics_config)
    for (const auto& m : c.metrics_config->metrics)
      if (m != kEventCount)
        return invalid("Unsupported metric " + m +
                       " in MetricsConfig for an Amazon SQS event source. Supported: " + std::string(kEventCount));
  if (context.queue_visibility_timeout_s < context.function_timeout_s)
    return invalid("Queue visibility timeout: " + std::to_string(context.queue_visibility_timeout_s) +
                   " seconds is less than Function timeout: " + std::to_string(context.function_timeout_s) +
                   " seconds");
  return std::nullopt;
}

std::string to_json(const EventSourceMappingConfiguration& c) {
  boost::json::object o;
  o["UUID"] = c.uuid;
  o["BatchSize"] = c.batch_size;
  o["MaximumBatchingWindowInSeconds"] = c.maximum_batching_window_in_seconds;
  o["EventSourceArn"] = c.event_source_arn;
  o["EventSourceMappingArn"] = c.event_source_mapping_arn;
  if (c.filter_criteria) {
    boost::json::array filters;
    for (const auto& f : c.filter_criteria->filters) {
      boost::json::object filter;
      if (f.pattern) filter["Pattern"] = *f.pattern;
      filters.push_back(std::move(filter));
    }
    o["FilterCriteria"] = boost::json::object{{"Filters", std::move(filters)}};
  }
  o["FunctionArn"] = c.function_arn;
  boost::json::array types;
  for (const auto& t : c.function_response_types) types.push_back(boost::json::string(t));
  o["FunctionResponseTypes"] = std::move(types);
  o["LastModified"] = static_cast<double>(c.last_modified_ms) / 1000.0;
  o["LastProcessingResult"] = c.last_processing_result;
  if (c.metrics_config) {
    boost::json::array metrics;
    for (const auto& m : c.metrics_config->metrics) metrics.push_back(boost::json::string(m));
    o["MetricsConfig"] = boost::json::object{{"Metrics", std::move(metrics)}};
  }
  if (c.scaling_config && c.scaling_config->maximum_concurrency)
    o["ScalingConfig"] = boost::json::object{{"MaximumConcurrency", *c.scaling_config->maximum_concurrency}};
  o["State"] = c.state;
  o["StateTransitionReason"] = c.state_transition_reason;
  return boost::json::serialize(o);
}

}  // namespace sluice::esm
