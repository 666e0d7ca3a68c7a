// See spawner.h. One thread, started on first use and never joined, takes fork requests from a
// queue; each caller waits for its own request to be done.
//
// The child is made with vfork: it borrows this process's memory until it execs, and the spawner
// thread waits meanwhile. A plain fork copied the page tables of the whole server (every queued
// message) and left each of its pages copy-on-write, so the server took a page fault on the first
// write to every page after each environment start: at a few hundred megabytes, more time than
// the invocations themselves. The child may therefore only make system calls and exec or _exit
// (what child_main promises). The spawner thread keeps every signal blocked, so no handler of the
// server can run in a child on the borrowed memory; the child unblocks them only after it has
// reset every handler to the default.
#include "spawner.h"

#include <signal.h>
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
    std::thread([this] {
      sigset_t all;
      sigfillset(&all);
      pthread_sigmask(SIG_BLOCK, &all, nullptr);
      loop();
    }).detach();
  }

  void loop() {
    std::unique_lock lock(mu_);
    for (;;) {
      cv_.wait(lock, [&] { return !queue_.empty(); });
      ForkRequest* request = queue_.front();
      queue_.pop_front();
      pid_t pid = ::vfork();
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
