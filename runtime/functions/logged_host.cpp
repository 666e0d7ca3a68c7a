// See logged_host.h.

#include "logged_host.h"

namespace sluice::functions::detail {
namespace {

class LoggedHost final : public PluginHost {
 public:
  LoggedHost(std::shared_ptr<PluginHost> inner, InvocationLogSink sink)
      : inner_(std::move(inner)), sink_(std::move(sink)) {}

  InvocationResult invoke(const InvocationRequest& request) override {
    auto result = inner_->invoke(request);
    sink_(invocation_log_text(inner_->config().name, result));
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
};

}  // namespace

std::string invocation_log_text(const std::string& name, const InvocationResult& result) {
  std::string text = "[" + name + "] START RequestId: " + result.request_id + "\n";
  size_t start = 0;
  while (start < result.logs.size()) {
    size_t end = result.logs.find('\n', start);
    if (end == std::string::npos) end = result.logs.size();
    text += "[" + name + "] " + result.logs.substr(start, end - start) + "\n";
    start = end + 1;
  }
  text += "[" + name + "] END RequestId: " + result.request_id +
          (result.ok() ? "" : " (" + result.error_type + ": " + result.error_message + ")") + "\n";
  return text;
}

std::shared_ptr<PluginHost> make_logged_host(std::shared_ptr<PluginHost> inner, InvocationLogSink sink) {
  return std::make_shared<LoggedHost>(std::move(inner), std::move(sink));
}

}  // namespace sluice::functions::detail
