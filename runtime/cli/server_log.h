#pragma once
// The server's log on stderr: what the function registry writes (each invocation's lines, an
// environment starting or ending), each message a redrive policy moves to a dead-letter queue,
// and each change of a mapping's LastProcessingResult. `sluice up --log-format text|json` picks
// the form (sluice/functions/log_format.h): text lines stamped with the UTC time of the server's
// clock, or one JSON object per line.
//
// Threads: every method may be called from any thread; a block of lines is written in one piece,
// so concurrent invocations do not interleave.

#include <memory>
#include <string>
#include <string_view>

#include <boost/json/object.hpp>

#include "sluice/common/clock.h"
#include "sluice/esm/event_source_mapping.h"
#include "sluice/functions/log_format.h"
#include "sluice/sqs/engine.h"

namespace sluice::cli {

class ServerLog {
 public:
  ServerLog(functions::LogFormat format, std::shared_ptr<common::Clock> clock);

  functions::LogFormat format() const { return format_; }
  const std::shared_ptr<common::Clock>& clock() const { return clock_; }

  // Lines already in the log's format, each ending in '\n' (the registry's): text lines get the
  // time in front, JSON lines carry their own.
  void write(const std::string& lines) const;
  // One event of the runtime: "[subject] text" in text, a system record of `type` with `record`
  // (and functionName when `function_name` is set) in JSON.
  void event(std::string_view subject, std::string_view text, std::string_view type, std::string_view function_name,
             boost::json::object record) const;

  void dead_letter(const sqs::DeadLetterMove& move) const;
  void processing_result(const esm::ProcessingResultChange& change) const;

 private:
  void put(const std::string& text) const;

  const functions::LogFormat format_;
  const std::shared_ptr<common::Clock> clock_;
};

}  // namespace sluice::cli
