// See memory_watchdog.h. The watch list is a set of raw pointers under one mutex: a MemoryWatch
// removes itself in its destructor, which takes the same mutex, so the sampling thread never
// touches (or kills the pid of) a watch that is gone.
#include "memory_watchdog.h"

#include <signal.h>

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_set>

namespace sluice::functions::detail {
namespace {

class Watchdog {
 public:
  static Watchdog& instance() {
    // Never destroyed: the sampling thread may outlive every static destructor.
    static Watchdog* watchdog = new Watchdog();
    return *watchdog;
  }

  void add(MemoryWatch* watch) {
    {
      std::lock_guard lock(mu_);
      watches_.insert(watch);
      if (!started_) {
        started_ = true;
        std::thread([this] { run(); }).detach();
      }
    }
    cv_.notify_one();
  }

  void remove(MemoryWatch* watch) {
    std::lock_guard lock(mu_);
    watches_.erase(watch);
  }

 private:
  // The sampling interval is a real-time rate of measurement, not behaviour of the emulated
  // service, so it is counted in real time.
  void run() {
    std::unique_lock lock(mu_);
    for (;;) {
      cv_.wait(lock, [&] { return !watches_.empty(); });
      for (MemoryWatch* watch : watches_) {
        const uint64_t bytes = private_memory_bytes(watch->pid());
        watch->record_sample(bytes);
        if (bytes > watch->limit_bytes() && !watch->killed_for_memory()) {
          watch->mark_killed();
          ::kill(watch->pid(), SIGKILL);
        }
      }
      cv_.wait_for(lock, std::chrono::milliseconds(kMemorySampleIntervalMs));
    }
  }

  std::mutex mu_;
  std::condition_variable cv_;
  std::unordered_set<MemoryWatch*> watches_;
  bool started_ = false;
};

}  // namespace

MemoryWatch::~MemoryWatch() { Watchdog::instance().remove(this); }

void MemoryWatch::record_sample(uint64_t bytes) {
  if (bytes > peak_bytes_.load(std::memory_order_relaxed)) peak_bytes_.store(bytes, std::memory_order_relaxed);
}

std::unique_ptr<MemoryWatch> watch_memory(pid_t pid, uint32_t limit_mb) {
  auto watch = std::make_unique<MemoryWatch>(pid, static_cast<uint64_t>(limit_mb) << 20);
  Watchdog::instance().add(watch.get());
  return watch;
}

uint64_t private_memory_bytes(pid_t pid) {
  char path[64];
  std::snprintf(path, sizeof path, "/proc/%d/smaps_rollup", static_cast<int>(pid));
  FILE* f = std::fopen(path, "re");
  if (!f) return 0;
  uint64_t total_kb = 0;
  char line[256];
  while (std::fgets(line, sizeof line, f)) {
    unsigned long long kb = 0;
    if (std::sscanf(line, "Private_Clean: %llu kB", &kb) == 1 || std::sscanf(line, "Private_Dirty: %llu kB", &kb) == 1)
      total_kb += kb;
  }
  std::fclose(f);
  return total_kb * 1024;
}

const char* memory_limit_method() { return "private-memory sampling"; }

}  // namespace sluice::functions::detail
