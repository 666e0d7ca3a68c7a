// See visibility_heartbeat.h.
#include "visibility_heartbeat.h"

#include <algorithm>
#include <utility>

namespace sluice::esm::detail {

VisibilityHeartbeat::VisibilityHeartbeat(sqs::QueueSource& queue, std::shared_ptr<common::Clock> clock,
                                         int64_t interval_ms, int64_t extend_to_s)
    : queue_(queue),
      clock_(std::move(clock)),
      interval_ms_(std::max<int64_t>(interval_ms, 1)),
      extend_to_s_(extend_to_s),
      thread_([this] { run(); }) {}

VisibilityHeartbeat::~VisibilityHeartbeat() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

uint64_t VisibilityHeartbeat::add(std::vector<std::string> receipt_handles) {
  std::lock_guard lock(mu_);
  const uint64_t ticket = next_ticket_++;
  batches_.emplace(ticket, std::move(receipt_handles));
  return ticket;
}

void VisibilityHeartbeat::remove(uint64_t ticket) {
  std::lock_guard lock(mu_);
  batches_.erase(ticket);
}

uint64_t VisibilityHeartbeat::extensions() const {
  std::lock_guard lock(mu_);
  return extensions_;
}

void VisibilityHeartbeat::run() {
  std::unique_lock lock(mu_);
  while (!stopping_) {
    const int64_t next_beat_ms = clock_->now_ms() + interval_ms_;
    clock_->wait_until(cv_, lock, next_beat_ms, [&] { return stopping_ || clock_->now_ms() >= next_beat_ms; });
    if (stopping_) break;
    std::vector<sqs::ChangeVisibilityBatchEntry> entries;
    for (const auto& batch : batches_)
      for (const auto& handle : batch.second) entries.push_back({std::to_string(entries.size()), handle, extend_to_s_});
    if (entries.empty()) continue;
    lock.unlock();
    // A batch that left the function meanwhile is settled already; extending a deleted message
    // fails for that entry alone (ReceiptHandleIsInvalid), which changes nothing.
    auto outcome = queue_.change_visibility(entries);
    lock.lock();
    if (outcome) extensions_ += outcome->successful.size();
  }
}

}  // namespace sluice::esm::detail
