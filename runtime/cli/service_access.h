#pragma once
// What AWS services acting on their own (sns.amazonaws.com delivering to a queue) may do under
// --auth audit|enforce, decided by the resource's policy as AWS decides it (see service_access.cpp).

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "sluice/common/aws_error.h"
#include "sluice/common/mutex.h"
#include "sluice/identity/identity.h"
#include "sluice/identity/policy_source.h"
#include "sluice/lambda/control_plane.h"
#include "sluice/sqs/engine.h"

namespace sluice::cli {

// SNS's check before it sends a topic's message to a queue (sns::ServiceOptions::
// authorize_queue_delivery): the queue's Policy must allow sns.amazonaws.com sqs:SendMessage on
// the queue, with aws:SourceArn the topic and aws:SourceAccount its account; without a policy
// nothing allows it. A refusal is written to `log` with the deciding explanation; in Audit mode
// the delivery then goes ahead. Empty for Off: every delivery is allowed.
std::function<std::optional<std::string>(const std::string& topic_arn, const std::string& queue_arn)>
queue_delivery_authorizer(sqs::Engine& engine, identity::AuthMode mode, std::function<void(std::string_view line)> log);

// The function policies of a control plane that is made after, and goes before, the delivery sink
// that reads them: detach() waits for a reader in progress, after which none reads the plane.
class FunctionPolicies {
 public:
  void attach(const lambda::ControlPlane* plane) EXCLUDES(mu_);
  void detach() EXCLUDES(mu_) { attach(nullptr); }
  // The policy document of the function (or of the version or alias its ARN names), or nullopt.
  std::optional<std::string> policy_of(const std::string& function_arn) const EXCLUDES(mu_);

 private:
  mutable common::Mutex mu_;
  const lambda::ControlPlane* plane_ GUARDED_BY(mu_) = nullptr;
};

// SNS's check before it invokes a function for a topic (sns::LambdaDeliveryOptions::
// authorize_invoke): the function's resource policy must allow sns.amazonaws.com
// lambda:InvokeFunction, with aws:SourceArn the topic (AddPermission --principal sns.amazonaws.com
// --source-arn TOPIC writes such a statement); a function without a policy refuses SNS. Logged as
// queue_delivery_authorizer logs; empty for Off.
std::function<std::optional<std::string>(const std::string& topic_arn, const std::string& function_arn)>
function_invoke_authorizer(std::shared_ptr<const FunctionPolicies> functions, identity::AuthMode mode,
                           std::function<void(std::string_view line)> log);

// Lambda's check when an event-source mapping is created (LambdaServiceOptions::
// check_mapping_role): the function's execution role must be allowed sqs:ReceiveMessage,
// sqs:DeleteMessage and sqs:GetQueueAttributes on the queue, by its identity policies (within its
// permissions boundary) or the queue's policy, as any role session would be. The first action not
// allowed is AWS's InvalidParameterValueException "The provided execution role does not have
// permissions to call ReceiveMessage on SQS". Sources other than SQS queues are not checked.
// Empty for Off; in Audit mode the refusal is logged and the mapping made.
std::function<std::optional<common::AwsError>(const std::string& role_arn, const std::string& event_source_arn)>
mapping_role_checker(sqs::Engine& engine, std::shared_ptr<const identity::PolicySource> policies,
                     identity::AuthMode mode, std::function<void(std::string_view line)> log);

}  // namespace sluice::cli
