// Lambda's asynchronous event queue (see async_invocations.h; AWS: invocation-async).

#include "async_invocations.h"

#include <cstdio>

#include "sluice/common/sqlite.h"

namespace sluice::lambda::detail {
namespace {

constexpr int64_t kRetryDelaysMs[] = {60'000, 120'000};  // before the 2nd and the 3rd attempt

}  // namespace

AsyncInvocations::AsyncInvocations(Executor& executor, FunctionStore& store, std::shared_ptr<Clock> clock,
                                   FunctionLookup functions, DeadLetterSender dead_letters, int dispatchers)
    : executor_(executor),
      store_(store),
      clock_(std::move(clock)),
      functions_(std::move(functions)),
      dead_letters_(std::move(dead_letters)),
      dispatcher_count_(dispatchers) {}

AsyncInvocations::~AsyncInvocations() { stop(); }

void AsyncInvocations::start(std::vector<AsyncEvent> stored) {
  {
    std::lock_guard lock(mu_);
    if (stopping_) return;
    for (auto& event : stored) {
      const int64_t at = event.next_attempt_ms;
      due_.emplace(at, std::move(event));
    }
  }
  for (int i = 0; i < dispatcher_count_; ++i) dispatchers_.emplace_back([this] { run(); });
}

Status AsyncInvocations::enqueue(AsyncEvent event) {
  event.enqueued_ms = clock_->now_ms();
  event.next_attempt_ms = event.enqueued_ms;
  try {
    store_.put_event(event);
  } catch (const sqlite::Error& e) {
    return aws_error(AwsErrorCode::LambdaService, std::string("the event queue failed: ") + e.what());
  }
  {
    std::lock_guard lock(mu_);
    const int64_t at = event.next_attempt_ms;
    due_.emplace(at, std::move(event));
  }
  wake_.notify_one();
  return ok_status();
}

void AsyncInvocations::stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  for (auto& dispatcher : dispatchers_) dispatcher.join();
  dispatchers_.clear();
}

size_t AsyncInvocations::pending() const {
  std::lock_guard lock(mu_);
  return due_.size() + in_flight_;
}

void AsyncInvocations::run() {
  std::unique_lock lock(mu_);
  while (!stopping_) {
    if (due_.empty()) {
      wake_.wait(lock);
      continue;
    }
    const int64_t at = due_.begin()->first;
    if (at > clock_->now_ms()) {
      clock_->wait_until(wake_, lock, at);
      continue;
    }
    AsyncEvent event = std::move(due_.begin()->second);
    due_.erase(due_.begin());
    ++in_flight_;
    lock.unlock();
    Outcome<InvokeOutput> outcome = aws_error(AwsErrorCode::ResourceNotFound, "");
    auto function = functions_(event.function_name);
    if (function && function->reserved_concurrency == 0) {
      // A function that may not run: Lambda sends its events on without retrying.
      outcome = aws_error(AwsErrorCode::LambdaTooManyRequests, "Rate Exceeded.");
      event.attempts = kMaximumRetryAttempts;
    } else if (function) {
      InvokeInput input;
      input.payload = event.payload;
      input.request_id = event.request_id;
      outcome = executor_.invoke(*function, input);
    }
    ++event.attempts;
    settle(std::move(event), outcome);
    lock.lock();
    --in_flight_;
  }
}

void AsyncInvocations::settle(AsyncEvent event, const Outcome<InvokeOutput>& outcome) {
  const bool succeeded = outcome && outcome->function_error.empty();
  const bool function_gone = !outcome && outcome.error().code == AwsErrorCode::ResourceNotFound;
  const int64_t now = clock_->now_ms();
  const bool retry = !succeeded && !function_gone && event.attempts <= kMaximumRetryAttempts &&
                     now + kRetryDelaysMs[event.attempts - 1] - event.enqueued_ms <= kMaximumEventAgeMs;
  try {
    if (retry) {
      event.next_attempt_ms = now + kRetryDelaysMs[event.attempts - 1];
      store_.put_event(event);
      std::lock_guard lock(mu_);
      const int64_t at = event.next_attempt_ms;
      due_.emplace(at, std::move(event));
      return;
    }
    if (!succeeded && !function_gone) {
      auto function = functions_(event.function_name);
      const std::string error = outcome ? outcome->payload : outcome.error().message;
      if (function && !function->dead_letter_target_arn.empty() && dead_letters_) {
        if (!dead_letters_(function->dead_letter_target_arn, event.payload, event.request_id, error)) {
          std::fprintf(stderr, "sluice: %s: the event %s could not be sent to its dead-letter target %s\n",
                       event.function_name.c_str(), event.request_id.c_str(), function->dead_letter_target_arn.c_str());
        }
      } else {
        std::fprintf(stderr, "sluice: %s: the event %s failed %d attempts and is dropped\n",
                     event.function_name.c_str(), event.request_id.c_str(), event.attempts);
      }
    }
    store_.erase_event(event.request_id);
  } catch (const sqlite::Error& e) {
    std::fprintf(stderr, "sluice: the event queue failed: %s\n", e.what());
  }
}

}  // namespace sluice::lambda::detail
