#pragma once
// Leader/follower group commit over a pending log of mutations.
//
// append() adds mutations to the log under a mutex and returns a ticket: the number of mutations
// appended so far, so tickets grow with log order. wait_durable(ticket) returns at once when that
// ticket is already committed. Otherwise, if no commit is running, the caller becomes the leader:
// it takes everything pending, runs the commit function on it in its own thread (no hand-off to a
// writer thread), records the highest ticket it covered and wakes the followers. A caller that
// finds a commit running waits for it and then re-checks (its ticket may need the next batch).
//
// A failed commit is retried, never dropped. When the commit function throws, the engine has
// already applied the batch in memory, so the batch cannot be forgotten without the store and
// memory parting ways. It stays at the head of the log and the next commit (the next waiter's, or
// the engine's periodic housekeeping) runs it again, followed by whatever was appended since.
// Every waiter whose ticket the failed attempt covered gets StoreFailure; nothing is reported
// durable that is not. So a full disk costs answers while it lasts, and once space returns the
// first commit that gets through makes the store equal memory again, without a restart. (The
// failure used to be sticky, which turned one full disk into a store that never committed again.)

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "sluice/common/mutex.h"
#include "store/store.h"

namespace sluice::sqs::detail {

class GroupCommit {
 public:
  // Applies the batch durably, in order, or throws (StoreFailure to say whether the disk was full;
  // any other exception counts as a failure that is not). All or nothing: a throw leaves nothing
  // of the batch applied. Called by one thread at a time.
  using CommitFn = std::function<void(std::vector<Mutation>& batch)>;

  explicit GroupCommit(CommitFn commit);

  uint64_t append(Mutation mutation) EXCLUDES(mutex_);
  uint64_t append(std::vector<Mutation> mutations) EXCLUDES(mutex_);
  void wait_durable(uint64_t ticket) EXCLUDES(mutex_);
  // Commits everything appended so far (used before closing).
  void flush() EXCLUDES(mutex_);
  // True while the last commit attempt failed.
  bool failing() const EXCLUDES(mutex_);

 private:
  CommitFn commit_;
  mutable common::Mutex mutex_;
  std::condition_variable committed_cv_;
  std::vector<Mutation> pending_ GUARDED_BY(mutex_);
  uint64_t appended_ GUARDED_BY(mutex_) = 0;    // ticket of the last appended mutation
  uint64_t committed_ GUARDED_BY(mutex_) = 0;   // every ticket up to this is durable
  bool committing_ GUARDED_BY(mutex_) = false;  // a leader is running commit_
  uint64_t attempts_ GUARDED_BY(mutex_) = 0;    // commit attempts finished, failed or not
  // The last attempt's failure (empty message: it succeeded) and the highest ticket it covered.
  std::string failure_ GUARDED_BY(mutex_);
  bool failure_disk_full_ GUARDED_BY(mutex_) = false;
  uint64_t failed_through_ GUARDED_BY(mutex_) = 0;
  // Owned by the current leader (committing_). Between commits it holds the mutations of a failed
  // attempt, to be retried first; otherwise it is empty and kept to reuse its capacity.
  std::vector<Mutation> batch_;
};

}  // namespace sluice::sqs::detail
