// The Lambda SQS event for a batch of structured records, written straight into one string (a
// JSON tree plus serialize cost more than the rest of a no-op invocation). Field order, spelling
// and escaping are what boost::json::serialize produced before: attributes as strings,
// messageAttributes `{}` when none, md5OfMessageAttributes null when there are no attributes
// (aws-facts 3.6).
#include <charconv>
#include <string>
#include <string_view>

#include "sluice/common/crypto.h"
#include "sluice/common/json_escape.h"
#include "sluice/functions/plugin_host.h"

namespace sluice::functions {
namespace {

std::string_view sv(sluice_bytes b) { return b.size ? std::string_view(b.data, b.size) : std::string_view{}; }

void str(std::string& out, std::string_view s) { common::append_json_string(out, s); }

void num_str(std::string& out, int64_t v) {
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  out.push_back('"');
  out.append(buf, r.ptr);
  out.push_back('"');
}

}  // namespace

std::string sqs_event_json(std::span<const sluice_sqs_record> records) {
  std::string out;
  size_t guess = 16;
  for (const auto& r : records) guess += 600 + r.body.size + r.receipt_handle.size;
  out.reserve(guess);
  out += "{\"Records\":[";
  bool first = true;
  for (const auto& r : records) {
    if (!first) out.push_back(',');
    first = false;
    out += "{\"messageId\":";
    str(out, sv(r.message_id));
    out += ",\"receiptHandle\":";
    str(out, sv(r.receipt_handle));
    out += ",\"body\":";
    str(out, sv(r.body));
    out += ",\"attributes\":{\"ApproximateReceiveCount\":";
    num_str(out, r.approximate_receive_count);
    out += ",\"SentTimestamp\":";
    num_str(out, r.sent_timestamp_ms);
    out += ",\"SenderId\":";
    str(out, sv(r.sender_id));
    out += ",\"ApproximateFirstReceiveTimestamp\":";
    num_str(out, r.approximate_first_receive_timestamp_ms);
    if (r.sequence_number.size) {
      out += ",\"SequenceNumber\":";
      str(out, sv(r.sequence_number));
    }
    if (r.message_group_id.size) {
      out += ",\"MessageGroupId\":";
      str(out, sv(r.message_group_id));
    }
    if (r.message_deduplication_id.size) {
      out += ",\"MessageDeduplicationId\":";
      str(out, sv(r.message_deduplication_id));
    }
    if (r.aws_trace_header.size) {
      out += ",\"AWSTraceHeader\":";
      str(out, sv(r.aws_trace_header));
    }
    out += "},\"messageAttributes\":{";
    for (size_t i = 0; i < r.message_attribute_count; ++i) {
      const auto& a = r.message_attributes[i];
      if (i) out.push_back(',');
      str(out, sv(a.name));
      std::string_view type = sv(a.data_type);
      if (type.starts_with("Binary")) {
        out += ":{\"binaryValue\":";
        str(out, common::base64_encode(sv(a.value)));
      } else {
        out += ":{\"stringValue\":";
        str(out, sv(a.value));
      }
      out += ",\"stringListValues\":[],\"binaryListValues\":[],\"dataType\":";
      str(out, type);
      out.push_back('}');
    }
    out += "},\"md5OfMessageAttributes\":";
    if (r.md5_of_message_attributes.size) str(out, sv(r.md5_of_message_attributes));
    else out += "null";
    out += ",\"md5OfBody\":";
    str(out, sv(r.md5_of_body));
    out += ",\"eventSource\":\"aws:sqs\",\"eventSourceARN\":";
    str(out, sv(r.event_source_arn));
    out += ",\"awsRegion\":";
    str(out, sv(r.aws_region));
    out.push_back('}');
  }
  out += "]}";
  return out;
}

}  // namespace sluice::functions
