// Fuzzes the configuration file loader (runtime/cli/config.h: parse_config) on any text: queues
// with their attributes and redrive policies, functions, event-source mappings with filter
// criteria, accounts with keys and trust policies. The folder it resolves handler and code paths
// against does not exist, so nothing outside the input is read.
//
// Invariants: a refusal names what is wrong ("<field path>: <reason>", or the JSON's own error);
// an accepted file lists every queue once, each dead-letter target it declares before the queues
// that name it (queues are created in that order).

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <set>
#include <string>

#include "config.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  sluice::cli::Config config;
  std::string error;
  const bool ok =
      sluice::cli::parse_config(text, "123456789012", "us-east-1", "no-such-config-folder", &config, &error);
  if (!ok) {
    if (error.empty()) std::abort();  // a refusal always says why
    return 0;
  }
  std::set<std::string> names;
  for (const auto& queue : config.queues) names.insert(queue.name);
  if (names.size() != config.queues.size()) std::abort();  // a queue declared twice was accepted
  std::set<std::string> created;
  for (const auto& queue : config.queues) {
    if (!queue.redrive_target.empty() && names.count(queue.redrive_target) != 0 &&
        created.count(queue.redrive_target) == 0 && queue.redrive_target != queue.name)
      std::abort();  // a declared dead-letter target comes after a queue that names it
    created.insert(queue.name);
  }
  return 0;
}
