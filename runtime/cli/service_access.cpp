// Service principals under --auth audit|enforce. AWS's services have no identity policies of
// their own: a service reaches a resource only when the resource's policy names it (the IAM User
// Guide's "Policy evaluation logic"; the SNS Developer Guide's "Sending Amazon SNS messages to an
// Amazon SQS queue" requires the queue policy to allow sns.amazonaws.com sqs:SendMessage, usually
// with an aws:SourceArn condition naming the topic). Compiled policies are cached by their text,
// so a delivery costs one attribute read and one evaluation.

#include "service_access.h"

#include <memory>
#include <utility>

#include "sluice/identity/conditions.h"
#include "sluice/identity/evaluation.h"
#include "sluice/identity/policy.h"

namespace sluice::cli {
namespace {

constexpr std::string_view kSnsPrincipal = "sns.amazonaws.com";

// The account field of an ARN, "" when there is none.
std::string arn_account(const std::string& arn) {
  size_t at = 0;
  for (int field = 0; field < 4; ++field) {
    at = arn.find(':', at);
    if (at == std::string::npos) return {};
    ++at;
  }
  const size_t end = arn.find(':', at);
  return end == std::string::npos ? std::string() : arn.substr(at, end - at);
}

// A queue's Policy attribute (Engine::queue_policy), compiled; nullopt when it has none.
std::optional<identity::NamedPolicy> queue_policy(const std::string& document, const std::string& queue_arn,
                                                  const identity::PolicyCache& cache) {
  if (document.empty()) return std::nullopt;
  auto compiled = cache.get(document);
  if (!compiled) return std::nullopt;
  return identity::NamedPolicy{"queue policy of " + queue_arn, *compiled};
}

// "arn:aws:iam::ACCOUNT:role/PATH/NAME" -> {ACCOUNT, NAME}; nullopt for anything else.
std::optional<std::pair<std::string, std::string>> role_account_and_name(const std::string& role_arn) {
  constexpr std::string_view kPrefix = "arn:aws:iam::";
  if (role_arn.compare(0, kPrefix.size(), kPrefix) != 0) return std::nullopt;
  const size_t colon = role_arn.find(':', kPrefix.size());
  if (colon == std::string::npos || role_arn.compare(colon + 1, 5, "role/") != 0) return std::nullopt;
  const size_t slash = role_arn.rfind('/');
  return std::make_pair(role_arn.substr(kPrefix.size(), colon - kPrefix.size()), role_arn.substr(slash + 1));
}

}  // namespace

std::function<std::optional<std::string>(const std::string& topic_arn, const std::string& queue_arn)>
queue_delivery_authorizer(sqs::Engine& engine, identity::AuthMode mode,
                          std::function<void(std::string_view line)> log) {
  if (mode == identity::AuthMode::Off) return {};
  auto cache = std::make_shared<identity::PolicyCache>();
  return [&engine, mode, log = std::move(log), cache](const std::string& topic_arn,
                                                      const std::string& queue_arn) -> std::optional<std::string> {
    auto queue = sqs::parse_queue_arn(queue_arn);
    if (!queue) return std::nullopt;  // SNS answers a queue it cannot name itself
    identity::AuthorizationRequest request;
    request.service_principal = std::string(kSnsPrincipal);
    request.action = "sqs:SendMessage";
    request.resource = queue_arn;
    request.resource_account = queue->account_id;
    request.context.set("aws:SourceArn", topic_arn);
    request.context.set("aws:SourceAccount", arn_account(topic_arn));
    request.context.set("aws:PrincipalServiceName", std::string(kSnsPrincipal));
    auto document = engine.queue_policy(*queue);
    if (!document) return std::nullopt;  // no such queue: the send says so
    identity::PolicySet policies;
    policies.resource = queue_policy(*document, queue_arn, *cache);
    const identity::Decision decision = identity::evaluate(request, policies);
    if (decision.allowed()) return std::nullopt;
    std::string message = identity::access_denied_message(request, decision);
    if (log) {
      log(std::string("sluice auth ") + (mode == identity::AuthMode::Audit ? "audit: would refuse" : "refused") +
          " the delivery of " + topic_arn + " to " + queue_arn + ": " + message + " (" + decision.explanation() + ")");
    }
    if (mode == identity::AuthMode::Audit) return std::nullopt;
    return message;
  };
}

std::function<std::optional<common::AwsError>(const std::string& role_arn, const std::string& event_source_arn)>
mapping_role_checker(sqs::Engine& engine, std::shared_ptr<const identity::PolicySource> policies,
                     identity::AuthMode mode, std::function<void(std::string_view line)> log) {
  if (mode == identity::AuthMode::Off || !policies) return {};
  auto cache = std::make_shared<identity::PolicyCache>();
  return [&engine, policies = std::move(policies), mode, log = std::move(log), cache](
             const std::string& role_arn, const std::string& event_source_arn) -> std::optional<common::AwsError> {
    auto queue = sqs::parse_queue_arn(event_source_arn);
    if (!queue) return std::nullopt;
    // The role as Lambda's pollers use it: a session of the role, with the role's policies.
    identity::Principal session;
    if (auto role = role_account_and_name(role_arn)) {
      session = identity::assumed_role_principal(role->first, role->second, "awslambda_sqs_poller");
      session.authenticated = true;
    }
    identity::PolicySet set;
    if (!session.arn.empty()) {
      identity::PolicyDocuments documents = policies->policies_for(session);
      for (const identity::PolicyDocument& document : documents.identity) {
        if (auto compiled = cache->get(document.document)) set.identity.push_back({document.name, *compiled});
      }
      if (documents.boundary) {
        if (auto compiled = cache->get(documents.boundary->document)) {
          set.boundary = identity::NamedPolicy{documents.boundary->name, *compiled};
        }
      }
    }
    if (auto document = engine.queue_policy(*queue)) set.resource = queue_policy(*document, event_source_arn, *cache);
    for (const char* action : {"ReceiveMessage", "DeleteMessage", "GetQueueAttributes"}) {
      identity::AuthorizationRequest request;
      request.principal = &session;
      request.action = std::string("sqs:") + action;
      request.resource = event_source_arn;
      request.resource_account = queue->account_id;
      if (!session.arn.empty()) identity::add_principal_keys(request.context, session);
      const identity::Decision decision = identity::evaluate(request, set);
      if (decision.allowed()) continue;
      if (log) {
        log(std::string("sluice auth ") + (mode == identity::AuthMode::Audit ? "audit: would refuse" : "refused") +
            " an event source mapping of " + event_source_arn + " for role " + role_arn + ": " +
            identity::access_denied_message(request, decision) + " (" + decision.explanation() + ")");
      }
      if (mode == identity::AuthMode::Audit) return std::nullopt;
      return common::aws_error(
          common::AwsErrorCode::LambdaInvalidParameterValue,
          std::string("The provided execution role does not have permissions to call ") + action + " on SQS");
    }
    return std::nullopt;
  };
}

void FunctionPolicies::attach(const lambda::ControlPlane* plane) {
  common::MutexLock lock(mu_);
  plane_ = plane;
}

std::optional<std::string> FunctionPolicies::policy_of(const std::string& function_arn) const {
  common::MutexLock lock(mu_);
  if (plane_ == nullptr) return std::nullopt;
  auto document = plane_->get_policy(function_arn, "");
  if (!document) return std::nullopt;
  return lambda::policy_json(*document);
}

std::function<std::optional<std::string>(const std::string& topic_arn, const std::string& function_arn)>
function_invoke_authorizer(std::shared_ptr<const FunctionPolicies> functions, identity::AuthMode mode,
                           std::function<void(std::string_view line)> log) {
  if (mode == identity::AuthMode::Off) return {};
  auto cache = std::make_shared<identity::PolicyCache>();
  return [functions = std::move(functions), mode, log = std::move(log), cache](
             const std::string& topic_arn, const std::string& function_arn) -> std::optional<std::string> {
    identity::AuthorizationRequest request;
    request.service_principal = std::string(kSnsPrincipal);
    request.action = "lambda:InvokeFunction";
    request.resource = function_arn;
    request.resource_account = arn_account(function_arn);
    request.context.set("aws:SourceArn", topic_arn);
    request.context.set("aws:SourceAccount", arn_account(topic_arn));
    request.context.set("aws:PrincipalServiceName", std::string(kSnsPrincipal));
    identity::PolicySet policies;
    if (auto document = functions->policy_of(function_arn)) {
      if (auto compiled = cache->get(*document)) {
        policies.resource = identity::NamedPolicy{"function policy of " + function_arn, *compiled};
      }
    }
    const identity::Decision decision = identity::evaluate(request, policies);
    if (decision.allowed()) return std::nullopt;
    std::string message = identity::access_denied_message(request, decision);
    if (log) {
      log(std::string("sluice auth ") + (mode == identity::AuthMode::Audit ? "audit: would refuse" : "refused") +
          " the delivery of " + topic_arn + " to " + function_arn + ": " + message + " (" + decision.explanation() +
          ")");
    }
    if (mode == identity::AuthMode::Audit) return std::nullopt;
    return message;
  };
}

}  // namespace sluice::cli
