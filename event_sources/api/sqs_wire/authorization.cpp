// The IAM side of an SQS call: its action as IAM names it (the batch actions are authorized as
// their single forms, as the SQS Developer Guide's API permissions table says), the queue it
// names (QueueUrl in the form or JSON body, or the queue URL the Query request was sent to) as an
// ARN, and the queue's Policy attribute. Only QueueUrl is read from a JSON body, by a scan for the
// member rather than a parse: the action parses the body again anyway.

#include "authorization.h"

#include "queue_url.h"
#include "sqs_api.h"

namespace sluice::api::sqs_wire::detail {
namespace {

std::string iam_action(std::string_view action) {
  if (action == "SendMessageBatch") action = "SendMessage";
  else if (action == "DeleteMessageBatch") action = "DeleteMessage";
  else if (action == "ChangeMessageVisibilityBatch") action = "ChangeMessageVisibility";
  return "sqs:" + std::string(action);
}

std::string_view form_param(const server::Call& call, std::string_view name) {
  for (const auto& [key, value] : call.form.params()) {
    if (key == name) return value;
  }
  return {};
}

// The string value of a top-level member of a JSON object, found by a scan: enough for the
// QueueUrl and QueueName members, which SDKs write as plain strings.
std::string json_member(std::string_view body, std::string_view name) {
  const std::string quoted = "\"" + std::string(name) + "\"";
  size_t pos = body.find(quoted);
  if (pos == std::string_view::npos) return {};
  pos += quoted.size();
  while (pos < body.size() && (body[pos] == ' ' || body[pos] == ':' || body[pos] == '\t' || body[pos] == '\n')) ++pos;
  if (pos >= body.size() || body[pos] != '"') return {};
  std::string out;
  for (++pos; pos < body.size() && body[pos] != '"'; ++pos) {
    if (body[pos] == '\\' && pos + 1 < body.size()) ++pos;  // \/ and \" are all SDKs escape here
    out.push_back(body[pos]);
  }
  return out;
}

std::string param(const server::Call& call, std::string_view name) {
  if (call.ctx.protocol == server::Protocol::Query) return std::string(form_param(call, name));
  return json_member(call.request.body, name);
}

}  // namespace

std::optional<server::AuthorizationTarget> authorization_target(sluice::sqs::Engine& engine, const server::Call& call) {
  if (call.action.empty() || !SqsActions::is_action(call.action)) return std::nullopt;
  server::AuthorizationTarget target;
  target.action = iam_action(call.action);
  target.resource_account = call.ctx.account_id;
  if (call.action == "ListQueues") {
    target.resource = "*";
    return target;
  }
  if (call.action == "CreateQueue") {
    const std::string name = param(call, "QueueName");
    if (name.empty()) return std::nullopt;
    target.resource = sluice::sqs::queue_arn({call.ctx.account_id, call.ctx.region, name});
    return target;
  }
  std::string url = param(call, "QueueUrl");
  if (url.empty() && call.ctx.protocol == server::Protocol::Query) {
    if (!parse_queue_path(call.ctx.request_path)) return std::nullopt;
    url = call.ctx.base_url + call.ctx.request_path;
  }
  if (url.empty()) return std::nullopt;
  auto queue = resolve_queue_url(url, call.ctx);
  if (!queue) return std::nullopt;
  auto attributes = engine.get_queue_attributes(*queue, {"Policy"});
  if (!attributes) return std::nullopt;
  target.resource = sluice::sqs::queue_arn(*queue);
  target.resource_account = queue->account_id;
  if (auto policy = attributes->find("Policy"); policy != attributes->end()) target.resource_policy = policy->second;
  return target;
}

}  // namespace sluice::api::sqs_wire::detail
