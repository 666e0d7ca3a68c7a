#pragma once
// Lambda's REST routes: method + path template -> operation (internal to lambda_wire).

#include <string_view>

#include "sluice/api/http/server.h"
#include "sluice/api/rest_json/rest_json.h"

namespace sluice::api::lambda_wire {

struct RouteMatch {
  std::string_view operation;  // "CreateFunction", ...; empty when no route matches
  rest_json::Params path;      // the path's parameters, decoded
};

// True when the path is under one of Lambda's API prefixes (the request is Lambda's to answer).
bool is_lambda_path(std::string_view path);
RouteMatch match_route(const http::Request& request);

}  // namespace sluice::api::lambda_wire
