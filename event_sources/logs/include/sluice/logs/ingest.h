#pragma once
// LogIngest: the runtime's writes into the log store, off the caller's path. submit() only queues
// (a function's invocation does not wait for SQLite); one thread of its own writes whatever has
// queued up, stream by stream, one transaction per stream, so a burst of invocations becomes a few
// commits. While it writes, new submissions gather into the next batch.
//
// Bounded: at most max_queued_events wait; beyond that new events are dropped and counted
// (dropped()), so a store that cannot keep up never grows memory without end.
//
// Lifecycle: the destructor writes what is still queued, then joins the thread. The store must
// outlive it.

#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "sluice/common/mutex.h"
#include "sluice/logs/logs.h"

namespace sluice::logs {

class LogIngest {
 public:
  explicit LogIngest(std::shared_ptr<LogStore> store, size_t max_queued_events = 100000);
  ~LogIngest();
  LogIngest(const LogIngest&) = delete;
  LogIngest& operator=(const LogIngest&) = delete;

  // Any thread; never waits for the store.
  void submit(const std::string& group, const std::string& stream, std::vector<InputEvent> events);
  // Returns once everything submitted before the call is stored (or dropped).
  void flush();
  uint64_t dropped() const;
  uint64_t failed_writes() const;
  // True when the last batch could not be stored entirely (GET /health's readiness).
  bool failing() const;

 private:
  using Key = std::pair<std::string, std::string>;  // group, stream
  void run();

  const std::shared_ptr<LogStore> store_;
  const size_t max_queued_;
  mutable common::Mutex mu_;
  std::condition_variable cv_;  // work queued, a batch written, or stopping
  std::map<Key, std::vector<InputEvent>> queued_ GUARDED_BY(mu_);
  size_t queued_events_ GUARDED_BY(mu_) = 0;
  bool writing_ GUARDED_BY(mu_) = false;  // a batch is out of the queue, not yet stored
  uint64_t dropped_ GUARDED_BY(mu_) = 0;
  uint64_t failed_ GUARDED_BY(mu_) = 0;
  bool last_failed_ GUARDED_BY(mu_) = false;
  bool stopping_ GUARDED_BY(mu_) = false;
  std::thread thread_;
};

}  // namespace sluice::logs
