#pragma once
// A latency histogram with bounded relative error: values (nanoseconds) fall into power-of-two
// ranges, each split into 128 equal sub-buckets, so a quantile is exact to within 1/128 (< 0.8 %)
// whatever the spread of values. Recording is one index computation and an increment, so it can
// sit on the hot path of the load generator; nothing is allocated after construction.

#include <array>
#include <bit>
#include <cstdint>

namespace bench_http {

class LatencyHistogram {
 public:
  void record(int64_t ns) {
    if (ns < 0) ns = 0;
    ++counts_[index_of(static_cast<uint64_t>(ns))];
    ++total_;
  }

  void merge(const LatencyHistogram& other) {
    for (size_t i = 0; i < counts_.size(); ++i) counts_[i] += other.counts_[i];
    total_ += other.total_;
  }

  uint64_t count() const { return total_; }

  // The smallest recorded bucket value v such that at least q of all samples are <= v; the
  // bucket's upper bound is returned so a quantile is never understated. 0 when empty.
  int64_t quantile_ns(double q) const {
    if (total_ == 0) return 0;
    auto rank = static_cast<uint64_t>(q * static_cast<double>(total_));
    if (rank == 0) rank = 1;
    if (rank > total_) rank = total_;
    uint64_t seen = 0;
    for (size_t i = 0; i < counts_.size(); ++i) {
      seen += counts_[i];
      if (seen >= rank) return static_cast<int64_t>(upper_bound_of(i));
    }
    return static_cast<int64_t>(upper_bound_of(counts_.size() - 1));
  }

 private:
  static constexpr int kSubBits = 7;  // 128 sub-buckets per power of two
  static constexpr uint64_t kSub = uint64_t{1} << kSubBits;
  static constexpr int kRanges = 64 - kSubBits + 1;  // covers the whole uint64 range

  // Values below kSub map to themselves; above, the top kSubBits+1 bits select the bucket.
  static size_t index_of(uint64_t v) {
    if (v < kSub) return static_cast<size_t>(v);
    int msb = 63 - std::countl_zero(v);  // >= kSubBits
    int shift = msb - kSubBits;
    uint64_t sub = (v >> shift) - kSub;  // 0 .. kSub-1
    return static_cast<size_t>((static_cast<uint64_t>(shift + 1) << kSubBits) + sub);
  }

  static uint64_t upper_bound_of(size_t index) {
    uint64_t range = index >> kSubBits;
    uint64_t sub = index & (kSub - 1);
    if (range == 0) return sub;
    int shift = static_cast<int>(range) - 1;
    return ((kSub + sub + 1) << shift) - 1;
  }

  std::array<uint64_t, kRanges * kSub> counts_{};
  uint64_t total_ = 0;
};

}  // namespace bench_http
