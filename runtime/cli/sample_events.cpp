#include "sample_events.h"

#include <boost/json.hpp>

#include <chrono>
#include <ctime>

#include "sluice/common/crypto.h"

namespace sluice::cli {
namespace {

namespace json = boost::json;

int64_t now_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

std::string iso8601(int64_t ms) {
  std::time_t seconds = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char buffer[40];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%S", &tm);
  char out[48];
  std::snprintf(out, sizeof out, "%s.%03dZ", buffer, static_cast<int>(ms % 1000));
  return out;
}

}  // namespace

std::string sample_sqs_event(const SqsEventOptions& options) {
  json::array records;
  std::string sent = std::to_string(now_ms());
  for (int i = 0; i < options.count; ++i) {
    json::object record;
    record["messageId"] = uuid4();
    record["receiptHandle"] = base64_encode(random_bytes(48));
    record["body"] = options.body;
    record["attributes"] = json::object{{"ApproximateReceiveCount", "1"},
                                        {"SentTimestamp", sent},
                                        {"SenderId", "123456789012"},
                                        {"ApproximateFirstReceiveTimestamp", sent}};
    record["messageAttributes"] = json::object{};
    record["md5OfMessageAttributes"] = nullptr;
    record["md5OfBody"] = md5_hex(options.body);
    record["eventSource"] = "aws:sqs";
    record["eventSourceARN"] = options.queue_arn;
    record["awsRegion"] = options.region;
    records.push_back(std::move(record));
  }
  return json::serialize(json::object{{"Records", std::move(records)}});
}

std::string sample_sns_event(const SnsEventOptions& options) {
  std::string region = "us-east-1";
  // arn:aws:sns:REGION:...
  if (auto first = options.topic_arn.find(':', 8); first != std::string::npos) {
    auto second = options.topic_arn.find(':', first + 1);
    if (second != std::string::npos) region = options.topic_arn.substr(first + 1, second - first - 1);
  }
  std::string subscription = options.topic_arn + ":" + uuid4();
  json::object sns;
  sns["Type"] = "Notification";
  sns["MessageId"] = uuid4();
  sns["TopicArn"] = options.topic_arn;
  sns["Subject"] = options.subject.empty() ? json::value(nullptr) : json::value(options.subject);
  sns["Message"] = options.message;
  sns["Timestamp"] = iso8601(now_ms());
  sns["SignatureVersion"] = "1";
  sns["Signature"] = base64_encode(random_bytes(128));
  sns["SigningCertUrl"] = "https://sns." + region + ".amazonaws.com/SimpleNotificationService-sample.pem";
  sns["UnsubscribeUrl"] =
      "https://sns." + region + ".amazonaws.com/?Action=Unsubscribe&SubscriptionArn=" + subscription;
  sns["MessageAttributes"] = json::object{};
  json::object record{{"EventSource", "aws:sns"}, {"EventVersion", "1.0"}, {"EventSubscriptionArn", subscription},
                      {"Sns", std::move(sns)}};
  return json::serialize(json::object{{"Records", json::array{std::move(record)}}});
}

}  // namespace sluice::cli
