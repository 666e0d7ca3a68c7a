// The IAM side of an SQS call: its action as IAM names it (the batch actions are authorized as
// their single forms, as the SQS Developer Guide's API permissions table says), the queue it
// names (QueueUrl in the form or JSON body, or the queue URL the Query request was sent to) as an
// ARN, and the queue's Policy attribute (Engine::queue_policy: no attribute map per call). From a JSON body only
// QueueUrl or QueueName is read.

#include "authorization.h"

#include "sluice/api/json/json.h"

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

std::string param(const server::Call& call, std::string_view name) {
  if (call.ctx.protocol == server::Protocol::Query) return std::string(form_param(call, name));
  return api::json::top_level_string(call.request.body, name);
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
    target.resource = name.empty() ? "*" : sluice::sqs::queue_arn({call.ctx.account_id, call.ctx.region, name});
    return target;
  }
  if (call.action == "GetQueueUrl") {
    const std::string name = param(call, "QueueName");
    std::string owner = param(call, "QueueOwnerAWSAccountId");
    if (owner.empty()) owner = call.ctx.account_id;
    target.resource = name.empty() ? "*" : sluice::sqs::queue_arn({owner, call.ctx.region, name});
    target.resource_account = owner;
    return target;
  }
  if (call.action == "StartMessageMoveTask" || call.action == "ListMessageMoveTasks") {
    const std::string source = param(call, "SourceArn");  // the queue the task moves messages from
    target.resource = source.empty() ? "*" : source;
    return target;
  }
  std::string url = param(call, "QueueUrl");
  if (url.empty() && call.ctx.protocol == server::Protocol::Query && parse_queue_path(call.ctx.request_path)) {
    url = call.ctx.base_url + call.ctx.request_path;
  }
  // A call whose queue cannot be told is still checked, against every resource ("*"): only a
  // principal allowed the action on any queue gets as far as the action's own error.
  std::optional<sluice::sqs::QueueAddress> queue;
  if (!url.empty()) {
    if (auto resolved = resolve_queue_url(url, call.ctx)) queue = std::move(*resolved);
  }
  if (!queue) {
    target.resource = "*";
    return target;
  }
  target.resource = sluice::sqs::queue_arn(*queue);
  target.resource_account = queue->account_id;
  auto policy = engine.queue_policy(*queue);
  if (!policy) return target;  // no such queue: no resource policy to add
  target.resource_policy = std::move(*policy);
  return target;
}

}  // namespace sluice::api::sqs_wire::detail
