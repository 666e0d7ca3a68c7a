// PutFunctionEventInvokeConfig, UpdateFunctionEventInvokeConfig, GetFunctionEventInvokeConfig,
// DeleteFunctionEventInvokeConfig (204) and ListFunctionEventInvokeConfigs, with Qualifier from
// the query string (Lambda API reference, 2019-09-25).

#include <boost/json.hpp>

#include "function_actions.h"
#include "request_reader.h"

namespace sluice::api::lambda_wire {
namespace {

using rest_json::error_answer;
using rest_json::json_answer;

const std::string& request_id(const ActionCall& a) { return a.call.ctx.request_id; }

std::string value_in(const rest_json::Params& params, std::string_view name) {
  auto found = params.find(name);
  return found == params.end() ? std::string() : found->second;
}

// MaximumRetryAttempts, MaximumEventAgeInSeconds and DestinationConfig of Put and Update.
common::Outcome<lambda::EventInvokeConfigInput> read_config(const ActionCall& a) {
  RequestReader reader(a.call.request.body);
  lambda::EventInvokeConfigInput input;
  input.maximum_retry_attempts = reader.integer("MaximumRetryAttempts");
  input.maximum_event_age_s = reader.integer("MaximumEventAgeInSeconds");
  if (auto destinations = reader.object("DestinationConfig")) {
    input.has_destination_config = true;
    if (auto on_success = destinations->object("OnSuccess"))
      input.on_success = on_success->string("Destination").value_or("");
    if (auto on_failure = destinations->object("OnFailure"))
      input.on_failure = on_failure->string("Destination").value_or("");
    if (destinations->error()) return *destinations->error();
  }
  if (reader.error()) return *reader.error();
  return input;
}

http::Response put_or_update(const ActionCall& a, bool update) {
  auto input = read_config(a);
  if (!input) return error_answer(input.error(), request_id(a));
  const std::string function = value_in(a.path, "FunctionName");
  const std::string qualifier = value_in(a.query, "Qualifier");
  auto config = update ? a.control_plane.update_event_invoke_config(function, qualifier, *input)
                       : a.control_plane.put_event_invoke_config(function, qualifier, *input);
  if (!config) return error_answer(config.error(), request_id(a));
  return json_answer(200, lambda::event_invoke_config_json(*config), request_id(a));
}

http::Response get_config(const ActionCall& a) {
  auto config =
      a.control_plane.get_event_invoke_config(value_in(a.path, "FunctionName"), value_in(a.query, "Qualifier"));
  if (!config) return error_answer(config.error(), request_id(a));
  return json_answer(200, lambda::event_invoke_config_json(*config), request_id(a));
}

http::Response delete_config(const ActionCall& a) {
  auto deleted =
      a.control_plane.delete_event_invoke_config(value_in(a.path, "FunctionName"), value_in(a.query, "Qualifier"));
  if (!deleted) return error_answer(deleted.error(), request_id(a));
  return json_answer(204, "", request_id(a));
}

http::Response list_configs(const ActionCall& a) {
  std::optional<int64_t> max_items;
  if (std::string text = value_in(a.query, "MaxItems"); !text.empty()) {
    size_t used = 0;
    try {
      max_items = std::stoll(text, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used != text.size()) {
      return error_answer(
          common::aws_error(common::AwsErrorCode::SerializationException, "MaxItems must be an integer"),
          request_id(a));
    }
  }
  auto page = a.control_plane.list_event_invoke_configs(value_in(a.path, "FunctionName"), value_in(a.query, "Marker"),
                                                        max_items);
  if (!page) return error_answer(page.error(), request_id(a));
  std::string body = "{\"FunctionEventInvokeConfigs\":[";
  for (size_t i = 0; i < page->configs.size(); ++i)
    body += (i ? "," : "") + lambda::event_invoke_config_json(page->configs[i]);
  body += "]";
  if (!page->next_marker.empty())
    body += ",\"NextMarker\":" + boost::json::serialize(boost::json::value(page->next_marker));
  body += "}";
  return json_answer(200, body, request_id(a));
}

}  // namespace

std::optional<http::Response> run_event_invoke_config_action(std::string_view operation, const ActionCall& action) {
  if (operation == "PutFunctionEventInvokeConfig") return put_or_update(action, false);
  if (operation == "UpdateFunctionEventInvokeConfig") return put_or_update(action, true);
  if (operation == "GetFunctionEventInvokeConfig") return get_config(action);
  if (operation == "DeleteFunctionEventInvokeConfig") return delete_config(action);
  if (operation == "ListFunctionEventInvokeConfigs") return list_configs(action);
  return std::nullopt;
}

}  // namespace sluice::api::lambda_wire
