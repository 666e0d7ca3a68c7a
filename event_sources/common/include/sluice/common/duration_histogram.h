#pragma once
// A Prometheus histogram of durations, recorded from any thread with relaxed atomic additions (no
// lock on the path being timed) and read as a snapshot at scrape time. Its buckets reach from
// 100 µs, where a commit to a WAL without a sync or a quick request lands, to 5 s.

#include <array>
#include <atomic>
#include <cstdint>
#include <string_view>

#include "sluice/common/prometheus_text.h"

namespace sluice::common {

class DurationHistogram {
 public:
  // Upper bounds of the buckets, in seconds (+Inf is implied).
  static constexpr std::array<double, 14> kBounds = {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01,
                                                     0.025,  0.05,    0.1,    0.25,  0.5,    1,     5};

  struct Snapshot {
    std::array<uint64_t, kBounds.size() + 1> buckets{};  // per bucket, not cumulative; the last is +Inf
    uint64_t sum_ns = 0;
    Snapshot& operator+=(const Snapshot& other);
    uint64_t count() const;
  };

  void record_ns(uint64_t nanoseconds);
  void record(double seconds);
  Snapshot snapshot() const;

 private:
  std::array<std::atomic<uint64_t>, kBounds.size() + 1> buckets_{};
  std::atomic<uint64_t> sum_ns_{0};
};

// Writes one series of a histogram family (`name`_bucket with `le`, _sum, _count) with `labels`;
// the family's HELP and TYPE lines are the caller's, written once before its series.
void write_histogram(PrometheusText& out, std::string_view name, const PrometheusLabels& labels,
                     const DurationHistogram::Snapshot& histogram);

}  // namespace sluice::common
