#pragma once
// The audit trail: every API call the front door answers becomes a CloudTrail event record, as
// CloudTrail writes them (eventVersion 1.09: userIdentity, eventTime, eventSource, eventName,
// awsRegion, sourceIPAddress, userAgent, requestParameters, responseElements, errorCode,
// errorMessage, requestID, eventID, readOnly, resources, eventType AwsApiCall, managementEvent,
// recipientAccountId, eventCategory). It knows no wire format: the front door hands it an ApiCall
// whose parameters and answer are already JSON.
//
// What is recorded: management events always; data events (SQS's message actions, SNS Publish,
// Lambda Invoke, which CloudTrail logs only when a trail selects them) only with
// TrailOptions::data_events. Nothing secret is written: secret keys, session tokens, passwords,
// KMS plaintexts and ciphertexts, function code and payloads are dropped; message bodies and SNS
// messages and subjects read "HIDDEN_DUE_TO_SECURITY_REASONS", as CloudTrail writes them; answers
// of read-only calls are not kept (responseElements null).
//
// How it works: record() queues the call and returns; a job in the trail's own lane of the work
// pool (one at a time) takes every queued call, lets the caller's decode step run, builds the
// records and appends them with one write to the current JSON-lines file of
// <data_dir>/cloudtrail/ (mode 0600, one record a line). A file is closed once it holds
// max_file_bytes or is max_file_age_ms old; at most max_files are kept (the oldest is deleted).
// The newest ring_capacity records are also held in memory for lookup(); in-memory mode (no
// data_dir) keeps only that ring. At open, the ring is filled again from the files.
//
// Threads: record(), lookup() and flush() from any thread. Lifecycle: open() -> record()... ->
// destroy (waits for queued records to be written). The work pool must outlive the trail.

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sluice/common/aws_error.h"
#include "sluice/common/clock.h"
#include "sluice/common/work_pool.h"
#include "sluice/identity/principal.h"

namespace sluice::audit {

// One answered API call, as the front door saw it.
struct ApiCall {
  int64_t time_ms = 0;     // when it was answered; 0: record() reads the trail's clock
  std::string service;     // the front door's service name: "sqs", "sns", "kms", "lambda", "sts", ...
  std::string event_name;  // the operation: "SendMessage"
  std::string region;
  std::string account_id;  // the account called (recipientAccountId)
  identity::Principal principal;
  std::string access_key_id;  // the signing key, "" when unsigned
  std::string source_ip;
  std::string user_agent;
  std::string request_id;
  // JSON object texts: the request's members and the answer's result members, "" = none.
  std::string request_parameters;
  std::string response_elements;
  std::string error_code;  // "" when the call succeeded
  std::string error_message;
  // Runs in the trail's lane before the record is built, so that reading the wire (decoding a
  // form, an XML answer) stays off the request path. May be empty.
  std::function<void(ApiCall&)> decode;
};

struct TrailOptions {
  std::string data_dir;      // files go to <data_dir>/cloudtrail/; "" = in memory only
  bool data_events = false;  // also record data events (see above)
  size_t max_file_bytes = size_t{16} * 1024 * 1024;
  int64_t max_file_age_ms = int64_t{60} * 60 * 1000;  // one hour
  size_t max_files = 16;
  size_t ring_capacity = 10'000;                // records held for lookup()
  std::shared_ptr<common::Clock> clock;         // default the system clock
  std::shared_ptr<common::WorkPool> work_pool;  // default a pool of the trail's own
};

// A resource an event names: "AWS::SQS::Queue" and the queue's URL, "AWS::KMS::Key" and its ARN.
struct EventResource {
  std::string type;
  std::string name;
};

// One recorded event, as LookupEvents summarizes it.
struct Event {
  uint64_t sequence = 0;  // order of recording
  std::string event_id;
  std::string event_name;
  std::string event_source;  // "sqs.amazonaws.com"
  bool read_only = false;
  bool management = true;
  std::string access_key_id;
  int64_t time_ms = 0;
  std::string username;    // the user's name, the role session's name, "root"; "" when anonymous
  std::string account_id;  // recipientAccountId: whose trail shows it
  std::string region;      // awsRegion (us-east-1 for IAM's and STS's global events)
  std::vector<EventResource> resources;
  std::string record;  // the CloudTrail record, JSON text
};

// LookupEvents' lookup attribute keys.
enum class LookupKey { EventId, EventName, ReadOnly, Username, ResourceType, ResourceName, EventSource, AccessKeyId };
std::optional<LookupKey> lookup_key_named(std::string_view name);

struct LookupQuery {
  // The caller's account and the region asked: LookupEvents shows only the events recorded for
  // that account in that region, as each account's CloudTrail is its own. Empty: every event.
  std::string account_id;
  std::string region;
  std::optional<LookupKey> key;  // at most one attribute, as CloudTrail allows
  std::string value;
  std::optional<int64_t> start_ms;  // inclusive
  std::optional<int64_t> end_ms;    // inclusive
  size_t max_results = 50;
  std::string next_token;  // "" = the first page
};

struct LookupPage {
  std::vector<Event> events;  // newest first
  std::string next_token;     // "" = no more
};

class Trail {
 public:
  static std::shared_ptr<Trail> open(TrailOptions options, std::string* error);
  virtual ~Trail() = default;
  // Whether a call of this service and operation is recorded (a data event only when enabled).
  virtual bool records(std::string_view service, std::string_view event_name) const = 0;
  // False for reads, whose answers CloudTrail does not write (the front door need not copy them).
  virtual bool keeps_answer(std::string_view service, std::string_view event_name) const = 0;
  // Queues the call; never blocks on I/O.
  virtual void record(ApiCall call) = 0;
  // Management events only, as CloudTrail's event history. Waits for queued records first.
  // InvalidNextToken when the token is not one this query's previous page gave.
  virtual common::Outcome<LookupPage> lookup(const LookupQuery& query) = 0;
  // Waits until every queued record is written.
  virtual void flush() = 0;
};

}  // namespace sluice::audit
