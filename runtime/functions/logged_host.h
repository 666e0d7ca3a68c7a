#pragma once
// A PluginHost that writes each invocation's log to a sink, framed the way Lambda's log stream
// shows it, so a developer running sluice sees what their handler did:
//
//   [order-processor] START RequestId: 1f0c... Version: $LATEST
//   [order-processor] <each line the handler logged>
//   [order-processor] 1f0c... Unhandled: order 1002 has no customer      (failed invocations)
//   [order-processor] END RequestId: 1f0c...
//   [order-processor] REPORT RequestId: 1f0c...  Duration: 1.52 ms  Billed Duration: 2 ms
//                     Memory Size: 128 MB  Max Memory Used: 9 MB  Init Duration: 31.20 ms
// (REPORT is one line, its fields separated by tabs as Lambda writes them; Init Duration only on
// a cold start.) With LogFormat::Json the same invocation is written as Lambda's JSON records
// (json_invocation_log.h), stamped on `clock`.
//
// With a record sink the same lines (without the "[name] " prefix) also go out as one
// InvocationLogRecord per invocation, stamped with their times and the environment that ran them
// (in-process invocations share one id per host), which is what CloudWatch Logs keeps.
//
// Everything else is the wrapped host's.

#include <memory>
#include <string>
#include <vector>

#include "sluice/common/clock.h"
#include "sluice/functions/log_format.h"
#include "sluice/functions/registry.h"

namespace sluice::functions::detail {

// Lambda's lines for one invocation, without newlines or the function's name: START, the lines the
// function logged, its error (failed invocations), END and REPORT.
std::vector<std::string> invocation_lines(const InvocationResult& result, uint32_t memory_size_mb);
// The text written for one invocation of the function `name`.
std::string invocation_log_text(const std::string& name, const InvocationResult& result, uint32_t memory_size_mb);
// Lambda's REPORT line for one invocation (without a newline).
std::string report_line(const InvocationResult& result, uint32_t memory_size_mb);

// Either sink may be empty.
std::shared_ptr<PluginHost> make_logged_host(std::shared_ptr<PluginHost> inner, InvocationLogSink sink,
                                             InvocationRecordSink records, LogFormat format,
                                             std::shared_ptr<common::Clock> clock);

}  // namespace sluice::functions::detail
