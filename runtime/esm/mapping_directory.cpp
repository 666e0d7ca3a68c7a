// See sluice/esm/mapping_directory.h.
#include "sluice/esm/mapping_directory.h"

#include <boost/json.hpp>

namespace sluice::esm {

void MappingDirectory::add(const std::shared_ptr<EventSourceMapping>& mapping) {
  common::MutexLock lock(mu_);
  mappings_.push_back(mapping);
}

std::vector<EventSourceMappingConfiguration> MappingDirectory::snapshot() const {
  std::vector<std::shared_ptr<EventSourceMapping>> alive;
  {
    common::MutexLock lock(mu_);
    std::erase_if(mappings_, [](const std::weak_ptr<EventSourceMapping>& m) { return m.expired(); });
    for (const auto& weak : mappings_)
      if (auto mapping = weak.lock()) alive.push_back(std::move(mapping));
  }
  // Read outside the directory's lock: each configuration() takes its mapping's own.
  std::vector<EventSourceMappingConfiguration> configurations;
  configurations.reserve(alive.size());
  for (const auto& mapping : alive) configurations.push_back(mapping->configuration());
  return configurations;
}

std::string health_json(const std::vector<EventSourceMappingConfiguration>& mappings) {
  boost::json::array list;
  for (const auto& c : mappings) {
    list.push_back(boost::json::object{{"UUID", c.uuid},
                                       {"FunctionArn", c.function_arn},
                                       {"EventSourceArn", c.event_source_arn},
                                       {"State", c.state},
                                       {"LastProcessingResult", c.last_processing_result}});
  }
  return boost::json::serialize(list);
}

}  // namespace sluice::esm
