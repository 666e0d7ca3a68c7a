#pragma once
// Metrics: the in-process store of CloudWatch's metrics, the one place sluice's counters and
// gauges live. SQS, SNS and Lambda feed it (AWS's namespaces, names, dimensions and units), users
// feed it through PutMetricData, and CloudWatch's GetMetricStatistics / GetMetricData, its alarms
// and the Prometheus exposition read it.
//
// How it works
// - A metric is a MetricKey: account, region, namespace, name and dimensions (kept sorted by
//   name, so {A,B} and {B,A} are one metric, as on CloudWatch).
// - Each metric is a Series of buckets: one-minute buckets for standard resolution, one-second
//   buckets for high-resolution data (StorageResolution 1). A bucket holds the StatisticSet of
//   what fell into it (SampleCount, Sum, Minimum, Maximum) and up to kMaxSamplesPerBucket raw
//   values for percentiles (beyond that percentiles are computed over the first values kept).
// - Reading aggregates the buckets into the caller's period (60 s multiples, or 1/5/10/30 s for
//   high-resolution data), periods aligned on the query's start time.
// - Hot path: a producer asks once for a Series (series()) and then calls Series::add(), which
//   takes only that series' own mutex and touches the newest bucket; no map lookup and no
//   allocation except when a new bucket starts.
// - Gauges (queue depths) are sampled: a Sampler registered with add_sampler() is called by
//   sample(now), once per minute by whoever drives the registry (the CloudWatch evaluator).
// - Retention (bounded, as on CloudWatch): one-second buckets are kept 3 hours, one-minute buckets
//   15 days; expire(now) drops older ones and series left empty. CloudWatch also keeps rollups
//   (5-minute data 63 days, 1-hour data 455 days); sluice keeps none.
// - Durability: with a data directory, a MetricsStore (sluice/metrics/metrics_store.h) writes the
//   buckets changed since its last flush (take_changed()) and puts them back at the next start
//   (restore()).
//
// Thread-safety: every method may be called from any thread. Series::add() and readers of the
// same series serialise on that series' mutex; the registry's map has a mutex of its own that
// producers do not take once they hold their Series.

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sluice/common/clock.h"

namespace sluice::metrics {

struct Dimension {
  std::string name;
  std::string value;
  auto operator<=>(const Dimension&) const = default;
};
using Dimensions = std::vector<Dimension>;

struct MetricKey {
  std::string account_id;
  std::string region;
  std::string namespace_name;  // "AWS/SQS"
  std::string metric_name;     // "NumberOfMessagesSent"
  Dimensions dimensions;       // sorted by name (Registry sorts what it is given)
  auto operator<=>(const MetricKey&) const = default;
};

// SampleCount, Sum, Minimum and Maximum of some values (CloudWatch's StatisticSet).
struct StatisticSet {
  double sample_count = 0;
  double sum = 0;
  double minimum = 0;
  double maximum = 0;

  void add(double value);
  void merge(const StatisticSet& other);
  double average() const { return sample_count > 0 ? sum / sample_count : 0; }
};

// One period of a metric, aggregated.
struct Datapoint {
  int64_t timestamp_ms = 0;  // start of the period
  StatisticSet stats;
  std::vector<double> samples;  // raw values kept for percentiles (unordered)
  std::string unit;             // "None" when none was given
};

// A statistic by CloudWatch's name: SampleCount, Average, Sum, Minimum, Maximum, or an extended
// statistic pNN / pNN.NN (percentile over the kept samples). nullopt for an unknown name or a
// percentile of a period without samples.
std::optional<double> statistic_value(const Datapoint& point, std::string_view statistic);
// True for "SampleCount", "Average", "Sum", "Minimum", "Maximum".
bool is_basic_statistic(std::string_view statistic);
// True for "p0".."p100" with up to two decimals (pNN.NN), as CloudWatch accepts.
bool is_percentile_statistic(std::string_view statistic);

constexpr size_t kMaxSamplesPerBucket = 1000;
constexpr int64_t kHighResolutionRetentionMs = int64_t{3} * 3600 * 1000;
constexpr int64_t kStandardRetentionMs = int64_t{15} * 24 * 3600 * 1000;

// The buckets of one metric.
class Series {
 public:
  virtual ~Series() = default;
  // One value at `timestamp_ms`; high_resolution puts it in a one-second bucket.
  virtual void add(double value, int64_t timestamp_ms, bool high_resolution = false) = 0;
  // A pre-aggregated set (PutMetricData's StatisticValues).
  virtual void add_set(const StatisticSet& set, int64_t timestamp_ms, bool high_resolution = false) = 0;
  virtual const MetricKey& key() const = 0;
  virtual std::string unit() const = 0;
};

// What a series holds, for exposition (Prometheus): everything ever added and the newest bucket.
struct SeriesSnapshot {
  MetricKey key;
  std::string unit;
  StatisticSet total;        // since the series was made
  StatisticSet last_bucket;  // the newest bucket's set
  int64_t last_timestamp_ms = 0;
};

// One bucket with its metric, as the durable store keeps it.
struct StoredBucket {
  MetricKey key;
  std::string unit;
  bool high_resolution = false;  // a one-second bucket, else a one-minute one
  int64_t start_ms = 0;
  StatisticSet stats;
  std::vector<double> samples;
};

// Which metrics ListMetrics names: every field that is set must match.
struct MetricFilter {
  std::string account_id;
  std::string region;
  std::optional<std::string> namespace_name;
  std::optional<std::string> metric_name;
  // Each must be present; a value of nullopt matches any value of that dimension.
  std::vector<std::pair<std::string, std::optional<std::string>>> dimensions;
  // Only metrics with data at or after this time (RecentlyActive PT3H).
  std::optional<int64_t> active_since_ms;
};

class Registry {
 public:
  using Sampler = std::function<void(Registry& registry, int64_t now_ms)>;

  explicit Registry(std::shared_ptr<common::Clock> clock);
  ~Registry();
  Registry(const Registry&) = delete;
  Registry& operator=(const Registry&) = delete;

  const common::Clock& clock() const { return *clock_; }

  // The series of `key` (dimensions sorted here), made on first use with `unit` ("" = "None").
  // A later non-empty unit replaces the series' unit.
  std::shared_ptr<Series> series(MetricKey key, std::string_view unit = {});
  // series(key, unit)->add(value, timestamp_ms, high_resolution).
  void put(MetricKey key, double value, std::string_view unit, int64_t timestamp_ms, bool high_resolution = false);

  // The series' data in [start_ms, end_ms), aggregated into periods of period_ms starting at
  // start_ms, oldest first; periods without data are left out. With `unit`, only a series of that
  // unit answers (CloudWatch: a unit that does not match returns no datapoints).
  std::vector<Datapoint> query(const MetricKey& key, int64_t start_ms, int64_t end_ms, int64_t period_ms,
                               const std::optional<std::string>& unit = std::nullopt) const;
  // Metrics matching the filter, sorted by key.
  std::vector<MetricKey> list(const MetricFilter& filter) const;
  std::vector<SeriesSnapshot> snapshot() const;
  // The series of one namespace of an account and region, sorted by key.
  std::vector<SeriesSnapshot> snapshot(std::string_view account_id, std::string_view region,
                                       std::string_view namespace_name) const;

  // Gauges: called by sample() in registration order.
  void add_sampler(Sampler sampler);
  void sample(int64_t now_ms);
  // Drops buckets past retention and series with no bucket left that nobody else holds.
  void expire(int64_t now_ms);

  // Durability: the buckets changed since the last call, each once (a bucket changed again is
  // taken again by the next call; changes are tracked from the first call on, so a registry
  // without a store keeps no marks), and a stored bucket put back, replacing the registry's.
  std::vector<StoredBucket> take_changed();
  void restore(const StoredBucket& bucket);

 private:
  struct Impl;
  std::shared_ptr<common::Clock> clock_;
  std::unique_ptr<Impl> impl_;
};

}  // namespace sluice::metrics
