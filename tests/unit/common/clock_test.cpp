// Clocks: a ManualClock wakes its waiters when it advances (and only then does their deadline
// pass), the predicate form returns on notification, and a scaled clock runs N times faster.
#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "sluice/common/clock.h"

using namespace sluice;
using std::chrono::milliseconds;
using std::chrono::steady_clock;

namespace {

constexpr int64_t kStart = 1'000'000;
constexpr auto kGenerous = std::chrono::seconds(10);  // a bound for another thread to get somewhere

// Polls `done` until it holds or kGenerous passes (for states that offer nothing to wait on).
template <typename Predicate>
bool within_generous_time(Predicate done) {
  const auto until = steady_clock::now() + kGenerous;
  while (!done()) {
    if (steady_clock::now() > until) return false;
    std::this_thread::yield();
  }
  return true;
}

}  // namespace

TEST_CASE("a thread waiting on a manual clock wakes when the clock reaches its deadline") {
  common::ManualClock clock(kStart);
  std::mutex mu;
  std::condition_variable cv;
  std::atomic<int64_t> woke_at{0};
  std::thread waiter([&] {
    std::unique_lock lock(mu);
    while (!clock.wait_until(cv, lock, kStart + 300'000)) {
    }
    woke_at = clock.now_ms();
  });
  REQUIRE(within_generous_time([&] { return clock.has_waiter(kStart + 300'000); }));
  clock.advance_s(299);  // not yet: the waiter wakes, sees the time and waits again
  REQUIRE(within_generous_time([&] { return clock.has_waiter(kStart + 300'000); }));
  CHECK(woke_at == 0);
  clock.advance_s(1);
  waiter.join();
  CHECK(woke_at == kStart + 300'000);
  CHECK_FALSE(clock.has_waiter(kStart + 300'000));
}

TEST_CASE("the predicate form returns when notified, before the deadline") {
  common::ManualClock clock(kStart);
  std::mutex mu;
  std::condition_variable cv;
  bool ready = false;
  std::atomic<bool> result{false};
  std::thread waiter([&] {
    std::unique_lock lock(mu);
    result = clock.wait_until(cv, lock, kStart + 60'000, [&] { return ready; });
  });
  REQUIRE(within_generous_time([&] { return clock.has_waiter(kStart + 60'000); }));
  {
    std::lock_guard lock(mu);
    ready = true;
  }
  cv.notify_all();
  waiter.join();
  CHECK(result);
  CHECK(clock.now_ms() == kStart);

  // A deadline already reached returns at once with the predicate's value.
  std::unique_lock lock(mu);
  CHECK_FALSE(clock.wait_until(cv, lock, kStart, [] { return false; }));
}

TEST_CASE("sleep_ms on a manual clock ends when the clock has moved that far") {
  common::ManualClock clock(kStart);
  std::atomic<bool> done{false};
  std::thread sleeper([&] {
    clock.sleep_ms(120'000);
    done = true;
  });
  REQUIRE(within_generous_time([&] { return clock.has_waiter(kStart + 120'000); }));
  clock.advance_s(60);
  clock.advance_s(60);
  sleeper.join();
  CHECK(done);
}

TEST_CASE("many waiters and concurrent advances: nobody misses the time passing") {
  common::ManualClock clock(kStart);
  std::mutex mu;
  std::condition_variable cv;
  std::atomic<int> finished{0};
  std::vector<std::thread> waiters;
  for (int i = 1; i <= 8; ++i) {
    waiters.emplace_back([&, i] {
      std::unique_lock lock(mu);
      while (!clock.wait_until(cv, lock, kStart + i * 1000)) {
      }
      ++finished;
    });
  }
  std::thread a([&] {
    for (int i = 0; i < 4; ++i) clock.advance_ms(1000);
  });
  std::thread b([&] {
    for (int i = 0; i < 4; ++i) clock.advance_ms(1000);
  });
  a.join();
  b.join();
  for (auto& t : waiters) t.join();
  CHECK(finished == 8);
  CHECK(clock.now_ms() == kStart + 8000);
}

TEST_CASE("a scaled clock starts at the wall time and runs N times faster") {
  auto wall = common::system_clock();
  auto fast = common::scaled_clock(600);
  const int64_t wall_before = wall->now_ms();
  CHECK(fast->now_ms() >= wall_before - 1000);
  CHECK(fast->now_ms() <= wall_before + 1000);
  CHECK(*fast->real_delay_ms(60'000) == 100);
  CHECK(*fast->real_delay_ms(1) == 1);  // rounded up: a timer never fires early
  CHECK(*wall->real_delay_ms(1500) == 1500);

  // Sleeping two scaled minutes takes about 200 real milliseconds, not 120 seconds.
  const int64_t scaled_before = fast->now_ms();
  const auto real_before = steady_clock::now();
  fast->sleep_ms(120'000);
  const auto real_took = steady_clock::now() - real_before;
  CHECK(fast->now_ms() - scaled_before >= 120'000);
  CHECK(real_took >= milliseconds(190));
  CHECK(real_took < milliseconds(5'000));
}
