// partial_batch: fails the records that carry the message attribute fail=true and answers the
// partial batch response. Also reports, in its log, which entry point ran ("json" or "structs")
// and the first record's receive count, so tests can see the SQS fast path at work.
#include <sluice/handler.hpp>

#include <string>
#include <vector>

namespace {

sluice::handler::Result handle(const std::vector<sluice::handler::SqsRecord>& records, sluice::handler::Context& ctx) {
  std::vector<std::string> failed;
  for (const auto& r : records) {
    auto it = r.message_attributes.find("fail");
    if (it != r.message_attributes.end() && it->second.string_value == "true") failed.push_back(r.message_id);
  }
  std::string line = ctx.event().empty() ? "entry=structs" : "entry=json";
  if (!records.empty()) {
    line += " receive_count=" + std::string(records.front().attribute("ApproximateReceiveCount"));
    auto bin = records.front().message_attributes.find("blob");
    if (bin != records.front().message_attributes.end())
      line += " blob_size=" + std::to_string(bin->second.binary_value.size());
  }
  ctx.log(line);
  return sluice::handler::Result::batch_item_failures(failed);
}

}  // namespace

SLUICE_SQS_HANDLER(handle)
