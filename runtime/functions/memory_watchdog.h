#pragma once
// Enforces a function's MemorySize on its environments by sampling their memory.
//
// Lambda stops an environment that uses more than its MemorySize. sluice does it the portable
// way: one process-wide thread reads the resident memory (RSS, the second field of
// /proc/PID/statm: heap, stacks and the pages of the program and libraries it touched, as a
// cgroup charges them) of every watched process every few milliseconds and sends SIGKILL to a
// process past its limit. Every environment is a program of its own (sluice-worker, or a
// runtime's bootstrap), so none of these pages are the server's. statm is read from the kernel's
// counters; smaps_rollup, read before, walks the page tables and cost up to a millisecond per
// sample for a large process.
// A child that has not exec'd yet would count the server's pages as its own: a process is sampled
// only once it runs a program other than this one (its /proc/PID/exe differs from ours). (Children
// started by the spawner have exec'd before they are watched; the check keeps that a fact.)
// RLIMIT_AS is not used on purpose: runtimes such as V8 reserve gigabytes of address space they
// never touch and would not even start under it.
//
// Where cgroup v2 can be used (cgroup_memory.h), each watched process is also put in a cgroup
// with memory.max = its limit, and the kernel's OOM kill counts as a kill for memory.
//
// Lifecycle: watch() registers a process; the returned MemoryWatch stops the watching when it is
// destroyed. Destroy it before reaping the process, so the pid can never be reused under a kill.
// The sampling thread starts with the first watch and lives until the process exits.

#include <sys/types.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

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
  // The process's cgroup when cgroup v2 limits it too, else "".
  const std::string& cgroup() const { return cgroup_; }
  void set_cgroup(std::string dir) { cgroup_ = std::move(dir); }
  uint64_t limit_bytes() const { return limit_bytes_; }
  // True once the process was killed for using more than its limit (by the sampler, or by the
  // kernel in its cgroup).
  bool killed_for_memory() const;
  // The highest resident memory seen so far.
  uint64_t peak_bytes() const { return peak_bytes_.load(std::memory_order_relaxed); }
  // Samples the process once now, from the calling thread, and kills it when it is past its limit;
  // true when it was killed for its memory (now or before). For a process known to have exec'd
  // (it is serving an invocation). An invocation that reaches its deadline asks first: a process
  // that ran past its memory before its time ran out failed for its memory, even when the
  // sampling thread (on a loaded machine) had not come round to it yet.
  bool check_now();

  // Called by the sampling thread (and check_now()).
  void record_sample(uint64_t bytes);
  void mark_killed() { killed_.store(true, std::memory_order_release); }
  // Whether the process was seen running its own program (sampling starts then).
  bool exec_seen() const { return exec_seen_; }
  void mark_exec_seen() { exec_seen_ = true; }
  // The resident memory now, read through a /proc/PID/statm descriptor kept open from the first
  // sample on: one pread per sample instead of open, fstat, read and close, which the sampling
  // thread did 200 times a second for every environment, busy or idle.
  uint64_t sample_resident_bytes();

 private:
  const pid_t pid_;
  const uint64_t limit_bytes_;
  std::atomic<bool> killed_{false};
  std::atomic<uint64_t> peak_bytes_{0};
  bool exec_seen_ = false;  // the sampling thread's alone
  int statm_fd_ = -1;       // the sampling thread's alone; closed by the destructor
  std::string cgroup_;      // set before the watch is shared
};

// Starts watching `pid` against `limit_mb` megabytes (MiB, as Lambda counts MemorySize).
std::unique_ptr<MemoryWatch> watch_memory(pid_t pid, uint32_t limit_mb);

// The resident memory (RSS) of a process in bytes, 0 when it cannot be read (it is gone).
uint64_t resident_memory_bytes(pid_t pid);
// Whether `pid` runs a program other than this process's (it has exec'd); false when unknown.
bool runs_other_program(pid_t pid);

// How MemorySize is enforced on this machine ("cgroup v2 memory.max" or "resident-memory
// sampling"), for the startup log.
const char* memory_limit_method();

}  // namespace sluice::functions::detail
