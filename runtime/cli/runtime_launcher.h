#pragma once
// Holds the FunctionRegistry (sluice/functions/registry.h) that runs every function: Lambda's
// control plane deploys into it, the configuration's functions included (lambda_config.h applies
// them through the control plane). start() then starts the configuration's mappings of remote
// queues (QueueUrl), which Lambda's API cannot name, over their functions' hosts; the mappings of
// embedded queues are the control plane's. Stopping drains every mapping (in-flight batches finish
// and are settled) before the functions go.
//
// Draining the mappings of remote queues (drain(), also the first step of stop()) is the same as
// `sluice worker`'s: polling stops, long polls in progress end by themselves rather than being cut
// (a cut poll may already have been answered, and its messages would be lost to their visibility
// timeout), and whatever was received but not started goes back to the queue at once
// (ChangeMessageVisibility 0). It takes as long as the longest poll in progress (at most 20 s).
//
// It is also how SNS invokes functions subscribed to topics: the sns::AsyncFunctionInvoker calls
// go to the registry (SNS's delivery layer does the retrying), and OnFailure records are sent to
// embedded queues of the engine.
//
// Lifecycle: start() once, after the configuration's functions are deployed; stop() (or the
// destructor) before the engine is destroyed, and after the SNS service that invokes functions
// through it.
//
// Metrics: with a `meter`, SNS's invocations and the remote mappings' runs go to AWS/Lambda as the
// unqualified function's (Invocations, Errors, Duration, ConcurrentExecutions), as the control
// plane's invocations and mappings do. (The configuration's mappings take no MetricsConfig, so
// there are no EventCount metrics to count here.)
//
// Time: the function hosts, the mappings and the invocation records read `clock` (the server's).
// Logs: invocations, environments and the mappings' LastProcessingResult changes go to `log`.

#include <memory>
#include <string>
#include <vector>

#include "config.h"
#include "server_log.h"
#include "sluice/esm/event_source_mapping.h"
#include "sluice/esm/mapping_directory.h"
#include "sluice/functions/registry.h"
#include "sluice/metrics/lambda_meter.h"
#include "sluice/sns/delivery.h"

namespace sluice::cli {

class RuntimeLauncher final : public sns::AsyncFunctionInvoker {
 public:
  // Mappings run their batches in lanes of `work_pool`, the process's one pool. Each invocation's
  // lines also go to `records` when it is set (CloudWatch Logs, function_logs.h).
  RuntimeLauncher(sqs::Engine& engine, std::string account_id, std::string region, std::shared_ptr<common::Clock> clock,
                  std::shared_ptr<const ServerLog> log, std::shared_ptr<common::WorkPool> work_pool,
                  functions::InvocationRecordSink records = {}, std::shared_ptr<metrics::LambdaMeter> meter = nullptr);
  ~RuntimeLauncher() override;
  // Returns false with *error naming the function or mapping and the reason.
  bool start(const Config& config, std::string* error);
  // Drains the mappings of remote queues (see above); returns once their pollers have stopped.
  // Call it before stop(), never at the same time as stop() (stop() drains what is left).
  void drain();
  void stop();
  size_t mapping_count() const { return mappings_.size(); }
  // The functions the mappings and SNS invoke; the Lambda API deploys into the same registry.
  functions::FunctionRegistry& registry() { return registry_; }
  // The running mappings, the configuration's from start() on; the Lambda API adds its own.
  const std::shared_ptr<esm::MappingDirectory>& mapping_directory() const { return directory_; }

  // sns::AsyncFunctionInvoker: FunctionRegistry::invoke_async and FunctionRegistry::on_failure.
  bool invoke(std::string_view function_arn, std::string event_json, std::string* error_type,
              std::string* error_message) override;
  bool on_failure(std::string_view function_arn, const std::string& event_json, int attempts,
                  const std::string& error_type, const std::string& error_message) override;

 private:
  const std::shared_ptr<common::Clock> clock_;
  const std::shared_ptr<const ServerLog> log_;
  const std::shared_ptr<common::WorkPool> work_pool_;
  const std::shared_ptr<metrics::LambdaMeter> meter_;  // null: unmetered
  functions::FunctionRegistry registry_;
  std::vector<std::shared_ptr<esm::EventSourceMapping>> mappings_;
  const std::shared_ptr<esm::MappingDirectory> directory_ = std::make_shared<esm::MappingDirectory>();
};

}  // namespace sluice::cli
