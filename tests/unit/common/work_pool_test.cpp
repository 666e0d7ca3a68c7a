// The shared worker pool: jobs of a lane run in order under the lane's cap, drain() waits for
// them, a flood in one lane (SNS deliveries stuck on slow endpoints) does not hold back a job of
// another lane (an API call), and idle threads beyond the pool's allowance exit.
//
// Why the flood test can fail: were the lanes one queue, or the threads a fixed set the flood
// could take, the API call would wait behind five hundred deliveries that never finish.
#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

#include "sluice/common/work_pool.h"

using namespace sluice;

namespace {

constexpr auto kGenerous = std::chrono::seconds(30);  // a bound for another thread to get somewhere

// A gate jobs block on until the test opens it; counts who is waiting at it.
class Gate {
 public:
  void pass() {
    std::unique_lock lock(mu_);
    ++waiting_;
    changed_.notify_all();
    changed_.wait(lock, [&] { return open_; });
    --waiting_;
  }
  void open() {
    std::lock_guard lock(mu_);
    open_ = true;
    changed_.notify_all();
  }
  bool wait_for_waiting(int n) {
    std::unique_lock lock(mu_);
    return changed_.wait_for(lock, kGenerous, [&] { return waiting_ >= n; });
  }
  int waiting() {
    std::lock_guard lock(mu_);
    return waiting_;
  }

 private:
  std::mutex mu_;
  std::condition_variable changed_;
  int waiting_ = 0;
  bool open_ = false;
};

// Set once by a job; waited for by the test.
class Signal {
 public:
  void set() {
    std::lock_guard lock(mu_);
    set_ = true;
    cv_.notify_all();
  }
  bool wait() {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, kGenerous, [&] { return set_; });
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool set_ = false;
};

}  // namespace

TEST_CASE("a lane with a cap of one runs its jobs one after the other, in submission order") {
  auto pool = common::WorkPool::create();
  auto lane = pool->lane("ordered", 1);
  std::mutex mu;
  std::vector<int> order;
  for (int i = 0; i < 100; ++i) {
    lane->submit([&, i] {
      std::lock_guard lock(mu);
      order.push_back(i);
    });
  }
  lane->drain();
  REQUIRE(order.size() == 100);
  for (int i = 0; i < 100; ++i) CHECK(order[static_cast<size_t>(i)] == i);
}

TEST_CASE("a lane never runs more jobs at once than its cap, and drain() waits for all of them") {
  auto pool = common::WorkPool::create();
  auto lane = pool->lane("capped", 3);
  Gate gate;
  std::atomic<int> running{0};
  std::atomic<int> most{0};
  std::atomic<int> finished{0};
  for (int i = 0; i < 20; ++i) {
    lane->submit([&] {
      const int now = ++running;
      int seen = most.load();
      while (now > seen && !most.compare_exchange_weak(seen, now)) {
      }
      gate.pass();
      --running;
      ++finished;
    });
  }
  REQUIRE(gate.wait_for_waiting(3));
  CHECK(gate.waiting() == 3);  // the other seventeen wait in the lane, not at the gate
  gate.open();
  lane->drain();
  CHECK(finished == 20);
  CHECK(most == 3);
}

TEST_CASE("a flood of deliveries blocked on slow endpoints does not starve an API call") {
  auto pool = common::WorkPool::create();
  auto deliveries = pool->lane("sns-delivery", 4);
  auto api = pool->lane("api", 4);
  Gate endpoint;  // every delivery hangs here, as on an endpoint that does not answer
  std::atomic<int> delivered{0};
  for (int i = 0; i < 500; ++i) {
    deliveries->submit([&] {
      endpoint.pass();
      ++delivered;
    });
  }
  REQUIRE(endpoint.wait_for_waiting(4));

  Signal answered;
  api->submit([&] { answered.set(); });
  CHECK(answered.wait());          // the call ran while every delivery thread is stuck
  CHECK(delivered == 0);           // and not because the flood had drained first
  CHECK(endpoint.waiting() == 4);  // the flood kept to its lane's cap meanwhile

  endpoint.open();
  deliveries->drain();
  api->drain();
  CHECK(delivered == 500);
}

TEST_CASE("idle threads beyond the pool's allowance exit, and a lane can be reopened on the same pool") {
  common::WorkPool::Options options;
  options.max_idle_threads = 2;
  options.idle_linger = std::chrono::milliseconds(1);
  auto pool = common::WorkPool::create(options);
  {
    Gate gate;
    auto lane = pool->lane("burst", 16);
    for (int i = 0; i < 16; ++i) lane->submit([&] { gate.pass(); });
    REQUIRE(gate.wait_for_waiting(16));
    CHECK(pool->stats().threads >= 16);
    gate.open();
    lane->drain();  // the jobs still touch the gate on their way out of pass()
  }
  // The threads that ran the burst leave once they find nothing to do; stats offer nothing to
  // wait on, so they are polled.
  const auto until = std::chrono::steady_clock::now() + kGenerous;
  while (pool->stats().threads > 2 && std::chrono::steady_clock::now() < until) std::this_thread::yield();
  CHECK(pool->stats().threads <= 2);
  CHECK(pool->stats().lanes == 0);

  auto again = pool->lane("again", 2);
  Signal ran;
  again->submit([&] { ran.set(); });
  CHECK(ran.wait());
}

TEST_CASE("threads beyond the warm ones linger: a second burst reuses the first burst's threads") {
  // Without the linger the 14 threads beyond max_idle_threads leave as soon as the first burst
  // ends, and the second burst starts 14 new ones.
  common::WorkPool::Options options;
  options.max_idle_threads = 2;
  options.idle_linger = std::chrono::hours(1);
  auto pool = common::WorkPool::create(options);
  auto lane = pool->lane("burst", 16);
  for (int round = 0; round < 2; ++round) {
    Gate gate;
    for (int i = 0; i < 16; ++i) lane->submit([&] { gate.pass(); });
    REQUIRE(gate.wait_for_waiting(16));
    gate.open();
    lane->drain();
    // Every thread of the burst is idle again before the next one is submitted, so the next
    // burst finds them all.
    const auto until = std::chrono::steady_clock::now() + kGenerous;
    while (pool->stats().idle_threads < 16 && std::chrono::steady_clock::now() < until) std::this_thread::yield();
    REQUIRE(pool->stats().idle_threads == 16);
  }
  CHECK(pool->stats().started == 16);
  CHECK(pool->stats().threads == 16);
}
