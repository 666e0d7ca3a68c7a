// The IAM side of a CloudWatch Logs call, as the Service Authorization Reference's "Actions,
// resources, and condition keys for Amazon CloudWatch Logs" lists it:
//
//   - The action is "logs:" + the API action.
//   - Actions on a log group are authorized on the group's ARN as CloudWatch Logs writes it in its
//     refusals, arn:aws:logs:REGION:ACCOUNT:log-group:NAME:log-stream: (a policy's
//     "log-group:NAME:*" matches it; "log-group:NAME" without ":*" does not, as on AWS). Actions on
//     one stream (PutLogEvents, GetLogEvents, DeleteLogStream) are authorized on the stream's ARN,
//     ...:log-group:NAME:log-stream:STREAM. DescribeLogGroups names no group:
//     ...:log-group::log-stream:. StartLiveTail is authorized on each group it tails.
//   - CloudWatch Logs' resource policies (PutResourcePolicy) are not implemented: only the caller's
//     own policies decide.
//
// A refusal is AccessDeniedException with HTTP 400 (aws_error_codes.def, LogsAccessDenied).

#include "authorization.h"

#include <boost/json.hpp>

#include <string>
#include <string_view>
#include <utility>

namespace sluice::api::logs_wire::detail {
namespace {

namespace bj = boost::json;

std::string string_member(const bj::object& input, std::string_view name) {
  const bj::value* v = input.if_contains(name);
  return v != nullptr && v->is_string() ? std::string(v->get_string()) : std::string();
}

bool on_stream(std::string_view action) {
  return action == "PutLogEvents" || action == "GetLogEvents" || action == "DeleteLogStream";
}

// A LogGroupIdentifier's group name: the identifier, or what follows an ARN's sixth colon.
std::string group_of_identifier(std::string_view identifier) {
  if (!identifier.starts_with("arn:")) return std::string(identifier);
  size_t at = 0;
  for (int colon = 0; colon < 6; ++colon) {
    at = identifier.find(':', at);
    if (at == std::string_view::npos) return {};
    ++at;
  }
  return std::string(identifier.substr(at));
}

}  // namespace

std::optional<server::AuthorizationTarget> authorization_target(const server::Call& call) {
  boost::system::error_code ec;
  bj::value body = bj::parse(call.request.body.empty() ? "{}" : call.request.body, ec);
  if (ec || !body.is_object()) return std::nullopt;
  const bj::object& input = body.get_object();
  const std::string& action = call.action;

  server::AuthorizationTarget target;
  target.action = "logs:" + action;
  target.resource_account = call.ctx.account_id;
  const std::string groups = "arn:aws:logs:" + call.ctx.region + ":" + call.ctx.account_id + ":log-group:";
  auto group_arn = [&](const std::string& group) { return groups + group + ":log-stream:"; };

  if (action == "DescribeLogGroups") {
    target.resource = group_arn("");
    return target;
  }
  if (action == "StartLiveTail") {
    const bj::value* identifiers = input.if_contains("logGroupIdentifiers");
    if (identifiers == nullptr || !identifiers->is_array() || identifiers->get_array().empty()) return std::nullopt;
    for (const bj::value& identifier : identifiers->get_array()) {
      if (!identifier.is_string()) return std::nullopt;
      std::string group = group_of_identifier(identifier.get_string());
      if (group.empty()) return std::nullopt;
      if (target.resource.empty()) {
        target.resource = group_arn(group);
      } else {
        server::AuthorizedResource more;
        more.resource = group_arn(group);
        more.resource_account = call.ctx.account_id;
        target.also.push_back(std::move(more));
      }
    }
    return target;
  }
  const std::string group = string_member(input, "logGroupName");
  if (group.empty()) return std::nullopt;
  target.resource = group_arn(group);
  if (on_stream(action)) target.resource += string_member(input, "logStreamName");
  return target;
}

}  // namespace sluice::api::logs_wire::detail
