// Alarms through their public interface with a manual clock: creation, evaluation into ALARM and
// back, actions and their history, SetAlarmState, enable/disable, tags, and a reopened store.

#include <doctest/doctest.h>

#include <unistd.h>
#include <filesystem>

#include "sluice/cloudwatch/alarms.h"

using namespace sluice;
using namespace sluice::cloudwatch;

namespace {

constexpr int64_t kT0 = 1'700'000'040'000;

struct Published {
  std::string topic, subject, message;
};

struct Fixture {
  std::shared_ptr<common::ManualClock> clock = std::make_shared<common::ManualClock>(kT0);
  std::shared_ptr<metrics::Registry> registry = std::make_shared<metrics::Registry>(clock);
  std::vector<Published> published;
  bool publish_ok = true;

  std::unique_ptr<Alarms> open(const std::string& data_dir = "") {
    AlarmsOptions options;
    options.registry = registry;
    options.clock = clock;
    options.data_dir = data_dir;
    options.background = false;
    options.notify = [this](const std::string&, const std::string&, const std::string& topic,
                            const std::string& subject, const std::string& message) {
      published.push_back({topic, subject, message});
      return publish_ok;
    };
    auto alarms = Alarms::open(options);
    REQUIRE(alarms.ok());
    return std::move(*alarms);
  }
};

MetricAlarm queue_alarm() {
  MetricAlarm a;
  a.account_id = "123456789012";
  a.region = "us-east-1";
  a.name = "deep";
  a.namespace_name = "AWS/SQS";
  a.metric_name = "ApproximateNumberOfMessagesVisible";
  a.dimensions = {{"QueueName", "orders"}};
  a.statistic = "Average";
  a.period_s = 60;
  a.evaluation_periods = 1;
  a.threshold = 5;
  a.comparison_operator = "GreaterThanThreshold";
  a.alarm_actions = {"arn:aws:sns:us-east-1:123456789012:alerts"};
  a.ok_actions = {"arn:aws:sns:us-east-1:123456789012:alerts"};
  return a;
}

metrics::MetricKey key_of(const MetricAlarm& a) {
  return {a.account_id, a.region, a.namespace_name, a.metric_name, a.dimensions};
}

}  // namespace

TEST_CASE("an alarm starts INSUFFICIENT_DATA, goes to ALARM on data, notifies, and returns to OK") {
  Fixture f;
  auto alarms = f.open();
  REQUIRE(alarms->put_metric_alarm(queue_alarm()).ok());
  auto listed = alarms->describe_alarms("123456789012", "us-east-1", {});
  REQUIRE(listed.size() == 1);
  CHECK(listed[0].state_value == "INSUFFICIENT_DATA");
  CHECK(listed[0].state_reason == "Unchecked: Initial alarm creation");

  f.registry->put(key_of(queue_alarm()), 9, "Count", kT0 + 1'000);
  alarms->evaluate(kT0 + 10'000);
  listed = alarms->describe_alarms("123456789012", "us-east-1", {});
  CHECK(listed[0].state_value == "ALARM");
  REQUIRE(f.published.size() == 1);
  CHECK(f.published[0].topic == "arn:aws:sns:us-east-1:123456789012:alerts");
  CHECK(f.published[0].subject == "ALARM: \"deep\" in US East (N. Virginia)");
  CHECK(f.published[0].message.find("\"NewStateValue\":\"ALARM\"") != std::string::npos);
  CHECK(f.published[0].message.find("\"OldStateValue\":\"INSUFFICIENT_DATA\"") != std::string::npos);
  CHECK(f.published[0].message.find("\"Statistic\":\"AVERAGE\"") != std::string::npos);
  CHECK(f.published[0].message.find("\"Threshold\":5.0") != std::string::npos);

  // Same state again: no second notification.
  alarms->evaluate(kT0 + 20'000);
  CHECK(f.published.size() == 1);

  f.registry->put(key_of(queue_alarm()), 1, "Count", kT0 + 61'000);
  alarms->evaluate(kT0 + 70'000);
  CHECK(alarms->describe_alarms("123456789012", "us-east-1", {})[0].state_value == "OK");
  REQUIRE(f.published.size() == 2);
  CHECK(f.published[1].subject == "OK: \"deep\" in US East (N. Virginia)");

  auto history = alarms->history("123456789012", "us-east-1", {});
  REQUIRE(history.size() == 5);  // created, ->ALARM, action, ->OK, action (newest first)
  CHECK(history[0].history_item_type == "Action");
  CHECK(history[0].history_summary == "Successfully executed action arn:aws:sns:us-east-1:123456789012:alerts");
  CHECK(history[1].history_summary == "Alarm updated from ALARM to OK");
  CHECK(history[4].history_summary == "Alarm \"deep\" created");
  HistoryFilter states;
  states.history_item_type = "StateUpdate";
  CHECK(alarms->history("123456789012", "us-east-1", states).size() == 2);
}

TEST_CASE("SetAlarmState, disabled actions, failed actions, DeleteAlarms") {
  Fixture f;
  auto alarms = f.open();
  REQUIRE(alarms->put_metric_alarm(queue_alarm()).ok());
  alarms->set_actions_enabled("123456789012", "us-east-1", {"deep", "unknown"}, false);
  REQUIRE(alarms->set_alarm_state("123456789012", "us-east-1", "deep", "ALARM", "testing", std::nullopt).ok());
  CHECK(f.published.empty());
  alarms->set_actions_enabled("123456789012", "us-east-1", {"deep"}, true);
  f.publish_ok = false;
  REQUIRE(alarms->set_alarm_state("123456789012", "us-east-1", "deep", "OK", "back", std::nullopt).ok());
  CHECK(f.published.size() == 1);
  CHECK(alarms->history("123456789012", "us-east-1", {})[0].history_summary ==
        "Failed to execute action arn:aws:sns:us-east-1:123456789012:alerts");

  auto bad = alarms->set_alarm_state("123456789012", "us-east-1", "deep", "BROKEN", "x", std::nullopt);
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().code == common::AwsErrorCode::ValidationError);
  auto missing = alarms->set_alarm_state("123456789012", "us-east-1", "nope", "OK", "x", std::nullopt);
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().code == common::AwsErrorCode::CloudWatchResourceNotFound);

  auto not_all = alarms->delete_alarms("123456789012", "us-east-1", {"deep", "nope"});
  REQUIRE_FALSE(not_all.ok());
  CHECK(not_all.error().code == common::AwsErrorCode::CloudWatchResourceNotFound);
  CHECK(alarms->describe_alarms("123456789012", "us-east-1", {}).size() == 1);
  REQUIRE(alarms->delete_alarms("123456789012", "us-east-1", {"deep"}).ok());
  CHECK(alarms->describe_alarms("123456789012", "us-east-1", {}).empty());
}

TEST_CASE("validation answers CloudWatch's errors") {
  Fixture f;
  auto alarms = f.open();
  MetricAlarm a = queue_alarm();
  a.period_s = 45;
  CHECK(alarms->put_metric_alarm(a).error().code == common::AwsErrorCode::CloudWatchInvalidParameterValue);
  a = queue_alarm();
  a.extended_statistic = "p90";
  CHECK(alarms->put_metric_alarm(a).error().code == common::AwsErrorCode::InvalidParameterCombination);
  a = queue_alarm();
  a.statistic = "Median";
  auto e = alarms->put_metric_alarm(a);
  CHECK(e.error().code == common::AwsErrorCode::ValidationError);
  CHECK(e.error().message.rfind("1 validation error detected: Value 'Median' at 'statistic'", 0) == 0);
  a = queue_alarm();
  a.evaluation_periods = 2;
  a.datapoints_to_alarm = 3;
  CHECK(alarms->put_metric_alarm(a).error().code == common::AwsErrorCode::CloudWatchInvalidParameterValue);
  a = queue_alarm();
  a.treat_missing_data = "sometimes";
  CHECK(alarms->put_metric_alarm(a).error().code == common::AwsErrorCode::CloudWatchInvalidParameterValue);
  a = queue_alarm();
  a.alarm_actions = {"not-an-arn"};
  CHECK(alarms->put_metric_alarm(a).error().message == "Invalid arn syntax: not-an-arn");
}

TEST_CASE("tags by ARN, alarms for a metric, and a reopened store keeps alarms and history") {
  Fixture f;
  std::string dir = std::filesystem::temp_directory_path() / ("cloudwatch_test_" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  {
    auto alarms = f.open(dir);
    MetricAlarm a = queue_alarm();
    a.tags = {{"team", "blue"}};
    REQUIRE(alarms->put_metric_alarm(a).ok());
    const std::string arn = "arn:aws:cloudwatch:us-east-1:123456789012:alarm:deep";
    REQUIRE(alarms->tag_resource(arn, {{"env", "dev"}, {"team", "red"}}).ok());
    REQUIRE(alarms->untag_resource(arn, {"env"}).ok());
    CHECK(*alarms->list_tags(arn) == Tags{{"team", "red"}});
    CHECK(alarms->list_tags(arn + "x").error().code == common::AwsErrorCode::ResourceNotFound);
    CHECK(
        alarms->describe_alarms_for_metric(key_of(a), std::nullopt, std::nullopt, std::nullopt, std::nullopt).size() ==
        1);
    CHECK(alarms->describe_alarms_for_metric(key_of(a), std::string("Sum"), std::nullopt, std::nullopt, std::nullopt)
              .empty());
    REQUIRE(alarms->set_alarm_state("123456789012", "us-east-1", "deep", "ALARM", "by hand", std::nullopt).ok());
  }
  auto reopened = f.open(dir);
  auto listed = reopened->describe_alarms("123456789012", "us-east-1", {});
  REQUIRE(listed.size() == 1);
  CHECK(listed[0].state_value == "ALARM");
  CHECK(listed[0].state_reason == "by hand");
  CHECK(listed[0].tags == Tags{{"team", "red"}});
  CHECK(listed[0].dimensions == metrics::Dimensions{{"QueueName", "orders"}});
  CHECK(reopened->history("123456789012", "us-east-1", {}).size() == 3);
  std::filesystem::remove_all(dir);
}
