// Execution environments: the default (Isolated) host runs each invocation in a worker process of
// its own, as many at once as the function's concurrency allows, reuses them warm, stops them when
// idle, and replaces only the one that crashed, hung or ran out of memory.
#include <doctest/doctest.h>

#include <boost/json.hpp>

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "test_support.h"

using namespace sluice;
using namespace sluice::functions;
using namespace sluice::functions::test;

namespace {

std::unique_ptr<PluginHost> open_default(const std::string& path, FunctionConfig config,
                                         PluginHostOptions options = {}) {
  return open_ok(path, std::move(config), options);
}

// Runs `n` invocations of `event` at once; returns them in order.
std::vector<InvocationResult> call_at_once(PluginHost& host, int n, const std::string& event) {
  std::vector<InvocationResult> results(static_cast<size_t>(n));
  std::vector<std::thread> threads;
  for (int i = 0; i < n; ++i)
    threads.emplace_back([&, i] { results[static_cast<size_t>(i)] = call(host, event, "req-" + std::to_string(i)); });
  for (auto& t : threads) t.join();
  return results;
}

// Polls `done` until it holds or a generous bound passes: for states another thread reaches that
// offer nothing to wait on (a manual clock's waiters, the host's counts).
template <typename Done>
bool polled_until(Done done) {
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (!done()) {
    if (std::chrono::steady_clock::now() > until) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return true;
}

}  // namespace

TEST_CASE("isolation is the default and a non-concurrent handler still runs side by side") {
  auto host = open_default(PLUGIN_SLUICE_PLUGIN_HANG, config_named("nap", 5000));
  CHECK(host->mode() == IsolationMode::Isolated);
  // The first round starts the environments (slow under the sanitizers); the second is timed.
  for (const auto& r : call_at_once(*host, 4, R"({"action":"nap"})")) CHECK(r.ok());
  auto start = std::chrono::steady_clock::now();
  auto results = call_at_once(*host, 4, R"({"action":"nap"})");
  auto elapsed = std::chrono::steady_clock::now() - start;
  for (const auto& r : results) CHECK(r.ok());
  // One after another would take 4 x 300 ms; four warm environments take one nap.
  CHECK(elapsed < std::chrono::milliseconds(1100));
  auto envs = host->environments();
  CHECK(envs.started == 4);
  CHECK(envs.idle == 4);
  CHECK(envs.busy == 0);
}

TEST_CASE("max_workers caps the environments; a waiting invocation is not charged for the wait") {
  PluginHostOptions one;
  one.max_workers = 1;
  // Each nap takes 300 ms and the timeout is 500 ms: three queued behind one environment would
  // time out if the wait counted.
  auto host = open_default(PLUGIN_SLUICE_PLUGIN_HANG, config_named("nap", 500), one);
  auto results = call_at_once(*host, 3, R"({"action":"nap"})");
  for (const auto& r : results) {
    CHECK(r.ok());
    CHECK(r.error_type == "");
  }
  CHECK(host->environments().started == 1);
}

TEST_CASE("warm environments are reused and stopped after being idle") {
  auto clock = std::make_shared<common::ManualClock>();
  PluginHostOptions options;
  options.clock = clock;
  options.idle_environment_ms = 60'000;
  auto host = open_default(PLUGIN_SLUICE_PLUGIN_ECHO, config_named("warm"), options);
  for (int i = 0; i < 3; ++i) {
    auto warm = call(*host, "{}");
    CHECK(warm.ok());
    CHECK_FALSE(warm.init_duration_ms.has_value());  // the environment started at open
    CHECK(warm.max_memory_used_bytes > 0);
    CHECK(warm.duration_ms > 0);
  }
  CHECK(host->environments().started == 1);  // the same warm environment every time
  CHECK(host->environments().idle == 1);

  // The reaper waits on the clock for the environment's 60 idle seconds (the clock has not moved
  // since it went idle). After 59 of them it looks, keeps the environment and waits again.
  const int64_t reap_due = clock->now_ms() + 60'000;
  REQUIRE(polled_until([&] { return clock->has_waiter(reap_due); }));
  clock->advance_ms(59'000);
  REQUIRE(polled_until([&] { return clock->has_waiter(reap_due); }));
  CHECK(host->environments().idle == 1);
  clock->advance_ms(1'000);
  CHECK(polled_until([&] { return host->environments().idle == 0; }));
  CHECK(host->environments().reaped_when_idle == 1);

  auto cold = call(*host, "{}");
  CHECK(cold.ok());
  REQUIRE(cold.init_duration_ms.has_value());  // Lambda's REPORT shows Init Duration on a cold start
  CHECK(*cold.init_duration_ms > 0);
  CHECK(host->environments().started == 2);
}

TEST_CASE("a handler past MemorySize fails with Runtime.OutOfMemory and only its environment is replaced") {
  FunctionConfig config = config_named("leak", 10'000);
  config.memory_size_mb = 128;
  auto host = open_default(PLUGIN_SLUICE_PLUGIN_LEAK, config);
  auto r = call(*host, R"({"action":"leak"})", "req-leak");
  CHECK(r.status == InvocationResult::Status::FunctionError);
  CHECK(r.error_type == "Runtime.OutOfMemory");
  CHECK(r.error_message == "RequestId: req-leak Error: Runtime exited with error: signal: killed");
  CHECK(r.logs == "[INFO] leaking\n");
  auto next = call(*host, "{}");
  CHECK(next.ok());
  CHECK(next.payload == R"({"ok":true})");
}

TEST_CASE("a hang replaces only the environment it happened in") {
  std::mutex mu;
  std::vector<std::string> lines;
  PluginHostOptions options;
  options.environment_log = [&](const std::string& line) {
    std::lock_guard lock(mu);
    lines.push_back(line);
  };
  auto host = open_default(PLUGIN_SLUICE_PLUGIN_HANG, config_named("hang", 1000), options);
  // Two environments, both warm.
  for (const auto& r : call_at_once(*host, 2, R"({"action":"nap"})")) CHECK(r.ok());
  REQUIRE(host->environments().idle == 2);
  const uint64_t started = host->environments().started;
  auto hung = call(*host, R"({"action":"hang"})", "req-hang");
  CHECK_MESSAGE(hung.error_type == "Sandbox.Timedout", hung.error_message);
  CHECK(host->environments().idle == 1);  // the hung one is gone, the other is warm
  CHECK(call(*host, "{}").ok());          // taken by the survivor: nothing new starts
  CHECK(host->environments().started == started);

  // The operator's log: one line per environment started on demand, one for the one that died.
  std::lock_guard lock(mu);
  REQUIRE(lines.size() == (started - 1) + 1);  // those started on demand (not the one at open), one ended
  CHECK(lines.front().rfind("environment started (init ", 0) == 0);
  CHECK(lines.back() ==
        "environment ended with invocation req-hang: Sandbox.Timedout: RequestId: req-hang Error: Task timed out "
        "after 1.00 seconds");
}

TEST_CASE("InProcessWhenConcurrent keeps a concurrent handler in process and isolates the others") {
  PluginHostOptions fast;
  fast.mode = IsolationMode::InProcessWhenConcurrent;
  CHECK(open_default(PLUGIN_SLUICE_PLUGIN_ECHO, config_named("echo"), fast)->mode() == IsolationMode::InProcess);
  auto crash = open_default(PLUGIN_SLUICE_PLUGIN_CRASH, config_named("crash"), fast);
  CHECK(crash->mode() == IsolationMode::Isolated);
  CHECK(call(*crash, R"({"action":"crash"})").error_type == "Runtime.ExitError");  // and we are still here
}

namespace {

// The programs this process's children run (the targets of their /proc/PID/exe).
std::vector<std::string> child_programs() {
  std::vector<std::string> programs;
  for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
    const std::string name = entry.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::ifstream stat(entry.path() / "stat");
    std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
    const size_t close = text.rfind(')');
    if (close == std::string::npos) continue;
    std::istringstream rest(text.substr(close + 2));
    std::string state;
    long parent = 0;
    rest >> state >> parent;
    if (parent != static_cast<long>(::getpid())) continue;
    std::error_code ec;
    auto exe = std::filesystem::read_symlink(entry.path() / "exe", ec);
    if (!ec) programs.push_back(exe.filename().string());
  }
  return programs;
}

}  // namespace

TEST_CASE("a worker's memory is its own: a host with a large heap runs a 128 MB function") {
  // 256 MiB written by this process: a worker that started as a copy of it would count them.
  std::vector<char> heap(256u << 20, 1);
  FunctionConfig config = config_named("small");
  config.memory_size_mb = 128;
  auto host = open_default(PLUGIN_SLUICE_PLUGIN_ECHO, config);
  const auto programs = child_programs();
  CHECK(std::count(programs.begin(), programs.end(), "sluice-worker") >= 1);
  InvocationResult result;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  do {  // until the memory sampler has seen the worker at least once
    result = call(*host, "{}");
    REQUIRE(result.ok());
  } while (result.max_memory_used_bytes == 0 && std::chrono::steady_clock::now() < deadline);
  CHECK(result.max_memory_used_bytes > 0);
  CHECK(result.max_memory_used_bytes < (64u << 20));
  CHECK(heap[heap.size() / 2] == 1);
}
