// See spawner.h. One thread, started on first use and never joined, takes fork requests from a
// queue; each caller waits for its own request to be done.
#include "spawner.h"

#include <unistd.h>

#include <cerrno>
#include <condition_variable>
#include <cstdlib>
#include <deque>
#include <mutex>
#include <thread>

namespace sluice::functions::detail {
namespace {

struct ForkRequest {
  const std::function<void()>* child_main;
  pid_t pid = -1;
  int error = 0;
  bool done = false;
};

class Spawner {
 public:
  static Spawner& instance() {
    static Spawner* spawner = new Spawner();  // never destroyed: its thread runs until exit
    return *spawner;
  }

  void run(ForkRequest& request) {
    std::unique_lock lock(mu_);
    queue_.push_back(&request);
    cv_.notify_all();
    cv_.wait(lock, [&] { return request.done; });
  }

 private:
  Spawner() {
    std::thread([this] { loop(); }).detach();
  }

  void loop() {
    std::unique_lock lock(mu_);
    for (;;) {
      cv_.wait(lock, [&] { return !queue_.empty(); });
      ForkRequest* request = queue_.front();
      queue_.pop_front();
      pid_t pid = ::fork();
      if (pid == 0) {
        (*request->child_main)();
        _exit(127);  // child_main must not return
      }
      request->pid = pid;
      request->error = pid < 0 ? errno : 0;
      request->done = true;
      cv_.notify_all();
    }
  }

  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<ForkRequest*> queue_;
};

}  // namespace

pid_t fork_from_spawner(const std::function<void()>& child_main, int* error) {
  ForkRequest request{&child_main};
  Spawner::instance().run(request);
  if (error) *error = request.error;
  return request.pid;
}

}  // namespace sluice::functions::detail
