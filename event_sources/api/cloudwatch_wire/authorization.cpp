// The IAM side of a CloudWatch call, as the CloudWatch User Guide's "CloudWatch permissions
// reference" and its condition-key pages list it:
//
//   - The action is "cloudwatch:" + the API action.
//   - Alarm actions are authorized on each alarm they name,
//     arn:aws:cloudwatch:REGION:ACCOUNT:alarm:NAME (DeleteAlarms, EnableAlarmActions and
//     DisableAlarmActions on every name of AlarmNames); the tag actions on their ResourceARN; the
//     metric actions and the reads (PutMetricData, GetMetricData, GetMetricStatistics, ListMetrics,
//     DescribeAlarms, DescribeAlarmsForMetric, DescribeAlarmHistory) on "*".
//   - Condition keys: cloudwatch:namespace for PutMetricData (its Namespace); cloudwatch:AlarmActions
//     for PutMetricAlarm (every action the alarm would take: AlarmActions, OKActions and
//     InsufficientDataActions); aws:RequestTag/<key> and aws:TagKeys for PutMetricAlarm and
//     TagResource, aws:TagKeys for UntagResource.
//   - CloudWatch has no resource policies: only the caller's own policies decide.
//
// A refusal is the front door's AccessDenied, which each protocol writes as CloudWatch does
// (Query <Code>AccessDenied</Code>, JSON 1.0 and CBOR AccessDeniedException, HTTP 403).

#include "authorization.h"

#include <string_view>
#include <utility>
#include <vector>

namespace sluice::api::cloudwatch_wire::detail {
namespace {

namespace bj = boost::json;

std::string string_member(const bj::object& input, std::string_view name) {
  const bj::value* v = input.if_contains(name);
  return v != nullptr && v->is_string() ? std::string(v->get_string()) : std::string();
}

std::vector<std::string> string_list(const bj::object& input, std::string_view name) {
  std::vector<std::string> out;
  const bj::value* v = input.if_contains(name);
  if (v == nullptr || !v->is_array()) return out;
  for (const bj::value& e : v->get_array()) {
    if (e.is_string()) out.emplace_back(e.get_string());
  }
  return out;
}

// Tags [{Key, Value}] as aws:RequestTag/<key> and aws:TagKeys.
void add_request_tags(const bj::object& input, server::AuthorizationTarget& target) {
  const bj::value* tags = input.if_contains("Tags");
  if (tags == nullptr || !tags->is_array()) return;
  std::vector<std::string> keys;
  for (const bj::value& tag : tags->get_array()) {
    if (!tag.is_object()) continue;
    std::string key = string_member(tag.get_object(), "Key");
    if (key.empty()) continue;
    target.condition_keys.push_back({"aws:RequestTag/" + key, {string_member(tag.get_object(), "Value")}});
    keys.push_back(std::move(key));
  }
  if (!keys.empty()) target.condition_keys.push_back({"aws:TagKeys", std::move(keys)});
}

bool names_alarms(std::string_view action) {
  return action == "DeleteAlarms" || action == "EnableAlarmActions" || action == "DisableAlarmActions";
}

}  // namespace

std::optional<server::AuthorizationTarget> authorization_target(const std::string& action, const bj::object& input,
                                                                const server::CallContext& ctx) {
  server::AuthorizationTarget target;
  target.action = "cloudwatch:" + action;
  target.resource = "*";
  target.resource_account = ctx.account_id;
  const std::string alarm_prefix = "arn:aws:cloudwatch:" + ctx.region + ":" + ctx.account_id + ":alarm:";

  if (action == "PutMetricData") {
    target.condition_keys.push_back({"cloudwatch:namespace", {string_member(input, "Namespace")}});
  } else if (action == "PutMetricAlarm" || action == "SetAlarmState") {
    const std::string name = string_member(input, "AlarmName");
    if (name.empty()) return std::nullopt;
    target.resource = alarm_prefix + name;
    if (action == "PutMetricAlarm") {
      std::vector<std::string> actions;
      for (std::string_view member : {"AlarmActions", "OKActions", "InsufficientDataActions"}) {
        for (std::string& arn : string_list(input, member)) actions.push_back(std::move(arn));
      }
      if (!actions.empty()) target.condition_keys.push_back({"cloudwatch:AlarmActions", std::move(actions)});
      add_request_tags(input, target);
    }
  } else if (names_alarms(action)) {
    std::vector<std::string> names = string_list(input, "AlarmNames");
    if (names.empty()) return std::nullopt;
    target.resource = alarm_prefix + names.front();
    for (size_t i = 1; i < names.size(); ++i) {
      server::AuthorizedResource more;
      more.resource = alarm_prefix + names[i];
      more.resource_account = ctx.account_id;
      target.also.push_back(std::move(more));
    }
  } else if (action == "TagResource" || action == "UntagResource" || action == "ListTagsForResource") {
    const std::string arn = string_member(input, "ResourceARN");
    if (arn.empty()) return std::nullopt;
    target.resource = arn;
    if (action == "TagResource") add_request_tags(input, target);
    if (action == "UntagResource") {
      std::vector<std::string> keys = string_list(input, "TagKeys");
      if (!keys.empty()) target.condition_keys.push_back({"aws:TagKeys", std::move(keys)});
    }
  }
  return target;
}

}  // namespace sluice::api::cloudwatch_wire::detail
