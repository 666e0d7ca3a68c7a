// Evaluating a compiled policy against one message.
//
// Both scopes reduce a key to the message values found under it and ask the key's Condition:
// absent (no values at all) matches only {"exists": false}; present matches {"exists": true} or
// any matcher against any value. String.Array attributes and JSON arrays therefore match when
// any element does, and anything-but matches when some element is outside its list.
//
// Scope MessageBody follows the body's structure. A policy key may also be written with dots
// ("a.b") and then addresses {"a":{"b":…}} as well as {"a.b":…} and {"a":{"b.c"…}} mixes. A
// nested policy object is matched against each element of an array separately, so the keys of one
// nested object must all be satisfied by the same array element. Arrays of arrays are flattened.
// Nothing here allocates for String and Number attributes or for JSON bodies; only String.Array
// attributes are parsed per evaluation.

#include <arpa/inet.h>

#include <boost/json.hpp>

#include <charconv>
#include <cstring>

#include "policy_tree.h"
#include "sluice/sns/filter_inputs.h"

namespace sluice::sns {
namespace detail {
namespace {

namespace json = boost::json;

bool equals_lowered(std::string_view value, std::string_view lowered) {
  if (value.size() != lowered.size()) return false;
  for (std::size_t i = 0; i < value.size(); ++i) {
    char c = value[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != lowered[i]) return false;
  }
  return true;
}

bool in_block(std::string_view text, const IpBlock& block) {
  bool v6 = false;
  std::array<uint8_t, 16> bytes{};
  if (!parse_ip(text, v6, bytes) || v6 != block.v6) return false;
  for (std::size_t i = 0; i < 16; ++i)
    if ((bytes[i] & block.mask[i]) != block.address[i]) return false;
  return true;
}

bool parse_number(std::string_view text, double& out) {
  if (!text.empty() && text.front() == '+') text.remove_prefix(1);
  if (text.empty()) return false;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && end == text.data() + text.size();
}

Scalar scalar_of(const json::value& v) {
  Scalar s;
  switch (v.kind()) {
    case json::kind::string:
      s.kind = Scalar::Kind::String;
      s.text = std::string_view(v.get_string().data(), v.get_string().size());
      break;
    case json::kind::int64:
      s.kind = Scalar::Kind::Number;
      s.number = static_cast<double>(v.get_int64());
      break;
    case json::kind::uint64:
      s.kind = Scalar::Kind::Number;
      s.number = static_cast<double>(v.get_uint64());
      break;
    case json::kind::double_:
      s.kind = Scalar::Kind::Number;
      s.number = v.get_double();
      break;
    case json::kind::bool_:
      s.kind = v.get_bool() ? Scalar::Kind::True : Scalar::Kind::False;
      break;
    default:
      s.kind = Scalar::Kind::Null;
      break;
  }
  return s;
}

// Calls f on every scalar in v (arrays flattened, objects skipped) until f returns true.
template <typename F>
bool visit_scalars(const json::value& v, F&& f) {
  if (v.is_array()) {
    for (const json::value& e : v.get_array())
      if (visit_scalars(e, f)) return true;
    return false;
  }
  if (v.is_object()) return false;
  return f(scalar_of(v));
}

// Calls f on every object in v (arrays flattened); scalars reach f as nullptr.
template <typename F>
bool visit_objects(const json::value& v, F&& f) {
  if (v.is_array()) {
    for (const json::value& e : v.get_array())
      if (visit_objects(e, f)) return true;
    return false;
  }
  return f(v.is_object() ? &v.get_object() : nullptr);
}

// Calls f on every value the (possibly dotted) key reaches in o, until f returns true.
template <typename F>
bool resolve(const json::object& o, std::string_view key, bool dotted, F&& f) {
  if (const json::value* v = o.if_contains(key))
    if (f(*v)) return true;
  if (!dotted) return false;
  for (std::size_t dot = key.find('.'); dot != std::string_view::npos; dot = key.find('.', dot + 1)) {
    const json::value* head = o.if_contains(key.substr(0, dot));
    if (head == nullptr) continue;
    std::string_view tail = key.substr(dot + 1);
    bool tail_dotted = tail.find('.') != std::string_view::npos;
    bool hit = visit_objects(
        *head, [&](const json::object* inner) { return inner != nullptr && resolve(*inner, tail, tail_dotted, f); });
    if (hit) return true;
  }
  return false;
}

bool body_node_matches(const Node& node, const json::object* object);

bool body_field_matches(const Field& field, const json::object* object) {
  if (field.leaf) {
    const Condition& c = field.condition;
    if (object == nullptr) return c.matches_absent();
    bool present = false;
    bool hit = resolve(*object, field.key, field.dotted, [&](const json::value& v) {
      return visit_scalars(v, [&](const Scalar& s) {
        present = true;
        return c.exists_true || c.matches_value(s);
      });
    });
    return hit || (!present && c.matches_absent());
  }
  if (object == nullptr) return body_node_matches(*field.child, nullptr);
  bool reached = false;
  bool hit = resolve(*object, field.key, field.dotted, [&](const json::value& v) {
    return visit_objects(v, [&](const json::object* inner) {
      reached = true;
      return body_node_matches(*field.child, inner);
    });
  });
  return hit || (!reached && body_node_matches(*field.child, nullptr));
}

bool body_node_matches(const Node& node, const json::object* object) {
  for (const Field& field : node.fields)
    if (!body_field_matches(field, object)) return false;
  for (const std::vector<Node>& group : node.or_groups) {
    bool any = false;
    for (const Node& alt : group) {
      if (body_node_matches(alt, object)) {
        any = true;
        break;
      }
    }
    if (!any) return false;
  }
  return true;
}

enum class AttributeKind { String, Number, StringArray, Ignored };

AttributeKind attribute_kind(std::string_view type) {
  if (type == "String.Array") return AttributeKind::StringArray;
  std::string_view base = type.substr(0, type.find('.'));
  if (base == "String") return AttributeKind::String;
  if (base == "Number") return AttributeKind::Number;
  return AttributeKind::Ignored;  // Binary: SNS does not compare it
}

bool attribute_condition_matches(const Condition& c, const AttributeValue* attribute) {
  if (attribute == nullptr) return c.matches_absent();
  Scalar s;
  switch (attribute_kind(attribute->type)) {
    case AttributeKind::Ignored:
      return c.matches_absent();
    case AttributeKind::String:
      s.kind = Scalar::Kind::String;
      s.text = attribute->value;
      break;
    case AttributeKind::Number:
      if (parse_number(attribute->value, s.number)) {
        s.kind = Scalar::Kind::Number;
      } else {
        s.kind = Scalar::Kind::String;
        s.text = attribute->value;
      }
      break;
    case AttributeKind::StringArray: {
      boost::system::error_code ec;
      json::value parsed = json::parse(attribute->value, ec);
      if (ec || !parsed.is_array()) return c.matches_absent();
      bool present = false;
      bool hit = visit_scalars(parsed, [&](const Scalar& e) {
        present = true;
        return c.exists_true || c.matches_value(e);
      });
      return hit || (!present && c.matches_absent());
    }
  }
  return c.exists_true || c.matches_value(s);
}

bool attribute_node_matches(const Node& node, const MessageAttributeMap& attributes) {
  for (const Field& field : node.fields) {
    auto it = attributes.find(field.key);
    const AttributeValue* attribute = it == attributes.end() ? nullptr : &it->second;
    if (!attribute_condition_matches(field.condition, attribute)) return false;
  }
  for (const std::vector<Node>& group : node.or_groups) {
    bool any = false;
    for (const Node& alt : group) {
      if (attribute_node_matches(alt, attributes)) {
        any = true;
        break;
      }
    }
    if (!any) return false;
  }
  return true;
}

}  // namespace

bool Matcher::matches(const Scalar& value) const {
  using K = Scalar::Kind;
  switch (kind) {
    case Kind::ExactString:
      return value.kind == K::String && value.text == text;
    case Kind::ExactNumber:
      return value.kind == K::Number && five_digit_units(value.number) == number;
    case Kind::ExactTrue:
      return value.kind == K::True;
    case Kind::ExactFalse:
      return value.kind == K::False;
    case Kind::ExactNull:
      return value.kind == K::Null;
    case Kind::Prefix:
      return value.kind == K::String && value.text.starts_with(text);
    case Kind::Suffix:
      return value.kind == K::String && value.text.ends_with(text);
    case Kind::EqualsIgnoreCase:
      return value.kind == K::String && equals_lowered(value.text, text);
    case Kind::AnythingBut:
      if (value.kind == K::String) {
        for (const std::string& s : strings)
          if (value.text == s) return false;
      } else if (value.kind == K::Number) {
        const double v = five_digit_units(value.number);
        for (double n : numbers)
          if (v == n) return false;
      }
      return true;
    case Kind::AnythingButPrefix:
      return value.kind != K::String || !value.text.starts_with(text);
    case Kind::Numeric: {
      if (value.kind != K::Number) return false;
      const double v = five_digit_units(value.number);
      if (has_low && (low_inclusive ? v < low : v <= low)) return false;
      if (has_high && (high_inclusive ? v > high : v >= high)) return false;
      return true;
    }
    case Kind::Exists:
      return false;
    case Kind::Cidr:
      return value.kind == K::String && in_block(value.text, block);
  }
  return false;
}

bool parse_ip(std::string_view text, bool& v6, std::array<uint8_t, 16>& bytes) {
  char buffer[64];
  if (text.empty() || text.size() >= sizeof(buffer)) return false;
  std::memcpy(buffer, text.data(), text.size());
  buffer[text.size()] = '\0';
  bytes.fill(0);
  v6 = text.find(':') != std::string_view::npos;
  return inet_pton(v6 ? AF_INET6 : AF_INET, buffer, bytes.data()) == 1;
}

}  // namespace detail

namespace {

// Filter policies compare numbers in -10^9..10^9 (the compiler refuses policy numbers outside it).
bool comparable_number(double n) { return n >= -1e9 && n <= 1e9; }

bool comparable_array_element(const boost::json::value& element) {
  switch (element.kind()) {
    case boost::json::kind::int64:
    case boost::json::kind::uint64:
    case boost::json::kind::double_:
      return comparable_number(element.to_number<double>());
    case boost::json::kind::array:
    case boost::json::kind::object:
      return false;
    default:
      return true;
  }
}

}  // namespace

bool attributes_valid_for_filtering(const MessageAttributeMap& attributes) {
  for (const auto& entry : attributes) {
    const AttributeValue& attribute = entry.second;
    switch (detail::attribute_kind(attribute.type)) {
      case detail::AttributeKind::Number: {
        double n = 0;
        if (detail::parse_number(attribute.value, n) && !comparable_number(n)) return false;
        break;
      }
      case detail::AttributeKind::StringArray: {
        boost::system::error_code ec;
        const boost::json::value parsed = boost::json::parse(attribute.value, ec);
        if (ec || !parsed.is_array()) return false;
        for (const auto& element : parsed.get_array()) {
          if (!comparable_array_element(element)) return false;
        }
        break;
      }
      case detail::AttributeKind::String:
      case detail::AttributeKind::Ignored:
        break;
    }
  }
  return true;
}

bool body_valid_for_filtering(std::string_view body) {
  boost::system::error_code ec;
  const boost::json::value parsed = boost::json::parse(body, ec);
  return !ec && parsed.is_object();
}

std::string FilterPolicyError::set_attributes_text() const {
  std::string text = labelled ? "Invalid parameter: FilterPolicy: " : "Invalid parameter: ";
  text += message;
  return text;
}

std::string FilterPolicyError::subscribe_text() const {
  // The unlabelled reason has only been recorded through SetSubscriptionAttributes.
  std::string text =
      labelled ? "Invalid parameter: Attributes Reason: FilterPolicy: " : "Invalid parameter: Attributes Reason: ";
  text += message;
  return text;
}

common::Outcome<FilterPolicy, FilterPolicyError> FilterPolicy::compile(std::string_view policy_json,
                                                                       FilterScope scope) {
  auto compiled = detail::compile_policy(policy_json, scope);
  if (!compiled) return compiled.take_error();
  return FilterPolicy(std::shared_ptr<const detail::CompiledPolicy>(std::move(*compiled)));
}

FilterScope FilterPolicy::scope() const { return compiled_->scope; }

bool FilterPolicy::matches_attributes(const MessageAttributeMap& attributes) const {
  return detail::attribute_node_matches(compiled_->root, attributes);
}

bool FilterPolicy::matches_body(const boost::json::value& body) const {
  if (!body.is_object()) return false;
  return detail::body_node_matches(compiled_->root, &body.get_object());
}

bool FilterPolicy::matches_body_text(std::string_view body) const {
  // Most bodies fit the stack buffer, so parsing usually allocates nothing.
  unsigned char buffer[4096];
  boost::json::monotonic_resource resource(buffer, sizeof(buffer));
  boost::system::error_code ec;
  boost::json::value parsed = boost::json::parse(body, ec, &resource);
  if (ec) return false;
  return matches_body(parsed);
}

bool FilterPolicy::matches(const MessageAttributeMap& attributes, std::string_view body) const {
  return compiled_->scope == FilterScope::MessageBody ? matches_body_text(body) : matches_attributes(attributes);
}

}  // namespace sluice::sns
