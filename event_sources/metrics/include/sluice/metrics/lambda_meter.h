#pragma once
// Lambda's metrics (namespace AWS/Lambda), as AWS documents them (lambda: monitoring-metrics-types),
// recorded by whoever runs an invocation: the control plane (Invoke, Event invocations) and the
// event-source mappings.
//
//   Invocations             Count, 1 per invocation that ran the function's code (not throttled)
//   Errors                  Count, 1 for a function error or timeout, 0 otherwise (Sum: errors,
//                           Average: error rate)
//   Duration                Milliseconds, the time in the function's code
//   Throttles               Count, 1 per invocation refused for concurrency
//   ConcurrentExecutions    Count, the invocations running when one starts (read its Maximum)
//   AsyncEventsReceived     Count, 1 per Event invocation stored
//   AsyncEventAge           Milliseconds, from an event's storing to each attempt that runs it
//   AsyncEventsDropped      Count, 1 per event given up without a successful run (after its
//                           retries or past its maximum age; sent to a destination or a
//                           dead-letter target first when there is one)
//   DeadLetterErrors        Count, 1 per event the dead-letter target did not take
//   DestinationDeliveryFailures  Count, 1 per record a destination did not take
//
// Dimensions, as on AWS: each datapoint goes to the account's aggregate (no dimension), to
// {FunctionName}, and, for an invocation that named a version or an alias, to {FunctionName,
// Resource="name:qualifier"}; an alias invocation also to {FunctionName, Resource, ExecutedVersion}.
// ConcurrentExecutions is the account's and each function's, never a version's or an alias's.
//
// Event-source mappings with MetricsConfig {"Metrics": ["EventCount"]} add, under
// {EventSourceMappingUUID}: PolledEventCount, FilteredOutEventCount, InvokedEventCount,
// FailedInvokeEventCount, DeletedEventCount (Count).
//
// Thread-safety: every method may be called from any thread. Lifecycle: holds the registry.

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "sluice/common/mutex.h"
#include "sluice/metrics/metrics.h"

namespace sluice::metrics {

// What an invocation named and what ran, for its dimensions.
struct LambdaResource {
  std::string function_name;     // the function's name, never qualified
  std::string qualifier;         // as invoked: "" (unqualified), a version, or an alias
  std::string executed_version;  // the version that ran: "$LATEST", "1", ...
  bool alias = false;            // the qualifier named an alias
};

// One batch's share of an event-source mapping's counts (only the non-zero ones are recorded,
// except PolledEventCount, whose 0 marks an empty poll as on AWS).
struct MappingEventCounts {
  std::optional<int64_t> polled;
  int64_t filtered_out = 0;
  int64_t invoked = 0;
  int64_t failed_invoke = 0;
  int64_t deleted = 0;
};

class LambdaMeter {
 public:
  LambdaMeter(std::shared_ptr<Registry> registry, std::string account_id, std::string region);

  // An invocation of the function starts running / has ended: ConcurrentExecutions.
  void started(const std::string& function_name);
  void ended(const std::string& function_name);
  // It ran: Invocations, Errors (0 or 1), Duration.
  void invoked(const LambdaResource& resource, bool function_error, double duration_ms);
  // Throttles, AsyncEventsReceived, AsyncEventsDropped, DeadLetterErrors,
  // DestinationDeliveryFailures: one more under the resource's dimensions.
  void count(const LambdaResource& resource, std::string_view metric);
  // AsyncEventAge, in milliseconds.
  void event_age(const LambdaResource& resource, double age_ms);
  void mapping_events(const std::string& uuid, const MappingEventCounts& counts);

 private:
  void put(const LambdaResource& resource, std::string_view metric, double value, std::string_view unit);
  MetricKey key(std::string_view metric, Dimensions dimensions) const;

  const std::shared_ptr<Registry> registry_;
  const std::string account_id_;
  const std::string region_;
  common::Mutex mu_;
  std::map<std::string, int64_t, std::less<>> running_ GUARDED_BY(mu_);  // by function name
  int64_t running_total_ GUARDED_BY(mu_) = 0;
};

}  // namespace sluice::metrics
