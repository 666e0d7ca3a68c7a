// The alarm actions: PutMetricAlarm, DescribeAlarms(ForMetric), DescribeAlarmHistory,
// DeleteAlarms, SetAlarmState, Enable/DisableAlarmActions and the tag actions, over
// sluice/cloudwatch/alarms.h.

#include <algorithm>

#include "actions.h"
#include "input.h"

namespace sluice::api::cloudwatch_wire::detail {
namespace {

namespace bj = boost::json;

bj::array strings_json(const std::vector<std::string>& values) {
  bj::array out;
  for (const auto& v : values) out.emplace_back(v);
  return out;
}

bj::object alarm_json(const cloudwatch::MetricAlarm& a, const ActionContext& ctx) {
  bj::object o;
  o["AlarmName"] = a.name;
  o["AlarmArn"] = cloudwatch::alarm_arn(a);
  if (a.description) o["AlarmDescription"] = *a.description;
  o["AlarmConfigurationUpdatedTimestamp"] = ctx.timestamp(a.configuration_updated_ms);
  o["ActionsEnabled"] = a.actions_enabled;
  o["OKActions"] = strings_json(a.ok_actions);
  o["AlarmActions"] = strings_json(a.alarm_actions);
  o["InsufficientDataActions"] = strings_json(a.insufficient_data_actions);
  o["StateValue"] = a.state_value;
  o["StateReason"] = a.state_reason;
  if (a.state_reason_data) o["StateReasonData"] = *a.state_reason_data;
  o["StateUpdatedTimestamp"] = ctx.timestamp(a.state_updated_ms);
  o["MetricName"] = a.metric_name;
  o["Namespace"] = a.namespace_name;
  if (a.statistic) o["Statistic"] = *a.statistic;
  if (a.extended_statistic) o["ExtendedStatistic"] = *a.extended_statistic;
  bj::array dims;
  for (const auto& d : a.dimensions) dims.push_back(bj::object{{"Name", d.name}, {"Value", d.value}});
  o["Dimensions"] = std::move(dims);
  o["Period"] = a.period_s;
  if (a.unit) o["Unit"] = *a.unit;
  o["EvaluationPeriods"] = a.evaluation_periods;
  if (a.datapoints_to_alarm) o["DatapointsToAlarm"] = *a.datapoints_to_alarm;
  o["Threshold"] = a.threshold;
  o["ComparisonOperator"] = a.comparison_operator;
  if (!a.treat_missing_data.empty()) o["TreatMissingData"] = a.treat_missing_data;
  if (a.evaluate_low_sample_count_percentile) {
    o["EvaluateLowSampleCountPercentile"] = *a.evaluate_low_sample_count_percentile;
  }
  o["StateTransitionedTimestamp"] = ctx.timestamp(a.state_transitioned_ms);
  return o;
}

cloudwatch::Tags read_tags(Input& in, std::string_view name) {
  cloudwatch::Tags tags;
  for (Input t : in.objects(name)) {
    std::string key = t.require(t.string("Key"), "Key");
    std::string value = t.require(t.string("Value"), "Value");
    tags.emplace_back(std::move(key), std::move(value));
  }
  return tags;
}

common::Outcome<int64_t> max_records(Input& in) {
  auto max = in.integer("MaxRecords");
  if (max && (*max < 1 || *max > 100)) {
    return common::aws_error(
        common::AwsErrorCode::ValidationError,
        "1 validation error detected: Value '" + std::to_string(*max) +
            "' at 'maxRecords' failed to satisfy constraint: Member must have value less than or equal "
            "to 100");
  }
  return max.value_or(50);
}

std::vector<std::string> required_names(Input& in) {
  if (!in.has("AlarmNames")) in.missing("AlarmNames");
  return in.strings("AlarmNames");
}

}  // namespace

ActionResult put_metric_alarm(const bj::object& input, const ActionContext& ctx) {
  Input in(input);
  cloudwatch::MetricAlarm a;
  a.account_id = ctx.call.account_id;
  a.region = ctx.call.region;
  a.name = in.require(in.string("AlarmName"), "AlarmName");
  a.description = in.string("AlarmDescription");
  a.actions_enabled = in.boolean("ActionsEnabled").value_or(true);
  a.ok_actions = in.strings("OKActions");
  a.alarm_actions = in.strings("AlarmActions");
  a.insufficient_data_actions = in.strings("InsufficientDataActions");
  a.metric_name = in.string("MetricName").value_or("");
  a.namespace_name = in.string("Namespace").value_or("");
  a.statistic = in.string("Statistic");
  a.extended_statistic = in.string("ExtendedStatistic");
  a.dimensions = in.dimensions("Dimensions");
  a.period_s = in.integer("Period").value_or(0);
  a.unit = in.string("Unit");
  a.evaluation_periods = in.require(in.integer("EvaluationPeriods"), "EvaluationPeriods");
  a.datapoints_to_alarm = in.integer("DatapointsToAlarm");
  a.threshold = in.number("Threshold").value_or(0);
  a.comparison_operator = in.require(in.string("ComparisonOperator"), "ComparisonOperator");
  a.treat_missing_data = in.string("TreatMissingData").value_or("");
  a.evaluate_low_sample_count_percentile = in.string("EvaluateLowSampleCountPercentile");
  a.tags = read_tags(in, "Tags");
  if (in.error()) return *in.error();
  if (in.has("Metrics") || in.has("ThresholdMetricId")) {
    return common::aws_error(common::AwsErrorCode::CloudWatchInvalidParameterValue,
                             "Alarms on metric math expressions (Metrics, ThresholdMetricId) are not supported by this "
                             "endpoint.");
  }
  if (!in.has("Period")) {
    return common::aws_error(common::AwsErrorCode::CloudWatchMissingParameter,
                             "Period must be specified when MetricName is.");
  }
  if (!in.has("Threshold")) {
    return common::aws_error(common::AwsErrorCode::CloudWatchMissingParameter, "Threshold must be specified.");
  }
  if (common::Status put = ctx.alarms.put_metric_alarm(std::move(a)); !put) return put.error();
  return bj::object();
}

ActionResult describe_alarms(const bj::object& input, const ActionContext& ctx) {
  Input in(input);
  cloudwatch::DescribeAlarmsFilter filter;
  filter.names = in.strings("AlarmNames");
  filter.name_prefix = in.string("AlarmNamePrefix");
  filter.state_value = in.string("StateValue");
  filter.action_prefix = in.string("ActionPrefix");
  std::vector<std::string> types = in.strings("AlarmTypes");
  auto max = max_records(in);
  auto start = page_start(in.string("NextToken"));
  if (in.error()) return *in.error();
  if (!max) return max.error();
  if (!start) return start.error();
  if (!filter.names.empty() && filter.name_prefix) {
    return common::aws_error(common::AwsErrorCode::InvalidParameterCombination,
                             "AlarmNamePrefix and AlarmNames cannot be specified together.");
  }
  if (filter.state_value && *filter.state_value != "OK" && *filter.state_value != "ALARM" &&
      *filter.state_value != "INSUFFICIENT_DATA") {
    return common::aws_error(common::AwsErrorCode::ValidationError,
                             "1 validation error detected: Value '" + *filter.state_value +
                                 "' at 'stateValue' failed to satisfy constraint: Member must satisfy enum value set: "
                                 "[INSUFFICIENT_DATA, ALARM, OK]");
  }
  bj::array alarms;
  size_t i = *start;
  // Composite alarms do not exist here: a request for only those answers none.
  const bool metric_alarms_wanted =
      types.empty() || std::find(types.begin(), types.end(), "MetricAlarm") != types.end();
  std::vector<cloudwatch::MetricAlarm> found;
  if (metric_alarms_wanted) found = ctx.alarms.describe_alarms(ctx.call.account_id, ctx.call.region, filter);
  for (; i < found.size() && static_cast<int64_t>(alarms.size()) < *max; ++i)
    alarms.push_back(alarm_json(found[i], ctx));
  bj::object result{{"CompositeAlarms", bj::array()}, {"MetricAlarms", std::move(alarms)}};
  if (i < found.size()) result["NextToken"] = std::to_string(i);
  return result;
}

ActionResult describe_alarms_for_metric(const bj::object& input, const ActionContext& ctx) {
  Input in(input);
  metrics::MetricKey metric{ctx.call.account_id, ctx.call.region, in.require(in.string("Namespace"), "Namespace"),
                            in.require(in.string("MetricName"), "MetricName"), in.dimensions("Dimensions")};
  auto statistic = in.string("Statistic");
  auto extended = in.string("ExtendedStatistic");
  auto period = in.integer("Period");
  auto unit = in.string("Unit");
  if (in.error()) return *in.error();
  bj::array alarms;
  for (const auto& a : ctx.alarms.describe_alarms_for_metric(metric, statistic, extended, period, unit)) {
    alarms.push_back(alarm_json(a, ctx));
  }
  return bj::object{{"MetricAlarms", std::move(alarms)}};
}

ActionResult describe_alarm_history(const bj::object& input, const ActionContext& ctx) {
  Input in(input);
  cloudwatch::HistoryFilter filter;
  filter.alarm_name = in.string("AlarmName");
  filter.history_item_type = in.string("HistoryItemType");
  filter.start_ms = in.timestamp_ms("StartDate");
  filter.end_ms = in.timestamp_ms("EndDate");
  std::string scan_by = in.string("ScanBy").value_or("TimestampDescending");
  filter.newest_first = scan_by != "TimestampAscending";
  std::vector<std::string> types = in.strings("AlarmTypes");
  auto max = max_records(in);
  auto start = page_start(in.string("NextToken"));
  if (in.error()) return *in.error();
  if (!max) return max.error();
  if (!start) return start.error();
  if (const auto& t = filter.history_item_type;
      t && *t != "ConfigurationUpdate" && *t != "StateUpdate" && *t != "Action") {
    return common::aws_error(
        common::AwsErrorCode::ValidationError,
        "1 validation error detected: Value '" + *t +
            "' at 'historyItemType' failed to satisfy constraint: Member must satisfy enum value set: "
            "[ConfigurationUpdate, StateUpdate, Action, AlarmContributorStateUpdate, "
            "AlarmContributorAction]");
  }
  std::vector<cloudwatch::AlarmHistoryItem> items;
  if (types.empty() || std::find(types.begin(), types.end(), "MetricAlarm") != types.end()) {
    items = ctx.alarms.history(ctx.call.account_id, ctx.call.region, filter);
  }
  bj::array listed;
  size_t i = *start;
  for (; i < items.size() && static_cast<int64_t>(listed.size()) < *max; ++i) {
    const auto& item = items[i];
    listed.push_back(bj::object{{"AlarmName", item.alarm_name},
                                {"AlarmType", item.alarm_type},
                                {"Timestamp", ctx.timestamp(item.timestamp_ms)},
                                {"HistoryItemType", item.history_item_type},
                                {"HistorySummary", item.history_summary},
                                {"HistoryData", item.history_data}});
  }
  bj::object result{{"AlarmHistoryItems", std::move(listed)}};
  if (i < items.size()) result["NextToken"] = std::to_string(i);
  return result;
}

ActionResult delete_alarms(const bj::object& input, const ActionContext& ctx) {
  Input in(input);
  std::vector<std::string> names = required_names(in);
  if (in.error()) return *in.error();
  if (names.size() > 100) {
    return common::aws_error(
        common::AwsErrorCode::ValidationError,
        "1 validation error detected: Value at 'alarmNames' failed to satisfy constraint: Member must "
        "have length less than or equal to 100");
  }
  if (common::Status s = ctx.alarms.delete_alarms(ctx.call.account_id, ctx.call.region, names); !s) return s.error();
  return bj::object();
}

ActionResult set_alarm_state(const bj::object& input, const ActionContext& ctx) {
  Input in(input);
  std::string name = in.require(in.string("AlarmName"), "AlarmName");
  std::string state = in.require(in.string("StateValue"), "StateValue");
  std::string reason = in.require(in.string("StateReason"), "StateReason");
  auto data = in.string("StateReasonData");
  if (in.error()) return *in.error();
  if (common::Status s = ctx.alarms.set_alarm_state(ctx.call.account_id, ctx.call.region, name, state, reason, data);
      !s) {
    return s.error();
  }
  return bj::object();
}

ActionResult enable_alarm_actions(const bj::object& input, const ActionContext& ctx) {
  Input in(input);
  std::vector<std::string> names = required_names(in);
  if (in.error()) return *in.error();
  ctx.alarms.set_actions_enabled(ctx.call.account_id, ctx.call.region, names, true);
  return bj::object();
}

ActionResult disable_alarm_actions(const bj::object& input, const ActionContext& ctx) {
  Input in(input);
  std::vector<std::string> names = required_names(in);
  if (in.error()) return *in.error();
  ctx.alarms.set_actions_enabled(ctx.call.account_id, ctx.call.region, names, false);
  return bj::object();
}

ActionResult tag_resource(const bj::object& input, const ActionContext& ctx) {
  Input in(input);
  std::string arn = in.require(in.string("ResourceARN"), "ResourceARN");
  if (!in.has("Tags")) in.missing("Tags");
  cloudwatch::Tags tags = read_tags(in, "Tags");
  if (in.error()) return *in.error();
  if (common::Status s = ctx.alarms.tag_resource(arn, tags); !s) return s.error();
  return bj::object();
}

ActionResult untag_resource(const bj::object& input, const ActionContext& ctx) {
  Input in(input);
  std::string arn = in.require(in.string("ResourceARN"), "ResourceARN");
  if (!in.has("TagKeys")) in.missing("TagKeys");
  std::vector<std::string> keys = in.strings("TagKeys");
  if (in.error()) return *in.error();
  if (common::Status s = ctx.alarms.untag_resource(arn, keys); !s) return s.error();
  return bj::object();
}

ActionResult list_tags_for_resource(const bj::object& input, const ActionContext& ctx) {
  Input in(input);
  std::string arn = in.require(in.string("ResourceARN"), "ResourceARN");
  if (in.error()) return *in.error();
  auto tags = ctx.alarms.list_tags(arn);
  if (!tags) return tags.error();
  bj::array listed;
  for (const auto& [key, value] : *tags) listed.push_back(bj::object{{"Key", key}, {"Value", value}});
  return bj::object{{"Tags", std::move(listed)}};
}

}  // namespace sluice::api::cloudwatch_wire::detail
