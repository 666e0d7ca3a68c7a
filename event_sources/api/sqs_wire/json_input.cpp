// Typed member access for JSON-protocol inputs. Each reader answers the value or the AwsError that
// a malformed member earns; callers chain them with early returns.

#include "json_input.h"

namespace sluice::api::sqs_wire::detail {

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

common::Outcome<std::optional<std::string>> opt_string(const json::object& in, std::string_view name) {
  const json::value* v = member(in, name);
  if (v == nullptr) return std::optional<std::string>{};
  if (!v->is_string()) return serialization_error(name, "String");
  return std::optional<std::string>(std::string(v->get_string()));
}

common::Outcome<std::string> req_string(const json::object& in, std::string_view name) {
  auto s = opt_string(in, name);
  if (!s) return s.take_error();
  if (!s->has_value()) return missing_parameter(name);
  return std::move(**s);
}

common::Outcome<std::optional<int64_t>> opt_int(const json::object& in, std::string_view name) {
  const json::value* v = member(in, name);
  if (v == nullptr) return std::optional<int64_t>{};
  auto i = as_int(*v);
  if (!i) return serialization_error(name, "Integer");
  return std::optional<int64_t>(*i);
}

common::Outcome<std::optional<std::vector<std::string>>> opt_string_list_present(const json::object& in,
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

common::Outcome<std::vector<std::string>> opt_string_list(const json::object& in, std::string_view name) {
  auto list = opt_string_list_present(in, name);
  if (!list) return list.take_error();
  if (!list->has_value()) return std::vector<std::string>{};
  return std::move(**list);
}

common::Outcome<std::optional<std::map<std::string, std::string>>> opt_string_map_present(const json::object& in,
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

common::Outcome<std::map<std::string, std::string>> opt_string_map(const json::object& in, std::string_view name) {
  auto map = opt_string_map_present(in, name);
  if (!map) return map.take_error();
  if (!map->has_value()) return std::map<std::string, std::string>{};
  return std::move(**map);
}

}  // namespace sluice::api::sqs_wire::detail
