// The Lambda SQS event for a batch of structured records. Field order and spelling follow what
// AWS sends (aws-facts 3.6): attributes as strings, messageAttributes `{}` when none,
// md5OfMessageAttributes present as null when there are no attributes.
#include <boost/json.hpp>

#include <string>
#include <string_view>

#include "sluice/common/crypto.h"
#include "sluice/functions/plugin_host.h"

namespace sluice::functions {
namespace {

boost::json::string_view sv(sluice_bytes b) { return b.size ? boost::json::string_view(b.data, b.size) : ""; }

}  // namespace

std::string sqs_event_json(std::span<const sluice_sqs_record> records) {
  boost::json::array out;
  out.reserve(records.size());
  for (const auto& r : records) {
    boost::json::object rec;
    rec["messageId"] = sv(r.message_id);
    rec["receiptHandle"] = sv(r.receipt_handle);
    rec["body"] = sv(r.body);

    boost::json::object attrs;
    attrs["ApproximateReceiveCount"] = std::to_string(r.approximate_receive_count);
    attrs["SentTimestamp"] = std::to_string(r.sent_timestamp_ms);
    attrs["SenderId"] = sv(r.sender_id);
    attrs["ApproximateFirstReceiveTimestamp"] = std::to_string(r.approximate_first_receive_timestamp_ms);
    if (r.sequence_number.size) attrs["SequenceNumber"] = sv(r.sequence_number);
    if (r.message_group_id.size) attrs["MessageGroupId"] = sv(r.message_group_id);
    if (r.message_deduplication_id.size) attrs["MessageDeduplicationId"] = sv(r.message_deduplication_id);
    if (r.aws_trace_header.size) attrs["AWSTraceHeader"] = sv(r.aws_trace_header);
    rec["attributes"] = std::move(attrs);

    boost::json::object mattrs;
    for (size_t i = 0; i < r.message_attribute_count; ++i) {
      const auto& a = r.message_attributes[i];
      boost::json::object v;
      std::string_view type(a.data_type.data ? a.data_type.data : "", a.data_type.size);
      if (type.starts_with("Binary"))
        v["binaryValue"] = base64_encode(std::string_view(a.value.data ? a.value.data : "", a.value.size));
      else
        v["stringValue"] = sv(a.value);
      v["stringListValues"] = boost::json::array();
      v["binaryListValues"] = boost::json::array();
      v["dataType"] = sv(a.data_type);
      mattrs[sv(a.name)] = std::move(v);
    }
    rec["messageAttributes"] = std::move(mattrs);
    if (r.md5_of_message_attributes.size)
      rec["md5OfMessageAttributes"] = sv(r.md5_of_message_attributes);
    else
      rec["md5OfMessageAttributes"] = nullptr;
    rec["md5OfBody"] = sv(r.md5_of_body);
    rec["eventSource"] = "aws:sqs";
    rec["eventSourceARN"] = sv(r.event_source_arn);
    rec["awsRegion"] = sv(r.aws_region);
    out.push_back(std::move(rec));
  }
  return boost::json::serialize(boost::json::object{{"Records", std::move(out)}});
}

}  // namespace sluice::functions
