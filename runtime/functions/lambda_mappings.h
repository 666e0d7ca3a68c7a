#pragma once
// The running event-source mappings of Lambda's control plane (internal to
// sluice_functions_lambda): each is an esm::EventSourceMapping over an embedded queue whose
// function is looked up in the registry per batch, so a mapping always runs its function's
// current code. Settings arrive as the API's JSON and are read into esm's request types, whose
// validation gives AWS's texts.
//
// Threading: thread-safe. stop() waits for the mapping's batches in flight.

#include <map>
#include <memory>
#include <optional>
#include <string>

#include "sluice/common/aws_error.h"
#include "sluice/common/mutex.h"
#include "sluice/esm/event_source_mapping.h"
#include "sluice/functions/lambda_executor.h"
#include "sluice/functions/registry.h"
#include "sluice/lambda/function.h"
#include "sluice/lambda/mapping.h"
#include "sluice/sqs/engine.h"

namespace sluice::functions::detail {

class LambdaMappings {
 public:
  LambdaMappings(FunctionRegistry& registry, sqs::Engine& engine, LambdaExecutorOptions options);
  ~LambdaMappings();

  common::Outcome<std::string> start(const lambda::MappingRecord& mapping, const lambda::FunctionRecord& function)
      EXCLUDES(mu_);
  common::Outcome<std::string> update(const std::string& uuid, const std::string& changes_json) EXCLUDES(mu_);
  void stop(const std::string& uuid) EXCLUDES(mu_);
  std::optional<std::string> configuration(const std::string& uuid) const EXCLUDES(mu_);

 private:
  FunctionRegistry& registry_;
  sqs::Engine& engine_;
  const LambdaExecutorOptions options_;  // clock, pool, LastProcessingResult listener, directory
  mutable common::Mutex mu_;
  std::map<std::string, std::shared_ptr<esm::EventSourceMapping>> running_ GUARDED_BY(mu_);
};

// The API's JSON of mapping settings as esm's requests. Unknown members (other event sources'
// fields) are left to esm's defaults; a member of the wrong type is a SerializationException.
common::Outcome<esm::CreateMappingRequest> read_create_settings(const std::string& settings_json);
common::Outcome<esm::UpdateMappingRequest> read_update_settings(const std::string& changes_json);

}  // namespace sluice::functions::detail
