#pragma once
// Brings the configuration's functions and event-source mappings to life next to the engine:
// one plugin host per function, one mapping per declaration (embedded queue or remote queue),
// started in order. Stopping drains every mapping (in-flight batches finish and are settled)
// before the plugin hosts go.
//
// It is also how SNS invokes functions subscribed to topics (asynchronous invocations; SNS's
// delivery layer does the retrying).
//
// Lifecycle: start() once; stop() (or the destructor) before the engine is destroyed, and after
// the SNS service that invokes functions through it.
//
// Time: the function hosts, the mappings and the invocation records read `clock` (the server's).

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "config.h"
#include "sluice/esm/event_source_mapping.h"
#include "sluice/functions/plugin_host.h"
#include "sluice/sns/delivery.h"

namespace sluice::cli {

class RuntimeLauncher final : public sns::AsyncFunctionInvoker {
 public:
  RuntimeLauncher(sqs::Engine& engine, std::string account_id, std::string region, std::shared_ptr<Clock> clock);
  ~RuntimeLauncher() override;
  // Returns false with *error naming the function or mapping and the reason.
  bool start(const Config& config, std::string* error);
  void stop();
  size_t mapping_count() const { return mappings_.size(); }

  // sns::AsyncFunctionInvoker: runs a declared function (by name or ARN) with an SNS event.
  bool invoke(std::string_view function_arn, std::string event_json, std::string* error_type,
              std::string* error_message) override;
  // Sends Lambda's invocation record to the function's OnFailure queue, when it has one.
  bool on_failure(std::string_view function_arn, const std::string& event_json, int attempts,
                  const std::string& error_type, const std::string& error_message) override;

 private:
  sqs::Engine& engine_;
  std::string account_id_, region_;
  const std::shared_ptr<Clock> clock_;
  std::map<std::string, std::shared_ptr<esm::FunctionInvoker>> functions_;
  std::map<std::string, std::string> on_failure_;  // function name -> queue ARN
  std::vector<std::unique_ptr<esm::EventSourceMapping>> mappings_;
};

}  // namespace sluice::cli
