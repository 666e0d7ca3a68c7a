#pragma once
// Every timed behaviour (visibility, delays, retention, dedup windows, batching windows, backoff)
// reads time through a Clock, so tests can drive time by hand and run deterministically.

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

namespace sluice {

class Clock {
 public:
  virtual ~Clock() = default;
  // Milliseconds since the Unix epoch (wall time: AWS timestamps are wall time).
  virtual int64_t now_ms() const = 0;
};

// The real wall clock.
std::shared_ptr<Clock> system_clock();

// A clock that moves only when told to. Thread-safe.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(int64_t start_ms = 1'700'000'000'000) : now_(start_ms) {}
  int64_t now_ms() const override { return now_.load(std::memory_order_acquire); }
  void advance_ms(int64_t ms) { now_.fetch_add(ms, std::memory_order_acq_rel); }
  void advance_s(int64_t s) { advance_ms(s * 1000); }
  void set_ms(int64_t ms) { now_.store(ms, std::memory_order_release); }

 private:
  std::atomic<int64_t> now_;
};

// UTC with milliseconds, the form AWS writes timestamps in: "2026-12-06T16:41:58.123Z".
std::string format_iso8601_ms(int64_t epoch_ms);

}  // namespace sluice
