// Fuzzes the FilterCriteria of SQS event-source mappings (runtime/esm/filter_pattern.h: EventBridge
// event patterns over the record Lambda delivers) and the reading of a function's partial batch
// response (batch_response.h), both internal to the mapping.
//
// Input: NUL-separated segments: the patterns (all but the last), then the message body; the same
// body is also read as a partial batch response. Invariants: compiling is all-or-nothing and
// deterministic, matching a message is pure (the same answer twice and from a second compile), an
// empty set keeps everything, and a partial batch response fails only ids of its batch.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "batch_response.h"
#include "filter_pattern.h"

namespace {

namespace detail = sluice::esm::detail;

sluice::sqs::ReceivedMessage message_of(std::string_view body) {
  sluice::sqs::ReceivedMessage m;
  m.message_id = "059f36b4-87a3-44ab-83d2-661975830a7d";
  m.receipt_handle = "AQEBwJnKyrHigUMZj6rYigCgxlaS3SLy0a";
  m.body = std::string(body);
  m.md5_of_body = "e4e68fb7bd0e697a0ae8f1bb342846b3";
  m.attributes = {
      {"ApproximateReceiveCount", "1"}, {"SentTimestamp", "1545082649183"}, {"SenderId", "AIDAIENQZJOLO23YVJ4VO"}};
  m.message_attributes["kind"] = {"String", std::string(body.substr(0, 16)), ""};
  m.message_attributes["count"] = {"Number", "42", ""};
  m.message_attributes["blob"] = {"Binary", "", std::string(body.substr(0, 8))};
  return m;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view rest(reinterpret_cast<const char*>(data), size);
  std::vector<std::string> segments;
  for (size_t at = rest.find('\0'); at != std::string_view::npos && segments.size() < 8; at = rest.find('\0')) {
    segments.emplace_back(rest.substr(0, at));
    rest.remove_prefix(at + 1);
  }
  const std::string_view body = rest;
  const std::vector<std::string>& patterns = segments;

  const auto set = detail::FilterSet::compile(patterns);
  const auto again = detail::FilterSet::compile(patterns);
  if (set.has_value() != again.has_value()) std::abort();  // compiling is deterministic
  if (set) {
    if (set->empty() != patterns.empty()) std::abort();
    const sluice::sqs::ReceivedMessage message = message_of(body);
    const std::string_view arn = "arn:aws:sqs:us-east-1:123456789012:orders";
    const bool kept = set->matches(message, arn, "us-east-1");
    if (set->matches(message, arn, "us-east-1") != kept) std::abort();
    if (again->matches(message, arn, "us-east-1") != kept) std::abort();
    if (patterns.empty() && !kept) std::abort();  // no filter keeps every record
  }

  const std::unordered_set<std::string> batch = {"059f36b4-87a3-44ab-83d2-661975830a7d",
                                                 "2e1424d4-f796-459a-8184-9c92662be6da"};
  const detail::PartialBatchResult result = detail::read_partial_batch_response(body, batch);
  if (result.whole_batch_failed && result.reason.empty()) std::abort();  // a whole-batch failure says why
  for (const std::string& id : result.failed) {
    if (batch.count(id) == 0) std::abort();  // only messages of the batch can fail
  }
  return 0;
}
