// GetMetricData: metric queries (MetricStat) and metric math (metric_math.h) over the same time
// range, answered newest first unless ScanBy says TimestampAscending.

#include <algorithm>
#include <set>

#include "actions.h"
#include "input.h"
#include "metric_math.h"

namespace sluice::api::cloudwatch_wire::detail {
namespace {

namespace bj = boost::json;

struct Query {
  std::string id;
  std::optional<std::string> label;
  bool return_data = true;
  std::optional<std::string> expression;
  metrics::MetricKey metric;
  std::string stat;
  int64_t period_s = 0;
  std::optional<std::string> unit;
};

bool valid_id(std::string_view id) {
  if (id.empty() || id.size() > 255 || id[0] < 'a' || id[0] > 'z') return false;
  return std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  });
}

}  // namespace

ActionResult get_metric_data(const bj::object& input, const ActionContext& ctx) {
  Input in(input);
  int64_t start = in.require(in.timestamp_ms("StartTime"), "StartTime");
  int64_t end = in.require(in.timestamp_ms("EndTime"), "EndTime");
  std::string scan_by = in.string("ScanBy").value_or("TimestampDescending");
  std::vector<Input> entries = in.objects("MetricDataQueries");
  std::vector<Query> queries;
  for (Input& q : entries) {
    Query query;
    query.id = q.require(q.string("Id"), "Id");
    query.label = q.string("Label");
    query.return_data = q.boolean("ReturnData").value_or(true);
    query.expression = q.string("Expression");
    auto stat = q.object("MetricStat");
    if (stat) {
      auto metric = stat->object("Metric");
      if (!metric) {
        stat->missing("Metric");
      } else {
        query.metric = metrics::MetricKey{
            ctx.call.account_id, ctx.call.region, metric->require(metric->string("Namespace"), "Namespace"),
            metric->require(metric->string("MetricName"), "MetricName"), metric->dimensions("Dimensions")};
      }
      query.stat = stat->require(stat->string("Stat"), "Stat");
      query.period_s = stat->require(stat->integer("Period"), "Period");
      query.unit = stat->string("Unit");
    }
    if (in.error()) return *in.error();
    if (!valid_id(query.id)) {
      return common::aws_error(
          common::AwsErrorCode::ValidationError,
          "The value " + query.id +
              " for parameter MetricDataQueries.member.Id is invalid: it must start with a lowercase "
              "letter and contain only letters, numbers and underscores.");
    }
    if (stat.has_value() == query.expression.has_value()) {
      return common::aws_error(
          common::AwsErrorCode::ValidationError,
          "Exactly one of MetricStat and Expression must be specified for query " + query.id + ".");
    }
    if (stat && !metrics::is_basic_statistic(query.stat) && !metrics::is_percentile_statistic(query.stat)) {
      return common::aws_error(common::AwsErrorCode::CloudWatchInvalidParameterValue,
                               "The value " + query.stat + " for parameter MetricStat.Stat is not supported.");
    }
    if (stat && (query.period_s <= 0 || (query.period_s % 60 != 0 && query.period_s != 1 && query.period_s != 5 &&
                                         query.period_s != 10 && query.period_s != 20 && query.period_s != 30))) {
      return common::aws_error(common::AwsErrorCode::CloudWatchInvalidParameterValue,
                               "The parameter MetricStat.Period must be 1, 5, 10, 20, 30 or a multiple of 60.");
    }
    queries.push_back(std::move(query));
  }
  if (in.error()) return *in.error();
  if (queries.empty()) {
    return common::aws_error(common::AwsErrorCode::CloudWatchMissingParameter,
                             "The parameter MetricDataQueries is required.");
  }
  if (queries.size() > 500) {
    return common::aws_error(common::AwsErrorCode::CloudWatchInvalidParameterValue,
                             "The collection MetricDataQueries must not have a size greater than 500.");
  }
  if (start >= end) {
    return common::aws_error(common::AwsErrorCode::CloudWatchInvalidParameterValue,
                             "The parameter StartTime must be less than the parameter EndTime.");
  }
  std::set<std::string> ids;
  for (const Query& q : queries) {
    if (!ids.insert(q.id).second) {
      return common::aws_error(common::AwsErrorCode::ValidationError,
                               "The values for parameter id in MetricDataQueries are not unique.");
    }
  }

  std::map<std::string, TimeSeries, std::less<>> series;
  for (const Query& q : queries) {
    if (q.expression) continue;
    TimeSeries s;
    for (const auto& p : ctx.registry.query(q.metric, start, end, q.period_s * 1000, q.unit)) {
      if (auto v = metrics::statistic_value(p, q.stat)) s[p.timestamp_ms] = *v;
    }
    series[q.id] = std::move(s);
  }
  // Expressions may name each other: evaluate them in order, each seeing those before it and the
  // metric queries.
  for (const Query& q : queries) {
    if (!q.expression) continue;
    auto lookup = [&series](std::string_view id) -> std::optional<TimeSeries> {
      auto it = series.find(id);
      if (it == series.end()) return std::nullopt;
      return it->second;
    };
    auto evaluated = evaluate_expression(*q.expression, lookup);
    if (!evaluated) return evaluated.error();
    series[q.id] = std::move(*evaluated);
  }

  bj::array results;
  for (const Query& q : queries) {
    if (!q.return_data) continue;
    const TimeSeries& s = series[q.id];
    bj::array timestamps, values;
    auto add = [&](const std::pair<const int64_t, double>& point) {
      timestamps.push_back(ctx.timestamp(point.first));
      values.push_back(point.second);
    };
    if (scan_by == "TimestampAscending") {
      std::for_each(s.begin(), s.end(), add);
    } else {
      std::for_each(s.rbegin(), s.rend(), add);
    }
    std::string label = q.label.value_or(q.expression ? q.id : q.metric.metric_name);
    results.push_back(bj::object{{"Id", q.id},
                                 {"Label", label},
                                 {"Timestamps", std::move(timestamps)},
                                 {"Values", std::move(values)},
                                 {"StatusCode", "Complete"}});
  }
  return bj::object{{"MetricDataResults", std::move(results)}, {"Messages", bj::array()}};
}

}  // namespace sluice::api::cloudwatch_wire::detail
