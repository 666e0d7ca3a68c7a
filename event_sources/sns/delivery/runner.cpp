// Attempts, retried. Jobs wait in a map ordered by due time. dispatch() hands the jobs that are
// due to the sink's lane of the shared worker pool, at most `threads` at once; an attempt runs
// there outside the lock and then either finishes its job (delivered or given up: journal row
// removed) or records the failed attempt in the journal and puts the job back with its next due
// time. One timer thread per runner waits on the clock for the earliest job not yet due; it
// never makes an attempt, so the blocking work (network calls, invocations) is all in the pool.
// Stopping lets attempts under way end and leaves the rest journalled.

#include "internal.h"

namespace sluice::sns::detail {

DeliveryRunner::DeliveryRunner(std::string kind, Journal* journal, size_t threads, std::shared_ptr<common::Clock> clock,
                               std::shared_ptr<common::WorkPool> pool, Hooks hooks)
    : kind_(std::move(kind)),
      journal_(journal),
      threads_(threads == 0 ? 1 : threads),
      clock_(std::move(clock)),
      hooks_(std::move(hooks)) {
  if (!pool) pool = common::WorkPool::create();
  lane_ = pool->lane("sns-delivery-" + kind_, threads_);
}

DeliveryRunner::~DeliveryRunner() { stop(); }

void DeliveryRunner::start() {
  std::unique_lock lock(mu_);
  if (journal_ != nullptr) {
    const int64_t now = clock_->now_ms();
    for (auto& row : journal_->load(kind_)) {
      auto d = delivery_from_json(row.delivery);
      if (!d) {
        journal_->erase(row.id);  // unreadable: nothing could ever deliver it
        continue;
      }
      auto job = std::make_shared<Job>(Job{row.id, row.attempts, std::move(*d)});
      queue_.emplace(now, std::move(job));
      stats_.accepted++;
    }
  }
  dispatch(lock);
  timer_ = std::thread([this] { wait_for_due_jobs(); });
}

void DeliveryRunner::submit(const Delivery& delivery) {
  auto job = std::make_shared<Job>();
  job->delivery = delivery;
  if (journal_ != nullptr) job->id = journal_->insert(kind_, delivery_to_json(delivery));
  std::unique_lock lock(mu_);
  queue_.emplace(clock_->now_ms(), std::move(job));
  stats_.accepted++;
  dispatch(lock);
}

void DeliveryRunner::stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (timer_.joinable()) timer_.join();
  lane_->drain();
}

size_t DeliveryRunner::pending() const {
  std::lock_guard lock(mu_);
  return queue_.size() + in_flight_;
}

DeliveryStats DeliveryRunner::stats() const {
  std::lock_guard lock(mu_);
  return stats_;
}

void DeliveryRunner::dispatch(std::unique_lock<std::mutex>& /*lock: mu_ held*/) {
  const int64_t now = clock_->now_ms();
  while (!stopping_ && in_flight_ < threads_ && !queue_.empty() && queue_.begin()->first <= now) {
    std::shared_ptr<Job> job = std::move(queue_.begin()->second);
    queue_.erase(queue_.begin());
    in_flight_++;
    lane_->submit([this, job = std::move(job)]() mutable { attempt(std::move(job)); });
  }
}

void DeliveryRunner::wait_for_due_jobs() {
  std::unique_lock lock(mu_);
  while (!stopping_) {
    dispatch(lock);
    // Whatever is left is not due yet, or waits for a free attempt (whose end dispatches again).
    if (queue_.empty() || in_flight_ >= threads_) {
      cv_.wait(lock);
      continue;
    }
    // A copy: while this thread waits, an attempt may take the entry and free its key.
    const int64_t due = queue_.begin()->first;
    clock_->wait_until(cv_, lock, due);
  }
}

void DeliveryRunner::finish(const Job& job) {
  if (journal_ != nullptr && job.id >= 0) journal_->erase(job.id);
}

void DeliveryRunner::attempt(std::shared_ptr<Job> job) {
  {
    std::lock_guard lock(mu_);
    if (stopping_) {  // handed over just before stop(): it stays journalled for the next run
      in_flight_--;
      queue_.emplace(clock_->now_ms(), std::move(job));
      return;
    }
  }
  job->attempts++;
  AttemptResult result = hooks_.attempt(job->delivery, job->attempts);
  bool finished = true;
  bool went_somewhere = false;
  std::optional<int64_t> delay;
  if (result == AttemptResult::Retry) delay = hooks_.retry_delay_ms(job->delivery, job->attempts);
  if (result == AttemptResult::Delivered) {
    finish(*job);
  } else if (delay) {
    finished = false;
    if (journal_ != nullptr && job->id >= 0) journal_->set_attempts(job->id, job->attempts);
  } else {
    went_somewhere = hooks_.give_up(job->delivery, job->attempts, result == AttemptResult::Permanent);
    finish(*job);
  }

  std::unique_lock lock(mu_);
  in_flight_--;
  stats_.attempts++;
  if (result == AttemptResult::Delivered) {
    stats_.delivered++;
  } else if (finished) {
    (went_somewhere ? stats_.dead_lettered : stats_.dropped)++;
  } else {
    queue_.emplace(clock_->now_ms() + *delay, std::move(job));
  }
  dispatch(lock);
  cv_.notify_all();  // the timer's earliest due time may have changed
}

}  // namespace sluice::sns::detail
