// The rules of cgroup v2 memory limits (cgroup_memory.h), on texts as the kernel writes them: this
// machine may have no cgroup v2 at all, so the files themselves are not touched here.
#include <doctest/doctest.h>

#include "cgroup_memory.h"
#include "memory_watchdog.h"

using namespace sluice::functions::detail;

TEST_CASE("the cgroup2 mount point is read from mountinfo, past optional fields") {
  const char* v2 =
      "22 28 0:21 / /proc rw,nosuid,nodev,noexec,relatime shared:12 - proc proc rw\n"
      "29 23 0:26 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:4 - cgroup2 cgroup2 rw,nsdelegate\n";
  CHECK(cgroup2_mount_point(v2) == "/sys/fs/cgroup");
  const char* v1_only =
      "30 23 0:27 / /sys/fs/cgroup/memory rw,nosuid,nodev,noexec,relatime shared:9 - cgroup cgroup rw,memory\n"
      "31 23 0:28 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu";
  CHECK_FALSE(cgroup2_mount_point(v1_only).has_value());
  CHECK_FALSE(cgroup2_mount_point("").has_value());
}

TEST_CASE("this process's cgroup v2 path is the 0:: line of /proc/self/cgroup") {
  CHECK(cgroup2_own_path("0::/user.slice/user-1000.slice/user@1000.service/app.slice\n") ==
        "/user.slice/user-1000.slice/user@1000.service/app.slice");
  CHECK(cgroup2_own_path("12:memory:/docker/abc\n11:cpu:/docker/abc\n0::/\n") == "/");
  CHECK_FALSE(cgroup2_own_path("12:memory:/docker/abc\n11:cpu,cpuacct:/docker/abc\n").has_value());
}

TEST_CASE("environment cgroups live below sluice's own, one per process") {
  const std::string parent = environments_cgroup("/sys/fs/cgroup", "/system.slice/sluice.service");
  CHECK(parent == "/sys/fs/cgroup/system.slice/sluice.service/sluice-environments");
  CHECK(environments_cgroup("/sys/fs/cgroup", "/") == "/sys/fs/cgroup/sluice-environments");
  CHECK(environment_cgroup(parent, 4242) == parent + "/env-4242");
}

TEST_CASE("memory.max is MemorySize in MiB as bytes") {
  CHECK(memory_max_text(128) == "134217728");
  CHECK(memory_max_text(10'240) == "10737418240");  // Lambda's largest MemorySize
}

TEST_CASE("memory.events tells an OOM kill") {
  CHECK(oom_killed("low 0\nhigh 0\nmax 12\noom 1\noom_kill 1\noom_group_kill 0\n"));
  CHECK_FALSE(oom_killed("low 0\nhigh 0\nmax 0\noom 0\noom_kill 0\noom_group_kill 0\n"));
  CHECK_FALSE(oom_killed("oom_group_kill 3\n"));  // another counter
  CHECK_FALSE(oom_killed(""));
}

TEST_CASE("controller lists are words") {
  CHECK(lists_controller("cpuset cpu io memory hugetlb pids rdma misc\n", "memory"));
  CHECK_FALSE(lists_controller("cpuset cpu io pids\n", "memory"));
  CHECK_FALSE(lists_controller("memoryx\n", "memory"));
}

TEST_CASE("the method in force is named") {
  // Either way one of the two; which one depends on the machine (this one may have cgroup v1 only).
  const std::string method = memory_limit_method();
  CHECK((method == "cgroup v2 memory.max" || method == "resident-memory sampling"));
  CHECK((CgroupMemory::available() != nullptr) == (method == "cgroup v2 memory.max"));
}
