#pragma once
// The one worker pool: every piece of work that may block and must stay off the loop thread runs
// here — the front door's Workers calls, SNS delivery attempts, event-source mapping batches.
//
// How it works
//   Work is submitted to a Lane: a FIFO queue with a cap on how many of its jobs run at once. The
//   pool's threads are shared by every lane; a free thread takes the next job of the lanes in
//   turn (round-robin over the lanes that have a job waiting and are under their cap), so no lane
//   goes first for long.
//
//   Why lanes cannot starve each other: a thread is started whenever a lane has a job it may run
//   (under its cap) and no thread is idle. A lane therefore never waits for a thread that another
//   lane holds: a flood of SNS deliveries blocked on slow endpoints fills the delivery lane up to
//   its cap and queues behind it, while an API call submitted meanwhile gets a thread of its own
//   at once. The cap of each lane is what bounds its threads; the pool's threads number at most
//   the running jobs plus max_idle_threads kept warm. An idle thread beyond those waits
//   idle_linger for a job before it exits: a thread that finishes a job is not known to be about
//   to be free, so a submit arriving meanwhile starts a thread, and without the linger a steady
//   load a little wider than max_idle_threads would start and end a thread every few jobs.
//
// Lifecycle
//   WorkPool::create() makes a pool; lane() opens a lane, which keeps the pool alive. A Lane's
//   destructor waits for its queued and running jobs to finish (drain()), so what a job touches
//   must outlive its lane: declare the lane after what its jobs use. A job must not drain or
//   destroy its own lane. The pool's threads are joined when the last lane and the last handle
//   to the pool are gone.

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>

namespace sluice::common {

class WorkPool;

class WorkLane {
 public:
  ~WorkLane();  // drain()
  WorkLane(const WorkLane&) = delete;
  WorkLane& operator=(const WorkLane&) = delete;

  // Queues a job; it runs on a pool thread after the jobs submitted to this lane before it have
  // started. Any thread may submit, a job of this lane included.
  void submit(std::function<void()> job);
  // Blocks until every job submitted so far has finished.
  void drain();

  const std::string& name() const;
  size_t max_running() const;

 private:
  friend class WorkPool;
  struct State;
  WorkLane(std::shared_ptr<WorkPool> pool, std::unique_ptr<State> state);

  std::shared_ptr<WorkPool> pool_;
  std::unique_ptr<State> state_;
};

class WorkPool : public std::enable_shared_from_this<WorkPool> {
 public:
  struct Options {
    // Idle threads kept for the next jobs; the ones beyond exit. Two per core of a small machine.
    size_t max_idle_threads = 4;
    // How long an idle thread beyond max_idle_threads waits for a job before it exits.
    std::chrono::milliseconds idle_linger{500};
  };
  static std::shared_ptr<WorkPool> create(Options options);
  static std::shared_ptr<WorkPool> create() { return create(Options{}); }
  ~WorkPool();
  WorkPool(const WorkPool&) = delete;
  WorkPool& operator=(const WorkPool&) = delete;

  // A lane running at most `max_running` of its jobs at once (at least 1). `name` is for stats.
  std::unique_ptr<WorkLane> lane(std::string name, size_t max_running);

  struct Stats {
    size_t threads = 0;       // alive
    size_t idle_threads = 0;  // waiting for a job
    size_t lanes = 0;
    size_t started = 0;  // threads started since the pool was made
  };
  Stats stats() const;

 private:
  friend class WorkLane;
  struct Impl;
  explicit WorkPool(Options options);

  std::unique_ptr<Impl> impl_;
};

}  // namespace sluice::common
