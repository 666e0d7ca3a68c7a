#pragma once
// The durable store of CloudWatch's datapoints: <data_dir>/metrics.db (SQLite, WAL), one row per
// bucket (a metric's one-minute or one-second bucket: its StatisticSet and the raw values kept for
// percentiles), so that metrics, like alarms, survive a restart.
//
// Writes are batched off the hot path: producers only mark the buckets they touch (Registry::
// take_changed); a thread of the store writes every bucket changed since its last flush in one
// transaction, every flush interval (10 s by default, on the registry's clock) and once more when
// the store is destroyed. A process killed with -9 loses at most the datapoints of the last
// interval. Rows past retention (one-second buckets 3 hours, one-minute buckets 15 days, as the
// registry keeps them) are deleted by each flush and never loaded.
//
// Lifecycle: open() loads the file's buckets into the registry and starts the thread; the
// destructor stops it after a last flush. The registry must outlive the store.

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "sluice/metrics/metrics.h"

namespace sluice::metrics {

class MetricsStore {
 public:
  // Null with *error naming the file and the reason when it cannot be opened or read.
  static std::unique_ptr<MetricsStore> open(const std::string& path, std::shared_ptr<Registry> registry,
                                            std::string* error, int64_t flush_interval_ms = 10'000);
  virtual ~MetricsStore() = default;

  // Writes what changed since the last flush and deletes rows past retention. Thread-safe.
  virtual void flush() = 0;
  // reset_metrics (metrics_reset.h) of the account and region, and their rows deleted, under the
  // flush's lock so that no flush in progress writes a reset bucket back. Returns reset_metrics's
  // count. Thread-safe.
  virtual size_t reset(std::string_view account_id, std::string_view region) = 0;
};

}  // namespace sluice::metrics
