// The SQS model tables. Names and serialization names follow botocore's SQS model at its last
// Query-protocol revision (member order too, which is the order AWS writes XML elements in).
// The message-move-task actions and ReceiveMessage's MessageSystemAttributeNames arrived late
// in that model's life; their Query names follow the same flattened-list convention
// (MessageSystemAttributeName.N, <ListMessageMoveTasksResultEntry>).

#include "sqs_shapes.h"

#include <algorithm>
#include <string>
#include <vector>

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

namespace {

// Adds the flattened members below the structure written as element `parent`.
void gather_flattened(std::string_view parent, const Shape& shape, std::vector<std::string>& out) {
  for (const Member& m : shape.members) {
    const Shape& member = *m.shape;
    if (member.kind == Kind::List || member.kind == Kind::Map) {
      out.push_back(std::string(parent) + "/" + std::string(m.query));
      const Shape& element = *member.element;
      if (element.kind != Kind::Struct) continue;
      // A list entry's children sit under the entry; a map entry's value under its value element.
      gather_flattened(member.kind == Kind::List ? m.query : member.value_name, element, out);
    } else if (member.kind == Kind::Struct) {
      gather_flattened(m.query, member, out);
    }
  }
}

}  // namespace

query::FlattenedNames flattened_result_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> out;
    for (const ActionSpec& action : kActions) {
      if (action.output != nullptr) gather_flattened(std::string(action.name) + "Result", *action.output, out);
    }
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
  }();
  static const std::vector<std::string_view> views(names.begin(), names.end());
  return views;
}

std::span<const ActionSpec> all_actions() { return kActions; }

}  // namespace sluice::api::sqs_wire::detail
