#pragma once
// CloudWatch metric alarms, with no wire format: an alarm watches one metric of the metrics store
// (sluice/metrics/metrics.h), is evaluated once a minute like CloudWatch's, moves between OK,
// ALARM and INSUFFICIENT_DATA, keeps a history, and on each transition runs its actions: an SNS
// topic ARN gets the alarm message in AWS's JSON shape (through AlarmsOptions::notify).
//
// Evaluation (alarm_evaluation.h has the rules): the last EvaluationPeriods periods of Period
// seconds, the latest being the newest period that has started (or, when it has no data yet, the
// one before it); each period's value is the Statistic or ExtendedStatistic; a period breaches when
// value <op> Threshold; ALARM when at least DatapointsToAlarm (default EvaluationPeriods) breach;
// missing periods as TreatMissingData says (missing, notBreaching, breaching, ignore).
//
// Ticks: with `background` a thread wakes every 10 seconds of the clock (a scaled clock makes that
// shorter in real time), samples the metrics store's gauges once per minute, evaluates every alarm
// and expires old data. Tests with a ManualClock call tick() themselves.
//
// Durability: with a data directory, alarms (configuration, state, tags) and their history are
// kept in <data_dir>/cloudwatch.db and reloaded at open; a change is stored before the call
// returns. History is kept 14 days, as on CloudWatch. Metric datapoints are not stored.
//
// Thread-safety: every method may be called from any thread. notify runs on the thread that
// caused the transition (the ticker, or a SetAlarmState caller), outside the alarms' lock.

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "sluice/common/aws_error.h"
#include "sluice/common/clock.h"
#include "sluice/metrics/metrics.h"

namespace sluice::cloudwatch {

using Tags = std::vector<std::pair<std::string, std::string>>;

struct MetricAlarm {
  std::string account_id;
  std::string region;
  std::string name;
  std::optional<std::string> description;
  bool actions_enabled = true;
  std::vector<std::string> ok_actions;
  std::vector<std::string> alarm_actions;
  std::vector<std::string> insufficient_data_actions;
  std::string namespace_name;
  std::string metric_name;
  metrics::Dimensions dimensions;
  std::optional<std::string> statistic;           // SampleCount | Average | Sum | Minimum | Maximum
  std::optional<std::string> extended_statistic;  // p0.0 .. p100
  int64_t period_s = 60;
  std::optional<std::string> unit;
  int64_t evaluation_periods = 1;
  std::optional<int64_t> datapoints_to_alarm;
  double threshold = 0;
  std::string
      comparison_operator;  // GreaterThanOrEqualToThreshold | GreaterThanThreshold | LessThan... | LessThanOrEqual...
  std::string treat_missing_data;  // "" = missing
  std::optional<std::string> evaluate_low_sample_count_percentile;

  // State, kept by Alarms.
  std::string state_value = "INSUFFICIENT_DATA";
  std::string state_reason;
  std::optional<std::string> state_reason_data;
  int64_t state_updated_ms = 0;
  int64_t state_transitioned_ms = 0;
  int64_t configuration_updated_ms = 0;
  Tags tags;
};

std::string alarm_arn(const MetricAlarm& alarm);  // arn:aws:cloudwatch:REGION:ACCOUNT:alarm:NAME

struct AlarmHistoryItem {
  std::string alarm_name;
  std::string alarm_type = "MetricAlarm";
  int64_t timestamp_ms = 0;
  std::string history_item_type;  // ConfigurationUpdate | StateUpdate | Action
  std::string history_summary;
  std::string history_data;  // JSON
};

struct DescribeAlarmsFilter {
  std::vector<std::string> names;  // empty = all
  std::optional<std::string> name_prefix;
  std::optional<std::string> state_value;
  std::optional<std::string> action_prefix;
};

struct HistoryFilter {
  std::optional<std::string> alarm_name;
  std::optional<std::string> history_item_type;
  std::optional<int64_t> start_ms;
  std::optional<int64_t> end_ms;
  bool newest_first = true;  // ScanBy TimestampDescending (the default)
};

struct AlarmsOptions {
  std::shared_ptr<metrics::Registry> registry;  // required
  std::shared_ptr<common::Clock> clock;         // default the registry's... the system clock
  std::string data_dir;                         // "" = in memory
  // Publishes `message` with `subject` to the SNS topic `topic_arn` as `account_id`; false when it
  // failed (the history then says so).
  std::function<bool(const std::string& account_id, const std::string& region, const std::string& topic_arn,
                     const std::string& subject, const std::string& message)>
      notify;
  bool background = true;
};

class Alarms {
 public:
  // Opens the store (when data_dir is set) and starts the ticker (when background).
  static common::Outcome<std::unique_ptr<Alarms>, std::string> open(AlarmsOptions options);
  virtual ~Alarms() = default;

  // Creates or replaces (keeping its state and tags) the alarm. `alarm` is validated here with
  // AWS's errors; its state fields are ignored. New tags are added to the alarm's.
  virtual common::Status put_metric_alarm(MetricAlarm alarm) = 0;
  // Sorted by name.
  virtual std::vector<MetricAlarm> describe_alarms(const std::string& account_id, const std::string& region,
                                                   const DescribeAlarmsFilter& filter) = 0;
  // Alarms on the metric (any statistic when `statistic` is empty).
  virtual std::vector<MetricAlarm> describe_alarms_for_metric(const metrics::MetricKey& metric,
                                                              const std::optional<std::string>& statistic,
                                                              const std::optional<std::string>& extended_statistic,
                                                              std::optional<int64_t> period_s,
                                                              const std::optional<std::string>& unit) = 0;
  // ResourceNotFound naming the first alarm that does not exist; nothing is deleted then.
  virtual common::Status delete_alarms(const std::string& account_id, const std::string& region,
                                       const std::vector<std::string>& names) = 0;
  virtual common::Status set_alarm_state(const std::string& account_id, const std::string& region,
                                         const std::string& name, const std::string& state_value,
                                         const std::string& reason, const std::optional<std::string>& reason_data) = 0;
  // Unknown names are ignored, as on CloudWatch.
  virtual void set_actions_enabled(const std::string& account_id, const std::string& region,
                                   const std::vector<std::string>& names, bool enabled) = 0;
  virtual std::vector<AlarmHistoryItem> history(const std::string& account_id, const std::string& region,
                                                const HistoryFilter& filter) = 0;

  // Tags by alarm ARN: ResourceNotFoundException when no alarm has it.
  virtual common::Status tag_resource(const std::string& arn, const Tags& tags) = 0;
  virtual common::Status untag_resource(const std::string& arn, const std::vector<std::string>& keys) = 0;
  virtual common::Outcome<Tags> list_tags(const std::string& arn) = 0;

  // Evaluates every alarm at `now_ms` (and runs the actions of those that changed state).
  virtual void evaluate(int64_t now_ms) = 0;
  // What the ticker does: samples gauges once per minute, evaluates, expires old data.
  virtual void tick(int64_t now_ms) = 0;
};

}  // namespace sluice::cloudwatch
