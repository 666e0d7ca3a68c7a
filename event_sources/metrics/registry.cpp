// The registry's series and their buckets (see metrics.h). Buckets live in a std::map by start
// time; producers write at "now", so add() usually finds its bucket at the map's end.

#include <algorithm>
#include <atomic>
#include <map>
#include <utility>

#include "sluice/common/mutex.h"
#include "sluice/metrics/metrics.h"
#include "sluice/metrics/metrics_reset.h"

namespace sluice::metrics {
namespace {

constexpr int64_t kMinuteMs = 60'000;
constexpr int64_t kSecondMs = 1'000;

int64_t floor_to(int64_t t, int64_t step) {
  int64_t q = t / step;
  if (t % step != 0 && t < 0) --q;
  return q * step;
}

struct Bucket {
  StatisticSet stats;
  std::vector<double> samples;
  bool changed = false;  // listed in its series' changed_, not yet taken by take_changed()
};

class SeriesImpl final : public Series {
 public:
  SeriesImpl(MetricKey key, std::string unit, std::shared_ptr<const std::atomic<bool>> tracking)
      : key_(std::move(key)), tracking_(std::move(tracking)), unit_(std::move(unit)) {}

  void add(double value, int64_t timestamp_ms, bool high_resolution) override {
    common::MutexLock lock(mu_);
    Bucket& bucket = bucket_at(timestamp_ms, high_resolution);
    cleared_ = false;
    bucket.stats.add(value);
    if (bucket.samples.size() < kMaxSamplesPerBucket) bucket.samples.push_back(value);
    total_.add(value);
  }

  void add_set(const StatisticSet& set, int64_t timestamp_ms, bool high_resolution) override {
    common::MutexLock lock(mu_);
    Bucket& bucket = bucket_at(timestamp_ms, high_resolution);
    cleared_ = false;
    bucket.stats.merge(set);
    total_.merge(set);
  }

  // Appends the changed buckets to `out` and clears their marks.
  void take_changed(std::vector<StoredBucket>& out) {
    common::MutexLock lock(mu_);
    for (const auto& [high_resolution, start] : changed_) {
      auto& buckets = high_resolution ? second_ : minute_;
      auto it = buckets.find(start);
      if (it == buckets.end() || !it->second.changed) continue;  // expired since, or listed twice
      it->second.changed = false;
      out.push_back({key_, unit_, high_resolution, start, it->second.stats, it->second.samples});
    }
    changed_.clear();
  }

  void restore(const StoredBucket& stored) {
    common::MutexLock lock(mu_);
    Bucket& bucket = (stored.high_resolution ? second_ : minute_)[stored.start_ms];
    cleared_ = false;
    total_.merge(stored.stats);
    bucket.stats = stored.stats;
    bucket.samples = stored.samples;
  }

  const MetricKey& key() const override { return key_; }
  std::string unit() const override {
    common::MutexLock lock(mu_);
    return unit_;
  }
  void set_unit(std::string_view unit) {
    common::MutexLock lock(mu_);
    if (!unit.empty()) unit_ = std::string(unit);
  }

  void collect(int64_t start_ms, int64_t end_ms, int64_t period_ms, std::map<int64_t, Datapoint>& out) const {
    common::MutexLock lock(mu_);
    for (auto it = minute_.lower_bound(floor_to(start_ms, kMinuteMs)); it != minute_.end() && it->first < end_ms;
         ++it) {
      fold(it->first, it->second, start_ms, end_ms, period_ms, out);
    }
    for (auto it = second_.lower_bound(start_ms); it != second_.end() && it->first < end_ms; ++it) {
      fold(it->first, it->second, start_ms, end_ms, period_ms, out);
    }
    for (auto& [t, point] : out) point.unit = unit_;
  }

  bool has_data_since(int64_t since_ms) const {
    common::MutexLock lock(mu_);
    return (!minute_.empty() && minute_.rbegin()->first + kMinuteMs > since_ms) ||
           (!second_.empty() && second_.rbegin()->first + kSecondMs > since_ms);
  }

  SeriesSnapshot snapshot() const {
    common::MutexLock lock(mu_);
    SeriesSnapshot s{key_, unit_, total_, {}, 0};
    auto newest = [&s](const std::map<int64_t, Bucket>& buckets) {
      if (!buckets.empty() && buckets.rbegin()->first >= s.last_timestamp_ms) {
        s.last_timestamp_ms = buckets.rbegin()->first;
        s.last_bucket = buckets.rbegin()->second.stats;
      }
    };
    newest(minute_);
    newest(second_);
    return s;
  }

  // Drops every bucket and the totals (a reset); true when there was data.
  bool clear() {
    common::MutexLock lock(mu_);
    const bool had_data = !minute_.empty() || !second_.empty();
    minute_.clear();
    second_.clear();
    changed_.clear();
    total_ = {};
    cleared_ = true;
    return had_data;
  }

  // Reset and given no data since: listed nowhere, as a metric that never had data.
  bool cleared() const {
    common::MutexLock lock(mu_);
    return cleared_;
  }

  // Drops buckets older than retention; true when none is left.
  bool expire(int64_t now_ms) {
    common::MutexLock lock(mu_);
    minute_.erase(minute_.begin(), minute_.lower_bound(now_ms - kStandardRetentionMs));
    second_.erase(second_.begin(), second_.lower_bound(now_ms - kHighResolutionRetentionMs));
    return minute_.empty() && second_.empty();
  }

 private:
  // The bucket a value at timestamp_ms goes to, marked as changed.
  Bucket& bucket_at(int64_t timestamp_ms, bool high_resolution) REQUIRES(mu_) {
    std::map<int64_t, Bucket>& buckets = high_resolution ? second_ : minute_;
    int64_t start = floor_to(timestamp_ms, high_resolution ? kSecondMs : kMinuteMs);
    Bucket& bucket = !buckets.empty() && buckets.rbegin()->first == start ? buckets.rbegin()->second : buckets[start];
    if (!bucket.changed && tracking_->load(std::memory_order_relaxed)) {
      bucket.changed = true;
      changed_.emplace_back(high_resolution, start);
    }
    return bucket;
  }

  static void fold(int64_t bucket_start, const Bucket& bucket, int64_t start_ms, int64_t end_ms, int64_t period_ms,
                   std::map<int64_t, Datapoint>& out) {
    // A minute bucket that begins before the query's start belongs to no period of it.
    if (bucket_start < start_ms || bucket_start >= end_ms) return;
    int64_t period_start = start_ms + floor_to(bucket_start - start_ms, period_ms);
    Datapoint& point = out[period_start];
    point.timestamp_ms = period_start;
    point.stats.merge(bucket.stats);
    size_t room = kMaxSamplesPerBucket * 60 - std::min(point.samples.size(), kMaxSamplesPerBucket * 60);
    size_t take = std::min(room, bucket.samples.size());
    point.samples.insert(point.samples.end(), bucket.samples.begin(), bucket.samples.begin() + static_cast<long>(take));
  }

  const MetricKey key_;
  // Whether a durable store takes changes (Registry::take_changed); without one nothing is marked.
  const std::shared_ptr<const std::atomic<bool>> tracking_;
  mutable common::Mutex mu_;
  std::string unit_ GUARDED_BY(mu_);
  std::map<int64_t, Bucket> minute_ GUARDED_BY(mu_);
  std::map<int64_t, Bucket> second_ GUARDED_BY(mu_);
  StatisticSet total_ GUARDED_BY(mu_);
  std::vector<std::pair<bool, int64_t>> changed_ GUARDED_BY(mu_);  // (high resolution, start) of changed buckets
  bool cleared_ GUARDED_BY(mu_) = false;                           // see cleared()
};

bool matches(const MetricKey& key, const MetricFilter& filter) {
  if (key.account_id != filter.account_id || key.region != filter.region) return false;
  if (filter.namespace_name && key.namespace_name != *filter.namespace_name) return false;
  if (filter.metric_name && key.metric_name != *filter.metric_name) return false;
  for (const auto& wanted : filter.dimensions) {
    auto it = std::find_if(key.dimensions.begin(), key.dimensions.end(),
                           [&wanted](const Dimension& d) { return d.name == wanted.first; });
    if (it == key.dimensions.end()) return false;
    if (wanted.second && it->value != *wanted.second) return false;
  }
  return true;
}

}  // namespace

struct Registry::Impl {
  const std::shared_ptr<std::atomic<bool>> tracking = std::make_shared<std::atomic<bool>>(false);
  mutable common::Mutex mu;
  std::map<MetricKey, std::shared_ptr<SeriesImpl>> series GUARDED_BY(mu);
  common::Mutex samplers_mu;
  std::vector<Sampler> samplers GUARDED_BY(samplers_mu);

  std::shared_ptr<SeriesImpl> find(const MetricKey& key) const {
    common::MutexLock lock(mu);
    auto it = series.find(key);
    return it == series.end() ? nullptr : it->second;
  }
};

Registry::Registry(std::shared_ptr<common::Clock> clock)
    : clock_(clock ? std::move(clock) : common::system_clock()), impl_(std::make_unique<Impl>()) {}

Registry::~Registry() = default;

std::shared_ptr<Series> Registry::series(MetricKey key, std::string_view unit) {
  std::sort(key.dimensions.begin(), key.dimensions.end());
  std::shared_ptr<SeriesImpl> found;
  {
    common::MutexLock lock(impl_->mu);
    auto it = impl_->series.find(key);
    if (it == impl_->series.end()) {
      auto made = std::make_shared<SeriesImpl>(key, unit.empty() ? "None" : std::string(unit), impl_->tracking);
      impl_->series.emplace(std::move(key), made);
      return made;
    }
    found = it->second;
  }
  found->set_unit(unit);
  return found;
}

void Registry::put(MetricKey key, double value, std::string_view unit, int64_t timestamp_ms, bool high_resolution) {
  series(std::move(key), unit)->add(value, timestamp_ms, high_resolution);
}

std::vector<Datapoint> Registry::query(const MetricKey& key, int64_t start_ms, int64_t end_ms, int64_t period_ms,
                                       const std::optional<std::string>& unit) const {
  MetricKey sorted = key;
  std::sort(sorted.dimensions.begin(), sorted.dimensions.end());
  std::shared_ptr<SeriesImpl> series = impl_->find(sorted);
  if (!series || period_ms <= 0 || end_ms <= start_ms) return {};
  if (unit && series->unit() != *unit) return {};
  std::map<int64_t, Datapoint> points;
  series->collect(start_ms, end_ms, period_ms, points);
  std::vector<Datapoint> out;
  out.reserve(points.size());
  for (auto& [t, point] : points) out.push_back(std::move(point));
  return out;
}

std::vector<MetricKey> Registry::list(const MetricFilter& filter) const {
  std::vector<std::shared_ptr<SeriesImpl>> candidates;
  {
    common::MutexLock lock(impl_->mu);
    for (const auto& [key, series] : impl_->series) {
      if (matches(key, filter)) candidates.push_back(series);
    }
  }
  std::vector<MetricKey> out;
  for (const auto& series : candidates) {
    if (series->cleared()) continue;
    if (filter.active_since_ms && !series->has_data_since(*filter.active_since_ms)) continue;
    out.push_back(series->key());
  }
  return out;
}

std::vector<SeriesSnapshot> Registry::snapshot() const {
  std::vector<std::shared_ptr<SeriesImpl>> all;
  {
    common::MutexLock lock(impl_->mu);
    all.reserve(impl_->series.size());
    for (const auto& [key, series] : impl_->series) all.push_back(series);
  }
  std::vector<SeriesSnapshot> out;
  out.reserve(all.size());
  for (const auto& series : all) {
    if (!series->cleared()) out.push_back(series->snapshot());
  }
  return out;
}

std::vector<SeriesSnapshot> Registry::snapshot(std::string_view account_id, std::string_view region,
                                               std::string_view namespace_name) const {
  std::vector<std::shared_ptr<SeriesImpl>> wanted;
  {
    // Keys sort by account, region, then namespace: the namespace's series are one run of the map.
    const MetricKey first{std::string(account_id), std::string(region), std::string(namespace_name), "", {}};
    common::MutexLock lock(impl_->mu);
    for (auto it = impl_->series.lower_bound(first); it != impl_->series.end(); ++it) {
      const MetricKey& key = it->first;
      if (key.account_id != account_id || key.region != region || key.namespace_name != namespace_name) break;
      wanted.push_back(it->second);
    }
  }
  std::vector<SeriesSnapshot> out;
  out.reserve(wanted.size());
  for (const auto& series : wanted) {
    if (!series->cleared()) out.push_back(series->snapshot());
  }
  return out;
}

std::vector<StoredBucket> Registry::take_changed() {
  impl_->tracking->store(true);  // from now on: the first call starts the tracking
  std::vector<std::shared_ptr<SeriesImpl>> all;
  {
    common::MutexLock lock(impl_->mu);
    all.reserve(impl_->series.size());
    for (const auto& [key, series] : impl_->series) all.push_back(series);
  }
  std::vector<StoredBucket> out;
  for (const auto& series : all) series->take_changed(out);
  return out;
}

void Registry::restore(const StoredBucket& bucket) {
  std::shared_ptr<Series> series = this->series(bucket.key, bucket.unit);
  static_cast<SeriesImpl&>(*series).restore(bucket);
}

void Registry::add_sampler(Sampler sampler) {
  common::MutexLock lock(impl_->samplers_mu);
  impl_->samplers.push_back(std::move(sampler));
}

void Registry::sample(int64_t now_ms) {
  std::vector<Sampler> samplers;
  {
    common::MutexLock lock(impl_->samplers_mu);
    samplers = impl_->samplers;
  }
  for (const Sampler& sampler : samplers) sampler(*this, now_ms);
}

void Registry::expire(int64_t now_ms) {
  std::vector<std::pair<MetricKey, std::shared_ptr<SeriesImpl>>> all;
  {
    common::MutexLock lock(impl_->mu);
    for (const auto& entry : impl_->series) all.push_back(entry);
  }
  std::vector<MetricKey> empty;
  for (const auto& [key, series] : all) {
    if (series->expire(now_ms)) empty.push_back(key);
  }
  all.clear();
  common::MutexLock lock(impl_->mu);
  for (const MetricKey& key : empty) {
    auto it = impl_->series.find(key);
    // use_count 1: only the map holds it, so no producer writes to it any more.
    if (it != impl_->series.end() && it->second.use_count() == 1) impl_->series.erase(it);
  }
}

size_t reset_metrics(Registry& registry, std::string_view account_id, std::string_view region) {
  MetricFilter filter;
  filter.account_id = std::string(account_id);
  filter.region = std::string(region);
  size_t had_data = 0;
  for (const MetricKey& key : registry.list(filter)) {
    if (static_cast<SeriesImpl&>(*registry.series(key)).clear()) ++had_data;
  }
  registry.expire(registry.clock().now_ms());  // the emptied series that no producer holds go
  return had_data;
}

}  // namespace sluice::metrics
