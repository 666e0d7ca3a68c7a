// Event sources, data events and read-only operations, from the CloudTrail chapters of the SQS,
// SNS, Lambda and KMS developer guides.

#include "classification.h"

#include <algorithm>
#include <array>
#include <utility>

namespace sluice::audit::detail {
namespace {

constexpr std::array<std::pair<std::string_view, std::string_view>, 9> kSources{{
    {"sqs", "sqs.amazonaws.com"},
    {"sns", "sns.amazonaws.com"},
    {"kms", "kms.amazonaws.com"},
    {"lambda", "lambda.amazonaws.com"},
    {"sts", "sts.amazonaws.com"},
    {"iam", "iam.amazonaws.com"},
    {"logs", "logs.amazonaws.com"},
    {"cloudwatch", "monitoring.amazonaws.com"},
    {"cloudtrail", "cloudtrail.amazonaws.com"},
}};

constexpr std::array<std::string_view, 7> kSqsDataEvents{"ChangeMessageVisibility", "ChangeMessageVisibilityBatch",
                                                         "DeleteMessage",           "DeleteMessageBatch",
                                                         "ReceiveMessage",          "SendMessage",
                                                         "SendMessageBatch"};

// Operations that read without a Get/List/Describe/Lookup name.
constexpr std::array<std::string_view, 10> kOtherReads{"Decrypt",           "Encrypt",
                                                       "GenerateDataKey",   "GenerateDataKeyWithoutPlaintext",
                                                       "GenerateRandom",    "ReEncrypt",
                                                       "ReceiveMessage",    "FilterLogEvents",
                                                       "GetCallerIdentity", "CheckIfPhoneNumberIsOptedOut"};

// Lambda's operations by the eventName the AWS documentation gives them: GetFunction from the
// Lambda developer guide's CloudTrail chapter, the others from the CloudTrail user guide's list of
// Lambda events in the event history (the newest revision of each).
constexpr std::array<std::pair<std::string_view, std::string_view>, 16> kLambdaEventNames{{
    {"AddPermission", "AddPermission20150331v2"},
    {"CreateAlias", "CreateAlias20150331"},
    {"CreateEventSourceMapping", "CreateEventSourceMapping20150331"},
    {"CreateFunction", "CreateFunction20150331"},
    {"DeleteAlias", "DeleteAlias20150331"},
    {"DeleteEventSourceMapping", "DeleteEventSourceMapping20150331"},
    {"DeleteFunction", "DeleteFunction20150331"},
    {"GetFunction", "GetFunction20150331"},
    {"PublishVersion", "PublishVersion20150331"},
    {"RemovePermission", "RemovePermission20150331v2"},
    {"TagResource", "TagResource20170331v2"},
    {"UntagResource", "UntagResource20170331v2"},
    {"UpdateAlias", "UpdateAlias20150331"},
    {"UpdateEventSourceMapping", "UpdateEventSourceMapping20150331"},
    {"UpdateFunctionCode", "UpdateFunctionCode20150331v2"},
    {"UpdateFunctionConfiguration", "UpdateFunctionConfiguration20150331v2"},
}};

bool starts_with(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

template <size_t N>
bool contains(const std::array<std::string_view, N>& names, std::string_view name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

}  // namespace

std::string_view event_source(std::string_view service) {
  for (const auto& [name, source] : kSources) {
    if (name == service) return source;
  }
  return {};
}

bool is_data_event(std::string_view service, std::string_view event_name) {
  if (service == "sqs") return contains(kSqsDataEvents, event_name);
  if (service == "sns") return event_name == "Publish" || event_name == "PublishBatch";
  if (service == "lambda") return event_name == "Invoke";
  return false;
}

bool is_read_only(std::string_view service, std::string_view event_name) {
  (void)service;
  return starts_with(event_name, "Get") || starts_with(event_name, "List") || starts_with(event_name, "Describe") ||
         starts_with(event_name, "Lookup") || contains(kOtherReads, event_name);
}

bool carries_payload(std::string_view service, std::string_view event_name) {
  return service == "lambda" && starts_with(event_name, "Invoke");
}

bool keeps_answer(std::string_view service, std::string_view event_name) {
  return !is_read_only(service, event_name) && !carries_payload(service, event_name);
}

std::string_view recorded_event_name(std::string_view service, std::string_view operation) {
  if (service != "lambda") return operation;
  for (const auto& [name, recorded] : kLambdaEventNames) {
    if (name == operation) return recorded;
  }
  return operation;
}

std::string_view event_region(std::string_view service, std::string_view region) {
  return service == "iam" ? std::string_view("us-east-1") : region;
}

}  // namespace sluice::audit::detail
