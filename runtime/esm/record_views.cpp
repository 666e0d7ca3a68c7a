#include "record_views.h"

#include <charconv>
#include <cstdint>

namespace sluice::esm::detail {
namespace {

sluice_bytes bytes(std::string_view s) { return sluice_bytes{s.data(), s.size()}; }

template <typename Int>
Int to_int(std::string_view s) {
  Int v = 0;
  std::from_chars(s.data(), s.data() + s.size(), v);
  return v;
}

// The per-record JSON of the event around the variable parts (keys, ids, md5s, ARN), rounded up.
constexpr size_t kRecordOverhead = 512;

}  // namespace

std::string_view system_attribute(const sqs::ReceivedMessage& message, std::string_view name) {
  for (const auto& [key, value] : message.attributes)
    if (key == name) return value;
  return {};
}

size_t record_payload_size(const sqs::ReceivedMessage& message) {
  size_t n = kRecordOverhead + message.body.size() + message.receipt_handle.size();
  for (const auto& [key, value] : message.attributes) n += key.size() + value.size() + 6;
  for (const auto& [key, a] : message.message_attributes)
    n += key.size() + a.data_type.size() + a.string_value.size() + (a.binary_value.size() * 4 + 2) / 3 + 96;
  return n;
}

RecordViews::RecordViews(const std::vector<sqs::ReceivedMessage>& messages, std::string_view event_source_arn,
                         std::string_view region) {
  attributes_.reserve(messages.size());
  records_.reserve(messages.size());
  for (const auto& m : messages) {
    auto& attrs = attributes_.emplace_back();
    for (const auto& [name, a] : m.message_attributes) {
      bool binary = std::string_view(a.data_type).starts_with("Binary");
      attrs.push_back({bytes(name), bytes(a.data_type), bytes(binary ? a.binary_value : a.string_value)});
    }
    sluice_sqs_record r{};
    r.message_id = bytes(m.message_id);
    r.receipt_handle = bytes(m.receipt_handle);
    r.body = bytes(m.body);
    r.md5_of_body = bytes(m.md5_of_body);
    r.md5_of_message_attributes =
        m.md5_of_message_attributes ? bytes(*m.md5_of_message_attributes) : sluice_bytes{nullptr, 0};
    r.event_source_arn = bytes(event_source_arn);
    r.aws_region = bytes(region);
    // One pass over the system attributes (a look-up by name for each field was a scan each).
    for (const auto& [key, value] : m.attributes) {
      if (key == "ApproximateReceiveCount") r.approximate_receive_count = to_int<uint32_t>(value);
      else if (key == "SentTimestamp") r.sent_timestamp_ms = to_int<int64_t>(value);
      else if (key == "ApproximateFirstReceiveTimestamp")
        r.approximate_first_receive_timestamp_ms = to_int<int64_t>(value);
      else if (key == "SenderId") r.sender_id = bytes(value);
      else if (key == "SequenceNumber") r.sequence_number = bytes(value);
      else if (key == "MessageGroupId") r.message_group_id = bytes(value);
      else if (key == "MessageDeduplicationId") r.message_deduplication_id = bytes(value);
      else if (key == "AWSTraceHeader") r.aws_trace_header = bytes(value);
    }
    r.message_attributes = attrs.data();
    r.message_attribute_count = attrs.size();
    records_.push_back(r);
  }
}

}  // namespace sluice::esm::detail
