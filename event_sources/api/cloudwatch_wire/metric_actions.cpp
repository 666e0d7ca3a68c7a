// PutMetricData, GetMetricStatistics, ListMetrics (GetMetricData is in metric_data_action.cpp):
// the metrics store through CloudWatch's parameters and limits.

#include <algorithm>
#include <array>

#include "actions.h"
#include "input.h"

namespace sluice::api::cloudwatch_wire::detail {
namespace {

namespace bj = boost::json;

constexpr std::array<std::string_view, 27> kUnits = {
    "Seconds",          "Microseconds",     "Milliseconds", "Bytes",           "Kilobytes",        "Megabytes",
    "Gigabytes",        "Terabytes",        "Bits",         "Kilobits",        "Megabits",         "Gigabits",
    "Terabits",         "Percent",          "Count",        "Bytes/Second",    "Kilobytes/Second", "Megabytes/Second",
    "Gigabytes/Second", "Terabytes/Second", "Bits/Second",  "Kilobits/Second", "Megabits/Second",  "Gigabits/Second",
    "Terabits/Second",  "Count/Second",     "None"};

constexpr int64_t kTwoWeeksMs = int64_t{14} * 24 * 3600 * 1000;
constexpr int64_t kTwoHoursMs = int64_t{2} * 3600 * 1000;
constexpr size_t kListMetricsPage = 500;

bool valid_unit(std::string_view unit) { return std::find(kUnits.begin(), kUnits.end(), unit) != kUnits.end(); }

std::optional<std::string> read_unit(Input& in, std::string_view name) {
  auto unit = in.string(name);
  if (unit && !valid_unit(*unit)) {
    in.fail(common::aws_error(
        common::AwsErrorCode::ValidationError,
        "1 validation error detected: Value '" + *unit + "' at '" + in.path_of(name) +
            "' failed to satisfy constraint: Member must satisfy enum value set: [Megabits, "
            "Terabits, Gigabits, Count, Bytes, Gigabytes, Gigabytes/Second, Kilobytes, Kilobits/Second, "
            "Terabytes, Terabits/Second, Bytes/Second, Percent, Terabytes/Second, Bits, Microseconds, "
            "Kilobytes/Second, Gigabits/Second, Megabits/Second, Count/Second, Milliseconds, "
            "Kilobits, Bits/Second, Megabytes, Megabytes/Second, Seconds, None]"));
    return std::nullopt;
  }
  return unit;
}

metrics::MetricKey key_of(const ActionContext& ctx, std::string ns, std::string name, metrics::Dimensions dims) {
  return metrics::MetricKey{ctx.call.account_id, ctx.call.region, std::move(ns), std::move(name), std::move(dims)};
}

bj::array dimensions_json(const metrics::Dimensions& dims) {
  bj::array out;
  for (const auto& d : dims) out.push_back(bj::object{{"Name", d.name}, {"Value", d.value}});
  return out;
}

// One MetricData entry, checked; stored by put_metric_data once every entry passed.
struct Datum {
  metrics::MetricKey key;
  std::string unit;
  int64_t timestamp_ms = 0;
  bool high_resolution = false;
  std::vector<double> values;
  std::vector<double> counts;
  std::optional<metrics::StatisticSet> set;
};

std::optional<Datum> read_datum(Input& d, const std::string& ns, const ActionContext& ctx) {
  Datum datum;
  std::string name = d.require(d.string("MetricName"), "MetricName");
  metrics::Dimensions dims = d.dimensions("Dimensions");
  datum.key = key_of(ctx, ns, std::move(name), std::move(dims));
  datum.unit = read_unit(d, "Unit").value_or("");
  datum.timestamp_ms = d.timestamp_ms("Timestamp").value_or(ctx.now_ms);
  if (auto resolution = d.integer("StorageResolution")) {
    if (*resolution != 1 && *resolution != 60) d.invalid("StorageResolution", "must be 1 or 60.");
    datum.high_resolution = *resolution == 1;
  }
  auto value = d.number("Value");
  auto statistic_values = d.object("StatisticValues");
  datum.values = d.numbers("Values");
  datum.counts = d.numbers("Counts");
  if (value && statistic_values) {
    d.fail(common::aws_error(common::AwsErrorCode::InvalidParameterCombination,
                             "The parameters " + d.path_of("Value") + " and " + d.path_of("StatisticValues") +
                                 " are mutually exclusive and you have specified both."));
    return std::nullopt;
  }
  if (value && !datum.values.empty()) {
    d.fail(common::aws_error(common::AwsErrorCode::InvalidParameterCombination,
                             "The parameters " + d.path_of("Value") + " and " + d.path_of("Values") +
                                 " are mutually exclusive and you have specified both."));
    return std::nullopt;
  }
  if (!datum.counts.empty() && datum.counts.size() != datum.values.size()) {
    d.fail(common::aws_error(
        common::AwsErrorCode::CloudWatchInvalidParameterValue,
        "The parameters " + d.path_of("Values") + " and " + d.path_of("Counts") + " must be of the same size."));
  }
  if (value) datum.values = {*value};
  if (statistic_values) {
    metrics::StatisticSet set;
    set.sample_count = statistic_values->require(statistic_values->number("SampleCount"), "SampleCount");
    set.sum = statistic_values->require(statistic_values->number("Sum"), "Sum");
    set.minimum = statistic_values->require(statistic_values->number("Minimum"), "Minimum");
    set.maximum = statistic_values->require(statistic_values->number("Maximum"), "Maximum");
    datum.set = set;
  }
  if (datum.values.empty() && !datum.set) d.missing("Value");
  if (datum.values.size() > 150) d.invalid("Values", "must have at most 150 values.");
  if (datum.timestamp_ms < ctx.now_ms - kTwoWeeksMs || datum.timestamp_ms > ctx.now_ms + kTwoHoursMs) {
    d.invalid("Timestamp", "must be within the past two weeks and no more than two hours in the future.");
  }
  return datum;
}

void store(metrics::Registry& registry, const Datum& datum) {
  auto series = registry.series(datum.key, datum.unit);
  for (size_t i = 0; i < datum.values.size(); ++i) {
    // Counts say how often each value was seen: each repetition is one sample.
    double times = datum.counts.empty() ? 1 : datum.counts[i];
    for (double n = 0; n < times && n < 10'000; n += 1)
      series->add(datum.values[i], datum.timestamp_ms, datum.high_resolution);
  }
  if (datum.set) series->add_set(*datum.set, datum.timestamp_ms, datum.high_resolution);
}

// 2880 -> "2,880", as CloudWatch writes counts in its messages.
std::string grouped(int64_t n) {
  std::string digits = std::to_string(n);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

bool valid_period(int64_t period_s) {
  return period_s == 1 || period_s == 5 || period_s == 10 || period_s == 20 || period_s == 30 ||
         (period_s > 0 && period_s % 60 == 0);
}

}  // namespace

ActionResult put_metric_data(const bj::object& input, const ActionContext& ctx) {
  Input in(input);
  std::string ns = in.require(in.string("Namespace"), "Namespace");
  if (in.error()) return *in.error();
  if (ns.rfind("AWS/", 0) == 0) {
    return common::aws_error(common::AwsErrorCode::CloudWatchInvalidParameterValue,
                             "The value AWS/ for parameter Namespace is invalid.");
  }
  std::vector<Input> entries = in.objects("MetricData");
  if (entries.empty()) {
    return common::aws_error(common::AwsErrorCode::CloudWatchMissingParameter, "The parameter MetricData is required.");
  }
  if (entries.size() > 1000) {
    return common::aws_error(common::AwsErrorCode::CloudWatchInvalidParameterValue,
                             "The collection MetricData must not have a size greater than 1000.");
  }
  std::vector<Datum> data;
  for (Input& entry : entries) {
    auto datum = read_datum(entry, ns, ctx);
    if (in.error()) return *in.error();
    if (datum) data.push_back(std::move(*datum));
  }
  for (const Datum& datum : data) store(ctx.registry, datum);
  return bj::object();
}

ActionResult get_metric_statistics(const bj::object& input, const ActionContext& ctx) {
  Input in(input);
  std::string ns = in.require(in.string("Namespace"), "Namespace");
  std::string name = in.require(in.string("MetricName"), "MetricName");
  metrics::Dimensions dims = in.dimensions("Dimensions");
  int64_t start = in.require(in.timestamp_ms("StartTime"), "StartTime");
  int64_t end = in.require(in.timestamp_ms("EndTime"), "EndTime");
  int64_t period = in.require(in.integer("Period"), "Period");
  std::vector<std::string> statistics = in.strings("Statistics");
  std::vector<std::string> extended = in.strings("ExtendedStatistics");
  std::optional<std::string> unit = read_unit(in, "Unit");
  if (in.error()) return *in.error();
  if (statistics.empty() && extended.empty()) {
    return common::aws_error(common::AwsErrorCode::CloudWatchMissingParameter,
                             "Must specify either Statistics or ExtendedStatistics.");
  }
  for (const auto& s : statistics) {
    if (!metrics::is_basic_statistic(s)) {
      return common::aws_error(
          common::AwsErrorCode::ValidationError,
          "1 validation error detected: Value '[" + s +
              "]' at 'statistics' failed to satisfy constraint: Member must satisfy constraint: "
              "[Member must satisfy enum value set: [Maximum, SampleCount, Sum, Minimum, Average]]");
    }
  }
  for (const auto& s : extended) {
    if (!metrics::is_percentile_statistic(s)) {
      return common::aws_error(common::AwsErrorCode::CloudWatchInvalidParameterValue,
                               "The value " + s + " for parameter ExtendedStatistics is not supported.");
    }
  }
  if (!valid_period(period)) {
    return common::aws_error(common::AwsErrorCode::CloudWatchInvalidParameterValue,
                             "The parameter Period must be a multiple of 60.");
  }
  if (start >= end) {
    return common::aws_error(common::AwsErrorCode::CloudWatchInvalidParameterValue,
                             "The parameter StartTime must be less than the parameter EndTime.");
  }
  const int64_t requested = (end - start + period * 1000 - 1) / (period * 1000);
  if (requested > 1440) {
    return common::aws_error(
        common::AwsErrorCode::InvalidParameterCombination,
        "You have requested up to " + grouped(requested) +
            " datapoints, which exceeds the limit of 1,440. You may reduce the datapoints requested by "
            "increasing Period, or decreasing the time range.");
  }
  auto points = ctx.registry.query(key_of(ctx, ns, name, dims), start, end, period * 1000, unit);
  bj::array datapoints;
  for (const metrics::Datapoint& p : points) {
    bj::object d;
    d["Timestamp"] = ctx.timestamp(p.timestamp_ms);
    for (const auto& s : statistics) d[s] = *metrics::statistic_value(p, s);
    d["Unit"] = p.unit;
    if (!extended.empty()) {
      bj::object ext;
      for (const auto& s : extended) {
        if (auto v = metrics::statistic_value(p, s)) ext[s] = *v;
      }
      d["ExtendedStatistics"] = std::move(ext);
    }
    datapoints.push_back(std::move(d));
  }
  return bj::object{{"Label", name}, {"Datapoints", std::move(datapoints)}};
}

ActionResult list_metrics(const bj::object& input, const ActionContext& ctx) {
  Input in(input);
  metrics::MetricFilter filter;
  filter.account_id = ctx.call.account_id;
  filter.region = ctx.call.region;
  filter.namespace_name = in.string("Namespace");
  filter.metric_name = in.string("MetricName");
  filter.dimensions = in.dimension_filters("Dimensions");
  if (auto recently = in.string("RecentlyActive")) {
    if (*recently != "PT3H") {
      return common::aws_error(
          common::AwsErrorCode::ValidationError,
          "1 validation error detected: Value '" + *recently +
              "' at 'recentlyActive' failed to satisfy constraint: Member must satisfy enum value set: "
              "[PT3H]");
    }
    filter.active_since_ms = ctx.now_ms - int64_t{3} * 3600 * 1000;
  }
  auto start = page_start(in.string("NextToken"));
  if (in.error()) return *in.error();
  if (!start) return start.error();
  std::vector<metrics::MetricKey> found = ctx.registry.list(filter);
  bj::array listed;
  size_t i = *start;
  for (; i < found.size() && listed.size() < kListMetricsPage; ++i) {
    const metrics::MetricKey& k = found[i];
    listed.push_back(bj::object{
        {"Namespace", k.namespace_name}, {"MetricName", k.metric_name}, {"Dimensions", dimensions_json(k.dimensions)}});
  }
  bj::object result{{"Metrics", std::move(listed)}};
  if (i < found.size()) result["NextToken"] = std::to_string(i);
  return result;
}

}  // namespace sluice::api::cloudwatch_wire::detail
