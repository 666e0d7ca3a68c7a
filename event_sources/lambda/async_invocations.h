#pragma once
// Asynchronous (Event) invocations of a control plane (internal to event_sources/lambda): Lambda's
// event queue. Invoke answers 202 once the event is stored (durable in lambda.db with a data
// directory); dispatcher threads then invoke the function with AWS's defaults for asynchronous
// invocation: after a function error, 2 more attempts, 1 minute then 2 minutes later, while the
// event is younger than 6 hours; when they are spent the event goes to the function's
// DeadLetterConfig target (if any) through the embedder's DeadLetterSender. An event whose
// function is gone is dropped; one whose function has reserved concurrency 0 goes to the target
// at once.
//
// Time: delays and event age are on the control plane's clock.
// Threading: thread-safe; stop() (or the destructor) joins the dispatchers after their current
// invocation; undelivered events stay stored and resume at the next start.

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
#include "sluice/lambda/control_plane.h"
#include "sluice/lambda/executor.h"

namespace sluice::lambda::detail {

struct AsyncEvent {
  std::string request_id;
  std::string function_name;
  std::string payload;
  int attempts = 0;  // made so far
  int64_t enqueued_ms = 0;
  int64_t next_attempt_ms = 0;
};

using FunctionLookup = std::function<Outcome<FunctionRecord>(std::string_view name_or_arn)>;

class AsyncInvocations {
 public:
  static constexpr int kMaximumRetryAttempts = 2;
  static constexpr int64_t kMaximumEventAgeMs = int64_t{6} * 3600 * 1000;

  AsyncInvocations(Executor& executor, FunctionStore& store, std::shared_ptr<Clock> clock, FunctionLookup functions,
                   DeadLetterSender dead_letters, int dispatchers);
  ~AsyncInvocations();

  // Takes the stored events and starts the dispatchers.
  void start(std::vector<AsyncEvent> stored);
  // Stores the event; it is invoked as soon as a dispatcher is free.
  Status enqueue(AsyncEvent event);
  void stop();
  // Events stored and not yet settled.
  size_t pending() const;

 private:
  void run();
  void settle(AsyncEvent event, const Outcome<InvokeOutput>& outcome);

  Executor& executor_;
  FunctionStore& store_;
  const std::shared_ptr<Clock> clock_;
  const FunctionLookup functions_;
  const DeadLetterSender dead_letters_;
  const int dispatcher_count_;
  mutable std::mutex mu_;
  std::condition_variable wake_;
  std::multimap<int64_t, AsyncEvent> due_;  // by next attempt time
  size_t in_flight_ = 0;
  bool stopping_ = false;
  std::vector<std::thread> dispatchers_;
};

}  // namespace sluice::lambda::detail
