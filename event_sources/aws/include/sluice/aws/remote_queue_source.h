#pragma once
// A QueueSource for a queue at any SQS endpoint (real SQS, or a sluice server) over the JSON 1.0
// protocol. receive() is one ReceiveMessage long poll per call with the HTTP read timeout set
// above the wait; interrupt() shuts the poll's socket down, so the poll ends at once without the
// source ever polling in short slices. Deletes and visibility changes go out in batches of 10.

#include <memory>
#include <optional>
#include <string>

#include "sluice/aws/credentials.h"
#include "sluice/aws/sqs_client.h"
#include "sluice/sqs/queue_source.h"

namespace sluice::aws {

struct RemoteQueueOptions {
  std::string queue;     // https://sqs.REGION.amazonaws.com/ACCOUNT/NAME or arn:aws:sqs:REGION:ACCOUNT:NAME
  std::string endpoint;  // override, e.g. http://127.0.0.1:9324; empty = the queue URL's host
  std::shared_ptr<CredentialsProvider> credentials;  // null = default_credentials_chain()
  std::string region;                                // empty = from the ARN or URL, else resolve_region()
  RetryPolicy retry;
};

// The queue URL for an SQS ARN: at the endpoint when given, else the public SQS host of the
// ARN's region and partition. nullopt when the text is not an SQS queue ARN.
std::optional<std::string> queue_url_from_arn(std::string_view arn, std::string_view endpoint = {});

// The region in an AWS-style queue URL host (sqs.REGION.amazonaws.com[.cn], REGION.queue.amazonaws.com).
std::optional<std::string> region_from_queue_url(std::string_view url);

// Null (with *error set when given) when the queue cannot be addressed or no region can be found.
// Credentials are resolved lazily, on the first call.
std::unique_ptr<sqs::QueueSource> make_remote_queue_source(const RemoteQueueOptions& options,
                                                           std::string* error = nullptr);

}  // namespace sluice::aws
