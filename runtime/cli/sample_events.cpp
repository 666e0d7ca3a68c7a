#include "sample_events.h"

#include <boost/json.hpp>

#include <vector>

#include "sluice/common/clock.h"
#include "sluice/common/crypto.h"
#include "sluice/common/defaults.h"
#include "sluice/functions/plugin_host.h"

namespace sluice::cli {
namespace {

namespace json = boost::json;

}  // namespace

// The same event builder the runtime hands to handlers, fed with made-up receives.
std::string sample_sqs_event(const SqsEventOptions& options) {
  struct Owned {
    std::string message_id, receipt_handle, md5;
  };
  const std::string sender = common::kDefaultAccountId;
  const int64_t sent = common::system_clock()->now_ms();
  std::vector<Owned> owned(static_cast<size_t>(std::max(1, options.count)));
  std::vector<sluice_sqs_record> records(owned.size());
  auto bytes = [](const std::string& s) { return sluice_bytes{s.data(), s.size()}; };
  for (size_t i = 0; i < owned.size(); ++i) {
    owned[i] = {common::uuid4(), common::base64_encode(common::random_bytes(48)), common::md5_hex(options.body)};
    sluice_sqs_record& r = records[i];
    r = sluice_sqs_record{};
    r.message_id = bytes(owned[i].message_id);
    r.receipt_handle = bytes(owned[i].receipt_handle);
    r.body = bytes(options.body);
    r.md5_of_body = bytes(owned[i].md5);
    r.event_source_arn = bytes(options.queue_arn);
    r.aws_region = bytes(options.region);
    r.approximate_receive_count = 1;
    r.sent_timestamp_ms = sent;
    r.approximate_first_receive_timestamp_ms = sent;
    r.sender_id = bytes(sender);
  }
  return functions::sqs_event_json(records);
}

std::string sample_sns_event(const SnsEventOptions& options) {
  std::string region = common::kDefaultRegion;
  // arn:aws:sns:REGION:...
  if (auto first = options.topic_arn.find(':', 8); first != std::string::npos) {
    auto second = options.topic_arn.find(':', first + 1);
    if (second != std::string::npos) region = options.topic_arn.substr(first + 1, second - first - 1);
  }
  std::string subscription = options.topic_arn + ":" + common::uuid4();
  json::object sns;
  sns["Type"] = "Notification";
  sns["MessageId"] = common::uuid4();
  sns["TopicArn"] = options.topic_arn;
  sns["Subject"] = options.subject.empty() ? json::value(nullptr) : json::value(options.subject);
  sns["Message"] = options.message;
  sns["Timestamp"] = common::format_iso8601_ms(common::system_clock()->now_ms());
  sns["SignatureVersion"] = "1";
  sns["Signature"] = common::base64_encode(common::random_bytes(128));
  sns["SigningCertUrl"] = "https://sns." + region + ".amazonaws.com/SimpleNotificationService-sample.pem";
  sns["UnsubscribeUrl"] =
      "https://sns." + region + ".amazonaws.com/?Action=Unsubscribe&SubscriptionArn=" + subscription;
  sns["MessageAttributes"] = json::object{};
  json::object record{{"EventSource", "aws:sns"},
                      {"EventVersion", "1.0"},
                      {"EventSubscriptionArn", subscription},
                      {"Sns", std::move(sns)}};
  return json::serialize(json::object{{"Records", json::array{std::move(record)}}});
}

}  // namespace sluice::cli
