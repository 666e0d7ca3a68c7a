#pragma once
// The front door's own Prometheus series: every answered request counted by service, action and
// HTTP status (sluice_requests_total), and its latency, from the request's arrival at the front
// door to its answer, in a histogram per service (sluice_request_duration_seconds). Actions a
// service does not know are counted as "unknown", so a client cannot grow the label set.
//
// Every call pays for this, so a call's counters are found once, when the front door routes it
// (counters(), on the call's loop thread, under a lock of its own that only the loops take, so a
// scrape never holds them up), and its answer adds to them with relaxed atomic additions from
// whichever thread answers (a loop, the committer, a worker): no map lookup per answer. write()
// adds up the counters under the lock that guards the list of them.

#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "sluice/common/duration_histogram.h"
#include "sluice/common/mutex.h"
#include "sluice/common/prometheus_text.h"

namespace sluice::api::server::detail {

class RequestMetrics {
 public:
  // The counts of one service's action. Its address is stable for the RequestMetrics' life.
  class Counters {
   public:
    Counters(std::string service, std::string action) : service_(std::move(service)), action_(std::move(action)) {}
    // Any thread: one answer with this HTTP status, `seconds` after the request arrived.
    void record(int status, double seconds);

   private:
    friend class RequestMetrics;
    // HTTP statuses get a slot each, claimed by the first answer with that status; the few an
    // action answers fit, and any beyond them are counted in `others_`, under a lock.
    static constexpr size_t kStatusSlots = 8;

    const std::string service_;
    const std::string action_;
    std::array<std::atomic<int>, kStatusSlots> statuses_{};  // 0: free
    std::array<std::atomic<uint64_t>, kStatusSlots> by_status_{};
    mutable common::Mutex others_mu_;
    std::map<int, uint64_t> others_ GUARDED_BY(others_mu_);  // statuses beyond the slots
    common::DurationHistogram latency_;
  };

  // Any loop thread: the counters of `action` of `service`, made on first use.
  Counters& counters(std::string_view service, std::string_view action) EXCLUDES(index_mu_, mu_);

  void write(common::PrometheusText& out) const EXCLUDES(mu_);

 private:
  struct NameHash {
    using is_transparent = void;
    size_t operator()(std::string_view name) const { return std::hash<std::string_view>{}(name); }
  };
  using ActionIndex = std::unordered_map<std::string, Counters*, NameHash, std::equal_to<>>;

  // Service name -> action -> counters (services are few: a list). Taken before mu_.
  mutable common::Mutex index_mu_;
  std::vector<std::pair<std::string, ActionIndex>> index_ GUARDED_BY(index_mu_);
  mutable common::Mutex mu_;
  std::vector<std::unique_ptr<Counters>> all_ GUARDED_BY(mu_);  // what write() reads
};

}  // namespace sluice::api::server::detail
