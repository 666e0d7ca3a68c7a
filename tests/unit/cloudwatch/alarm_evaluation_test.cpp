// How an alarm judges its periods: M out of N, each TreatMissingData, the reasons' wording.

#include <doctest/doctest.h>

#include "alarm_evaluation.h"

using namespace sluice;
using namespace sluice::cloudwatch;
using namespace sluice::cloudwatch::detail;

namespace {

constexpr int64_t kT0 = 1'700'000'040'000;  // a minute boundary: 2023-11-14T22:14:00Z

MetricAlarm alarm(int64_t n, std::optional<int64_t> m, std::string treat = "") {
  MetricAlarm a;
  a.account_id = "123456789012";
  a.region = "us-east-1";
  a.name = "a";
  a.namespace_name = "AWS/SQS";
  a.metric_name = "NumberOfMessagesSent";
  a.dimensions = {{"QueueName", "q"}};
  a.statistic = "Sum";
  a.period_s = 60;
  a.evaluation_periods = n;
  a.datapoints_to_alarm = m;
  a.threshold = 10;
  a.comparison_operator = "GreaterThanOrEqualToThreshold";
  a.treat_missing_data = std::move(treat);
  return a;
}

std::vector<PeriodValue> periods(std::initializer_list<std::optional<double>> values) {
  std::vector<PeriodValue> out;
  int64_t t = kT0;
  for (const auto& v : values) {
    out.push_back({t, v, v ? 1.0 : 0.0});
    t += 60'000;
  }
  return out;
}

}  // namespace

TEST_CASE("comparison operators") {
  CHECK(breaches("GreaterThanOrEqualToThreshold", 10, 10));
  CHECK_FALSE(breaches("GreaterThanThreshold", 10, 10));
  CHECK(breaches("LessThanThreshold", 9, 10));
  CHECK(breaches("LessThanOrEqualToThreshold", 10, 10));
  CHECK_FALSE(breaches("LessThanThreshold", 10, 10));
}

TEST_CASE("M out of N datapoints") {
  CHECK(judge(alarm(3, 2), periods({12, 1, 15}), kT0).state == "ALARM");
  CHECK(judge(alarm(3, 3), periods({12, 1, 15}), kT0).state == "OK");
  CHECK(judge(alarm(3, std::nullopt), periods({12, 11, 15}), kT0).state == "ALARM");
}

TEST_CASE("TreatMissingData") {
  auto none = periods({std::nullopt, std::nullopt});
  CHECK(judge(alarm(2, std::nullopt), none, kT0).state == "INSUFFICIENT_DATA");
  CHECK(judge(alarm(2, std::nullopt, "missing"), none, kT0).reason == "Insufficient Data: 2 datapoints were unknown.");
  CHECK(judge(alarm(2, std::nullopt, "breaching"), none, kT0).state == "ALARM");
  CHECK(judge(alarm(2, std::nullopt, "notBreaching"), none, kT0).state == "OK");
  MetricAlarm kept = alarm(2, std::nullopt, "ignore");
  kept.state_value = "ALARM";
  CHECK(judge(kept, none, kT0).state == "ALARM");
  // Missing periods do not count against "missing": the present one decides.
  CHECK(judge(alarm(2, 1), periods({std::nullopt, 20}), kT0).state == "ALARM");
  CHECK(judge(alarm(2, 2, "breaching"), periods({std::nullopt, 20}), kT0).state == "ALARM");
  CHECK(judge(alarm(2, 2, "notBreaching"), periods({std::nullopt, 20}), kT0).state == "OK");
}

TEST_CASE("reasons as CloudWatch words them") {
  Verdict v = judge(alarm(1, std::nullopt), periods({12}), kT0 + 30'000);
  CHECK(v.reason ==
        "Threshold Crossed: 1 out of the last 1 datapoints [12.0 (14/11/23 22:14:00)] was greater than or equal to "
        "the threshold (10.0) (minimum 1 datapoint for OK -> ALARM transition).");
  CHECK(v.reason_data.find("\"recentDatapoints\":[12.0]") != std::string::npos);
  CHECK(v.reason_data.find("\"statistic\":\"Sum\"") != std::string::npos);
  Verdict ok = judge(alarm(1, std::nullopt), periods({2.5}), kT0);
  CHECK(ok.reason.find("[2.5 (14/11/23 22:14:00)] was not greater than or equal to the threshold (10.0)") !=
        std::string::npos);
  CHECK(format_number(1e7) == "1.0E7");
  CHECK(format_number(0.25) == "0.25");
  CHECK(format_alarm_time(kT0) == "2023-11-14T22:14:00.000+0000");
}

TEST_CASE("periods come from the metrics store, the newest started period first if it has data") {
  auto clock = std::make_shared<common::ManualClock>(kT0);
  metrics::Registry registry(clock);
  MetricAlarm a = alarm(2, std::nullopt);
  metrics::MetricKey key{a.account_id, a.region, a.namespace_name, a.metric_name, a.dimensions};
  registry.put(key, 4, "Count", kT0 - 60'000);
  registry.put(key, 7, "Count", kT0 - 30'000);
  // At kT0 + 5 s the newest period [kT0, kT0+60) has no data yet: the window is the two before.
  auto p = gather_periods(a, registry, kT0 + 5'000);
  REQUIRE(p.size() == 2);
  CHECK(p[0].start_ms == kT0 - 120'000);
  CHECK_FALSE(p[0].value.has_value());
  CHECK(*p[1].value == 11);
  registry.put(key, 1, "Count", kT0 + 1'000);
  p = gather_periods(a, registry, kT0 + 5'000);
  CHECK(*p[0].value == 11);
  CHECK(*p[1].value == 1);
  // A percentile alarm.
  a.statistic.reset();
  a.extended_statistic = "p50";
  p = gather_periods(a, registry, kT0 + 5'000);
  CHECK(*p[0].value == 4);
}
