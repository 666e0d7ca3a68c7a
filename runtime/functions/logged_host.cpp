// See logged_host.h.

#include "logged_host.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "json_invocation_log.h"

namespace sluice::functions::detail {
namespace {

class LoggedHost final : public PluginHost {
 public:
  LoggedHost(std::shared_ptr<PluginHost> inner, InvocationLogSink sink, LogFormat format, std::shared_ptr<Clock> clock)
      : inner_(std::move(inner)), sink_(std::move(sink)), format_(format), clock_(std::move(clock)) {}

  InvocationResult invoke(const InvocationRequest& request) override {
    auto result = inner_->invoke(request);
    const auto& config = inner_->config();
    sink_(format_ == LogFormat::Json ? invocation_log_json(config.name, result, config.memory_size_mb, clock_->now_ms())
                                     : invocation_log_text(config.name, result, config.memory_size_mb));
    return result;
  }
  Outcome<bool, std::string> reload_if_changed() override { return inner_->reload_if_changed(); }
  uint64_t generation() const override { return inner_->generation(); }
  const FunctionConfig& config() const override { return inner_->config(); }
  EnvironmentStats environments() const override { return inner_->environments(); }
  IsolationMode mode() const override { return inner_->mode(); }

 private:
  const std::shared_ptr<PluginHost> inner_;
  const InvocationLogSink sink_;
  const LogFormat format_;
  const std::shared_ptr<Clock> clock_;
};

}  // namespace

std::string invocation_log_text(const std::string& name, const InvocationResult& result, uint32_t memory_size_mb) {
  const std::string prefix = "[" + name + "] ";
  std::string text = prefix + "START RequestId: " + result.request_id + " Version: $LATEST\n";
  size_t start = 0;
  while (start < result.logs.size()) {
    size_t end = result.logs.find('\n', start);
    if (end == std::string::npos) end = result.logs.size();
    text += prefix + result.logs.substr(start, end - start) + "\n";
    start = end + 1;
  }
  if (!result.ok()) text += prefix + result.request_id + " " + result.error_type + ": " + result.error_message + "\n";
  text += prefix + "END RequestId: " + result.request_id + "\n";
  text += prefix + report_line(result, memory_size_mb) + "\n";
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
                                             LogFormat format, std::shared_ptr<Clock> clock) {
  return std::make_shared<LoggedHost>(std::move(inner), std::move(sink), format, std::move(clock));
}

}  // namespace sluice::functions::detail
