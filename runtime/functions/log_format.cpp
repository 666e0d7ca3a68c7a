// See sluice/functions/log_format.h.

#include "sluice/functions/log_format.h"

#include <boost/json/serialize.hpp>

#include <algorithm>
#include <cctype>

#include "sluice/common/clock.h"

namespace sluice::functions {

std::optional<LogFormat> parse_log_format(std::string_view name) {
  std::string lower(name);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (lower == "text") return LogFormat::Text;
  if (lower == "json") return LogFormat::Json;
  return std::nullopt;
}

std::string json_system_record(int64_t now_ms, std::string_view type, std::string_view function_name,
                               boost::json::object record) {
  boost::json::object line;
  line["time"] = common::format_iso8601_ms(now_ms);
  line["type"] = type;
  if (!function_name.empty()) line["functionName"] = function_name;
  line["record"] = std::move(record);
  return boost::json::serialize(line);
}

}  // namespace sluice::functions
