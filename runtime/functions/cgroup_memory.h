#pragma once
// MemorySize through cgroup v2, where the machine lets sluice create cgroups.
//
// When the unified hierarchy (cgroup2) is mounted, sluice's own cgroup offers the memory
// controller, and sluice may enable it for a child cgroup of its own (its cgroup is delegated to
// it and holds no processes that forbid it), every environment process is moved into a cgroup
// `sluice-environments/env-PID` below sluice's with memory.max = MemorySize and memory.swap.max =
// 0: the kernel then stops the environment at its limit, and memory.events' oom_kill says it did.
// Otherwise (cgroup v1, no delegation, no permission) the memory sampler (memory_watchdog.h)
// enforces MemorySize alone; it also keeps sampling under cgroups, for Max Memory Used.
//
// The text functions below carry the rules and are tested on any machine; CgroupMemory touches
// the files.

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sluice::functions::detail {

// The mount point of the cgroup2 filesystem in /proc/self/mountinfo text, if one is mounted.
std::optional<std::string> cgroup2_mount_point(std::string_view mountinfo);
// This process's cgroup v2 path ("/user.slice/..."), from /proc/self/cgroup text ("0::PATH").
std::optional<std::string> cgroup2_own_path(std::string_view proc_self_cgroup);
// The directory of the environments' parent cgroup, for a mount point and an own path.
std::string environments_cgroup(const std::string& mount_point, const std::string& own_path);
// The cgroup of one environment process below `parent`.
std::string environment_cgroup(const std::string& parent, pid_t pid);
// memory.max for a MemorySize in MB (MiB, as Lambda counts it): the byte count as text.
std::string memory_max_text(uint32_t memory_size_mb);
// Whether a memory.events text reports an OOM kill (oom_kill N with N > 0).
bool oom_killed(std::string_view memory_events);
// Whether a cgroup.controllers / cgroup.subtree_control text lists `controller`.
bool lists_controller(std::string_view controllers, std::string_view controller);

class CgroupMemory {
 public:
  // The process-wide limiter when cgroup v2 can be used here, else null. Decided once.
  static const CgroupMemory* available();

  // Moves `pid` into a new cgroup limited to `memory_size_mb`; its directory, or nullopt when that
  // failed (the sampler still enforces the limit).
  std::optional<std::string> limit(pid_t pid, uint32_t memory_size_mb) const;
  // Whether the kernel killed a process of the cgroup for its memory.
  static bool killed_for_memory(const std::string& cgroup);
  // Removes the cgroup once its process is gone; false while it still holds one.
  static bool remove(const std::string& cgroup);

 private:
  explicit CgroupMemory(std::string parent) : parent_(std::move(parent)) {}
  const std::string parent_;
};

}  // namespace sluice::functions::detail
