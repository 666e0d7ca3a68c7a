// The JSON form in which the mobile records are stored: platform applications, endpoints,
// attribute maps and outbox messages (Binary attribute values are kept as base64).

#include <boost/json.hpp>

#include "mobile_impl.h"
#include "sluice/common/crypto.h"

namespace sluice::sns::detail {
namespace json = boost::json;

namespace {

std::optional<json::object> parse_object(std::string_view text) {
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec || !v.is_object()) return std::nullopt;
  return std::move(v.as_object());
}

std::string str(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v != nullptr && v->is_string() ? std::string(v->as_string()) : std::string();
}

std::optional<std::string> opt_str(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  if (v == nullptr || !v->is_string()) return std::nullopt;
  return std::string(v->as_string());
}

json::object map_object(const AttributeMap& map) {
  json::object o;
  for (const auto& [k, v] : map) o[k] = v;
  return o;
}

AttributeMap map_from(const json::value* v) {
  AttributeMap map;
  if (v == nullptr || !v->is_object()) return map;
  for (const auto& [k, val] : v->as_object()) {
    if (val.is_string()) map[std::string(k)] = std::string(val.as_string());
  }
  return map;
}

void put_optional(json::object& o, std::string_view key, const std::optional<std::string>& value) {
  if (value) o[key] = *value;
}

}  // namespace

std::string attribute_map_to_json(const AttributeMap& map) { return json::serialize(map_object(map)); }

AttributeMap attribute_map_from_json(std::string_view text) {
  auto o = parse_object(text);
  if (!o) return {};
  json::value v = std::move(*o);
  return map_from(&v);
}

std::string application_to_json(const PlatformApplication& app) {
  json::object o{{"arn", app.arn},           {"name", app.name},
                 {"platform", app.platform}, {"account", app.account_id},
                 {"region", app.region},     {"attributes", map_object(app.attributes)}};
  return json::serialize(o);
}

std::optional<PlatformApplication> application_from_json(std::string_view text) {
  auto o = parse_object(text);
  if (!o) return std::nullopt;
  PlatformApplication app{str(*o, "arn"),     str(*o, "name"),   str(*o, "platform"),
                          str(*o, "account"), str(*o, "region"), map_from(o->if_contains("attributes"))};
  if (app.arn.empty()) return std::nullopt;
  return app;
}

std::string endpoint_to_json(const PlatformEndpoint& endpoint) {
  json::object o{{"arn", endpoint.arn},
                 {"application", endpoint.application_arn},
                 {"account", endpoint.account_id},
                 {"region", endpoint.region},
                 {"attributes", map_object(endpoint.attributes)}};
  return json::serialize(o);
}

std::optional<PlatformEndpoint> endpoint_from_json(std::string_view text) {
  auto o = parse_object(text);
  if (!o) return std::nullopt;
  PlatformEndpoint endpoint{str(*o, "arn"), str(*o, "application"), str(*o, "account"), str(*o, "region"),
                            map_from(o->if_contains("attributes"))};
  if (endpoint.arn.empty()) return std::nullopt;
  return endpoint;
}

std::string outbox_message_to_json(const OutboxMessage& m) {
  json::object attributes;
  for (const auto& [name, a] : m.message_attributes) {
    json::object value{{"DataType", a.data_type}};
    if (a.string_value) value["StringValue"] = *a.string_value;
    if (a.binary_value) value["BinaryValue"] = common::base64_encode(*a.binary_value);
    attributes[name] = std::move(value);
  }
  json::object o{{"account", m.account_id}, {"region", m.region},   {"target", m.target},
                 {"id", m.message_id},      {"message", m.message}, {"attributes", std::move(attributes)}};
  put_optional(o, "topic", m.topic_arn);
  put_optional(o, "subscription", m.subscription_arn);
  put_optional(o, "subject", m.subject);
  put_optional(o, "structure", m.message_structure);
  return json::serialize(o);
}

std::optional<OutboxMessage> outbox_message_from_json(std::string_view text) {
  auto o = parse_object(text);
  if (!o) return std::nullopt;
  OutboxMessage m;
  m.account_id = str(*o, "account");
  m.region = str(*o, "region");
  m.target = str(*o, "target");
  m.message_id = str(*o, "id");
  m.message = str(*o, "message");
  m.topic_arn = opt_str(*o, "topic");
  m.subscription_arn = opt_str(*o, "subscription");
  m.subject = opt_str(*o, "subject");
  m.message_structure = opt_str(*o, "structure");
  if (const auto* attributes = o->if_contains("attributes"); attributes != nullptr && attributes->is_object()) {
    for (const auto& [name, v] : attributes->as_object()) {
      if (!v.is_object()) continue;
      PublishAttribute a;
      a.data_type = str(v.as_object(), "DataType");
      a.string_value = opt_str(v.as_object(), "StringValue");
      if (auto b64 = opt_str(v.as_object(), "BinaryValue")) a.binary_value = common::base64_decode(*b64);
      m.message_attributes[std::string(name)] = std::move(a);
    }
  }
  if (m.target.empty()) return std::nullopt;
  return m;
}

}  // namespace sluice::sns::detail
