// The order processor of the seed guide's section 2.6, as a native handler: it processes each
// order and fails order 1002 with an exception ("Simulated processing error."), so that message
// returns to the queue until the redrive policy moves it to the dead-letter queue.
#include <sluice/handler.hpp>

#include <boost/json.hpp>

#include <cstdio>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

std::string text(const boost::json::value& value) {
  if (value.is_string()) return std::string(value.as_string());
  if (value.is_double()) {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.1f", value.as_double());
    return buffer;
  }
  return boost::json::serialize(value);
}

sluice::handler::Result process(const std::vector<sluice::handler::SqsRecord>& records, sluice::handler::Context& ctx) {
  for (const auto& record : records) {
    const auto body = boost::json::parse(record.body).as_object();
    ctx.log("Processing Order ID: " + text(body.at("order_id")) + " for Customer: " + text(body.at("customer")) +
            " Amount: " + text(body.at("amount")));
    if (text(body.at("order_id")) == "1002") throw std::runtime_error("Simulated processing error.");
  }
  return sluice::handler::Result::payload("null");
}

}  // namespace

SLUICE_SQS_HANDLER(process)
