#include "runtime_launcher.h"

#include <algorithm>

#include "sluice/aws/remote_queue_source.h"
#include "sluice/common/clock.h"
#include "sluice/sqs/queue_source.h"

namespace sluice::cli {
namespace {

functions::RegistryOptions registry_options(sqs::Engine& engine, std::string account_id, std::string region,
                                            std::shared_ptr<Clock> clock, const std::shared_ptr<const ServerLog>& log,
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

functions::FunctionSpec function_spec(const FunctionDeclaration& declared, const std::shared_ptr<Clock>& clock) {
  functions::FunctionSpec spec;
  spec.host.clock = clock;
  spec.handler = declared.handler;
  spec.runtime = declared.runtime;
  spec.code_directory = declared.code_directory;
  spec.config.name = declared.name;
  spec.config.memory_size_mb = static_cast<uint32_t>(declared.memory_size_mb);
  spec.config.timeout_ms = static_cast<uint32_t>(declared.timeout_s * 1000);
  spec.config.environment = declared.environment;
  spec.host.mode =
      declared.isolated ? functions::IsolationMode::Isolated : functions::IsolationMode::InProcessWhenConcurrent;
  // As many environments as the function may run invocations at once: its reserved concurrency,
  // else the account's limit. Each mapping's MaximumConcurrency bounds what it sends.
  if (declared.reserved_concurrency)
    spec.host.max_workers = static_cast<unsigned>(
        std::clamp<int64_t>(*declared.reserved_concurrency, 1, functions::kAccountConcurrencyLimit));
  spec.reserved_concurrency = declared.reserved_concurrency;
  spec.on_failure_destination = declared.on_failure_queue_arn;
  return spec;
}

}  // namespace

RuntimeLauncher::RuntimeLauncher(sqs::Engine& engine, std::string account_id, std::string region,
                                 std::shared_ptr<Clock> clock, std::shared_ptr<const ServerLog> log,
                                 std::shared_ptr<WorkPool> work_pool, functions::InvocationRecordSink records)
    : engine_(engine),
      clock_(std::move(clock)),
      log_(std::move(log)),
      work_pool_(std::move(work_pool)),
      registry_(registry_options(engine, std::move(account_id), std::move(region), clock_, log_, std::move(records))) {}

RuntimeLauncher::~RuntimeLauncher() { stop(); }

bool RuntimeLauncher::start(const Config& config, std::string* error) {
  for (const auto& declared : config.functions) {
    auto function = registry_.declare(function_spec(declared, clock_));
    if (!function) {
      *error = function.error();
      return false;
    }
  }
  for (size_t i = 0; i < config.mappings.size(); ++i) {
    const auto& declared = config.mappings[i];
    esm::EventSourceMapping::SourceFactory sources;
    esm::CreateMappingRequest request = declared.request;
    if (!declared.queue_url.empty()) {
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
      sources = [remote] { return aws::make_remote_queue_source(remote); };
    } else {
      auto address = *sqs::parse_queue_arn(declared.event_source_arn);
      sources = [this, address] { return sqs::make_embedded_queue_source(engine_, address); };
    }
    esm::RuntimeOptions runtime;
    runtime.clock = clock_;
    runtime.work_pool = work_pool_;
    runtime.start_at_full_scale = true;  // local runs want speed, not AWS's gradual ramp-up
    runtime.on_processing_result = [log = log_](const esm::ProcessingResultChange& change) {
      log->processing_result(change);
    };
    // Lambda's own pollers are not held to ReceiveMessage's 10-message cap; an embedded queue can
    // hand over a whole batch under one lock. A remote queue is polled through the public API.
    if (declared.queue_url.empty()) runtime.max_messages_per_receive = 10'000;
    auto function = registry_.find(declared.function_name);
    if (!function) {  // the configuration checks the name; a programming error otherwise
      *error = "eventSourceMappings[" + std::to_string(i) + "]: no function named " + declared.function_name;
      return false;
    }
    auto mapping = esm::EventSourceMapping::create(
        request, esm::make_plugin_invoker(function->host, function->reserved_concurrency), sources, runtime);
    if (!mapping) {
      *error = "eventSourceMappings[" + std::to_string(i) + "]: ";
      // The queue a user forgot to declare is named, besides AWS's code and text.
      if (declared.queue_url.empty() && mapping.error().message.find("NonExistentQueue") != std::string::npos)
        *error += "queue " + sqs::parse_queue_arn(declared.event_source_arn)->name +
                  " is not declared under queues and does not exist: ";
      *error += std::string(mapping.error().info().json_type) + ": " + mapping.error().message;
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
  auto failed = registry_.invoke_async(function_arn, std::move(event_json));
  if (!failed) return true;
  *error_type = std::move(failed->type);
  *error_message = std::move(failed->message);
  return false;
}

bool RuntimeLauncher::on_failure(std::string_view function_arn, const std::string& event_json, int attempts,
                                 const std::string& error_type, const std::string& error_message) {
  return registry_.on_failure(function_arn, event_json, attempts, {error_type, error_message});
}

void RuntimeLauncher::stop() {
  for (auto& mapping : mappings_) mapping->stop();
  mappings_.clear();
  registry_.clear();
}

}  // namespace sluice::cli
