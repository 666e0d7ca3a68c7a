// See request_metrics.h.

#include "request_metrics.h"

#include <cstdio>

namespace sluice::api::server::detail {

void RequestMetrics::record(const std::string& service, const std::string& action, int status, double seconds) {
  common::MutexLock lock(mu_);
  ++requests_[{service, action, status}];
  Histogram& h = latency_[service];
  for (size_t i = 0; i < kBuckets.size(); ++i) {
    if (seconds <= kBuckets[i]) {
      ++h.buckets[i];
      break;
    }
  }
  ++h.count;
  h.sum += seconds;
}

void RequestMetrics::write(common::PrometheusText& out) const {
  common::MutexLock lock(mu_);
  out.family("sluice_requests_total", "counter", "Requests answered, by service, action and HTTP status.");
  for (const auto& [key, count] : requests_) {
    const std::string status = std::to_string(std::get<2>(key));
    out.sample("sluice_requests_total",
               {{"service", std::get<0>(key)}, {"action", std::get<1>(key)}, {"status", status}},
               static_cast<double>(count));
  }
  out.family("sluice_request_duration_seconds", "histogram",
             "Time from a request's arrival at the front door to its answer, by service.");
  for (const auto& [service, h] : latency_) {
    uint64_t cumulative = 0;
    for (size_t i = 0; i < kBuckets.size(); ++i) {
      cumulative += h.buckets[i];
      char bound[32];
      std::snprintf(bound, sizeof bound, "%g", kBuckets[i]);
      out.sample("sluice_request_duration_seconds_bucket", {{"service", service}, {"le", bound}},
                 static_cast<double>(cumulative));
    }
    out.sample("sluice_request_duration_seconds_bucket", {{"service", service}, {"le", "+Inf"}},
               static_cast<double>(h.count));
    out.sample("sluice_request_duration_seconds_sum", {{"service", service}}, h.sum);
    out.sample("sluice_request_duration_seconds_count", {{"service", service}}, static_cast<double>(h.count));
  }
}

}  // namespace sluice::api::server::detail
