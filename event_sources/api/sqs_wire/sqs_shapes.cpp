// The SQS model tables. Names and serialization names follow botocore's SQS model at its last
// Query-protocol revision (member order too, which is the order AWS writes XML elements in).
// The message-move-task actions and ReceiveMessage's MessageSystemAttributeNames arrived late
// in that model's life; their Query names follow the same flattened-list convention
// (MessageSystemAttributeName.N, <ListMessageMoveTasksResultEntry>).

#include "sqs_shapes.h"

#include "message_shapes.h"

namespace sluice::api::sqs_wire::detail {
namespace {

using query::ActionSpec;
using query::Kind;
using query::Member;
using query::Shape;
using namespace shapes;  // NOLINT: the scalar and message shapes the other actions share

// Tag.N.Key / Tag.N.Value
constexpr Shape kTagMap{Kind::Map, {}, &kString, "Key", "Value"};

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
constexpr Shape kListDeadLetterSourceQueuesResult{Kind::Struct, kListDeadLetterSourceQueuesResultMembers};
constexpr Shape kStartMessageMoveTaskResult{Kind::Struct, kStartMessageMoveTaskResultMembers};
constexpr Shape kListMessageMoveTasksResult{Kind::Struct, kListMessageMoveTasksResultMembers};
constexpr Shape kCancelMessageMoveTaskResult{Kind::Struct, kCancelMessageMoveTaskResultMembers};

// Ordered by expected request frequency: the lookup is a linear scan.
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
