#pragma once
// Sample Lambda events for `sluice generate-event`, in the exact shapes Lambda delivers
// (aws-facts 3.6 and 3.7).

#include <string>

namespace sluice::cli {

struct SqsEventOptions {
  std::string body = "Hello from SQS!";
  std::string queue_arn = "arn:aws:sqs:us-east-1:123456789012:my-queue";
  std::string region = "us-east-1";
  int count = 1;
};

struct SnsEventOptions {
  std::string message = "Hello from SNS!";
  std::string subject;  // "" = null
  std::string topic_arn = "arn:aws:sns:us-east-1:123456789012:my-topic";
};

std::string sample_sqs_event(const SqsEventOptions& options);
std::string sample_sns_event(const SnsEventOptions& options);

}  // namespace sluice::cli
