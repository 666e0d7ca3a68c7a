// A handler that reports partial batch failures: it processes every message of the batch and
// answers {"batchItemFailures": [...]} naming the messages it rejected (a body with "valid": false,
// or a body that is not a JSON object). With FunctionResponseTypes ["ReportBatchItemFailures"] the
// mapping deletes the rest of the batch and leaves only the rejected messages on the queue, so the
// valid ones are processed once while the rejected ones are retried until the redrive policy moves
// them to the dead-letter queue.
#include <sluice/handler.hpp>

#include <boost/json.hpp>

#include <string>
#include <vector>

namespace {

bool valid(const std::string& body) {
  boost::json::error_code ec;
  auto doc = boost::json::parse(body, ec);
  if (ec || !doc.is_object()) return false;
  const auto* flag = doc.as_object().if_contains("valid");
  return !(flag && flag->is_bool() && !flag->as_bool());
}

std::string item_of(const std::string& body) {
  boost::json::error_code ec;
  auto doc = boost::json::parse(body, ec);
  if (!ec && doc.is_object())
    if (const auto* item = doc.as_object().if_contains("item")) return boost::json::serialize(*item);
  return "?";
}

sluice::handler::Result process(const std::vector<sluice::handler::SqsRecord>& records, sluice::handler::Context& ctx) {
  std::vector<std::string> failures;
  for (const auto& record : records) {
    const std::string receive_count(record.attribute("ApproximateReceiveCount"));
    if (valid(record.body)) {
      ctx.log("processed item " + item_of(record.body) + " (receive " + receive_count + ")");
    } else {
      ctx.log("rejected item " + item_of(record.body) + " (receive " + receive_count + ")", SLUICE_LOG_WARN);
      failures.push_back(record.message_id);
    }
  }
  ctx.log("batch of " + std::to_string(records.size()) + ", " + std::to_string(failures.size()) + " failed");
  return sluice::handler::Result::batch_item_failures(failures);
}

}  // namespace

SLUICE_SQS_HANDLER(process)
