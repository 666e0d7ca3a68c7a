// The IAM side of an SNS call, as the SNS Developer Guide's "Amazon SNS API permissions: Actions
// and resources reference" and the Service Authorization Reference list them:
//
//   - The action is "SNS:" + the API action, PublishBatch authorized as SNS:Publish. SNS writes its
//     service prefix in capitals in its AuthorizationError texts ("is not authorized to perform:
//     SNS:Publish"); action names match case-insensitively, so policies saying "sns:Publish" apply.
//   - The resource is the topic the call names (TopicArn, or ResourceArn for the tag actions; for
//     CreateTopic the ARN the topic will have); a subscription's actions are authorized on its
//     topic (the subscription ARN without its last part); the platform actions on the application
//     or endpoint they name; everything else (ListTopics, SMS settings) on "*".
//   - The topic's Policy attribute (or the default policy SNS gives a topic) is the resource policy;
//     the topic's account owns it, so a caller of another account needs both sides.
//   - Condition keys: sns:Protocol and sns:Endpoint for Subscribe; aws:RequestTag/<key> and
//     aws:TagKeys for CreateTopic and TagResource, aws:TagKeys for UntagResource; aws:ResourceTag/<key>
//     for calls on an existing topic.

#include "authorization.h"

#include <string>
#include <string_view>
#include <vector>

#include "sns_api.h"

namespace sluice::api::sns_wire::detail {
namespace {

std::string_view form_param(const server::Call& call, std::string_view name) {
  for (const auto& [key, value] : call.form.params()) {
    if (key == name) return value;
  }
  return {};
}

bool has_prefix(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

// The account field of an ARN ("arn:aws:sns:us-east-1:123456789012:orders"), "" when malformed.
std::string_view arn_account(std::string_view arn) {
  size_t at = 0;
  for (int field = 0; field < 4; ++field) {
    at = arn.find(':', at);
    if (at == std::string_view::npos) return {};
    ++at;
  }
  return arn.substr(at, arn.find(':', at) == std::string_view::npos ? std::string_view::npos : arn.find(':', at) - at);
}

// "arn:aws:sns:region:account:topic:subscription-id" -> "arn:aws:sns:region:account:topic".
std::string topic_of_subscription(std::string_view subscription_arn) {
  size_t last = subscription_arn.rfind(':');
  if (last == std::string_view::npos || arn_account(subscription_arn).empty()) return {};
  return std::string(subscription_arn.substr(0, last));
}

// Tags.member.N.Key / .Value in the order of N as written.
void add_request_tags(const server::Call& call, server::AuthorizationTarget& target) {
  std::vector<std::string> keys;
  for (const auto& [name, value] : call.form.params()) {
    if (!has_prefix(name, "Tags.member.")) continue;
    std::string_view rest = std::string_view(name).substr(12);
    size_t dot = rest.find('.');
    if (dot == std::string_view::npos || rest.substr(dot + 1) != "Key") continue;
    const std::string value_name = "Tags.member." + std::string(rest.substr(0, dot)) + ".Value";
    keys.emplace_back(value);
    target.condition_keys.push_back(
        {"aws:RequestTag/" + std::string(value), {std::string(form_param(call, value_name))}});
  }
  if (!keys.empty()) target.condition_keys.push_back({"aws:TagKeys", std::move(keys)});
}

void add_removed_tag_keys(const server::Call& call, server::AuthorizationTarget& target) {
  std::vector<std::string> keys;
  for (const auto& [name, value] : call.form.params()) {
    if (has_prefix(name, "TagKeys.member.")) keys.emplace_back(value);
  }
  if (!keys.empty()) target.condition_keys.push_back({"aws:TagKeys", std::move(keys)});
}

// The parameter that names the topic an action works on, "" for actions without one.
std::string_view topic_parameter(std::string_view action) {
  static constexpr std::string_view kTopicActions[] = {"AddPermission",
                                                       "ConfirmSubscription",
                                                       "DeleteTopic",
                                                       "GetDataProtectionPolicy",
                                                       "GetTopicAttributes",
                                                       "ListSubscriptionsByTopic",
                                                       "Publish",
                                                       "PublishBatch",
                                                       "PutDataProtectionPolicy",
                                                       "RemovePermission",
                                                       "SetTopicAttributes",
                                                       "Subscribe"};
  for (std::string_view topic_action : kTopicActions) {
    if (action == topic_action) return "TopicArn";
  }
  if (action == "TagResource" || action == "UntagResource" || action == "ListTagsForResource") return "ResourceArn";
  return {};
}

}  // namespace

std::optional<server::AuthorizationTarget> authorization_target(sluice::sns::Service& service,
                                                                const server::Call& call) {
  const std::string& action = call.action;
  if (action.empty() || !SnsApi::is_sns_action(action)) return std::nullopt;
  server::AuthorizationTarget target;
  target.action = "SNS:" + std::string(action == "PublishBatch" ? "Publish" : action);
  target.resource = "*";
  target.resource_account = call.ctx.account_id;

  std::string topic;
  if (action == "CreateTopic") {
    const std::string_view name = form_param(call, "Name");
    if (!name.empty())
      target.resource = "arn:aws:sns:" + call.ctx.region + ":" + call.ctx.account_id + ":" + std::string(name);
  } else if (std::string_view parameter = topic_parameter(action); !parameter.empty()) {
    topic = std::string(form_param(call, parameter));
    // Publish to an endpoint (TargetArn) or a phone number names no topic.
    if (topic.empty() && action == "Publish") {
      if (std::string_view endpoint = form_param(call, "TargetArn"); !endpoint.empty()) target.resource = endpoint;
    }
  } else if (action == "Unsubscribe" || action == "GetSubscriptionAttributes" ||
             action == "SetSubscriptionAttributes") {
    topic = topic_of_subscription(form_param(call, "SubscriptionArn"));
  } else if (std::string_view endpoint = form_param(call, "EndpointArn"); !endpoint.empty()) {
    target.resource = endpoint;
  } else if (std::string_view application = form_param(call, "PlatformApplicationArn"); !application.empty()) {
    target.resource = application;
  }
  if (!target.resource.empty() && target.resource != "*") {
    if (std::string_view owner = arn_account(target.resource); !owner.empty()) target.resource_account = owner;
  }

  if (action == "Subscribe") {
    target.condition_keys.push_back({"sns:Protocol", {std::string(form_param(call, "Protocol"))}});
    if (std::string_view endpoint = form_param(call, "Endpoint"); !endpoint.empty()) {
      target.condition_keys.push_back({"sns:Endpoint", {std::string(endpoint)}});
    }
  }
  if (action == "CreateTopic" || action == "TagResource") add_request_tags(call, target);
  if (action == "UntagResource") add_removed_tag_keys(call, target);

  if (!topic.empty()) {
    // A topic that cannot be told is checked against every resource; one that does not exist has
    // no policy, and the action answers its own NotFound to whoever its identity policies allow.
    if (arn_account(topic).empty()) return target;
    target.resource = topic;
    target.resource_account = std::string(arn_account(topic));
    if (auto access = service.topic_access(topic)) {
      target.resource_policy = std::move(access->policy);
      for (const auto& [key, value] : access->tags)
        target.condition_keys.push_back({"aws:ResourceTag/" + key, {value}});
    }
  }
  return target;
}

}  // namespace sluice::api::sns_wire::detail
