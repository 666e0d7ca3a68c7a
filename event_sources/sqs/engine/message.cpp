#include "engine/message.h"

#include <algorithm>
#include <cstring>
#include <mutex>
#include <random>

#include "engine/body_md5.h"
#include "sluice/common/crypto.h"

namespace sluice::sqs::detail {
namespace {

// Message ids need uniqueness, not secrecy: a fast generator seeded from the OS per thread.
struct IdGenerator {
  std::mt19937_64 engine;
  IdGenerator() {
    std::string seed = common::random_bytes(sizeof(uint64_t) * 4);
    std::seed_seq seq(seed.begin(), seed.end());
    engine.seed(seq);
  }
};

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

const std::string kEmpty;

}  // namespace

MessageIdBytes new_message_id() {
  thread_local IdGenerator generator;
  MessageIdBytes id;
  uint64_t a = generator.engine(), b = generator.engine();
  for (int i = 0; i < 8; ++i) {
    id[static_cast<size_t>(i)] = static_cast<uint8_t>(a >> (8 * i));
    id[static_cast<size_t>(i) + 8] = static_cast<uint8_t>(b >> (8 * i));
  }
  id[6] = static_cast<uint8_t>((id[6] & 0x0F) | 0x40);
  id[8] = static_cast<uint8_t>((id[8] & 0x3F) | 0x80);
  return id;
}

std::string format_message_id(const MessageIdBytes& id) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out(36, '-');
  size_t pos = 0;
  for (size_t i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) ++pos;  // keeps the '-'
    out[pos++] = kDigits[id[i] >> 4];
    out[pos++] = kDigits[id[i] & 15];
  }
  return out;
}

std::optional<MessageIdBytes> parse_message_id(std::string_view text) {
  if (text.size() != 36) return std::nullopt;
  MessageIdBytes id{};
  size_t out = 0;
  for (size_t i = 0; i < 36;) {
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (text[i] != '-') return std::nullopt;
      ++i;
      continue;
    }
    int hi = hex_value(text[i]), lo = hex_value(text[i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    id[out++] = static_cast<uint8_t>(hi * 16 + lo);
    i += 2;
  }
  return id;
}

const std::string& Message::group_id() const { return extra ? extra->message_group_id : kEmpty; }

MessageExtra& Message::ensure_extra() {
  if (!extra) extra = std::make_unique<MessageExtra>();
  return *extra;
}

Message* Message::construct(void* block, std::string_view content) {
  auto* message = new (block) Message(static_cast<uint32_t>(content.size()));
  if (!content.empty()) std::memcpy(message->body_data(), content.data(), content.size());
  return message;
}

Message* Message::relocate(void* block, Message& from) {
  const char* body = from.body_data();  // the header's move leaves the body where it is
  auto* message = new (block) Message(std::move(from));
  if (message->body_size_ > 0) std::memcpy(message->body_data(), body, message->body_size_);
  return message;
}

Message* Message::relocate(void* block, Message& from, std::string_view content) {
  auto* message = new (block) Message(std::move(from));
  message->body_size_ = static_cast<uint32_t>(content.size());
  if (!content.empty()) std::memcpy(message->body_data(), content.data(), content.size());
  return message;
}

void MessageFree::operator()(Message* message) const {
  message->~Message();
  ::operator delete (static_cast<void*>(message), std::align_val_t{16});
}

MessagePtr make_message(std::string_view content) {
  void* block = ::operator new (Message::record_bytes(content.size()), std::align_val_t{16});
  return MessagePtr(Message::construct(block, content));
}

void fill_deferred_part(char* body, size_t body_size, DeferredBodyPart& part) {
  const std::string& text = part.text();
  // The sender promised text() of size() bytes inside the body; a shorter or longer text would
  // shift the rest, so only what fits over the placeholder is written.
  const size_t offset = std::min(part.offset(), body_size);
  const size_t n = std::min({part.size(), text.size(), body_size - offset});
  if (n > 0) std::memcpy(body + offset, text.data(), n);
}

void fill_deferred_part(std::string& body, DeferredBodyPart& part) {
  fill_deferred_part(body.data(), body.size(), part);
}

void complete_body(Message& message) {
  if (!message.extra || !message.extra->deferred_part) return;
  fill_deferred_part(message.body_data(), message.body_size(), *message.extra->deferred_part);
  message.body_md5 = body_md5(message.body());
  message.extra->deferred_part.reset();
}

std::string completed_body(const Message& message) {
  std::string body(message.body());
  if (message.extra && message.extra->deferred_part) fill_deferred_part(body, *message.extra->deferred_part);
  return body;
}

}  // namespace sluice::sqs::detail
