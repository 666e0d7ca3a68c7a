#pragma once
// A client for the SQS JSON 1.0 protocol: POST / with X-Amz-Target: AmazonSQS.<Action>, a JSON
// body using the API's member names, SigV4-signed for service "sqs". Answers are JSON objects; an
// error answer becomes an AwsError through its x-amzn-query-error header (the legacy query code)
// or its "__type", looked up in sluice's error table. A code the table does not know keeps its
// text: the AwsError gets the closest generic code and the message "<Code>: <message>".
//
// Retries: throttling (RequestThrottled, ThrottlingException, ...), HTTP 5xx and connection
// failures are retried up to RetryPolicy::max_attempts with exponential backoff and full jitter.
//
// Endpoint: every call names a queue URL; the request goes to that URL's scheme/host/port unless
// an endpoint override is set (http://127.0.0.1:PORT for a local sluice or a test).
//
// Cancellation: a call made with a Cancellation can be aborted from another thread by
// Cancellation::cancel(), which shuts the call's socket down (no polling), so a 20 s long poll
// ends at once.

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/object.hpp>

#include "sluice/aws/credentials.h"
#include "sluice/common/aws_error.h"

namespace httplib {
class Client;
}

namespace sluice::aws {

struct RetryPolicy {
  int max_attempts = 5;  // including the first
  std::chrono::milliseconds base_delay{50};
  std::chrono::milliseconds max_delay{5000};
};

struct SqsClientOptions {
  std::string region;    // signing region; required
  std::string endpoint;  // override, e.g. "http://127.0.0.1:9324"; empty = the queue URL's host
  std::shared_ptr<CredentialsProvider> credentials;  // required
  RetryPolicy retry;
  std::chrono::milliseconds connect_timeout{5000};
  std::chrono::milliseconds read_timeout{30000};  // per call; long polls pass their own
};

// Maps an error code seen on the wire (a query code such as "AWS.SimpleQueueService.NonExistentQueue"
// or a JSON type such as "QueueDoesNotExist", with or without the "com.amazonaws.sqs#" prefix) to
// the error table. nullopt when the table has no such code.
std::optional<common::AwsErrorCode> error_code_from_wire(std::string_view code);

// Builds the AwsError for an error answer. query_error_header may be empty.
common::AwsError error_from_response(int http_status, std::string_view query_error_header, std::string_view body);

// Whether an error answer is worth retrying (throttling or a server fault).
bool retryable_error(int http_status, std::string_view wire_code);

class Cancellation {
 public:
  // Aborts every call in flight under this cancellation and every later one; returns once the
  // calls in flight have given up.
  void cancel();
  bool cancelled() const;

 private:
  friend class SqsClient;
  bool enter(httplib::Client* client);  // false when already cancelled
  void leave(httplib::Client* client);
  // Sleeps for the backoff delay unless cancelled first; false when cancelled.
  bool sleep_for(std::chrono::milliseconds delay);

  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool cancelled_ = false;
  std::set<httplib::Client*> in_flight_;
};

class SqsClient {
 public:
  explicit SqsClient(SqsClientOptions options);
  ~SqsClient();
  SqsClient(const SqsClient&) = delete;
  SqsClient& operator=(const SqsClient&) = delete;

  // Calls AmazonSQS.<action> with the body (QueueUrl is added from queue_url when absent).
  // read_timeout overrides the client default (a long poll passes wait + margin).
  common::Outcome<boost::json::object> call(std::string_view queue_url, std::string_view action,
                                            boost::json::object body,
                                            std::optional<std::chrono::milliseconds> read_timeout = std::nullopt,
                                            Cancellation* cancellation = nullptr);

  const SqsClientOptions& options() const { return options_; }

 private:
  struct Pool;
  SqsClientOptions options_;
  std::unique_ptr<Pool> pool_;
};

}  // namespace sluice::aws
