// Boost.JSON is enough here: the response is only inspected for strings and structure.
#include "batch_response.h"

#include <boost/json.hpp>

namespace sluice::esm::detail {
namespace {

PartialBatchResult whole(std::string reason) {
  PartialBatchResult r;
  r.whole_batch_failed = true;
  r.reason = std::move(reason);
  return r;
}

bool blank(std::string_view s) { return s.find_first_not_of(" \t\r\n") == std::string_view::npos; }

}  // namespace

PartialBatchResult read_partial_batch_response(std::string_view payload,
                                               const std::unordered_set<std::string>& batch_message_ids) {
  if (blank(payload)) return {};
  boost::json::error_code ec;
  boost::json::value doc = boost::json::parse(payload, ec);
  if (ec) return whole("the response is not valid JSON");
  if (!doc.is_object()) return {};  // null, or a payload that is no partial batch response
  const auto* list = doc.as_object().if_contains("batchItemFailures");
  if (!list || list->is_null()) return {};
  if (!list->is_array()) return whole("batchItemFailures is not a list");
  PartialBatchResult result;
  for (const auto& entry : list->as_array()) {
    if (!entry.is_object()) return whole("a batchItemFailures entry is not an object");
    const auto* id = entry.as_object().if_contains("itemIdentifier");
    if (!id) return whole("a batchItemFailures entry has no itemIdentifier key");
    if (id->is_null()) return whole("an itemIdentifier is null");
    if (!id->is_string()) return whole("an itemIdentifier is not a string");
    std::string value(id->as_string());
    if (value.empty()) return whole("an itemIdentifier is empty");
    if (!batch_message_ids.contains(value)) return whole("itemIdentifier " + value + " is not a message of the batch");
    result.failed.insert(std::move(value));
  }
  return result;
}

}  // namespace sluice::esm::detail
