// Subscription rules: which protocols exist and what endpoint each takes, the attributes a
// subscription accepts (with SNS's texts, which differ between Subscribe and
// SetSubscriptionAttributes), when a subscription is confirmed at once, and what
// GetSubscriptionAttributes shows.

#include <boost/json.hpp>

#include <set>

#include "internal.h"
#include "sluice/sqs/engine.h"

namespace sluice::sns::detail {
namespace json = boost::json;

namespace {

bool starts_with(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

bool is_fifo_queue_arn(std::string_view arn) { return arn.size() > 5 && arn.substr(arn.size() - 5) == ".fifo"; }

common::AwsError attribute_error(std::string_view reason, bool subscribing) {
  return invalid_parameter(subscribing ? "Attributes Reason: " + std::string(reason) : std::string(reason));
}

// Checks RedrivePolicy: {"deadLetterTargetArn": "<sqs arn>"}.
std::optional<std::string> redrive_problem(const Topic& topic, const Subscription& sub, const std::string& value) {
  boost::system::error_code ec;
  json::value v = json::parse(value, ec);
  if (ec) return "RedrivePolicy: failed to parse JSON. " + json_syntax_error_text(value);
  if (!v.is_object()) return std::string("RedrivePolicy: failed to parse JSON.");
  const json::value* target = v.as_object().if_contains("deadLetterTargetArn");
  if (target == nullptr || !target->is_string() || !sqs::parse_queue_arn(target->as_string())) {
    return std::string("RedrivePolicy: deadLetterTargetArn is an invalid arn");
  }
  if (topic.fifo && sub.protocol == "sqs" && is_fifo_queue_arn(sub.endpoint) &&
      !is_fifo_queue_arn(std::string_view(target->as_string()))) {
    return std::string("RedrivePolicy: must use a FIFO queue as DLQ for a FIFO Subscription to a FIFO Topic.");
  }
  return std::nullopt;
}

common::Status compile_filter(Subscription& sub, const std::string& policy_text, const std::string& scope_text,
                              bool subscribing) {
  if (policy_text.empty()) {
    sub.filter.reset();
    return common::ok_status();
  }
  FilterScope scope = scope_text == "MessageBody" ? FilterScope::MessageBody : FilterScope::MessageAttributes;
  auto compiled = FilterPolicy::compile(policy_text, scope);
  if (!compiled) {
    const auto& e = compiled.error();
    return common::aws_error(common::AwsErrorCode::InvalidParameter,
                             subscribing ? e.subscribe_text() : e.set_attributes_text());
  }
  sub.filter = compiled.value();
  return common::ok_status();
}

}  // namespace

bool valid_phone_number(std::string_view number) {
  if (number.empty()) return false;
  size_t i = number[0] == '+' ? 1 : 0;
  size_t digits = number.size() - i;
  if (digits < 1 || digits > 15) return false;
  for (; i < number.size(); ++i) {
    if (number[i] < '0' || number[i] > '9') return false;
  }
  return true;
}

// A subscription's phone number may be written with single separators between its digits
// ("+15/55-123.4567" subscribes on AWS); a separator at either end or two in a row, or any other
// character, does not ("+15--551234567", "+15551234567.", "/+15551234567", "NAA+15551234567").
bool valid_sms_endpoint(std::string_view number) {
  size_t i = !number.empty() && number[0] == '+' ? 1 : 0;
  size_t digits = 0;
  bool after_digit = false;
  for (; i < number.size(); ++i) {
    char c = number[i];
    if (c >= '0' && c <= '9') {
      ++digits;
      after_digit = true;
    } else if ((c == '-' || c == '.' || c == '/') && after_digit) {
      after_digit = false;
    } else {
      return false;
    }
  }
  return after_digit && digits <= 15;
}

common::Status validate_endpoint(const Topic& topic, const std::string& protocol,
                                 const std::optional<std::string>& endpoint) {
  static const std::set<std::string, std::less<>> protocols{"http", "https",       "email",  "email-json", "sms",
                                                            "sqs",  "application", "lambda", "firehose"};
  if (protocols.count(protocol) == 0) {
    return invalid_parameter("Amazon SNS does not support this protocol string: " + protocol);
  }
  if (!endpoint || endpoint->empty()) return invalid_parameter("Endpoint Reason: no value for required parameter");
  const std::string& ep = *endpoint;
  if (protocol == "sqs") {
    if (!sqs::parse_queue_arn(ep)) return invalid_parameter("SQS endpoint ARN");
    if (!topic.fifo && is_fifo_queue_arn(ep)) {
      return invalid_parameter(
          "Invalid parameter: Endpoint Reason: FIFO SQS Queues can not be subscribed to standard SNS topics");
    }
  } else if (protocol == "lambda") {
    if (!starts_with(ep, "arn:aws:lambda:")) return invalid_parameter("Lambda endpoint ARN");
  } else if (protocol == "firehose") {
    if (!starts_with(ep, "arn:aws:firehose:")) return invalid_parameter("Firehose endpoint ARN");
  } else if (protocol == "application") {
    if (!starts_with(ep, "arn:aws:sns:") || ep.find(":endpoint/") == std::string::npos) {
      return invalid_parameter("Application endpoint arn invalid:" + ep);
    }
  } else if (protocol == "http" || protocol == "https") {
    if (!starts_with(ep, protocol + "://") || ep.size() <= protocol.size() + 3) {
      return invalid_parameter("Endpoint must match the specified protocol");
    }
  } else if (protocol == "email" || protocol == "email-json") {
    size_t at = ep.find('@');
    if (at == std::string::npos || at == 0 || at + 1 >= ep.size()) return invalid_parameter("Email address");
  } else if (protocol == "sms") {
    if (!valid_sms_endpoint(ep))
      return common::aws_error(common::AwsErrorCode::InvalidParameter, "Invalid SMS endpoint: " + ep);
  }
  if (topic.fifo && protocol != "sqs") {
    return invalid_parameter("Invalid parameter: Endpoint Reason: Please use FIFO SQS queue");
  }
  return common::ok_status();
}

common::Status apply_subscription_attribute(const Topic& topic, Subscription& sub, const std::string& name,
                                            const std::string& value, bool subscribing) {
  if (name == "RawMessageDelivery") {
    std::string lower;
    for (char c : value) lower.push_back(static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c));
    if (lower != "true" && lower != "false") {
      return attribute_error("RawMessageDelivery: Invalid value [" + value + "]. Must be true or false.", subscribing);
    }
    sub.attributes[name] = lower;
    sub.raw = lower == "true";
  } else if (name == "FilterPolicy") {
    auto scope_it = sub.attributes.find("FilterPolicyScope");
    std::string scope = scope_it == sub.attributes.end() ? "MessageAttributes" : scope_it->second;
    if (auto st = compile_filter(sub, value, scope, subscribing); !st) return st;
    if (value.empty()) {
      sub.attributes.erase(name);
    } else {
      sub.attributes[name] = value;
      sub.attributes.emplace("FilterPolicyScope", "MessageAttributes");
    }
  } else if (name == "FilterPolicyScope") {
    if (value != "MessageAttributes" && value != "MessageBody") {
      return attribute_error(
          "FilterPolicyScope: Invalid value [" + value + "]. Please use either MessageBody or MessageAttributes",
          subscribing);
    }
    auto policy_it = sub.attributes.find("FilterPolicy");
    if (policy_it != sub.attributes.end()) {
      if (auto st = compile_filter(sub, policy_it->second, value, subscribing); !st) return st;
    }
    sub.attributes[name] = value;
  } else if (name == "RedrivePolicy") {
    if (value.empty()) {
      sub.attributes.erase(name);
      return common::ok_status();
    }
    if (auto problem = redrive_problem(topic, sub, value)) return attribute_error(*problem, subscribing);
    sub.attributes[name] = value;
  } else if (name == "DeliveryPolicy") {
    if (value.empty()) {
      sub.attributes.erase(name);
      return common::ok_status();
    }
    boost::system::error_code ec;
    json::value v = json::parse(value, ec);
    if (ec || !v.is_object()) return attribute_error("DeliveryPolicy: failed to parse JSON.", subscribing);
    sub.attributes[name] = value;
  } else if (name == "SubscriptionRoleArn") {
    if (!starts_with(value, "arn:aws:iam::")) return attribute_error("SubscriptionRoleArn", subscribing);
    sub.attributes[name] = value;
  } else if (name == "ReplayPolicy") {
    if (!topic.fifo) return attribute_error("ReplayPolicy", subscribing);
    sub.attributes[name] = value;
  } else {
    return subscribing ? invalid_parameter("Attributes Reason: Unknown attribute " + name)
                       : invalid_parameter("AttributeName");
  }
  return common::ok_status();
}

bool confirms_at_once(const Subscription& sub, const std::string& caller_account) {
  if (sub.protocol == "sms") return true;
  if (sub.protocol == "sqs") {
    auto queue = sqs::parse_queue_arn(sub.endpoint);
    return queue && queue->account_id == caller_account;
  }
  if (sub.protocol == "lambda" || sub.protocol == "firehose" || sub.protocol == "application") {
    // arn:aws:lambda:REGION:ACCOUNT:function:NAME
    size_t pos = 0;
    for (int i = 0; i < 4 && pos != std::string::npos; ++i) pos = sub.endpoint.find(':', pos + 1);
    if (pos == std::string::npos) return false;
    size_t end = sub.endpoint.find(':', pos + 1);
    return sub.endpoint.substr(pos + 1, end == std::string::npos ? end : end - pos - 1) == caller_account;
  }
  return false;
}

AttributeMap render_subscription_attributes(const Subscription& sub) {
  AttributeMap out = sub.attributes;
  // The scope is kept when set alone, but AWS shows it only next to a FilterPolicy.
  if (out.count("FilterPolicy") == 0) out.erase("FilterPolicyScope");
  out["ConfirmationWasAuthenticated"] = sub.confirmed ? "true" : "false";
  out["Endpoint"] = sub.endpoint;
  out["Owner"] = sub.owner;
  out["PendingConfirmation"] = sub.confirmed ? "false" : "true";
  out["Protocol"] = sub.protocol;
  out.emplace("RawMessageDelivery", "false");
  out["SubscriptionArn"] = sub.arn;
  out["SubscriptionPrincipal"] = sub.principal.empty() ? "arn:aws:iam::" + sub.owner + ":root" : sub.principal;
  out["TopicArn"] = sub.topic_arn;
  if (sub.protocol == "http" || sub.protocol == "https") {
    json::object effective{{"healthyRetryPolicy", json::object{{"minDelayTarget", 20},
                                                               {"maxDelayTarget", 20},
                                                               {"numRetries", 3},
                                                               {"numMaxDelayRetries", 0},
                                                               {"numNoDelayRetries", 0},
                                                               {"numMinDelayRetries", 0},
                                                               {"backoffFunction", "linear"}}},
                           {"sicklyRetryPolicy", nullptr},
                           {"throttlePolicy", nullptr},
                           {"guaranteed", false}};
    if (auto it = sub.attributes.find("DeliveryPolicy"); it != sub.attributes.end()) {
      boost::system::error_code ec;
      json::value set = json::parse(it->second, ec);
      if (!ec && set.is_object()) {
        for (const auto& [k, v] : set.as_object()) effective[k] = v;
      }
    }
    out["EffectiveDeliveryPolicy"] = json::serialize(effective);
  }
  return out;
}

}  // namespace sluice::sns::detail
