// Invoke (synchronous, with reserved concurrency as AWS throttles) and Event invocations, which
// async_invocations.h runs.

#include "control_plane_impl.h"
#include "invocation_metrics.h"

#include "sluice/common/crypto.h"

namespace sluice::lambda::detail {

common::Outcome<InvokeOutput> ControlPlaneImpl::invoke(std::string_view name_or_arn, std::string_view qualifier,
                                                       const InvokeInput& input) {
  auto ref = parse_function_name(name_or_arn);
  if (!ref) return ref.take_error();
  if (!qualifier.empty()) ref->qualifier = std::string(qualifier);
  FunctionRecord function;
  {
    common::MutexLock lock(mu_);
    auto found = find_qualified(*ref, true);
    if (!found) return found.take_error();
    function = std::move(*found);
  }
  if (function.state != "Active") return state_conflict(function);
  metrics::LambdaMeter* meter = options_.meter.get();
  if (!enter(function)) {
    if (meter) meter->count(invoked_resource(function.name, ref->qualifier, function.version), "Throttles");
    return common::aws_error(common::AwsErrorCode::LambdaTooManyRequests, "Rate Exceeded.");
  }
  if (meter) meter->started(function.name);
  auto output = options_.executor->invoke(function, input);
  if (meter) meter->ended(function.name);
  leave(function.name);
  if (output) {
    output->executed_version = function.version;
    if (meter)
      meter->invoked(invoked_resource(function.name, ref->qualifier, function.version), !output->function_error.empty(),
                     output->duration_ms);
  }
  return output;
}

common::Outcome<std::string> ControlPlaneImpl::invoke_async(std::string_view name_or_arn, std::string_view qualifier,
                                                            std::string payload) {
  auto ref = parse_function_name(name_or_arn);
  if (!ref) return ref.take_error();
  if (!qualifier.empty()) ref->qualifier = std::string(qualifier);
  std::string name;
  std::string invoked_arn;
  {
    common::MutexLock lock(mu_);
    invoked_arn = arn_of(ref->name) + ":" + (ref->qualifier.empty() ? "$LATEST" : ref->qualifier);
    auto found = find_qualified(*ref, true);
    if (!found) return found.take_error();
    if (found->state != "Active") return state_conflict(*found);
    // The event runs the version picked now (an alias is resolved once).
    name = found->version == "$LATEST" ? found->name : found->name + ":" + found->version;
  }
  AsyncEvent event;
  event.request_id = common::uuid4();
  event.function_name = std::move(name);
  event.payload = std::move(payload);
  event.invoked_arn = std::move(invoked_arn);
  const std::string request_id = event.request_id;
  if (auto stored = async_.enqueue(std::move(event)); !stored) return stored.take_error();
  return request_id;
}

size_t ControlPlaneImpl::pending_async_invocations() const { return async_.pending(); }

// Takes one of the function's concurrent executions; false when its reserved concurrency is
// all in use (AWS throttles the invocation).
bool ControlPlaneImpl::enter(const FunctionRecord& function) {
  common::MutexLock lock(mu_);
  int64_t& running = running_[function.name];
  if (function.reserved_concurrency && running >= *function.reserved_concurrency) return false;
  ++running;
  return true;
}

void ControlPlaneImpl::leave(const std::string& name) {
  common::MutexLock lock(mu_);
  if (--running_[name] <= 0) running_.erase(name);
}

}  // namespace sluice::lambda::detail
