// Topic rules: names, the attributes CreateTopic/SetTopicAttributes accept and how each is
// checked, what GetTopicAttributes shows (the default policy and effective delivery policy as AWS
// renders them), policy statements for AddPermission/RemovePermission, and tag limits.

#include <boost/json.hpp>

#include <set>

#include "internal.h"

namespace sluice::sns::detail {
namespace json = boost::json;

namespace {

constexpr std::string_view kDefaultActions[] = {"SNS:GetTopicAttributes",
                                                "SNS:SetTopicAttributes",
                                                "SNS:AddPermission",
                                                "SNS:RemovePermission",
                                                "SNS:DeleteTopic",
                                                "SNS:Subscribe",
                                                "SNS:ListSubscriptionsByTopic",
                                                "SNS:Publish"};

json::object default_statement(const Topic& topic) {
  json::array actions;
  for (auto a : kDefaultActions) actions.emplace_back(a);
  return json::object{
      {"Sid", "__default_statement_ID"},
      {"Effect", "Allow"},
      {"Principal", json::object{{"AWS", "*"}}},
      {"Action", std::move(actions)},
      {"Resource", topic.arn},
      {"Condition", json::object{{"StringEquals", json::object{{"AWS:SourceOwner", topic.account_id}}}}}};
}

// Delivery-policy defaults as GetTopicAttributes shows them (EffectiveDeliveryPolicy).
json::object default_delivery_policy() {
  return json::object{{"http", json::object{{"defaultHealthyRetryPolicy", json::object{{"minDelayTarget", 20},
                                                                                       {"maxDelayTarget", 20},
                                                                                       {"numRetries", 3},
                                                                                       {"numMaxDelayRetries", 0},
                                                                                       {"numNoDelayRetries", 0},
                                                                                       {"numMinDelayRetries", 0},
                                                                                       {"backoffFunction", "linear"}}},
                                            {"disableSubscriptionOverrides", false},
                                            {"defaultRequestPolicy",
                                             json::object{{"headerContentType", "text/plain; charset=UTF-8"}}}}}};
}

void overlay(json::object& base, const json::object& top) {
  for (const auto& [k, v] : top) {
    json::value* existing = base.if_contains(k);
    if (existing != nullptr && existing->is_object() && v.is_object()) {
      overlay(existing->as_object(), v.as_object());
    } else {
      base[k] = v;
    }
  }
}

std::optional<json::object> parse_object(std::string_view text) {
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec || !v.is_object()) return std::nullopt;
  return std::move(v.as_object());
}

bool is_feedback_attribute(std::string_view name) {
  for (std::string_view proto : {"HTTP", "Firehose", "Lambda", "Application", "SQS"}) {
    if (name.substr(0, proto.size()) != proto) continue;
    std::string_view rest = name.substr(proto.size());
    if (rest == "SuccessFeedbackRoleArn" || rest == "SuccessFeedbackSampleRate" || rest == "FailureFeedbackRoleArn") {
      return true;
    }
  }
  return false;
}

bool valid_delivery_policy(const json::object& policy) {
  const json::value* http = policy.if_contains("http");
  if (http == nullptr) return policy.empty() || policy.contains("healthyRetryPolicy");
  if (!http->is_object()) return false;
  const json::value* retry = http->as_object().if_contains("defaultHealthyRetryPolicy");
  if (retry == nullptr) return true;
  if (!retry->is_object()) return false;
  const auto& r = retry->as_object();
  auto num = [&](std::string_view k, int64_t lo, int64_t hi, int64_t dflt) -> std::optional<int64_t> {
    const json::value* v = r.if_contains(k);
    if (v == nullptr) return dflt;
    if (!v->is_int64() || v->as_int64() < lo || v->as_int64() > hi) return std::nullopt;
    return v->as_int64();
  };
  auto min_delay = num("minDelayTarget", 1, 3600, 20);
  auto max_delay = num("maxDelayTarget", 1, 3600, 20);
  auto retries = num("numRetries", 0, 100, 3);
  if (!min_delay || !max_delay || !retries || *min_delay > *max_delay) return false;
  if (const json::value* b = r.if_contains("backoffFunction"); b != nullptr) {
    static const std::set<std::string, std::less<>> fns{"linear", "arithmetic", "geometric", "exponential"};
    if (!b->is_string() || fns.count(std::string_view(b->as_string())) == 0) return false;
  }
  return true;
}

bool equals_ignoring_case(std::string_view value, std::string_view lower) {
  if (value.size() != lower.size()) return false;
  for (size_t i = 0; i < value.size(); ++i) {
    char c = value[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != lower[i]) return false;
  }
  return true;
}
}  // namespace

bool is_true_text(std::string_view value) { return equals_ignoring_case(value, "true"); }
bool is_false_text(std::string_view value) { return equals_ignoring_case(value, "false"); }

bool valid_topic_name(std::string_view name, bool fifo) {
  std::string_view base = name;
  bool has_suffix = name.size() > 5 && name.substr(name.size() - 5) == ".fifo";
  if (fifo != has_suffix) return false;
  if (has_suffix) base = name.substr(0, name.size() - 5);
  if (name.empty() || name.size() > 256 || base.empty()) return false;
  for (char c : base) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    if (!ok) return false;
  }
  return true;
}

std::string default_topic_policy(const Topic& topic) {
  json::object policy{
      {"Version", "2008-10-17"}, {"Id", "__default_policy_ID"}, {"Statement", json::array{default_statement(topic)}}};
  return json::serialize(policy);
}

common::Status apply_topic_attribute(Topic& topic, const std::string& name, const std::string& value, bool creating) {
  auto& attrs = topic.attributes;
  if (name == "DisplayName") {
    if (value.size() > 100) return invalid_parameter("DisplayName");
    attrs[name] = value;
  } else if (name == "Policy") {
    auto policy = parse_object(value);
    if (!policy || !policy->contains("Statement")) return invalid_parameter("Policy Error: null");
    attrs[name] = value;
  } else if (name == "DeliveryPolicy") {
    if (value.empty()) {
      attrs.erase(name);
      return common::ok_status();
    }
    auto policy = parse_object(value);
    if (!policy || !valid_delivery_policy(*policy)) return invalid_parameter("DeliveryPolicy");
    attrs[name] = value;
  } else if (name == "SignatureVersion") {
    if (value != "1" && value != "2") return invalid_parameter("SignatureVersion");
    attrs[name] = value;
  } else if (name == "TracingConfig") {
    if (value != "PassThrough" && value != "Active") return invalid_parameter("TracingConfig");
    attrs[name] = value;
  } else if (name == "KmsMasterKeyId" || name == "ArchivePolicy" || name == "DataProtectionPolicy") {
    if (name == "ArchivePolicy" && !topic.fifo) return invalid_parameter("AttributeName");
    if (value.empty()) {
      attrs.erase(name);
    } else {
      attrs[name] = value;
    }
  } else if (name == "FifoTopic") {
    // Only CreateTopic may say it; the API decided fifo from it already.
    if (!creating) return invalid_parameter("AttributeName");
    if (!is_true_text(value) && !is_false_text(value)) return invalid_parameter("FifoTopic");
  } else if (name == "ContentBasedDeduplication") {
    if (value != "true" && value != "false") return invalid_parameter("ContentBasedDeduplication");
    if (!topic.fifo) {
      return invalid_parameter(
          "ContentBasedDeduplication Reason: Content based deduplication can only be set for FIFO topics");
    }
    attrs[name] = value;
  } else if (name == "FifoThroughputScope") {
    if (!topic.fifo) return invalid_parameter("FifoThroughputScope");
    if (value != "Topic" && value != "MessageGroup") return invalid_parameter("FifoThroughputScope");
    attrs[name] = value;
  } else if (is_feedback_attribute(name)) {
    if (name.size() >= 10 && name.substr(name.size() - 10) == "SampleRate") {
      char* end = nullptr;
      long rate = std::strtol(value.c_str(), &end, 10);
      if (value.empty() || *end != '\0' || rate < 0 || rate > 100) return invalid_parameter(name);
    }
    attrs[name] = value;
  } else {
    return invalid_parameter("AttributeName");
  }
  return common::ok_status();
}

AttributeMap render_topic_attributes(const Topic& topic, int64_t confirmed, int64_t pending) {
  AttributeMap out = topic.attributes;
  out.emplace("DisplayName", "");
  out.emplace("Policy", default_topic_policy(topic));
  out["Owner"] = topic.account_id;
  out["TopicArn"] = topic.arn;
  out["SubscriptionsConfirmed"] = std::to_string(confirmed);
  out["SubscriptionsPending"] = std::to_string(pending);
  out["SubscriptionsDeleted"] = std::to_string(topic.subscriptions_deleted);
  json::object effective = default_delivery_policy();
  if (auto it = topic.attributes.find("DeliveryPolicy"); it != topic.attributes.end()) {
    if (auto set = parse_object(it->second)) overlay(effective, *set);
  }
  out["EffectiveDeliveryPolicy"] = json::serialize(effective);
  if (topic.fifo) {
    out["FifoTopic"] = "true";
    out.emplace("ContentBasedDeduplication", "false");
  }
  return out;
}

common::Status add_policy_statement(Topic& topic, const std::string& label, const std::vector<std::string>& accounts,
                                    const std::vector<std::string>& actions) {
  static const std::set<std::string, std::less<>> known{
      "GetTopicAttributes", "SetTopicAttributes",       "AddPermission", "RemovePermission", "DeleteTopic",
      "Subscribe",          "ListSubscriptionsByTopic", "Publish",       "Receive",          "*"};
  if (label.empty()) return invalid_parameter("Label");
  if (accounts.empty()) return invalid_parameter("AWSAccountId");
  if (actions.empty()) return invalid_parameter("ActionName");
  for (const auto& a : actions) {
    if (known.count(a) == 0) return invalid_parameter("Policy statement action out of service scope!");
  }
  auto it = topic.attributes.find("Policy");
  auto policy = parse_object(it != topic.attributes.end() ? it->second : default_topic_policy(topic));
  if (!policy) policy = parse_object(default_topic_policy(topic));
  json::value& statements = (*policy)["Statement"];
  if (!statements.is_array()) statements = json::array{};
  for (const auto& s : statements.as_array()) {
    if (s.is_object() && s.as_object().contains("Sid") && s.as_object().at("Sid") == json::value(label)) {
      return invalid_parameter("Statement already exists");
    }
  }
  auto principal = [](const std::string& account) { return json::value("arn:aws:iam::" + account + ":root"); };
  json::value principals = principal(accounts[0]);
  if (accounts.size() > 1) {
    json::array list;
    for (const auto& a : accounts) list.push_back(principal(a));
    principals = std::move(list);
  }
  json::value action_value = json::value("SNS:" + actions[0]);
  if (actions.size() > 1) {
    json::array list;
    for (const auto& a : actions) list.emplace_back("SNS:" + a);
    action_value = std::move(list);
  }
  statements.as_array().push_back(json::object{{"Sid", label},
                                               {"Effect", "Allow"},
                                               {"Principal", json::object{{"AWS", std::move(principals)}}},
                                               {"Action", std::move(action_value)},
                                               {"Resource", topic.arn}});
  topic.attributes["Policy"] = json::serialize(*policy);
  return common::ok_status();
}

common::Status remove_policy_statement(Topic& topic, const std::string& label) {
  auto it = topic.attributes.find("Policy");
  auto policy = parse_object(it != topic.attributes.end() ? it->second : default_topic_policy(topic));
  if (!policy) return invalid_parameter("Policy");
  json::value* statements = policy->if_contains("Statement");
  bool removed = false;
  if (statements != nullptr && statements->is_array()) {
    auto& arr = statements->as_array();
    for (auto s = arr.begin(); s != arr.end(); ++s) {
      if (s->is_object() && s->as_object().contains("Sid") && s->as_object().at("Sid") == json::value(label)) {
        arr.erase(s);
        removed = true;
        break;
      }
    }
  }
  if (!removed) return invalid_parameter("Statement does not exist");
  topic.attributes["Policy"] = json::serialize(*policy);
  return common::ok_status();
}

common::Status validate_tags(const TagList& tags) {
  std::set<std::string> keys;
  for (const auto& [k, v] : tags) {
    if (!keys.insert(k).second) return invalid_parameter("Duplicated keys are not allowed.");
    if (k.empty() || k.size() > 128)
      return common::aws_error(common::AwsErrorCode::TagPolicy, "Tag key must be 1 to 128 characters long");
    if (v.size() > 256)
      return common::aws_error(common::AwsErrorCode::TagPolicy, "Tag value must be 0 to 256 characters long");
  }
  return common::ok_status();
}

}  // namespace sluice::sns::detail
