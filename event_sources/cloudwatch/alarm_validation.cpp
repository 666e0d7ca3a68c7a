// PutMetricAlarm's checks. Constraints of the model (lengths, enums, ranges) answer
// ValidationError worded as AWS words them ("1 validation error detected: Value 'x' at 'statistic'
// failed to satisfy constraint: ..."); rules between parameters answer InvalidParameterValue or
// InvalidParameterCombination.

#include "alarm_validation.h"

#include "alarm_evaluation.h"
#include "sluice/metrics/metrics.h"

namespace sluice::cloudwatch::detail {
namespace {

class Problems {
 public:
  void add(std::string_view field, std::string_view value, std::string_view constraint) {
    problems_.push_back("Value '" + std::string(value) + "' at '" + std::string(field) +
                        "' failed to satisfy constraint: " + std::string(constraint));
  }
  std::optional<common::AwsError> error() const {
    if (problems_.empty()) return std::nullopt;
    std::string message = std::to_string(problems_.size()) +
                          (problems_.size() == 1 ? " validation error detected: " : " validation errors detected: ");
    for (size_t i = 0; i < problems_.size(); ++i) message += (i > 0 ? "; " : "") + problems_[i];
    return common::aws_error(common::AwsErrorCode::ValidationError, message);
  }

 private:
  std::vector<std::string> problems_;
};

bool valid_actions(const std::vector<std::string>& actions, std::string* bad) {
  for (const auto& action : actions) {
    if (action.rfind("arn:", 0) != 0 || action.size() > 1024) {
      *bad = action;
      return false;
    }
  }
  return true;
}

}  // namespace

bool is_state_value(std::string_view state) {
  return state == "OK" || state == "ALARM" || state == "INSUFFICIENT_DATA";
}

common::Status validate_alarm(const MetricAlarm& alarm) {
  Problems problems;
  if (alarm.name.empty() || alarm.name.size() > 255) {
    problems.add("alarmName", alarm.name, "Member must have length between 1 and 255");
  }
  if (alarm.description && alarm.description->size() > 1024) {
    problems.add("alarmDescription", *alarm.description, "Member must have length less than or equal to 1024");
  }
  if (alarm.metric_name.size() > 255) {
    problems.add("metricName", alarm.metric_name, "Member must have length between 1 and 255");
  }
  if (alarm.namespace_name.size() > 255) {
    problems.add("namespace", alarm.namespace_name, "Member must have length between 1 and 255");
  }
  if (alarm.statistic && !metrics::is_basic_statistic(*alarm.statistic)) {
    problems.add("statistic", *alarm.statistic,
                 "Member must satisfy enum value set: [Maximum, SampleCount, Sum, Minimum, Average]");
  }
  if (alarm.evaluation_periods < 1) {
    problems.add("evaluationPeriods", std::to_string(alarm.evaluation_periods),
                 "Member must have value greater than or equal to 1");
  }
  if (alarm.datapoints_to_alarm && *alarm.datapoints_to_alarm < 1) {
    problems.add("datapointsToAlarm", std::to_string(*alarm.datapoints_to_alarm),
                 "Member must have value greater than or equal to 1");
  }
  if (alarm.period_s < 1) {
    problems.add("period", std::to_string(alarm.period_s), "Member must have value greater than or equal to 1");
  }
  if (!is_comparison_operator(alarm.comparison_operator)) {
    problems.add("comparisonOperator", alarm.comparison_operator,
                 "Member must satisfy enum value set: [GreaterThanOrEqualToThreshold, GreaterThanThreshold, "
                 "LessThanThreshold, LessThanOrEqualToThreshold]");
  }
  for (const auto* actions : {&alarm.ok_actions, &alarm.alarm_actions, &alarm.insufficient_data_actions}) {
    if (actions->size() > 5) {
      std::string_view field = actions == &alarm.ok_actions      ? "oKActions"
                               : actions == &alarm.alarm_actions ? "alarmActions"
                                                                 : "insufficientDataActions";
      problems.add(field, "[...]", "Member must have length less than or equal to 5");
    }
  }
  if (auto error = problems.error()) return *error;

  if (alarm.metric_name.empty() || alarm.namespace_name.empty()) {
    return common::aws_error(common::AwsErrorCode::CloudWatchMissingParameter,
                             "MetricName and Namespace are required unless Metrics is specified.");
  }
  if (alarm.statistic && alarm.extended_statistic) {
    return common::aws_error(common::AwsErrorCode::InvalidParameterCombination,
                             "Statistic and ExtendedStatistic cannot both be specified.");
  }
  if (!alarm.statistic && !alarm.extended_statistic) {
    return common::aws_error(common::AwsErrorCode::CloudWatchMissingParameter,
                             "Either Statistic or ExtendedStatistic is required.");
  }
  if (alarm.extended_statistic && !metrics::is_percentile_statistic(*alarm.extended_statistic)) {
    return common::aws_error(
        common::AwsErrorCode::CloudWatchInvalidParameterValue,
        "The value " + *alarm.extended_statistic + " for parameter ExtendedStatistic is not supported.");
  }
  if (alarm.period_s != 10 && alarm.period_s != 20 && alarm.period_s != 30 && alarm.period_s % 60 != 0) {
    return common::aws_error(common::AwsErrorCode::CloudWatchInvalidParameterValue,
                             "The parameter Period must be 10, 20, 30 or a multiple of 60.");
  }
  const int64_t window_s = alarm.period_s * alarm.evaluation_periods;
  if (window_s > 604'800 || (alarm.period_s < 3600 && window_s > 86'400)) {
    return common::aws_error(
        common::AwsErrorCode::CloudWatchInvalidParameterValue,
        "The evaluation period (Period x EvaluationPeriods) can be no longer than one day for periods "
        "under one hour, and no longer than seven days otherwise.");
  }
  if (alarm.datapoints_to_alarm && *alarm.datapoints_to_alarm > alarm.evaluation_periods) {
    return common::aws_error(common::AwsErrorCode::CloudWatchInvalidParameterValue,
                             "DatapointsToAlarm must be less than or equal to EvaluationPeriods.");
  }
  const std::string& treat = alarm.treat_missing_data;
  if (!treat.empty() && treat != "missing" && treat != "ignore" && treat != "breaching" && treat != "notBreaching") {
    return common::aws_error(common::AwsErrorCode::CloudWatchInvalidParameterValue,
                             "The value " + treat +
                                 " for parameter TreatMissingData is not supported. Valid values are: breaching, "
                                 "notBreaching, ignore, missing.");
  }
  if (const auto& e = alarm.evaluate_low_sample_count_percentile;
      e && !e->empty() && *e != "evaluate" && *e != "ignore") {
    return common::aws_error(common::AwsErrorCode::CloudWatchInvalidParameterValue,
                             "The value " + *e + " for parameter EvaluateLowSampleCountPercentile is not supported.");
  }
  std::string bad;
  if (!valid_actions(alarm.ok_actions, &bad) || !valid_actions(alarm.alarm_actions, &bad) ||
      !valid_actions(alarm.insufficient_data_actions, &bad)) {
    return common::aws_error(common::AwsErrorCode::CloudWatchInvalidParameterValue, "Invalid arn syntax: " + bad);
  }
  return common::ok_status();
}

}  // namespace sluice::cloudwatch::detail
