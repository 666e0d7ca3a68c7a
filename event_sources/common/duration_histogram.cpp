// See duration_histogram.h.

#include "sluice/common/duration_histogram.h"

#include <cmath>
#include <cstdio>
#include <string>

namespace sluice::common {

DurationHistogram::Snapshot& DurationHistogram::Snapshot::operator+=(const Snapshot& other) {
  for (size_t i = 0; i < buckets.size(); ++i) buckets[i] += other.buckets[i];
  sum_ns += other.sum_ns;
  return *this;
}

uint64_t DurationHistogram::Snapshot::count() const {
  uint64_t total = 0;
  for (uint64_t n : buckets) total += n;
  return total;
}

void DurationHistogram::record_ns(uint64_t nanoseconds) {
  const double seconds = static_cast<double>(nanoseconds) / 1e9;
  size_t bucket = 0;
  while (bucket < kBounds.size() && seconds > kBounds[bucket]) ++bucket;
  buckets_[bucket].fetch_add(1, std::memory_order_relaxed);
  sum_ns_.fetch_add(nanoseconds, std::memory_order_relaxed);
}

void DurationHistogram::record(double seconds) {
  record_ns(seconds > 0 ? static_cast<uint64_t>(std::llround(seconds * 1e9)) : 0);
}

DurationHistogram::Snapshot DurationHistogram::snapshot() const {
  Snapshot s;
  for (size_t i = 0; i < buckets_.size(); ++i) s.buckets[i] = buckets_[i].load(std::memory_order_relaxed);
  s.sum_ns = sum_ns_.load(std::memory_order_relaxed);
  return s;
}

void write_histogram(PrometheusText& out, std::string_view name, const PrometheusLabels& labels,
                     const DurationHistogram::Snapshot& histogram) {
  const std::string bucket_name = std::string(name) + "_bucket";
  PrometheusLabels with_bound = labels;
  with_bound.emplace_back("le", "");
  uint64_t cumulative = 0;
  for (size_t i = 0; i < histogram.buckets.size(); ++i) {
    cumulative += histogram.buckets[i];
    if (i < DurationHistogram::kBounds.size()) {
      char bound[32];
      std::snprintf(bound, sizeof bound, "%g", DurationHistogram::kBounds[i]);
      with_bound.back().second = bound;
    } else {
      with_bound.back().second = "+Inf";
    }
    out.sample(bucket_name, with_bound, static_cast<double>(cumulative));
  }
  out.sample(std::string(name) + "_sum", labels, static_cast<double>(histogram.sum_ns) / 1e9);
  out.sample(std::string(name) + "_count", labels, static_cast<double>(cumulative));
}

}  // namespace sluice::common
