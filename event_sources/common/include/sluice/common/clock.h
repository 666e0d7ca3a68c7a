#pragma once
// Time, injected: a Clock tells the time and waits for it (LevelDB's Env, reduced to the clock).
//
// THE RULE: every timed behaviour — visibility timeouts, delays, retention, dedup windows,
// long-poll deadlines, batching windows, scale-up intervals, retry backoff, credential expiry,
// invocation deadlines — reads the time with now_ms() and waits with wait_until() / sleep_until()
// of the Clock it was given. Never std::chrono::*_clock::now() or std::this_thread::sleep_for for
// those. Code that can only arm a real-time timer (a libuv timer, a child process's deadline)
// turns a clock duration into a real one with real_delay_ms(). Real-time limits that are not
// behaviour of the emulated services (socket timeouts, an HTTP connection's idle timer) stay real.
//
// The clocks
//   system_clock()     the wall clock.
//   scaled_clock(N)    starts at the wall time and runs N times faster (wall time at creation +
//                      N x real time elapsed since): `sluice up --time-scale N`, for tests.
//   ManualClock        moves only when told. Advancing it wakes every thread waiting on it, so a
//                      test of a five-minute window advances five minutes and takes milliseconds.
//
// Waiting: wait_until(cv, lock, deadline_ms) is condition_variable::wait_until against the
// clock's time. It returns when cv is notified, when the clock reaches the deadline, or
// spuriously; as with any condition variable the caller re-checks its condition (the predicate
// form does). Every clock is thread-safe.

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace sluice::common {

class Clock {
 public:
  virtual ~Clock() = default;

  // Milliseconds since the Unix epoch (wall time: AWS timestamps are wall time).
  virtual int64_t now_ms() const = 0;

  // Blocks until `cv` is notified, the clock reaches `deadline_ms`, or a spurious wake-up.
  // `lock` holds the mutex that the notifier of `cv` takes. True when the deadline is reached.
  virtual bool wait_until(std::condition_variable& cv, std::unique_lock<std::mutex>& lock,
                          int64_t deadline_ms) const = 0;

  // Waits until `done()` holds or the clock reaches `deadline_ms`; returns done().
  template <typename Predicate>
  bool wait_until(std::condition_variable& cv, std::unique_lock<std::mutex>& lock, int64_t deadline_ms,
                  Predicate done) const {
    while (!done()) {
      if (wait_until(cv, lock, deadline_ms)) return done();
    }
    return true;
  }

  // Blocks the calling thread until the clock reaches `deadline_ms` / has moved `ms` forward.
  void sleep_until(int64_t deadline_ms) const;
  void sleep_ms(int64_t ms) const { sleep_until(now_ms() + ms); }

  // The real milliseconds after which this clock will have moved `clock_ms` forward: what a real
  // timer is armed with. nullopt for a clock that moves only when told (ManualClock): no real
  // delay reaches its future, so a caller waits with wait_until, or re-checks now_ms() after a
  // real interval of its own choosing.
  virtual std::optional<int64_t> real_delay_ms(int64_t clock_ms) const = 0;
};

// The real wall clock.
std::shared_ptr<Clock> system_clock();

// Starts at the current wall time and runs `speed` times faster than real time (speed > 0).
std::shared_ptr<Clock> scaled_clock(double speed);

// A clock that moves only when told to. Thread-safe.
//
// advance_ms() wakes every thread blocked in wait_until() on this clock, whatever its deadline;
// each re-checks its own. It briefly takes each waiter's mutex (that is what makes the wake-up
// impossible to miss), so it must not be called while holding a mutex that a waiter waits with.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(int64_t start_ms = 1'700'000'000'000) : now_(start_ms) {}

  int64_t now_ms() const override { return now_.load(std::memory_order_acquire); }
  bool wait_until(std::condition_variable& cv, std::unique_lock<std::mutex>& lock, int64_t deadline_ms) const override;
  using Clock::wait_until;
  std::optional<int64_t> real_delay_ms(int64_t) const override { return std::nullopt; }

  void advance_ms(int64_t ms);
  void advance_s(int64_t s) { advance_ms(s * 1000); }

  // True while some thread waits in wait_until() for exactly `deadline_ms` and has not been woken
  // by an advance since it began: lets a test see that the code under test has reached the wait
  // it expects before it advances the clock.
  bool has_waiter(int64_t deadline_ms) const;

 private:
  struct Waiter {
    std::condition_variable* cv;
    std::mutex* mu;
    int64_t deadline_ms;
    int pokes = 0;       // advance_ms() calls about to take mu: the waiter stays registered until 0
    bool woken = false;  // an advance_ms() has poked it
  };

  std::atomic<int64_t> now_;  // changed only under mu_
  mutable std::mutex mu_;
  mutable std::condition_variable poked_;  // a Waiter's pokes went down
  mutable std::vector<Waiter*> waiters_;   // guarded by mu_
};

// UTC with milliseconds, the form AWS writes timestamps in: "2026-12-06T16:41:58.123Z".
std::string format_iso8601_ms(int64_t epoch_ms);

}  // namespace sluice::common
