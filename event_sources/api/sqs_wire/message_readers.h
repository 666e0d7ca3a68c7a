#pragma once
// Internal: the read half of the typed message codecs. read_<action>(Reader&, ...) fills the
// engine's request type from a JSON 1.0 body (JsonRequestReader) or a Query form
// (FormRequestReader) and files what is wrong in the reader's ReadErrors, worded as AWS words it,
// under the key of its place in AWS's order of checks; message_actions.cpp answers the first.
// Fields are bound to the model as message_codec_fields.h describes.

#include <algorithm>
#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "message_codec_fields.h"
#include "read_errors.h"
#include "sluice/common/crypto.h"
#include "sluice/sqs/engine.h"

namespace sluice::api::sqs_wire::detail {

// ---- Message attributes (SendMessage's MessageAttributes and MessageSystemAttributes) -----------

// A map of message attributes: entries in the order their names first appear; a name given again
// replaces its value there (as in a JSON object, and as the Query kit places map entries).
template <typename Reader>
void read_message_attributes(Reader& in, const query::Member& member, ErrorKey key,
                             sluice::sqs::MessageAttributes& out) {
  struct Entry {
    std::string name;
    sluice::sqs::MessageAttribute value;
    std::optional<std::string> base64;
  };
  std::vector<Entry> entries;
  ReadErrors& errors = in.errors();
  in.map(member, key, [&](std::string name, Reader& value) {
    size_t at = 0;
    while (at < entries.size() && entries[at].name != name) ++at;
    if (at == entries.size()) entries.push_back({std::move(name), {}, {}});
    Entry& entry = entries[at];
    entry.value = {};
    entry.base64.reset();
    const ErrorKey entry_key = key.part(1 + at);
    errors.clear(entry_key);
    value.structure(shapes::kMessageAttributeValueMembers, entry_key.part(0), member.json,
                    "Map of MessageAttributeValue", [&](size_t index, Reader& field) {
                      const query::Member& m = shapes::kMessageAttributeValueMembers[index];
                      AttributeValueField f = kAttributeValueFields[index];
                      ErrorKey field_key = member_key(entry_key, check_rank(kAttributeValueChecks, f));
                      std::optional<std::string> text;
                      switch (f) {
                        case AttributeValueField::DataType:
                          field.string(text, m, field_key);
                          entry.value.data_type = text.value_or("");  // absent: the engine's rules word it
                          return;
                        case AttributeValueField::StringValue:
                          field.string(text, m, field_key);
                          entry.value.string_value = text.value_or("");
                          return;
                        case AttributeValueField::BinaryValue:
                          field.string(entry.base64, m, field_key);
                          return;
                        default:
                          field.skip();
                      }
                    });
  });
  out.clear();
  for (size_t i = 0; i < entries.size(); ++i) {
    Entry& entry = entries[i];
    if (entry.base64) {
      auto decoded = common::base64_decode(*entry.base64);
      if (decoded) {
        entry.value.binary_value = std::move(*decoded);
      } else {
        errors.set(member_key(key.part(1 + i), kBase64Check),
                   serialization_error(std::string(member.json) + "." + entry.name + ".BinaryValue", "Blob (base64)"));
      }
    }
    out.emplace(std::move(entry.name), std::move(entry.value));
  }
}

// ---- SendMessage and SendMessageBatch -----------------------------------------------------------

enum class SendField {
  QueueUrl,
  Entries,
  Id,
  MessageBody,
  DelaySeconds,
  MessageAttributes,
  MessageSystemAttributes,
  MessageDeduplicationId,
  MessageGroupId,
  Unbound
};
constexpr SendField send_field(std::string_view name) {
  if (name == "QueueUrl") return SendField::QueueUrl;
  if (name == "Entries") return SendField::Entries;
  if (name == "Id") return SendField::Id;
  if (name == "MessageBody") return SendField::MessageBody;
  if (name == "DelaySeconds") return SendField::DelaySeconds;
  if (name == "MessageAttributes") return SendField::MessageAttributes;
  if (name == "MessageSystemAttributes") return SendField::MessageSystemAttributes;
  if (name == "MessageDeduplicationId") return SendField::MessageDeduplicationId;
  if (name == "MessageGroupId") return SendField::MessageGroupId;
  return SendField::Unbound;
}
inline constexpr auto kSendMessageFields = bind_fields(shapes::kSendMessageRequestMembers, send_field);
inline constexpr auto kSendMessageBatchFields = bind_fields(shapes::kSendMessageBatchRequestMembers, send_field);
inline constexpr auto kSendEntryFields = bind_fields(shapes::kSendMessageBatchRequestEntryMembers, send_field);
inline constexpr auto kSendChecks =
    check_ranks({SendField::QueueUrl, SendField::Entries, SendField::MessageBody, SendField::DelaySeconds,
                 SendField::MessageAttributes, SendField::MessageSystemAttributes, SendField::MessageGroupId,
                 SendField::MessageDeduplicationId, SendField::Id});

// One member of a SendMessage request or of a SendMessageBatch entry (`structure` is its key).
template <typename Reader>
void read_send_member(Reader& in, const query::Member& m, SendField field, ErrorKey structure,
                      sluice::sqs::SendMessageRequest& out) {
  ErrorKey key = member_key(structure, check_rank(kSendChecks, field));
  switch (field) {
    case SendField::Id:
      return in.string(out.id, m, key);
    case SendField::MessageBody:
      return in.string(out.body, m, key);
    case SendField::DelaySeconds:
      return in.integer(out.delay_seconds, m, key);
    case SendField::MessageAttributes:
      return read_message_attributes(in, m, key, out.message_attributes);
    case SendField::MessageSystemAttributes:
      return read_message_attributes(in, m, key, out.system_attributes);
    case SendField::MessageDeduplicationId:
      return in.string(out.message_deduplication_id, m, key);
    case SendField::MessageGroupId:
      return in.string(out.message_group_id, m, key);
    default:
      return in.skip();
  }
}

// A batch's Entries: each element a structure of `members`, read by `read_member`.
template <typename Reader, typename Entry, typename ReadMember>
void read_entries(Reader& in, const query::Member& m, ErrorKey key, std::span<const query::Member> members,
                  std::vector<Entry>& out, ReadMember read_member) {
  out.clear();
  out.reserve(10);  // AWS's most per batch
  in.list(m, key, [&](Reader& element) {
    const ErrorKey entry_key = key.part(1 + out.size());
    Entry& entry = out.emplace_back();
    element.structure(members, entry_key.part(0), m.json, "List of Structure",
                      [&](size_t index, Reader& value) { read_member(value, index, entry_key, entry); });
  });
}

template <typename Reader>
void read_send_message(Reader& in, std::optional<std::string>& queue_url, sluice::sqs::SendMessageRequest& out) {
  in.structure(shapes::kSendMessageRequestMembers, kRequestKeys, "", "", [&](size_t index, Reader& value) {
    const query::Member& m = shapes::kSendMessageRequestMembers[index];
    SendField field = kSendMessageFields[index];
    if (field == SendField::QueueUrl) return value.string(queue_url, m, member_key(kRequestKeys, 0));
    read_send_member(value, m, field, kRequestKeys, out);
  });
}

template <typename Reader>
void read_send_message_batch(Reader& in, std::optional<std::string>& queue_url,
                             std::vector<sluice::sqs::SendMessageRequest>& out) {
  in.structure(shapes::kSendMessageBatchRequestMembers, kRequestKeys, "", "", [&](size_t index, Reader& value) {
    const query::Member& m = shapes::kSendMessageBatchRequestMembers[index];
    switch (kSendMessageBatchFields[index]) {
      case SendField::QueueUrl:
        return value.string(queue_url, m, member_key(kRequestKeys, 0));
      case SendField::Entries:
        return read_entries(value, m, member_key(kRequestKeys, check_rank(kSendChecks, SendField::Entries)),
                            shapes::kSendMessageBatchRequestEntryMembers, out,
                            [](Reader& member, size_t i, ErrorKey entry_key, sluice::sqs::SendMessageRequest& entry) {
                              read_send_member(member, shapes::kSendMessageBatchRequestEntryMembers[i],
                                               kSendEntryFields[i], entry_key, entry);
                            });
      default:
        return value.skip();
    }
  });
}

// ---- ReceiveMessage -----------------------------------------------------------------------------

enum class ReceiveField {
  QueueUrl,
  AttributeNames,
  MessageSystemAttributeNames,
  MessageAttributeNames,
  MaxNumberOfMessages,
  VisibilityTimeout,
  WaitTimeSeconds,
  ReceiveRequestAttemptId,
  Unbound
};
constexpr ReceiveField receive_field(std::string_view name) {
  if (name == "QueueUrl") return ReceiveField::QueueUrl;
  if (name == "AttributeNames") return ReceiveField::AttributeNames;
  if (name == "MessageSystemAttributeNames") return ReceiveField::MessageSystemAttributeNames;
  if (name == "MessageAttributeNames") return ReceiveField::MessageAttributeNames;
  if (name == "MaxNumberOfMessages") return ReceiveField::MaxNumberOfMessages;
  if (name == "VisibilityTimeout") return ReceiveField::VisibilityTimeout;
  if (name == "WaitTimeSeconds") return ReceiveField::WaitTimeSeconds;
  if (name == "ReceiveRequestAttemptId") return ReceiveField::ReceiveRequestAttemptId;
  return ReceiveField::Unbound;
}
inline constexpr auto kReceiveFields = bind_fields(shapes::kReceiveMessageRequestMembers, receive_field);
inline constexpr auto kReceiveChecks =
    check_ranks({ReceiveField::QueueUrl, ReceiveField::MaxNumberOfMessages, ReceiveField::VisibilityTimeout,
                 ReceiveField::WaitTimeSeconds, ReceiveField::AttributeNames, ReceiveField::MessageSystemAttributeNames,
                 ReceiveField::MessageAttributeNames, ReceiveField::ReceiveRequestAttemptId});

template <typename Reader>
void read_receive_message(Reader& in, std::optional<std::string>& queue_url, sluice::sqs::ReceiveMessageRequest& out) {
  // The deprecated AttributeNames and MessageSystemAttributeNames select from the same set, in
  // that order.
  std::vector<std::string> system_names;
  in.structure(shapes::kReceiveMessageRequestMembers, kRequestKeys, "", "", [&](size_t index, Reader& value) {
    const query::Member& m = shapes::kReceiveMessageRequestMembers[index];
    ReceiveField field = kReceiveFields[index];
    ErrorKey key = member_key(kRequestKeys, check_rank(kReceiveChecks, field));
    switch (field) {
      case ReceiveField::QueueUrl:
        return value.string(queue_url, m, key);
      case ReceiveField::AttributeNames:
        return value.string_list(out.system_attribute_names, m, key);
      case ReceiveField::MessageSystemAttributeNames:
        return value.string_list(system_names, m, key);
      case ReceiveField::MessageAttributeNames:
        return value.string_list(out.message_attribute_names, m, key);
      case ReceiveField::MaxNumberOfMessages:
        return value.integer(out.max_number_of_messages, m, key);
      case ReceiveField::VisibilityTimeout:
        return value.integer(out.visibility_timeout, m, key);
      case ReceiveField::WaitTimeSeconds:
        return value.integer(out.wait_time_seconds, m, key);
      case ReceiveField::ReceiveRequestAttemptId:
        return value.string(out.receive_request_attempt_id, m, key);
      default:
        return value.skip();
    }
  });
  for (auto& name : system_names) out.system_attribute_names.push_back(std::move(name));
}

// ---- DeleteMessage(Batch) and ChangeMessageVisibility(Batch): receipt handles -------------------

enum class HandleField { QueueUrl, Entries, Id, ReceiptHandle, VisibilityTimeout, Unbound };
constexpr HandleField handle_field(std::string_view name) {
  if (name == "QueueUrl") return HandleField::QueueUrl;
  if (name == "Entries") return HandleField::Entries;
  if (name == "Id") return HandleField::Id;
  if (name == "ReceiptHandle") return HandleField::ReceiptHandle;
  if (name == "VisibilityTimeout") return HandleField::VisibilityTimeout;
  return HandleField::Unbound;
}
inline constexpr auto kDeleteMessageFields = bind_fields(shapes::kDeleteMessageRequestMembers, handle_field);
inline constexpr auto kDeleteBatchFields = bind_fields(shapes::kDeleteMessageBatchRequestMembers, handle_field);
inline constexpr auto kDeleteEntryFields = bind_fields(shapes::kDeleteMessageBatchRequestEntryMembers, handle_field);
inline constexpr auto kChangeVisibilityFields =
    bind_fields(shapes::kChangeMessageVisibilityRequestMembers, handle_field);
inline constexpr auto kChangeVisibilityBatchFields =
    bind_fields(shapes::kChangeVisibilityBatchRequestMembers, handle_field);
inline constexpr auto kChangeVisibilityEntryFields =
    bind_fields(shapes::kChangeVisibilityBatchRequestEntryMembers, handle_field);
inline constexpr auto kHandleChecks = check_ranks({HandleField::QueueUrl, HandleField::Entries, HandleField::Id,
                                                   HandleField::ReceiptHandle, HandleField::VisibilityTimeout});
inline ErrorKey handle_key(ErrorKey structure, HandleField field) {
  return member_key(structure, check_rank(kHandleChecks, field));
}

// DeleteMessage and ChangeMessageVisibility: both members AWS requires are checked here, so a
// missing one answers MissingParameter in its place among the checks.
struct HandleRequest {
  std::optional<std::string> receipt_handle;
  std::optional<int64_t> visibility_timeout;
};

template <typename Reader>
void read_handle_request(Reader& in, std::span<const query::Member> members, std::span<const HandleField> fields,
                         std::optional<std::string>& queue_url, HandleRequest& out) {
  in.structure(members, kRequestKeys, "", "", [&](size_t index, Reader& value) {
    const query::Member& m = members[index];
    HandleField field = fields[index];
    ErrorKey key = handle_key(kRequestKeys, field);
    switch (field) {
      case HandleField::QueueUrl:
        return value.string(queue_url, m, key);
      case HandleField::ReceiptHandle:
        return value.string(out.receipt_handle, m, key);
      case HandleField::VisibilityTimeout:
        return value.integer(out.visibility_timeout, m, key);
      default:
        return value.skip();
    }
  });
  ReadErrors& errors = in.errors();
  if (!out.receipt_handle) {
    errors.set_if_absent(handle_key(kRequestKeys, HandleField::ReceiptHandle), missing_parameter("ReceiptHandle"));
  }
  bool has_visibility = std::find(fields.begin(), fields.end(), HandleField::VisibilityTimeout) != fields.end();
  if (has_visibility && !out.visibility_timeout) {
    errors.set_if_absent(handle_key(kRequestKeys, HandleField::VisibilityTimeout),
                         missing_parameter("VisibilityTimeout"));
  }
}

template <typename Reader, typename Entry>
void read_handle_entry_member(Reader& in, const query::Member& m, HandleField field, ErrorKey entry_key, Entry& out) {
  ErrorKey key = handle_key(entry_key, field);
  switch (field) {
    case HandleField::Id:
      return in.string(out.id, m, key);
    case HandleField::ReceiptHandle:
      return in.string(out.receipt_handle, m, key);
    case HandleField::VisibilityTimeout:
      if constexpr (requires { out.visibility_timeout; }) return in.integer(out.visibility_timeout, m, key);
      return in.skip();
    default:
      return in.skip();
  }
}

// DeleteMessageBatch (Entry = DeleteMessageBatchEntry) and ChangeMessageVisibilityBatch
// (ChangeVisibilityBatchEntry).
template <typename Reader, typename Entry>
void read_handle_batch(Reader& in, std::span<const query::Member> members, std::span<const HandleField> fields,
                       std::span<const query::Member> entry_members, std::span<const HandleField> entry_fields,
                       std::optional<std::string>& queue_url, std::vector<Entry>& out) {
  in.structure(members, kRequestKeys, "", "", [&](size_t index, Reader& value) {
    const query::Member& m = members[index];
    switch (fields[index]) {
      case HandleField::QueueUrl:
        return value.string(queue_url, m, handle_key(kRequestKeys, HandleField::QueueUrl));
      case HandleField::Entries:
        return read_entries(value, m, handle_key(kRequestKeys, HandleField::Entries), entry_members, out,
                            [&](Reader& member, size_t i, ErrorKey entry_key, Entry& entry) {
                              read_handle_entry_member(member, entry_members[i], entry_fields[i], entry_key, entry);
                            });
      default:
        return value.skip();
    }
  });
}

}  // namespace sluice::api::sqs_wire::detail
