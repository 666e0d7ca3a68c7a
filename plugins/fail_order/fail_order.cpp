// fail_order: an SQS handler that reports partial batch failures. A record whose body is a JSON
// object with "order_id": 1002 fails; every other record succeeds. With ReportBatchItemFailures
// only the failed record returns to the queue.
#include <sluice/handler.hpp>

#include <string>
#include <vector>

namespace {

bool is_order_1002(const std::string& body) {
  boost::json::error_code ec;
  boost::json::value v = boost::json::parse(body, ec);
  if (ec || !v.is_object()) return false;
  const auto* id = v.as_object().if_contains("order_id");
  return id && id->is_number() && id->to_number<double>() == 1002;
}

sluice::handler::Result handle(const std::vector<sluice::handler::SqsRecord>& records, sluice::handler::Context& ctx) {
  std::vector<std::string> failed;
  for (const auto& r : records)
    if (is_order_1002(r.body)) failed.push_back(r.message_id);
  ctx.log("processed " + std::to_string(records.size()) + " records, " + std::to_string(failed.size()) + " failed");
  return sluice::handler::Result::batch_item_failures(failed);
}

}  // namespace

SLUICE_SQS_HANDLER(handle)
