// Event invoke configurations (see event_invoke_configs.h; AWS: PutFunctionEventInvokeConfig).

#include "event_invoke_configs.h"

#include <boost/json.hpp>

#include <vector>

#include "sluice/common/sqlite.h"

namespace sluice::lambda {

std::string event_invoke_config_json(const EventInvokeConfig& config) {
  boost::json::object out;
  out["LastModified"] = static_cast<double>(config.last_modified_ms) / 1000.0;  // epoch seconds
  out["FunctionArn"] = config.function_arn;
  if (config.maximum_retry_attempts) out["MaximumRetryAttempts"] = *config.maximum_retry_attempts;
  if (config.maximum_event_age_s) out["MaximumEventAgeInSeconds"] = *config.maximum_event_age_s;
  boost::json::object destinations;
  boost::json::object on_success;
  boost::json::object on_failure;
  if (!config.on_success.empty()) on_success["Destination"] = config.on_success;
  if (!config.on_failure.empty()) on_failure["Destination"] = config.on_failure;
  destinations["OnSuccess"] = std::move(on_success);
  destinations["OnFailure"] = std::move(on_failure);
  out["DestinationConfig"] = std::move(destinations);
  return boost::json::serialize(out);
}

}  // namespace sluice::lambda

namespace sluice::lambda::detail {
namespace {

constexpr int64_t kMaxRetryAttempts = 2;
constexpr int64_t kMinEventAgeS = 60;
constexpr int64_t kMaxEventAgeS = 21600;

void check_range(std::vector<std::string>& problems, const std::optional<int64_t>& value, std::string_view member,
                 int64_t low, int64_t high) {
  if (!value) return;
  std::string problem = "Value '" + std::to_string(*value) + "' at '" + std::string(member) +
                        "' failed to satisfy constraint: Member must have value ";
  if (*value < low) {
    problems.push_back(problem + "greater than or equal to " + std::to_string(low));
  } else if (*value > high) {
    problems.push_back(problem + "less than or equal to " + std::to_string(high));
  }
}

// Where sluice can deliver an invocation record: its own queues, topics and functions.
bool deliverable(const std::string& arn) {
  for (std::string_view service : {"arn:aws:sqs:", "arn:aws:sns:", "arn:aws:lambda:"})
    if (arn.compare(0, service.size(), service) == 0) return true;
  return false;
}

std::optional<common::AwsError> check_destination(const std::string& arn) {
  if (arn.empty() || deliverable(arn)) return std::nullopt;
  return common::aws_error(common::AwsErrorCode::LambdaInvalidParameterValue,
                           "The destination ARN " + arn +
                               " is invalid: sluice delivers invocation records to SQS queues, SNS topics and Lambda "
                               "functions.");
}

common::AwsError no_config(const std::string& unqualified_arn) {
  return common::aws_error(common::AwsErrorCode::ResourceNotFound,
                           "The function " + unqualified_arn + " doesn't have an EventInvokeConfig");
}

}  // namespace

std::optional<common::AwsError> validate_event_invoke_config(const EventInvokeConfigInput& input) {
  std::vector<std::string> problems;
  check_range(problems, input.maximum_retry_attempts, "maximumRetryAttempts", 0, kMaxRetryAttempts);
  check_range(problems, input.maximum_event_age_s, "maximumEventAgeInSeconds", kMinEventAgeS, kMaxEventAgeS);
  if (!problems.empty()) {
    std::string message = std::to_string(problems.size()) +
                          (problems.size() == 1 ? " validation error detected: " : " validation errors detected: ");
    for (size_t i = 0; i < problems.size(); ++i) message += (i ? "; " : "") + problems[i];
    return common::aws_error(common::AwsErrorCode::Validation, message);
  }
  if (auto error = check_destination(input.on_success)) return error;
  return check_destination(input.on_failure);
}

std::string event_invoke_config_store_json(const EventInvokeConfig& config) {
  boost::json::object out;
  out["function_arn"] = config.function_arn;
  if (config.maximum_retry_attempts) out["maximum_retry_attempts"] = *config.maximum_retry_attempts;
  if (config.maximum_event_age_s) out["maximum_event_age_s"] = *config.maximum_event_age_s;
  out["on_success"] = config.on_success;
  out["on_failure"] = config.on_failure;
  out["last_modified_ms"] = config.last_modified_ms;
  return boost::json::serialize(out);
}

std::optional<EventInvokeConfig> event_invoke_config_from_store_json(const std::string& json) {
  boost::system::error_code ec;
  boost::json::value parsed = boost::json::parse(json, ec);
  if (ec || !parsed.is_object()) return std::nullopt;
  const boost::json::object& in = parsed.as_object();
  auto text = [&](std::string_view key) {
    const boost::json::value* v = in.if_contains(key);
    return v && v->is_string() ? std::string(v->as_string()) : std::string();
  };
  auto number = [&](std::string_view key) -> std::optional<int64_t> {
    const boost::json::value* v = in.if_contains(key);
    if (v && v->is_int64()) return v->as_int64();
    return std::nullopt;
  };
  EventInvokeConfig config;
  config.function_arn = text("function_arn");
  if (config.function_arn.empty()) return std::nullopt;
  config.maximum_retry_attempts = number("maximum_retry_attempts");
  config.maximum_event_age_s = number("maximum_event_age_s");
  config.on_success = text("on_success");
  config.on_failure = text("on_failure");
  config.last_modified_ms = number("last_modified_ms").value_or(0);
  return config;
}

void EventInvokeConfigs::load(std::vector<EventInvokeConfig> configs) {
  for (EventInvokeConfig& config : configs) {
    const std::string arn = config.function_arn;
    configs_[arn] = std::move(config);
  }
}

common::Status EventInvokeConfigs::persist(const EventInvokeConfig& config) {
  try {
    store_.put_event_invoke_config(config);
  } catch (const common::sqlite::Error& e) {
    return common::aws_error(common::AwsErrorCode::LambdaService,
                             std::string("the function store failed: ") + e.what());
  }
  configs_[config.function_arn] = config;
  return common::ok_status();
}

common::Outcome<EventInvokeConfig> EventInvokeConfigs::put(const std::string& qualified_arn,
                                                           const EventInvokeConfigInput& input, int64_t now_ms) {
  EventInvokeConfig config;
  config.function_arn = qualified_arn;
  config.maximum_retry_attempts = input.maximum_retry_attempts;
  config.maximum_event_age_s = input.maximum_event_age_s;
  config.on_success = input.on_success;
  config.on_failure = input.on_failure;
  config.last_modified_ms = now_ms;
  if (auto stored = persist(config); !stored) return stored.take_error();
  return config;
}

common::Outcome<EventInvokeConfig> EventInvokeConfigs::update(const std::string& qualified_arn,
                                                              const std::string& unqualified_arn,
                                                              const EventInvokeConfigInput& input, int64_t now_ms) {
  auto found = configs_.find(qualified_arn);
  if (found == configs_.end()) return no_config(unqualified_arn);
  EventInvokeConfig config = found->second;
  if (input.maximum_retry_attempts) config.maximum_retry_attempts = input.maximum_retry_attempts;
  if (input.maximum_event_age_s) config.maximum_event_age_s = input.maximum_event_age_s;
  if (input.has_destination_config) {
    config.on_success = input.on_success;
    config.on_failure = input.on_failure;
  }
  config.last_modified_ms = now_ms;
  if (auto stored = persist(config); !stored) return stored.take_error();
  return config;
}

common::Outcome<EventInvokeConfig> EventInvokeConfigs::get(const std::string& qualified_arn,
                                                           const std::string& unqualified_arn) const {
  auto found = configs_.find(qualified_arn);
  if (found == configs_.end()) return no_config(unqualified_arn);
  return found->second;
}

common::Status EventInvokeConfigs::remove(const std::string& qualified_arn, const std::string& unqualified_arn) {
  if (configs_.count(qualified_arn) == 0) return no_config(unqualified_arn);
  return forget(qualified_arn);
}

EventInvokeConfigPage EventInvokeConfigs::list(const std::string& function_arn, const std::string& marker,
                                               size_t limit) const {
  EventInvokeConfigPage page;
  const std::string prefix = function_arn + ":";
  for (auto it = configs_.lower_bound(prefix); it != configs_.end(); ++it) {
    if (it->first.compare(0, prefix.size(), prefix) != 0) break;
    if (!marker.empty() && it->first <= marker) continue;
    if (page.configs.size() == limit) {
      page.next_marker = page.configs.back().function_arn;
      break;
    }
    page.configs.push_back(it->second);
  }
  return page;
}

common::Status EventInvokeConfigs::forget(const std::string& qualified_arn) {
  if (configs_.count(qualified_arn) == 0) return common::ok_status();
  try {
    store_.erase_event_invoke_config(qualified_arn);
  } catch (const common::sqlite::Error& e) {
    return common::aws_error(common::AwsErrorCode::LambdaService,
                             std::string("the function store failed: ") + e.what());
  }
  configs_.erase(qualified_arn);
  return common::ok_status();
}

common::Status EventInvokeConfigs::forget_function(const std::string& function_arn) {
  const std::string prefix = function_arn + ":";
  std::vector<std::string> arns;
  for (auto it = configs_.lower_bound(prefix); it != configs_.end() && it->first.compare(0, prefix.size(), prefix) == 0;
       ++it)
    arns.push_back(it->first);
  for (const std::string& arn : arns)
    if (auto forgotten = forget(arn); !forgotten) return forgotten;
  return common::ok_status();
}

AsyncSettings EventInvokeConfigs::settings(const std::string& qualified_arn) const {
  AsyncSettings settings;
  auto found = configs_.find(qualified_arn);
  if (found == configs_.end()) return settings;
  const EventInvokeConfig& config = found->second;
  if (config.maximum_retry_attempts) settings.maximum_retry_attempts = *config.maximum_retry_attempts;
  if (config.maximum_event_age_s) settings.maximum_event_age_s = *config.maximum_event_age_s;
  settings.on_success = config.on_success;
  settings.on_failure = config.on_failure;
  return settings;
}

}  // namespace sluice::lambda::detail
