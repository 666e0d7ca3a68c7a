// sluice invoke --plugin FILE [--event FILE|-] [--timeout SECONDS] [--isolated]
//   Runs one invocation of a handler plugin, like `sam local invoke`: the logs go to stderr, the
//   response payload to stdout. Exit 0 on success, 1 on a function error or timeout.
// sluice generate-event sqs [--body TEXT] [--queue-arn ARN] [--count N]
// sluice generate-event sns [--message TEXT] [--subject TEXT] [--topic-arn ARN]
//   Prints a sample event in the exact shape Lambda delivers.

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "commands.h"
#include "sample_events.h"
#include "sluice/functions/plugin_host.h"

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
  std::string plugin, event_path;
  double timeout_s = 3;
  bool isolated = false;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    bool has_value = i + 1 < args.size();
    if (arg == "--plugin" && has_value) plugin = args[++i];
    else if (arg == "--event" && has_value) event_path = args[++i];
    else if (arg == "--timeout" && has_value) timeout_s = std::atof(args[++i].c_str());
    else if (arg == "--isolated") isolated = true;
    else {
      std::fprintf(stderr, "sluice invoke: unexpected argument '%s'\nusage: sluice invoke --plugin FILE [--event FILE|-] [--timeout SECONDS] [--isolated]\n", arg.c_str());
      return 64;
    }
  }
  if (plugin.empty()) {
    std::fprintf(stderr, "sluice invoke: --plugin FILE is required\n");
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
  config.name = std::filesystem::path(plugin).stem().string();
  config.timeout_ms = static_cast<uint32_t>(timeout_s * 1000);
  functions::PluginHostOptions options;
  options.mode = isolated ? functions::IsolationMode::Isolated : functions::IsolationMode::InProcess;
  options.reload_on_change = false;
  auto host = functions::PluginHost::open(plugin, config, options);
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
