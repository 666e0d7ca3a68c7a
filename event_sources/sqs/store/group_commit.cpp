// See group_commit.h. The leader swaps the pending vector with its own (empty, pre-sized) batch
// vector, so appending never waits for a running commit and no vector is reallocated per commit.
// After a failed attempt the batch vector still holds that attempt's mutations; the next leader
// appends the pending ones behind them instead of swapping.

#include "store/group_commit.h"

#include <algorithm>
#include <exception>
#include <iterator>
#include <utility>

namespace sluice::sqs::detail {

GroupCommit::GroupCommit(CommitFn commit) : commit_(std::move(commit)) {}

uint64_t GroupCommit::append(Mutation mutation) {
  common::MutexLock lock(mutex_);
  pending_.push_back(std::move(mutation));
  return ++appended_;
}

uint64_t GroupCommit::append(std::vector<Mutation> mutations) {
  common::MutexLock lock(mutex_);
  appended_ += mutations.size();
  pending_.insert(pending_.end(), std::make_move_iterator(mutations.begin()), std::make_move_iterator(mutations.end()));
  return appended_;
}

void GroupCommit::wait_durable(uint64_t ticket) {
  common::MutexLock lock(mutex_);
  // A ticket never handed out would otherwise never be reached; everything appended is the most
  // a waiter can ask for.
  ticket = std::min(ticket, appended_);
  // Only an attempt that finished after this call began can fail it: a waiter that arrives after
  // a failure gets an attempt of its own (space may have returned since).
  const uint64_t attempts_before = attempts_;
  for (;;) {
    if (committed_ >= ticket) return;
    if (attempts_ != attempts_before && !failure_.empty() && failed_through_ >= ticket)
      throw StoreFailure(failure_, failure_disk_full_);
    if (committing_) {
      mutex_.wait(committed_cv_);
      continue;
    }
    // Leader: take everything pending, including mutations appended after `ticket`, so that
    // followers arriving during this commit usually find their ticket covered.
    committing_ = true;
    if (batch_.empty()) {
      std::swap(batch_, pending_);
    } else {
      batch_.insert(batch_.end(), std::make_move_iterator(pending_.begin()), std::make_move_iterator(pending_.end()));
      pending_.clear();
    }
    uint64_t covers = appended_;
    lock.unlock();
    bool failed = true;
    std::string failure = "store commit failed";
    bool disk_full = false;
    try {
      commit_(batch_);
      failed = false;
    } catch (const StoreFailure& e) {
      failure = e.what();
      disk_full = e.disk_full();
    } catch (const std::exception& e) {
      if (*e.what() != '\0') failure = e.what();
    } catch (...) {
    }
    if (!failed) batch_.clear();  // destroys the mutations outside the lock; keeps the capacity
    lock.lock();
    committing_ = false;
    ++attempts_;
    if (!failed) {
      committed_ = covers;
      failure_.clear();
    } else {
      failure_ = std::move(failure);
      failure_disk_full_ = disk_full;
      failed_through_ = covers;
    }
    committed_cv_.notify_all();
  }
}

void GroupCommit::flush() {
  uint64_t ticket = 0;
  {
    common::MutexLock lock(mutex_);
    ticket = appended_;
  }
  wait_durable(ticket);
}

bool GroupCommit::failing() const {
  common::MutexLock lock(mutex_);
  return !failure_.empty();
}

}  // namespace sluice::sqs::detail
