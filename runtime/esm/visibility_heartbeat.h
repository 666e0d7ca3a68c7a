#pragma once
// The visibility heartbeat of one mapping (RuntimeOptions::visibility_heartbeat_ms): one thread
// that, every interval on the clock, sets the visibility timeout of the messages of every batch
// in the function back to the queue's VisibilityTimeout with ChangeMessageVisibilityBatch. A batch
// is registered when it enters the function and removed when it leaves, before it is settled,
// so a message already deleted is never extended.
//
// Threads: add() and remove() from the worker pool's threads; the heartbeat's own thread makes
// the queue calls outside the lock (a slow call delays only the next beat). The destructor stops
// and joins the thread.

#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "sluice/common/clock.h"
#include "sluice/sqs/queue_source.h"

namespace sluice::esm::detail {

class VisibilityHeartbeat {
 public:
  // `queue` must outlive the heartbeat. `extend_to_s` is the visibility timeout each beat sets.
  VisibilityHeartbeat(sqs::QueueSource& queue, std::shared_ptr<common::Clock> clock, int64_t interval_ms,
                      int64_t extend_to_s);
  ~VisibilityHeartbeat();
  VisibilityHeartbeat(const VisibilityHeartbeat&) = delete;
  VisibilityHeartbeat& operator=(const VisibilityHeartbeat&) = delete;

  // Registers a batch's receipt handles; the ticket removes it.
  uint64_t add(std::vector<std::string> receipt_handles);
  void remove(uint64_t ticket);
  // Messages extended so far (each message once per beat).
  uint64_t extensions() const;

 private:
  void run();

  sqs::QueueSource& queue_;
  const std::shared_ptr<common::Clock> clock_;
  const int64_t interval_ms_;
  const int64_t extend_to_s_;

  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  uint64_t next_ticket_ = 1;
  uint64_t extensions_ = 0;
  std::map<uint64_t, std::vector<std::string>> batches_;  // by ticket
  std::thread thread_;                                    // last: runs on the members above
};

}  // namespace sluice::esm::detail
