// The SNS message of an alarm action (see alarm_message.h), written by hand so that numbers keep
// CloudWatch's forms (Threshold 1.0, not 1E0).

#include "alarm_message.h"

#include <algorithm>
#include <cctype>
#include <string_view>

#include "alarm_evaluation.h"
#include "sluice/common/json_escape.h"

namespace sluice::cloudwatch::detail {
namespace {

struct RegionName {
  std::string_view code;
  std::string_view name;
};
constexpr RegionName kRegions[] = {
    {"af-south-1", "Africa (Cape Town)"},
    {"ap-east-1", "Asia Pacific (Hong Kong)"},
    {"ap-northeast-1", "Asia Pacific (Tokyo)"},
    {"ap-northeast-2", "Asia Pacific (Seoul)"},
    {"ap-northeast-3", "Asia Pacific (Osaka)"},
    {"ap-south-1", "Asia Pacific (Mumbai)"},
    {"ap-southeast-1", "Asia Pacific (Singapore)"},
    {"ap-southeast-2", "Asia Pacific (Sydney)"},
    {"ca-central-1", "Canada (Central)"},
    {"eu-central-1", "EU (Frankfurt)"},
    {"eu-north-1", "EU (Stockholm)"},
    {"eu-south-1", "EU (Milan)"},
    {"eu-west-1", "EU (Ireland)"},
    {"eu-west-2", "EU (London)"},
    {"eu-west-3", "EU (Paris)"},
    {"me-south-1", "Middle East (Bahrain)"},
    {"sa-east-1", "South America (Sao Paulo)"},
    {"us-east-1", "US East (N. Virginia)"},
    {"us-east-2", "US East (Ohio)"},
    {"us-west-1", "US West (N. California)"},
    {"us-west-2", "US West (Oregon)"},
};

void string_member(std::string& out, std::string_view name, std::string_view value) {
  common::append_json_string(out, name);
  out += ':';
  common::append_json_string(out, value);
}

void optional_member(std::string& out, std::string_view name, const std::optional<std::string>& value) {
  common::append_json_string(out, name);
  out += ':';
  if (value) {
    common::append_json_string(out, *value);
  } else {
    out += "null";
  }
}

void array_member(std::string& out, std::string_view name, const std::vector<std::string>& values) {
  common::append_json_string(out, name);
  out += ":[";
  for (size_t i = 0; i < values.size(); ++i) {
    if (i > 0) out += ',';
    common::append_json_string(out, values[i]);
  }
  out += ']';
}

std::string upper(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return s;
}

}  // namespace

std::string region_display_name(const std::string& region) {
  for (const RegionName& r : kRegions) {
    if (r.code == region) return std::string(r.name);
  }
  return region;
}

std::string alarm_subject(const MetricAlarm& alarm) {
  return alarm.state_value + ": \"" + alarm.name + "\" in " + region_display_name(alarm.region);
}

std::string alarm_message(const MetricAlarm& alarm, const std::string& old_state) {
  std::string out = "{";
  string_member(out, "AlarmName", alarm.name);
  out += ',';
  optional_member(out, "AlarmDescription", alarm.description);
  out += ',';
  string_member(out, "AWSAccountId", alarm.account_id);
  out += ',';
  string_member(out, "AlarmConfigurationUpdatedTimestamp", format_alarm_time(alarm.configuration_updated_ms));
  out += ',';
  string_member(out, "NewStateValue", alarm.state_value);
  out += ',';
  string_member(out, "NewStateReason", alarm.state_reason);
  out += ',';
  string_member(out, "StateChangeTime", format_alarm_time(alarm.state_updated_ms));
  out += ',';
  string_member(out, "Region", region_display_name(alarm.region));
  out += ',';
  string_member(out, "AlarmArn", alarm_arn(alarm));
  out += ',';
  string_member(out, "OldStateValue", old_state);
  out += ',';
  array_member(out, "OKActions", alarm.ok_actions);
  out += ',';
  array_member(out, "AlarmActions", alarm.alarm_actions);
  out += ',';
  array_member(out, "InsufficientDataActions", alarm.insufficient_data_actions);
  out += ",\"Trigger\":{";
  string_member(out, "MetricName", alarm.metric_name);
  out += ',';
  string_member(out, "Namespace", alarm.namespace_name);
  out += ',';
  if (alarm.statistic) {
    string_member(out, "StatisticType", "Statistic");
    out += ',';
    string_member(out, "Statistic", upper(*alarm.statistic));
  } else {
    string_member(out, "StatisticType", "ExtendedStatistic");
    out += ',';
    string_member(out, "ExtendedStatistic", alarm.extended_statistic.value_or(""));
  }
  out += ',';
  optional_member(out, "Unit", alarm.unit);
  out += ",\"Dimensions\":[";
  for (size_t i = 0; i < alarm.dimensions.size(); ++i) {
    if (i > 0) out += ',';
    out += '{';
    string_member(out, "value", alarm.dimensions[i].value);
    out += ',';
    string_member(out, "name", alarm.dimensions[i].name);
    out += '}';
  }
  out += "],\"Period\":" + std::to_string(alarm.period_s);
  out += ",\"EvaluationPeriods\":" + std::to_string(alarm.evaluation_periods);
  if (alarm.datapoints_to_alarm) out += ",\"DatapointsToAlarm\":" + std::to_string(*alarm.datapoints_to_alarm);
  out += ',';
  string_member(out, "ComparisonOperator", alarm.comparison_operator);
  out += ",\"Threshold\":" + format_number(alarm.threshold) + ',';
  string_member(out, "TreatMissingData", alarm.treat_missing_data.empty() ? "missing" : alarm.treat_missing_data);
  out += ',';
  string_member(out, "EvaluateLowSampleCountPercentile", alarm.evaluate_low_sample_count_percentile.value_or(""));
  out += "}}";
  return out;
}

}  // namespace sluice::cloudwatch::detail
