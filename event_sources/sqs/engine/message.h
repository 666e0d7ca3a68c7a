#pragma once
// In-memory form of one message. Kept compact (the engine holds every message in memory): the id
// and body MD5 are raw bytes, the fields most messages lack (attributes, FIFO ids, trace header)
// live behind one pointer, and the body follows the header in the same block, so a queued message
// is one record: in its queue's MessagePool while queued (Queue::create, Queue::insert), on the
// heap (MessagePtr) while it travels between queues or from the store.

#include <array>
#include <cstdint>
#include <memory>
#include <new>
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
  // Loaded from the store still sealed with this KMS data key (store.h, MessageRecord::sealed): the
  // body holds the row's sealed payload and message_attributes nothing, until the queue's sealed
  // messages are opened (EngineImpl::open_sealed). 0 for every other message.
  int64_t sealed_with = 0;
};

class Message {
 public:
  int64_t seq = 0;  // unique across the store, increasing in send order
  MessageIdBytes id{};
  std::array<uint8_t, 16> body_md5{};
  int64_t sent_ms = 0;
  int64_t visible_at_ms = 0;
  int64_t first_receive_ms = 0;
  int64_t last_receive_ms = 0;
  std::unique_ptr<MessageExtra> extra;
  uint32_t version = 0;  // bumped on every visibility change; stale index entries carry old ones
  int32_t receive_count = 0;
  MessageState state = MessageState::Visible;
  bool in_ready = false;  // a standard queue's ready list holds an entry for it (at most one)

  Message(const Message&) = delete;
  Message& operator=(const Message&) = delete;

  // The bytes a record with a body of `body_size` takes.
  static size_t record_bytes(size_t body_size) { return sizeof(Message) + body_size; }
  size_t record_bytes() const { return record_bytes(body_size_); }
  // Makes a message in `block` (record_bytes(content.size()) bytes, 16-aligned) with `content` as its body.
  static Message* construct(void* block, std::string_view content);
  // Makes a copy of `from`'s body and fields in `block` (record_bytes() of it), leaving `from` without its extra.
  static Message* relocate(void* block, Message& from);
  // Makes a copy of `from`'s fields with `content` as its body in `block` (record_bytes(content.size())
  // bytes), leaving `from` without its extra.
  static Message* relocate(void* block, Message& from, std::string_view content);

  std::string_view body() const { return {body_data(), body_size_}; }
  char* body_data() { return reinterpret_cast<char*>(this) + sizeof(Message); }
  const char* body_data() const { return reinterpret_cast<const char*>(this) + sizeof(Message); }
  size_t body_size() const { return body_size_; }

  const std::string& group_id() const;  // "" for standard queues
  MessageExtra& ensure_extra();

 private:
  explicit Message(uint32_t body_size) : body_size_(body_size) {}
  Message(Message&&) = default;  // the header only: relocate copies the body

  uint32_t body_size_;
  // The body's bytes follow.
};

// A message on the heap, outside any queue: moved between queues or read from the store.
struct MessageFree {
  void operator()(Message* message) const;
};
using MessagePtr = std::unique_ptr<Message, MessageFree>;
MessagePtr make_message(std::string_view content);

// Fills in the message's deferred body part, if it has one, and computes its body digest: called
// before the body is handed to anyone (a receive, a move to another store).
void complete_body(Message& message);
// The body as receivers see it, for a reader that must not change the message (a peek).
std::string completed_body(const Message& message);
// Writes a deferred part's bytes over the placeholder in `body` (which must hold it).
void fill_deferred_part(std::string& body, DeferredBodyPart& part);
void fill_deferred_part(char* body, size_t body_size, DeferredBodyPart& part);

}  // namespace sluice::sqs::detail
