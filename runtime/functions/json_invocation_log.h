#pragma once
// One invocation's log in Lambda's JSON log format (sluice/functions/log_format.h): a
// platform.start record, the application records, a platform.runtimeDone and a platform.report
// record, one object per line, each line ending in '\n'.

#include <cstdint>
#include <string>

#include "sluice/functions/plugin_host.h"

namespace sluice::functions::detail {

std::string invocation_log_json(const std::string& name, const InvocationResult& result, uint32_t memory_size_mb,
                                int64_t now_ms);

// Telemetry's status of an invocation: success, failure (the function failed), error (the
// runtime failed: crash, memory overrun, bad output) or timeout.
const char* invocation_status(const InvocationResult& result);

}  // namespace sluice::functions::detail
