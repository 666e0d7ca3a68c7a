#pragma once
// Brings the configuration's functions and event-source mappings to life next to the engine:
// one plugin host per function, one mapping per declaration (embedded queue or remote queue),
// started in order. Stopping drains every mapping (in-flight batches finish and are settled)
// before the plugin hosts go.
//
// Lifecycle: start() once; stop() (or the destructor) before the engine is destroyed.

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "config.h"
#include "sluice/esm/event_source_mapping.h"
#include "sluice/functions/plugin_host.h"

namespace sluice::cli {

class RuntimeLauncher {
 public:
  RuntimeLauncher(sqs::Engine& engine, std::string account_id, std::string region);
  ~RuntimeLauncher();
  // Returns false with *error naming the function or mapping and the reason.
  bool start(const Config& config, std::string* error);
  void stop();
  size_t mapping_count() const { return mappings_.size(); }

 private:
  sqs::Engine& engine_;
  std::string account_id_, region_;
  std::map<std::string, std::shared_ptr<esm::FunctionInvoker>> functions_;
  std::vector<std::unique_ptr<esm::EventSourceMapping>> mappings_;
};

}  // namespace sluice::cli
