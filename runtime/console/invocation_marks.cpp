// See invocation_marks.h. A JSON line is parsed only when it names a platform record, so the
// application lines of a busy log cost one substring search each.

#include "invocation_marks.h"

#include <boost/json.hpp>

#include <cmath>
#include <cstdio>

namespace sluice::console::detail {
namespace {

namespace json = boost::json;

// "START RequestId: <id> ..." / "REPORT RequestId: <id>\t..." -> <id>, else "".
std::string request_id_after(std::string_view message, std::string_view keyword) {
  const std::string prefix = std::string(keyword) + " RequestId: ";
  if (!message.starts_with(prefix)) return "";
  message.remove_prefix(prefix.size());
  return std::string(message.substr(0, message.find_first_of(" \t\n")));
}

double number(const json::object& object, std::string_view name) {
  const json::value* v = object.if_contains(name);
  if (v == nullptr) return 0;
  if (v->is_double()) return v->get_double();
  if (v->is_int64()) return static_cast<double>(v->get_int64());
  if (v->is_uint64()) return static_cast<double>(v->get_uint64());
  return 0;
}

// The text format's REPORT line for a platform.report record's metrics.
std::string report_text(const std::string& request_id, const json::object& metrics) {
  char buffer[256];
  std::snprintf(buffer, sizeof buffer,
                "\tDuration: %.2f ms\tBilled Duration: %.0f ms\tMemory Size: %.0f MB\tMax Memory Used: %.0f MB",
                number(metrics, "durationMs"), number(metrics, "billedDurationMs"), number(metrics, "memorySizeMB"),
                number(metrics, "maxMemoryUsedMB"));
  std::string line = "REPORT RequestId: " + request_id + buffer;
  if (metrics.contains("initDurationMs")) {
    std::snprintf(buffer, sizeof buffer, "\tInit Duration: %.2f ms", number(metrics, "initDurationMs"));
    line += buffer;
  }
  return line;
}

InvocationMark json_mark(std::string_view message) {
  InvocationMark mark;
  const bool start = message.find("\"platform.start\"") != std::string_view::npos;
  const bool report = !start && message.find("\"platform.report\"") != std::string_view::npos;
  if (!start && !report) return mark;
  boost::system::error_code ec;
  json::value parsed = json::parse(message, ec);
  if (ec || !parsed.is_object()) return mark;
  const json::object& object = parsed.get_object();
  const json::value* type = object.if_contains("type");
  const json::value* record = object.if_contains("record");
  if (type == nullptr || !type->is_string() || record == nullptr || !record->is_object()) return mark;
  const json::value* id = record->get_object().if_contains("requestId");
  if (id == nullptr || !id->is_string()) return mark;
  mark.request_id = std::string(id->get_string());
  if (type->get_string() == "platform.start") {
    mark.kind = InvocationMark::Kind::Start;
  } else if (type->get_string() == "platform.report") {
    mark.kind = InvocationMark::Kind::Report;
    const json::value* metrics = record->get_object().if_contains("metrics");
    mark.report =
        report_text(mark.request_id, metrics && metrics->is_object() ? metrics->get_object() : json::object());
  }
  return mark;
}

}  // namespace

InvocationMark invocation_mark(std::string_view message) {
  if (!message.empty() && message.front() == '{') return json_mark(message);
  InvocationMark mark;
  if (std::string started = request_id_after(message, "START"); !started.empty()) {
    mark.kind = InvocationMark::Kind::Start;
    mark.request_id = std::move(started);
  } else if (std::string reported = request_id_after(message, "REPORT"); !reported.empty()) {
    mark.kind = InvocationMark::Kind::Report;
    mark.request_id = std::move(reported);
    mark.report = std::string(message);
  }
  return mark;
}

}  // namespace sluice::console::detail
