// A Delivery as one JSON object, so the journal can keep it and give it back after a restart.
// Attribute values are base64 (Binary attributes hold raw bytes, which JSON text cannot).

#include <boost/json.hpp>

#include "internal.h"
#include "sluice/common/crypto.h"

namespace sluice::sns::detail {
namespace json = boost::json;

std::string delivery_to_json(const Delivery& d) {
  json::object attrs;
  for (const auto& [name, a] : d.message_attributes) {
    attrs[name] = json::object{{"t", a.type}, {"v", common::base64_encode(a.value)}};
  }
  json::object sub_attrs;
  for (const auto& [k, v] : d.subscription_attributes) sub_attrs[k] = v;
  json::object o{{"type", d.type},
                 {"subscription_arn", d.subscription_arn},
                 {"topic_arn", d.topic_arn},
                 {"protocol", d.protocol},
                 {"endpoint", d.endpoint},
                 {"message_id", d.message_id},
                 {"message", d.message},
                 {"timestamp", d.timestamp},
                 {"signature_version", d.signature_version},
                 {"signature", d.signature},
                 {"signing_cert_url", d.signing_cert_url},
                 {"unsubscribe_url", d.unsubscribe_url},
                 {"subscribe_url", d.subscribe_url},
                 {"token", d.token},
                 {"raw", d.raw},
                 {"topic_delivery_policy", d.topic_delivery_policy},
                 {"message_attributes", std::move(attrs)},
                 {"subscription_attributes", std::move(sub_attrs)}};
  if (d.sequence_number) o["sequence_number"] = *d.sequence_number;
  if (d.subject) o["subject"] = *d.subject;
  return json::serialize(o);
}

std::optional<Delivery> delivery_from_json(std::string_view text) {
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec || !v.is_object()) return std::nullopt;
  const json::object& o = v.as_object();
  auto str = [&](const char* key) -> std::string {
    const json::value* f = o.if_contains(key);
    return f != nullptr && f->is_string() ? std::string(f->as_string()) : std::string();
  };
  Delivery d;
  d.type = str("type");
  d.subscription_arn = str("subscription_arn");
  d.topic_arn = str("topic_arn");
  d.protocol = str("protocol");
  d.endpoint = str("endpoint");
  d.message_id = str("message_id");
  d.message = str("message");
  d.timestamp = str("timestamp");
  d.signature_version = str("signature_version");
  d.signature = str("signature");
  d.signing_cert_url = str("signing_cert_url");
  d.unsubscribe_url = str("unsubscribe_url");
  d.subscribe_url = str("subscribe_url");
  d.token = str("token");
  d.topic_delivery_policy = str("topic_delivery_policy");
  if (o.contains("sequence_number")) d.sequence_number = str("sequence_number");
  if (o.contains("subject")) d.subject = str("subject");
  if (const auto* raw = o.if_contains("raw"); raw != nullptr && raw->is_bool()) d.raw = raw->as_bool();
  if (const auto* attrs = o.if_contains("message_attributes"); attrs != nullptr && attrs->is_object()) {
    for (const auto& [name, a] : attrs->as_object()) {
      if (!a.is_object()) return std::nullopt;
      const auto* t = a.as_object().if_contains("t");
      const auto* val = a.as_object().if_contains("v");
      if (t == nullptr || val == nullptr || !t->is_string() || !val->is_string()) return std::nullopt;
      auto bytes = common::base64_decode(val->as_string());
      if (!bytes) return std::nullopt;
      d.message_attributes[std::string(name)] = AttributeValue{std::string(t->as_string()), std::move(*bytes)};
    }
  }
  if (const auto* attrs = o.if_contains("subscription_attributes"); attrs != nullptr && attrs->is_object()) {
    for (const auto& [k, val] : attrs->as_object()) {
      if (val.is_string()) d.subscription_attributes[std::string(k)] = std::string(val.as_string());
    }
  }
  if (d.type.empty() || d.endpoint.empty()) return std::nullopt;
  return d;
}

}  // namespace sluice::sns::detail
