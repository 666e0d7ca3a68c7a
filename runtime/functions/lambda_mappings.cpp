// See lambda_mappings.h.

#include "lambda_mappings.h"

#include <boost/json.hpp>

#include "sluice/functions/metered_invocation.h"

namespace sluice::functions::detail {
namespace {

namespace json = boost::json;

common::AwsError wrong_type(std::string_view member, std::string_view expected) {
  return common::aws_error(
      common::AwsErrorCode::SerializationException,
      "Could not parse request body into json: " + std::string(member) + " must be " + std::string(expected));
}

// The esm settings shared by create and update, read from one JSON object.
struct Settings {
  std::optional<int64_t> batch_size;
  std::optional<int64_t> window;
  std::optional<esm::ScalingConfig> scaling;
  std::optional<std::vector<std::string>> response_types;
  std::optional<esm::FilterCriteria> filters;
  std::optional<bool> enabled;
  std::optional<esm::MetricsConfig> metrics;
};

common::Outcome<std::optional<int64_t>> read_int(const json::object& o, std::string_view name) {
  const json::value* v = o.if_contains(name);
  if (!v || v->is_null()) return std::optional<int64_t>();
  if (!v->is_int64()) return wrong_type(name, "an integer");
  return std::optional<int64_t>(v->get_int64());
}

common::Outcome<Settings> read_settings(const std::string& text) {
  boost::system::error_code ec;
  json::value parsed = json::parse(text.empty() ? "{}" : text, ec);
  if (ec || !parsed.is_object())
    return common::aws_error(common::AwsErrorCode::SerializationException, "Could not parse request body into json");
  const json::object& o = parsed.get_object();
  Settings s;
  auto batch = read_int(o, "BatchSize");
  if (!batch) return batch.take_error();
  s.batch_size = *batch;
  auto window = read_int(o, "MaximumBatchingWindowInSeconds");
  if (!window) return window.take_error();
  s.window = *window;
  if (const json::value* v = o.if_contains("ScalingConfig"); v && !v->is_null()) {
    if (!v->is_object()) return wrong_type("ScalingConfig", "an object");
    auto maximum = read_int(v->get_object(), "MaximumConcurrency");
    if (!maximum) return maximum.take_error();
    s.scaling = esm::ScalingConfig{*maximum};
  }
  if (const json::value* v = o.if_contains("FunctionResponseTypes"); v && !v->is_null()) {
    if (!v->is_array()) return wrong_type("FunctionResponseTypes", "a list");
    std::vector<std::string> types;
    for (const auto& t : v->get_array()) {
      if (!t.is_string()) return wrong_type("FunctionResponseTypes", "a list of strings");
      types.emplace_back(t.get_string());
    }
    s.response_types = std::move(types);
  }
  if (const json::value* v = o.if_contains("FilterCriteria"); v && !v->is_null()) {
    if (!v->is_object()) return wrong_type("FilterCriteria", "an object");
    esm::FilterCriteria criteria;
    if (const json::value* list = v->get_object().if_contains("Filters"); list && !list->is_null()) {
      if (!list->is_array()) return wrong_type("FilterCriteria.Filters", "a list");
      for (const auto& f : list->get_array()) {
        if (!f.is_object()) return wrong_type("FilterCriteria.Filters", "a list of objects");
        esm::Filter filter;
        if (const json::value* p = f.get_object().if_contains("Pattern"); p && !p->is_null()) {
          if (!p->is_string()) return wrong_type("Pattern", "a string");
          filter.pattern = std::string(p->get_string());
        }
        criteria.filters.push_back(std::move(filter));
      }
    }
    s.filters = std::move(criteria);
  }
  if (const json::value* v = o.if_contains("MetricsConfig"); v && !v->is_null()) {
    if (!v->is_object()) return wrong_type("MetricsConfig", "an object");
    esm::MetricsConfig config;
    if (const json::value* list = v->get_object().if_contains("Metrics"); list && !list->is_null()) {
      if (!list->is_array()) return wrong_type("MetricsConfig.Metrics", "a list");
      for (const auto& m : list->get_array()) {
        if (!m.is_string()) return wrong_type("MetricsConfig.Metrics", "a list of strings");
        config.metrics.emplace_back(m.get_string());
      }
    }
    s.metrics = std::move(config);
  }
  if (const json::value* v = o.if_contains("Enabled"); v && !v->is_null()) {
    if (!v->is_bool()) return wrong_type("Enabled", "a boolean");
    s.enabled = v->get_bool();
  }
  return s;
}

// The function's current code, found in the registry per batch.
// Each invocation goes to the meter (when there is one) as the function's: a mapping invokes its
// unqualified function.
class RegistryInvoker final : public esm::FunctionInvoker {
 public:
  RegistryInvoker(FunctionRegistry& registry, const lambda::FunctionRecord& function,
                  std::shared_ptr<metrics::LambdaMeter> meter)
      : registry_(registry),
        name_(lambda::deployment_name(function)),
        arn_(function.arn),
        declared_timeout_ms_(function.timeout_s * 1000),
        meter_(std::move(meter)),
        resource_{function.name, "", function.version, false} {}

  InvocationResult invoke(const InvocationRequest& request) override {
    if (auto function = registry_.find(name_)) {
      if (!meter_) return function->host->invoke(request);
      return run_metered(*meter_, resource_, [&] { return function->host->invoke(request); });
    }
    InvocationResult missing;
    missing.status = InvocationResult::Status::FunctionError;
    missing.error_type = "ResourceNotFoundException";
    missing.error_message = "Function not found: " + arn_;
    missing.payload =
        json::serialize(json::object{{"errorType", missing.error_type}, {"errorMessage", missing.error_message}});
    return missing;
  }
  std::optional<int64_t> reserved_concurrency() const override {
    auto function = registry_.find(name_);
    return function ? function->reserved_concurrency : std::nullopt;
  }
  int64_t timeout_ms() const override {
    auto function = registry_.find(name_);
    return function ? function->config().timeout_ms : declared_timeout_ms_;
  }
  std::string function_arn() const override { return arn_; }

 private:
  FunctionRegistry& registry_;
  const std::string name_;
  const std::string arn_;
  const int64_t declared_timeout_ms_;
  const std::shared_ptr<metrics::LambdaMeter> meter_;
  const metrics::LambdaResource resource_;
};

// esm's configuration JSON without LastProcessingResult, which Lambda does not answer for SQS.
std::string api_json(const esm::EventSourceMappingConfiguration& configuration) {
  std::string text = esm::to_json(configuration);
  boost::system::error_code ec;
  json::value parsed = json::parse(text, ec);
  if (ec || !parsed.is_object()) return text;
  parsed.get_object().erase("LastProcessingResult");
  return json::serialize(parsed);
}

}  // namespace

common::Outcome<esm::CreateMappingRequest> read_create_settings(const std::string& settings_json) {
  auto s = read_settings(settings_json);
  if (!s) return s.take_error();
  esm::CreateMappingRequest request;
  request.batch_size = s->batch_size;
  request.maximum_batching_window_in_seconds = s->window;
  request.scaling_config = s->scaling;
  request.function_response_types = s->response_types.value_or(std::vector<std::string>{});
  request.filter_criteria = s->filters;
  request.enabled = s->enabled;
  request.metrics_config = s->metrics;
  return request;
}

common::Outcome<esm::UpdateMappingRequest> read_update_settings(const std::string& changes_json) {
  auto s = read_settings(changes_json);
  if (!s) return s.take_error();
  esm::UpdateMappingRequest request;
  request.batch_size = s->batch_size;
  request.maximum_batching_window_in_seconds = s->window;
  request.scaling_config = s->scaling;
  request.function_response_types = s->response_types;
  request.filter_criteria = s->filters;
  request.enabled = s->enabled;
  request.metrics_config = s->metrics;
  return request;
}

LambdaMappings::LambdaMappings(FunctionRegistry& registry, sqs::Engine& engine, LambdaExecutorOptions options)
    : registry_(registry), engine_(engine), options_(std::move(options)) {}

LambdaMappings::~LambdaMappings() {
  std::map<std::string, std::shared_ptr<esm::EventSourceMapping>> stopping;
  {
    common::MutexLock lock(mu_);
    stopping.swap(running_);
  }
  for (auto& [uuid, mapping] : stopping) mapping->stop();
}

common::Outcome<std::string> LambdaMappings::start(const lambda::MappingRecord& mapping,
                                                   const lambda::FunctionRecord& function) {
  auto request = read_create_settings(mapping.settings_json);
  if (!request) return request.take_error();
  request->event_source_arn = mapping.event_source_arn;
  request->uuid = mapping.uuid;
  auto queue = sqs::parse_queue_arn(mapping.event_source_arn);
  if (!queue) {
    return common::aws_error(
        common::AwsErrorCode::LambdaInvalidParameterValue,
        "sluice's event-source mappings read SQS queues only; not an SQS queue ARN: " + mapping.event_source_arn);
  }
  esm::RuntimeOptions runtime;
  runtime.clock = options_.clock;
  runtime.work_pool = options_.work_pool;
  runtime.start_at_full_scale = true;         // local runs want speed, not AWS's gradual ramp-up
  runtime.max_messages_per_receive = 10'000;  // an embedded queue hands over a whole batch at once
  runtime.on_processing_result = options_.on_processing_result;
  if (options_.meter) {
    runtime.on_event_counts = [meter = options_.meter](const std::string& uuid, const esm::EventCounts& counts) {
      meter->mapping_events(uuid,
                            {counts.polled, counts.filtered_out, counts.invoked, counts.failed_invoke, counts.deleted});
    };
  }
  sqs::Engine& engine = engine_;
  const sqs::QueueAddress address = *queue;
  auto created = esm::EventSourceMapping::create(
      *request, std::make_shared<RegistryInvoker>(registry_, function, options_.meter),
      [&engine, address] { return sqs::make_embedded_queue_source(engine, address); }, runtime);
  if (!created) return created.take_error();
  std::shared_ptr<esm::EventSourceMapping> running = std::move(created.value());
  running->start();
  if (options_.mappings) options_.mappings->add(running);
  std::shared_ptr<esm::EventSourceMapping> replaced;
  {
    common::MutexLock lock(mu_);
    replaced = std::exchange(running_[mapping.uuid], running);
  }
  if (replaced) replaced->stop();
  return api_json(running->configuration());
}

common::Outcome<std::string> LambdaMappings::update(const std::string& uuid, const std::string& changes_json) {
  auto request = read_update_settings(changes_json);
  if (!request) return request.take_error();
  std::shared_ptr<esm::EventSourceMapping> mapping;
  {
    common::MutexLock lock(mu_);
    auto found = running_.find(uuid);
    if (found == running_.end())
      return common::aws_error(common::AwsErrorCode::ResourceNotFound, "The resource you requested does not exist.");
    mapping = found->second;
  }
  if (auto error = mapping->update(*request)) return *error;
  return api_json(mapping->configuration());
}

void LambdaMappings::stop(const std::string& uuid) {
  std::shared_ptr<esm::EventSourceMapping> mapping;
  {
    common::MutexLock lock(mu_);
    auto found = running_.find(uuid);
    if (found == running_.end()) return;
    mapping = std::move(found->second);
    running_.erase(found);
  }
  mapping->stop();
}

std::optional<std::string> LambdaMappings::configuration(const std::string& uuid) const {
  std::shared_ptr<esm::EventSourceMapping> mapping;
  {
    common::MutexLock lock(mu_);
    auto found = running_.find(uuid);
    if (found == running_.end()) return std::nullopt;
    mapping = found->second;
  }
  return api_json(mapping->configuration());
}

}  // namespace sluice::functions::detail
