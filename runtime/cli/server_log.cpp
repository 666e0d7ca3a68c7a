// See server_log.h.

#include "server_log.h"

#include <cstdio>
#include <mutex>

#include "sluice/functions/registry.h"

namespace sluice::cli {

ServerLog::ServerLog(functions::LogFormat format, std::shared_ptr<common::Clock> clock)
    : format_(format), clock_(clock ? std::move(clock) : common::system_clock()) {}

void ServerLog::put(const std::string& text) const {
  static std::mutex mu;
  std::lock_guard lock(mu);
  std::fputs(text.c_str(), stderr);
}

void ServerLog::write(const std::string& lines) const {
  if (format_ == functions::LogFormat::Json) {
    put(lines);
    return;
  }
  const std::string stamp = common::format_iso8601_ms(clock_->now_ms()) + " ";
  std::string stamped;
  stamped.reserve(lines.size() + 32 * 4);
  for (size_t start = 0; start < lines.size();) {
    size_t end = lines.find('\n', start);
    end = end == std::string::npos ? lines.size() : end + 1;
    stamped += stamp;
    stamped.append(lines, start, end - start);
    start = end;
  }
  if (!stamped.empty() && stamped.back() != '\n') stamped += '\n';
  put(stamped);
}

void ServerLog::event(std::string_view subject, std::string_view text, std::string_view type,
                      std::string_view function_name, boost::json::object record) const {
  if (format_ == functions::LogFormat::Json) {
    put(functions::json_system_record(clock_->now_ms(), type, function_name, std::move(record)) + "\n");
    return;
  }
  write("[" + std::string(subject) + "] " + std::string(text) + "\n");
}

void ServerLog::dead_letter(const sqs::DeadLetterMove& move) const {
  event("sqs",
        "message " + move.message_id + " moved to the dead-letter queue " + move.dead_letter_queue_arn + " from " +
            move.source_queue_arn + " after " + std::to_string(move.receive_count) + " receives",
        "sluice.deadLetterMove", "",
        {{"messageId", move.message_id},
         {"sourceQueueArn", move.source_queue_arn},
         {"deadLetterQueueArn", move.dead_letter_queue_arn},
         {"receiveCount", move.receive_count}});
}

void ServerLog::processing_result(const esm::ProcessingResultChange& change) const {
  const std::string function_name = functions::function_name_of(change.function_arn);
  event(function_name,
        "event-source mapping " + change.uuid + " (" + change.event_source_arn +
            "): LastProcessingResult: " + change.last_processing_result,
        "sluice.lastProcessingResult", function_name,
        {{"uuid", change.uuid},
         {"eventSourceArn", change.event_source_arn},
         {"functionArn", change.function_arn},
         {"lastProcessingResult", change.last_processing_result}});
}

}  // namespace sluice::cli
