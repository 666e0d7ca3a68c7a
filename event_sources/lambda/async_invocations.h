#pragma once
// Asynchronous (Event) invocations of a control plane (internal to event_sources/lambda): Lambda's
// event queue. Invoke answers 202 once the event is stored (durable in lambda.db with a data
// directory); the event then runs under the settings of the function, version or alias it was
// invoked through (sluice/lambda/event_invoke_config.h; AWS's defaults without one): after a
// function error, up to MaximumRetryAttempts more attempts, 1 minute then 2 minutes later, while
// the event is younger than MaximumEventAgeInSeconds. An event is only attempted while it is
// that young: one that waited longer, for a retry or for the function's concurrency (its lane, or
// a reserved concurrency all in use), is sent on with condition EventAgeExceeded without running.
// A throttled attempt (reserved concurrency all in use) is not one of the attempts: the event goes
// back to the queue, 1 second later, doubling up to 5 minutes, as Lambda retries throttles.
// A success goes to the OnSuccess destination;
// a failure, once its attempts or its age are spent, to the OnFailure destination as Lambda's
// invocation record, or, without one, to the function's DeadLetterConfig target through the
// embedder's DeadLetterSender. An event whose function is gone is dropped; one whose function has
// reserved concurrency 0 fails at once, without retries.
//
// Metrics (AsyncEventsReceived, AsyncEventAge, AsyncEventsDropped, Throttles, DeadLetterErrors,
// DestinationDeliveryFailures, and each attempt's Invocations, Errors, Duration) go to the hooks'
// meter under the resource the event was invoked through.
//
// How it runs: one timer thread waits for the next due event and hands it to the function's lane
// of the process's worker pool (sluice/common/work_pool.h), which runs at most `per_function` of
// a function's events at once. The timer makes no attempts itself.
//
// Time: delays and event age are on the control plane's clock.
// Threading: thread-safe; stop() (or the destructor) joins the timer and drains the lanes (an
// event not yet started is left stored); undelivered events resume at the next start.

#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "function_store.h"
#include "sluice/common/aws_error.h"
#include "sluice/common/clock.h"
#include "sluice/common/work_pool.h"
#include "sluice/lambda/control_plane.h"
#include "sluice/lambda/event_invoke_config.h"
#include "sluice/lambda/executor.h"
#include "sluice/metrics/lambda_meter.h"

namespace sluice::lambda::detail {

struct AsyncEvent {
  std::string request_id;
  std::string function_name;  // what runs: "name" or "name:version"
  std::string payload;
  int attempts = 0;  // made so far
  int64_t enqueued_ms = 0;
  int64_t next_attempt_ms = 0;
  std::string invoked_arn;  // the qualified ARN invoked (":$LATEST", a version or an alias): its settings apply
  int throttles = 0;        // attempts refused for concurrency in a row (not stored: a restart starts over)
};

using FunctionLookup = std::function<common::Outcome<FunctionRecord>(std::string_view name_or_arn)>;
using SettingsLookup = std::function<AsyncSettings(const std::string& invoked_arn)>;
// Sends an invocation record to an OnSuccess / OnFailure destination; true when it took it.
using RecordSender = std::function<bool(const std::string& destination_arn, const std::string& record)>;

struct AsyncHooks {
  FunctionLookup functions;
  SettingsLookup settings;
  RecordSender destinations;
  DeadLetterSender dead_letters;
  // Takes one of the function's concurrent executions (false: throttled), and gives it back.
  std::function<bool(const FunctionRecord&)> acquire;
  std::function<void(const FunctionRecord&)> release;
  std::shared_ptr<metrics::LambdaMeter> meter;  // null: no metrics
};

// Lambda's invocation record for a destination (AWS: invocation-async, "Invocation records").
// condition: "Success", "RetriesExhausted" or "EventAgeExceeded". Without an outcome (an event
// that expired before this attempt ran) the record has no responseContext or responsePayload.
std::string invocation_record(const AsyncEvent& event, const std::string& condition, int64_t now_ms,
                              const common::Outcome<InvokeOutput>* outcome, const std::string& executed_version);

// What a dead-letter message's ErrorMessage attribute says: the errorMessage of Lambda's error
// JSON, else the text as it is.
std::string dead_letter_error_message(const std::string& error_payload);

class AsyncInvocations {
 public:
  AsyncInvocations(Executor& executor, FunctionStore& store, std::shared_ptr<common::Clock> clock, AsyncHooks hooks,
                   std::shared_ptr<common::WorkPool> pool, int per_function);
  ~AsyncInvocations();

  // Takes the stored events and starts the timer.
  void start(std::vector<AsyncEvent> stored);
  // Stores the event; it is invoked as soon as its function's lane is free.
  common::Status enqueue(AsyncEvent event);
  void stop();
  // Events stored and not yet settled.
  size_t pending() const;

 private:
  void run_timer();
  void attempt(AsyncEvent event);
  void run_attempt(AsyncEvent event);
  void settle(AsyncEvent event, const common::Outcome<InvokeOutput>& outcome, const std::string& executed_version);
  // Sends on an event older than its MaximumEventAgeInSeconds that was not run this time.
  void expire(AsyncEvent event, const AsyncSettings& settings, const std::string& executed_version);
  // Puts the event back in the queue, due at `at`.
  void requeue(AsyncEvent event, int64_t at);
  void send_failure(const AsyncEvent& event, const AsyncSettings& settings, const std::string& condition,
                    const common::Outcome<InvokeOutput>* outcome, const std::string& executed_version);
  common::WorkLane& lane_of(const std::string& function_name);  // requires mu_

  Executor& executor_;
  FunctionStore& store_;
  const std::shared_ptr<common::Clock> clock_;
  const AsyncHooks hooks_;
  const std::shared_ptr<common::WorkPool> pool_;
  const int per_function_;
  mutable std::mutex mu_;
  std::condition_variable wake_;
  std::multimap<int64_t, AsyncEvent> due_;  // by next attempt time
  size_t in_flight_ = 0;                    // handed to a lane, not yet settled
  bool started_ = false;
  bool stopping_ = false;
  std::map<std::string, std::unique_ptr<common::WorkLane>> lanes_;  // by function (base name)
  std::thread timer_;
};

}  // namespace sluice::lambda::detail
