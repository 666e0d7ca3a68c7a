#pragma once
// Internal: what CloudTrail says of an operation — the event source of its service, whether it is
// a data event or a management event, and whether it only reads.

#include <string_view>

namespace sluice::audit::detail {

// "sqs.amazonaws.com" for the front door's service "sqs"; "" for a service CloudTrail does not
// know (sluice's own endpoints), whose calls are not recorded.
std::string_view event_source(std::string_view service);
// The operations CloudTrail logs as data events (only when a trail selects them): SQS's message
// operations, SNS Publish and PublishBatch, Lambda Invoke.
bool is_data_event(std::string_view service, std::string_view event_name);
// Get*, List*, Describe*, Lookup* and the calls that change nothing (KMS's cryptographic
// operations, ReceiveMessage, GetCallerIdentity).
bool is_read_only(std::string_view service, std::string_view event_name);
// Operations whose request body and answer are the caller's own data (Lambda's Invoke payload
// and the function's result): only the function's name is written, and no answer.
bool carries_payload(std::string_view service, std::string_view event_name);
// Whether the answer is written as responseElements: for calls that change something, as
// CloudTrail does, except payload-carrying ones.
bool keeps_answer(std::string_view service, std::string_view event_name);
// The eventName CloudTrail writes for an operation. Lambda's carry the date (and revision) of the
// API version that served them, as the Lambda developer guide says ("GetFunction" appears as
// "GetFunction20150331") and the CloudTrail user guide lists them (CreateFunction20150331,
// UpdateFunctionCode20150331v2, TagResource20170331v2, ...); an operation neither names keeps its
// name, as do every other service's.
std::string_view recorded_event_name(std::string_view service, std::string_view operation);
// The region CloudTrail writes for a call: IAM is global and its events say us-east-1.
std::string_view event_region(std::string_view service, std::string_view region);

}  // namespace sluice::audit::detail
