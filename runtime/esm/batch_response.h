#pragma once
// Reading a function's partial batch response (ReportBatchItemFailures), by AWS's rules:
// success for an empty or null response, an empty object, or an empty/null batchItemFailures;
// the whole batch fails for invalid JSON, an entry without an "itemIdentifier" key (a bad key
// name), an empty or null itemIdentifier, or one that names no message of the batch.

#include <string>
#include <string_view>
#include <unordered_set>

namespace sluice::esm::detail {

struct PartialBatchResult {
  bool whole_batch_failed = false;
  std::string reason;                      // why the whole batch failed
  std::unordered_set<std::string> failed;  // message ids to leave on the queue
};

PartialBatchResult read_partial_batch_response(std::string_view payload,
                                               const std::unordered_set<std::string>& batch_message_ids);

}  // namespace sluice::esm::detail
