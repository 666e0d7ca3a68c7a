#pragma once
// Message-level rules of SQS, as pure functions: what a valid body, message attribute, group id,
// deduplication id and batch entry id look like (with AWS's exact error texts), how big a
// message is, the MD5 digests AWS returns, and which attributes a ReceiveMessage selects.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sluice/common/aws_error.h"
#include "sluice/sqs/engine.h"

namespace sluice::sqs::detail {

// Body: non-empty, only the characters AWS allows (#x9 #xA #xD #x20-#xD7FF #xE000-#xFFFD
// #x10000-#x10FFFF, valid UTF-8). Size is checked separately by check_message_size.
std::optional<AwsError> check_message_body(std::string_view body);

// User message attributes: at most 10; names ≤256 chars of [A-Za-z0-9_.-], not starting with
// AWS./Amazon. (any case), no leading/trailing '.', no ".."; DataType String|Number|Binary with an
// optional ".label"; non-empty values of the right kind; Number a valid number.
std::optional<AwsError> check_message_attributes(const MessageAttributes& attributes);

// MessageSystemAttributes on send: only AWSTraceHeader, of type String.
std::optional<AwsError> check_message_system_attributes(const MessageAttributes& attributes);

// Bytes counted against MaximumMessageSize: body + every attribute's name, type and value.
int64_t message_size(std::string_view body, const MessageAttributes& attributes);
// InvalidParameterValue "One or more parameters are invalid. Reason: Message must be shorter than
// <max> bytes." when size > max.
std::optional<AwsError> check_message_size(int64_t size, int64_t max_size);

// MessageGroupId / MessageDeduplicationId: 1-128 chars, alphanumeric and punctuation.
// parameter is "MessageGroupId" or "MessageDeduplicationId" and appears in the message.
std::optional<AwsError> check_fifo_token(std::string_view value, std::string_view parameter);

// Batch shape shared by the three batch calls: empty, more than 10, an id that is not
// [A-Za-z0-9_-]{1,80}, or ids not distinct. Checked in AWS's order.
std::optional<AwsError> check_batch_ids(const std::vector<std::string>& ids);

// MD5 of the body (lowercase hex of the UTF-8 bytes).
std::string md5_of_body(std::string_view body);
// AWS's MD5OfMessageAttributes layout; nullopt for an empty map.
std::optional<std::string> md5_of_message_attributes(const MessageAttributes& attributes);

// ReceiveMessage MessageAttributeNames: exact names, "All", ".*", "*" or "prefix.*".
// Illegal selector names select nothing, never an error.
MessageAttributes select_message_attributes(const MessageAttributes& attributes,
                                            const std::vector<std::string>& selectors);

// ReceiveMessage AttributeNames / MessageSystemAttributeNames: expands "All" and validates each
// name against the enum (All, SenderId, SentTimestamp, ApproximateReceiveCount,
// ApproximateFirstReceiveTimestamp, SequenceNumber, MessageDeduplicationId, MessageGroupId,
// AWSTraceHeader, DeadLetterQueueSourceArn). Answers the set of selected names in that order.
Outcome<std::vector<std::string>> select_system_attribute_names(const std::vector<std::string>& names);

}  // namespace sluice::sqs::detail
