#pragma once
// How one alarm judges its metric (internal to the alarms component): the periods it looks at,
// which of them breach, the state that follows and the reason CloudWatch words for it.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sluice/cloudwatch/alarms.h"
#include "sluice/metrics/metrics.h"

namespace sluice::cloudwatch::detail {

struct PeriodValue {
  int64_t start_ms = 0;
  std::optional<double> value;  // the statistic; nullopt when the period has no data
  double sample_count = 0;
};

struct Verdict {
  std::string state;  // OK | ALARM | INSUFFICIENT_DATA
  std::string reason;
  std::string reason_data;  // JSON, "" when there is none
};

// The alarm's last evaluation_periods periods at `now_ms`, oldest first (see alarms.h).
std::vector<PeriodValue> gather_periods(const MetricAlarm& alarm, const metrics::Registry& registry, int64_t now_ms);

// The state the periods call for. `current` is the alarm's state (TreatMissingData ignore keeps it).
Verdict judge(const MetricAlarm& alarm, const std::vector<PeriodValue>& periods, int64_t now_ms);

bool breaches(std::string_view comparison_operator, double value, double threshold);
bool is_comparison_operator(std::string_view op);

// A number as CloudWatch's texts write it: "5.0", "0.25", "1.0E7".
std::string format_number(double value);
// "2026-12-07T06:01:00.000+0000", the form of StateChangeTime and reason data.
std::string format_alarm_time(int64_t epoch_ms);

}  // namespace sluice::cloudwatch::detail
