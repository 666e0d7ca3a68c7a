#pragma once
// The two forms of the runtime's log, as a function's LoggingConfig.LogFormat chooses on Lambda.
//
//   Text  Lambda's plain lines (START / END / REPORT, the function's output), each stamped with
//         the time it was written.
//   Json  one JSON object per line, in the shapes Lambda writes to CloudWatch Logs in its JSON
//         log format:
//           - system records {"time", "type", "record"} with the Telemetry API's record shapes:
//             platform.start {requestId, version}, platform.runtimeDone {requestId, status,
//             metrics{durationMs}}, platform.report {requestId, status, metrics{durationMs,
//             billedDurationMs, memorySizeMB, maxMemoryUsedMB, initDurationMs?}}; `status` is
//             success | failure | error | timeout and failures carry errorType;
//           - application records {"timestamp", "level", "message", "requestId"}: the lines a
//             handler logged, its error (message = {errorType, errorMessage}), and whatever a
//             runtime printed. A line that is a JSON object already (the Python and Node.js shims
//             write their logging calls that way when AWS_LAMBDA_LOG_FORMAT is JSON) is kept.
//         sluice writes every function to one stream where Lambda has a log group per function,
//         so each object also names its function ("functionName"). Events of the runtime itself
//         (an environment started or ended, a message moved to a dead-letter queue, a mapping's
//         LastProcessingResult changed) are system records of types "sluice.*".

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <boost/json/object.hpp>

namespace sluice::functions {

enum class LogFormat { Text, Json };

// "text" or "json" (any case, so Lambda's "Text" and "JSON" are taken too); nullopt otherwise.
std::optional<LogFormat> parse_log_format(std::string_view name);

// One system record without a newline: {"time":ISO-8601,"type":type,"functionName":name,"record":
// record}; functionName is left out when `function_name` is empty.
std::string json_system_record(int64_t now_ms, std::string_view type, std::string_view function_name,
                               boost::json::object record);

}  // namespace sluice::functions
