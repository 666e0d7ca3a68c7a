// See logged_host.h.

#include "logged_host.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "json_invocation_log.h"
#include "sluice/common/crypto.h"

namespace sluice::functions::detail {
namespace {

// Splits text into its lines (a last line without '\n' counts too).
std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> lines;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    lines.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return lines;
}

class LoggedHost final : public PluginHost {
 public:
  LoggedHost(std::shared_ptr<PluginHost> inner, InvocationLogSink sink, InvocationRecordSink records, LogFormat format,
             std::shared_ptr<common::Clock> clock)
      : inner_(std::move(inner)),
        sink_(std::move(sink)),
        records_(std::move(records)),
        format_(format),
        clock_(std::move(clock)),
        in_process_id_(in_process_environment_id()) {}

  InvocationResult invoke(const InvocationRequest& request) override {
    auto result = inner_->invoke(request);
    const auto& config = inner_->config();
    const int64_t now_ms = clock_->now_ms();
    std::string json = format_ == LogFormat::Json
                           ? invocation_log_json(config.name, result, config.memory_size_mb, now_ms)
                           : std::string();
    if (records_) records_(record(config, result, json, now_ms));
    if (sink_) {
      sink_(format_ == LogFormat::Json ? std::move(json)
                                       : invocation_log_text(config.name, result, config.memory_size_mb));
    }
    return result;
  }
  common::Outcome<bool, std::string> reload_if_changed() override { return inner_->reload_if_changed(); }
  uint64_t generation() const override { return inner_->generation(); }
  const FunctionConfig& config() const override { return inner_->config(); }
  EnvironmentStats environments() const override { return inner_->environments(); }
  IsolationMode mode() const override { return inner_->mode(); }

 private:
  static std::string in_process_environment_id() {
    std::string id = common::uuid4();
    id.erase(std::remove(id.begin(), id.end(), '-'), id.end());
    return id;
  }

  // The START line and what the function logged are stamped when the invocation began; its error,
  // END and REPORT when it ended.
  InvocationLogRecord record(const FunctionConfig& config, const InvocationResult& result, const std::string& json,
                             int64_t now_ms) const {
    InvocationLogRecord out;
    out.function_name = config.name;
    out.environment_id = result.environment_id.empty() ? in_process_id_ : result.environment_id;
    const int64_t started_ms = now_ms - static_cast<int64_t>(std::ceil(result.duration_ms));
    std::vector<std::string> lines =
        format_ == LogFormat::Json ? split_lines(json) : invocation_lines(result, config.memory_size_mb);
    // The last two (text: END and REPORT; JSON: runtimeDone and report) close the invocation.
    for (size_t i = 0; i < lines.size(); ++i)
      out.lines.emplace_back(i + 2 >= lines.size() ? now_ms : started_ms, std::move(lines[i]));
    return out;
  }

  const std::shared_ptr<PluginHost> inner_;
  const InvocationLogSink sink_;
  const InvocationRecordSink records_;
  const LogFormat format_;
  const std::shared_ptr<common::Clock> clock_;
  const std::string in_process_id_;
};

}  // namespace

std::vector<std::string> invocation_lines(const InvocationResult& result, uint32_t memory_size_mb) {
  std::vector<std::string> lines;
  lines.push_back("START RequestId: " + result.request_id + " Version: $LATEST");
  for (auto& line : split_lines(result.logs)) lines.push_back(std::move(line));
  if (!result.ok()) lines.push_back(result.request_id + " " + result.error_type + ": " + result.error_message);
  lines.push_back("END RequestId: " + result.request_id);
  lines.push_back(report_line(result, memory_size_mb));
  return lines;
}

std::string invocation_log_text(const std::string& name, const InvocationResult& result, uint32_t memory_size_mb) {
  const std::string prefix = "[" + name + "] ";
  std::string text;
  for (const auto& line : invocation_lines(result, memory_size_mb)) text += prefix + line + "\n";
  return text;
}

std::string report_line(const InvocationResult& result, uint32_t memory_size_mb) {
  char buffer[320];
  // Lambda bills whole milliseconds, rounded up; memory in MB (MiB), rounded up.
  const auto billed = static_cast<long long>(std::ceil(result.duration_ms));
  const auto used_mb = static_cast<unsigned long long>((result.max_memory_used_bytes + (1u << 20) - 1) >> 20);
  int n = std::snprintf(buffer, sizeof buffer,
                        "REPORT RequestId: %s\tDuration: %.2f ms\tBilled Duration: %lld ms\tMemory Size: %u MB\tMax "
                        "Memory Used: %llu MB",
                        result.request_id.c_str(), result.duration_ms, billed, memory_size_mb, used_mb);
  std::string line(buffer, static_cast<size_t>(std::max(0, std::min<int>(n, sizeof buffer - 1))));
  if (result.init_duration_ms) {
    std::snprintf(buffer, sizeof buffer, "\tInit Duration: %.2f ms", *result.init_duration_ms);
    line += buffer;
  }
  return line;
}

std::shared_ptr<PluginHost> make_logged_host(std::shared_ptr<PluginHost> inner, InvocationLogSink sink,
                                             InvocationRecordSink records, LogFormat format,
                                             std::shared_ptr<common::Clock> clock) {
  return std::make_shared<LoggedHost>(std::move(inner), std::move(sink), std::move(records), format, std::move(clock));
}

}  // namespace sluice::functions::detail
