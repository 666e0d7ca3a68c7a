#pragma once
// In-memory form of one message. Kept compact (the engine holds every message in memory; the
// target is ≤1.3 KiB resident per queued 1 KiB message): the id and body MD5 are raw bytes, and
// the fields most messages lack (attributes, FIFO ids, trace header) live behind one pointer.

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "sluice/sqs/engine.h"

namespace sluice::sqs::detail {

using MessageIdBytes = std::array<uint8_t, 16>;

MessageIdBytes new_message_id();                          // random UUID v4 bytes
std::string format_message_id(const MessageIdBytes& id);  // canonical 36-char form
std::optional<MessageIdBytes> parse_message_id(std::string_view text);

enum class MessageState : uint8_t {
  Visible,   // may be received
  Delayed,   // sent with a delay that has not passed yet
  InFlight,  // received, hidden until its visibility timeout passes
};

struct MessageExtra {
  MessageAttributes message_attributes;
  std::string md5_of_message_attributes;  // "" when there are none
  std::string aws_trace_header;
  std::string message_group_id;
  std::string message_deduplication_id;
  std::string sequence_number;
  std::string dead_letter_source_arn;
  // A stretch of the body still to be filled in (SendMessageRequest::deferred_part); body_md5 is
  // not the body's digest until it is (complete_body).
  std::shared_ptr<DeferredBodyPart> deferred_part;
};

struct Message {
  int64_t seq = 0;  // unique across the store, increasing in send order
  MessageIdBytes id{};
  std::array<uint8_t, 16> body_md5{};
  MessageState state = MessageState::Visible;
  uint32_t version = 0;  // bumped on every visibility change; stale index entries carry old ones
  int32_t receive_count = 0;
  int64_t sent_ms = 0;
  int64_t visible_at_ms = 0;
  int64_t first_receive_ms = 0;
  int64_t last_receive_ms = 0;
  std::string body;
  std::unique_ptr<MessageExtra> extra;

  const std::string& group_id() const;  // "" for standard queues
  MessageExtra& ensure_extra();
};

// Fills in the message's deferred body part, if it has one, and computes its body digest: called
// before the body is handed to anyone (a receive, a move to another store).
void complete_body(Message& message);
// The body as receivers see it, for a reader that must not change the message (a peek).
std::string completed_body(const Message& message);
// Writes a deferred part's bytes over the placeholder in `body` (which must hold it).
void fill_deferred_part(std::string& body, DeferredBodyPart& part);

}  // namespace sluice::sqs::detail
