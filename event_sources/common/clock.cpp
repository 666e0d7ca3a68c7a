// The wall clock and the scaled clock: both follow real time, so waiting on them is a timed wait
// of the condition variable for the real delay that brings the clock to the deadline. Also the one
// ISO-8601 formatter for timestamps.
#include "sluice/common/clock.h"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>

namespace sluice::common {

void Clock::sleep_until(int64_t deadline_ms) const {
  std::mutex mu;
  std::condition_variable never_notified;
  std::unique_lock lock(mu);
  while (!wait_until(never_notified, lock, deadline_ms)) {
  }
}

namespace {

// Waits for the real delay that `clock` needs to reach `deadline_ms`, then reports whether it has.
bool wait_real(const Clock& clock, std::condition_variable& cv, std::unique_lock<std::mutex>& lock,
               int64_t deadline_ms) {
  const int64_t left = deadline_ms - clock.now_ms();
  if (left <= 0) return true;
  cv.wait_for(lock, std::chrono::milliseconds(*clock.real_delay_ms(left)));
  return clock.now_ms() >= deadline_ms;
}

class SystemClock final : public Clock {
 public:
  int64_t now_ms() const override {
    using namespace std::chrono;
    return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
  }
  bool wait_until(std::condition_variable& cv, std::unique_lock<std::mutex>& lock, int64_t deadline_ms) const override {
    return wait_real(*this, cv, lock, deadline_ms);
  }
  std::optional<int64_t> real_delay_ms(int64_t clock_ms) const override { return std::max<int64_t>(0, clock_ms); }
};

// Counts from a steady start point so the scaled time never jumps with the wall clock.
class ScaledClock final : public Clock {
 public:
  explicit ScaledClock(double speed)
      : speed_(speed), start_wall_ms_(common::system_clock()->now_ms()), start_(std::chrono::steady_clock::now()) {}

  int64_t now_ms() const override {
    const auto real_us =
        std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - start_).count();
    return start_wall_ms_ + static_cast<int64_t>(static_cast<double>(real_us) * speed_ / 1000.0);
  }
  bool wait_until(std::condition_variable& cv, std::unique_lock<std::mutex>& lock, int64_t deadline_ms) const override {
    return wait_real(*this, cv, lock, deadline_ms);
  }
  std::optional<int64_t> real_delay_ms(int64_t clock_ms) const override {
    if (clock_ms <= 0) return 0;
    return static_cast<int64_t>(std::ceil(static_cast<double>(clock_ms) / speed_));
  }

 private:
  const double speed_;
  const int64_t start_wall_ms_;
  const std::chrono::steady_clock::time_point start_;
};

}  // namespace

std::shared_ptr<Clock> system_clock() {
  static const auto clock = std::make_shared<SystemClock>();
  return clock;
}

std::shared_ptr<Clock> scaled_clock(double speed) { return std::make_shared<ScaledClock>(speed); }

std::string format_iso8601_ms(int64_t epoch_ms) {
  // Floor division, so an instant before 1970 still gets a millisecond part in 0..999.
  int64_t seconds = epoch_ms / 1000;
  int64_t millis = epoch_ms % 1000;
  if (millis < 0) {
    millis += 1000;
    seconds -= 1;
  }
  std::time_t t = static_cast<std::time_t>(seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char out[64];
  std::snprintf(out, sizeof out, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(millis));
  return out;
}

}  // namespace sluice::common
