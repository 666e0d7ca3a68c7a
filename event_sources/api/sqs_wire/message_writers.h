#pragma once
// Internal: the write half of the typed message codecs. write_<action>(Writer&, result) renders
// the engine's answer through a JsonResultWriter or an XmlResultWriter (result_writers.h), member
// by member in the model's order (message_codec_fields.h).

#include <array>
#include <cstddef>
#include <string_view>
#include <vector>

#include "message_codec_fields.h"
#include "sluice/common/crypto.h"
#include "sluice/sqs/engine.h"

namespace sluice::api::sqs_wire::detail {

enum class SentField { Id, MessageId, Md5OfBody, Md5OfAttributes, Md5OfSystemAttributes, SequenceNumber, Unbound };
constexpr SentField sent_field(std::string_view name) {
  if (name == "Id") return SentField::Id;
  if (name == "MessageId") return SentField::MessageId;
  if (name == "MD5OfMessageBody") return SentField::Md5OfBody;
  if (name == "MD5OfMessageAttributes") return SentField::Md5OfAttributes;
  if (name == "MD5OfMessageSystemAttributes") return SentField::Md5OfSystemAttributes;
  if (name == "SequenceNumber") return SentField::SequenceNumber;
  return SentField::Unbound;
}
inline constexpr auto kSendResultFields = bind_fields(shapes::kSendMessageResultMembers, sent_field);
inline constexpr auto kSendBatchEntryResultFields =
    bind_fields(shapes::kSendMessageBatchResultEntryMembers, sent_field);

// SendMessage's result, or one successful SendMessageBatch entry.
template <typename Writer, size_t N>
void write_sent(Writer& out, const query::Member (&members)[N], const std::array<SentField, N>& fields,
                const sluice::sqs::SendMessageResult& r) {
  for (size_t i = 0; i < N; ++i) {
    const query::Member& m = members[i];
    switch (fields[i]) {
      case SentField::Id:
        out.string(m, r.id);
        break;
      case SentField::MessageId:
        out.string(m, r.message_id);
        break;
      case SentField::Md5OfBody:
        out.string(m, r.md5_of_message_body);
        break;
      case SentField::Md5OfAttributes:
        if (r.md5_of_message_attributes) out.string(m, *r.md5_of_message_attributes);
        break;
      case SentField::Md5OfSystemAttributes:
        if (r.md5_of_message_system_attributes) out.string(m, *r.md5_of_message_system_attributes);
        break;
      case SentField::SequenceNumber:
        if (r.sequence_number) out.string(m, *r.sequence_number);
        break;
      case SentField::Unbound:
        break;
    }
  }
}

template <typename Writer>
void write_send_message(Writer& out, const sluice::sqs::SendMessageResult& r) {
  write_sent(out, shapes::kSendMessageResultMembers, kSendResultFields, r);
}

enum class BatchFailureField { Id, SenderFault, Code, Message, Unbound };
constexpr BatchFailureField batch_failure_field(std::string_view name) {
  if (name == "Id") return BatchFailureField::Id;
  if (name == "SenderFault") return BatchFailureField::SenderFault;
  if (name == "Code") return BatchFailureField::Code;
  if (name == "Message") return BatchFailureField::Message;
  return BatchFailureField::Unbound;
}
inline constexpr auto kBatchFailureFields = bind_fields(shapes::kBatchResultErrorEntryMembers, batch_failure_field);

enum class BatchField { Successful, Failed, Unbound };
constexpr BatchField batch_field(std::string_view name) {
  if (name == "Successful") return BatchField::Successful;
  if (name == "Failed") return BatchField::Failed;
  return BatchField::Unbound;
}
inline constexpr auto kSendBatchResultFields = bind_fields(shapes::kSendMessageBatchResultMembers, batch_field);
inline constexpr auto kDeleteBatchResultFields = bind_fields(shapes::kDeleteMessageBatchResultMembers, batch_field);
inline constexpr auto kChangeVisibilityBatchResultFields =
    bind_fields(shapes::kChangeVisibilityBatchResultMembers, batch_field);

// A batch result: Successful entries written by `write_entry`, then Failed ones (Code is the
// Query code, as AWS writes it in both protocols). AWS leaves Failed out when no entry failed.
template <typename Writer, typename Entry, size_t N, typename WriteEntry>
void write_batch(Writer& out, const query::Member (&members)[N], const std::array<BatchField, N>& fields,
                 const sluice::sqs::BatchResult<Entry>& result, WriteEntry write_entry) {
  for (size_t i = 0; i < N; ++i) {
    const query::Member& m = members[i];
    if (fields[i] == BatchField::Failed && result.failed.empty()) continue;
    out.begin_list(m);
    if (fields[i] == BatchField::Successful) {
      for (const Entry& entry : result.successful) {
        out.begin_element(m);
        write_entry(out, entry);
        out.end_element(m);
      }
    } else {
      for (const sluice::sqs::BatchEntryError& failed : result.failed) {
        out.begin_element(m);
        for (size_t f = 0; f < std::size(shapes::kBatchResultErrorEntryMembers); ++f) {
          const query::Member& fm = shapes::kBatchResultErrorEntryMembers[f];
          switch (kBatchFailureFields[f]) {
            case BatchFailureField::Id:
              out.string(fm, failed.id);
              break;
            case BatchFailureField::SenderFault:
              out.boolean(fm, failed.sender_fault);
              break;
            case BatchFailureField::Code:
              out.string(fm, failed.error.info().query_code);
              break;
            case BatchFailureField::Message:
              out.string(fm, failed.error.message);
              break;
            case BatchFailureField::Unbound:
              break;
          }
        }
        out.end_element(m);
      }
    }
    out.end_list(m);
  }
}

template <typename Writer>
void write_send_message_batch(Writer& out, const sluice::sqs::BatchResult<sluice::sqs::SendMessageResult>& result) {
  write_batch(out, shapes::kSendMessageBatchResultMembers, kSendBatchResultFields, result,
              [](Writer& w, const sluice::sqs::SendMessageResult& r) {
                write_sent(w, shapes::kSendMessageBatchResultEntryMembers, kSendBatchEntryResultFields, r);
              });
}

// DeleteMessageBatch and ChangeMessageVisibilityBatch: successful entries carry their Id only.
template <typename Writer, size_t N>
void write_ok_batch(Writer& out, const query::Member (&members)[N], const std::array<BatchField, N>& fields,
                    const sluice::sqs::BatchResult<sluice::sqs::BatchEntryOk>& result) {
  static_assert(std::size(shapes::kIdOnlyMembers) == 1 && shapes::kIdOnlyMembers[0].json == "Id");
  write_batch(out, members, fields, result,
              [](Writer& w, const sluice::sqs::BatchEntryOk& ok) { w.string(shapes::kIdOnlyMembers[0], ok.id); });
}

enum class MessageField {
  MessageId,
  ReceiptHandle,
  Md5OfBody,
  Body,
  Attributes,
  Md5OfMessageAttributes,
  MessageAttributes,
  Unbound
};
constexpr MessageField message_field(std::string_view name) {
  if (name == "MessageId") return MessageField::MessageId;
  if (name == "ReceiptHandle") return MessageField::ReceiptHandle;
  if (name == "MD5OfBody") return MessageField::Md5OfBody;
  if (name == "Body") return MessageField::Body;
  if (name == "Attributes") return MessageField::Attributes;
  if (name == "MD5OfMessageAttributes") return MessageField::Md5OfMessageAttributes;
  if (name == "MessageAttributes") return MessageField::MessageAttributes;
  return MessageField::Unbound;
}
inline constexpr auto kMessageFields = bind_fields(shapes::kMessageMembers, message_field);

template <typename Writer>
void write_attribute_value(Writer& out, const sluice::sqs::MessageAttribute& attr) {
  // Binary and Binary.<label> carry bytes; String/Number (and labels) carry text.
  bool binary = attr.data_type.rfind("Binary", 0) == 0;
  for (size_t i = 0; i < std::size(shapes::kMessageAttributeValueMembers); ++i) {
    const query::Member& m = shapes::kMessageAttributeValueMembers[i];
    switch (kAttributeValueFields[i]) {
      case AttributeValueField::StringValue:
        if (!binary) out.string(m, attr.string_value);
        break;
      case AttributeValueField::BinaryValue:
        if (binary) out.string(m, common::base64_encode(attr.binary_value));
        break;
      case AttributeValueField::DataType:
        out.string(m, attr.data_type);
        break;
      default:
        break;
    }
  }
}

template <typename Writer>
void write_message(Writer& out, const sluice::sqs::ReceivedMessage& message) {
  for (size_t i = 0; i < std::size(shapes::kMessageMembers); ++i) {
    const query::Member& m = shapes::kMessageMembers[i];
    switch (kMessageFields[i]) {
      case MessageField::MessageId:
        out.string(m, message.message_id);
        break;
      case MessageField::ReceiptHandle:
        out.string(m, message.receipt_handle);
        break;
      case MessageField::Md5OfBody:
        out.string(m, message.md5_of_body);
        break;
      case MessageField::Body:
        out.string(m, message.body);
        break;
      case MessageField::Attributes:
        if (message.attributes.empty()) break;
        out.begin_map(m);
        for (const auto& [name, value] : message.attributes) out.map_string(m, name, value);
        out.end_map(m);
        break;
      case MessageField::Md5OfMessageAttributes:
        if (message.md5_of_message_attributes) out.string(m, *message.md5_of_message_attributes);
        break;
      case MessageField::MessageAttributes:
        if (message.message_attributes.empty()) break;
        out.begin_map(m);
        for (const auto& [name, attr] : message.message_attributes) {
          out.begin_map_struct(m, name);
          write_attribute_value(out, attr);
          out.end_map_struct(m);
        }
        out.end_map(m);
        break;
      case MessageField::Unbound:
        break;
    }
  }
}

// AWS leaves Messages out when there are none.
template <typename Writer>
void write_receive_message(Writer& out, const std::vector<sluice::sqs::ReceivedMessage>& messages) {
  static_assert(std::size(shapes::kReceiveMessageResultMembers) == 1 &&
                shapes::kReceiveMessageResultMembers[0].json == "Messages");
  if (messages.empty()) return;
  const query::Member& m = shapes::kReceiveMessageResultMembers[0];
  out.begin_list(m);
  for (const auto& message : messages) {
    out.begin_element(m);
    write_message(out, message);
    out.end_element(m);
  }
  out.end_list(m);
}

}  // namespace sluice::api::sqs_wire::detail
