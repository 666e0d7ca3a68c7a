// sluice invoke (FUNCTION --config FILE | --plugin FILE) [--event FILE|-] [--timeout SECONDS] [--isolated |
// --in-process]
//   Runs one invocation of a function declared in a configuration file, or of a handler plugin
//   file, like `sam local invoke`: the logs go to stderr, the response payload to stdout. Exit 0
//   on success, 1 on a function error or timeout.

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>

#include "config.h"
#include "invoke_options.h"
#include "sluice/common/defaults.h"
#include "sluice/functions/plugin_host.h"
#include "sluice/functions/runtime_function.h"

namespace sluice::cli {
namespace {

bool read_all(std::istream& in, std::string* out) {
  std::stringstream text;
  text << in.rdbuf();
  *out = text.str();
  return !in.bad();
}

}  // namespace

int command_invoke(const InvokeOptions& invoke) {
  std::string plugin = invoke.plugin, function_name = invoke.function_name;
  double timeout_s = invoke.timeout_s.value_or(3);
  std::optional<bool> isolated = invoke.isolated;
  std::vector<std::pair<std::string, std::string>> environment;
  uint32_t memory_mb = 128;
  std::string runtime, code_directory;  // a declared Runtime API function
  if (!function_name.empty()) {
    // A declared function: its handler, timeout, memory, environment and isolation.
    Config config;
    std::string error;
    if (!load_config_file(invoke.config_path, common::kDefaultAccountId, common::kDefaultRegion, &config, &error)) {
      std::fprintf(stderr, "sluice invoke: config %s\n", error.c_str());
      return 78;
    }
    const FunctionDeclaration* declared = nullptr;
    for (const auto& function : config.functions)
      if (function.name == function_name) declared = &function;
    if (declared == nullptr) {
      std::fprintf(stderr, "sluice invoke: no function named %s in %s\n", function_name.c_str(),
                   invoke.config_path.c_str());
      return 66;
    }
    plugin = declared->handler;
    runtime = declared->runtime;
    code_directory = declared->code_directory;
    if (!invoke.timeout_s) timeout_s = static_cast<double>(declared->timeout_s);
    if (!isolated) isolated = declared->isolated;
    environment = declared->environment;
    memory_mb = static_cast<uint32_t>(declared->memory_size_mb);
  }
  std::string event = "{}";
  const std::string& event_path = invoke.event_path;
  if (event_path == "-") {
    if (!read_all(std::cin, &event)) return 66;
  } else if (!event_path.empty()) {
    std::ifstream in(event_path);
    if (!in || !read_all(in, &event)) {
      std::fprintf(stderr, "sluice invoke: cannot read event file %s\n", event_path.c_str());
      return 66;
    }
  }
  functions::FunctionConfig config;
  config.name = function_name.empty() ? std::filesystem::path(plugin).stem().string() : function_name;
  config.timeout_ms = static_cast<uint32_t>(timeout_s * 1000);
  config.memory_size_mb = memory_mb;
  config.environment = environment;
  functions::PluginHostOptions options;
  options.mode =
      isolated.value_or(true) ? functions::IsolationMode::Isolated : functions::IsolationMode::InProcessWhenConcurrent;
  options.reload_on_change = false;
  auto host = runtime.empty() ? functions::PluginHost::open(plugin, config, options)
                              : functions::open_runtime_function({runtime, code_directory, plugin}, config, options);
  if (!host) {
    std::fprintf(stderr, "sluice invoke: %s\n", host.error().c_str());
    return 66;
  }
  functions::InvocationRequest request;
  request.event = event;
  auto result = host.value()->invoke(request);
  std::fprintf(stderr, "START RequestId: %s\n%sEND RequestId: %s\n", result.request_id.c_str(), result.logs.c_str(),
               result.request_id.c_str());
  std::printf("%s\n", result.payload.c_str());
  return result.ok() ? 0 : 1;
}

}  // namespace sluice::cli
