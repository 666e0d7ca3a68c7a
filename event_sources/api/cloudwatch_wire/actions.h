#pragma once
// CloudWatch's actions (internal): each reads the input object and answers a result object, the
// same for both protocols except timestamps (Output::timestamp).

#include <boost/json.hpp>

#include "sluice/api/server/server.h"
#include "sluice/cloudwatch/alarms.h"
#include "sluice/metrics/metrics.h"

namespace sluice::api::cloudwatch_wire::detail {

struct ActionContext {
  const server::CallContext& call;
  metrics::Registry& registry;
  cloudwatch::Alarms& alarms;
  bool query;  // Query protocol: timestamps as ISO 8601 text; JSON: epoch seconds
  int64_t now_ms;

  boost::json::value timestamp(int64_t epoch_ms) const;
};

using ActionResult = common::Outcome<boost::json::object>;
using Action = ActionResult (*)(const boost::json::object& input, const ActionContext& ctx);

// metric_actions.cpp
ActionResult put_metric_data(const boost::json::object& input, const ActionContext& ctx);
ActionResult get_metric_statistics(const boost::json::object& input, const ActionContext& ctx);
ActionResult get_metric_data(const boost::json::object& input, const ActionContext& ctx);
ActionResult list_metrics(const boost::json::object& input, const ActionContext& ctx);

// alarm_actions.cpp
ActionResult put_metric_alarm(const boost::json::object& input, const ActionContext& ctx);
ActionResult describe_alarms(const boost::json::object& input, const ActionContext& ctx);
ActionResult describe_alarms_for_metric(const boost::json::object& input, const ActionContext& ctx);
ActionResult describe_alarm_history(const boost::json::object& input, const ActionContext& ctx);
ActionResult delete_alarms(const boost::json::object& input, const ActionContext& ctx);
ActionResult set_alarm_state(const boost::json::object& input, const ActionContext& ctx);
ActionResult enable_alarm_actions(const boost::json::object& input, const ActionContext& ctx);
ActionResult disable_alarm_actions(const boost::json::object& input, const ActionContext& ctx);
ActionResult tag_resource(const boost::json::object& input, const ActionContext& ctx);
ActionResult untag_resource(const boost::json::object& input, const ActionContext& ctx);
ActionResult list_tags_for_resource(const boost::json::object& input, const ActionContext& ctx);

// Pagination: NextToken is the index of the next item, as text; InvalidNextToken otherwise.
common::Outcome<size_t> page_start(const std::optional<std::string>& token);

}  // namespace sluice::api::cloudwatch_wire::detail
