#pragma once
// Enforces a function's MemorySize on its environments by sampling their memory.
//
// Lambda stops an environment that uses more than its MemorySize. sluice does it the portable
// way: one process-wide thread reads the private memory (Private_Clean + Private_Dirty of
// /proc/PID/smaps_rollup) of every watched process every few milliseconds and sends SIGKILL to a
// process past its limit. Private memory, not RSS: a worker forked from the server shares the
// server's pages until it writes to them, and those pages are not the function's.
// RLIMIT_AS is not used on purpose: runtimes such as V8 reserve gigabytes of address space they
// never touch and would not even start under it.
//
// Lifecycle: watch() registers a process; the returned MemoryWatch stops the watching when it is
// destroyed. Destroy it before reaping the process, so the pid can never be reused under a kill.
// The sampling thread starts with the first watch and lives until the process exits.

#include <sys/types.h>

#include <atomic>
#include <cstdint>
#include <memory>

namespace sluice::functions::detail {

// How often a watched process is sampled.
inline constexpr int64_t kMemorySampleIntervalMs = 5;

class MemoryWatch {
 public:
  MemoryWatch(pid_t pid, uint64_t limit_bytes) : pid_(pid), limit_bytes_(limit_bytes) {}
  ~MemoryWatch();
  MemoryWatch(const MemoryWatch&) = delete;
  MemoryWatch& operator=(const MemoryWatch&) = delete;

  pid_t pid() const { return pid_; }
  uint64_t limit_bytes() const { return limit_bytes_; }
  // True once the process was killed for using more than its limit.
  bool killed_for_memory() const { return killed_.load(std::memory_order_acquire); }
  // The highest private memory seen so far.
  uint64_t peak_bytes() const { return peak_bytes_.load(std::memory_order_relaxed); }

  // Called by the sampling thread only.
  void record_sample(uint64_t bytes);
  void mark_killed() { killed_.store(true, std::memory_order_release); }

 private:
  const pid_t pid_;
  const uint64_t limit_bytes_;
  std::atomic<bool> killed_{false};
  std::atomic<uint64_t> peak_bytes_{0};
};

// Starts watching `pid` against `limit_mb` megabytes (MiB, as Lambda counts MemorySize).
std::unique_ptr<MemoryWatch> watch_memory(pid_t pid, uint32_t limit_mb);

// The private memory of a process in bytes, 0 when it cannot be read (the process is gone).
uint64_t private_memory_bytes(pid_t pid);

// How MemorySize is enforced on this machine, for the README and the startup log.
const char* memory_limit_method();

}  // namespace sluice::functions::detail
