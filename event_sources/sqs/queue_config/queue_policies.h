#pragma once
// Internal to queue_config: the three JSON-valued queue attributes (RedrivePolicy,
// RedriveAllowPolicy, Policy). Each parser takes the attribute string exactly as the caller sent
// it (AWS quotes it back in its error texts) and answers the parsed form or AWS's error.
// The renderers produce the compact JSON GetQueueAttributes shows.

#include <string>
#include <string_view>

#include "queue_config.h"

namespace sluice::sqs::detail {

// {"deadLetterTargetArn": "<arn>", "maxReceiveCount": 1..1000}; maxReceiveCount may be a JSON
// number or a string holding one (the AWS CLI and CloudFormation send either).
common::Outcome<RedrivePolicy> parse_redrive_policy(std::string_view text);
std::string render_redrive_policy(const RedrivePolicy& policy);

// {"redrivePermission": "allowAll|denyAll|byQueue", "sourceQueueArns": [...]}.
common::Outcome<RedriveAllowPolicy> parse_redrive_allow_policy(std::string_view text);
std::string render_redrive_allow_policy(const RedriveAllowPolicy& policy);

// An access policy document: a JSON object of at most 8192 bytes with a Statement.
std::optional<common::AwsError> check_access_policy(std::string_view text);

// True when both texts are JSON and denote the same value (object key order and whitespace
// ignored); false when either is not JSON and the texts differ.
bool same_json(std::string_view a, std::string_view b);

}  // namespace sluice::sqs::detail
