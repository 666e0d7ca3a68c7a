// The "sns" section of the configuration file: where SNS may deliver over HTTP/S, and the topics
// and subscriptions created at start (see config.h).

#include <boost/json.hpp>

#include "config.h"
#include "config_fields.h"
#include "config_schema.h"
#include "sluice/sns/delivery.h"

namespace sluice::cli {

namespace json = boost::json;

namespace {

// SNS takes every attribute as a string; a policy may be written as a JSON object.
std::string attribute_text(const json::value& value, const std::string& path) {
  if (value.is_string()) return std::string(value.as_string());
  if (value.is_bool()) return value.as_bool() ? "true" : "false";
  if (value.is_int64() || value.is_uint64() || value.is_object() || value.is_array()) return json::serialize(value);
  fail(path, "must be a string, a number, a boolean or a JSON object");
}

std::vector<std::pair<std::string, std::string>> string_pairs(const json::value* value, const std::string& path) {
  std::vector<std::pair<std::string, std::string>> out;
  if (value == nullptr) return out;
  for (const auto& [key, item] : object_at(*value, path))
    out.emplace_back(std::string(key), attribute_text(item, path + "." + std::string(key)));
  return out;
}

SubscriptionDeclaration parse_subscription(const json::value& value, const std::string& path,
                                           const std::string& account_id, const std::string& region) {
  const json::object& object = object_at(value, path);
  check_fields(object, "sns.Topics[].Subscriptions[]", path);
  SubscriptionDeclaration subscription;
  subscription.protocol = string_field(object, "Protocol", path, true);
  subscription.endpoint = string_field(object, "Endpoint", path, true);
  subscription.attributes = string_pairs(object.if_contains("Attributes"), path + ".Attributes");
  // Names of this server's queues and functions stand for their ARNs.
  if (!subscription.endpoint.starts_with("arn:")) {
    if (subscription.protocol == "sqs")
      subscription.endpoint = sqs::queue_arn({account_id, region, subscription.endpoint});
    else if (subscription.protocol == "lambda")
      subscription.endpoint = "arn:aws:lambda:" + region + ":" + account_id + ":function:" + subscription.endpoint;
  }
  return subscription;
}

TopicDeclaration parse_topic(const json::value& value, const std::string& path, const std::string& account_id,
                             const std::string& region) {
  const json::object& object = object_at(value, path);
  check_fields(object, "sns.Topics[]", path);
  TopicDeclaration topic;
  topic.name = string_field(object, "Name", path, true);
  topic.attributes = string_pairs(object.if_contains("Attributes"), path + ".Attributes");
  topic.tags = string_pairs(object.if_contains("Tags"), path + ".Tags");
  if (const json::value* subscriptions = object.if_contains("Subscriptions")) {
    if (!subscriptions->is_array()) fail(path + ".Subscriptions", "must be an array");
    for (size_t i = 0; i < subscriptions->as_array().size(); ++i)
      topic.subscriptions.push_back(parse_subscription(
          subscriptions->as_array()[i], path + ".Subscriptions[" + std::to_string(i) + "]", account_id, region));
  }
  return topic;
}

}  // namespace

void parse_sns(const json::value* sns, const std::string& account_id, const std::string& region, Config* config) {
  if (sns == nullptr) return;
  const json::object& section = object_at(*sns, "sns");
  check_fields(section, "sns", "sns");
  if (const json::value* topics = section.if_contains("Topics")) {
    if (!topics->is_array()) fail("sns.Topics", "must be an array");
    for (size_t i = 0; i < topics->as_array().size(); ++i) {
      const std::string path = "sns.Topics[" + std::to_string(i) + "]";
      config->topics.push_back(parse_topic(topics->as_array()[i], path, account_id, region));
      for (size_t j = 0; j < i; ++j)
        if (config->topics[j].name == config->topics.back().name)
          fail(path + ".Name", "declared twice: " + config->topics.back().name);
    }
  }
  const json::value* list = section.if_contains("DeliveryAllowList");
  if (list == nullptr) return;
  if (!list->is_array()) fail("sns.DeliveryAllowList", "must be an array of strings");
  std::vector<std::string> entries;
  for (size_t i = 0; i < list->as_array().size(); ++i) {
    const json::value& entry = list->as_array()[i];
    const std::string path = "sns.DeliveryAllowList[" + std::to_string(i) + "]";
    if (!entry.is_string()) fail(path, "must be a string");
    entries.emplace_back(entry.as_string());
    std::string error;
    if (!sns::DeliveryAllowList::parse({entries.back()}, &error)) fail(path, error);
  }
  config->sns_delivery_allow_list = std::move(entries);
}

bool apply_topics(const Config& config, sns::Service& topics, const std::string& account_id, const std::string& region,
                  std::string* error) {
  const sns::CallContext ctx(account_id, region);
  for (size_t i = 0; i < config.topics.size(); ++i) {
    const TopicDeclaration& declared = config.topics[i];
    const std::string path = "sns.Topics[" + std::to_string(i) + "] (" + declared.name + ")";
    sns::AttributeMap attributes(declared.attributes.begin(), declared.attributes.end());
    auto created = topics.create_topic(ctx, declared.name, attributes, declared.tags);
    if (!created) {
      *error = path + ": " + std::string(created.error().info().query_code) + ": " + created.error().message;
      return false;
    }
    for (size_t j = 0; j < declared.subscriptions.size(); ++j) {
      const SubscriptionDeclaration& subscription = declared.subscriptions[j];
      sns::SubscribeRequest request;
      request.topic_arn = *created;
      request.protocol = subscription.protocol;
      request.endpoint = subscription.endpoint;
      request.attributes = sns::AttributeMap(subscription.attributes.begin(), subscription.attributes.end());
      request.return_subscription_arn = true;
      if (auto subscribed = topics.subscribe(ctx, request); !subscribed) {
        *error = path + ".Subscriptions[" + std::to_string(j) + "] (" + subscription.endpoint +
                 "): " + std::string(subscribed.error().info().query_code) + ": " + subscribed.error().message;
        return false;
      }
    }
  }
  return true;
}

}  // namespace sluice::cli
