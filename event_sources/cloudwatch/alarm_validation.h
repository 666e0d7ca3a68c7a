#pragma once
// PutMetricAlarm's checks (internal), with CloudWatch's error codes.

#include "sluice/cloudwatch/alarms.h"

namespace sluice::cloudwatch::detail {

common::Status validate_alarm(const MetricAlarm& alarm);
// "OK" | "ALARM" | "INSUFFICIENT_DATA"
bool is_state_value(std::string_view state);

}  // namespace sluice::cloudwatch::detail
