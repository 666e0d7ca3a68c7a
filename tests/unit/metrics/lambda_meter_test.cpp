// Lambda's metrics from the meter: the dimension sets each datapoint goes to (the account, the
// function, a version's or alias's Resource, an alias's ExecutedVersion), Errors as 0 or 1,
// ConcurrentExecutions as the invocations running, and a mapping's event counts.

#include <doctest/doctest.h>

#include "sluice/metrics/lambda_meter.h"

using namespace sluice;
using namespace sluice::metrics;

namespace {

constexpr int64_t kStart = 1'700'000'040'000;

struct Fixture {
  std::shared_ptr<common::ManualClock> clock = std::make_shared<common::ManualClock>(kStart);
  std::shared_ptr<Registry> registry = std::make_shared<Registry>(clock);
  LambdaMeter meter{registry, "123456789012", "us-east-1"};

  // The minute's datapoint of the metric under exactly these dimensions, or nullopt.
  std::optional<Datapoint> point(std::string metric, Dimensions dimensions) const {
    auto points =
        registry->query(MetricKey{"123456789012", "us-east-1", "AWS/Lambda", std::move(metric), std::move(dimensions)},
                        kStart, kStart + 60'000, 60'000);
    if (points.empty()) return std::nullopt;
    return points.front();
  }
  double sum(std::string metric, Dimensions dimensions) const {
    auto p = point(std::move(metric), std::move(dimensions));
    return p ? p->stats.sum : -1;
  }
};

}  // namespace

TEST_CASE("an unqualified invocation counts for the account and the function only") {
  Fixture f;
  f.meter.invoked({"orders", "", "$LATEST", false}, false, 12.5);
  f.meter.invoked({"orders", "", "$LATEST", false}, true, 7.5);
  CHECK(f.sum("Invocations", {}) == 2);
  CHECK(f.sum("Invocations", {{"FunctionName", "orders"}}) == 2);
  auto errors = f.point("Errors", {{"FunctionName", "orders"}});
  REQUIRE(errors);
  CHECK(errors->stats.sample_count == 2);  // one datapoint per invocation: 0 or 1
  CHECK(errors->stats.sum == 1);
  auto duration = f.point("Duration", {{"FunctionName", "orders"}});
  REQUIRE(duration);
  CHECK(duration->unit == "Milliseconds");
  CHECK(duration->stats.maximum == 12.5);
  CHECK(duration->stats.minimum == 7.5);
  MetricFilter by_resource;
  by_resource.account_id = "123456789012";
  by_resource.region = "us-east-1";
  by_resource.namespace_name = "AWS/Lambda";
  by_resource.dimensions = {{"Resource", std::nullopt}};
  CHECK(f.registry->list(by_resource).empty());
  by_resource.dimensions = {{"FunctionName", std::nullopt}};
  CHECK(f.registry->list(by_resource).size() == 3);  // Invocations, Errors, Duration of the function
}

TEST_CASE("a version's invocation has its Resource; an alias's also its ExecutedVersion") {
  Fixture f;
  f.meter.invoked({"orders", "3", "3", false}, false, 1);
  f.meter.invoked({"orders", "live", "3", true}, false, 1);
  CHECK(f.sum("Invocations", {{"FunctionName", "orders"}}) == 2);
  CHECK(f.sum("Invocations", {{"FunctionName", "orders"}, {"Resource", "orders:3"}}) == 1);
  CHECK(f.sum("Invocations", {{"FunctionName", "orders"}, {"Resource", "orders:live"}}) == 1);
  CHECK(f.sum("Invocations", {{"ExecutedVersion", "3"}, {"FunctionName", "orders"}, {"Resource", "orders:live"}}) == 1);
  CHECK(f.sum("Invocations", {{"ExecutedVersion", "3"}, {"FunctionName", "orders"}, {"Resource", "orders:3"}}) == -1);
}

TEST_CASE("ConcurrentExecutions records the invocations running as each starts") {
  Fixture f;
  f.meter.started("a");
  f.meter.started("a");
  f.meter.started("b");
  f.meter.ended("a");
  f.meter.started("a");
  auto a = f.point("ConcurrentExecutions", {{"FunctionName", "a"}});
  REQUIRE(a);
  CHECK(a->stats.maximum == 2);
  CHECK(a->stats.sample_count == 3);
  auto all = f.point("ConcurrentExecutions", {});
  REQUIRE(all);
  CHECK(all->stats.maximum == 3);
  CHECK(f.point("ConcurrentExecutions", {{"FunctionName", "b"}})->stats.maximum == 1);
}

TEST_CASE("counted events and event age go under the resource's dimensions") {
  Fixture f;
  f.meter.count({"orders", "live", "2", true}, "Throttles");
  f.meter.count({"orders", "", "$LATEST", false}, "AsyncEventsReceived");
  f.meter.event_age({"orders", "", "$LATEST", false}, 250);
  CHECK(f.sum("Throttles", {{"FunctionName", "orders"}, {"Resource", "orders:live"}}) == 1);
  CHECK(f.sum("AsyncEventsReceived", {}) == 1);
  auto age = f.point("AsyncEventAge", {{"FunctionName", "orders"}});
  REQUIRE(age);
  CHECK(age->unit == "Milliseconds");
  CHECK(age->stats.sum == 250);
}

TEST_CASE("a mapping's event counts go under its UUID; an empty poll is a 0") {
  Fixture f;
  MappingEventCounts empty_poll;
  empty_poll.polled = 0;
  f.meter.mapping_events("uuid-1", empty_poll);
  MappingEventCounts poll;
  poll.polled = 7;
  f.meter.mapping_events("uuid-1", poll);
  MappingEventCounts batch;
  batch.filtered_out = 2;
  batch.invoked = 5;
  batch.failed_invoke = 1;
  batch.deleted = 4;
  f.meter.mapping_events("uuid-1", batch);
  const Dimensions uuid = {{"EventSourceMappingUUID", "uuid-1"}};
  auto polled = f.point("PolledEventCount", uuid);
  REQUIRE(polled);
  CHECK(polled->stats.sample_count == 2);
  CHECK(polled->stats.sum == 7);
  CHECK(f.sum("FilteredOutEventCount", uuid) == 2);
  CHECK(f.sum("InvokedEventCount", uuid) == 5);
  CHECK(f.sum("FailedInvokeEventCount", uuid) == 1);
  CHECK(f.sum("DeletedEventCount", uuid) == 4);
  CHECK(f.sum("InvokedEventCount", {}) == -1);  // a mapping's counts are its own
}

TEST_CASE("a snapshot of one namespace holds that account's and region's series only, sorted") {
  Fixture f;
  f.meter.invoked({"b", "", "$LATEST", false}, false, 1);
  f.meter.invoked({"a", "", "$LATEST", false}, false, 1);
  f.registry->put({"123456789012", "us-east-1", "AWS/SQS", "NumberOfMessagesSent", {{"QueueName", "q"}}}, 1, "Count",
                  kStart);
  LambdaMeter elsewhere{f.registry, "123456789012", "eu-west-1"};
  elsewhere.invoked({"c", "", "$LATEST", false}, false, 1);
  auto series = f.registry->snapshot("123456789012", "us-east-1", "AWS/Lambda");
  REQUIRE(series.size() == 9);  // Invocations, Errors, Duration under {}, {a} and {b}
  for (const auto& s : series) {
    CHECK(s.key.namespace_name == "AWS/Lambda");
    CHECK(s.key.region == "us-east-1");
  }
  CHECK(series[0].key.metric_name == "Duration");
  CHECK(series[0].key.dimensions.empty());
  CHECK(series[1].key.dimensions == Dimensions{{"FunctionName", "a"}});
  CHECK(series[1].total.sum == 1);
}
