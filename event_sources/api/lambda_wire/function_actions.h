#pragma once
// Lambda's function operations over the wire (internal to lambda_wire): each reads its request
// (path parameters, query string, JSON body, headers), calls the control plane once and builds
// the REST-JSON answer.

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "sluice/api/http/server.h"
#include "sluice/api/rest_json/rest_json.h"
#include "sluice/api/server/server.h"
#include "sluice/lambda/control_plane.h"

namespace sluice::api::lambda_wire {

struct ActionCall {
  lambda::ControlPlane& control_plane;
  const server::Call& call;
  const rest_json::Params& path;   // the route's parameters
  const rest_json::Params& query;  // the query string's
  // CreateEventSourceMapping's check of the function's execution role (LambdaServiceOptions);
  // null or empty: not checked.
  const std::function<std::optional<common::AwsError>(const std::string&, const std::string&)>* check_mapping_role =
      nullptr;
};

// The answer to `operation`, or nullopt when it is not a function operation.
std::optional<http::Response> run_function_action(std::string_view operation, const ActionCall& action);
// The same for the event-source-mapping operations (mapping_actions.cpp).
std::optional<http::Response> run_mapping_action(std::string_view operation, const ActionCall& action);
// The same for concurrency, tags and account settings (settings_actions.cpp).
std::optional<http::Response> run_settings_action(std::string_view operation, const ActionCall& action);
// The same for versions and aliases (version_actions.cpp).
std::optional<http::Response> run_version_action(std::string_view operation, const ActionCall& action);
// The same for resource policies (policy_actions.cpp).
std::optional<http::Response> run_policy_action(std::string_view operation, const ActionCall& action);
// The same for event invoke configurations (event_invoke_config_actions.cpp).
std::optional<http::Response> run_event_invoke_config_action(std::string_view operation, const ActionCall& action);
// Lambda's REST-JSON error; throttling carries its Reason.
http::Response lambda_error(const common::AwsError& error, std::string_view request_id);

}  // namespace sluice::api::lambda_wire
