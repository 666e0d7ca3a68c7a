// See group_commit.h. The leader swaps the pending vector with its own (empty, pre-sized) batch
// vector, so appending never waits for a running commit and no vector is reallocated per commit.

#include "store/group_commit.h"

#include <algorithm>
#include <exception>
#include <iterator>
#include <stdexcept>
#include <utility>

namespace sluice::sqs::detail {

GroupCommit::GroupCommit(CommitFn commit) : commit_(std::move(commit)) {}

uint64_t GroupCommit::append(Mutation mutation) {
  MutexLock lock(mutex_);
  pending_.push_back(std::move(mutation));
  return ++appended_;
}

uint64_t GroupCommit::append(std::vector<Mutation> mutations) {
  MutexLock lock(mutex_);
  appended_ += mutations.size();
  pending_.insert(pending_.end(), std::make_move_iterator(mutations.begin()), std::make_move_iterator(mutations.end()));
  return appended_;
}

void GroupCommit::wait_durable(uint64_t ticket) {
  MutexLock lock(mutex_);
  // A ticket never handed out would otherwise never be reached; everything appended is the most
  // a waiter can ask for.
  ticket = std::min(ticket, appended_);
  for (;;) {
    if (!failure_.empty()) throw std::runtime_error(failure_);
    if (committed_ >= ticket) return;
    if (committing_) {
      mutex_.wait(committed_cv_);
      continue;
    }
    // Leader: take everything pending, including mutations appended after `ticket`, so that
    // followers arriving during this commit usually find their ticket covered.
    committing_ = true;
    std::swap(batch_, pending_);
    uint64_t covers = appended_;
    lock.unlock();
    std::string failure;
    try {
      commit_(batch_);
    } catch (const std::exception& e) {
      failure = e.what();
      if (failure.empty()) failure = "store commit failed";
    } catch (...) {
      failure = "store commit failed";
    }
    batch_.clear();  // destroys the mutations outside the lock; keeps the capacity
    lock.lock();
    committing_ = false;
    if (failure.empty()) {
      committed_ = covers;
    } else if (failure_.empty()) {
      failure_ = std::move(failure);
    }
    committed_cv_.notify_all();
  }
}

void GroupCommit::flush() {
  uint64_t ticket = 0;
  {
    MutexLock lock(mutex_);
    ticket = appended_;
  }
  wait_durable(ticket);
}

}  // namespace sluice::sqs::detail
