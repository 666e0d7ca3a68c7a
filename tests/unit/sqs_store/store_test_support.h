#pragma once
// Shared helpers for the store tests: a temporary directory that removes itself, and records
// with every field set to something distinguishable.

#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>

#include "store/store.h"

namespace sluice::sqs::detail::testing {

class TempDir {
 public:
  TempDir() {
    char pattern[] = "/tmp/sluice-store-test-XXXXXX";
    if (mkdtemp(pattern) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  std::string file(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

inline std::string read_file(const std::string& path) {
  std::error_code ec;
  auto size = std::filesystem::file_size(path, ec);
  if (ec) return {};
  std::string bytes(size, '\0');
  std::ifstream in(path, std::ios::binary);
  in.read(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  bytes.resize(static_cast<size_t>(in.gcount()));
  return bytes;
}

inline void write_file(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

inline QueueRecord sample_queue(int64_t id, const std::string& name = "orders") {
  QueueRecord q;
  q.queue_id = id;
  q.address = QueueAddress{"123456789012", "eu-west-1", name};
  q.attributes = {{"VisibilityTimeout", "45"}, {"Policy", "{\"Version\":\"2012-10-17\"}"}};
  q.tags = {{"team", "pay\xC3\xA9"}, {"empty", ""}};
  q.permissions_json = "[{\"Label\":\"l1\"}]";
  q.created_ms = 1700000000123;
  q.modified_ms = 1700000000456;
  q.last_purge_ms = 1700000000789;
  q.next_sequence_number = 18446744073709551000ULL;  // above INT64_MAX: all 64 bits must survive
  return q;
}

inline MessageRecord sample_message(int64_t queue_id, int64_t seq, bool encrypted = false) {
  MessageRecord m;
  m.queue_id = queue_id;
  m.seq = seq;
  m.message_id = "msg-" + std::to_string(seq);
  m.body = "body " + std::to_string(seq) + " \xE2\x9C\x93 \xF0\x9F\x98\x80 <&>";
  m.message_attributes["Binary"] = MessageAttribute{"Binary", "", std::string("\x00\x01\xFF\x80zz", 6)};
  m.message_attributes["Str"] = MessageAttribute{"String.custom", "v\xC3\xBC" + std::to_string(seq), ""};
  m.message_attributes["Num"] = MessageAttribute{"Number", "-12.5e3", ""};
  m.aws_trace_header = "Root=1-5759e988-bd862e3fe1be46a994272793";
  m.sender_id = "AIDAEXAMPLE";
  m.message_group_id = "group-" + std::to_string(seq % 3);
  m.message_deduplication_id = "dedup-" + std::to_string(seq);
  m.sequence_number = "18849496460467696128";
  m.dead_letter_source_arn = "arn:aws:sqs:eu-west-1:123456789012:src";
  m.sent_ms = 1700000001000 + seq;
  m.visible_at_ms = 1700000002000 + seq;
  m.first_receive_ms = 0;
  m.receive_count = 0;
  m.encrypted = encrypted;
  return m;
}

inline bool same_queue(const QueueRecord& a, const QueueRecord& b) {
  return a.queue_id == b.queue_id && a.address == b.address && a.attributes == b.attributes && a.tags == b.tags &&
         a.permissions_json == b.permissions_json && a.created_ms == b.created_ms && a.modified_ms == b.modified_ms &&
         a.last_purge_ms == b.last_purge_ms && a.next_sequence_number == b.next_sequence_number;
}

inline bool same_message(const MessageRecord& a, const MessageRecord& b) {
  return a.queue_id == b.queue_id && a.seq == b.seq && a.message_id == b.message_id && a.body == b.body &&
         a.message_attributes == b.message_attributes && a.aws_trace_header == b.aws_trace_header &&
         a.sender_id == b.sender_id && a.message_group_id == b.message_group_id &&
         a.message_deduplication_id == b.message_deduplication_id && a.sequence_number == b.sequence_number &&
         a.dead_letter_source_arn == b.dead_letter_source_arn && a.sent_ms == b.sent_ms &&
         a.visible_at_ms == b.visible_at_ms && a.first_receive_ms == b.first_receive_ms &&
         a.receive_count == b.receive_count && a.encrypted == b.encrypted && a.data_key_id == b.data_key_id;
}

}  // namespace sluice::sqs::detail::testing
