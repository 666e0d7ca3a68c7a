// See json_invocation_log.h. Lines of a handler's log come in three forms: "[LEVEL] text" from
// the C ABI's log service, a JSON object from a runtime shim in JSON mode, or anything else a
// process printed; each becomes one application record.

#include "json_invocation_log.h"

#include <boost/json.hpp>

#include <cmath>
#include <string_view>

#include "sluice/common/clock.h"
#include "sluice/functions/log_format.h"

namespace sluice::functions::detail {
namespace {

// The level of a "[LEVEL] text" line written through the C ABI's log service, and its text.
bool split_level(std::string_view line, std::string_view* level, std::string_view* text) {
  for (std::string_view name : {"DEBUG", "INFO", "WARN", "ERROR"}) {
    if (line.size() > name.size() + 2 && line[0] == '[' && line.substr(1, name.size()) == name &&
        line.substr(name.size() + 1, 2) == "] ") {
      *level = name;
      *text = line.substr(name.size() + 3);
      return true;
    }
  }
  return false;
}

std::string application_record(std::string_view line, const std::string& name, const std::string& request_id,
                               const std::string& timestamp) {
  if (!line.empty() && line.front() == '{') {
    boost::system::error_code ec;
    boost::json::value parsed = boost::json::parse(line, ec);
    if (!ec && parsed.is_object()) {
      auto& object = parsed.as_object();
      if (!object.contains("requestId")) object["requestId"] = request_id;
      if (!object.contains("functionName")) object["functionName"] = name;
      return boost::json::serialize(object);
    }
  }
  std::string_view level = "INFO";
  std::string_view text = line;
  split_level(line, &level, &text);
  boost::json::object record{
      {"timestamp", timestamp}, {"level", level}, {"message", text}, {"requestId", request_id}, {"functionName", name}};
  return boost::json::serialize(record);
}

boost::json::object metrics(const InvocationResult& result, uint32_t memory_size_mb) {
  boost::json::object m;
  // Lambda bills whole milliseconds, rounded up; memory in MB (MiB), rounded up.
  m["durationMs"] = std::round(result.duration_ms * 100) / 100;
  m["billedDurationMs"] = static_cast<int64_t>(std::ceil(result.duration_ms));
  m["memorySizeMB"] = memory_size_mb;
  m["maxMemoryUsedMB"] = static_cast<uint64_t>((result.max_memory_used_bytes + (1u << 20) - 1) >> 20);
  if (result.init_duration_ms) m["initDurationMs"] = std::round(*result.init_duration_ms * 100) / 100;
  return m;
}

}  // namespace

const char* invocation_status(const InvocationResult& result) {
  switch (result.status) {
    case InvocationResult::Status::Success:
      return "success";
    case InvocationResult::Status::Timeout:
      return "timeout";
    case InvocationResult::Status::FunctionError:
      break;
  }
  return result.error_type.rfind("Runtime.", 0) == 0 ? "error" : "failure";
}

std::string invocation_log_json(const std::string& name, const InvocationResult& result, uint32_t memory_size_mb,
                                int64_t now_ms) {
  const std::string timestamp = common::format_iso8601_ms(now_ms);
  const char* status = invocation_status(result);
  std::string text =
      json_system_record(now_ms, "platform.start", name, {{"requestId", result.request_id}, {"version", "$LATEST"}});
  text += '\n';
  for (size_t start = 0; start < result.logs.size();) {
    size_t end = result.logs.find('\n', start);
    if (end == std::string::npos) end = result.logs.size();
    text += application_record(std::string_view(result.logs).substr(start, end - start), name, result.request_id,
                               timestamp);
    text += '\n';
    start = end + 1;
  }
  if (!result.ok()) {
    boost::json::object error{{"timestamp", timestamp},
                              {"level", "ERROR"},
                              {"message", {{"errorType", result.error_type}, {"errorMessage", result.error_message}}},
                              {"requestId", result.request_id},
                              {"functionName", name}};
    text += boost::json::serialize(error);
    text += '\n';
  }
  boost::json::object done{{"requestId", result.request_id},
                           {"status", status},
                           {"metrics", {{"durationMs", std::round(result.duration_ms * 100) / 100}}}};
  boost::json::object report{
      {"requestId", result.request_id}, {"status", status}, {"metrics", metrics(result, memory_size_mb)}};
  if (!result.ok()) {
    done["errorType"] = result.error_type;
    report["errorType"] = result.error_type;
  }
  text += json_system_record(now_ms, "platform.runtimeDone", name, std::move(done));
  text += '\n';
  text += json_system_record(now_ms, "platform.report", name, std::move(report));
  text += '\n';
  return text;
}

}  // namespace sluice::functions::detail
