#pragma once
// Sample Lambda events for `sluice generate-event`, in the exact shapes Lambda delivers: SQS and
// SNS (aws-facts 3.6 and 3.7), and, in sample_events_services.cpp, the shapes AWS documents for
// S3 event notifications, CloudWatch alarm actions, EventBridge scheduled rules and API Gateway
// Lambda proxy integrations (REST APIs' payload format 1.0, HTTP APIs' 2.0).

#include <string>

#include "sluice/common/defaults.h"

namespace sluice::cli {

struct SqsEventOptions {
  std::string body = "Hello from SQS!";
  std::string queue_arn =
      std::string("arn:aws:sqs:") + common::kDefaultRegion + ":" + common::kDefaultAccountId + ":my-queue";
  std::string region = common::kDefaultRegion;
  int count = 1;
};

struct SnsEventOptions {
  std::string message = "Hello from SNS!";
  std::string subject;  // "" = null
  std::string topic_arn =
      std::string("arn:aws:sns:") + common::kDefaultRegion + ":" + common::kDefaultAccountId + ":my-topic";
};

// What every event that names an account and a region carries.
struct EventOrigin {
  std::string region = common::kDefaultRegion;
  std::string account_id = common::kDefaultAccountId;
};

struct S3EventOptions {
  EventOrigin origin;
  bool deleted = false;  // ObjectRemoved:Delete instead of ObjectCreated:Put
  std::string bucket = "example-bucket";
  std::string key = "test/key";
  int64_t size = 1024;
};

struct AlarmEventOptions {
  EventOrigin origin;
  std::string alarm_name = "my-alarm";
  std::string state = "ALARM";  // OK, ALARM or INSUFFICIENT_DATA
  std::string previous_state = "OK";
  std::string reason = "Threshold Crossed: 1 out of the last 1 datapoints was greater than the threshold (5.0).";
};

struct ScheduledEventOptions {
  EventOrigin origin;
  std::string rule_name = "my-scheduled-rule";
};

struct ApiGatewayEventOptions {
  EventOrigin origin;
  std::string method = "GET";
  std::string path = "/path/to/resource";
  std::string body;  // "" = null
  std::string stage = "prod";
};

std::string sample_sqs_event(const SqsEventOptions& options);
std::string sample_sns_event(const SnsEventOptions& options);
std::string sample_s3_event(const S3EventOptions& options);
std::string sample_cloudwatch_alarm_event(const AlarmEventOptions& options);
std::string sample_scheduled_event(const ScheduledEventOptions& options);
std::string sample_api_gateway_rest_event(const ApiGatewayEventOptions& options);  // payload format 1.0
std::string sample_api_gateway_http_event(const ApiGatewayEventOptions& options);  // payload format 2.0

}  // namespace sluice::cli
