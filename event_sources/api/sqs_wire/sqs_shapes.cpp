// The SQS model tables. Names and serialization names follow botocore's SQS model at its last
// Query-protocol revision (member order too, which is the order AWS writes XML elements in).
// The message-move-task actions and ReceiveMessage's MessageSystemAttributeNames arrived late
// in that model's life; their Query names follow the same flattened-list convention
// (MessageSystemAttributeName.N, <ListMessageMoveTasksResultEntry>).

#include "sqs_shapes.h"

namespace sluice::api::sqs_wire::detail {
namespace {

using query::ActionSpec;
using query::Kind;
using query::Member;
using query::Shape;

constexpr Shape kString{Kind::String};
constexpr Shape kInteger{Kind::Integer};
constexpr Shape kBoolean{Kind::Boolean};
constexpr Shape kBlob{Kind::Blob};  // base64 text in both protocols

constexpr Shape kStringList{Kind::List, {}, &kString};
constexpr Shape kBlobList{Kind::List, {}, &kBlob};

// Attribute.N.Name / Attribute.N.Value
constexpr Shape kNameValueMap{Kind::Map, {}, &kString, "Name", "Value"};
// Tag.N.Key / Tag.N.Value
constexpr Shape kTagMap{Kind::Map, {}, &kString, "Key", "Value"};

constexpr Member kMessageAttributeValueMembers[] = {
    {"StringValue", "StringValue", &kString},
    {"BinaryValue", "BinaryValue", &kBlob},
    {"StringListValues", "StringListValue", &kStringList},
    {"BinaryListValues", "BinaryListValue", &kBlobList},
    {"DataType", "DataType", &kString},
};
constexpr Shape kMessageAttributeValue{Kind::Struct, kMessageAttributeValueMembers};
// MessageAttribute.N.Name / MessageAttribute.N.Value.DataType|StringValue|BinaryValue
constexpr Shape kMessageAttributeMap{Kind::Map, {}, &kMessageAttributeValue, "Name", "Value"};

// ---- requests ----

constexpr Member kQueueUrlOnly[] = {{"QueueUrl", "QueueUrl", &kString}};
constexpr Shape kQueueUrlRequest{Kind::Struct, kQueueUrlOnly};

constexpr Member kCreateQueueRequestMembers[] = {
    {"QueueName", "QueueName", &kString},
    {"Attributes", "Attribute", &kNameValueMap},
    {"tags", "Tag", &kTagMap},
};
constexpr Member kGetQueueUrlRequestMembers[] = {
    {"QueueName", "QueueName", &kString},
    {"QueueOwnerAWSAccountId", "QueueOwnerAWSAccountId", &kString},
};
constexpr Member kListQueuesRequestMembers[] = {
    {"QueueNamePrefix", "QueueNamePrefix", &kString},
    {"NextToken", "NextToken", &kString},
    {"MaxResults", "MaxResults", &kInteger},
};
constexpr Member kGetQueueAttributesRequestMembers[] = {
    {"QueueUrl", "QueueUrl", &kString},
    {"AttributeNames", "AttributeName", &kStringList},
};
constexpr Member kSetQueueAttributesRequestMembers[] = {
    {"QueueUrl", "QueueUrl", &kString},
    {"Attributes", "Attribute", &kNameValueMap},
};
constexpr Member kTagQueueRequestMembers[] = {
    {"QueueUrl", "QueueUrl", &kString},
    {"Tags", "Tag", &kTagMap},
};
constexpr Member kUntagQueueRequestMembers[] = {
    {"QueueUrl", "QueueUrl", &kString},
    {"TagKeys", "TagKey", &kStringList},
};
constexpr Member kSendMessageRequestMembers[] = {
    {"QueueUrl", "QueueUrl", &kString},
    {"MessageBody", "MessageBody", &kString},
    {"DelaySeconds", "DelaySeconds", &kInteger},
    {"MessageAttributes", "MessageAttribute", &kMessageAttributeMap},
    {"MessageSystemAttributes", "MessageSystemAttribute", &kMessageAttributeMap},
    {"MessageDeduplicationId", "MessageDeduplicationId", &kString},
    {"MessageGroupId", "MessageGroupId", &kString},
};
constexpr Member kSendMessageBatchRequestEntryMembers[] = {
    {"Id", "Id", &kString},
    {"MessageBody", "MessageBody", &kString},
    {"DelaySeconds", "DelaySeconds", &kInteger},
    {"MessageAttributes", "MessageAttribute", &kMessageAttributeMap},
    {"MessageSystemAttributes", "MessageSystemAttribute", &kMessageAttributeMap},
    {"MessageDeduplicationId", "MessageDeduplicationId", &kString},
    {"MessageGroupId", "MessageGroupId", &kString},
};
constexpr Shape kSendMessageBatchRequestEntry{Kind::Struct, kSendMessageBatchRequestEntryMembers};
constexpr Shape kSendMessageBatchRequestEntryList{Kind::List, {}, &kSendMessageBatchRequestEntry};
constexpr Member kSendMessageBatchRequestMembers[] = {
    {"QueueUrl", "QueueUrl", &kString},
    {"Entries", "SendMessageBatchRequestEntry", &kSendMessageBatchRequestEntryList},
};
constexpr Member kReceiveMessageRequestMembers[] = {
    {"QueueUrl", "QueueUrl", &kString},
    {"AttributeNames", "AttributeName", &kStringList},
    {"MessageSystemAttributeNames", "MessageSystemAttributeName", &kStringList},
    {"MessageAttributeNames", "MessageAttributeName", &kStringList},
    {"MaxNumberOfMessages", "MaxNumberOfMessages", &kInteger},
    {"VisibilityTimeout", "VisibilityTimeout", &kInteger},
    {"WaitTimeSeconds", "WaitTimeSeconds", &kInteger},
    {"ReceiveRequestAttemptId", "ReceiveRequestAttemptId", &kString},
};
constexpr Member kDeleteMessageRequestMembers[] = {
    {"QueueUrl", "QueueUrl", &kString},
    {"ReceiptHandle", "ReceiptHandle", &kString},
};
constexpr Member kDeleteMessageBatchRequestEntryMembers[] = {
    {"Id", "Id", &kString},
    {"ReceiptHandle", "ReceiptHandle", &kString},
};
constexpr Shape kDeleteMessageBatchRequestEntry{Kind::Struct, kDeleteMessageBatchRequestEntryMembers};
constexpr Shape kDeleteMessageBatchRequestEntryList{Kind::List, {}, &kDeleteMessageBatchRequestEntry};
constexpr Member kDeleteMessageBatchRequestMembers[] = {
    {"QueueUrl", "QueueUrl", &kString},
    {"Entries", "DeleteMessageBatchRequestEntry", &kDeleteMessageBatchRequestEntryList},
};
constexpr Member kChangeMessageVisibilityRequestMembers[] = {
    {"QueueUrl", "QueueUrl", &kString},
    {"ReceiptHandle", "ReceiptHandle", &kString},
    {"VisibilityTimeout", "VisibilityTimeout", &kInteger},
};
constexpr Member kChangeVisibilityBatchRequestEntryMembers[] = {
    {"Id", "Id", &kString},
    {"ReceiptHandle", "ReceiptHandle", &kString},
    {"VisibilityTimeout", "VisibilityTimeout", &kInteger},
};
constexpr Shape kChangeVisibilityBatchRequestEntry{Kind::Struct, kChangeVisibilityBatchRequestEntryMembers};
constexpr Shape kChangeVisibilityBatchRequestEntryList{Kind::List, {}, &kChangeVisibilityBatchRequestEntry};
constexpr Member kChangeVisibilityBatchRequestMembers[] = {
    {"QueueUrl", "QueueUrl", &kString},
    {"Entries", "ChangeMessageVisibilityBatchRequestEntry", &kChangeVisibilityBatchRequestEntryList},
};
constexpr Member kListDeadLetterSourceQueuesRequestMembers[] = {
    {"QueueUrl", "QueueUrl", &kString},
    {"NextToken", "NextToken", &kString},
    {"MaxResults", "MaxResults", &kInteger},
};
constexpr Member kStartMessageMoveTaskRequestMembers[] = {
    {"SourceArn", "SourceArn", &kString},
    {"DestinationArn", "DestinationArn", &kString},
    {"MaxNumberOfMessagesPerSecond", "MaxNumberOfMessagesPerSecond", &kInteger},
};
constexpr Member kListMessageMoveTasksRequestMembers[] = {
    {"SourceArn", "SourceArn", &kString},
    {"MaxResults", "MaxResults", &kInteger},
};
constexpr Member kCancelMessageMoveTaskRequestMembers[] = {
    {"TaskHandle", "TaskHandle", &kString},
};
constexpr Member kAddPermissionRequestMembers[] = {
    {"QueueUrl", "QueueUrl", &kString},
    {"Label", "Label", &kString},
    {"AWSAccountIds", "AWSAccountId", &kStringList},
    {"Actions", "ActionName", &kStringList},
};
constexpr Member kRemovePermissionRequestMembers[] = {
    {"QueueUrl", "QueueUrl", &kString},
    {"Label", "Label", &kString},
};

constexpr Shape kCreateQueueRequest{Kind::Struct, kCreateQueueRequestMembers};
constexpr Shape kGetQueueUrlRequest{Kind::Struct, kGetQueueUrlRequestMembers};
constexpr Shape kListQueuesRequest{Kind::Struct, kListQueuesRequestMembers};
constexpr Shape kGetQueueAttributesRequest{Kind::Struct, kGetQueueAttributesRequestMembers};
constexpr Shape kSetQueueAttributesRequest{Kind::Struct, kSetQueueAttributesRequestMembers};
constexpr Shape kTagQueueRequest{Kind::Struct, kTagQueueRequestMembers};
constexpr Shape kUntagQueueRequest{Kind::Struct, kUntagQueueRequestMembers};
constexpr Shape kSendMessageRequest{Kind::Struct, kSendMessageRequestMembers};
constexpr Shape kSendMessageBatchRequest{Kind::Struct, kSendMessageBatchRequestMembers};
constexpr Shape kReceiveMessageRequest{Kind::Struct, kReceiveMessageRequestMembers};
constexpr Shape kDeleteMessageRequest{Kind::Struct, kDeleteMessageRequestMembers};
constexpr Shape kDeleteMessageBatchRequest{Kind::Struct, kDeleteMessageBatchRequestMembers};
constexpr Shape kChangeMessageVisibilityRequest{Kind::Struct, kChangeMessageVisibilityRequestMembers};
constexpr Shape kChangeVisibilityBatchRequest{Kind::Struct, kChangeVisibilityBatchRequestMembers};
constexpr Shape kListDeadLetterSourceQueuesRequest{Kind::Struct, kListDeadLetterSourceQueuesRequestMembers};
constexpr Shape kStartMessageMoveTaskRequest{Kind::Struct, kStartMessageMoveTaskRequestMembers};
constexpr Shape kListMessageMoveTasksRequest{Kind::Struct, kListMessageMoveTasksRequestMembers};
constexpr Shape kCancelMessageMoveTaskRequest{Kind::Struct, kCancelMessageMoveTaskRequestMembers};
constexpr Shape kAddPermissionRequest{Kind::Struct, kAddPermissionRequestMembers};
constexpr Shape kRemovePermissionRequest{Kind::Struct, kRemovePermissionRequestMembers};

// ---- results ----

constexpr Member kQueueUrlResultMembers[] = {{"QueueUrl", "QueueUrl", &kString}};
constexpr Shape kQueueUrlResult{Kind::Struct, kQueueUrlResultMembers};

constexpr Member kListQueuesResultMembers[] = {
    {"QueueUrls", "QueueUrl", &kStringList},
    {"NextToken", "NextToken", &kString},
};
constexpr Member kGetQueueAttributesResultMembers[] = {
    {"Attributes", "Attribute", &kNameValueMap},
};
constexpr Member kListQueueTagsResultMembers[] = {
    {"Tags", "Tag", &kTagMap},
};
constexpr Member kSendMessageResultMembers[] = {
    {"MD5OfMessageBody", "MD5OfMessageBody", &kString},
    {"MD5OfMessageAttributes", "MD5OfMessageAttributes", &kString},
    {"MD5OfMessageSystemAttributes", "MD5OfMessageSystemAttributes", &kString},
    {"MessageId", "MessageId", &kString},
    {"SequenceNumber", "SequenceNumber", &kString},
};
constexpr Member kSendMessageBatchResultEntryMembers[] = {
    {"Id", "Id", &kString},
    {"MessageId", "MessageId", &kString},
    {"MD5OfMessageBody", "MD5OfMessageBody", &kString},
    {"MD5OfMessageAttributes", "MD5OfMessageAttributes", &kString},
    {"MD5OfMessageSystemAttributes", "MD5OfMessageSystemAttributes", &kString},
    {"SequenceNumber", "SequenceNumber", &kString},
};
constexpr Shape kSendMessageBatchResultEntry{Kind::Struct, kSendMessageBatchResultEntryMembers};
constexpr Shape kSendMessageBatchResultEntryList{Kind::List, {}, &kSendMessageBatchResultEntry};

constexpr Member kBatchResultErrorEntryMembers[] = {
    {"Id", "Id", &kString},
    {"SenderFault", "SenderFault", &kBoolean},
    {"Code", "Code", &kString},
    {"Message", "Message", &kString},
};
constexpr Shape kBatchResultErrorEntry{Kind::Struct, kBatchResultErrorEntryMembers};
constexpr Shape kBatchResultErrorEntryList{Kind::List, {}, &kBatchResultErrorEntry};

constexpr Member kSendMessageBatchResultMembers[] = {
    {"Successful", "SendMessageBatchResultEntry", &kSendMessageBatchResultEntryList},
    {"Failed", "BatchResultErrorEntry", &kBatchResultErrorEntryList},
};

constexpr Member kIdOnlyMembers[] = {{"Id", "Id", &kString}};
constexpr Shape kIdOnlyEntry{Kind::Struct, kIdOnlyMembers};
constexpr Shape kIdOnlyEntryList{Kind::List, {}, &kIdOnlyEntry};

constexpr Member kDeleteMessageBatchResultMembers[] = {
    {"Successful", "DeleteMessageBatchResultEntry", &kIdOnlyEntryList},
    {"Failed", "BatchResultErrorEntry", &kBatchResultErrorEntryList},
};
constexpr Member kChangeVisibilityBatchResultMembers[] = {
    {"Successful", "ChangeMessageVisibilityBatchResultEntry", &kIdOnlyEntryList},
    {"Failed", "BatchResultErrorEntry", &kBatchResultErrorEntryList},
};

constexpr Member kMessageMembers[] = {
    {"MessageId", "MessageId", &kString},
    {"ReceiptHandle", "ReceiptHandle", &kString},
    {"MD5OfBody", "MD5OfBody", &kString},
    {"Body", "Body", &kString},
    {"Attributes", "Attribute", &kNameValueMap},
    {"MD5OfMessageAttributes", "MD5OfMessageAttributes", &kString},
    {"MessageAttributes", "MessageAttribute", &kMessageAttributeMap},
};
constexpr Shape kMessage{Kind::Struct, kMessageMembers};
constexpr Shape kMessageList{Kind::List, {}, &kMessage};
constexpr Member kReceiveMessageResultMembers[] = {
    {"Messages", "Message", &kMessageList},
};

constexpr Member kListDeadLetterSourceQueuesResultMembers[] = {
    {"queueUrls", "QueueUrl", &kStringList},
    {"NextToken", "NextToken", &kString},
};

constexpr Member kStartMessageMoveTaskResultMembers[] = {
    {"TaskHandle", "TaskHandle", &kString},
};
constexpr Member kMoveTaskEntryMembers[] = {
    {"TaskHandle", "TaskHandle", &kString},
    {"Status", "Status", &kString},
    {"SourceArn", "SourceArn", &kString},
    {"DestinationArn", "DestinationArn", &kString},
    {"MaxNumberOfMessagesPerSecond", "MaxNumberOfMessagesPerSecond", &kInteger},
    {"ApproximateNumberOfMessagesMoved", "ApproximateNumberOfMessagesMoved", &kInteger},
    {"ApproximateNumberOfMessagesToMove", "ApproximateNumberOfMessagesToMove", &kInteger},
    {"FailureReason", "FailureReason", &kString},
    {"StartedTimestamp", "StartedTimestamp", &kInteger},
};
constexpr Shape kMoveTaskEntry{Kind::Struct, kMoveTaskEntryMembers};
constexpr Shape kMoveTaskEntryList{Kind::List, {}, &kMoveTaskEntry};
constexpr Member kListMessageMoveTasksResultMembers[] = {
    {"Results", "ListMessageMoveTasksResultEntry", &kMoveTaskEntryList},
};
constexpr Member kCancelMessageMoveTaskResultMembers[] = {
    {"ApproximateNumberOfMessagesMoved", "ApproximateNumberOfMessagesMoved", &kInteger},
};

constexpr Shape kListQueuesResult{Kind::Struct, kListQueuesResultMembers};
constexpr Shape kGetQueueAttributesResult{Kind::Struct, kGetQueueAttributesResultMembers};
constexpr Shape kListQueueTagsResult{Kind::Struct, kListQueueTagsResultMembers};
constexpr Shape kSendMessageResult{Kind::Struct, kSendMessageResultMembers};
constexpr Shape kSendMessageBatchResult{Kind::Struct, kSendMessageBatchResultMembers};
constexpr Shape kDeleteMessageBatchResult{Kind::Struct, kDeleteMessageBatchResultMembers};
constexpr Shape kChangeVisibilityBatchResult{Kind::Struct, kChangeVisibilityBatchResultMembers};
constexpr Shape kReceiveMessageResult{Kind::Struct, kReceiveMessageResultMembers};
constexpr Shape kListDeadLetterSourceQueuesResult{Kind::Struct, kListDeadLetterSourceQueuesResultMembers};
constexpr Shape kStartMessageMoveTaskResult{Kind::Struct, kStartMessageMoveTaskResultMembers};
constexpr Shape kListMessageMoveTasksResult{Kind::Struct, kListMessageMoveTasksResultMembers};
constexpr Shape kCancelMessageMoveTaskResult{Kind::Struct, kCancelMessageMoveTaskResultMembers};

// Ordered by expected request frequency: the lookup is a linear scan on the hot path.
constexpr ActionSpec kActions[] = {
    {"ReceiveMessage", &kReceiveMessageRequest, &kReceiveMessageResult},
    {"SendMessage", &kSendMessageRequest, &kSendMessageResult},
    {"DeleteMessage", &kDeleteMessageRequest, nullptr},
    {"DeleteMessageBatch", &kDeleteMessageBatchRequest, &kDeleteMessageBatchResult},
    {"SendMessageBatch", &kSendMessageBatchRequest, &kSendMessageBatchResult},
    {"ChangeMessageVisibility", &kChangeMessageVisibilityRequest, nullptr},
    {"ChangeMessageVisibilityBatch", &kChangeVisibilityBatchRequest, &kChangeVisibilityBatchResult},
    {"GetQueueUrl", &kGetQueueUrlRequest, &kQueueUrlResult},
    {"GetQueueAttributes", &kGetQueueAttributesRequest, &kGetQueueAttributesResult},
    {"CreateQueue", &kCreateQueueRequest, &kQueueUrlResult},
    {"ListQueues", &kListQueuesRequest, &kListQueuesResult},
    {"DeleteQueue", &kQueueUrlRequest, nullptr},
    {"PurgeQueue", &kQueueUrlRequest, nullptr},
    {"SetQueueAttributes", &kSetQueueAttributesRequest, nullptr},
    {"TagQueue", &kTagQueueRequest, nullptr},
    {"UntagQueue", &kUntagQueueRequest, nullptr},
    {"ListQueueTags", &kQueueUrlRequest, &kListQueueTagsResult},
    {"ListDeadLetterSourceQueues", &kListDeadLetterSourceQueuesRequest, &kListDeadLetterSourceQueuesResult},
    {"StartMessageMoveTask", &kStartMessageMoveTaskRequest, &kStartMessageMoveTaskResult},
    {"ListMessageMoveTasks", &kListMessageMoveTasksRequest, &kListMessageMoveTasksResult},
    {"CancelMessageMoveTask", &kCancelMessageMoveTaskRequest, &kCancelMessageMoveTaskResult},
    {"AddPermission", &kAddPermissionRequest, nullptr},
    {"RemovePermission", &kRemovePermissionRequest, nullptr},
};

}  // namespace

const ActionSpec* find_action(std::string_view name) {
  for (const ActionSpec& action : kActions) {
    if (action.name == name) return &action;
  }
  return nullptr;
}

std::span<const ActionSpec> all_actions() { return kActions; }

}  // namespace sluice::api::sqs_wire::detail
