// The metrics store: buckets per minute and per second, aggregation into periods, statistics and
// percentiles, listing, retention.

#include <doctest/doctest.h>

#include "sluice/metrics/metrics.h"

using namespace sluice;
using namespace sluice::metrics;

namespace {

constexpr int64_t kT0 = 1'700'000'040'000;  // a minute boundary

MetricKey key(std::string name, Dimensions dims = {{"QueueName", "q"}}) {
  return MetricKey{"123456789012", "us-east-1", "AWS/SQS", std::move(name), std::move(dims)};
}

}  // namespace

TEST_CASE("values aggregate per minute and into longer periods") {
  auto clock = std::make_shared<common::ManualClock>(kT0);
  Registry registry(clock);
  registry.put(key("Sent"), 1, "Count", kT0 + 1000);
  registry.put(key("Sent"), 3, "Count", kT0 + 59'000);
  registry.put(key("Sent"), 5, "Count", kT0 + 60'000);
  registry.put(key("Sent"), 7, "Count", kT0 + 300'000);

  auto minutes = registry.query(key("Sent"), kT0, kT0 + 600'000, 60'000);
  REQUIRE(minutes.size() == 3);
  CHECK(minutes[0].timestamp_ms == kT0);
  CHECK(minutes[0].stats.sum == 4);
  CHECK(minutes[0].stats.sample_count == 2);
  CHECK(minutes[0].stats.minimum == 1);
  CHECK(minutes[0].stats.maximum == 3);
  CHECK(minutes[1].stats.sum == 5);
  CHECK(minutes[2].timestamp_ms == kT0 + 300'000);
  CHECK(minutes[0].unit == "Count");

  auto five = registry.query(key("Sent"), kT0, kT0 + 600'000, 300'000);
  REQUIRE(five.size() == 2);
  CHECK(five[0].stats.sum == 9);
  CHECK(*statistic_value(five[0], "Average") == doctest::Approx(3.0));
  CHECK(five[1].stats.sum == 7);

  // A unit that does not match answers nothing, as CloudWatch does.
  CHECK(registry.query(key("Sent"), kT0, kT0 + 600'000, 60'000, std::string("Bytes")).empty());
  // Dimensions in another order name the same metric.
  registry.put(key("Two", {{"B", "2"}, {"A", "1"}}), 1, "", kT0);
  CHECK(registry.query(key("Two", {{"A", "1"}, {"B", "2"}}), kT0, kT0 + 60'000, 60'000).size() == 1);
}

TEST_CASE("high-resolution values keep one-second buckets") {
  Registry registry(std::make_shared<common::ManualClock>(kT0));
  registry.put(key("Hi"), 10, "Seconds", kT0 + 1'000, true);
  registry.put(key("Hi"), 20, "Seconds", kT0 + 2'500, true);
  auto seconds = registry.query(key("Hi"), kT0, kT0 + 10'000, 1'000);
  REQUIRE(seconds.size() == 2);
  CHECK(seconds[0].timestamp_ms == kT0 + 1'000);
  CHECK(seconds[1].timestamp_ms == kT0 + 2'000);
  auto minute = registry.query(key("Hi"), kT0, kT0 + 60'000, 60'000);
  REQUIRE(minute.size() == 1);
  CHECK(minute[0].stats.sum == 30);
}

TEST_CASE("statistics by name and percentiles") {
  Datapoint point;
  for (int i = 1; i <= 100; ++i) {
    point.stats.add(i);
    point.samples.push_back(101 - i);
  }
  CHECK(*statistic_value(point, "SampleCount") == 100);
  CHECK(*statistic_value(point, "Sum") == 5050);
  CHECK(*statistic_value(point, "Minimum") == 1);
  CHECK(*statistic_value(point, "Maximum") == 100);
  CHECK(*statistic_value(point, "p90") == 90);
  CHECK(*statistic_value(point, "p99.5") == 100);
  CHECK(*statistic_value(point, "p0") == 1);
  CHECK_FALSE(statistic_value(point, "Median").has_value());
  CHECK(is_percentile_statistic("p99.99"));
  CHECK_FALSE(is_percentile_statistic("p100.5.1"));
  CHECK_FALSE(is_percentile_statistic("p101"));
  CHECK_FALSE(is_percentile_statistic("p9.999"));
  CHECK(is_basic_statistic("Average"));
  CHECK_FALSE(is_basic_statistic("average"));
}

TEST_CASE("listing filters by namespace, name, dimensions and recent activity") {
  auto clock = std::make_shared<common::ManualClock>(kT0);
  Registry registry(clock);
  registry.put(key("Sent", {{"QueueName", "a"}}), 1, "Count", kT0);
  registry.put(key("Sent", {{"QueueName", "b"}}), 1, "Count", kT0 - 4 * 3600 * 1000);
  registry.put(MetricKey{"123456789012", "us-east-1", "Custom", "X", {}}, 1, "", kT0);
  registry.put(MetricKey{"999999999999", "us-east-1", "Custom", "X", {}}, 1, "", kT0);

  MetricFilter all{"123456789012", "us-east-1", std::nullopt, std::nullopt, {}, std::nullopt};
  CHECK(registry.list(all).size() == 3);
  MetricFilter sqs = all;
  sqs.namespace_name = "AWS/SQS";
  CHECK(registry.list(sqs).size() == 2);
  sqs.dimensions = {{"QueueName", std::string("b")}};
  REQUIRE(registry.list(sqs).size() == 1);
  CHECK(registry.list(sqs)[0].dimensions[0].value == "b");
  MetricFilter recent = all;
  recent.active_since_ms = kT0 - 3 * 3600 * 1000;
  CHECK(registry.list(recent).size() == 2);
}

TEST_CASE("retention drops old buckets and empty series") {
  auto clock = std::make_shared<common::ManualClock>(kT0);
  Registry registry(clock);
  registry.put(key("Old"), 1, "Count", kT0);
  registry.put(key("Hi"), 1, "Count", kT0, true);
  registry.expire(kT0 + kHighResolutionRetentionMs + 1000);
  MetricFilter all{"123456789012", "us-east-1", std::nullopt, std::nullopt, {}, std::nullopt};
  CHECK(registry.list(all).size() == 1);
  registry.expire(kT0 + kStandardRetentionMs + 60'000);
  CHECK(registry.list(all).empty());
}

TEST_CASE("samplers run on sample() and snapshots total what was added") {
  Registry registry(std::make_shared<common::ManualClock>(kT0));
  int calls = 0;
  registry.add_sampler([&calls](Registry& r, int64_t now) {
    ++calls;
    r.put(key("Gauge"), 42, "Count", now);
  });
  registry.sample(kT0);
  registry.sample(kT0 + 60'000);
  CHECK(calls == 2);
  auto snapshot = registry.snapshot();
  REQUIRE(snapshot.size() == 1);
  CHECK(snapshot[0].total.sum == 84);
  CHECK(snapshot[0].last_timestamp_ms == kT0 + 60'000);
}
