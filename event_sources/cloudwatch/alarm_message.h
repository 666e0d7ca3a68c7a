#pragma once
// What an alarm action publishes to an SNS topic (internal): the subject and the JSON message in
// the shape CloudWatch sends ("AlarmName", "NewStateValue", "NewStateReason", "StateChangeTime",
// "Region" as a display name, "OldStateValue", "Trigger" with the metric and threshold, ...).

#include <cstdint>
#include <string>

#include "sluice/cloudwatch/alarms.h"

namespace sluice::cloudwatch::detail {

// "US East (N. Virginia)" for us-east-1; the code itself for a region it does not know.
std::string region_display_name(const std::string& region);
// ALARM: "name" in US East (N. Virginia)
std::string alarm_subject(const MetricAlarm& alarm);
std::string alarm_message(const MetricAlarm& alarm, const std::string& old_state);

}  // namespace sluice::cloudwatch::detail
