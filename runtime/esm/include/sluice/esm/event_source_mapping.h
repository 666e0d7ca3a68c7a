#pragma once
// Event-source mappings: the part of the runtime that does what AWS Lambda does for an SQS
// trigger. A mapping polls one queue (through the QueueSource seam, so it never knows whether the
// queue is embedded or remote), forms batches, drops messages that match no filter (deleting them
// as Lambda does), invokes one function per batch and settles the batch: success deletes it, a
// function error or timeout leaves every message to come back after its visibility timeout (the
// queue's redrive policy then dead-letters it), and with ReportBatchItemFailures only the listed
// messages stay. This is the one public header of runtime/esm; everything else is internal.
//
// Threads
//   Poller threads (RuntimeOptions::poller_threads) run the long polls and build batches. A poller
//   takes a concurrency slot before it polls, so at most `concurrency limit` batches are being
//   formed or processed at once. Finished batches go to the mapping's lane of the shared worker
//   pool (sluice/common/work_pool.h; never more at once than the mapping's maximum concurrency),
//   which invokes the function and deletes what succeeded. A handler never runs on a poller
//   thread.
//
// Scaling (AWS: services-sqs-scaling)
//   The limit starts at 5 concurrent batches (or at the maximum with start_at_full_scale) and
//   grows by one per scale_up_interval_ms (300 a minute, as AWS documents) while there is a
//   backlog: a poller closed a full batch and every slot was busy. It never exceeds
//   ScalingConfig.MaximumConcurrency (default 1,000) nor the function's reserved concurrency. An
//   idle poll (nothing received) returns the limit to its starting value.
//
// Batches (AWS: with-sqs)
//   A batch closes when it holds BatchSize messages, when MaximumBatchingWindowInSeconds has passed
//   since its first record arrived, or when one more message would take its payload past 6 MB.
//   Each poller fills its own batch. Messages that match no filter are deleted as soon as they
//   are received. With a window
//   of 0 a batch is what one long poll returns. FIFO: the queue hands out one message group to one
//   consumer at a time, so one batch per group is in flight; on failure, the failed message and
//   every later message of its group in the batch stay on the queue, so the group's order holds.
//
// Time (RuntimeOptions::clock)
//   Windows, the scale-up interval and LastModified are on the clock. A poller long-polls for the
//   real time the clock needs to reach the window's end and waits out the rest on the clock. A
//   clock that moves only when told (a test's ManualClock) cannot be long-polled for: there the
//   messages that arrive during a window are gathered each time the clock moves, and the batch
//   closes when it is full or the clock reaches the window's end.
//
// Lifecycle
//   create()   validates the request with AWS's rules and texts, reads the queue's attributes
//              (a queue that does not exist is refused here, as on AWS) and returns a mapping in
//              state Creating. Nothing polls yet.
//   start()    state Enabled (pollers run) or Disabled, per Enabled.
//   update()   validates the new values against the merged configuration; the change applies to
//              the next batch. Enabled=false stops polling at once (blocked long polls are
//              interrupted); batches already formed or in flight finish and are settled.
//              Enabled=true starts polling again.
//   drain()    graceful shutdown, first step (sluice worker on SIGTERM): no receive starts any
//              more, and every batch that has not reached the function yet is handed back to the
//              queue (ChangeMessageVisibility 0, in batches of 10) instead of being invoked, so
//              other consumers take it now rather than after its visibility timeout. Long polls in
//              progress are interrupted, or with RuntimeOptions::drain_lets_polls_end end by
//              themselves (what they bring is handed back too). Batches already in the function go
//              on; stop() waits for them. Returns once the pollers have stopped.
//   stop()     state Deleting: stops polling, waits for every in-flight batch to be settled, joins
//              every thread; afterwards the state is Disabled. The destructor calls stop().
//   All methods are thread-safe; stop() and update() must not be called from a handler.

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sluice/common/aws_error.h"
#include "sluice/common/clock.h"
#include "sluice/common/work_pool.h"
#include "sluice/functions/plugin_host.h"
#include "sluice/sqs/queue_source.h"

namespace sluice::esm {

// ---- Errors ------------------------------------------------------------------------------------

// Lambda's error types for the event-source-mapping API are rows of the shared error table
// (sluice/common/aws_error_codes.def, service Lambda): LambdaInvalidParameterValue, Validation
// (the request framework's range/length checks), ResourceConflict, ResourceNotFound,
// ResourceInUse. An error's info().json_type is the type Lambda answers
// ("InvalidParameterValueException", ...) and info().http_status its status.

// ResourceConflictException for a second mapping of the same queue and function (AWS's text). For
// the registry that owns many mappings (the Lambda API); a single mapping cannot see the others.
common::AwsError duplicate_mapping_error(const std::string& event_source_arn, const std::string& function_name,
                                         const std::string& existing_uuid);

// ---- Configuration -----------------------------------------------------------------------------

struct Filter {
  std::optional<std::string> pattern;  // absent is refused, as AWS refuses a Filter without Pattern
};

struct FilterCriteria {
  std::vector<Filter> filters;  // empty: no filtering ({} removes the criteria on update)
};

struct ScalingConfig {
  std::optional<int64_t> maximum_concurrency;  // 2..1,000
};

// MetricsConfig: with "EventCount" the mapping reports its event counts (RuntimeOptions::
// on_event_counts). Lambda also knows ErrorCount and KafkaMetrics, for Kafka sources only.
struct MetricsConfig {
  std::vector<std::string> metrics;
};

// The fields of CreateEventSourceMapping that apply to SQS.
struct CreateMappingRequest {
  std::string event_source_arn;
  std::optional<int64_t> batch_size;                          // 1..10,000 (FIFO: ..10); default 10
  std::optional<int64_t> maximum_batching_window_in_seconds;  // 0..300; default 0
  std::optional<ScalingConfig> scaling_config;
  std::vector<std::string> function_response_types;  // [] or ["ReportBatchItemFailures"]
  std::optional<FilterCriteria> filter_criteria;
  std::optional<bool> enabled;  // default true
  std::optional<MetricsConfig> metrics_config;
  std::string uuid;  // empty: a new UUID
};

// The fields of UpdateEventSourceMapping that apply to SQS; absent means unchanged.
struct UpdateMappingRequest {
  std::optional<int64_t> batch_size;
  std::optional<int64_t> maximum_batching_window_in_seconds;
  std::optional<ScalingConfig> scaling_config;
  std::optional<std::vector<std::string>> function_response_types;
  std::optional<FilterCriteria> filter_criteria;
  std::optional<bool> enabled;
  std::optional<MetricsConfig> metrics_config;
};

// AWS's EventSourceMappingConfiguration (the SQS subset), with every default resolved.
struct EventSourceMappingConfiguration {
  std::string uuid;
  std::string event_source_arn;
  std::string event_source_mapping_arn;  // arn:aws:lambda:REGION:ACCOUNT:event-source-mapping:UUID
  std::string function_arn;
  int64_t batch_size = 10;
  int64_t maximum_batching_window_in_seconds = 0;
  std::optional<ScalingConfig> scaling_config;
  std::vector<std::string> function_response_types;
  std::optional<FilterCriteria> filter_criteria;
  std::optional<MetricsConfig> metrics_config;
  bool enabled = true;
  std::string state = "Creating";  // Creating | Enabled | Disabled | Deleting
  std::string state_transition_reason = "USER_INITIATED";
  std::string last_processing_result = "No records processed";
  int64_t last_modified_ms = 0;

  bool reports_batch_item_failures() const;
  bool counts_events() const;  // MetricsConfig names EventCount
};

// The configuration in the JSON shape of the Lambda REST API (LastModified in epoch seconds).
std::string to_json(const EventSourceMappingConfiguration& configuration);

// What validation needs to know about the queue and the function.
struct ValidationContext {
  bool fifo = false;  // the queue is a FIFO queue
  int64_t queue_visibility_timeout_s = 30;
  int64_t function_timeout_s = 3;
};

// Checks a configuration (defaults resolved) with AWS's rules; the first broken rule is reported.
std::optional<common::AwsError> validate(const EventSourceMappingConfiguration& configuration,
                                         const ValidationContext& context);

// Applies defaults to a create request (no validation).
EventSourceMappingConfiguration resolve(const CreateMappingRequest& request, const std::string& function_arn);

// ---- The function ------------------------------------------------------------------------------

// What a mapping invokes. Implemented over a PluginHost below; tests may script their own.
class FunctionInvoker {
 public:
  virtual ~FunctionInvoker() = default;
  // Thread-safe; called from the worker pool.
  virtual functions::InvocationResult invoke(const functions::InvocationRequest& request) = 0;
  virtual std::optional<int64_t> reserved_concurrency() const = 0;
  virtual int64_t timeout_ms() const = 0;
  virtual std::string function_arn() const = 0;
};

// The host must outlive no one: the invoker keeps it alive.
std::shared_ptr<FunctionInvoker> make_plugin_invoker(std::shared_ptr<functions::PluginHost> host,
                                                     std::optional<int64_t> reserved_concurrency = std::nullopt);

// ---- The mapping -------------------------------------------------------------------------------

// Receiving from the queue started failing, failed differently, or works again. Told once per
// change, not once per failed receive.
struct ReceiveStateChange {
  std::string uuid;
  std::string event_source_arn;
  bool failing = false;
  std::string error_code;     // failing: the AWS error code (its query code, as SQS names it)
  std::string error_message;  // failing: the error's text
  int64_t retry_in_ms = 0;    // failing: when the poller receives again
};

// A mapping's LastProcessingResult took a new value.
struct ProcessingResultChange {
  std::string uuid;
  std::string event_source_arn;
  std::string function_arn;
  std::string last_processing_result;  // "OK", "PROBLEM: Function call failed", ...
};

// A step of a mapping's work, for its EventCount metrics (AWS's PolledEventCount,
// FilteredOutEventCount, InvokedEventCount, FailedInvokeEventCount, DeletedEventCount).
struct EventCounts {
  std::optional<int64_t> polled;  // set for a receive: what it returned (0: an empty poll)
  int64_t filtered_out = 0;       // matched no filter, deleted without invoking
  int64_t invoked = 0;            // in a batch the function was invoked with
  int64_t failed_invoke = 0;      // of those, left to be retried: all on a function error, else those in
                                  // batchItemFailures (on FIFO with the rest of their groups)
  int64_t deleted = 0;            // deleted after successful processing
};

struct RuntimeOptions {
  // Batching windows, the scale-up interval, the back-off after a failed receive and LastModified
  // read and wait through it. Default: the system clock.
  std::shared_ptr<common::Clock> clock;
  bool start_at_full_scale = false;  // begin at the maximum concurrency instead of 5
  int64_t initial_concurrency = 5;
  int64_t scale_up_interval_ms = 200;  // one more concurrent batch per interval under backlog
  int poller_threads = 5;              // AWS runs at least five; each fills its own batch
  int max_wait_time_seconds = 20;      // long poll length
  // Messages asked of one receive: AWS's ReceiveMessage takes at most 10; an embedded queue takes
  // up to 10,000 (one lock round trip per receive instead of one per 10 messages).
  int max_messages_per_receive = 10;
  size_t max_batch_payload_bytes = 6 * 1024 * 1024;
  // Told each time LastProcessingResult changes (not when it is set to the value it has), from a
  // poller or worker thread, outside the mapping's locks.
  std::function<void(const ProcessingResultChange&)> on_processing_result;
  // Told each receive's, filter's and batch's counts while the mapping's MetricsConfig names
  // EventCount (an update takes effect at once), with the mapping's UUID, from a poller or worker
  // thread, outside its locks.
  std::function<void(const std::string& uuid, const EventCounts& counts)> on_event_counts;
  // Where batches are invoked and settled (the process's one pool); default: a pool of the
  // mapping's own.
  std::shared_ptr<common::WorkPool> work_pool;
  // Told when receiving starts failing or works again (see ReceiveStateChange), from a poller
  // thread, outside the mapping's locks.
  std::function<void(const ReceiveStateChange&)> on_receive_state;
  // Visibility heartbeat, off at 0 (Lambda has none): every this many ms on the clock while a
  // batch is in the function, its messages' visibility timeout is set again to the queue's
  // VisibilityTimeout (ChangeMessageVisibilityBatch), so a long handler keeps its messages.
  int64_t visibility_heartbeat_ms = 0;
  // drain() lets long polls in progress end by themselves (at most max_wait_time_seconds) instead
  // of cutting them short. For remote queues: a poll cut short may already have been answered
  // (the server may even answer it after the cut, with messages handed back meanwhile), and its
  // messages would then stay invisible for their whole visibility timeout.
  bool drain_lets_polls_end = false;
};

struct MappingStats {
  uint64_t batches_invoked = 0;
  uint64_t messages_invoked = 0;
  uint64_t messages_deleted = 0;       // after successful processing
  uint64_t messages_filtered_out = 0;  // matched no filter, deleted without invoking
  uint64_t messages_returned = 0;      // left on the queue after a failure
  uint64_t failed_batches = 0;         // function error, timeout or invalid partial response
  uint64_t messages_handed_back = 0;   // received but never invoked: made visible again (drain())
  uint64_t visibility_extensions = 0;  // messages whose visibility the heartbeat extended
  int64_t concurrency_limit = 0;
  int64_t in_flight = 0;
  int64_t max_in_flight = 0;  // highest number of batches seen in the function at once
};

class EventSourceMapping {
 public:
  // Makes a QueueSource for the mapping's queue. Called once for control calls (attributes,
  // deletes) and once per poller start, because interrupt() ends a source's polling for good.
  using SourceFactory = std::function<std::unique_ptr<sqs::QueueSource>()>;

  static common::Outcome<std::unique_ptr<EventSourceMapping>> create(const CreateMappingRequest& request,
                                                                     std::shared_ptr<FunctionInvoker> function,
                                                                     SourceFactory sources,
                                                                     RuntimeOptions options = {});
  virtual ~EventSourceMapping() = default;

  virtual EventSourceMappingConfiguration configuration() const = 0;
  virtual void start() = 0;
  virtual std::optional<common::AwsError> update(const UpdateMappingRequest& request) = 0;
  virtual void drain() = 0;
  virtual void stop() = 0;
  virtual MappingStats stats() const = 0;
};

}  // namespace sluice::esm
