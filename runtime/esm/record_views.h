#pragma once
// The C-struct view (sluice_sqs_record) of a batch of received messages, as the plugin host takes
// it: the host builds the Lambda event JSON from these structs, or hands them straight to a
// handler with the SQS fast path. The views point into the messages, which must outlive them.

#include <sluice/handler.h>

#include <span>
#include <string_view>
#include <vector>

#include "sluice/sqs/engine.h"

namespace sluice::esm::detail {

class RecordViews {
 public:
  RecordViews(const std::vector<sqs::ReceivedMessage>& messages, std::string_view event_source_arn,
              std::string_view region);
  std::span<const sluice_sqs_record> records() const { return records_; }

 private:
  std::vector<std::vector<sluice_sqs_message_attribute>> attributes_;
  std::vector<sluice_sqs_record> records_;
};

// A message's system attribute by name ("" when absent).
std::string_view system_attribute(const sqs::ReceivedMessage& message, std::string_view name);

// What a record adds to the event payload, counted against Lambda's 6 MB limit: the body, the
// attributes and the fixed per-record JSON of the event.
size_t record_payload_size(const sqs::ReceivedMessage& message);

}  // namespace sluice::esm::detail
