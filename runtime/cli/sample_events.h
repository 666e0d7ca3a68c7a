#pragma once
// Sample Lambda events for `sluice generate-event`, in the exact shapes Lambda delivers
// (aws-facts 3.6 and 3.7).

#include <string>

#include "sluice/common/defaults.h"

namespace sluice::cli {

struct SqsEventOptions {
  std::string body = "Hello from SQS!";
  std::string queue_arn = std::string("arn:aws:sqs:") + kDefaultRegion + ":" + kDefaultAccountId + ":my-queue";
  std::string region = kDefaultRegion;
  int count = 1;
};

struct SnsEventOptions {
  std::string message = "Hello from SNS!";
  std::string subject;  // "" = null
  std::string topic_arn = std::string("arn:aws:sns:") + kDefaultRegion + ":" + kDefaultAccountId + ":my-topic";
};

std::string sample_sqs_event(const SqsEventOptions& options);
std::string sample_sns_event(const SnsEventOptions& options);

}  // namespace sluice::cli
