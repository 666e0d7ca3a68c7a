// Alarm evaluation as CloudWatch describes it: M out of N periods, TreatMissingData, the
// "Threshold Crossed" reasons and their JSON reason data.

#include "alarm_evaluation.h"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <ctime>

namespace sluice::cloudwatch::detail {

bool is_comparison_operator(std::string_view op) {
  return op == "GreaterThanOrEqualToThreshold" || op == "GreaterThanThreshold" || op == "LessThanThreshold" ||
         op == "LessThanOrEqualToThreshold";
}

bool breaches(std::string_view op, double value, double threshold) {
  if (op == "GreaterThanOrEqualToThreshold") return value >= threshold;
  if (op == "GreaterThanThreshold") return value > threshold;
  if (op == "LessThanThreshold") return value < threshold;
  if (op == "LessThanOrEqualToThreshold") return value <= threshold;
  return false;
}

namespace {

std::string_view operator_words(std::string_view op) {
  if (op == "GreaterThanOrEqualToThreshold") return "greater than or equal to";
  if (op == "GreaterThanThreshold") return "greater than";
  if (op == "LessThanThreshold") return "less than";
  return "less than or equal to";
}

// "07/12/26 06:01:00": day/month/year, as the reasons write a datapoint's time.
std::string reason_time(int64_t epoch_ms) {
  std::time_t seconds = static_cast<std::time_t>(epoch_ms / 1000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%02d/%02d/%02d %02d:%02d:%02d", tm.tm_mday, tm.tm_mon + 1, tm.tm_year % 100,
                tm.tm_hour, tm.tm_min, tm.tm_sec);
  return buf;
}

std::string plural(size_t n, std::string_view one, std::string_view many) {
  return std::to_string(n) + " " + std::string(n == 1 ? one : many);
}

int64_t floor_to(int64_t t, int64_t step) {
  int64_t q = t / step;
  if (t % step != 0 && t < 0) --q;
  return q * step;
}

}  // namespace

std::string format_number(double value) {
  if (!std::isfinite(value)) return value != value ? "NaN" : (value > 0 ? "Infinity" : "-Infinity");
  if (value == std::trunc(value) && std::fabs(value) < 1e7) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f", value);
    return buf;
  }
  char buf[40];
  auto r = std::to_chars(buf, buf + sizeof buf, value);
  std::string text(buf, static_cast<size_t>(r.ptr - buf));
  size_t e = text.find('e');
  if (e != std::string::npos) {
    std::string mantissa = text.substr(0, e);
    if (mantissa.find('.') == std::string::npos) mantissa += ".0";
    std::string exponent = text.substr(e + 1);
    if (!exponent.empty() && exponent[0] == '+') exponent.erase(0, 1);
    bool negative = !exponent.empty() && exponent[0] == '-';
    if (negative) exponent.erase(0, 1);
    while (exponent.size() > 1 && exponent[0] == '0') exponent.erase(0, 1);
    if (negative) exponent.insert(0, "-");
    return mantissa + "E" + exponent;
  }
  return text;
}

std::string format_alarm_time(int64_t epoch_ms) {
  std::string text = common::format_iso8601_ms(epoch_ms);
  if (!text.empty() && text.back() == 'Z') text.replace(text.size() - 1, 1, "+0000");
  return text;
}

std::vector<PeriodValue> gather_periods(const MetricAlarm& alarm, const metrics::Registry& registry, int64_t now_ms) {
  const int64_t period_ms = alarm.period_s * 1000;
  const int64_t n = std::max<int64_t>(alarm.evaluation_periods, 1);
  metrics::MetricKey key{alarm.account_id, alarm.region, alarm.namespace_name, alarm.metric_name, alarm.dimensions};
  const std::string statistic = alarm.statistic ? *alarm.statistic : alarm.extended_statistic.value_or("Average");
  // The newest period that has started; if it has no data yet, the window ends one period earlier.
  int64_t newest = floor_to(now_ms, period_ms);
  auto points = registry.query(key, newest - n * period_ms, newest + period_ms, period_ms, alarm.unit);
  if (points.empty() || points.back().timestamp_ms != newest) newest -= period_ms;
  std::vector<PeriodValue> periods;
  periods.reserve(static_cast<size_t>(n));
  for (int64_t i = n - 1; i >= 0; --i) {
    int64_t start = newest - i * period_ms;
    PeriodValue period{start, std::nullopt, 0};
    for (const metrics::Datapoint& point : points) {
      if (point.timestamp_ms != start) continue;
      period.value = metrics::statistic_value(point, statistic);
      period.sample_count = point.stats.sample_count;
    }
    periods.push_back(period);
  }
  return periods;
}

Verdict judge(const MetricAlarm& alarm, const std::vector<PeriodValue>& periods, int64_t now_ms) {
  const size_t n = periods.size();
  const size_t m = static_cast<size_t>(alarm.datapoints_to_alarm.value_or(alarm.evaluation_periods));
  const std::string treat = alarm.treat_missing_data.empty() ? "missing" : alarm.treat_missing_data;
  size_t present = 0, breaching = 0;
  for (const PeriodValue& p : periods) {
    if (p.value) {
      ++present;
      if (breaches(alarm.comparison_operator, *p.value, alarm.threshold)) ++breaching;
    } else if (treat == "breaching") {
      ++breaching;
    }
  }

  Verdict verdict;
  if (present == 0 && (treat == "missing" || treat == "ignore")) {
    if (treat == "ignore") {
      verdict.state = alarm.state_value;
      verdict.reason = alarm.state_reason;
      return verdict;
    }
    verdict.state = "INSUFFICIENT_DATA";
    verdict.reason = "Insufficient Data: " + plural(n, "datapoint was unknown.", "datapoints were unknown.");
    return verdict;
  }
  verdict.state = breaching >= m ? "ALARM" : "OK";

  // The datapoints the reason names: the present ones, newest first.
  std::string listed;
  std::string recent;
  std::string evaluated;
  for (auto it = periods.rbegin(); it != periods.rend(); ++it) {
    if (!it->value) continue;
    if (!listed.empty()) listed += ", ";
    listed += format_number(*it->value) + " (" + reason_time(it->start_ms) + ")";
  }
  for (const PeriodValue& p : periods) {
    if (!p.value) continue;
    if (!recent.empty()) recent += ",";
    recent += format_number(*p.value);
  }
  for (auto it = periods.rbegin(); it != periods.rend(); ++it) {
    if (!evaluated.empty()) evaluated += ",";
    evaluated += "{\"timestamp\":\"" + format_alarm_time(it->start_ms) + "\"";
    if (it->value) {
      evaluated += ",\"sampleCount\":" + format_number(it->sample_count) + ",\"value\":" + format_number(*it->value);
    }
    evaluated += "}";
  }

  std::string op = std::string(operator_words(alarm.comparison_operator));
  const bool alarm_state = verdict.state == "ALARM";
  std::string counted = alarm_state ? std::to_string(breaching) : std::to_string(present);
  verdict.reason = "Threshold Crossed: " + counted + " out of the last " + std::to_string(n) + " datapoints";
  verdict.reason += " [" + listed + "] was " + (alarm_state ? "" : "not ") + op + " the threshold (" +
                    format_number(alarm.threshold) + ") (minimum " + plural(m, "datapoint", "datapoints") + " for " +
                    (alarm_state ? "OK -> ALARM" : "ALARM -> OK") + " transition).";

  const std::string statistic = alarm.statistic ? *alarm.statistic : alarm.extended_statistic.value_or("");
  verdict.reason_data = "{\"version\":\"1.0\",\"queryDate\":\"" + format_alarm_time(now_ms) + "\",\"startDate\":\"" +
                        format_alarm_time(periods.empty() ? now_ms : periods.front().start_ms) + "\",\"" +
                        (alarm.statistic ? "statistic" : "extendedStatistic") + "\":\"" + statistic +
                        "\",\"period\":" + std::to_string(alarm.period_s) + ",\"recentDatapoints\":[" + recent +
                        "],\"threshold\":" + format_number(alarm.threshold) + ",\"evaluatedDatapoints\":[" + evaluated +
                        "]}";
  return verdict;
}

}  // namespace sluice::cloudwatch::detail
