// The IAM side of a Lambda API call, as the Lambda Developer Guide's "Fine-tuning the Resources and
// Conditions sections of policies" and the Service Authorization Reference give it:
//
//   - The action is "lambda:" + the operation, Invoke authorized as lambda:InvokeFunction.
//   - A function's operations are authorized on its ARN with the qualifier the call names (in
//     FunctionName, "my-function:prod", or in the Qualifier parameter): a policy naming the
//     unqualified ARN covers only unqualified calls, "function:my-function:*" every version and
//     alias, as Lambda documents. Functions live in the control plane's account.
//   - The resource policy is the one AddPermission wrote for that function, version or alias.
//   - Event-source mappings: CreateEventSourceMapping and ListEventSourceMappings on "*", the
//     others on arn:aws:lambda:REGION:ACCOUNT:event-source-mapping:UUID; Create, Update and Delete
//     carry lambda:FunctionArn (the function's ARN) as a condition key.
//   - ListFunctions and GetAccountSettings on "*"; the tag actions on the ARN they name.
//   - aws:ResourceTag/<key> from the function's tags, on its operations and on the tag actions
//     (TagResource, UntagResource, ListTags) that name it.
//   - aws:RequestTag/<key> and aws:TagKeys from the tags CreateFunction and TagResource carry;
//     aws:TagKeys from the keys UntagResource removes. CreateFunction's tags are also the new
//     function's aws:ResourceTag/<key>, as the Lambda Developer Guide's ABAC example relies on (its
//     policy asks both keys of lambda:CreateFunction).

#include "authorization.h"

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "lambda_routes.h"
#include "request_reader.h"
#include "sluice/api/json/json.h"
#include "sluice/api/rest_json/rest_json.h"

namespace sluice::api::lambda_wire {
namespace {

struct FunctionName {
  std::string account;  // "" when the name does not say
  std::string region;   // "" when the name does not say
  std::string name;
  std::string qualifier;
};

std::vector<std::string_view> split(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  for (size_t at; (at = text.find(separator, start)) != std::string_view::npos; start = at + 1) {
    parts.push_back(text.substr(start, at - start));
  }
  parts.push_back(text.substr(start));
  return parts;
}

// A name ("f", "f:prod"), a partial ARN ("123456789012:function:f[:prod]") or an ARN
// ("arn:aws:lambda:us-east-1:123456789012:function:f[:prod]").
FunctionName parse_function_name(std::string_view text) {
  const std::vector<std::string_view> parts = split(text, ':');
  FunctionName out;
  size_t name_at = 0;
  if (parts.size() >= 7 && parts[0] == "arn" && parts[5] == "function") {
    out.region = std::string(parts[3]);
    out.account = std::string(parts[4]);
    name_at = 6;
  } else if (parts.size() >= 3 && parts[1] == "function") {
    out.account = std::string(parts[0]);
    name_at = 2;
  }
  out.name = std::string(parts[name_at]);
  if (parts.size() > name_at + 1) out.qualifier = std::string(parts[name_at + 1]);
  return out;
}

std::string iam_action(std::string_view operation) {
  if (operation == "Invoke") return "lambda:InvokeFunction";
  return "lambda:" + std::string(operation);
}

std::string function_arn(const std::string& region, const std::string& account, const FunctionName& function) {
  std::string arn = "arn:aws:lambda:" + region + ":" + account + ":function:" + function.name;
  if (!function.qualifier.empty()) arn += ":" + function.qualifier;
  return arn;
}

// The unqualified ARN of a mapping's function, read from the mapping's configuration.
std::string mapping_function_arn(const sluice::lambda::ControlPlane& control_plane, std::string_view uuid) {
  auto configuration = control_plane.get_event_source_mapping(uuid);
  return configuration ? api::json::top_level_string(*configuration, "FunctionArn") : std::string();
}

void add_tags(std::string_view prefix, const std::map<std::string, std::string>& tags,
              server::AuthorizationTarget& target) {
  for (const auto& [key, value] : tags) target.condition_keys.push_back({std::string(prefix) + key, {value}});
}

// aws:RequestTag/<key> and aws:TagKeys of a body's Tags; the tags, for the callers that need them.
std::map<std::string, std::string> add_request_tags(const server::Call& call, server::AuthorizationTarget& target) {
  RequestReader reader(call.request.body);
  std::map<std::string, std::string> tags = reader.string_map("Tags").value_or(std::map<std::string, std::string>{});
  add_tags("aws:RequestTag/", tags, target);
  std::vector<std::string> keys;
  for (const auto& [key, value] : tags) keys.push_back(key);
  if (!keys.empty()) target.condition_keys.push_back({"aws:TagKeys", std::move(keys)});
  return tags;
}

// The tag actions' own keys: the tags TagResource adds, the keys UntagResource removes, and the
// function's tags when the resource is a function.
void add_tag_action_keys(const sluice::lambda::ControlPlane& control_plane, std::string_view operation,
                         const server::Call& call, server::AuthorizationTarget& target) {
  if (operation == "TagResource") {
    add_request_tags(call, target);
  } else if (operation == "UntagResource") {
    std::vector<std::string> keys = rest_json::query_values(call.request.query, "tagKeys");
    if (!keys.empty()) target.condition_keys.push_back({"aws:TagKeys", std::move(keys)});
  }
  const std::vector<std::string_view> parts = split(target.resource, ':');
  if (parts.size() < 7 || parts[0] != "arn" || parts[5] != "function") return;
  if (auto record = control_plane.get_function(target.resource)) add_tags("aws:ResourceTag/", record->tags, target);
}

}  // namespace

std::optional<server::AuthorizationTarget> authorization_target(const sluice::lambda::ControlPlane& control_plane,
                                                                const std::string& account_id,
                                                                const server::Call& call) {
  const RouteMatch route = match_route(call.request);
  if (route.operation.empty()) return std::nullopt;
  server::AuthorizationTarget target;
  target.action = iam_action(route.operation);
  target.resource = "*";
  target.resource_account = account_id;
  const std::string region = call.ctx.region;

  if (auto uuid = route.path.find("UUID"); uuid != route.path.end()) {
    target.resource = "arn:aws:lambda:" + region + ":" + account_id + ":event-source-mapping:" + uuid->second;
    if (route.operation != "GetEventSourceMapping") {
      if (std::string arn = mapping_function_arn(control_plane, uuid->second); !arn.empty()) {
        target.condition_keys.push_back({"lambda:FunctionArn", {std::move(arn)}});
      }
    }
    return target;
  }
  if (route.operation == "CreateEventSourceMapping") {
    const FunctionName function = parse_function_name(api::json::top_level_string(call.request.body, "FunctionName"));
    if (!function.name.empty()) {
      target.condition_keys.push_back({"lambda:FunctionArn",
                                       {function_arn(region, function.account.empty() ? account_id : function.account,
                                                     FunctionName{"", "", function.name, function.qualifier})}});
    }
    return target;
  }
  if (auto resource = route.path.find("Resource"); resource != route.path.end()) {
    target.resource = resource->second;  // the tag actions name the function's ARN
    add_tag_action_keys(control_plane, route.operation, call, target);
    return target;
  }

  std::string named;
  if (auto name = route.path.find("FunctionName"); name != route.path.end()) {
    named = name->second;
  } else if (route.operation == "CreateFunction") {
    named = api::json::top_level_string(call.request.body, "FunctionName");
  }
  if (named.empty()) return target;
  FunctionName function = parse_function_name(named);
  const rest_json::Params query = rest_json::parse_query(call.request.query);
  if (auto qualifier = query.find("Qualifier"); qualifier != query.end() && !qualifier->second.empty()) {
    function.qualifier = qualifier->second;
  }
  const std::string owner = function.account.empty() ? account_id : function.account;
  target.resource = function_arn(function.region.empty() ? region : function.region, owner, function);
  target.resource_account = owner;
  if (route.operation == "CreateFunction") {
    add_tags("aws:ResourceTag/", add_request_tags(call, target), target);
    return target;
  }

  if (auto policy = control_plane.get_policy(named, function.qualifier)) {
    target.resource_policy = sluice::lambda::policy_json(*policy);
  }
  if (auto record = control_plane.get_function(function.name)) add_tags("aws:ResourceTag/", record->tags, target);
  return target;
}

}  // namespace sluice::api::lambda_wire
