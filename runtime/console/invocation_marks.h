#pragma once
// Where an invocation starts and ends in a function's log, in either of Lambda's log formats
// (sluice/functions/log_format.h): the text lines `START RequestId: <id> ...` and `REPORT
// RequestId: <id>\t...`, or the JSON system records of types platform.start and platform.report
// whose record names the requestId. The console's recent invocations are read with it.

#include <string>
#include <string_view>

namespace sluice::console::detail {

struct InvocationMark {
  enum class Kind { None, Start, Report };
  Kind kind = Kind::None;
  std::string request_id;
  // For a report: the REPORT line as the text format writes it (a JSON report's metrics in it).
  std::string report;
};

InvocationMark invocation_mark(std::string_view message);

}  // namespace sluice::console::detail
