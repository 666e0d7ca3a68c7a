// See sluice/functions/metered_invocation.h.

#include "sluice/functions/metered_invocation.h"

#include <utility>

namespace sluice::functions {
namespace {

class MeteredInvoker final : public esm::FunctionInvoker {
 public:
  MeteredInvoker(std::shared_ptr<esm::FunctionInvoker> inner, std::shared_ptr<metrics::LambdaMeter> meter,
                 std::string function_name)
      : inner_(std::move(inner)), meter_(std::move(meter)), resource_(unqualified_resource(std::move(function_name))) {}

  InvocationResult invoke(const InvocationRequest& request) override {
    return run_metered(*meter_, resource_, [&] { return inner_->invoke(request); });
  }
  std::optional<int64_t> reserved_concurrency() const override { return inner_->reserved_concurrency(); }
  int64_t timeout_ms() const override { return inner_->timeout_ms(); }
  std::string function_arn() const override { return inner_->function_arn(); }

 private:
  const std::shared_ptr<esm::FunctionInvoker> inner_;
  const std::shared_ptr<metrics::LambdaMeter> meter_;
  const metrics::LambdaResource resource_;
};

}  // namespace

InvocationResult run_metered(metrics::LambdaMeter& meter, const metrics::LambdaResource& resource,
                             const std::function<InvocationResult()>& run) {
  meter.started(resource.function_name);
  InvocationResult result = run();
  meter.ended(resource.function_name);
  meter.invoked(resource, !result.ok(), result.duration_ms);
  return result;
}

metrics::LambdaResource unqualified_resource(std::string function_name) {
  return metrics::LambdaResource{std::move(function_name), "", "$LATEST", false};
}

std::shared_ptr<esm::FunctionInvoker> metered_invoker(std::shared_ptr<esm::FunctionInvoker> inner,
                                                      std::shared_ptr<metrics::LambdaMeter> meter,
                                                      std::string function_name) {
  return std::make_shared<MeteredInvoker>(std::move(inner), std::move(meter), std::move(function_name));
}

}  // namespace sluice::functions
