#pragma once
// The running event-source mappings of one server, whoever started them (the configuration file
// or the Lambda API), so the server's health answer can show each one's state and
// LastProcessingResult in one place.
//
// The directory does not own the mappings: it holds weak references, so a mapping that is stopped
// and destroyed simply drops out of the list.
//
// Threading: thread-safe; snapshot() takes each mapping's lock briefly (no waiting on batches).

#include <memory>
#include <string>
#include <vector>

#include "sluice/common/mutex.h"
#include "sluice/esm/event_source_mapping.h"

namespace sluice::esm {

class MappingDirectory {
 public:
  void add(const std::shared_ptr<EventSourceMapping>& mapping) EXCLUDES(mu_);
  // The configurations of the mappings still alive, in the order they were added.
  std::vector<EventSourceMappingConfiguration> snapshot() const EXCLUDES(mu_);

 private:
  mutable common::Mutex mu_;
  mutable std::vector<std::weak_ptr<EventSourceMapping>> mappings_ GUARDED_BY(mu_);  // pruned by snapshot()
};

// One JSON array, an object per mapping: UUID, FunctionArn, EventSourceArn, State and
// LastProcessingResult (AWS's member names).
std::string health_json(const std::vector<EventSourceMappingConfiguration>& mappings);

}  // namespace sluice::esm
