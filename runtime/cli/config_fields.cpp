// Readers of JSON fields shared by the configuration's sections (see config_fields.h).

#include "config_fields.h"

#include <boost/json.hpp>

#include "config.h"

namespace sluice::cli {

namespace json = boost::json;

const json::object& object_at(const json::value& value, const std::string& path) {
  if (!value.is_object()) fail(path, "must be an object");
  return value.as_object();
}

std::string string_field(const json::object& object, const char* name, const std::string& path, bool required) {
  const json::value* value = object.if_contains(name);
  if (!value) {
    if (required) fail(path + "." + name, "required");
    return "";
  }
  if (!value->is_string() || value->as_string().empty()) fail(path + "." + name, "must be a non-empty string");
  return std::string(value->as_string());
}

std::optional<int64_t> int_field(const json::object& object, const char* name, const std::string& path) {
  const json::value* value = object.if_contains(name);
  if (!value) return std::nullopt;
  if (value->is_int64()) return value->as_int64();
  if (value->is_uint64() && value->as_uint64() <= INT64_MAX) return static_cast<int64_t>(value->as_uint64());
  fail(path + "." + name, "must be an integer");
}

}  // namespace sluice::cli
