// See request_metrics.h.

#include "request_metrics.h"

#include <tuple>

namespace sluice::api::server::detail {

void RequestMetrics::Counters::record(int status, double seconds) {
  latency_.record(seconds);
  for (size_t i = 0; i < kStatusSlots; ++i) {
    int held = statuses_[i].load(std::memory_order_acquire);
    if (held == 0) {
      // Free: claim it for this status, unless another answer claimed it first (for any status).
      int expected = 0;
      if (statuses_[i].compare_exchange_strong(expected, status, std::memory_order_acq_rel)) {
        held = status;
      } else {
        held = expected;
      }
    }
    if (held == status) {
      by_status_[i].fetch_add(1, std::memory_order_relaxed);
      return;
    }
  }
  common::MutexLock lock(others_mu_);
  ++others_[status];
}

RequestMetrics::Counters& RequestMetrics::counters(std::string_view service, std::string_view action) {
  common::MutexLock index_lock(index_mu_);
  ActionIndex* actions = nullptr;
  for (auto& [name, index] : index_) {
    if (name == service) {
      actions = &index;
      break;
    }
  }
  if (actions == nullptr) actions = &index_.emplace_back(std::string(service), ActionIndex{}).second;
  if (auto it = actions->find(action); it != actions->end()) return *it->second;
  auto made = std::make_unique<Counters>(std::string(service), std::string(action));
  Counters& found = *made;
  actions->emplace(std::string(action), &found);
  common::MutexLock lock(mu_);
  all_.push_back(std::move(made));
  return found;
}

void RequestMetrics::write(common::PrometheusText& out) const {
  // Sorted as the exposition lists them: by service, action and status; histograms by service.
  std::map<std::tuple<std::string_view, std::string_view, int>, uint64_t> requests;
  std::map<std::string_view, common::DurationHistogram::Snapshot> latency;
  common::MutexLock lock(mu_);
  for (const auto& counters : all_) {
    const Counters& c = *counters;
    for (size_t i = 0; i < Counters::kStatusSlots; ++i) {
      const int status = c.statuses_[i].load(std::memory_order_acquire);
      const uint64_t count = c.by_status_[i].load(std::memory_order_relaxed);
      if (status != 0 && count > 0) requests[{c.service_, c.action_, status}] += count;
    }
    {
      common::MutexLock others(c.others_mu_);
      for (const auto& [status, count] : c.others_) requests[{c.service_, c.action_, status}] += count;
    }
    latency[c.service_] += c.latency_.snapshot();
  }
  out.family("sluice_requests_total", "counter", "Requests answered, by service, action and HTTP status.");
  for (const auto& [key, count] : requests) {
    const std::string status = std::to_string(std::get<2>(key));
    out.sample("sluice_requests_total",
               {{"service", std::get<0>(key)}, {"action", std::get<1>(key)}, {"status", status}},
               static_cast<double>(count));
  }
  out.family("sluice_request_duration_seconds", "histogram",
             "Time from a request's arrival at the front door to its answer, by service.");
  for (const auto& [service, h] : latency)
    common::write_histogram(out, "sluice_request_duration_seconds", {{"service", std::string(service)}}, h);
}

}  // namespace sluice::api::server::detail
