// Lambda's metrics (see lambda_meter.h). Each datapoint is put under every dimension set it
// belongs to; invocations cost microseconds at least, so a registry lookup per set is no burden.

#include "sluice/metrics/lambda_meter.h"

#include <utility>

namespace sluice::metrics {
namespace {

constexpr std::string_view kNamespace = "AWS/Lambda";

}  // namespace

LambdaMeter::LambdaMeter(std::shared_ptr<Registry> registry, std::string account_id, std::string region)
    : registry_(std::move(registry)), account_id_(std::move(account_id)), region_(std::move(region)) {}

MetricKey LambdaMeter::key(std::string_view metric, Dimensions dimensions) const {
  return MetricKey{account_id_, region_, std::string(kNamespace), std::string(metric), std::move(dimensions)};
}

void LambdaMeter::put(const LambdaResource& resource, std::string_view metric, double value, std::string_view unit) {
  const int64_t now = registry_->clock().now_ms();
  registry_->put(key(metric, {}), value, unit, now);
  registry_->put(key(metric, {{"FunctionName", resource.function_name}}), value, unit, now);
  if (resource.qualifier.empty()) return;
  const std::string qualified = resource.function_name + ":" + resource.qualifier;
  registry_->put(key(metric, {{"FunctionName", resource.function_name}, {"Resource", qualified}}), value, unit, now);
  if (!resource.alias) return;
  registry_->put(key(metric, {{"ExecutedVersion", resource.executed_version},
                              {"FunctionName", resource.function_name},
                              {"Resource", qualified}}),
                 value, unit, now);
}

void LambdaMeter::started(const std::string& function_name) {
  int64_t function_running = 0;
  int64_t total_running = 0;
  {
    common::MutexLock lock(mu_);
    function_running = ++running_[function_name];
    total_running = ++running_total_;
  }
  const int64_t now = registry_->clock().now_ms();
  registry_->put(key("ConcurrentExecutions", {}), static_cast<double>(total_running), "Count", now);
  registry_->put(key("ConcurrentExecutions", {{"FunctionName", function_name}}), static_cast<double>(function_running),
                 "Count", now);
}

void LambdaMeter::ended(const std::string& function_name) {
  common::MutexLock lock(mu_);
  if (auto it = running_.find(function_name); it != running_.end() && --it->second <= 0) running_.erase(it);
  if (running_total_ > 0) --running_total_;
}

void LambdaMeter::invoked(const LambdaResource& resource, bool function_error, double duration_ms) {
  put(resource, "Invocations", 1, "Count");
  put(resource, "Errors", function_error ? 1 : 0, "Count");
  put(resource, "Duration", duration_ms, "Milliseconds");
}

void LambdaMeter::count(const LambdaResource& resource, std::string_view metric) { put(resource, metric, 1, "Count"); }

void LambdaMeter::event_age(const LambdaResource& resource, double age_ms) {
  put(resource, "AsyncEventAge", age_ms, "Milliseconds");
}

void LambdaMeter::mapping_events(const std::string& uuid, const MappingEventCounts& counts) {
  const int64_t now = registry_->clock().now_ms();
  auto record = [&](std::string_view metric, double value) {
    registry_->put(key(metric, {{"EventSourceMappingUUID", uuid}}), value, "Count", now);
  };
  if (counts.polled) record("PolledEventCount", static_cast<double>(*counts.polled));
  if (counts.filtered_out > 0) record("FilteredOutEventCount", static_cast<double>(counts.filtered_out));
  if (counts.invoked > 0) record("InvokedEventCount", static_cast<double>(counts.invoked));
  if (counts.failed_invoke > 0) record("FailedInvokeEventCount", static_cast<double>(counts.failed_invoke));
  if (counts.deleted > 0) record("DeletedEventCount", static_cast<double>(counts.deleted));
}

}  // namespace sluice::metrics
