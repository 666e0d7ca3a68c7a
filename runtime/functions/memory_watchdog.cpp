// See memory_watchdog.h. The watch list is a set of raw pointers under one mutex: a MemoryWatch
// removes itself in its destructor, which takes the same mutex, so the sampling thread never
// touches (or kills the pid of) a watch that is gone.
#include "memory_watchdog.h"

#include "cgroup_memory.h"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_set>
#include <vector>

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
    // The process may not be reaped yet: its cgroup goes once it is empty.
    if (!watch->cgroup().empty() && !CgroupMemory::remove(watch->cgroup())) empty_cgroups_.push_back(watch->cgroup());
  }

 private:
  // The sampling interval is a real-time rate of measurement, not behaviour of the emulated
  // service, so it is counted in real time.
  void run() {
    std::unique_lock lock(mu_);
    for (;;) {
      cv_.wait(lock, [&] { return !watches_.empty() || !empty_cgroups_.empty(); });
      std::erase_if(empty_cgroups_, [](const std::string& dir) { return CgroupMemory::remove(dir); });
      for (MemoryWatch* watch : watches_) {
        if (!watch->exec_seen()) {
          if (!runs_other_program(watch->pid())) continue;
          watch->mark_exec_seen();
        }
        const uint64_t bytes = watch->sample_resident_bytes();
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
  std::vector<std::string> empty_cgroups_;  // of watches gone, removed once their process is
  bool started_ = false;
};

}  // namespace

MemoryWatch::~MemoryWatch() {
  Watchdog::instance().remove(this);  // the sampling thread is done with this watch from here on
  if (statm_fd_ >= 0) ::close(statm_fd_);
}

uint64_t MemoryWatch::sample_resident_bytes() {
  if (statm_fd_ < 0) {
    char path[64];
    std::snprintf(path, sizeof path, "/proc/%d/statm", static_cast<int>(pid_));
    statm_fd_ = ::open(path, O_RDONLY | O_CLOEXEC);
    if (statm_fd_ < 0) return 0;
  }
  char text[128];
  const ssize_t n = ::pread(statm_fd_, text, sizeof text - 1, 0);
  if (n <= 0) return 0;  // the process is gone
  text[n] = '\0';
  unsigned long long size = 0, resident = 0;
  if (std::sscanf(text, "%llu %llu", &size, &resident) != 2) return 0;
  static const auto page_bytes = static_cast<uint64_t>(::sysconf(_SC_PAGESIZE));
  return resident * page_bytes;
}

void MemoryWatch::record_sample(uint64_t bytes) {
  uint64_t peak = peak_bytes_.load(std::memory_order_relaxed);
  while (bytes > peak && !peak_bytes_.compare_exchange_weak(peak, bytes, std::memory_order_relaxed)) {
  }
}

bool MemoryWatch::check_now() {
  if (killed_for_memory()) return true;
  const uint64_t bytes = resident_memory_bytes(pid_);
  record_sample(bytes);
  if (bytes > limit_bytes_ && !killed_.exchange(true, std::memory_order_acq_rel)) ::kill(pid_, SIGKILL);
  return killed_for_memory();
}

bool MemoryWatch::killed_for_memory() const {
  return killed_.load(std::memory_order_acquire) || (!cgroup_.empty() && CgroupMemory::killed_for_memory(cgroup_));
}

std::unique_ptr<MemoryWatch> watch_memory(pid_t pid, uint32_t limit_mb) {
  auto watch = std::make_unique<MemoryWatch>(pid, static_cast<uint64_t>(limit_mb) << 20);
  if (const CgroupMemory* cgroups = CgroupMemory::available())
    if (auto dir = cgroups->limit(pid, limit_mb)) watch->set_cgroup(std::move(*dir));
  Watchdog::instance().add(watch.get());
  return watch;
}

uint64_t resident_memory_bytes(pid_t pid) {
  char path[64];
  std::snprintf(path, sizeof path, "/proc/%d/statm", static_cast<int>(pid));
  FILE* f = std::fopen(path, "re");
  if (!f) return 0;
  unsigned long long size = 0, resident = 0;
  const int fields = std::fscanf(f, "%llu %llu", &size, &resident);
  std::fclose(f);
  if (fields != 2) return 0;
  static const auto page_bytes = static_cast<uint64_t>(::sysconf(_SC_PAGESIZE));
  return resident * page_bytes;
}

bool runs_other_program(pid_t pid) {
  auto target = [](const char* link) {
    char buffer[4096];
    ssize_t n = ::readlink(link, buffer, sizeof buffer);
    return n > 0 ? std::string(buffer, static_cast<size_t>(n)) : std::string();
  };
  static const std::string self = target("/proc/self/exe");
  char link[64];
  std::snprintf(link, sizeof link, "/proc/%d/exe", static_cast<int>(pid));
  const std::string other = target(link);
  return !other.empty() && other != self;
}

const char* memory_limit_method() {
  return CgroupMemory::available() ? "cgroup v2 memory.max" : "resident-memory sampling";
}

}  // namespace sluice::functions::detail
