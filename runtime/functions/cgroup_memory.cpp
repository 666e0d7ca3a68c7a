// See cgroup_memory.h.

#include "cgroup_memory.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <fstream>
#include <sstream>

namespace sluice::functions::detail {
namespace {

std::optional<std::string> read_text(const std::string& path) {
  std::ifstream in(path);
  if (!in) return std::nullopt;
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

bool write_text(const std::string& path, const std::string& text) {
  std::ofstream out(path);
  out << text;
  out.flush();
  return static_cast<bool>(out);
}

// Splits `text` into lines and calls `each` until it returns true.
template <typename F>
bool any_line(std::string_view text, F each) {
  while (!text.empty()) {
    const size_t end = text.find('\n');
    if (each(text.substr(0, end))) return true;
    if (end == std::string_view::npos) break;
    text.remove_prefix(end + 1);
  }
  return false;
}

std::optional<std::string> detect_parent() {
  auto mountinfo = read_text("/proc/self/mountinfo");
  auto own = read_text("/proc/self/cgroup");
  if (!mountinfo || !own) return std::nullopt;
  auto mount = cgroup2_mount_point(*mountinfo);
  auto path = cgroup2_own_path(*own);
  if (!mount || !path) return std::nullopt;
  const std::string own_dir = *mount + (*path == "/" ? "" : *path);
  auto controllers = read_text(own_dir + "/cgroup.controllers");
  if (!controllers || !lists_controller(*controllers, "memory")) return std::nullopt;
  const std::string parent = environments_cgroup(*mount, *path);
  if (::mkdir(parent.c_str(), 0755) != 0 && errno != EEXIST) return std::nullopt;
  // The memory controller must reach the environments' cgroups: enabled for the children of
  // sluice's cgroup. A cgroup that holds processes may not enable it (cgroup v2's rule of no
  // internal processes), so sluice first moves itself into a leaf of its own, "sluice-server".
  auto enabled = read_text(own_dir + "/cgroup.subtree_control");
  if (!enabled || !lists_controller(*enabled, "memory")) {
    const std::string leaf = own_dir + "/sluice-server";
    const bool enabled_now = write_text(own_dir + "/cgroup.subtree_control", "+memory") ||
                             ((::mkdir(leaf.c_str(), 0755) == 0 || errno == EEXIST) &&
                              write_text(leaf + "/cgroup.procs", std::to_string(::getpid())) &&
                              write_text(own_dir + "/cgroup.subtree_control", "+memory"));
    if (!enabled_now) {
      ::rmdir(parent.c_str());
      return std::nullopt;
    }
  }
  if (!write_text(parent + "/cgroup.subtree_control", "+memory")) {
    ::rmdir(parent.c_str());
    return std::nullopt;
  }
  return parent;
}

}  // namespace

std::optional<std::string> cgroup2_mount_point(std::string_view mountinfo) {
  std::optional<std::string> found;
  any_line(mountinfo, [&](std::string_view line) {
    // "ID PARENT MAJ:MIN ROOT MOUNT_POINT OPTIONS [OPTIONAL...] - FSTYPE SOURCE SUPER_OPTIONS"
    const size_t dash = line.find(" - ");
    if (dash == std::string_view::npos) return false;
    std::istringstream after(std::string(line.substr(dash + 3)));
    std::string fstype;
    after >> fstype;
    if (fstype != "cgroup2") return false;
    std::istringstream before(std::string(line.substr(0, dash)));
    std::string id, parent, device, root, mount_point;
    before >> id >> parent >> device >> root >> mount_point;
    if (mount_point.empty()) return false;
    found = mount_point;
    return true;
  });
  return found;
}

std::optional<std::string> cgroup2_own_path(std::string_view proc_self_cgroup) {
  std::optional<std::string> found;
  any_line(proc_self_cgroup, [&](std::string_view line) {
    if (line.substr(0, 3) != "0::") return false;  // v1 lines name their hierarchy's id
    std::string_view path = line.substr(3);
    if (path.empty() || path.front() != '/') return false;
    found = std::string(path);
    return true;
  });
  return found;
}

std::string environments_cgroup(const std::string& mount_point, const std::string& own_path) {
  return mount_point + (own_path == "/" ? "" : own_path) + "/sluice-environments";
}

std::string environment_cgroup(const std::string& parent, pid_t pid) { return parent + "/env-" + std::to_string(pid); }

std::string memory_max_text(uint32_t memory_size_mb) {
  return std::to_string(static_cast<uint64_t>(memory_size_mb) << 20);
}

bool oom_killed(std::string_view memory_events) {
  return any_line(memory_events, [](std::string_view line) {
    constexpr std::string_view kKey = "oom_kill ";
    if (line.substr(0, kKey.size()) != kKey) return false;
    std::string_view count = line.substr(kKey.size());
    return !count.empty() && count.find_first_not_of('0') != std::string_view::npos &&
           count.find_first_not_of("0123456789") == std::string_view::npos;
  });
}

bool lists_controller(std::string_view controllers, std::string_view controller) {
  std::istringstream words{std::string(controllers)};
  std::string word;
  while (words >> word)
    if (word == controller) return true;
  return false;
}

const CgroupMemory* CgroupMemory::available() {
  static const CgroupMemory* limiter = [] {
    auto parent = detect_parent();
    return parent ? new CgroupMemory(*parent) : nullptr;  // lives as long as the process
  }();
  return limiter;
}

std::optional<std::string> CgroupMemory::limit(pid_t pid, uint32_t memory_size_mb) const {
  const std::string dir = environment_cgroup(parent_, pid);
  if (::mkdir(dir.c_str(), 0755) != 0 && errno != EEXIST) return std::nullopt;
  if (!write_text(dir + "/memory.max", memory_max_text(memory_size_mb)) ||
      !write_text(dir + "/cgroup.procs", std::to_string(pid))) {
    ::rmdir(dir.c_str());
    return std::nullopt;
  }
  (void)write_text(dir + "/memory.swap.max", "0");  // absent without swap accounting: the limit holds anyway
  return dir;
}

bool CgroupMemory::killed_for_memory(const std::string& cgroup) {
  auto events = read_text(cgroup + "/memory.events");
  return events && oom_killed(*events);
}

bool CgroupMemory::remove(const std::string& cgroup) { return ::rmdir(cgroup.c_str()) == 0 || errno == ENOENT; }

}  // namespace sluice::functions::detail
