// CloudWatch as a front-door Service (see cloudwatch_service.h): decodes any of its three protocols
// into the action's input object, runs the action from a sorted table, and answers in the
// request's protocol.

#include "sluice/api/cloudwatch_wire/cloudwatch_service.h"

#include <algorithm>
#include <cctype>
#include <charconv>

#include "actions.h"
#include "authorization.h"
#include "sluice/api/cbor/cbor.h"
#include "sluice/api/json/json.h"
#include "sluice/api/query/query.h"
#include "wire_codec.h"

namespace sluice::api::cloudwatch_wire {
namespace {

namespace bj = boost::json;
using server::Protocol;

constexpr std::string_view kVersion = "2010-08-01";
constexpr std::string_view kTargetPrefix = "GraniteServiceVersion20100801";
constexpr server::Service::Routes kRoutes{"cloudwatch", "monitoring", kTargetPrefix, kTargetPrefix, kVersion};
constexpr query::Dialect kQueryDialect{"http://monitoring.amazonaws.com/doc/2010-08-01/", "", false};
constexpr json::Dialect kJsonDialect{"com.amazonaws.cloudwatch#", "application/x-amz-json-1.0"};
constexpr cbor::Dialect kCborDialect{"com.amazonaws.cloudwatch#"};

// Every timestamp member of CloudWatch's answers ends so (Timestamp, Timestamps,
// StateUpdatedTimestamp, AlarmConfigurationUpdatedTimestamp, ...): CBOR writes them as tag 1.
bool is_timestamp_member(std::string_view member) { return member.ends_with("Timestamp") || member == "Timestamps"; }

struct ActionRow {
  std::string_view name;
  detail::Action run;
  bool has_result;  // Query: the answer has an <ActionResult> element
};
// Sorted by name.
constexpr ActionRow kActions[] = {
    {"DeleteAlarms", detail::delete_alarms, false},
    {"DescribeAlarmHistory", detail::describe_alarm_history, true},
    {"DescribeAlarms", detail::describe_alarms, true},
    {"DescribeAlarmsForMetric", detail::describe_alarms_for_metric, true},
    {"DisableAlarmActions", detail::disable_alarm_actions, false},
    {"EnableAlarmActions", detail::enable_alarm_actions, false},
    {"GetMetricData", detail::get_metric_data, true},
    {"GetMetricStatistics", detail::get_metric_statistics, true},
    {"ListMetrics", detail::list_metrics, true},
    {"ListTagsForResource", detail::list_tags_for_resource, true},
    {"PutMetricAlarm", detail::put_metric_alarm, false},
    {"PutMetricData", detail::put_metric_data, false},
    {"SetAlarmState", detail::set_alarm_state, false},
    {"TagResource", detail::tag_resource, true},
    {"UntagResource", detail::untag_resource, true},
};

const ActionRow* find_action(std::string_view name) {
  auto it = std::lower_bound(std::begin(kActions), std::end(kActions), name,
                             [](const ActionRow& row, std::string_view n) { return row.name < n; });
  return it != std::end(kActions) && it->name == name ? it : nullptr;
}

http::Response error_in(Protocol protocol, const common::AwsError& error, std::string_view request_id) {
  if (protocol == Protocol::Json) return json::error_response(error, request_id, kJsonDialect);
  if (protocol == Protocol::RpcV2Cbor) return cbor::error_response(error, request_id, kCborDialect);
  return query::error_response(error, request_id, kQueryDialect);
}

// The JSON 1.0 body as an object ({} when empty).
common::Outcome<bj::object> json_input(const http::Request& request) {
  std::string_view body = request.body;
  while (!body.empty() && std::isspace(static_cast<unsigned char>(body.front())) != 0) body.remove_prefix(1);
  if (body.empty()) return bj::object();
  boost::system::error_code ec;
  bj::value parsed = bj::parse(body, ec);
  if (ec || !parsed.is_object()) {
    return common::aws_error(common::AwsErrorCode::SerializationException,
                             ec ? "The request body is not valid JSON." : "The request body must be a JSON object.");
  }
  return std::move(parsed.get_object());
}

// A request in any of the three protocols: its action's name and input object.
struct Decoded {
  std::string action;
  bj::object input;
};

common::Outcome<Decoded> decode(const server::Call& call) {
  const Protocol protocol = call.ctx.protocol;
  Decoded out;
  if (protocol == Protocol::RpcV2Cbor) {
    out.action = call.action;  // the path's /operation/<Op>
    auto parsed = cbor::read_object(call.request.body);
    if (!parsed) return parsed.take_error();
    out.input = std::move(*parsed);
  } else if (protocol == Protocol::Json) {
    const std::string* target = call.request.header("x-amz-target");
    std::string_view t = target ? std::string_view(*target) : std::string_view{};
    if (t.size() <= kTargetPrefix.size() + 1 || t.substr(0, kTargetPrefix.size()) != kTargetPrefix ||
        t[kTargetPrefix.size()] != '.') {
      return common::aws_error(common::AwsErrorCode::UnknownOperation,
                               "Unable to determine service/operation name to be authorized");
    }
    out.action = std::string(t.substr(kTargetPrefix.size() + 1));
    auto parsed = json_input(call.request);
    if (!parsed) return parsed.take_error();
    out.input = std::move(*parsed);
  } else {
    if (call.form_error) return *call.form_error;
    if (call.action.empty()) return common::aws_error(common::AwsErrorCode::MissingAction, "Missing Action");
    out.action = call.action;
    out.input = detail::form_to_object(call.form.params());
  }
  return out;
}

class CloudWatchService final : public server::Service {
 public:
  explicit CloudWatchService(CloudWatchOptions options) : options_(std::move(options)) {}

  const Routes& routes() const override { return kRoutes; }
  Execution execution() const override { return Execution::Workers; }
  bool has_action(std::string_view action) const override { return find_action(action) != nullptr; }
  void attach(server::ServiceHost& host) override { clock_ = host.clock(); }

  void handle(server::Call call, http::ResponderPtr responder) override {
    const Protocol protocol = call.ctx.protocol;
    const std::string& request_id = call.ctx.request_id;
    auto fail = [&](const common::AwsError& error) { responder->respond(error_in(protocol, error, request_id)); };

    auto decoded = decode(call);
    if (!decoded) {
      fail(decoded.error());
      return;
    }
    const std::string& action_name = decoded->action;
    const bj::object& input = decoded->input;
    const ActionRow* action = find_action(action_name);
    if (action == nullptr) {
      if (protocol != Protocol::Query) {
        fail(common::aws_error(common::AwsErrorCode::UnknownOperation,
                               "Operation " + action_name + " is not supported."));
      } else {
        fail(common::aws_error(common::AwsErrorCode::InvalidAction,
                               "Could not find operation " + action_name + " for version " + std::string(kVersion)));
      }
      return;
    }
    const int64_t now = clock_ ? clock_->now_ms() : options_.registry->clock().now_ms();
    detail::ActionContext ctx{call.ctx, *options_.registry, *options_.alarms, protocol == Protocol::Query, now};
    detail::ActionResult result = action->run(input, ctx);
    if (!result) {
      fail(result.error());
      return;
    }
    if (protocol == Protocol::Json) {
      responder->respond(json::json_response(request_id, bj::serialize(*result), kJsonDialect));
      return;
    }
    if (protocol == Protocol::RpcV2Cbor) {
      responder->respond(cbor::response(request_id, cbor::write(*result, is_timestamp_member)));
      return;
    }
    responder->respond(query::xml_response(request_id, query::document(action->name, detail::object_to_xml(*result),
                                                                       action->has_result, request_id, kQueryDialect)));
  }

  http::Response error_response(Protocol protocol, const common::AwsError& error,
                                std::string_view request_id) const override {
    return error_in(protocol, error, request_id);
  }

  // The request is decoded here and again by handle(): a refusal must not cost the action's work,
  // and an allowed call's input is small.
  std::optional<server::AuthorizationTarget> authorization(const server::Call& call) const override {
    auto decoded = decode(call);
    if (!decoded || find_action(decoded->action) == nullptr) return std::nullopt;
    return detail::authorization_target(decoded->action, decoded->input, call.ctx);
  }

 private:
  CloudWatchOptions options_;
  std::shared_ptr<common::Clock> clock_;
};

}  // namespace

namespace detail {

bj::value ActionContext::timestamp(int64_t epoch_ms) const {
  if (query) return bj::string(common::format_iso8601_ms(epoch_ms));
  return bj::value(static_cast<double>(epoch_ms) / 1000.0);
}

common::Outcome<size_t> page_start(const std::optional<std::string>& token) {
  if (!token) return size_t{0};
  size_t index = 0;
  auto r = std::from_chars(token->data(), token->data() + token->size(), index);
  if (token->empty() || r.ec != std::errc() || r.ptr != token->data() + token->size()) {
    return common::aws_error(common::AwsErrorCode::InvalidNextToken,
                             "The service cannot find the next token " + *token + ".");
  }
  return index;
}

}  // namespace detail

std::shared_ptr<server::Service> make_cloudwatch_service(CloudWatchOptions options) {
  return std::make_shared<CloudWatchService>(std::move(options));
}

}  // namespace sluice::api::cloudwatch_wire
