// See sluice/logs/ingest.h. flush() waits until nothing is queued and the writer is idle.

#include "sluice/logs/ingest.h"

namespace sluice::logs {

LogIngest::LogIngest(std::shared_ptr<LogStore> store, size_t max_queued_events)
    : store_(std::move(store)), max_queued_(max_queued_events), thread_([this] { run(); }) {}

LogIngest::~LogIngest() {
  {
    common::MutexLock lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

void LogIngest::submit(const std::string& group, const std::string& stream, std::vector<InputEvent> events) {
  {
    common::MutexLock lock(mu_);
    if (queued_events_ + events.size() > max_queued_) {
      dropped_ += events.size();
      return;
    }
    queued_events_ += events.size();
    auto& queue = queued_[{group, stream}];
    for (auto& e : events) queue.push_back(std::move(e));
  }
  cv_.notify_all();
}

void LogIngest::flush() {
  common::MutexLock lock(mu_);
  while (!queued_.empty() || writing_) mu_.wait(cv_);
}

uint64_t LogIngest::dropped() const {
  common::MutexLock lock(mu_);
  return dropped_;
}

uint64_t LogIngest::failed_writes() const {
  common::MutexLock lock(mu_);
  return failed_;
}

bool LogIngest::failing() const {
  common::MutexLock lock(mu_);
  return last_failed_;
}

void LogIngest::run() {
  common::MutexLock lock(mu_);
  for (;;) {
    while (queued_.empty() && !stopping_) mu_.wait(cv_);
    if (queued_.empty()) return;  // stopping, and everything is written
    std::map<Key, std::vector<InputEvent>> batch;
    batch.swap(queued_);
    queued_events_ = 0;
    writing_ = true;
    lock.unlock();
    uint64_t failures = 0;
    for (const auto& [key, events] : batch)
      if (!store_->append(key.first, key.second, events)) ++failures;
    lock.lock();
    failed_ += failures;
    last_failed_ = failures > 0;
    writing_ = false;
    cv_.notify_all();
  }
}

}  // namespace sluice::logs
