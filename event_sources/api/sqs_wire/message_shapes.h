#pragma once
// Internal: the shapes of SQS's seven message actions (SendMessage(Batch), ReceiveMessage,
// DeleteMessage(Batch), ChangeMessageVisibility(Batch)), part of SQS's model table
// (sqs_shapes.cpp) and kept in a header so the typed message codecs (message_codec_fields.h) bind
// their fields to these members at compile time. Names, Query serialization names and member order
// follow botocore's SQS model at its last Query-protocol revision; both protocols read and write
// members by these entries, so JSON and Query cannot name or order a member differently.

#include "sluice/api/query/query.h"

namespace sluice::api::sqs_wire::detail::shapes {

using query::Kind;
using query::Member;
using query::Shape;

inline constexpr Shape kString{Kind::String};
inline constexpr Shape kInteger{Kind::Integer};
inline constexpr Shape kBoolean{Kind::Boolean};
inline constexpr Shape kBlob{Kind::Blob};  // base64 text in both protocols

inline constexpr Shape kStringList{Kind::List, {}, &kString};
inline constexpr Shape kBlobList{Kind::List, {}, &kBlob};

// Attribute.N.Name / Attribute.N.Value
inline constexpr Shape kNameValueMap{Kind::Map, {}, &kString, "Name", "Value"};

// MessageAttribute.N.Name / MessageAttribute.N.Value.DataType|StringValue|BinaryValue
inline constexpr Member kMessageAttributeValueMembers[] = {
    {"StringValue", "StringValue", &kString},
    {"BinaryValue", "BinaryValue", &kBlob},
    {"StringListValues", "StringListValue", &kStringList},
    {"BinaryListValues", "BinaryListValue", &kBlobList},
    {"DataType", "DataType", &kString},
};
inline constexpr Shape kMessageAttributeValue{Kind::Struct, kMessageAttributeValueMembers};
inline constexpr Shape kMessageAttributeMap{Kind::Map, {}, &kMessageAttributeValue, "Name", "Value"};

// ---- requests ----

inline constexpr Member kSendMessageRequestMembers[] = {
    {"QueueUrl", "QueueUrl", &kString},
    {"MessageBody", "MessageBody", &kString},
    {"DelaySeconds", "DelaySeconds", &kInteger},
    {"MessageAttributes", "MessageAttribute", &kMessageAttributeMap},
    {"MessageSystemAttributes", "MessageSystemAttribute", &kMessageAttributeMap},
    {"MessageDeduplicationId", "MessageDeduplicationId", &kString},
    {"MessageGroupId", "MessageGroupId", &kString},
};
inline constexpr Member kSendMessageBatchRequestEntryMembers[] = {
    {"Id", "Id", &kString},
    {"MessageBody", "MessageBody", &kString},
    {"DelaySeconds", "DelaySeconds", &kInteger},
    {"MessageAttributes", "MessageAttribute", &kMessageAttributeMap},
    {"MessageSystemAttributes", "MessageSystemAttribute", &kMessageAttributeMap},
    {"MessageDeduplicationId", "MessageDeduplicationId", &kString},
    {"MessageGroupId", "MessageGroupId", &kString},
};
inline constexpr Shape kSendMessageBatchRequestEntry{Kind::Struct, kSendMessageBatchRequestEntryMembers};
inline constexpr Shape kSendMessageBatchRequestEntryList{Kind::List, {}, &kSendMessageBatchRequestEntry};
inline constexpr Member kSendMessageBatchRequestMembers[] = {
    {"QueueUrl", "QueueUrl", &kString},
    {"Entries", "SendMessageBatchRequestEntry", &kSendMessageBatchRequestEntryList},
};
inline constexpr Member kReceiveMessageRequestMembers[] = {
    {"QueueUrl", "QueueUrl", &kString},
    {"AttributeNames", "AttributeName", &kStringList},
    {"MessageSystemAttributeNames", "MessageSystemAttributeName", &kStringList},
    {"MessageAttributeNames", "MessageAttributeName", &kStringList},
    {"MaxNumberOfMessages", "MaxNumberOfMessages", &kInteger},
    {"VisibilityTimeout", "VisibilityTimeout", &kInteger},
    {"WaitTimeSeconds", "WaitTimeSeconds", &kInteger},
    {"ReceiveRequestAttemptId", "ReceiveRequestAttemptId", &kString},
};
inline constexpr Member kDeleteMessageRequestMembers[] = {
    {"QueueUrl", "QueueUrl", &kString},
    {"ReceiptHandle", "ReceiptHandle", &kString},
};
inline constexpr Member kDeleteMessageBatchRequestEntryMembers[] = {
    {"Id", "Id", &kString},
    {"ReceiptHandle", "ReceiptHandle", &kString},
};
inline constexpr Shape kDeleteMessageBatchRequestEntry{Kind::Struct, kDeleteMessageBatchRequestEntryMembers};
inline constexpr Shape kDeleteMessageBatchRequestEntryList{Kind::List, {}, &kDeleteMessageBatchRequestEntry};
inline constexpr Member kDeleteMessageBatchRequestMembers[] = {
    {"QueueUrl", "QueueUrl", &kString},
    {"Entries", "DeleteMessageBatchRequestEntry", &kDeleteMessageBatchRequestEntryList},
};
inline constexpr Member kChangeMessageVisibilityRequestMembers[] = {
    {"QueueUrl", "QueueUrl", &kString},
    {"ReceiptHandle", "ReceiptHandle", &kString},
    {"VisibilityTimeout", "VisibilityTimeout", &kInteger},
};
inline constexpr Member kChangeVisibilityBatchRequestEntryMembers[] = {
    {"Id", "Id", &kString},
    {"ReceiptHandle", "ReceiptHandle", &kString},
    {"VisibilityTimeout", "VisibilityTimeout", &kInteger},
};
inline constexpr Shape kChangeVisibilityBatchRequestEntry{Kind::Struct, kChangeVisibilityBatchRequestEntryMembers};
inline constexpr Shape kChangeVisibilityBatchRequestEntryList{Kind::List, {}, &kChangeVisibilityBatchRequestEntry};
inline constexpr Member kChangeVisibilityBatchRequestMembers[] = {
    {"QueueUrl", "QueueUrl", &kString},
    {"Entries", "ChangeMessageVisibilityBatchRequestEntry", &kChangeVisibilityBatchRequestEntryList},
};
inline constexpr Shape kSendMessageRequest{Kind::Struct, kSendMessageRequestMembers};
inline constexpr Shape kSendMessageBatchRequest{Kind::Struct, kSendMessageBatchRequestMembers};
inline constexpr Shape kReceiveMessageRequest{Kind::Struct, kReceiveMessageRequestMembers};
inline constexpr Shape kDeleteMessageRequest{Kind::Struct, kDeleteMessageRequestMembers};
inline constexpr Shape kDeleteMessageBatchRequest{Kind::Struct, kDeleteMessageBatchRequestMembers};
inline constexpr Shape kChangeMessageVisibilityRequest{Kind::Struct, kChangeMessageVisibilityRequestMembers};
inline constexpr Shape kChangeVisibilityBatchRequest{Kind::Struct, kChangeVisibilityBatchRequestMembers};

// ---- results ----

inline constexpr Member kSendMessageResultMembers[] = {
    {"MD5OfMessageBody", "MD5OfMessageBody", &kString},
    {"MD5OfMessageAttributes", "MD5OfMessageAttributes", &kString},
    {"MD5OfMessageSystemAttributes", "MD5OfMessageSystemAttributes", &kString},
    {"MessageId", "MessageId", &kString},
    {"SequenceNumber", "SequenceNumber", &kString},
};
inline constexpr Member kSendMessageBatchResultEntryMembers[] = {
    {"Id", "Id", &kString},
    {"MessageId", "MessageId", &kString},
    {"MD5OfMessageBody", "MD5OfMessageBody", &kString},
    {"MD5OfMessageAttributes", "MD5OfMessageAttributes", &kString},
    {"MD5OfMessageSystemAttributes", "MD5OfMessageSystemAttributes", &kString},
    {"SequenceNumber", "SequenceNumber", &kString},
};
inline constexpr Shape kSendMessageBatchResultEntry{Kind::Struct, kSendMessageBatchResultEntryMembers};
inline constexpr Shape kSendMessageBatchResultEntryList{Kind::List, {}, &kSendMessageBatchResultEntry};

inline constexpr Member kBatchResultErrorEntryMembers[] = {
    {"Id", "Id", &kString},
    {"SenderFault", "SenderFault", &kBoolean},
    {"Code", "Code", &kString},
    {"Message", "Message", &kString},
};
inline constexpr Shape kBatchResultErrorEntry{Kind::Struct, kBatchResultErrorEntryMembers};
inline constexpr Shape kBatchResultErrorEntryList{Kind::List, {}, &kBatchResultErrorEntry};

inline constexpr Member kSendMessageBatchResultMembers[] = {
    {"Successful", "SendMessageBatchResultEntry", &kSendMessageBatchResultEntryList},
    {"Failed", "BatchResultErrorEntry", &kBatchResultErrorEntryList},
};

inline constexpr Member kIdOnlyMembers[] = {{"Id", "Id", &kString}};
inline constexpr Shape kIdOnlyEntry{Kind::Struct, kIdOnlyMembers};
inline constexpr Shape kIdOnlyEntryList{Kind::List, {}, &kIdOnlyEntry};

inline constexpr Member kDeleteMessageBatchResultMembers[] = {
    {"Successful", "DeleteMessageBatchResultEntry", &kIdOnlyEntryList},
    {"Failed", "BatchResultErrorEntry", &kBatchResultErrorEntryList},
};
inline constexpr Member kChangeVisibilityBatchResultMembers[] = {
    {"Successful", "ChangeMessageVisibilityBatchResultEntry", &kIdOnlyEntryList},
    {"Failed", "BatchResultErrorEntry", &kBatchResultErrorEntryList},
};

inline constexpr Member kMessageMembers[] = {
    {"MessageId", "MessageId", &kString},
    {"ReceiptHandle", "ReceiptHandle", &kString},
    {"MD5OfBody", "MD5OfBody", &kString},
    {"Body", "Body", &kString},
    {"Attributes", "Attribute", &kNameValueMap},
    {"MD5OfMessageAttributes", "MD5OfMessageAttributes", &kString},
    {"MessageAttributes", "MessageAttribute", &kMessageAttributeMap},
};
inline constexpr Shape kMessage{Kind::Struct, kMessageMembers};
inline constexpr Shape kMessageList{Kind::List, {}, &kMessage};
inline constexpr Member kReceiveMessageResultMembers[] = {
    {"Messages", "Message", &kMessageList},
};

inline constexpr Shape kSendMessageResult{Kind::Struct, kSendMessageResultMembers};
inline constexpr Shape kSendMessageBatchResult{Kind::Struct, kSendMessageBatchResultMembers};
inline constexpr Shape kDeleteMessageBatchResult{Kind::Struct, kDeleteMessageBatchResultMembers};
inline constexpr Shape kChangeVisibilityBatchResult{Kind::Struct, kChangeVisibilityBatchResultMembers};
inline constexpr Shape kReceiveMessageResult{Kind::Struct, kReceiveMessageResultMembers};

}  // namespace sluice::api::sqs_wire::detail::shapes
