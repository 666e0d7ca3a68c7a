// The shared worker pool (see work_pool.h for the rules). One mutex guards the lanes' queues and
// the thread bookkeeping; jobs run without it.
//
// Counting threads: `unclaimed_idle` is the number of idle threads that no submit has woken yet.
// A submit that makes a job runnable either claims one of them (and wakes it) or starts a thread,
// so every runnable job has a thread on its way to take(). A thread that finishes a job goes
// back to take() itself, which covers the job its lane's cap was holding back. A woken thread may
// take another lane's job than the one that woke it; that job's own submit sent a thread too.

#include "sluice/common/work_pool.h"

#include <deque>
#include <map>
#include <thread>
#include <vector>

#include "sluice/common/mutex.h"

namespace sluice::common {

struct WorkLane::State {
  std::string name;
  size_t max_running = 1;
  std::deque<std::function<void()>> jobs;  // guarded by the pool's mutex, as the rest
  size_t running = 0;
  std::condition_variable drained;  // running and jobs both reached zero

  bool runnable() const { return !jobs.empty() && running < max_running; }
};

struct WorkPool::Impl {
  explicit Impl(Options o) : options(o) {}

  const Options options;
  mutable Mutex mu;
  std::condition_variable wake;
  std::condition_variable left;  // a thread left run() while stopping
  std::vector<WorkLane::State*> lanes GUARDED_BY(mu);
  size_t next_lane GUARDED_BY(mu) = 0;  // where the round-robin scan starts
  size_t idle GUARDED_BY(mu) = 0;
  size_t unclaimed_idle GUARDED_BY(mu) = 0;
  size_t wakeups GUARDED_BY(mu) = 0;  // claimed but not yet taken up by a waiting thread
  size_t started GUARDED_BY(mu) = 0;
  bool stopping GUARDED_BY(mu) = false;
  std::map<std::thread::id, std::thread> threads GUARDED_BY(mu);
  std::vector<std::thread> exited GUARDED_BY(mu);  // to join: they have left run()

  // The next job in round-robin order over the lanes that may run one, its lane's count raised.
  WorkLane::State* take(std::function<void()>& job) REQUIRES(mu) {
    for (size_t i = 0; i < lanes.size(); ++i) {
      const size_t at = (next_lane + i) % lanes.size();
      WorkLane::State* lane = lanes[at];
      if (!lane->runnable()) continue;
      job = std::move(lane->jobs.front());
      lane->jobs.pop_front();
      lane->running++;
      next_lane = at + 1;
      return lane;
    }
    return nullptr;
  }

  // Called with a job newly runnable: an idle thread is claimed, or a thread started. True when
  // the caller must wake the claimed thread (wake.notify_one()) once it has released mu: woken
  // under the lock, the thread would only block on mu again, a context switch more per job.
  [[nodiscard]] bool send_thread() REQUIRES(mu) {
    if (unclaimed_idle > 0) {
      unclaimed_idle--;
      wakeups++;
      return true;
    }
    join_exited();
    std::thread thread([this] { run(); });
    const auto id = thread.get_id();
    threads.emplace(id, std::move(thread));
    started++;
    return false;
  }

  void join_exited() REQUIRES(mu) {
    // An exited thread has only the unlock of mu left to do: these joins are immediate.
    for (auto& t : exited) t.join();
    exited.clear();
  }

  void run() {
    MutexLock lock(mu);
    for (;;) {
      std::function<void()> job;
      if (WorkLane::State* lane = take(job)) {
        lock.unlock();
        job();
        job = nullptr;  // what the job captured goes before its lane is counted drained
        lock.lock();
        lane->running--;
        if (lane->running == 0 && lane->jobs.empty()) lane->drained.notify_all();
        continue;
      }
      if (stopping) break;
      // Beyond the threads kept warm, an idle thread lingers for a while and then leaves.
      const bool lingering = idle >= options.max_idle_threads;
      const auto leave_at = std::chrono::steady_clock::now() + options.idle_linger;
      idle++;
      unclaimed_idle++;
      bool expired = false;
      while (wakeups == 0 && !stopping && !expired) {
        if (lingering) {
          expired = !mu.wait_until(wake, leave_at);
        } else {
          mu.wait(wake);
        }
      }
      idle--;
      if (wakeups > 0) {
        wakeups--;
        continue;
      }
      // Nobody claimed an idle thread (stopping, or this one's linger ran out), so this one is
      // among the unclaimed.
      unclaimed_idle--;
      break;
    }
    auto self = threads.find(std::this_thread::get_id());
    exited.push_back(std::move(self->second));
    threads.erase(self);
    if (stopping) left.notify_all();
  }
};

std::shared_ptr<WorkPool> WorkPool::create(Options options) { return std::shared_ptr<WorkPool>(new WorkPool(options)); }

WorkPool::WorkPool(Options options) : impl_(std::make_unique<Impl>(options)) {}

WorkPool::~WorkPool() {
  // No lane is left (each holds the pool), so every thread is idle or on its way out.
  std::vector<std::thread> exited;
  {
    MutexLock lock(impl_->mu);
    impl_->stopping = true;
    impl_->wake.notify_all();
    while (!impl_->threads.empty()) impl_->mu.wait(impl_->left);
    exited.swap(impl_->exited);
  }
  for (auto& t : exited) t.join();
}

std::unique_ptr<WorkLane> WorkPool::lane(std::string name, size_t max_running) {
  auto state = std::make_unique<WorkLane::State>();
  state->name = std::move(name);
  state->max_running = max_running == 0 ? 1 : max_running;
  {
    MutexLock lock(impl_->mu);
    impl_->lanes.push_back(state.get());
  }
  return std::unique_ptr<WorkLane>(new WorkLane(shared_from_this(), std::move(state)));
}

WorkPool::Stats WorkPool::stats() const {
  MutexLock lock(impl_->mu);
  return {impl_->threads.size(), impl_->idle, impl_->lanes.size(), impl_->started};
}

WorkLane::WorkLane(std::shared_ptr<WorkPool> pool, std::unique_ptr<State> state)
    : pool_(std::move(pool)), state_(std::move(state)) {}

WorkLane::~WorkLane() {
  drain();
  auto& impl = *pool_->impl_;
  MutexLock lock(impl.mu);
  std::erase(impl.lanes, state_.get());
}

void WorkLane::submit(std::function<void()> job) {
  auto& impl = *pool_->impl_;
  bool wake = false;
  {
    MutexLock lock(impl.mu);
    state_->jobs.push_back(std::move(job));
    if (state_->runnable()) wake = impl.send_thread();
  }
  if (wake) impl.wake.notify_one();
}

void WorkLane::drain() {
  auto& impl = *pool_->impl_;
  MutexLock lock(impl.mu);
  while (state_->running > 0 || !state_->jobs.empty()) impl.mu.wait(state_->drained);
}

const std::string& WorkLane::name() const { return state_->name; }
size_t WorkLane::max_running() const { return state_->max_running; }

}  // namespace sluice::common
