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
// Failure is sticky. If the commit function throws, the batch is lost from disk while the engine
// already acted on it in memory, so no later commit could honestly report the state as durable.
// Every current and future waiter gets std::runtime_error with the first failure's message; the
// process keeps running so the front end can answer an error rather than die on, say, a full
// disk. (Aborting would be the alternative; it would take down unrelated in-flight work.)

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
  // Applies the batch durably, in order, or throws. Called by one thread at a time.
  using CommitFn = std::function<void(std::vector<Mutation>& batch)>;

  explicit GroupCommit(CommitFn commit);

  uint64_t append(Mutation mutation) EXCLUDES(mutex_);
  uint64_t append(std::vector<Mutation> mutations) EXCLUDES(mutex_);
  void wait_durable(uint64_t ticket) EXCLUDES(mutex_);
  // Commits everything appended so far (used before closing).
  void flush() EXCLUDES(mutex_);

 private:
  CommitFn commit_;
  Mutex mutex_;
  std::condition_variable committed_cv_;
  std::vector<Mutation> pending_ GUARDED_BY(mutex_);
  uint64_t appended_ GUARDED_BY(mutex_) = 0;    // ticket of the last appended mutation
  uint64_t committed_ GUARDED_BY(mutex_) = 0;   // every ticket up to this is durable
  bool committing_ GUARDED_BY(mutex_) = false;  // a leader is running commit_
  std::string failure_ GUARDED_BY(mutex_);      // first commit failure, sticky
  std::vector<Mutation> batch_;                 // owned by the current leader (committing_); kept to reuse its capacity
};

}  // namespace sluice::sqs::detail
