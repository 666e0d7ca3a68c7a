// metrics.db: datapoints survive a reopen (statistics and the values kept for percentiles, in
// one-minute and one-second buckets), a bucket changed after a reopen keeps what it had, and
// buckets past retention are neither kept nor loaded.

#include <doctest/doctest.h>

#include <stdlib.h>

#include <filesystem>

#include "sluice/metrics/metrics_store.h"

using namespace sluice;
using namespace sluice::metrics;

namespace {

constexpr int64_t kNow = 1'700'000'040'000;  // on a minute

struct TempDir {
  std::string path;
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "sluice-metrics-XXXXXX").string();
    REQUIRE(mkdtemp(pattern.data()) != nullptr);
    path = pattern;
  }
  ~TempDir() { std::filesystem::remove_all(path); }
};

const MetricKey kLatency{"123456789012", "us-east-1", "Shop", "Latency", {{"Service", "cart"}}};

struct Opened {
  std::shared_ptr<common::ManualClock> clock = std::make_shared<common::ManualClock>(kNow);
  std::shared_ptr<Registry> registry = std::make_shared<Registry>(clock);
  std::unique_ptr<MetricsStore> store;
  explicit Opened(const std::string& dir) {
    std::string error;
    store = MetricsStore::open(dir + "/metrics.db", registry, &error);
    REQUIRE_MESSAGE(store, error);
  }
  std::vector<Datapoint> minute(const MetricKey& key, int64_t start = kNow) const {
    return registry->query(key, start, start + 60'000, 60'000);
  }
};

}  // namespace

TEST_CASE("datapoints survive a reopen, samples and one-second buckets included") {
  TempDir dir;
  {
    Opened first(dir.path);
    for (double v : {10.0, 20.0, 30.0, 40.0}) first.registry->put(kLatency, v, "Milliseconds", kNow + 1'000);
    first.registry->put(kLatency, 5, "Milliseconds", kNow + 2'500, true);
    first.registry->series(kLatency)->add_set({3, 30, 5, 15}, kNow + 3'000);
  }  // the last flush is the destructor's
  Opened second(dir.path);
  auto points = second.minute(kLatency);
  REQUIRE(points.size() == 1);
  CHECK(points[0].unit == "Milliseconds");
  CHECK(points[0].stats.sample_count == 8);
  CHECK(points[0].stats.sum == 135);
  CHECK(points[0].stats.minimum == 5);
  CHECK(points[0].stats.maximum == 40);
  CHECK(statistic_value(points[0], "p50") == 20);
  auto second_bucket = second.registry->query(kLatency, kNow + 2'000, kNow + 3'000, 1'000);
  REQUIRE(second_bucket.size() == 1);
  CHECK(second_bucket[0].stats.sum == 5);
}

TEST_CASE("a flush writes what changed, on top of what a reopen restored") {
  TempDir dir;
  {
    Opened first(dir.path);
    first.registry->put(kLatency, 1, "Count", kNow);
    first.store->flush();
  }
  {
    Opened again(dir.path);
    again.registry->put(kLatency, 2, "Count", kNow + 10'000);
    again.store->flush();
  }
  Opened last(dir.path);
  auto points = last.minute(kLatency);
  REQUIRE(points.size() == 1);
  CHECK(points[0].stats.sample_count == 2);
  CHECK(points[0].stats.sum == 3);
}

TEST_CASE("buckets past retention are deleted and never loaded") {
  TempDir dir;
  const int64_t old_minute = kNow - kStandardRetentionMs - 60'000;
  const int64_t old_second = kNow - kHighResolutionRetentionMs - 1'000;
  {
    Opened first(dir.path);
    first.registry->put(kLatency, 1, "Count", old_minute);
    first.registry->put(kLatency, 1, "Count", old_second, true);
    first.registry->put(kLatency, 1, "Count", kNow);
  }
  Opened second(dir.path);
  CHECK(second.minute(kLatency, old_minute).empty());
  CHECK(second.registry->query(kLatency, old_second, old_second + 1'000, 1'000).empty());
  CHECK(second.minute(kLatency).size() == 1);
}

TEST_CASE("a reset empties the account's and region's series, flushed rows included, and no other") {
  TempDir dir;
  const MetricKey other_region{"123456789012", "eu-west-1", "Shop", "Latency", {{"Service", "cart"}}};
  const MetricKey depth{"123456789012", "us-east-1", "AWS/SQS", "NumberOfMessagesSent", {{"QueueName", "q"}}};
  {
    Opened first(dir.path);
    first.registry->put(kLatency, 10, "Milliseconds", kNow);
    first.registry->put(other_region, 7, "Milliseconds", kNow);
    std::shared_ptr<Series> held = first.registry->series(depth, "Count");  // as a queue's meter holds it
    held->add(3, kNow);
    first.store->flush();                                             // rows the reset must delete
    first.registry->put(kLatency, 20, "Milliseconds", kNow + 1'000);  // a change not flushed yet

    CHECK(first.store->reset("123456789012", "us-east-1") == 2);
    CHECK(first.minute(kLatency).empty());
    CHECK(first.minute(depth).empty());
    CHECK(first.minute(other_region).size() == 1);
    MetricFilter filter;
    filter.account_id = "123456789012";
    filter.region = "us-east-1";
    CHECK(first.registry->list(filter).empty());  // the held series is kept, but listed nowhere
    CHECK(first.registry->snapshot("123456789012", "us-east-1", "AWS/SQS").empty());

    held->add(1, kNow + 2'000);  // data again: listed again
    CHECK(first.registry->list(filter) == std::vector<MetricKey>{depth});
  }
  Opened second(dir.path);
  CHECK(second.minute(kLatency).empty());
  REQUIRE(second.minute(depth).size() == 1);
  CHECK(second.minute(depth)[0].stats.sum == 1);
  CHECK(second.minute(other_region).size() == 1);
}
