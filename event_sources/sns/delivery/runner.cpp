// The retrying worker pool. Jobs wait in a map ordered by due time; a worker takes the earliest
// due job, makes one attempt outside the lock, and then either finishes the job (delivered or
// given up: journal row removed) or records the failed attempt in the journal and puts the job
// back with its next due time. Stopping lets running attempts end and leaves the rest journalled.
// Due times are on the runner's Clock, and so is the wait for the earliest one.

#include "internal.h"

namespace sluice::sns::detail {

DeliveryRunner::DeliveryRunner(std::string kind, Journal* journal, size_t threads, std::shared_ptr<Clock> clock,
                               Hooks hooks)
    : kind_(std::move(kind)),
      journal_(journal),
      threads_(threads == 0 ? 1 : threads),
      clock_(std::move(clock)),
      hooks_(std::move(hooks)) {}

DeliveryRunner::~DeliveryRunner() { stop(); }

void DeliveryRunner::start() {
  if (journal_ != nullptr) {
    const int64_t now = clock_->now_ms();
    std::lock_guard lock(mu_);
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
  for (size_t i = 0; i < threads_; ++i) workers_.emplace_back([this] { work(); });
}

void DeliveryRunner::submit(const Delivery& delivery) {
  auto job = std::make_shared<Job>();
  job->delivery = delivery;
  if (journal_ != nullptr) job->id = journal_->insert(kind_, delivery_to_json(delivery));
  {
    std::lock_guard lock(mu_);
    queue_.emplace(clock_->now_ms(), std::move(job));
    stats_.accepted++;
  }
  cv_.notify_one();
}

void DeliveryRunner::stop() {
  {
    std::lock_guard lock(mu_);
    if (stopping_ && workers_.empty()) return;
    stopping_ = true;
  }
  cv_.notify_all();
  for (auto& t : workers_) t.join();
  workers_.clear();
}

size_t DeliveryRunner::pending() const {
  std::lock_guard lock(mu_);
  return queue_.size() + in_flight_;
}

DeliveryStats DeliveryRunner::stats() const {
  std::lock_guard lock(mu_);
  return stats_;
}

void DeliveryRunner::finish(const Job& job) {
  if (journal_ != nullptr && job.id >= 0) journal_->erase(job.id);
}

void DeliveryRunner::work() {
  std::unique_lock lock(mu_);
  for (;;) {
    if (stopping_) return;
    if (queue_.empty()) {
      cv_.wait(lock);
      continue;
    }
    auto first = queue_.begin();
    if (first->first > clock_->now_ms()) {
      // A copy: while this thread waits, another may take the entry and free its key.
      const int64_t due = first->first;
      clock_->wait_until(cv_, lock, due);
      continue;
    }
    std::shared_ptr<Job> job = std::move(first->second);
    queue_.erase(first);
    in_flight_++;
    lock.unlock();

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

    lock.lock();
    in_flight_--;
    stats_.attempts++;
    if (result == AttemptResult::Delivered) {
      stats_.delivered++;
    } else if (finished) {
      (went_somewhere ? stats_.dead_lettered : stats_.dropped)++;
    } else {
      queue_.emplace(clock_->now_ms() + *delay, std::move(job));
      cv_.notify_one();
    }
  }
}

}  // namespace sluice::sns::detail
