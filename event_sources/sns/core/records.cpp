// ARN parsing with SNS's texts, and the JSON form in which topics and subscriptions are stored. A stored subscription
// keeps its FilterPolicy text; loading compiles it again, so the compiled tree never has to be serialised.

#include <boost/json.hpp>

#include "internal.h"

namespace sluice::sns::detail {
namespace json = boost::json;

std::string topic_arn(std::string_view region, std::string_view account, std::string_view name) {
  std::string arn = "arn:aws:sns:";
  arn.append(region).append(":").append(account).append(":").append(name);
  return arn;
}

common::Outcome<Arn> parse_sns_arn(std::string_view text, std::string_view param) {
  const std::string p(param);
  if (text.empty()) return invalid_parameter(p + " Reason: no value for required parameter");
  std::vector<std::string_view> parts;
  size_t start = 0;
  while (true) {
    size_t colon = text.find(':', start);
    parts.push_back(text.substr(start, colon == std::string_view::npos ? colon : colon - start));
    if (colon == std::string_view::npos) break;
    start = colon + 1;
  }
  if (parts.size() < 6) {
    return invalid_parameter(p + " Reason: An ARN must have at least 6 elements, not " + std::to_string(parts.size()));
  }
  if (parts[0] != "arn" || parts[2] != "sns" || parts[5].empty()) return invalid_parameter(p);
  Arn arn{std::string(parts[3]), std::string(parts[4]), std::string(parts[5]), {}};
  if (parts.size() >= 7) arn.sub_id = std::string(parts[6]);
  if (parts.size() > 7) return invalid_parameter(p);
  return arn;
}

namespace {

json::object map_to_json(const AttributeMap& map) {
  json::object o;
  for (const auto& [k, v] : map) o[k] = v;
  return o;
}

AttributeMap map_from_json(const json::value* v) {
  AttributeMap map;
  if (v == nullptr || !v->is_object()) return map;
  for (const auto& [k, val] : v->as_object()) {
    if (val.is_string()) map[std::string(k)] = std::string(val.as_string());
  }
  return map;
}

std::string str(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v != nullptr && v->is_string() ? std::string(v->as_string()) : std::string();
}

std::optional<json::object> parse_object(std::string_view text) {
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec || !v.is_object()) return std::nullopt;
  return std::move(v.as_object());
}

}  // namespace

std::string topic_to_json(const Topic& t) {
  json::array tags;
  for (const auto& [k, v] : t.tags) tags.push_back(json::array{json::string(k), json::string(v)});
  json::object o{{"arn", t.arn},
                 {"name", t.name},
                 {"account", t.account_id},
                 {"region", t.region},
                 {"fifo", t.fifo},
                 {"attributes", map_to_json(t.attributes)},
                 {"tags", std::move(tags)},
                 {"sequence", std::to_string(t.sequence)},
                 {"deleted", t.subscriptions_deleted}};
  return json::serialize(o);
}

std::optional<Topic> topic_from_json(std::string_view text) {
  auto o = parse_object(text);
  if (!o) return std::nullopt;
  Topic t;
  t.arn = str(*o, "arn");
  t.name = str(*o, "name");
  t.account_id = str(*o, "account");
  t.region = str(*o, "region");
  if (const auto* f = o->if_contains("fifo"); f != nullptr && f->is_bool()) t.fifo = f->as_bool();
  t.attributes = map_from_json(o->if_contains("attributes"));
  if (const auto* tags = o->if_contains("tags"); tags != nullptr && tags->is_array()) {
    for (const auto& pair : tags->as_array()) {
      if (pair.is_array() && pair.as_array().size() == 2 && pair.as_array()[0].is_string() &&
          pair.as_array()[1].is_string()) {
        t.tags.emplace_back(std::string(pair.as_array()[0].as_string()), std::string(pair.as_array()[1].as_string()));
      }
    }
  }
  t.sequence = std::strtoull(str(*o, "sequence").c_str(), nullptr, 10);
  if (const auto* d = o->if_contains("deleted"); d != nullptr && d->is_int64()) t.subscriptions_deleted = d->as_int64();
  if (t.arn.empty()) return std::nullopt;
  return t;
}

std::string subscription_to_json(const Subscription& s) {
  json::object o{{"arn", s.arn},           {"topic", s.topic_arn},
                 {"owner", s.owner},       {"protocol", s.protocol},
                 {"endpoint", s.endpoint}, {"confirmed", s.confirmed},
                 {"token", s.token},       {"attributes", map_to_json(s.attributes)}};
  if (!s.principal.empty()) o["principal"] = s.principal;
  return json::serialize(o);
}

std::optional<Subscription> subscription_from_json(std::string_view text) {
  auto o = parse_object(text);
  if (!o) return std::nullopt;
  Subscription s;
  s.arn = str(*o, "arn");
  s.topic_arn = str(*o, "topic");
  s.owner = str(*o, "owner");
  s.protocol = str(*o, "protocol");
  s.endpoint = str(*o, "endpoint");
  if (const auto* c = o->if_contains("confirmed"); c != nullptr && c->is_bool()) s.confirmed = c->as_bool();
  s.token = str(*o, "token");
  s.principal = str(*o, "principal");
  s.attributes = map_from_json(o->if_contains("attributes"));
  s.raw = s.attributes.count("RawMessageDelivery") != 0 && s.attributes.at("RawMessageDelivery") == "true";
  if (auto it = s.attributes.find("FilterPolicy"); it != s.attributes.end() && !it->second.empty()) {
    auto scope_it = s.attributes.find("FilterPolicyScope");
    FilterScope scope = scope_it != s.attributes.end() && scope_it->second == "MessageBody"
                            ? FilterScope::MessageBody
                            : FilterScope::MessageAttributes;
    auto compiled = FilterPolicy::compile(it->second, scope);
    if (!compiled) return std::nullopt;  // was valid when stored: the file was altered
    s.filter = compiled.value();
  }
  if (s.arn.empty()) return std::nullopt;
  s.queue = queue_of(s.protocol, s.endpoint);
  return s;
}

std::optional<sqs::QueueAddress> queue_of(const std::string& protocol, const std::string& endpoint) {
  if (protocol != "sqs") return std::nullopt;
  return sqs::parse_queue_arn(endpoint);
}

}  // namespace sluice::sns::detail
