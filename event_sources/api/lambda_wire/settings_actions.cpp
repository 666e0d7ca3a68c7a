// PutFunctionConcurrency, GetFunctionConcurrency, DeleteFunctionConcurrency, TagResource,
// UntagResource, ListTags and GetAccountSettings (Lambda API reference: their routes under the
// 2017-10-31, 2019-09-30, 2017-03-31 and 2016-08-19 prefixes and status codes).

#include <boost/json.hpp>

#include "function_actions.h"
#include "request_reader.h"

namespace sluice::api::lambda_wire {
namespace {

using rest_json::error_answer;
using rest_json::json_answer;

constexpr int64_t kCodeSizeUnzipped = 262'144'000;
constexpr int64_t kCodeSizeZipped = 52'428'800;
constexpr int64_t kTotalCodeSize = 80'530'636'800;  // 75 GB

const std::string& request_id(const ActionCall& a) { return a.call.ctx.request_id; }

std::string param(const rest_json::Params& params, std::string_view name) {
  auto found = params.find(name);
  return found == params.end() ? std::string() : found->second;
}

std::string concurrency_json(int64_t reserved) {
  return "{\"ReservedConcurrentExecutions\":" + std::to_string(reserved) + "}";
}

http::Response put_concurrency(const ActionCall& a) {
  RequestReader reader(a.call.request.body);
  auto reserved = reader.integer("ReservedConcurrentExecutions");
  if (reader.error()) return error_answer(*reader.error(), request_id(a));
  if (!reserved) {
    return error_answer(
        common::aws_error(common::AwsErrorCode::Validation,
                          "1 validation error detected: Value null at 'reservedConcurrentExecutions' failed to "
                          "satisfy constraint: Member must not be null"),
        request_id(a));
  }
  auto function = a.control_plane.put_function_concurrency(param(a.path, "FunctionName"), *reserved);
  if (!function) return error_answer(function.error(), request_id(a));
  return json_answer(200, concurrency_json(*reserved), request_id(a));
}

http::Response get_concurrency(const ActionCall& a) {
  auto function = a.control_plane.get_function(param(a.path, "FunctionName"));
  if (!function) return error_answer(function.error(), request_id(a));
  return json_answer(200, function->reserved_concurrency ? concurrency_json(*function->reserved_concurrency) : "{}",
                     request_id(a));
}

http::Response delete_concurrency(const ActionCall& a) {
  auto deleted = a.control_plane.delete_function_concurrency(param(a.path, "FunctionName"));
  if (!deleted) return error_answer(deleted.error(), request_id(a));
  return json_answer(204, "", request_id(a));
}

http::Response list_tags(const ActionCall& a) {
  auto tags = a.control_plane.list_tags(param(a.path, "Resource"));
  if (!tags) return error_answer(tags.error(), request_id(a));
  boost::json::object object;
  for (const auto& [key, value] : *tags) object[key] = value;
  return json_answer(200, "{\"Tags\":" + boost::json::serialize(object) + "}", request_id(a));
}

http::Response tag_resource(const ActionCall& a) {
  RequestReader reader(a.call.request.body);
  auto tags = reader.string_map("Tags");
  if (reader.error()) return error_answer(*reader.error(), request_id(a));
  auto tagged = a.control_plane.tag_resource(param(a.path, "Resource"), tags.value_or(lambda::TagMap{}));
  if (!tagged) return error_answer(tagged.error(), request_id(a));
  return json_answer(204, "", request_id(a));
}

http::Response untag_resource(const ActionCall& a) {
  auto untagged = a.control_plane.untag_resource(param(a.path, "Resource"),
                                                 rest_json::query_values(a.call.request.query, "tagKeys"));
  if (!untagged) return error_answer(untagged.error(), request_id(a));
  return json_answer(204, "", request_id(a));
}

http::Response account_settings(const ActionCall& a) {
  const lambda::AccountSettings settings = a.control_plane.account_settings();
  boost::json::object body{
      {"AccountLimit",
       {{"TotalCodeSize", kTotalCodeSize},
        {"CodeSizeUnzipped", kCodeSizeUnzipped},
        {"CodeSizeZipped", kCodeSizeZipped},
        {"ConcurrentExecutions", settings.concurrent_executions},
        {"UnreservedConcurrentExecutions", settings.unreserved_concurrent_executions}}},
      {"AccountUsage", {{"TotalCodeSize", settings.total_code_size}, {"FunctionCount", settings.function_count}}}};
  return json_answer(200, boost::json::serialize(body), request_id(a));
}

}  // namespace

http::Response lambda_error(const common::AwsError& error, std::string_view request_id) {
  // The only throttling sluice does is a function's reserved concurrency.
  if (error.code == common::AwsErrorCode::LambdaTooManyRequests)
    return error_answer(error, request_id, "ReservedFunctionConcurrentInvocationLimitExceeded");
  return error_answer(error, request_id);
}

std::optional<http::Response> run_settings_action(std::string_view operation, const ActionCall& action) {
  if (operation == "PutFunctionConcurrency") return put_concurrency(action);
  if (operation == "GetFunctionConcurrency") return get_concurrency(action);
  if (operation == "DeleteFunctionConcurrency") return delete_concurrency(action);
  if (operation == "ListTags") return list_tags(action);
  if (operation == "TagResource") return tag_resource(action);
  if (operation == "UntagResource") return untag_resource(action);
  if (operation == "GetAccountSettings") return account_settings(action);
  return std::nullopt;
}

}  // namespace sluice::api::lambda_wire
