#pragma once
// A fixed set of threads running jobs in submission order: calls that block (SNS's store commits)
// run here rather than on the loop thread. With zero threads a job runs at once in the submitting
// thread: where nothing blocks, the hand-off to another thread and back would cost more than the
// call. The destructor finishes queued jobs, then joins.

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace sluice::api::server::detail {

class WorkerPool {
 public:
  explicit WorkerPool(int threads);
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  void submit(std::function<void()> job);

 private:
  void run();

  std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<std::function<void()>> jobs_;  // guarded by mutex_
  bool stopping_ = false;                   // guarded by mutex_
  std::vector<std::thread> threads_;
};

}  // namespace sluice::api::server::detail
