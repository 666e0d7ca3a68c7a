// sluice invoke (FUNCTION --config FILE | --plugin FILE) [--event FILE|-] [--timeout SECONDS] [--isolated |
// --in-process]
//   Runs one invocation of a function declared in a configuration file, or of a handler plugin
//   file, like `sam local invoke`: the logs go to stderr, the response payload to stdout. Exit 0
//   on success, 1 on a function error or timeout.
// sluice generate-event sqs [--body TEXT] [--queue-arn ARN] [--count N]
// sluice generate-event sns [--message TEXT] [--subject TEXT] [--topic-arn ARN]
//   Prints a sample event in the exact shape Lambda delivers.

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>

#include "commands.h"
#include "config.h"
#include "sample_events.h"
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

int command_invoke(const std::vector<std::string>& args) {
  constexpr const char* kUsage =
      "usage: sluice invoke (FUNCTION --config FILE | --plugin FILE) [--event FILE|-] [--timeout SECONDS] "
      "[--isolated | --in-process]\n";
  std::string plugin, event_path, function_name, config_path;
  double timeout_s = 3;
  std::optional<bool> isolated;  // default: as declared, else in an execution environment
  std::vector<std::pair<std::string, std::string>> environment;
  uint32_t memory_mb = 128;
  std::string runtime, code_directory;  // a declared Runtime API function
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    bool has_value = i + 1 < args.size();
    if (arg == "--plugin" && has_value) plugin = args[++i];
    else if (arg == "--config" && has_value) config_path = args[++i];
    else if (arg == "--event" && has_value) event_path = args[++i];
    else if (arg == "--timeout" && has_value) timeout_s = std::atof(args[++i].c_str());
    else if (arg == "--isolated") isolated = true;
    else if (arg == "--in-process") isolated = false;
    else if (!arg.empty() && arg[0] != '-' && function_name.empty()) function_name = arg;
    else {
      std::fprintf(stderr, "sluice invoke: unexpected argument '%s'\n%s", arg.c_str(), kUsage);
      return 64;
    }
  }
  if (!function_name.empty()) {
    // A declared function: its handler, timeout, memory, environment and isolation.
    if (config_path.empty() || !plugin.empty()) {
      std::fprintf(stderr, "sluice invoke: FUNCTION needs --config FILE (and no --plugin)\n%s", kUsage);
      return 64;
    }
    Config config;
    std::string error;
    if (!load_config_file(config_path, kDefaultAccountId, kDefaultRegion, &config, &error)) {
      std::fprintf(stderr, "sluice invoke: config %s\n", error.c_str());
      return 78;
    }
    const FunctionDeclaration* declared = nullptr;
    for (const auto& function : config.functions)
      if (function.name == function_name) declared = &function;
    if (declared == nullptr) {
      std::fprintf(stderr, "sluice invoke: no function named %s in %s\n", function_name.c_str(), config_path.c_str());
      return 66;
    }
    plugin = declared->handler;
    runtime = declared->runtime;
    code_directory = declared->code_directory;
    timeout_s = static_cast<double>(declared->timeout_s);
    if (!isolated) isolated = declared->isolated;
    environment = declared->environment;
    memory_mb = static_cast<uint32_t>(declared->memory_size_mb);
  }
  if (plugin.empty() && runtime.empty()) {
    std::fprintf(stderr, "sluice invoke: give FUNCTION --config FILE or --plugin FILE\n%s", kUsage);
    return 64;
  }
  if (timeout_s <= 0 || timeout_s > 900) {
    std::fprintf(stderr, "sluice invoke: --timeout must be between 1 and 900 seconds\n");
    return 64;
  }
  std::string event = "{}";
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

int command_generate_event(const std::vector<std::string>& args) {
  if (args.empty() || (args[0] != "sqs" && args[0] != "sns")) {
    std::fprintf(stderr, "usage: sluice generate-event sqs|sns [options]\n");
    return 64;
  }
  SqsEventOptions sqs;
  SnsEventOptions sns;
  for (size_t i = 1; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (i + 1 >= args.size()) {
      std::fprintf(stderr, "sluice generate-event: '%s' needs a value\n", arg.c_str());
      return 64;
    }
    const std::string& value = args[++i];
    if (args[0] == "sqs" && arg == "--body") sqs.body = value;
    else if (args[0] == "sqs" && arg == "--queue-arn") sqs.queue_arn = value;
    else if (args[0] == "sqs" && arg == "--count") sqs.count = std::max(1, std::atoi(value.c_str()));
    else if (args[0] == "sns" && arg == "--message") sns.message = value;
    else if (args[0] == "sns" && arg == "--subject") sns.subject = value;
    else if (args[0] == "sns" && arg == "--topic-arn") sns.topic_arn = value;
    else {
      std::fprintf(stderr, "sluice generate-event: unknown option '%s' for %s\n", arg.c_str(), args[0].c_str());
      return 64;
    }
  }
  std::printf("%s\n", args[0] == "sqs" ? sample_sqs_event(sqs).c_str() : sample_sns_event(sns).c_str());
  return 0;
}

}  // namespace sluice::cli
