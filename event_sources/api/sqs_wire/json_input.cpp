// Typed member access for JSON-protocol inputs. Each reader answers the value or the AwsError that
// a malformed member earns; callers chain them with early returns.

#include "json_input.h"

#include "sluice/common/crypto.h"

namespace sluice::api::sqs_wire::detail {

AwsError missing_parameter(std::string_view name) {
  return aws_error(AwsErrorCode::MissingParameter, "The request must contain the parameter " + std::string(name) + ".");
}

AwsError serialization_error(std::string_view name, std::string_view expected) {
  return aws_error(
      AwsErrorCode::SerializationException,
      "Value for parameter " + std::string(name) + " is not of the expected type " + std::string(expected) + ".");
}

namespace {

const json::value* member(const json::object& in, std::string_view name) {
  const json::value* v = in.if_contains(name);
  if (v == nullptr || v->is_null()) return nullptr;
  return v;
}

std::optional<int64_t> as_int(const json::value& v) {
  if (v.is_int64()) return v.get_int64();
  if (v.is_uint64()) {
    if (v.get_uint64() > static_cast<uint64_t>(INT64_MAX)) return std::nullopt;
    return static_cast<int64_t>(v.get_uint64());
  }
  if (v.is_double()) {
    double d = v.get_double();
    // Integral doubles ("5.0") are what some JSON encoders write for integers.
    if (d >= -9.0e18 && d <= 9.0e18 && static_cast<double>(static_cast<int64_t>(d)) == d) {
      return static_cast<int64_t>(d);
    }
  }
  return std::nullopt;
}

}  // namespace

Outcome<std::optional<std::string>> opt_string(const json::object& in, std::string_view name) {
  const json::value* v = member(in, name);
  if (v == nullptr) return std::optional<std::string>{};
  if (!v->is_string()) return serialization_error(name, "String");
  return std::optional<std::string>(std::string(v->get_string()));
}

Outcome<std::string> req_string(const json::object& in, std::string_view name) {
  auto s = opt_string(in, name);
  if (!s) return s.take_error();
  if (!s->has_value()) return missing_parameter(name);
  return std::move(**s);
}

Outcome<std::optional<int64_t>> opt_int(const json::object& in, std::string_view name) {
  const json::value* v = member(in, name);
  if (v == nullptr) return std::optional<int64_t>{};
  auto i = as_int(*v);
  if (!i) return serialization_error(name, "Integer");
  return std::optional<int64_t>(*i);
}

Outcome<std::optional<std::vector<std::string>>> opt_string_list_present(const json::object& in,
                                                                         std::string_view name) {
  const json::value* v = member(in, name);
  if (v == nullptr) return std::optional<std::vector<std::string>>{};
  if (!v->is_array()) return serialization_error(name, "List");
  std::vector<std::string> out;
  for (const auto& item : v->get_array()) {
    if (!item.is_string()) return serialization_error(name, "List of String");
    out.emplace_back(item.get_string());
  }
  return std::optional<std::vector<std::string>>(std::move(out));
}

Outcome<std::vector<std::string>> opt_string_list(const json::object& in, std::string_view name) {
  auto list = opt_string_list_present(in, name);
  if (!list) return list.take_error();
  if (!list->has_value()) return std::vector<std::string>{};
  return std::move(**list);
}

Outcome<std::optional<std::map<std::string, std::string>>> opt_string_map_present(const json::object& in,
                                                                                  std::string_view name) {
  const json::value* v = member(in, name);
  if (v == nullptr) return std::optional<std::map<std::string, std::string>>{};
  if (!v->is_object()) return serialization_error(name, "Map");
  std::map<std::string, std::string> out;
  for (const auto& [key, value] : v->get_object()) {
    if (!value.is_string()) return serialization_error(name, "Map of String");
    out.emplace(std::string(key), std::string(value.get_string()));
  }
  return std::optional<std::map<std::string, std::string>>(std::move(out));
}

Outcome<std::map<std::string, std::string>> opt_string_map(const json::object& in, std::string_view name) {
  auto map = opt_string_map_present(in, name);
  if (!map) return map.take_error();
  if (!map->has_value()) return std::map<std::string, std::string>{};
  return std::move(**map);
}

Outcome<std::vector<const json::object*>> opt_object_list(const json::object& in, std::string_view name) {
  std::vector<const json::object*> out;
  const json::value* v = member(in, name);
  if (v == nullptr) return out;
  if (!v->is_array()) return serialization_error(name, "List");
  for (const auto& item : v->get_array()) {
    if (!item.is_object()) return serialization_error(name, "List of Structure");
    out.push_back(&item.get_object());
  }
  return out;
}

Outcome<sluice::sqs::MessageAttributes> opt_message_attributes(const json::object& in, std::string_view name) {
  sluice::sqs::MessageAttributes out;
  const json::value* v = member(in, name);
  if (v == nullptr) return out;
  if (!v->is_object()) return serialization_error(name, "Map");
  for (const auto& [key, value] : v->get_object()) {
    if (!value.is_object()) return serialization_error(name, "Map of MessageAttributeValue");
    const json::object& attr = value.get_object();
    sluice::sqs::MessageAttribute out_attr;
    auto data_type = opt_string(attr, "DataType");
    if (!data_type) return data_type.take_error();
    auto string_value = opt_string(attr, "StringValue");
    if (!string_value) return string_value.take_error();
    auto binary_value = opt_string(attr, "BinaryValue");
    if (!binary_value) return binary_value.take_error();
    // A missing DataType stays empty: the engine's attribute rules reject it with AWS's text.
    if (data_type->has_value()) out_attr.data_type = **data_type;
    if (string_value->has_value()) out_attr.string_value = **string_value;
    if (binary_value->has_value()) {
      auto decoded = base64_decode(**binary_value);
      if (!decoded)
        return serialization_error(std::string(name) + "." + std::string(key) + ".BinaryValue", "Blob (base64)");
      out_attr.binary_value = std::move(*decoded);
    }
    out.emplace(std::string(key), std::move(out_attr));
  }
  return out;
}

json::object message_attributes_json(const sluice::sqs::MessageAttributes& attributes) {
  json::object out;
  for (const auto& [name, attr] : attributes) {
    json::object value;
    value["DataType"] = attr.data_type;
    // Binary and Binary.<label> carry bytes; String/Number (and labels) carry text.
    if (attr.data_type.rfind("Binary", 0) == 0) {
      value["BinaryValue"] = base64_encode(attr.binary_value);
    } else {
      value["StringValue"] = attr.string_value;
    }
    out[name] = std::move(value);
  }
  return out;
}

}  // namespace sluice::api::sqs_wire::detail
