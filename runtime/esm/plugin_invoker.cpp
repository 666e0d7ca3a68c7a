// FunctionInvoker over a PluginHost: the host already enforces the timeout (and, isolated, kills
// a hung worker); the invoker adds what the mapping needs to know about the function.
#include "sluice/common/defaults.h"
#include "sluice/esm/event_source_mapping.h"

namespace sluice::esm {
namespace {

class PluginInvoker final : public FunctionInvoker {
 public:
  PluginInvoker(std::shared_ptr<functions::PluginHost> host, std::optional<int64_t> reserved)
      : host_(std::move(host)), reserved_(reserved) {}

  functions::InvocationResult invoke(const functions::InvocationRequest& request) override {
    return host_->invoke(request);
  }
  std::optional<int64_t> reserved_concurrency() const override { return reserved_; }
  int64_t timeout_ms() const override { return host_->config().timeout_ms; }
  std::string function_arn() const override {
    const auto& config = host_->config();
    if (!config.function_arn.empty()) return config.function_arn;
    return std::string("arn:aws:lambda:") + common::kDefaultRegion + ":" + common::kDefaultAccountId +
           ":function:" + config.name;
  }

 private:
  const std::shared_ptr<functions::PluginHost> host_;
  const std::optional<int64_t> reserved_;
};

}  // namespace

std::shared_ptr<FunctionInvoker> make_plugin_invoker(std::shared_ptr<functions::PluginHost> host,
                                                     std::optional<int64_t> reserved_concurrency) {
  return std::make_shared<PluginInvoker>(std::move(host), reserved_concurrency);
}

}  // namespace sluice::esm
