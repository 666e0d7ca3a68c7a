#pragma once
// Readers of JSON fields for the configuration's sections; each fails (ConfigError) with the
// field's path and the reason. Which fields an object may have is config_schema.h's check_fields.

#include <boost/json/fwd.hpp>

#include <cstdint>
#include <optional>
#include <string>

namespace sluice::cli {

const boost::json::object& object_at(const boost::json::value& value, const std::string& path);
// "" when absent and not required.
std::string string_field(const boost::json::object& object, const char* name, const std::string& path, bool required);
std::optional<int64_t> int_field(const boost::json::object& object, const char* name, const std::string& path);

}  // namespace sluice::cli
