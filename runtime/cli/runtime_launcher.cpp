#include "runtime_launcher.h"

#include "sluice/aws/remote_queue_source.h"
#include "sluice/common/clock.h"
#include "sluice/functions/metered_invocation.h"

#include <thread>

namespace sluice::cli {
namespace {

functions::RegistryOptions registry_options(sqs::Engine& engine, std::string account_id, std::string region,
                                            std::shared_ptr<common::Clock> clock,
                                            const std::shared_ptr<const ServerLog>& log,
                                            functions::InvocationRecordSink records) {
  functions::RegistryOptions options;
  options.clock = std::move(clock);
  options.account_id = std::move(account_id);
  options.region = std::move(region);
  // OnFailure destinations are embedded queues (the configuration completes names to ARNs).
  options.send_to_destination = [&engine](const std::string& destination_arn, std::string record_json) {
    auto queue = sqs::parse_queue_arn(destination_arn);
    if (!queue) return false;
    sqs::SendMessageRequest request;
    request.body = std::move(record_json);
    return engine.send_message(*queue, request).ok();
  };
  // Each invocation's log goes to the server's log in one piece, so concurrent invocations do not
  // interleave.
  options.log = [log](const std::string& text) { log->write(text); };
  options.log_format = log->format();
  options.records = std::move(records);
  return options;
}

}  // namespace

RuntimeLauncher::RuntimeLauncher(sqs::Engine& engine, std::string account_id, std::string region,
                                 std::shared_ptr<common::Clock> clock, std::shared_ptr<const ServerLog> log,
                                 std::shared_ptr<common::WorkPool> work_pool, functions::InvocationRecordSink records,
                                 std::shared_ptr<metrics::LambdaMeter> meter)
    : clock_(std::move(clock)),
      log_(std::move(log)),
      work_pool_(std::move(work_pool)),
      meter_(std::move(meter)),
      registry_(registry_options(engine, std::move(account_id), std::move(region), clock_, log_, std::move(records))) {}

RuntimeLauncher::~RuntimeLauncher() { stop(); }

bool RuntimeLauncher::start(const Config& config, std::string* error) {
  for (size_t i = 0; i < config.mappings.size(); ++i) {
    const auto& declared = config.mappings[i];
    // Embedded queues' mappings are Lambda's control plane's (lambda_config.h).
    if (declared.queue_url.empty()) continue;
    esm::CreateMappingRequest request = declared.request;
    aws::RemoteQueueOptions remote;
    remote.queue = declared.queue_url;
    remote.endpoint = declared.endpoint;
    std::string reason;
    auto probe = aws::make_remote_queue_source(remote, &reason);
    if (!probe) {
      *error = "eventSourceMappings[" + std::to_string(i) + "]: " + reason;
      return false;
    }
    request.event_source_arn = probe->arn();
    esm::EventSourceMapping::SourceFactory sources = [remote] { return aws::make_remote_queue_source(remote); };
    esm::RuntimeOptions runtime;
    runtime.clock = clock_;
    runtime.work_pool = work_pool_;
    runtime.start_at_full_scale = true;  // local runs want speed, not AWS's gradual ramp-up
    // A poll cut short may already have been answered, and its messages would stay invisible for
    // their visibility timeout: on the way out, polls end by themselves and what they bring goes
    // back to the queue (drain()).
    runtime.drain_lets_polls_end = true;
    runtime.on_processing_result = [log = log_](const esm::ProcessingResultChange& change) {
      log->processing_result(change);
    };
    // The control plane has deployed the configuration's functions into the registry.
    auto function = registry_.find(declared.function_name);
    if (!function) {
      *error = "eventSourceMappings[" + std::to_string(i) + "]: no function named " + declared.function_name;
      return false;
    }
    std::shared_ptr<esm::FunctionInvoker> invoker =
        esm::make_plugin_invoker(function->host, function->reserved_concurrency);
    if (meter_) invoker = functions::metered_invoker(std::move(invoker), meter_, function->config().name);
    auto mapping = esm::EventSourceMapping::create(request, std::move(invoker), sources, runtime);
    if (!mapping) {
      *error = "eventSourceMappings[" + std::to_string(i) + "]: " + std::string(mapping.error().info().json_type) +
               ": " + mapping.error().message;
      return false;
    }
    std::shared_ptr<esm::EventSourceMapping> started = std::move(mapping.value());
    started->start();
    directory_->add(started);
    mappings_.push_back(std::move(started));
  }
  return true;
}

bool RuntimeLauncher::invoke(std::string_view function_arn, std::string event_json, std::string* error_type,
                             std::string* error_message) {
  std::optional<functions::AsyncInvokeError> failed;
  auto function = meter_ ? registry_.find(function_arn) : nullptr;
  if (function) {
    functions::InvocationRequest request;
    request.event = std::move(event_json);
    failed = functions::FunctionRegistry::async_error(
        functions::run_metered(*meter_, functions::unqualified_resource(function->config().name),
                               [&] { return function->host->invoke(request); }));
  } else {
    failed = registry_.invoke_async(function_arn, std::move(event_json));
  }
  if (!failed) return true;
  *error_type = std::move(failed->type);
  *error_message = std::move(failed->message);
  return false;
}

bool RuntimeLauncher::on_failure(std::string_view function_arn, const std::string& event_json, int attempts,
                                 const std::string& error_type, const std::string& error_message) {
  return registry_.on_failure(function_arn, event_json, attempts, {error_type, error_message});
}

void RuntimeLauncher::drain() {
  // All at once: each waits for its long polls in progress to end.
  std::vector<std::thread> draining;
  draining.reserve(mappings_.size());
  for (auto& mapping : mappings_) draining.emplace_back([mapping] { mapping->drain(); });
  for (auto& thread : draining) thread.join();
}

void RuntimeLauncher::stop() {
  drain();
  for (auto& mapping : mappings_) mapping->stop();
  mappings_.clear();
  registry_.clear();
}

}  // namespace sluice::cli
