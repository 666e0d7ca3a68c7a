// The table of Lambda's REST routes (Lambda API reference, 2015-03-31 and later prefixes).

#include "lambda_routes.h"

#include <vector>

namespace sluice::api::lambda_wire {
namespace {

struct Route {
  std::string_view method;
  rest_json::PathTemplate path;
  std::string_view operation;
};

const std::vector<Route>& routes() {
  static const std::vector<Route> table = {
      {"POST", rest_json::PathTemplate("/2015-03-31/functions"), "CreateFunction"},
      {"GET", rest_json::PathTemplate("/2015-03-31/functions"), "ListFunctions"},
      {"GET", rest_json::PathTemplate("/2015-03-31/functions/{FunctionName}"), "GetFunction"},
      {"DELETE", rest_json::PathTemplate("/2015-03-31/functions/{FunctionName}"), "DeleteFunction"},
      {"GET", rest_json::PathTemplate("/2015-03-31/functions/{FunctionName}/configuration"),
       "GetFunctionConfiguration"},
      {"PUT", rest_json::PathTemplate("/2015-03-31/functions/{FunctionName}/configuration"),
       "UpdateFunctionConfiguration"},
      {"PUT", rest_json::PathTemplate("/2015-03-31/functions/{FunctionName}/code"), "UpdateFunctionCode"},
      {"POST", rest_json::PathTemplate("/2015-03-31/functions/{FunctionName}/invocations"), "Invoke"},
      {"POST", rest_json::PathTemplate("/2015-03-31/functions/{FunctionName}/versions"), "PublishVersion"},
      {"GET", rest_json::PathTemplate("/2015-03-31/functions/{FunctionName}/versions"), "ListVersionsByFunction"},
      {"POST", rest_json::PathTemplate("/2015-03-31/functions/{FunctionName}/aliases"), "CreateAlias"},
      {"GET", rest_json::PathTemplate("/2015-03-31/functions/{FunctionName}/aliases"), "ListAliases"},
      {"GET", rest_json::PathTemplate("/2015-03-31/functions/{FunctionName}/aliases/{Name}"), "GetAlias"},
      {"PUT", rest_json::PathTemplate("/2015-03-31/functions/{FunctionName}/aliases/{Name}"), "UpdateAlias"},
      {"DELETE", rest_json::PathTemplate("/2015-03-31/functions/{FunctionName}/aliases/{Name}"), "DeleteAlias"},
      {"POST", rest_json::PathTemplate("/2015-03-31/functions/{FunctionName}/policy"), "AddPermission"},
      {"GET", rest_json::PathTemplate("/2015-03-31/functions/{FunctionName}/policy"), "GetPolicy"},
      {"DELETE", rest_json::PathTemplate("/2015-03-31/functions/{FunctionName}/policy/{StatementId}"),
       "RemovePermission"},
      {"PUT", rest_json::PathTemplate("/2017-10-31/functions/{FunctionName}/concurrency"), "PutFunctionConcurrency"},
      {"GET", rest_json::PathTemplate("/2019-09-30/functions/{FunctionName}/concurrency"), "GetFunctionConcurrency"},
      {"DELETE", rest_json::PathTemplate("/2017-10-31/functions/{FunctionName}/concurrency"),
       "DeleteFunctionConcurrency"},
      {"GET", rest_json::PathTemplate("/2017-03-31/tags/{Resource}"), "ListTags"},
      {"POST", rest_json::PathTemplate("/2017-03-31/tags/{Resource}"), "TagResource"},
      {"DELETE", rest_json::PathTemplate("/2017-03-31/tags/{Resource}"), "UntagResource"},
      {"GET", rest_json::PathTemplate("/2016-08-19/account-settings"), "GetAccountSettings"},
      {"PUT", rest_json::PathTemplate("/2019-09-25/functions/{FunctionName}/event-invoke-config"),
       "PutFunctionEventInvokeConfig"},
      {"POST", rest_json::PathTemplate("/2019-09-25/functions/{FunctionName}/event-invoke-config"),
       "UpdateFunctionEventInvokeConfig"},
      {"GET", rest_json::PathTemplate("/2019-09-25/functions/{FunctionName}/event-invoke-config"),
       "GetFunctionEventInvokeConfig"},
      {"DELETE", rest_json::PathTemplate("/2019-09-25/functions/{FunctionName}/event-invoke-config"),
       "DeleteFunctionEventInvokeConfig"},
      {"GET", rest_json::PathTemplate("/2019-09-25/functions/{FunctionName}/event-invoke-config/list"),
       "ListFunctionEventInvokeConfigs"},
      {"POST", rest_json::PathTemplate("/2015-03-31/event-source-mappings"), "CreateEventSourceMapping"},
      {"GET", rest_json::PathTemplate("/2015-03-31/event-source-mappings"), "ListEventSourceMappings"},
      {"GET", rest_json::PathTemplate("/2015-03-31/event-source-mappings/{UUID}"), "GetEventSourceMapping"},
      {"PUT", rest_json::PathTemplate("/2015-03-31/event-source-mappings/{UUID}"), "UpdateEventSourceMapping"},
      {"DELETE", rest_json::PathTemplate("/2015-03-31/event-source-mappings/{UUID}"), "DeleteEventSourceMapping"},
  };
  return table;
}

constexpr std::string_view kPrefixes[] = {"/2015-03-31/", "/2016-08-19/", "/2017-03-31/", "/2017-10-31/",
                                          "/2018-10-31/", "/2019-09-25/", "/2019-09-30/", "/2020-04-22/",
                                          "/2020-06-30/", "/2021-10-31/"};

}  // namespace

bool is_lambda_path(std::string_view path) {
  for (std::string_view prefix : kPrefixes)
    if (path.substr(0, prefix.size()) == prefix) return true;
  return false;
}

RouteMatch match_route(const http::Request& request) {
  RouteMatch match;
  for (const Route& route : routes()) {
    if (route.method == request.method && route.path.match(request.path, &match.path)) {
      match.operation = route.operation;
      return match;
    }
  }
  return match;
}

}  // namespace sluice::api::lambda_wire
