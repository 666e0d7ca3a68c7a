#pragma once
// What `sluice invoke` was asked to run (flags bound in invoke_flags.cpp, run by
// command_invoke.cpp).

#include <optional>
#include <string>

namespace sluice::cli {

struct InvokeOptions {
  std::string function_name;  // FUNCTION, declared in --config
  std::string config_path;
  std::string plugin;      // --plugin FILE instead of a declared function
  std::string event_path;  // "" = "{}", "-" = standard input
  std::optional<double> timeout_s;
  std::optional<bool> isolated;  // --isolated / --in-process; default: as declared, else isolated
};

int command_invoke(const InvokeOptions& options);

}  // namespace sluice::cli
