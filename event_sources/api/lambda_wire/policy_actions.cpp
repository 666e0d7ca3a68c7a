// AddPermission (201, the statement as a JSON string), GetPolicy (the policy as a JSON string and
// its RevisionId) and RemovePermission (204), with Qualifier from the query string.

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

http::Response add_permission(const ActionCall& a) {
  RequestReader reader(a.call.request.body);
  lambda::AddPermissionInput input;
  input.statement_id = reader.string("StatementId").value_or("");
  input.action = reader.string("Action").value_or("");
  input.principal = reader.string("Principal").value_or("");
  input.source_arn = reader.string("SourceArn").value_or("");
  input.source_account = reader.string("SourceAccount").value_or("");
  input.event_source_token = reader.string("EventSourceToken").value_or("");
  input.principal_org_id = reader.string("PrincipalOrgID").value_or("");
  input.function_url_auth_type = reader.string("FunctionUrlAuthType").value_or("");
  input.revision_id = reader.string("RevisionId");
  if (reader.error()) return error_answer(*reader.error(), request_id(a));
  auto added = a.control_plane.add_permission(value_in(a.path, "FunctionName"), value_in(a.query, "Qualifier"), input);
  if (!added) return error_answer(added.error(), request_id(a));
  boost::json::object body{{"Statement", *added}};
  return json_answer(201, boost::json::serialize(body), request_id(a));
}

http::Response get_policy(const ActionCall& a) {
  auto policy = a.control_plane.get_policy(value_in(a.path, "FunctionName"), value_in(a.query, "Qualifier"));
  if (!policy) return error_answer(policy.error(), request_id(a));
  boost::json::object body{{"Policy", lambda::policy_json(*policy)}, {"RevisionId", policy->revision_id}};
  return json_answer(200, boost::json::serialize(body), request_id(a));
}

http::Response remove_permission(const ActionCall& a) {
  std::optional<std::string> revision_id;
  if (std::string given = value_in(a.query, "RevisionId"); !given.empty()) revision_id = given;
  auto removed = a.control_plane.remove_permission(value_in(a.path, "FunctionName"), value_in(a.query, "Qualifier"),
                                                   value_in(a.path, "StatementId"), revision_id);
  if (!removed) return error_answer(removed.error(), request_id(a));
  return json_answer(204, "", request_id(a));
}

}  // namespace

std::optional<http::Response> run_policy_action(std::string_view operation, const ActionCall& action) {
  if (operation == "AddPermission") return add_permission(action);
  if (operation == "GetPolicy") return get_policy(action);
  if (operation == "RemovePermission") return remove_permission(action);
  return std::nullopt;
}

}  // namespace sluice::api::lambda_wire
