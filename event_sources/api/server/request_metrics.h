#pragma once
// The front door's own Prometheus series: every answered request counted by service, action and
// HTTP status (sluice_requests_total), and its latency, from the request's arrival at the front
// door to its answer, in a histogram per service (sluice_request_duration_seconds). Actions a
// service does not know are counted as "unknown", so a client cannot grow the label set.
//
// Thread-safe: answers come from the loop thread and from workers.

#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <tuple>

#include "sluice/common/mutex.h"
#include "sluice/common/prometheus_text.h"

namespace sluice::api::server::detail {

class RequestMetrics {
 public:
  // Upper bounds of the latency buckets, in seconds (+Inf is implied).
  static constexpr std::array<double, 12> kBuckets = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                                      0.05,   0.1,   0.25,   0.5,   1,    5};

  void record(const std::string& service, const std::string& action, int status, double seconds) EXCLUDES(mu_);
  void write(common::PrometheusText& out) const EXCLUDES(mu_);

 private:
  struct Histogram {
    std::array<uint64_t, kBuckets.size()> buckets{};  // not cumulative here; summed when written
    uint64_t count = 0;
    double sum = 0;
  };

  mutable common::Mutex mu_;
  std::map<std::tuple<std::string, std::string, int>, uint64_t> requests_ GUARDED_BY(mu_);
  std::map<std::string, Histogram> latency_ GUARDED_BY(mu_);
};

}  // namespace sluice::api::server::detail
