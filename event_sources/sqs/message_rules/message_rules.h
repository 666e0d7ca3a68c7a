#pragma once
// Message-level rules of SQS, as pure functions: what a valid body, message attribute, group id,
// deduplication id and batch entry id look like (with AWS's exact error texts), how big a
// message is, the MD5 digests AWS returns, and which attributes a ReceiveMessage selects.
//
// Everything here runs once per message on the send and receive paths, so none of it uses regular
// expressions and the success paths allocate nothing (the MD5 functions allocate only their
// 32-character answer). Error texts come from responses recorded against AWS where one exists;
// the few that could not be confirmed are marked "unverified" next to their definition.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sluice/common/aws_error.h"
#include "sluice/sqs/engine.h"

namespace sluice::sqs::detail {

// Body: non-empty (else MissingParameter "The request must contain the parameter MessageBody.",
// which is what AWS answers for an empty string too), valid UTF-8 made only of the characters AWS
// allows (#x9 #xA #xD #x20-#xD7FF #xE000-#xFFFD #x10000-#x10FFFF), else InvalidMessageContents.
// Size is checked separately by check_message_size.
std::optional<common::AwsError> check_message_body(std::string_view body);

// User message attributes: at most 10; names ≤256 chars of letters, digits, '_', '-', '.', not
// starting with AWS./Amazon. (any case), no leading/trailing '.', no ".."; DataType String|Number|
// Binary with an optional ".label", ≤256 chars; non-empty values of the right kind (Binary in
// binary_value, the others in string_value); String values use the body's character set; Number
// a valid number (≤38 significant digits, magnitude 10^-128..10^126). All InvalidParameterValue.
std::optional<common::AwsError> check_message_attributes(const MessageAttributes& attributes);

// MessageSystemAttributes on send: only AWSTraceHeader, of type String, non-empty.
std::optional<common::AwsError> check_message_system_attributes(const MessageAttributes& attributes);

// Bytes counted against MaximumMessageSize: body + every attribute's name, type and value.
int64_t message_size(std::string_view body, const MessageAttributes& attributes);
// InvalidParameterValue "One or more parameters are invalid. Reason: Message must be shorter than
// <max> bytes." when size > max.
std::optional<common::AwsError> check_message_size(int64_t size, int64_t max_size);

// MessageGroupId / MessageDeduplicationId: 1-128 chars, alphanumeric and punctuation.
// parameter is "MessageGroupId" or "MessageDeduplicationId" and appears in the message.
std::optional<common::AwsError> check_fifo_token(std::string_view value, std::string_view parameter);

// Batch shape shared by the three batch calls: empty, more than 10, an id that is not
// [A-Za-z0-9_-]{1,80}, or ids not distinct. Empty and too many are checked first; then the
// entries in order, each for its format and then for repeating an earlier id.
// entry_type names the request entry in the EmptyBatchRequest text: "SendMessageBatchRequestEntry"
// (the default), "DeleteMessageBatchRequestEntry" or "ChangeMessageVisibilityBatchRequestEntry".
std::optional<common::AwsError> check_batch_ids(const std::vector<std::string>& ids);
std::optional<common::AwsError> check_batch_ids(const std::vector<std::string>& ids, std::string_view entry_type);

// MD5 of the body (lowercase hex of the UTF-8 bytes).
std::string md5_of_body(std::string_view body);
// AWS's MD5OfMessageAttributes layout (also used for MD5OfMessageSystemAttributes); nullopt for
// an empty map.
std::optional<std::string> md5_of_message_attributes(const MessageAttributes& attributes);

// ReceiveMessage MessageAttributeNames: exact names, "All", ".*", "*" or "prefix.*" (plain string
// prefix: "Hel.*" selects "Hello" and "Help.Me"). A selector that is not a legal attribute name
// ("AWS.", "..foo") selects nothing, never an error.
MessageAttributes select_message_attributes(const MessageAttributes& attributes,
                                            const std::vector<std::string>& selectors);

// ReceiveMessage AttributeNames / MessageSystemAttributeNames: expands "All" and validates each
// name against the enum (All, SenderId, SentTimestamp, ApproximateReceiveCount,
// ApproximateFirstReceiveTimestamp, SequenceNumber, MessageDeduplicationId, MessageGroupId,
// AWSTraceHeader, DeadLetterQueueSourceArn); an unknown name is InvalidAttributeName
// "Unknown Attribute <name>.". Answers the union of the selected names, each once, in that order.
common::Outcome<std::vector<std::string>> select_system_attribute_names(const std::vector<std::string>& names);

}  // namespace sluice::sqs::detail
